"""From a list of reviews to a better OKR set: set-level findings, scores and the rewritten set.

Works on review rows only (``ReviewRow``), so it runs on stored rows, on a fake chain's rows and on the real
chain's rows alike. Everything here is deterministic: the catalogue decides duplicates (same metric id),
conflicts (opposite directions, pairs in ``knowledge/sets/set_review.yaml``) and guardrails; the index's
embedding model, when given, decides overlaps by meaning and helps judge alignment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import yaml
from langchain_core.embeddings import Embeddings
from pydantic import ValidationError

from . import scoring
from .errors import KnowledgeError
from .policy import CURRENCY
from .schemas import (
    PLACEHOLDER_BASELINE,
    PLACEHOLDER_DEADLINE,
    PLACEHOLDER_TARGET,
    Finding,
    MetricEntry,
    ReviewRow,
    SetKR,
    SetObjective,
    SetReview,
    SetRules,
)
from .settings import REPO_ROOT

RULES_FILE = REPO_ROOT / "knowledge" / "sets" / "set_review.yaml"
NO_OBJECTIVE = "Key results without an objective"
MAX_GUARDRAILS = 2  # per objective: more reads as noise

Catalogue = dict[str, MetricEntry]


# ------------------------------------------------------------------------------------------- rules file


def load_set_rules(path: Path = RULES_FILE, catalogue: Catalogue | None = None) -> SetRules:
    """Read and validate the set rules; with a catalogue, every metric id they name must exist in it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = SetRules.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the set rules: {exc}") from exc
    except ValidationError as exc:
        where = "; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors())
        raise KnowledgeError(f"{path}: {where}") from exc
    if catalogue is not None:
        named = [i for t in rules.tensions for i in (t.push, t.hurts)] + list(rules.function_guardrails.values())
        if unknown := sorted({i for i in named if i not in catalogue}):
            raise KnowledgeError(f"{path}: unknown metric id(s) {unknown}; use ids from knowledge/metrics/")
    if rules.kr_count.min > rules.kr_count.max:
        raise KnowledgeError(f"{path}: field 'kr_count': min is above max")
    return rules


@lru_cache(maxsize=4)
def set_rules(path: Path = RULES_FILE) -> SetRules:
    return load_set_rules(path)


# ------------------------------------------------------------------------------------------- direction

_UP = re.compile(r"^\s*(raise|increase|grow|lift|boost|double|triple|expand|more|higher|accelerate)\b", re.I)
_DOWN = re.compile(
    r"^\s*(cut|reduce|lower|decrease|drop|shrink|halve|minimi[sz]e|fewer|less|shorten|eliminate)\b", re.I
)
_KEEP = re.compile(r"^\s*(keep|maintain|hold|stay|sustain|protect)\b", re.I)
_BETTER = re.compile(r"^\s*(improve|better|optimi[sz]e)\b", re.I)


def direction_of(text: str, baseline: str | None, target: str | None, polarity: str | None) -> str | None:
    """Which way a key result pushes its metric: the leading verb, else from baseline to target, else unknown.

    'Improve' means the metric's good direction, so it needs the catalogue's polarity.
    """
    if _KEEP.match(text):
        return "within"
    if _UP.match(text):
        return "up"
    if _DOWN.match(text):
        return "down"
    if _BETTER.match(text) and polarity:
        return polarity
    low, high = _number(baseline), _number(target)
    if low is not None and high is not None and low != high:
        return "up" if high > low else "down"
    if target and target[:1] in "+-" and _number(target) is not None:
        return "up" if target.startswith("+") else "down"
    return None


def _number(value: str | None) -> float | None:
    from .slots import as_number

    return as_number(value) if value and scoring.filled(value) else None


# ------------------------------------------------------------------------------------------- building the set


def effective_metric(row: ReviewRow, catalogue: Catalogue) -> tuple[str | None, str | None]:
    """(id, name) of what the rewritten key result measures: the owned slice when the team cannot move the metric."""
    entry = catalogue.get(row.metric_id or "")
    if row.team_controls is False and entry and entry.owned_slice and entry.owned_slice in catalogue:
        owned = catalogue[entry.owned_slice]
        return owned.id, owned.name
    return row.metric_id, row.metric


