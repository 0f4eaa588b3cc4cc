"""The coach's conversation logic: follow-ups as typed operations on the reviews, tested without a model.

Each defect of issue 9 that lives in the conversation has a row or a test here.
"""

from __future__ import annotations

import re

import pytest

from assistant import coach as C
from assistant.compose import key_result
from assistant.decide import view
from assistant.knowledge import Knowledge
from assistant.roadmap import parse_roadmap
from assistant.schemas import MetricEntry, Review, Rewrite

EXAMPLE_SET = (
    "Objective: Make new users successful fast\n- KR1: Ship the product tour\n- KR2: Raise activation from 45% "
    "to 62% by Q3"
)
IDS = re.compile(r"\b(?:G\d{2}|[a-z]{2,8}-\d{3,})\b")


@pytest.fixture(scope="module")
def catalogue(knowledge: Knowledge) -> dict[str, MetricEntry]:
    return knowledge.catalogue


def make_review(
    catalogue: dict[str, MetricEntry],
    goal: str,
    metric_id: str,
    kind: str = "output",
    baseline: str | None = None,
    target: str | None = None,
    deadline: str | None = None,
    candidates: tuple[str, ...] = (),
) -> Review:
    """A review as the chain composes it: the main rewrite from the catalogue entry, slots from the goal."""
    e = catalogue[metric_id]
    if e.scope == "external":
        owned = catalogue[e.owned_slice or ""]
        rewrites = [
            Rewrite(
                text=key_result(view(owned), deadline=deadline), metric=owned.name, metric_id=owned.id, basis="reframe"
            )
        ]
    elif kind == "outcome" and target:
        rewrites = []
    else:
        rewrites = [Rewrite(text=key_result(view(e), deadline=deadline), metric=e.name, metric_id=e.id, basis="chosen")]
    return Review(
        goal=goal,
        kind=kind,  # type: ignore[arg-type]
        rationale=f"This is an {kind}. The result it should lead to is a change in {e.name}.",
        sources=["G01", "prod-001"],
        metric=e.name,
        metric_id=e.id,
        baseline=baseline,
        target=target,
        deadline=deadline,
        measurable=bool(target),
        rewrites=rewrites,
        initiative=goal if kind == "output" else None,
        team_controls=e.scope == "team",
        control_reason="The team can move this through its own work.",
        reframe=catalogue[e.owned_slice].name if e.owned_slice else None,
        candidates=[metric_id, *candidates],
        measured_in=e.source,
    )


@pytest.fixture
def single(catalogue: dict[str, MetricEntry]) -> C.Conversation:
    r = make_review(
        catalogue,
        "Launch the new onboarding flow",
        "activation-rate",
        candidates=("first-week-retention", "setup-completion-rate", "time-to-first-value"),
    )
    return C.start([r])


@pytest.fixture
def example_set(catalogue: dict[str, MetricEntry]) -> C.Conversation:
    """The app's built-in example: KR1 an output, KR2 an outcome with its own numbers."""
    parsed = parse_roadmap(EXAMPLE_SET)
    kr1 = make_review(catalogue, "Ship the product tour", "activation-rate")
    kr2 = make_review(
        catalogue, "Raise activation from 45% to 62% by Q3", "activation-rate", "outcome", "45%", "62%", "Q3"
    )
    return C.start([kr1, kr2], C.labels_for(parsed, EXAMPLE_SET))


def say(message: str, conv: C.Conversation, catalogue: dict[str, MetricEntry], **kw: object) -> C.Turn:
    turn = C.step(message, conv, catalogue, **kw)  # type: ignore[arg-type]
    assert C.undefined_placeholders(turn.reply) == [], turn.reply
    assert turn.asks == ("?" in turn.reply), turn.reply  # a reply that needs an answer asks a question
    for r in turn.conversation.reviews:
        for rw in r.rewrites:
            assert C.undefined_placeholders(rw.text) == []
    return turn


