"""The retrieval eval's arithmetic and its fixed tune/held-out split (the ranking itself needs real embeddings)."""

from __future__ import annotations

import pytest

from assistant.knowledge import Knowledge
from evals.retrieval_eval import (
    evaluate,
    half_of,
    load_expert_labels,
    load_handbook_labels,
    score_ranking,
    slice_of,
    summarise,
)
from evals.runner import load_dev


@pytest.mark.parametrize(
    ("ranked", "acceptable", "expected"),
    [
        (["a", "b"], ["a"], {"top1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "recall@8": 1.0, "mrr": 1.0}),
        (["x", "y", "a"], ["a", "b"], {"top1": 0.0, "recall@3": 1.0, "recall@5": 1.0, "recall@8": 1.0, "mrr": 1 / 3}),
        (["x"] * 5 + ["b"], ["b"], {"top1": 0.0, "recall@3": 0.0, "recall@5": 0.0, "recall@8": 1.0, "mrr": 1 / 6}),
        (["x", "y"], ["a"], {"top1": 0.0, "recall@3": 0.0, "recall@5": 0.0, "recall@8": 0.0, "mrr": 0.0}),
    ],
)
def test_score_ranking(ranked: list[str], acceptable: list[str], expected: dict[str, float]) -> None:
    assert score_ranking(ranked, acceptable) == pytest.approx(expected)


def test_halves_are_fixed_by_id_and_split_both_slices() -> None:
    rows = load_dev()
    assert half_of("dev-prod-01") == half_of("dev-prod-01")
    for real in (True, False):
        ids = [r["id"] for r in rows if ("real" in r["tags"]) is real]
        tune = sum(half_of(i) == "tune" for i in ids)
        assert 0.35 < tune / len(ids) < 0.65


def test_summary_leaves_uncovered_goals_out_of_the_ranking_figures() -> None:
    rows = [
        {"id": "dev-a", "goal": "g", "tags": [], "acceptable": ["m1"]},
        {"id": "dev-b", "goal": "g", "tags": [], "acceptable": []},
    ]
    records = evaluate(rows, lambda row: ["m1", "m2"])
    s = summarise(records)["tidy/all"]
    assert s["n"] == 2 and s["covered"] == 1 and s["coverage"] == 0.5 and s["top1"] == 1.0 and s["mrr"] == 1.0


def test_expert_labels_name_catalogue_metrics_and_cover_every_graded_set(knowledge: Knowledge) -> None:
    """Every labelled id exists, each goal comes from an expert set the coach has graded, and each graded set
    (not the newest, still unseen ones) is labelled in full."""
    from tests.unit.test_evals import DATA, EXPERT_SETS, UNREAD_SETS

    rows = load_expert_labels()
    catalogue = knowledge.catalogue
    assert all(i in catalogue for r in rows for i in r["acceptable"])
    assert all(len(r["acceptable"]) <= 3 for r in rows)
    labelled = {r["goal"] for r in rows}
    for name in EXPERT_SETS[:-UNREAD_SETS]:
        goals = {line.split("\t")[0] for line in (DATA / "expert" / name).read_text(encoding="utf-8").splitlines()}
        assert goals <= labelled, name
    for name in EXPERT_SETS[-UNREAD_SETS:]:
        newest = {line.split("\t")[0] for line in (DATA / "expert" / name).read_text().splitlines()}
        assert not newest & labelled, name  # the newest sets are read only by their coach, after grading
    assert len({r["id"] for r in rows}) == len(rows)


def test_expert_rows_are_their_own_slice() -> None:
    records = evaluate(load_expert_labels()[:6], lambda row: ["x"])
    assert {r["slice"] for r in records} == {"expert"}
    assert "expert/all" in summarise(records)


def test_handbook_labels_name_catalogue_metrics_and_match_their_goals(knowledge: Knowledge) -> None:
    """The handbook-style outputs: every labelled id exists, one row per written goal, reported as their own slice."""
    from tests.unit.test_evals import DATA

    rows = load_handbook_labels()
    written = [line.split("\t")[0] for line in (DATA / "tuning" / "handbook_outputs.tsv").read_text().splitlines()]
    assert [r["goal"] for r in rows] == written and len(written) >= 150
    assert all(i in knowledge.catalogue for r in rows for i in r["acceptable"])
    assert all(len(r["acceptable"]) <= 3 for r in rows) and {slice_of(r) for r in rows} == {"handbook"}