def _slot(text: str, placeholder: str, value: str | None) -> str | None:
    return None if placeholder in text else value


def _new_kr(n: int, row: ReviewRow, catalogue: Catalogue) -> SetKR:
    """A key result from one row: its rewrite when it has one, else the team's own sentence."""
    if row.error or row.kind is None:
        return SetKR(id="", text=row.goal, original=row.goal, rows=[n], reviewed=False, team_controls=False)
    metric_id, metric = effective_metric(row, catalogue)
    entry = catalogue.get(metric_id or "")
    text = row.rewrite or row.goal
    baseline = _slot(text, PLACEHOLDER_BASELINE, row.baseline)
    target = _slot(text, PLACEHOLDER_TARGET, row.target)
    deadline = _slot(text, PLACEHOLDER_DEADLINE, row.deadline)
    return SetKR(
        id="",
        text=text,
        original=row.goal,
        rows=[n],
        alternatives=list(row.alternatives),
        kind_before=row.kind,
        metric=metric,
        metric_id=metric_id,
        direction=direction_of(text, baseline, target, entry.polarity if entry else None),  # type: ignore[arg-type]
        baseline=baseline,
        target=target,
        deadline=deadline,
        initiatives=[row.initiative or row.goal] if row.kind == "output" else [],
        proxy=row.proxy_rewrite or row.proxy,
        team_controls=True if metric_id != row.metric_id else bool(row.team_controls),
        measured_in=row.measured_in or (entry.source if entry else None),
        horizon=entry.horizon if entry else None,
    )


def _label(kr: SetKR) -> str:
    return f"{kr.id} '{_short(kr.original)}'"


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def build_objective(
    title: str, indexed: list[tuple[int, ReviewRow]], catalogue: Catalogue, findings: list[Finding]
) -> list[SetKR]:
    """The key results of one objective: outcomes first claim their metric, outputs go under the outcome they serve.

    Two outcomes on the same metric in the same direction: the later one is dropped (kept visible, with why).
    Outputs on a metric no outcome covers become one outcome key result with the outputs as its initiatives.
    """
    krs: list[SetKR] = []
    by_metric: dict[str, SetKR] = {}
    for n, row in indexed:  # outcomes and failed rows, in order
        if row.kind == "output" and not row.error:
            continue
        kr = _new_kr(n, row, catalogue)
        krs.append(kr)
        if not kr.reviewed or not kr.metric_id:
            continue
        first = by_metric.get(kr.metric_id)
        if first is None:
            by_metric[kr.metric_id] = kr
        elif first.direction == kr.direction or None in (first.direction, kr.direction):
            kr.keep = False
            kr.dropped_reason = f"measures the same metric as row {first.rows[0]} ({kr.metric})"
    for n, row in indexed:  # outputs: initiatives
        if row.kind != "output" or row.error:
            continue
        new = _new_kr(n, row, catalogue)
        served = by_metric.get(new.metric_id or "")
        if served is not None:
            served.initiatives.append(row.initiative or row.goal)
            served.rows.append(n)
            kind = "merged" if served.kind_before == "output" else "under"
            findings.append(
                Finding(
                    kind="initiative",
                    severity="warning",
                    objective=title,
                    rows=[n, served.rows[0]],
                    message=(
                        f"Row {n} '{_short(row.goal)}' is an initiative, not a key result: "
                        + (
                            f"it serves the same outcome as row {served.rows[0]} ({served.metric}) and is listed "
                            "under it."
                            if kind == "merged"
                            else f"it serves row {served.rows[0]} '{_short(served.original)}' and is listed under it."
                        )
                    ),
                )
            )
            continue
        krs.append(new)
        if new.metric_id:
            by_metric[new.metric_id] = new
        findings.append(
            Finding(
                kind="initiative",
                severity="warning",
                objective=title,
                rows=[n],
                message=f"Row {n} '{_short(row.goal)}' is an initiative, not a key result: it is listed under the "
                f"outcome it should move, '{new.text}'.",
            )
        )
    krs.sort(key=lambda k: k.rows[0])
    for kr in krs:
        if not kr.keep:
            findings.append(
                Finding(
                    kind="duplicate",
                    severity="problem",
                    objective=title,
                    rows=kr.rows[:1] + [by_metric[kr.metric_id or ""].rows[0]],
                    message=f"Row {kr.rows[0]} '{_short(kr.original)}' {kr.dropped_reason}: dropped from the "
                    "rewritten set (keep it again in the app if it differs).",
                )
            )
    return krs


