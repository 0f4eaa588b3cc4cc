from __future__ import annotations

from pathlib import Path

import pytest

from assistant.roadmap import parse_file, parse_roadmap, parse_table
from evals.runner import eval_bulk


def texts(text: str) -> list[tuple[str, str | None]]:
    return [(i.text, i.objective) for i in parse_roadmap(text).items]


def test_plain_lines_skip_blanks_and_rules() -> None:
    assert texts("Launch A\n\n   \n---\nGrow B\r\n") == [("Launch A", None), ("Grow B", None)]


@pytest.mark.parametrize("bullet", ["- ", "* ", "+ ", "• ", "1. ", "2) ", "a) ", "(3) ", "- [ ] ", "- [x] "])
def test_bullets_and_numbering_are_stripped(bullet: str) -> None:
    assert texts(f"{bullet}Launch the app") == [("Launch the app", None)]


def test_okr_set_keeps_objective_context() -> None:
    text = """Objective: Win enterprise
KR1: Launch SSO
- KR 1.2 - Cut churn
O2: Be fast
  * Key result: Reduce latency
"""
    assert texts(text) == [
        ("Launch SSO", "Win enterprise"),
        ("Cut churn", "Win enterprise"),
        ("Reduce latency", "Be fast"),
    ]


def test_bold_markdown_objectives() -> None:
    assert texts("**Objective 1:** Grow revenue\n- **KR1:** Sign 10 customers") == [
        ("Sign 10 customers", "Grow revenue")
    ]


def test_headings_of_three_words_become_context_short_ones_reset() -> None:
    assert texts("# Make onboarding delightful\n- Ship tour\n## Later\n- Add SSO") == [
        ("Ship tour", "Make onboarding delightful"),
        ("Add SSO", None),
    ]


def test_nested_bullets_use_parent_as_objective() -> None:
    text = "- Delight users\n    - Build SSO\n    - Cut tickets\n- Launch dark mode\n"
    assert texts(text) == [("Build SSO", "Delight users"), ("Cut tickets", "Delight users"), ("Launch dark mode", None)]


def test_csv_with_header_quotes_and_semicolons() -> None:
    csv_text = 'Objective,Key Result\nGrow,"Sign 20 customers, mid-market"\n,Launch portal\n'
    assert texts(csv_text) == [("Sign 20 customers, mid-market", "Grow"), ("Launch portal", None)]
    assert texts("goal;owner\nLaunch A;Ann\nGrow B;Bo\n") == [("Launch A", None), ("Grow B", None)]
    assert texts("Title\tTeam\nShip X\tWeb\n") == [("Ship X", None)]


def test_csv_empty_goal_cell_is_reported_not_lost() -> None:
    parsed = parse_roadmap("goal,owner\nLaunch A,Ann\n,Bo\n")
    assert [i.text for i in parsed.items] == ["Launch A"]
    assert parsed.skipped == [(3, "empty goal cell")]


def test_markdown_table() -> None:
    assert texts("| Item | Owner |\n|---|---|\n| Launch API | Ann |\n| Improve NPS | Bo |\n") == [
        ("Launch API", None),
        ("Improve NPS", None),
    ]


def test_table_without_known_header_uses_first_column() -> None:
    parsed = parse_table([["Launch A", "x"], ["Grow B", "y"]])
    assert [i.text for i in parsed.items] == ["Launch A", "Grow B"]


def test_empty_and_bom() -> None:
    assert parse_roadmap("  \n\n").items == []
    assert texts("\ufeffLaunch A") == [("Launch A", None)]


def test_line_numbers_point_at_the_source() -> None:
    items = parse_roadmap("\nLaunch A\n\nGrow B").items
    assert [i.line for i in items] == [2, 4]


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Objective", "Key result", "Owner"])
    ws.append(["Grow", "Launch portal", "Ann"])
    ws.append([None, None, None])
    ws.append(["Grow", 42, "Bo"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    parsed = parse_file(path)
    assert [(i.text, i.objective) for i in parsed.items] == [("Launch portal", "Grow"), ("42", "Grow")]


def test_eval_roadmap_fixtures_parse_as_expected() -> None:
    results = eval_bulk()
    assert len(results) >= 6
    assert all(r["ok"] for r in results), results
