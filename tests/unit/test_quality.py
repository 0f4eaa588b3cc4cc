"""The rewrite-quality arithmetic: every defect a coach rejects must be seen, and nothing else."""

from __future__ import annotations

import math

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from evals import quality as Q
from tests.unit.test_decide_compose import CAT

NAMES = {m.name: m.id for m in CAT.values()}


def fake_map(text: str) -> tuple[str | None, float]:
    """Exact catalogue names map; everything else is off the catalogue."""
    return (NAMES[text], 1.0) if text in NAMES else (None, 0.0)


def _rw(text: str, metric: str, basis: str = "chosen", metric_id: str | None = None) -> dict[str, object]:
    return {"text": text, "metric": metric, "metric_id": metric_id, "basis": basis}


LABEL = {"id": "x-1", "goal": "Launch onboarding", "kind": "output", "tags": ["real"], "acceptable": ["activation"]}


@pytest.mark.parametrize(
    ("record", "expect"),
    [
        # the right metric, the right verb, a related alternative
        (
            {
                "metric": "activation rate of new sign-ups",
                "metric_id": "activation",
                "rewrites": [
                    _rw("Raise activation rate of new sign-ups from [baseline]", "activation rate of new sign-ups"),
                    _rw(
                        "Raise setup completion in the first session",
                        "setup completion in the first session",
                        "alternative",
                    ),
                ],
            },
            {"acceptable": True, "direction_errors": 0, "restated": False, "unrelated_alternatives": 0, "defects": 0},
        ),
        # wrong direction on a down metric, and an unrelated alternative
        (
            {
                "metric": "late delivery rate",
                "rewrites": [
                    _rw("Raise late delivery rate from [baseline]", "late delivery rate"),
                    _rw(
                        "Raise win rate against named competitors", "win rate against named competitors", "alternative"
                    ),
                ],
            },
            {"acceptable": False, "direction_errors": 1, "restated": False, "unrelated_alternatives": 1, "defects": 3},
        ),
        # the deliverable restated as a metric (free text, off the catalogue)
        (
            {
                "metric": "onboarding launched",
                "rewrites": [_rw("Raise onboarding launched from [baseline]", "onboarding launched")],
            },
            {"acceptable": False, "direction_errors": 0, "restated": True, "unrelated_alternatives": 0, "defects": 2},
        ),
        # the user's own sentence is never graded for direction
        (
            {
                "metric": "activation rate of new sign-ups",
                "rewrites": [_rw("Cut activation rate of new sign-ups from 5 to 3", "x", "user")],
            },
            {"acceptable": True, "direction_errors": 0, "restated": False, "unrelated_alternatives": 0, "defects": 0},
        ),
    ],
)
def test_grade_sees_each_defect(record: dict[str, object], expect: dict[str, object]) -> None:
    g = Q.grade(record, LABEL, CAT, fake_map)
    got = {k: getattr(g, k) for k in expect}
    assert got == expect


def test_proxy_must_lead_the_chosen_metric() -> None:
    label = {**LABEL, "kind": "outcome", "acceptable": ["ret12"]}
    good = {"metric": "twelve-month customer retention", "rewrites": [], "proxy": CAT["weekly-core"].name}
    bad = {**good, "proxy": CAT["late"].name}
    assert Q.grade(good, label, CAT, fake_map).proxy_linked is True
    assert Q.grade(bad, label, CAT, fake_map).proxy_linked is False


@pytest.mark.parametrize(
    ("text", "direction"),
    [("Raise x", "up"), ("Cut x", "down"), ("Reduce x", "down"), ("Keep x within", "within"), ("Ship x", None)],
)
def test_direction_of(text: str, direction: str | None) -> None:
    assert Q.direction_of(text) == direction


def test_summarise_arithmetic_and_worst_order() -> None:
    labels = [
        {**LABEL, "id": "a"},
        {**LABEL, "id": "b", "tags": []},
        {**LABEL, "id": "c", "acceptable": []},
    ]
    good = {
        "metric": "activation rate of new sign-ups",
        "rewrites": [_rw("Raise activation rate of new sign-ups", "activation rate of new sign-ups")],
    }
    bad = {"metric": "late delivery rate", "rewrites": [_rw("Raise late delivery rate", "late delivery rate")]}
    graded = [Q.grade(r, lab, CAT, fake_map) for r, lab in zip([good, bad, bad], labels, strict=True)]
    s = Q.summarise(graded)
    assert s["catalogue_coverage"] == pytest.approx(2 / 3)
    assert s["metric_acceptable_at_1"] == 0.5  # only covered goals count
    assert s["direction_errors"] == 2
    assert math.isnan(s["proxy_linked"])
    assert [g.id for g in Q.worst(graded)] == ["b", "c"]
    out = Q.grade_all({"sys": [good, bad, None]}, labels, CAT, fake_map)
    assert out["sys"]["all"]["n"] == 2 and out["sys"]["real"]["n"] == 1 and out["sys"]["tidy"]["n"] == 1


def test_catalogue_mapper_exact_and_threshold() -> None:
    mapper = Q.CatalogueMapper(CAT, DeterministicFakeEmbedding(size=32), threshold=0.99)
    assert mapper("late delivery rate") == ("late", 1.0)
    assert mapper("Late Delivery Rate ") == ("late", 1.0)
    assert mapper("something unrelated entirely")[0] is None


def test_first_release_adapter_marks_proxy_and_alternatives() -> None:
    line = {
        "kind": "output",
        "metric": "m",
        "rewrites": ["Raise m", "Raise p", "Raise q"],
        "rewrite_metrics": ["m", "p", "q"],
        "bases": ["model", "proxy", "prod-001"],
        "proxy": "p",
    }
    rec = Q.from_first_release(line)
    assert [r["basis"] for r in rec["rewrites"]] == ["chosen", "proxy", "alternative"]