def group_rows(rows: Sequence[ReviewRow]) -> list[tuple[str, list[tuple[int, ReviewRow]]]]:
    """Rows by objective, in order of first appearance; each row keeps its 1-based input position."""
    groups: dict[str, list[tuple[int, ReviewRow]]] = {}
    for n, row in enumerate(rows, 1):
        groups.setdefault(row.objective or NO_OBJECTIVE, []).append((n, row))
    return list(groups.items())


# ------------------------------------------------------------------------------------------- findings


def count_findings(title: str, indexed: list[tuple[int, ReviewRow]], rules: SetRules) -> list[Finding]:
    """Key results per objective (two to five), outputs among them, at least one outcome; failed rows named."""
    out: list[Finding] = []
    ok = [(n, r) for n, r in indexed if not r.error and r.kind]
    for n, r in indexed:
        if r.error or not r.kind:
            out.append(
                Finding(
                    kind="error",
                    severity="problem",
                    objective=title,
                    rows=[n],
                    message=f"Row {n} could not be reviewed ({r.error or 'no verdict'}); it is kept as written.",
                )
            )
    lo, hi = rules.kr_count.min, rules.kr_count.max
    if not lo <= len(indexed) <= hi:
        message = (
            f"{len(indexed)} key result(s): {lo} to {hi} is healthy. One number cannot show a trade-off; "
            "add the outcome it should not hurt, or a second view of success."
            if len(indexed) < lo
            else f"{len(indexed)} key results: {lo} to {hi} is healthy. More than {hi} spreads the team thin; "
            "keep the outcomes that matter most and move the rest to initiatives."
        )
        out.append(
            Finding(
                kind="kr_count",
                severity="warning",
                objective=title,
                rows=[n for n, _ in indexed],
                message=message,
            )
        )
    outputs = [n for n, r in ok if r.kind == "output"]
    if ok and not any(r.kind == "outcome" for _, r in ok):
        out.append(
            Finding(
                kind="no_outcome",
                severity="problem",
                objective=title,
                rows=outputs,
                message="No outcome among its key results: every one is work to deliver. The rewritten set names the "
                "outcome each should move.",
            )
        )
    elif outputs:
        out.append(
            Finding(
                kind="outputs",
                severity="warning",
                objective=title,
                rows=outputs,
                message=f"{len(outputs)} of {len(ok)} key results are outputs (rows {', '.join(map(str, outputs))}).",
            )
        )
    return out


def conflict_findings(objectives: list[SetObjective], catalogue: Catalogue, rules: SetRules) -> list[Finding]:
    """Same metric pushed both ways; a push that hurts another key result's metric; one metric in two objectives."""
    out: list[Finding] = []
    kept = [(o, k) for o in objectives for k in o.krs if k.keep and k.reviewed and k.metric_id]
    by_metric: dict[str, list[tuple[SetObjective, SetKR]]] = {}
    for o, k in kept:
        by_metric.setdefault(k.metric_id or "", []).append((o, k))
    for pairs in by_metric.values():
        ways = {k.direction for _, k in pairs} - {None, "within"}
        if ways == {"up", "down"}:
            out.append(
                Finding(
                    kind="conflict",
                    severity="problem",
                    objective=pairs[0][0].title,
                    rows=[k.rows[0] for _, k in pairs],
                    message=f"{' and '.join(_label(k) for _, k in pairs)} push {pairs[0][1].metric} in opposite "
                    "directions; agree which way it should go, or make one a guardrail to keep within bounds.",
                )
            )
        elif len({o.id for o, _ in pairs}) > 1:
            out.append(
                Finding(
                    kind="duplicate",
                    severity="warning",
                    objective=None,
                    rows=[k.rows[0] for _, k in pairs],
                    message=f"{' and '.join(_label(k) for _, k in pairs)} measure the same metric "
                    f"({pairs[0][1].metric}) under different objectives; keep it under the one it serves.",
                )
            )
    for o, k in kept:
        entry = catalogue.get(k.metric_id or "")
        if entry is None or k.direction not in (None, entry.polarity):
            continue
        for t in rules.tensions:
            if t.push != k.metric_id or t.hurts not in by_metric:
                continue
            for _, other in by_metric[t.hurts]:
                out.append(
                    Finding(
                        kind="guardrail_conflict",
                        severity="warning",
                        objective=o.title,
                        rows=[k.rows[0], other.rows[0]],
                        message=f"{_label(k)} can hurt {_label(other)}: {t.why}. Agree a floor for "
                        f"{other.metric} before pushing.",
                    )
                )
    return out


