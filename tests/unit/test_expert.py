"""The coach's blind review: the sheet hides which system is which, and the tally is exact."""

from __future__ import annotations

import pytest

from evals.expert import render, sheet, tally

ROWS_A = [
    {"goal": "Ship X", "kind": "output", "rewrite": "Raise a from [baseline] to [target] by [deadline]"},
    {"goal": "Grow Y from 1 to 2", "kind": "outcome", "rewrite": None},
]
ROWS_B = [
    {"goal": "Ship X", "kind": "output", "rewrite": "Raise b from [baseline] to [target] by [deadline]"},
    {"goal": "Grow Y from 1 to 2", "kind": "outcome", "rewrite": None},
]


def test_sheet_shows_both_reviews_and_its_key_names_each_system_once() -> None:
    text, key = sheet(ROWS_A, ROWS_B, seed=1)
    assert text.count("- Review X:") == 2 and text.count("- Review Y:") == 2
    assert "Raise a from" in text and "Raise b from" in text and "(kept as written)" in text
    assert [sorted((k["X"], k["Y"])) for k in key] == [["after", "before"]] * 2
    assert sheet(ROWS_A, ROWS_B, seed=1) == (text, key)  # the same seed, the same order


def test_sheet_refuses_runs_over_different_goals() -> None:
    with pytest.raises(ValueError, match="same goals"):
        sheet(ROWS_A, ROWS_B[:1])


def test_render_lists_alternatives_and_skips_what_is_absent() -> None:
    out = render({"goal": "g", "kind": "output", "rewrite": "r", "alternatives": [{"text": "alt 1"}, "alt 2"]})
    assert "alternative: alt 1" in out and "alternative: alt 2" in out and "initiative" not in out


KEY = [{"n": 1, "X": "after", "Y": "before"}, {"n": 2, "X": "before", "Y": "after"}]


def _g(n: int, review: str, verdict: str) -> dict[str, str]:
    return {"goal_number": str(n), "review": review, "verdict": verdict, "problem": ""}


def test_tally_maps_verdicts_back_to_systems() -> None:
    grades = [_g(1, "X", "ACCEPT"), _g(1, "Y", "REJECT"), _g(2, "X", "EDIT"), _g(2, "Y", "ACCEPT")]
    t = tally(KEY, grades)
    assert t["after"] == {"ACCEPT": 2, "EDIT": 0, "REJECT": 0, "goals": 2, "accepted_share": 1.0, "usable_share": 1.0}
    assert t["before"] == {"ACCEPT": 0, "EDIT": 1, "REJECT": 1, "goals": 2, "accepted_share": 0.0, "usable_share": 0.5}


@pytest.mark.parametrize(
    "grades",
    [
        [_g(1, "X", "ACCEPT"), _g(1, "Y", "ACCEPT"), _g(2, "X", "ACCEPT")],  # a review without a verdict
        [_g(1, "X", "ACCEPT"), _g(1, "X", "EDIT"), _g(2, "X", "EDIT"), _g(2, "Y", "EDIT")],  # graded twice
        [_g(1, "X", "MAYBE"), _g(1, "Y", "ACCEPT"), _g(2, "X", "EDIT"), _g(2, "Y", "EDIT")],  # unknown verdict
        [_g(3, "X", "ACCEPT"), _g(1, "Y", "ACCEPT"), _g(2, "X", "EDIT"), _g(2, "Y", "EDIT")],  # unknown goal
    ],
)
def test_tally_refuses_incomplete_or_inconsistent_grades(grades: list[dict[str, str]]) -> None:
    with pytest.raises(ValueError):
        tally(KEY, grades)
