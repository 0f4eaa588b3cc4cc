"""The conversation eval: its scripts, its grading arithmetic, and a full replay on the fake model."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import handlers as H
from assistant.chain import ReviewChain
from assistant.knowledge import Knowledge
from assistant.settings import Settings
from evals import conversations as EC
from tests.fakes import FakeToolModel

PARAPHRASES = {
    "let's go bigger": "more_ambitious",
    "how did you decide that?": "why",
    "not a fan of this metric": "another_metric",
    "we can't wait a year to find out": "proxy",
    "that's up to another team, not us": "cannot_control",
}


def test_scripts_cover_singles_and_sets() -> None:
    scripts = EC.load_scripts()
    assert len(scripts) >= 25
    assert {"single", "set"} <= {t for s in scripts for t in s.tags}
    assert sum("set" in s.tags for s in scripts) >= 8
    for s in scripts:
        assert all("expect" in t for t in s.turns), s.id
        assert s.turns[0]["expect"]["op"] == "new_goal", s.id
    ops = {t["expect"]["op"] for s in scripts for t in s.turns[1:]}
    assert ops >= {"set_numbers", "more_ambitious", "proxy", "cannot_control", "why", "another_metric", "select"}


def test_unknown_expectation_keys_fail_loudly(tmp_path: Any) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("conversations:\n  - id: x\n    turns:\n      - say: hi\n        expect: {opp: why}\n")
    with pytest.raises(ValueError, match="x turn 1"):
        EC.load_scripts(bad)


def _observed(**kw: Any) -> EC.Observed:
    state = {
        "review": {},
        "slots": {"baseline": None, "target": "55%", "deadline": "Q3"},
        "metric_id": "activation-rate",
        "main_metric_id": "activation-rate",
        "proxy_id": "setup-completion-rate",
        "reframe": None,
        "team_controls": True,
        "candidates": ["activation-rate"],
        "rewrites": ["Raise activation rate of new sign-ups from [baseline] to 55% by Q3"],
        "basis": "user",
    }
    base = {
        "op": "set_numbers",
        "reviews": 1,
        "changed": ["KR1"],
        "before": {"KR1": {**state, "proxy_id": None, "slots": {"baseline": None, "target": None, "deadline": None}}},
        "after": {"KR1": state},
        "reply": "Updated this key result with your numbers. What is the baseline?",
        "reviews_made": 0,
        "focus": "KR1",
        "allowed_text": "target 55% by Q3",
    }
    return EC.Observed(**{**base, **kw})


@pytest.mark.parametrize(
    ("expect", "changes", "problem"),
    [
        ({"op": "set_numbers", "changed": ["KR1"], "asks": True}, {}, None),
        ({"op": "proxy"}, {}, "op set_numbers != proxy"),
        ({"changed": []}, {}, "changed"),
        ({"slots": {"KR1": {"baseline": None, "target": "55%", "deadline": "Q3"}}}, {}, None),
        ({"slots": {"KR1": {"baseline": None, "target": "60%", "deadline": "Q3"}}}, {}, "KR1 slots"),
        ({"untouched": ["KR1"]}, {}, "should be untouched"),
        ({"asks": False}, {}, "asks"),
        ({"focus": "KR2"}, {}, "focus"),
        ({"proxy": ["KR1"]}, {}, None),
        ({}, {"reply": "Set [ambition] higher?"}, "undefined placeholders"),
        ({}, {"reply": "Aim for 80%?"}, "numbers the user did not give"),
        ({}, {"reviews_made": 1}, "started 1 new review"),
        ({"op": "new_goal"}, {"op": "new_goal", "reviews_made": 1, "reply": "Aim for 80%"}, None),
    ],
)
def test_grade_turn(expect: dict[str, Any], changes: dict[str, Any], problem: str | None, knowledge: Knowledge) -> None:
    problems = EC.grade_turn(expect, _observed(**changes), knowledge.catalogue)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_proxy_check_refuses_a_slower_metric(knowledge: Knowledge) -> None:
    slow = _observed()
    slow.after["KR1"] = {**slow.after["KR1"], "proxy_id": "first-week-retention"}  # retention does not lead activation
    assert EC.grade_turn({"proxy": ["KR1"]}, slow, knowledge.catalogue)


def test_summarise() -> None:
    def record(conversation: str, turn: int, right: bool, op: str) -> dict[str, Any]:
        return {
            "conversation": conversation,
            "turn": turn,
            "say": "x",
            "right": right,
            "follow_up": turn > 1,
            "expect": {"op": op},
            "op": op,
            "changed": [],
            "problems": [] if right else ["op"],
            "seconds": 1,
        }

    records = [record("a", 1, True, "new_goal"), record("a", 2, False, "why"), record("b", 2, True, "why")]
    s = EC.summarise(records)
    assert (s["turns"], s["turns_right"], s["share_right"]) == (3, 2, 0.6667)
    assert (s["follow_ups"], s["share_follow_ups_right"], s["conversations_fully_right"]) == (2, 0.5, 1)
    assert s["by_operation"] == {"why": {"turns": 2, "right": 1}}
    assert "66.7% of turns exactly right" in EC.report_markdown(s, records, {"model": "m", "started": "t", "data": "d"})


def test_every_scripted_turn_is_right_on_the_fake_model(settings: Settings, index: Any) -> None:
    """The scripts and the coach agree: with a model that answers the paraphrases, every turn is right."""
    model = FakeToolModel(intent=lambda message: PARAPHRASES.get(message, "unclear"))
    chain = ReviewChain(model, index, settings, model_label="fake")
    service = H.AppService(settings=settings, factory=lambda s: chain, model_label="fake")
    records, summary = EC.run(service, EC.load_scripts())
    wrong = [(r["conversation"], r["turn"], r["problems"]) for r in records if not r["right"]]
    assert wrong == [] and summary["share_right"] == 1.0