def guardrail_for(kr: SetKR, catalogue: Catalogue, rules: SetRules) -> tuple[MetricEntry, str | None] | None:
    """The health metric to keep within bounds while this key result is pushed, and why (None from the fallback)."""
    entry = catalogue.get(kr.metric_id or "")
    if entry is None or entry.polarity == "within":
        return None
    for t in rules.tensions:
        if t.push == entry.id and t.hurts in catalogue:
            return catalogue[t.hurts], t.why
    guard = rules.function_guardrails.get(entry.functions[0])
    if guard and guard != entry.id and guard in catalogue:
        return catalogue[guard], None
    return None


def guardrail_text(guard: MetricEntry) -> str:
    """'Keep refund rate under [target]': the bound is a placeholder, never a number we made up."""
    bound = {"down": "under", "up": "above", "within": "within"}[guard.polarity]
    return f"Keep {guard.name} {bound} {PLACEHOLDER_TARGET}"


def add_guardrails(objectives: list[SetObjective], catalogue: Catalogue, rules: SetRules) -> list[Finding]:
    """A suggested guardrail per objective where a push could do damage, unless a key result already watches it."""
    watched = {k.metric_id for o in objectives for k in o.krs if k.keep}
    out: list[Finding] = []
    for o in objectives:
        for kr in o.krs:
            if not (kr.keep and kr.reviewed) or len(o.guardrails) >= MAX_GUARDRAILS:
                continue
            found = guardrail_for(kr, catalogue, rules)
            if not found or found[0].id in watched:
                continue
            text = guardrail_text(found[0])
            if text in o.guardrails:
                continue
            o.guardrails.append(text)
            why = f": {found[1]}" if found[1] else ""
            out.append(
                Finding(
                    kind="guardrail",
                    severity="info",
                    objective=o.title,
                    rows=kr.rows[:1],
                    message=f"{_label(kr)} pushes {kr.metric}; suggested guardrail: {text}{why}.",
                )
            )
    return out


def balance_findings(objectives: list[SetObjective], catalogue: Catalogue) -> list[Finding]:
    """Leading (readable within weeks) against lagging (quarter or year) key results, per objective."""
    out: list[Finding] = []
    for o in objectives:
        krs = [k for k in o.krs if k.keep and k.reviewed and k.horizon]
        if not krs:
            continue
        leading = [k for k in krs if k.horizon == "weeks" or k.proxy]
        lagging = [k for k in krs if k.horizon in ("quarter", "year")]
        if not leading:
            lead_ids = [i for k in krs for i in catalogue[k.metric_id or ""].leading if k.metric_id in catalogue]
            hint = f", e.g. {catalogue[lead_ids[0]].name}" if lead_ids and lead_ids[0] in catalogue else ""
            out.append(
                Finding(
                    kind="balance",
                    severity="warning",
                    objective=o.title,
                    rows=[k.rows[0] for k in krs],
                    message=f"{o.id} has only lagging key results: add a leading one that moves within weeks{hint}.",
                )
            )
        elif not lagging and len(krs) >= 2:
            led = [m for m in catalogue.values() if any(k.metric_id in m.leading for k in krs)]
            hint = f", e.g. {led[0].name}" if led else ""
            out.append(
                Finding(
                    kind="balance",
                    severity="info",
                    objective=o.title,
                    rows=[k.rows[0] for k in krs],
                    message=f"{o.id} has only leading key results: name the result they should lead to{hint}.",
                )
            )
    return out


