"""``okr eval sets``: the set review graded on OKR-set fixtures with expected findings. No model is loaded.

Each fixture in ``evals/data/sets/*.yaml`` is an OKR set written as review rows would come out of the chain
(kind and catalogue metric per key result); the rows are composed in code exactly as the chain composes them
(``compose.key_result`` from the catalogue), then the deterministic set review runs on them. Each fixture lists
the findings it must produce (kind and rows) and the ones it must not; the grade also checks the score's
arithmetic (every key result's score equals the sum of the weights of its passed checks) and that the rewritten
set scores at least as well as the set as written.

    .venv/bin/okr eval sets                       # grade, print the report
    .venv/bin/okr eval sets --publish             # also write evals/reports/sets/
    .venv/bin/okr eval sets --embeddings fake     # word-overlap embeddings instead of the index's model
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field

from assistant.compose import key_result
from assistant.decide import view
from assistant.schemas import FindingKind, Kind, MetricEntry, ReviewRow, SetReview
from assistant.scoring import score_config
from assistant.settings import Settings

DATA = Path(__file__).parent / "data" / "sets"
REPORTS = Path(__file__).parent / "reports" / "sets"


class KRSpec(BaseModel):
    """One key result of a fixture, as the chain would have judged it."""

    model_config = ConfigDict(extra="forbid")

    goal: str
    kind: Kind
    metric_id: str
    team_controls: bool = True
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FindingKind
    rows: list[int] = Field(default_factory=list, description="rows the finding must name (1-based)")


class SetFixture(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    about: str
    team: str | None = None
    quarter: str | None = None
    objectives: dict[str, list[KRSpec]]
    expect: list[Expect] = Field(default_factory=list)
    absent: list[FindingKind] = Field(default_factory=list, description="finding kinds that must not appear")


def row_for(spec: KRSpec, objective: str, catalogue: dict[str, MetricEntry]) -> ReviewRow:
    """The row the chain would produce for this judgement (same composition code, no model)."""
    entry = catalogue[spec.metric_id]
    served = entry
    reframe = None
    if not spec.team_controls and entry.owned_slice:
        served = catalogue[entry.owned_slice]
        reframe = served.name
    measurable = spec.kind == "outcome" and bool(spec.target)
    if not spec.team_controls and entry.owned_slice:
        rewrite: str | None = key_result(view(served), deadline=spec.deadline)
    elif measurable:
        rewrite = None  # a measurable outcome keeps its own sentence
    else:
        both = spec.baseline and spec.target
        rewrite = key_result(view(entry), spec.baseline if both else None, spec.target if both else None, spec.deadline)
    proxy = catalogue.get(entry.leading[0]) if entry.horizon == "year" and entry.leading else None
    return ReviewRow(
        goal=spec.goal,
        kind=spec.kind,
        rationale="fixture",
        metric=entry.name,
        metric_id=entry.id,
        baseline=spec.baseline if spec.kind == "outcome" else None,
        target=spec.target if spec.kind == "outcome" else None,
        deadline=spec.deadline,
        rewrite=rewrite,
        initiative=spec.goal if spec.kind == "output" else None,
        needs_proxy=proxy is not None,
        proxy=proxy.name if proxy else None,
        proxy_rewrite=key_result(view(proxy), deadline=spec.deadline) if proxy else None,
        team_controls=spec.team_controls,
        reframe=reframe,
        objective=objective,
        measured_in=served.source,
    )


def fixture_rows(fx: SetFixture, catalogue: dict[str, MetricEntry]) -> list[ReviewRow]:
    return [row_for(spec, title, catalogue) for title, specs in fx.objectives.items() for spec in specs]


def load_fixtures(folder: Path = DATA) -> list[SetFixture]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append(SetFixture.model_validate(item))
    return out


def arithmetic_checks(review: SetReview, rows: Sequence[ReviewRow] = ()) -> list[tuple[str, bool]]:
    """Every number the set review shows, recomputed from what it shows (named, so a failure says which).

    The weights add up to 100; each key result's score is the sum of its passed weights; each objective's
    score is the mean of its kept key results; the set's is the mean of its objectives; each row's score (in
    every export) is its checklist's total; each objective's 'as written' score is the mean of its rows; each
    top change is worth its weight / kept key results / scored objectives.
    """
    from assistant.scoring import mean, row_checklist

    checks = [("weights add up to 100", sum(c.weight for c in score_config().checks) == 100)]
    scored = [o for o in review.objectives if any(k.keep for k in o.krs)]
    for o in review.objectives:
        kept = [k for k in o.krs if k.keep]
        for kr in o.krs:
            ok = kr.score is not None and kr.score.score == sum(c.weight for c in kr.score.checks if c.passed)
            checks.append((f"{kr.id} score = passed weights", ok))
        checks.append((f"{o.id} score = mean of kept", o.score == mean([k.score.score for k in kept if k.score])))
        if rows:
            every = [n for k in o.krs for n in k.rows]
            written = mean([rows[n - 1].score or 0 for n in every])
            checks.append((f"{o.id} as written = mean of its rows", o.score_before == written))
    checks.append(("set score = mean of objectives", review.score == mean([o.score for o in scored])))
    for r in rows:
        checks.append((f"row '{r.goal[:30]}' score = its checklist", r.score in (None, row_checklist(r).score)))
    for c in review.top_changes:
        o = next(o for o in review.objectives if any(k.id == c.kr for k in o.krs))
        kr = review.kr(c.kr)
        weight = next(x.weight for x in kr.score.checks if x.id == c.check) if kr.score else 0
        gain = weight / sum(k.keep for k in o.krs) / len(scored)
        checks.append((f"top change {c.kr} {c.check} gain", abs(c.gain - round(gain, 1)) < 1e-9))
    return checks


def arithmetic_ok(review: SetReview, rows: Sequence[ReviewRow] = ()) -> bool:
    return all(ok for _, ok in arithmetic_checks(review, rows))


def grade(fx: SetFixture, review: SetReview, rows: Sequence[ReviewRow] = ()) -> dict[str, Any]:
    """Found and missed expected findings, unexpected ones among the forbidden kinds, and the score checks.

    The rewrite must never lower the score; 'raised' counts the sets it strictly improves (a set already
    sound as written may stay where it is).
    """
    found, missed = [], []
    for e in fx.expect:
        hit = any(f.kind == e.kind and set(e.rows) <= set(f.rows) for f in review.findings)
        (found if hit else missed).append(f"{e.kind} {e.rows}")
    forbidden = [f"{f.kind} {f.rows}" for f in review.findings if f.kind in fx.absent]
    raised = review.score >= review.score_before
    arithmetic = arithmetic_checks(review, rows)
    wrong = [name for name, ok in arithmetic if not ok]
    ok = not missed and not forbidden and not wrong and raised
    return {
        "id": fx.id,
        "about": fx.about,
        "expected": len(fx.expect),
        "found": found,
        "missed": missed,
        "forbidden": forbidden,
        "arithmetic": not wrong,
        "arithmetic_checks": len(arithmetic),
        "arithmetic_wrong": wrong,
        "score_before": review.score_before,
        "score_after": review.score,
        "rewrite_raises": raised,
        "strictly_raised": review.score > review.score_before,
        "pass": ok,
    }


def run(fixtures: Sequence[SetFixture], catalogue: dict[str, MetricEntry], embeddings: Embeddings | None) -> dict:
    from assistant.setreview import review_set_rows

    results = []
    for fx in fixtures:
        rows = fixture_rows(fx, catalogue)
        results.append(grade(fx, review_set_rows(rows, catalogue, embeddings), rows))
    by_kind: dict[str, list[int]] = {}
    for fx, r in zip(fixtures, results, strict=True):
        for e in fx.expect:
            hit = f"{e.kind} {e.rows}" in r["found"]
            by_kind.setdefault(e.kind, [0, 0])
            by_kind[e.kind][0] += hit
            by_kind[e.kind][1] += 1
    summary = {
        "fixtures": len(results),
        "passed": sum(r["pass"] for r in results),
        "expected_findings": sum(r["expected"] for r in results),
        "found_findings": sum(len(r["found"]) for r in results),
        "forbidden_findings": sum(len(r["forbidden"]) for r in results),
        "by_kind": {k: {"found": v[0], "expected": v[1]} for k, v in sorted(by_kind.items())},
        "arithmetic_ok": all(r["arithmetic"] for r in results),
        "arithmetic_checks": sum(r["arithmetic_checks"] for r in results),
        "arithmetic_wrong": sum(len(r["arithmetic_wrong"]) for r in results),
        "rewrite_raises": sum(r["rewrite_raises"] for r in results),
        "strictly_raised": sum(r["strictly_raised"] for r in results),
    }
    return {"summary": summary, "fixtures": results}


def report_markdown(result: dict, config: dict) -> str:
    s = result["summary"]
    lines = [
        "# Set review eval",
        "",
        f"Embeddings: {config['embeddings']}. Fixtures: `evals/data/sets/`. No chat model is called: the rows are "
        "composed from each fixture's judgements by the chain's own composition code.",
        "",
        f"**{s['passed']}/{s['fixtures']} fixtures pass**; expected findings found: {s['found_findings']}/"
        f"{s['expected_findings']}; forbidden findings raised: {s['forbidden_findings']}.",
        "",
        f"**Score arithmetic:** {s['arithmetic_checks'] - s['arithmetic_wrong']}/{s['arithmetic_checks']} figures "
        "recompute exactly (weights add to 100; key result = passed weights; objective = mean of kept key results; "
        "set = mean of objectives; each row's exported score = its checklist; as written = mean of rows; each top "
        "change's gain).",
        f"**Rewrites raise the score:** the rewritten set scores at least the original in "
        f"{s['rewrite_raises']}/{s['fixtures']} fixtures, strictly higher in {s['strictly_raised']}/{s['fixtures']}.",
        "",
        "| finding | found | expected |",
        "|---|---|---|",
        *[f"| {k} | {v['found']} | {v['expected']} |" for k, v in s["by_kind"].items()],
        "",
        "| fixture | pass | score as written → rewritten | arithmetic | missed | forbidden |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["fixtures"]:
        lines.append(
            f"| {r['id']} | {'yes' if r['pass'] else 'NO'} | {r['score_before']} → {r['score_after']} | "
            f"{r['arithmetic_checks'] - len(r['arithmetic_wrong'])}/{r['arithmetic_checks']} | "
            f"{'; '.join(r['missed']) or '-'} | {'; '.join(r['forbidden']) or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="okr eval sets", description="Grade the set review on OKR-set fixtures.")
    p.add_argument("--embeddings", choices=["index", "fake"], default="index", help="index: the index's model")
    p.add_argument("--publish", action="store_true", help="also write the report to evals/reports/sets/")
    a = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    from assistant.knowledge import load_knowledge

    settings = Settings()
    catalogue = load_knowledge(settings.knowledge_dir).catalogue
    if a.embeddings == "fake":
        from tests.fakes import WordEmbedding

        embeddings: Embeddings = WordEmbedding()
        label = "word overlap (tests/fakes.py)"
    else:
        from assistant.retrieval import get_embeddings

        embeddings = get_embeddings(settings)
        label = f"the index's model ({settings.embedding_model})"
    result = run(load_fixtures(), catalogue, embeddings)
    config = {"embeddings": label}
    report = report_markdown(result, config)
    sys.stdout.write(report)
    if a.publish:
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / "report.md").write_text(report, encoding="utf-8")
        (REPORTS / "results.json").write_text(
            json.dumps({"config": config, **result}, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        print(f"published: {REPORTS}", file=sys.stderr)
    return 0 if result["summary"]["passed"] == result["summary"]["fixtures"] else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
