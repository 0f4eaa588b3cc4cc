"""The transparent key-result score: a checklist whose weights live in ``knowledge/sets/score.yaml``.

Pure arithmetic, no model: each check passes or fails on facts read from a review row (the key result as the
team wrote it) or from a key result of the rewritten set. The score is the sum of the weights that passed, so
anyone can recompute it from what is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import KnowledgeError
from .schemas import (
    PLACEHOLDER_BASELINE,
    PLACEHOLDER_DEADLINE,
    PLACEHOLDER_TARGET,
    CheckResult,
    KRScore,
    MetricEntry,
    ReviewRow,
    ScoreChange,
    ScoreConfig,
    SetKR,
    SetObjective,
)
from .settings import REPO_ROOT

SCORE_FILE = REPO_ROOT / "knowledge" / "sets" / "score.yaml"
PLACEHOLDERS = (PLACEHOLDER_BASELINE, PLACEHOLDER_TARGET, PLACEHOLDER_DEADLINE)


def load_score_config(path: Path = SCORE_FILE) -> ScoreConfig:
    """Read and validate the checklist; a broken file fails with its name and the field to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the score checklist: {exc}") from exc
    try:
        return ScoreConfig.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors())
        raise KnowledgeError(f"{path}: {where}") from exc


@lru_cache(maxsize=4)
def score_config(path: Path = SCORE_FILE) -> ScoreConfig:
    """The checklist, read once per process (the file is small but every row is scored)."""
    return load_score_config(path)


@dataclass(frozen=True)
class KRFacts:
    """What the checklist looks at, already decided; one place turns a row or a set key result into these."""

    outcome: bool
    metric: bool
    baseline: bool
    target: bool
    deadline: bool
    controls: bool
    readable: bool
    source: bool

    def get(self, check_id: str) -> bool:
        return bool(getattr(self, check_id))


def filled(value: str | None) -> bool:
    """A slot counts when it holds the user's value, not a placeholder."""
    return bool(value and value.strip() and not any(p in value for p in PLACEHOLDERS))


def facts_from_row(row: ReviewRow, catalogue: dict[str, MetricEntry] | None = None) -> KRFacts:
    """The key result as the team wrote it: an output names no metric and cannot be read as one.

    The chain sets ``measured_in`` from the catalogue, so a row scores the same with or without the catalogue;
    the catalogue only helps rows written by hand without it.
    """
    catalogue = catalogue or {}
    if row.error or row.kind is None:
        return KRFacts(*(False,) * 8)
    outcome = row.kind == "outcome"
    entry = catalogue.get(row.metric_id or "")
    return KRFacts(
        outcome=outcome,
        metric=outcome and bool(row.metric),
        baseline=outcome and filled(row.baseline),
        target=outcome and filled(row.target),
        deadline=filled(row.deadline),
        controls=bool(row.team_controls),
        readable=outcome and not row.needs_proxy,
        source=outcome and bool(entry or row.measured_in),
    )


def facts_from_kr(kr: SetKR) -> KRFacts:
    """A key result of the rewritten set: an outcome by construction unless it could not be reviewed."""
    if not kr.reviewed:
        return KRFacts(*(False,) * 8)
    return KRFacts(
        outcome=True,
        metric=bool(kr.metric),
        baseline=filled(kr.baseline),
        target=filled(kr.target),
        deadline=filled(kr.deadline),
        controls=kr.team_controls,
        readable=kr.horizon in ("weeks", "quarter") or bool(kr.proxy) or kr.horizon is None and bool(kr.metric),
        source=bool(kr.measured_in),
    )


def score(facts: KRFacts, config: ScoreConfig | None = None) -> KRScore:
    """Sum of the weights of the checks that pass, every check listed."""
    config = config or score_config()
    checks = [
        CheckResult(id=c.id, label=c.label, passed=facts.get(c.id), weight=c.weight, fix=c.fix) for c in config.checks
    ]
    return KRScore(score=sum(c.earned for c in checks), checks=checks)


def mean(values: list[int]) -> int:
    """Rounded average; an empty list scores 0 (nothing to count is nothing achieved)."""
    return round(sum(values) / len(values)) if values else 0


def row_checklist(row: ReviewRow) -> KRScore:
    """A row as written, every check shown (the chat's checklist; ``ReviewRow.score`` is its total)."""
    return score(facts_from_row(row))


def row_score(row: ReviewRow) -> int:
    """A row as written; a failed row counts 0 in averages, as in the set review's 'as written' score."""
    return row.score or 0


def objective_scores(rows: Sequence[ReviewRow], none: str = "(no objective)") -> list[tuple[str, int]]:
    """Each objective's score as written (the mean of its rows), in order of first appearance: the badge per
    objective in the roadmap tab and report, equal to the set review's ``score_before`` of that objective."""
    groups: dict[str, list[int]] = {}
    for r in rows:
        groups.setdefault(r.objective or none, []).append(row_score(r))
    return [(title, mean(scores)) for title, scores in groups.items()]


def objective_score(obj: SetObjective) -> int:
    """The average of the kept key results' scores (a dropped key result no longer counts)."""
    return mean([k.score.score for k in obj.krs if k.keep and k.score])


def top_changes(objectives: list[SetObjective], n: int = 3) -> list[ScoreChange]:
    """The failing checks whose fix would raise the set score most.

    The set score is the mean of objective scores, each the mean of its kept key results, so fixing one check
    of one key result is worth weight / (key results in its objective) / objectives. Ties keep set order.
    """
    scored = [o for o in objectives if any(k.keep for k in o.krs)]
    changes: list[ScoreChange] = []
    for obj in scored:
        kept = [k for k in obj.krs if k.keep and k.score]
        for kr in kept:
            for c in kr.score.checks:  # type: ignore[union-attr]
                if c.passed or not c.weight:
                    continue
                gain = c.weight / len(kept) / len(scored)
                changes.append(
                    ScoreChange(kr=kr.id, check=c.id, gain=round(gain, 1), message=f"{kr.id}: {c.fix} (+{gain:.1f})")
                )
    changes.sort(key=lambda c: -c.gain)
    return changes[:n]