# ------------------------------------------------------------------------------------------- meaning


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def metric_text(m: MetricEntry) -> str:
    """The same text the index embeds for a metric, so the embedding cache already holds it."""
    return f"{m.name}: {m.definition}"


class Meaning:
    """Similarity by the index's embedding model: key result against key result, and objective against catalogue."""

    def __init__(self, embeddings: Embeddings, catalogue: Catalogue) -> None:
        self.embeddings, self.catalogue = embeddings, catalogue
        self._metric_vectors: list[tuple[MetricEntry, list[float]]] | None = None

    def vectors(self, texts: list[str]) -> list[list[float]]:
        return self.embeddings.embed_documents(texts) if texts else []

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vectors([a, b])
        return cosine(va, vb)

    def functions_of(self, text: str, k: int = 5) -> set[str]:
        """The catalogue functions of the k metrics nearest in meaning to a text (an objective)."""
        if self._metric_vectors is None:
            metrics = list(self.catalogue.values())
            self._metric_vectors = list(zip(metrics, self.vectors([metric_text(m) for m in metrics]), strict=True))
        v = self.vectors([text])[0]
        near = sorted(self._metric_vectors, key=lambda mv: -cosine(v, mv[1]))[:k]
        return {f for m, _ in near for f in m.functions}


_NOT_MEANING = re.compile(
    rf"\[[a-z]+\]|(?:{CURRENCY})?\d[\d,.]*\s*%?|(?<![\w-])(?:from|to|by|within|through|before|end\s+of|q[1-4]|h[12]|fy\d*|"
    r"(?:19|20)\d{2})(?![\w-])",
    re.I,
)


def gist(text: str) -> str:
    """What a key result is about, without its numbers, dates and slot words: shared 'from 12% to 16% by Q3'
    would otherwise make unrelated key results look alike."""
    return re.sub(r"\s+", " ", _NOT_MEANING.sub(" ", text)).strip() or text


def overlap_findings(objectives: list[SetObjective], meaning: Meaning, threshold: float) -> list[Finding]:
    """Two kept key results on different metrics whose original wording says the same thing."""
    krs = [k for o in objectives for k in o.krs if k.keep and k.reviewed]
    vectors = meaning.vectors([gist(k.original) for k in krs])
    out: list[Finding] = []
    for (a, va), (b, vb) in combinations(zip(krs, vectors, strict=True), 2):
        if a.metric_id and a.metric_id == b.metric_id:
            continue  # the catalogue already calls these duplicates
        sim = cosine(va, vb)
        if sim >= threshold:
            out.append(
                Finding(
                    kind="overlap",
                    severity="warning",
                    objective=None,
                    rows=[a.rows[0], b.rows[0]],
                    message=f"{_label(a)} and {_label(b)} say nearly the same thing (similarity {sim:.2f}); "
                    "merge them or make the difference explicit.",
                )
            )
    return out


def align(objectives: list[SetObjective], meaning: Meaning, catalogue: Catalogue, rules: SetRules) -> list[Finding]:
    """Does each key result serve its objective? Shared catalogue function, or close in meaning; else flagged."""
    out: list[Finding] = []
    for o in objectives:
        if o.title == NO_OBJECTIVE:
            continue
        wanted = meaning.functions_of(o.title)
        for kr in o.krs:
            entry = catalogue.get(kr.metric_id or "")
            if not kr.reviewed or entry is None:
                continue
            shared = sorted(wanted & set(entry.functions))
            sim = meaning.similarity(o.title, f"{kr.original}. {entry.name}")
            if shared:
                kr.aligned, kr.alignment = True, f"{entry.name} is a {shared[0]} metric, like the objective"
            elif sim >= rules.alignment_similarity:
                kr.aligned, kr.alignment = True, f"close in meaning to the objective ({sim:.2f})"
            else:
                kr.aligned = False
                kr.alignment = (
                    f"{entry.name} is a {'/'.join(entry.functions)} metric; the objective reads as "
                    f"{'/'.join(sorted(wanted)) or 'something else'} (similarity {sim:.2f})"
                )
                if kr.keep:
                    out.append(
                        Finding(
                            kind="misaligned",
                            severity="warning",
                            objective=o.title,
                            rows=kr.rows[:1],
                            message=f"{_label(kr)} may not serve '{o.title}': {kr.alignment}. Move it under the "
                            "objective it serves, or say how it helps this one.",
                        )
                    )
    return out