# ------------------------------------------------------------------------------------------- recognising


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("make it more ambitious", "more_ambitious"),
        ("this is too easy, stretch it", "more_ambitious"),
        ("our baseline is 40% and we want 55% by Q3", "set_numbers"),
        ("we want to hit 70% by end of Q4", "set_numbers"),  # was taken as a new goal
        ("target 55%", "set_numbers"),
        ("the deadline is end of Q3", "set_numbers"),
        ("the target is Q3", "set_numbers"),  # refused, with a reason
        ("70%", "set_numbers"),  # asks which slot
        ("I don't know our baseline", "unknown_baseline"),
        ("what could the proxy be?", "proxy"),
        ("it takes too long to show, any early signal?", "proxy"),
        ("we can't control this, what now?", "cannot_control"),
        ("that's out of our hands", "cannot_control"),
        ("why?", "why"),
        ("why is this an output?", "why"),
        ("can you explain that", "why"),
        ("give me another metric", "another_metric"),
        ("any alternative?", "another_metric"),
        ("Reduce churn to 3% by Q4", "new_goal"),
        ("Improve retention", "new_goal"),
        ("Make onboarding faster", "new_goal"),
        ("raise the bar", "more_ambitious"),
        ("Q3", "set_numbers"),
        ("the team has no control over that", "cannot_control"),
        ("Review: Launch the partner portal", "new_goal"),
        ("Launch A\nImprove retention", "new_goal"),
        ("hello there", "unclear"),
        ("what do you think about the weather", "unclear"),
    ],
)
def test_recognise_single(message: str, kind: str, single: C.Conversation) -> None:
    assert C.recognise(message, single).kind == kind


def test_first_message_is_always_a_goal() -> None:
    assert C.recognise("make it more ambitious", C.Conversation()).kind == "new_goal"


@pytest.mark.parametrize(
    ("message", "kind", "pointer"),
    [
        ("make KR1 more ambitious", "more_ambitious", 0),
        ("KR2: target 70%", "set_numbers", 1),
        ("the second one", "select", 1),
        ("what about the first one?", "select", 0),
        ('"product tour": what could the proxy be?', "proxy", 0),
        ("what could the proxy be for the activation one?", "proxy", 1),
        ("key result 2 - we can't control it", "cannot_control", 1),
        ("KR2", "select", 1),
        ("make it more ambitious", "more_ambitious", None),
    ],
)
def test_recognise_in_a_set(message: str, kind: str, pointer: int | None, example_set: C.Conversation) -> None:
    op = C.recognise(message, example_set)
    assert (op.kind, op.pointer) == (kind, pointer)


def test_labels_follow_the_pasted_set() -> None:
    text = "Objective: A\n- KR1: Launch x\n- KR2: Grow y\nObjective: B\n- KR1: Ship z"
    assert C.labels_for(parse_roadmap(text), text) == ["O1 KR1", "O1 KR2", "O2 KR1"]
    plain = "Launch x\nGrow y"
    assert C.labels_for(parse_roadmap(plain), plain) == ["KR1", "KR2"]


# ------------------------------------------------------------------------------- defects, one test each


