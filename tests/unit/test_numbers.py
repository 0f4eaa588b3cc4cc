"""Numbers read right: time windows are never targets, non-English from/to/by is read or flagged, and a
follow-up's numbers land in the slot they name. Table-driven."""

from __future__ import annotations

import pytest

from assistant.slots import as_number, read_slots
from assistant.textutils import NOTE_NUMBERS_UNREAD, find_foreign_deadline, mask_windows, parse_measurability


@pytest.mark.parametrize(
    ("goal", "baseline", "target", "deadline"),
    [
        # a window inside the metric's name is a definition, not a number to reach
        ("Increase 12-month retention", None, None, None),
        ("Increase 12-month retention of SaaS customers", None, None, None),
        ("Grow 30-day active users", None, None, None),
        ("Raise 30-day active users to 5,000 by Q3", None, "5,000", "Q3"),
        ("Cut 7-day churn from 4% to 3% by Q2", "4%", "3%", "Q2"),
        ("Lift 90 day retention by 5 points", None, "+5 points", None),
        ("Improve 12 month retention from 60% to 70% in 2026", "60%", "70%", "2026"),
        ("Raise 24-hour resolution rate", None, None, None),
        # ...but a duration after within/in is still a deadline or a target
        ("Answer 95% of chats within 1 hour", None, "95%", None),
        ("Ship the fix within 30 days", None, None, "within 30 days"),
        ("Publish 12 blog posts this quarter", None, "12", "this quarter"),
    ],
)
def test_windows_are_never_baselines_or_targets(
    goal: str, baseline: str | None, target: str | None, deadline: str | None
) -> None:
    m = parse_measurability(goal)
    assert (m.baseline, m.target, m.deadline) == (baseline, target, deadline)


@pytest.mark.parametrize(
    ("goal", "baseline", "target", "deadline"),
    [
        ("von 5 % auf 3 % bis Ende Q4", "5 %", "3 %", "Ende Q4"),
        ("Abbruchrate von 5 % auf 3 % senken bis Ende Q4", "5 %", "3 %", "Ende Q4"),
        ("Aktivierung von 40 % auf 55 % steigern bis Q3", "40 %", "55 %", "Q3"),
        ("Réduire le churn de 5 % à 3 % d'ici fin T4", "5 %", "3 %", "fin T4"),
        ("Passer la conversion de 2 % à 3 % avant juin", "2 %", "3 %", "juin"),
        ("Reducir la rotación del 5 % al 3 % para finales del Q4", "5 %", "3 %", "finales del Q4"),
        ("Ridurre il churn dal 5% al 3% entro il Q4", "5%", "3%", "Q4"),
        ("Churn verlagen van 5% naar 3% voor Q4", "5%", "3%", "Q4"),
        ("Reduzir o churn de 5% para 3% até o Q4", "5%", "3%", "Q4"),
    ],
)
def test_non_english_from_to_by_is_read(goal: str, baseline: str, target: str, deadline: str) -> None:
    m = parse_measurability(goal)
    assert (m.baseline, m.target, m.deadline) == (baseline, target, deadline)
    assert m.notes == []


@pytest.mark.parametrize(
    "goal",
    [
        "Umsatz um 10 % steigern",
        "Kundenzufriedenheit auf 4,5 erhöhen bis 2026",
        "Augmenter la rétention sur 12 mois à 80 %",
        "Mejorar el NPS hasta 50 puntos",
    ],
)
def test_non_english_numbers_we_cannot_read_are_flagged_not_misread(goal: str) -> None:
    m = parse_measurability(goal)
    assert m.baseline is None and m.target is None
    assert m.notes == [NOTE_NUMBERS_UNREAD]


def test_english_goals_get_no_flag() -> None:
    assert parse_measurability("Publish 12 blog posts this quarter").notes == []


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("bis Ende Q4", "Ende Q4"),
        ("bis 2026", "2026"),
        ("d'ici fin T4", "fin T4"),
        ("entro il Q3", "Q3"),
        ("para finales de 2025", "finales de 2025"),
        ("voor Q1 2027", "Q1 2027"),
        ("by Q4", None),
    ],
)
def test_find_foreign_deadline(text: str, deadline: str | None) -> None:
    assert find_foreign_deadline(text) == deadline


def test_mask_windows_keeps_positions() -> None:
    text = "Raise 12-month retention to 80% within 30 days"
    masked = mask_windows(text)
    assert len(masked) == len(text) and "12" not in masked and "80%" in masked and "30 days" in masked


@pytest.mark.parametrize(
    ("message", "baseline", "target", "deadline"),
    [
        ("our baseline is 40% and we want 55% by Q3", "40%", "55%", "Q3"),
        ("our baseline is 40% and the target 55% by Q3", "40%", "55%", "Q3"),
        ("we want to hit 70% by end of Q4", None, "70%", "end of Q4"),
        ("from 40% to 55% by Q3", "40%", "55%", "Q3"),
        ("target 55%", None, "55%", None),
        ("raise the target to 65%", None, "65%", None),
        ("currently 40%, aim for 55% in 2026", "40%", "55%", "2026"),
        ("we're at 3.2 days and want 2 days by June", "3.2 days", "2 days", "June"),
        ("baseline 1,200 signups; target 1,500 by next quarter", "1,200", "1,500", "next quarter"),
        ("the deadline is end of Q3", None, None, "end of Q3"),
        ("due date is 30 June", None, None, "30 June"),
        ("increase it by 10 points", None, "+10 points", None),
        ("our 12-month retention is 40% today", "40%", None, None),
        ("our 12-month retention is 80% today and we want 85% by Q4", "80%", "85%", "Q4"),
        ("von 40 % auf 55 % bis Ende Q3", "40 %", "55 %", "Ende Q3"),
        ("make it more ambitious", None, None, None),
        ("KR1", None, None, None),
        ("Q3", None, None, "Q3"),
        ("end of year", None, None, "end of year"),
        ("next quarter", None, None, "next quarter"),
        ("set the deadline to March 2027", None, None, "March 2027"),  # 2027 is never a target
        ("we're at 40 percent", "40%", None, None),
    ],
)
def test_follow_up_numbers_fill_the_slot_they_name(
    message: str, baseline: str | None, target: str | None, deadline: str | None
) -> None:
    r = read_slots(message)
    assert (r.baseline, r.target, r.deadline) == (baseline, target, deadline)
    assert r.refused == [] and r.loose == []


@pytest.mark.parametrize(
    ("message", "refused"),
    [
        ("the target is Q3", "reads like a date, not a target"),
        ("baseline is 2025", "reads like a date, not a baseline"),
        ("the deadline is 40%", "cannot be the deadline"),
        ("deadline: 55", "cannot be the deadline"),
        ("target 2026", "reads like a date, not a target"),
    ],
)
def test_a_number_in_the_wrong_slot_is_refused(message: str, refused: str) -> None:
    r = read_slots(message)
    assert not r.any and refused in r.refused[0]


@pytest.mark.parametrize(("message", "loose"), [("70%", ["70%"]), ("what about 55%?", ["55%"])])
def test_a_number_without_a_slot_word_is_not_guessed(message: str, loose: list[str]) -> None:
    r = read_slots(message)
    assert not r.any and r.loose == loose


@pytest.mark.parametrize(("value", "number"), [("40%", 40.0), ("$1,200", 1200.0), ("3.5 days", 3.5), ("Q3", None)])
def test_as_number(value: str, number: float | None) -> None:
    assert as_number(value) == number