# ------------------------------------------------------------------------------------------- scores


def rescore(
    review: SetReview, rows: Sequence[ReviewRow] | None = None, catalogue: Catalogue | None = None
) -> SetReview:
    """Scores after any change: each key result, each objective, the set, the top three changes, the gaps.

    ``rows`` (the review rows, in input order) give the 'as written' scores; without them those stay as they were.
    """
    for o in review.objectives:
        for kr in o.krs:
            kr.score = scoring.score(scoring.facts_from_kr(kr))
            if rows is not None and catalogue is not None:
                as_written = [scoring.score(scoring.facts_from_row(rows[n - 1], catalogue)) for n in kr.rows]
                kr.score_before = as_written[0].model_copy(
                    update={"score": scoring.mean([s.score for s in as_written])}
                )
        if rows is not None and catalogue is not None:  # every row as written counts once
            every = [n for kr in o.krs for n in kr.rows]
            o.score_before = scoring.mean(
                [scoring.score(scoring.facts_from_row(rows[n - 1], catalogue)).score for n in every]
            )
        o.score = scoring.objective_score(o)
    scored = [o for o in review.objectives if any(k.keep for k in o.krs)]
    review.score = scoring.mean([o.score for o in scored])
    review.score_before = scoring.mean([o.score_before for o in review.objectives if o.krs])
    review.top_changes = scoring.top_changes(review.objectives)
    review.placeholders = [
        f"{kr.id}: {p}"
        for o in review.objectives
        for kr in o.krs
        if kr.keep
        for p in scoring.PLACEHOLDERS
        if p in kr.text
    ] + [f"{o.id} guardrail: {PLACEHOLDER_TARGET}" for o in review.objectives for _ in o.guardrails]
    return review


# ------------------------------------------------------------------------------------------- the whole review


def review_set_rows(
    rows: Sequence[ReviewRow],
    catalogue: Catalogue,
    embeddings: Embeddings | None = None,
    rules: SetRules | None = None,
) -> SetReview:
    """The set review of reviewed rows: findings, the rewritten set and every score. No model is called."""
    rules = rules or set_rules()
    findings: list[Finding] = []
    objectives: list[SetObjective] = []
    total = [r for r in rows if not r.error and r.kind]
    for i, (title, indexed) in enumerate(group_rows(rows), 1):
        findings.extend(count_findings(title, indexed, rules))
        krs = build_objective(title, indexed, catalogue, findings)
        for j, kr in enumerate(krs, 1):
            kr.id = f"O{i}.KR{j}"
        objectives.append(SetObjective(id=f"O{i}", title=title, krs=krs))
    outputs = sum(r.kind == "output" for r in total)
    if outputs:
        findings.insert(
            0,
            Finding(
                kind="outputs",
                severity="warning",
                message=f"The set: {len(objectives)} objective(s), {len(rows)} key result(s), {outputs} of them "
                f"outputs ({round(100 * outputs / len(total))}%).",
            ),
        )
    findings.extend(conflict_findings(objectives, catalogue, rules))
    notes: list[str] = []
    if embeddings is not None:
        meaning = Meaning(embeddings, catalogue)
        findings.extend(overlap_findings(objectives, meaning, rules.duplicate_similarity))
        findings.extend(align(objectives, meaning, catalogue, rules))
    else:
        notes.append("Overlaps by meaning and alignment were not checked: no embedding model was given.")
    findings.extend(balance_findings(objectives, catalogue))
    findings.extend(add_guardrails(objectives, catalogue, rules))
    review = SetReview(objectives=objectives, findings=findings, notes=notes)
    return rescore(review, rows, catalogue)