def test_more_ambitious_explains_and_asks_never_an_undefined_placeholder(
    single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("make it more ambitious", single, catalogue)
    assert turn.asks and turn.changed == []
    assert "[ambition]" not in turn.reply and "stretch" in turn.reply.lower()
    assert turn.conversation.reviews == single.reviews


def test_user_numbers_fill_the_slots_they_name(single: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("our baseline is 40% and we want 55% by Q3", single, catalogue)
    r = turn.conversation.reviews[0]
    assert (r.baseline, r.target, r.deadline) == ("40%", "55%", "Q3")
    assert r.rewrite == "Raise activation rate of new sign-ups from 40% to 55% by Q3"
    assert "Still missing" not in turn.reply and "fully measurable" in turn.reply
    assert turn.changed == [0]


def test_a_follow_up_with_a_target_is_not_a_new_goal(single: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("we want to hit 70% by end of Q4", single, catalogue)
    assert turn.operation.kind == "set_numbers"
    r = turn.conversation.reviews[0]
    assert (r.target, r.deadline, r.metric_id) == ("70%", "end of Q4", "activation-rate")
    assert "customer satisfaction" not in turn.reply


@pytest.mark.parametrize(
    ("message", "refused_word"),
    [("the target is Q3", "date"), ("the deadline is 40%", "not a date")],
)
def test_numbers_are_accepted_only_where_they_belong(
    message: str, refused_word: str, single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say(message, single, catalogue)
    assert refused_word in turn.reply and turn.changed == [] and turn.asks
    r = turn.conversation.reviews[0]
    assert (r.baseline, r.target, r.deadline) == (None, None, None)


def test_a_loose_number_asks_which_slot(single: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("what about 55%?", single, catalogue)
    assert turn.asks and turn.changed == [] and "baseline" in turn.reply and "target" in turn.reply


def test_a_target_against_the_metric_direction_is_flagged(
    single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("baseline 40%, target 30%", single, catalogue)
    assert turn.changed == [0] and "below the baseline" in turn.reply


def test_proxy_comes_from_the_catalogue_leading_metrics(
    single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("what could the proxy be?", single, catalogue)
    r = turn.conversation.reviews[0]
    assert r.proxy_id == "setup-completion-rate"  # activation's leading metric, not retention
    assert "retention" not in turn.reply
    assert r.proxy_rewrite and r.proxy_rewrite in turn.reply


def test_the_coach_keeps_the_goals_group_in_what_it_composes(catalogue: dict[str, MetricEntry]) -> None:
    """A proxy, a number or another metric asked for in the chat is counted over the group the goal names, as the
    first review's rewrite is (sets 35-48: "proxy not scoped to mid-market")."""
    conv = C.start(
        [
            make_review(
                catalogue,
                "Launch the new onboarding flow for SMB customers",
                "activation-rate",
                candidates=("first-week-retention", "setup-completion-rate"),
            )
        ]
    )
    turn = say("what could the proxy be?", conv, catalogue)
    r = turn.conversation.reviews[0]
    assert r.proxy_rewrite and "for SMB customers" in r.proxy_rewrite
    turn = say("baseline 40%, target 55%", turn.conversation, catalogue)
    r = turn.conversation.reviews[0]
    assert r.rewrite and r.rewrite.count("for SMB customers") == 1 and "from 40% to 55%" in r.rewrite
    assert r.hypothesis and "for SMB customers" in r.hypothesis
    unscoped = C.start([make_review(catalogue, "Launch the new onboarding flow", "activation-rate")])
    r = say("what could the proxy be?", unscoped, catalogue).conversation.reviews[0]
    assert r.proxy_rewrite and " for " not in r.proxy_rewrite


def test_every_proxy_is_no_slower_than_its_outcome(catalogue: dict[str, MetricEntry]) -> None:
    """For every catalogue metric with leading metrics: the proxy offered is one of them and never slower."""
    order = C.HORIZON_ORDER
    for entry in catalogue.values():
        if entry.scope != "team":
            continue
        conv = C.start([make_review(catalogue, f"Improve {entry.name}", entry.id, "outcome")])
        turn = C.apply(C.Operation(kind="proxy"), conv, catalogue)
        r = turn.conversation.reviews[0]
        if r.proxy_id:
            proxy = catalogue[r.proxy_id]
            assert r.proxy_id in entry.leading, entry.id
            assert order[proxy.horizon] <= order[entry.horizon] and proxy.horizon != "year", entry.id
        else:
            assert turn.asks and not C.leading_for(entry, catalogue)


def test_cannot_control_reframes_to_the_owned_slice(catalogue: dict[str, MetricEntry]) -> None:
    conv = C.start([make_review(catalogue, "Improve NPS", "customer-nps", "outcome")])
    turn = say("we can't control this, what now?", conv, catalogue)
    r = turn.conversation.reviews[0]
    assert "[number]" not in turn.reply and "[target] [baseline]" not in turn.reply
    assert r.team_controls is False and r.reframe == catalogue["support-csat"].name
    assert r.rewrites[0].basis == "reframe" and r.rewrites[0].metric_id == "support-csat"


def test_cannot_control_an_external_metric_uses_its_owned_slice(catalogue: dict[str, MetricEntry]) -> None:
    r = make_review(catalogue, "Improve industry NPS", "industry-nps", "outcome")
    r.team_controls, r.reframe = True, None  # as if the model had said the team controls it
    r.rewrites = [
        Rewrite(text=key_result(view(catalogue["industry-nps"])), metric="x", metric_id="industry-nps", basis="chosen")
    ]
    turn = say("we cannot influence this", C.start([r]), catalogue)
    assert turn.conversation.reviews[0].reframe == catalogue["customer-nps"].name


def test_another_metric_comes_from_the_candidates(single: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("give me another metric", single, catalogue)
    r = turn.conversation.reviews[0]
    assert r.metric_id in single.reviews[0].candidates and r.metric_id != "activation-rate"
    assert r.rewrites[0].metric_id == r.metric_id and r.rewrites[1].metric_id == "activation-rate"
    again = say("another one please", turn.conversation, catalogue).conversation.reviews[0]
    assert again.metric_id not in {"activation-rate", r.metric_id}


def test_kr1_in_a_set_changes_kr1_only(example_set: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("make KR1 more ambitious", example_set, catalogue)
    assert "KR1" in turn.reply and "KR2" not in turn.reply
    assert turn.conversation.reviews[1] == example_set.reviews[1]  # KR2 keeps its 62%
    turn = say("KR1: baseline 10%, target 20% by Q4", turn.conversation, catalogue)
    assert turn.changed == [0]
    kr1, kr2 = turn.conversation.reviews
    assert (kr1.baseline, kr1.target, kr1.deadline) == ("10%", "20%", "Q4")
    assert (kr2.baseline, kr2.target, kr2.deadline) == ("45%", "62%", "Q3")


def test_a_set_without_a_pointer_asks_which_and_remembers(
    example_set: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("make it more ambitious", example_set, catalogue)
    assert turn.asks and "Which key result" in turn.reply and turn.changed == []
    turn = say("the second one", turn.conversation, catalogue)
    assert turn.operation.kind == "select" and "62%" in turn.reply and "stretch" in turn.reply.lower()
    turn = say("target 70%", turn.conversation, catalogue)  # "it" is now KR2
    assert turn.changed == [1] and turn.conversation.reviews[1].target == "70%"
    assert turn.conversation.reviews[0] == example_set.reviews[0]


def test_a_quoted_fragment_selects_the_key_result(
    example_set: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say('"product tour" - target 30% by Q4', example_set, catalogue)
    assert turn.changed == [0] and turn.conversation.reviews[0].target == "30%"


def test_an_unknown_label_is_said_not_guessed(example_set: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("make KR7 more ambitious", example_set, catalogue)
    assert turn.asks and "no such key result" in turn.reply and turn.changed == []


def test_ambiguous_labels_across_objectives_ask(catalogue: dict[str, MetricEntry]) -> None:
    text = "Objective: A\n- KR1: Launch x\nObjective: B\n- KR1: Ship z"
    reviews = [make_review(catalogue, g, "activation-rate") for g in ("Launch x", "Ship z")]
    conv = C.start(reviews, C.labels_for(parse_roadmap(text), text))
    turn = say("KR1: target 20%", conv, catalogue)
    assert turn.asks and "O1 KR1" in turn.reply and "O2 KR1" in turn.reply and turn.changed == []
    turn = say("O2 KR1", turn.conversation, catalogue)
    assert turn.changed == [1] and turn.conversation.reviews[1].target == "20%"


def test_unrecognised_gets_a_helpful_question_not_a_review(
    single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("hello there", single, catalogue)
    assert turn.operation.kind == "unclear" and turn.asks and turn.changed == []
    assert "baseline" in turn.reply and "proxy" in turn.reply and "Review:" in turn.reply


def test_the_model_only_names_operations_the_rules_miss(
    single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    asked: list[str] = []

    def classify(message: str, review: Review | None) -> str:
        asked.append(message)
        return "proxy"

    say("make it more ambitious", single, catalogue, classify=classify)
    assert asked == []
    turn = say("we can't wait a year to know if it worked", single, catalogue, classify=classify)
    assert asked and turn.operation.via == "model" and turn.operation.kind == "proxy"


@pytest.mark.parametrize("answer", ["new_goal", "select", "nonsense", None])
def test_the_model_cannot_start_a_review(
    answer: str | None, single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("hmm, thoughts?", single, catalogue, classify=lambda m, r: answer)
    assert turn.operation.kind == "unclear" and turn.asks


def test_the_model_cannot_supply_numbers(single: C.Conversation, catalogue: dict[str, MetricEntry]) -> None:
    turn = say("hmm, thoughts?", single, catalogue, classify=lambda m, r: "set_numbers")
    assert turn.operation.kind == "unclear" and turn.changed == []


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("Because the tour is work the team ships; activation is the change it should cause.", True),
        ("Aim for 45% activation.", False),  # a number the user did not give
        ("Set [ambition] higher.", False),  # a placeholder the product does not define
        ("See G01 for details.", False),  # a bare card id
        ("", False),
    ],
)
def test_model_wording_passes_the_guard(
    words: str, kept: bool, single: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    turn = say("why?", single, catalogue, wording=lambda q, f: words)
    assert (words in turn.reply) == kept if words else True
    assert not IDS.search(turn.reply)


def test_replies_never_carry_bare_ids_or_invented_numbers(
    example_set: C.Conversation, catalogue: dict[str, MetricEntry]
) -> None:
    from assistant.textutils import invented_numbers

    conv = example_set
    for message in [
        "KR1",
        "why?",
        "I don't know our baseline",
        "what could the proxy be?",
        "we can't control this",
        "another metric",
        "make it more ambitious",
        "baseline 12% target 18% by Q4",
    ]:
        turn = say(message, conv, catalogue)
        conv = turn.conversation
        assert not IDS.search(turn.reply), (message, turn.reply)
        assert invented_numbers(turn.reply, conv.source) == [], (message, turn.reply)


def test_guard_reply_strips_undefined_placeholders() -> None:
    assert C.guard_reply("Raise [ambition] to [target]", "") == "Raise ambition to [target]"
    assert C.undefined_placeholders("[baseline] [x] [deadline] [link](http://a)") == ["[x]"]


def test_model_classifier_shows_examples_as_turns_and_fails_safe(single: C.Conversation) -> None:
    from langchain_core.messages import AIMessage

    from tests.fakes import FakeToolModel

    model = FakeToolModel(intent=lambda message: "proxy" if "wait" in message else "unclear")
    classify = C.model_classifier(model)
    assert classify("we can't wait a year", single.reviews[0]) == "proxy"
    sent = model.history[-1]
    shots = [m for m in sent if isinstance(m, AIMessage)]
    assert len(shots) >= 8 and any('"unclear"' in str(m.content) for m in shots)
    assert 'Message: "we can\'t wait a year"' in str(sent[-1].content)

    class Broken(FakeToolModel):
        def _generate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("provider down")

    assert C.model_classifier(Broken())("hmm", None) is None  # a failed recognition is "unclear", not a crash


def test_a_share_for_a_metric_counted_in_currency_is_flagged(catalogue: dict[str, MetricEntry]) -> None:
    money = next(e for e in catalogue.values() if e.unit in {"$", "currency"} and e.scope == "team")
    conv = C.start([make_review(catalogue, "Ship the partner portal", money.id)])
    turn = say("baseline 20%, target 35% by Q3", conv, catalogue)
    assert turn.changed == [0] and f"counted in {money.unit}" in turn.reply
    plain = say("baseline 20, target 35 by Q3", conv, catalogue)
    assert "counted in" not in plain.reply
