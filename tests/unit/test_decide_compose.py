"""Deciding and composing from a catalogue entry: tables over polarity, scope, horizon and free text."""

from __future__ import annotations

import pytest

from assistant.candidates import Candidate, alternatives, distinct, weak_match, without_restatements
from assistant.chain import compose_rewrites
from assistant.compose import (
    MetricView,
    by_when,
    hypothesis,
    initiative_phrase,
    keep_users_numbers,
    key_result,
    measurability,
    outcome_deadline,
    scope_of,
    scoped,
    users_key_result,
    with_direction_verb,
)
from assistant.decide import WEAK_MATCH_NOTE, Decision, decide, names_metric, view
from assistant.explain import reasons
from assistant.policy import work_kinds
from assistant.schemas import Judgement, MetricEntry
from assistant.textutils import parse_measurability


def _m(id_: str, name: str, polarity: str = "up", horizon: str = "quarter", **kw: object) -> MetricEntry:
    return MetricEntry.model_validate(
        {
            "id": id_,
            "name": name,
            "definition": f"How {name} is counted, over a rolling four weeks.",
            "unit": "%",
            "polarity": polarity,
            "horizon": horizon,
            "source": "product analytics",
            "moved_by": ["something"],
            "functions": ["product"],
            **kw,
        }
    )


CAT = {
    m.id: m
    for m in [
        _m("activation", "activation rate of new sign-ups", leading=["setup"]),
        _m("setup", "setup completion in the first session", horizon="weeks"),
        _m("late", "late delivery rate", "down"),
        _m("spend", "cloud spend against budget", "within"),
        _m("ret12", "twelve-month customer retention", horizon="year", leading=["weekly-core"]),
        _m("weekly-core", "share of new customers using the core feature weekly", horizon="weeks"),
        _m(
            "share",
            "market share in our category",
            horizon="year",
            scope="external",
            owned_slice="win",
            leading=["win"],
        ),
        _m("win", "win rate against named competitors"),
    ]
}


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("up", "Raise x from [baseline] to [target] by [deadline]"),
        ("down", "Cut x from [baseline] to [target] by [deadline]"),
        ("within", "Keep x within [target] through [deadline]"),
    ],
)
def test_key_result_verb_comes_from_polarity(polarity: str, expected: str) -> None:
    assert key_result(MetricView("x", polarity)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("40%", "55%", "Q3"), "Raise x from 40% to 55% by Q3"),
        ((None, None, "end of 2026"), "Raise x from [baseline] to [target] by end of 2026"),
        (("40%", None, None), "Raise x from 40% to [target] by [deadline]"),
    ],
)
def test_key_result_keeps_what_the_user_gave(args: tuple[str | None, ...], expected: str) -> None:
    assert key_result(MetricView("x", "up"), *args) == expected


@pytest.mark.parametrize(
    ("initiative", "phrase"),
    [
        ("Launch the new onboarding flow", "launching the new onboarding flow"),
        ("Hire a Head of Sales", "hiring a Head of Sales"),
        ("Run 20 interviews", "running 20 interviews"),
        ("Ship dark mode", "shipping dark mode"),
        ("Define pricing tiers", "defining pricing tiers"),
        ("VP Talent hired and started in Q1", 'the work "VP Talent hired and started in Q1"'),
        # every clause gerundised, or the whole quoted (coach, set 7: "redesigning checkout and A/B test ...")
        ("Launch the gallery and publish ten templates", "launching the gallery and publishing ten templates"),
        (
            "Redesign checkout and A/B test a one-page flow",
            'the work "Redesign checkout and A/B test a one-page flow"',
        ),
        ("Open call for the fund published", 'the work "Open call for the fund published"'),
        ("Launch the gallery and templates", 'the work "Launch the gallery and templates"'),
        # verbs joined by "+" or "&" are two pieces of work; between names the user's joiner stays (set 17)
        ("Recruit + train 15 welfare advice volunteers", "recruiting and training 15 welfare advice volunteers"),
        ("Hire & onboard 3 AEs", "hiring and onboarding 3 AEs"),
        ("Launch Pro + Teams bundles", "launching Pro + Teams bundles"),
    ],
)
def test_initiative_phrase(initiative: str, phrase: str) -> None:
    assert initiative_phrase(initiative) == phrase


def test_hypothesis_line() -> None:
    text = hypothesis("Reroute carriers", MetricView("late delivery rate", "down"), "Q3")
    assert (
        text == 'We believe the work "Reroute carriers" will cut late delivery rate from [baseline] to [target] by Q3.'
    )


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        # a level held runs through a period (coach, set 4: "... every month by [deadline]" contradicts itself)
        (
            "Keep payroll errors below 0.5% of payslips every month",
            "Keep payroll errors below 0.5% of payslips every month through [deadline]",
        ),
        ("Maintain uptime above 99.9%", "Maintain uptime above 99.9% through [deadline]"),
        # ... and so does a level stated for every period (coach, set 7)
        (
            "Senior consultant utilisation in the 75-80% band every month",
            "Senior consultant utilisation in the 75-80% band every month through [deadline]",
        ),
        ("Zero missed school runs each week", "Zero missed school runs each week through [deadline]"),
        (
            "Labour at or below 28% of net sales every period",
            "Labour at or below 28% of net sales every period through [deadline]",
        ),
        ("Postpaid churn held below 1.1% a month", "Postpaid churn held below 1.1% a month through [deadline]"),
        # a verb the key result already opens with is not doubled (coach, set 4: "Cut shorten month-end close")
        (
            "Shorten month-end close from 9 to 5 working days",
            "Shorten month-end close from 9 to 5 working days by [deadline]",
        ),
        ("Month-end close from 9 to 5 working days", "Cut month-end close from 9 to 5 working days by [deadline]"),
        # the deadline goes before a closing "where we stand" clause, not after it (set 43)
        (
            "Interpreter booked for 90% of matters flagged as needing one. Currently 76%",
            "Interpreter booked for 90% of matters flagged as needing one by [deadline]. Currently 76%",
        ),
        (
            "Recent reviews back to 'Very Positive' (>=80%) after patch 1.4. Launch: 61% Mixed",
            "Recent reviews back to 'Very Positive' (>=80%) after patch 1.4 by [deadline]. Launch: 61% Mixed",
        ),
        # ... also where it stands in another language's word for actual (set 45: "Ist")
        (
            "Avg changeover on Line 3 under 25 min — Q2 Ist 41 min",
            "Avg changeover on Line 3 under 25 min by [deadline] — Q2 Ist 41 min",
        ),
        (
            "Calls answered within 10s for 90% – we're at 82%",
            "Calls answered within 10s for 90% by [deadline] – we're at 82%",
        ),
        # ... or where it landed, a period's actual or its colon alone (sets 55, 58: the deadline came after it)
        ("Cut DSO from 58 to 45 days - landed at 47", "Cut DSO from 58 to 45 days by [deadline] - landed at 47"),
        (
            "Optical claims paid within 48h: 90% - T4 actual 73%",
            "Optical claims paid within 48h: 90% by [deadline] - T4 actual 73%",
        ),
        (
            "ID checks >=96% (under-25 lookalikes) - H1: 93%",
            "ID checks >=96% (under-25 lookalikes) by [deadline] - H1: 93%",
        ),
        # a verb reported in the past tense reads as what to do (set 55)
        ("Reduced physio DNA rate to 6% from 9.8%", "Reduce physio DNA rate to 6% from 9.8% by [deadline]"),
        ("Cut returns to 6% from 9.8%", "Cut returns to 6% from 9.8% by [deadline]"),
    ],
)
def test_keep_users_numbers_holds_levels_and_keeps_the_users_verb(goal: str, expected: str) -> None:
    assert keep_users_numbers(goal, None) == expected


def test_keep_users_numbers_adds_only_a_missing_deadline() -> None:
    assert keep_users_numbers("Grow teams from 1,200 to 2,000.", None) == "Grow teams from 1,200 to 2,000 by [deadline]"
    assert keep_users_numbers("Grow teams from 1,200 to 2,000 by Q3", "Q3") == "Grow teams from 1,200 to 2,000 by Q3"
    # a window named in the team's words is the deadline (coach, set 9)
    held = "OTIF at 97%+ every week of Golden Quarter"
    assert keep_users_numbers(held, "every week of Golden Quarter") == held


def _cands(*pairs: tuple[str, float]) -> list[Candidate]:
    return [Candidate(CAT[i], s, "catalogue") for i, s in pairs]


def _j(kind: str, metric: str, controls: bool = True, **kw: object) -> Judgement:
    return Judgement(kind=kind, metric=metric, team_controls=controls, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("goal", "judgement", "cands", "expect"),
    [
        # the model's candidate is taken as is
        (
            "Launch onboarding",
            _j("output", "activation rate of new sign-ups"),
            [("activation", 0.8)],
            ("activation", True, False, None, None),
        ),
        # an external metric is reframed to its owned slice when the goal reaches outside the team; the slice is
        # readable within the quarter, so it is not offered again as the proxy
        (
            "Win the market",
            _j("outcome", "market share in our category", False),
            [("share", 0.8)],
            ("share", False, True, "win", None),
        ),
        # an external metric is reframed to its owned slice even when neither the model nor the words say so
        # ("Open the Rotterdam cross-dock ..." was offered "Cut global container freight rates" as its key result)
        (
            "Open the new cross-dock and route more parcels through it",
            _j("output", "market share in our category", True),
            [("share", 0.8)],
            ("share", False, False, "win", None),
        ),
        # a whole industry named outright is beyond the team whatever the model says (dev: "No ransomware attacks
        # anywhere in our industry" was called controllable once its metric was a team one)
        (
            "No activation problems anywhere in our industry",
            _j("outcome", "activation rate of new sign-ups", True),
            [("activation", 0.8)],
            ("activation", False, False, "activation", None),
        ),
        # ... but work is the team's own: only an outcome is judged by its scope
        (
            "Launch onboarding across the industry",
            _j("output", "activation rate of new sign-ups", True),
            [("activation", 0.8)],
            ("activation", True, False, None, None),
        ),
        # "not controllable" without evidence in the goal is overruled
        (
            "Grow activation",
            _j("outcome", "activation rate of new sign-ups", False),
            [("activation", 0.8)],
            ("activation", True, False, None, None),
        ),
        # a slow outcome gets its fastest leading metric as proxy
        (
            "Raise 12-month retention",
            _j("outcome", "twelve-month customer retention"),
            [("ret12", 0.9)],
            ("ret12", True, True, None, "weekly-core"),
        ),
        # ... not from a weak match: a proxy from a loose match is from another sector (sets 30-51: "Reindeer
        # killed by trains" steered by street defects fixed)
        (
            "Raise 12-month retention",
            _j("outcome", "twelve-month customer retention"),
            [("ret12", 0.41)],
            ("ret12", True, True, None, None),
        ),
        # ... kept with its own target, only when the goal names the metric: the proxy is all it shows of it (sets
        # 30-58: "Stem rejection at auction <2%" steered by STEM camp sign-ups)
        (
            "Twelve-month customer retention 85% (FY24: 80%)",
            _j("outcome", "twelve-month customer retention"),
            [("ret12", 0.9)],
            ("ret12", True, True, None, "weekly-core"),
        ),
        (
            "Members still paying after a year 85% (FY24: 80%)",
            _j("outcome", "twelve-month customer retention"),
            [("ret12", 0.9)],
            ("ret12", True, True, None, None),
        ),
        # ... but not a service level each case is held to within days: it is read every week (coach, set 16)
        (
            "70% of retained customers get a renewal call within 5 working days",
            _j("outcome", "twelve-month customer retention"),
            [("ret12", 0.9)],
            ("ret12", True, False, None, None),
        ),
        # an output is never flagged slow, even on a yearly metric
        (
            "Ship the loyalty app",
            _j("output", "twelve-month customer retention"),
            [("ret12", 0.9)],
            ("ret12", True, False, None, None),
        ),
        # a slow goal beyond the team's reach on a team metric with no faster one: no proxy rather than the
        # metric again ("Dominate the market within five years" offered its own metric as its leading indicator)
        (
            "Dominate the analytics market within five years",
            _j("outcome", "setup completion in the first session", False),
            [("setup", 0.5)],
            ("setup", False, True, "setup", None),
        ),
        # beyond the team's reach, but the goal already states the metric with its own target: nothing to reframe
        (
            "Activation among invited teams in the region reaches 80%",
            _j("outcome", "activation rate of new sign-ups", False),
            [("activation", 0.8)],
            ("activation", False, False, None, None),
        ),
        # the team's own caveat says it depends on something outside it, whatever the model said (set 17)
        (
            "Activation among invited teams 60% (depends on the partner's SSO release)",
            _j("outcome", "activation rate of new sign-ups", True),
            [("activation", 0.8)],
            ("activation", False, False, None, None),
        ),
        # a name that is not a candidate falls back to the best candidate
        (
            "Launch onboarding",
            _j("output", "something else"),
            [("setup", 0.9), ("activation", 0.8)],
            ("setup", True, False, None, None),
        ),
    ],
)
def test_decide(goal: str, judgement: Judgement, cands: list[tuple[str, float]], expect: tuple) -> None:  # type: ignore[type-arg]
    metric_id, controls, slow, owned, proxy = expect
    d = decide(judgement, _cands(*cands), goal, CAT)
    assert d.metric.id == metric_id
    assert d.team_controls is controls
    assert d.needs_proxy is slow
    assert (d.owned.id if d.owned and not d.team_controls else None) == owned
    assert (d.proxy.id if d.proxy else None) == proxy


@pytest.mark.parametrize(
    ("new_metric", "accepted"),
    [
        ("share of visitors who book a demo", True),
        ("head of sales development hire", False),
        ("case studies published", False),
        ("number of webinars", False),
        ("guidelines defined", False),
    ],
)
def test_free_text_metric_is_checked(new_metric: str, accepted: bool) -> None:
    j = _j("output", "none of these", new_metric=new_metric)
    d = decide(j, _cands(("activation", 0.6)), "Hire Head of Sales Development and define guidelines", CAT)
    assert (d.metric.id is None) is accepted
    assert d.metric.name == (new_metric if accepted else CAT["activation"].name)


def test_alternatives_threshold_distinctness_and_limit() -> None:
    cands = _cands(("activation", 0.9), ("setup", 0.8), ("late", 0.7), ("spend", 0.6), ("win", 0.3), ("share", 0.9))
    alts = alternatives(cands, CAT["activation"], threshold=0.5)
    # setup leads activation (not distinct), share is external, win is below the threshold: late and spend remain
    assert [a.metric.id for a in alts] == ["late", "spend"]
    assert alternatives(cands, CAT["activation"], threshold=0.95) == []
    assert len(alternatives(cands, None, threshold=0.0, limit=2)) == 2


def test_alternatives_come_only_from_catalogue_hits_in_the_same_function() -> None:
    other_fn = _m("nps-ops", "warehouse safety score").model_copy(update={"functions": ["operations"]})
    cands = [
        Candidate(CAT["late"], 0.9, "prod-001"),  # came in through a worked example
        Candidate(other_fn, 0.9, "catalogue"),  # another function
        Candidate(CAT["spend"], 0.8, "catalogue"),
    ]
    assert [a.metric.id for a in alternatives(cands, CAT["activation"], threshold=0.5)] == ["spend"]


def test_distinct_rejects_near_identical_names() -> None:
    a = _m("a", "share of invoices paid on time")
    b = _m("b", "share of invoices paid on time by large customers")
    assert not distinct(a, b)
    assert distinct(a, CAT["late"])


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("Q3", "by Q3"),
        (None, "by [deadline]"),
        ("within 90 days", "within 90 days"),
        ("in 2026", "in 2026"),
        ("every week of Golden Quarter", "every week of Golden Quarter"),
    ],
)
def test_by_when_never_reads_by_within(deadline: str | None, expected: str) -> None:
    assert by_when(deadline) == expected


@pytest.mark.parametrize(
    ("goal", "deadline", "expected"),
    [
        # a compound goal: the work becomes the initiative, the result keeps the user's numbers
        (
            "Rebuild the plan comparison page and increase paid sign-ups by 15%",
            None,
            ("Increase paid sign-ups by 15% by [deadline]", "Rebuild the plan comparison page"),
        ),
        (
            "Install pick-to-light in zone B and raise picks per hour from 110 to 150 by Q3",
            "Q3",
            ("Raise picks per hour from 110 to 150 by Q3", "Install pick-to-light in zone B"),
        ),
        (
            "By Q3 launch the gallery and get 30% of new documents started from a template",
            "Q3",
            ("By Q3 launch the gallery and get 30% of new documents started from a template", None),
        ),
        (
            "Roll out click-and-collect to 30 stores and have 10% of online orders collected in store",
            None,
            ("Have 10% of online orders collected in store by [deadline]", "Roll out click-and-collect to 30 stores"),
        ),
        # a result joined by a gerund: the work stays the initiative, the result becomes a sentence of its own
        (
            "Referral scheme v2 live in UK & IE by end of Q2, driving 15% of new signups",
            "end of Q2",
            ("Drive 15% of new signups by end of Q2", "Referral scheme v2 live in UK & IE by end of Q2"),
        ),
        (
            "Launch self-checkout in 40 stores, cutting queue time from 6 to 3 minutes",
            None,
            ("Cut queue time from 6 to 3 minutes by [deadline]", "Launch self-checkout in 40 stores"),
        ),
        # work stated as done, then a measure moved to a number
        (
            "Guided setup shipped in v3.1 and trial-to-paid conversion up from 9% to 12%",
            None,
            ("Trial-to-paid conversion up from 9% to 12% by [deadline]", "Guided setup shipped in v3.1"),
        ),
        (
            "20,000 smart meters fitted, with estimated bills down to under 15% of all bills",
            None,
            ("Estimated bills down to under 15% of all bills by [deadline]", "20,000 smart meters fitted"),
        ),
        # after a comma or a plus, a share to reach or a measure moved by a number (coach, set 11)
        (
            "Online consultation tool live, 40% of routine requests coming in that way",
            None,
            ("40% of routine requests coming in that way by [deadline]", "Online consultation tool live"),
        ),
        ("IVR redesign live + containment up 10pp", None, ("Containment up 10pp by [deadline]", "IVR redesign live")),
        # ... or a count gained after work done by any verb (set 16)
        (
            "Paywall meter tweaked, +4k net new digital subs",
            None,
            ("+4k net new digital subs by [deadline]", "Paywall meter tweaked"),
        ),
        # ... or, after a semicolon, a measure moved along an arrow (set 35: the numbers were lost); not after a plus
        (
            "new one-page checkout shipped; mobile abandonment 78% -> 70% before peak",
            "peak",
            ("Mobile abandonment 78% -> 70% before peak", "new one-page checkout shipped"),
        ),
        # ... or, after a semicolon or comma, a measure with its target and where it stands (set 40: read as work only)
        (
            "RDF shredder commissioned at Kiln 2; TSR 18% (FY25 actual 9.6%), fuel saving ~₹14 cr",
            None,
            ("TSR 18% (FY25 actual 9.6%), fuel saving ~₹14 cr by [deadline]", "RDF shredder commissioned at Kiln 2"),
        ),
        # ... or a share of people doing something, the share first (set 54: the 70% was lost)
        (
            "Trained 180 hospitality interns; 70% working in hotels within 3 months of graduation",
            None,
            ("70% working in hotels within 3 months of graduation by [deadline]", "Trained 180 hospitality interns"),
        ),
        # ... or after a plus (set 45: the 85%, 72 hrs and 61% were lost to placeholders)
        (
            "311 pothole reporting relaunched w/ photo upload + 85% fixed within 72 hrs (FY24: 61%)",
            None,
            ("85% fixed within 72 hrs (FY24: 61%) by [deadline]", "311 pothole reporting relaunched w/ photo upload"),
        ),
        (
            "Install 40 sensors, downtime 2% (2024: 5%)",
            None,
            ("Downtime 2% (2024: 5%) by [deadline]", "Install 40 sensors"),
        ),
        # not after a measure: two results, kept whole
        (
            "Tier 1 PSE = 0, Tier 2 ≤ 2 (2024: 1 / 5)",
            None,
            ("Tier 1 PSE = 0, Tier 2 ≤ 2 (2024: 1 / 5) by [deadline]", None),
        ),
        (
            "Prison leavers with ID + bank account 60% → 85%",
            None,
            ("Prison leavers with ID + bank account 60% → 85% by [deadline]", None),
        ),
        # ... nor a plus inside the name of the measure whose value follows a colon (set 58: garbled)
        (
            "Prison leavers released with ID + bank account: 75% (Q3 actual 41%)",
            None,
            ("Prison leavers released with ID + bank account: 75% (Q3 actual 41%) by [deadline]", None),
        ),
        (
            "Managers feel equipped to have career conversations",
            None,
            ("Managers feel equipped to have career conversations by [deadline]", None),
        ),
        # not compound: the sentence is kept whole
        (
            "Criticals patched within 7 days, 95% of the time",
            None,
            ("Criticals patched within 7 days, 95% of the time by [deadline]", None),
        ),
        ("Raise NPS from 30 to 40", None, ("Raise NPS from 30 to 40 by [deadline]", None)),
        (
            "Launch the partner portal with 12 partners",
            None,
            ("Launch the partner portal with 12 partners by [deadline]", None),
        ),
        ("Grow and retain key accounts to 40", None, ("Grow and retain key accounts to 40 by [deadline]", None)),
        # the result first, then how the team gets there (set 19: the means had stayed in the key result)
        (
            "Dress return rate down from 38% to 30% by adding the new fit guide to all PDPs",
            None,
            ("Dress return rate down from 38% to 30% by [deadline]", "Adding the new fit guide to all PDPs"),
        ),
        ("Cut returns to 30% by adding guides by Q3", "Q3", ("Cut returns to 30% by Q3", "Adding guides by Q3")),
        # ... or after a dash or "w/" (sets 45, 47: the 22% was lost, the reminders kept in the key result)
        (
            "Apparel return rate below 22% - size guide v2 live on all PDPs",
            None,
            ("Apparel return rate below 22% by [deadline]", "Size guide v2 live on all PDPs"),
        ),
        (
            "Outpatient DNA rate down to 6% (from 8.4%) w/ 2-way SMS reminders",
            None,
            ("Outpatient DNA rate down to 6% (from 8.4%) by [deadline]", "2-way SMS reminders"),
        ),
        ("Orders 40% via app", None, ("Orders 40% via app by [deadline]", None)),
        # the number it aims for is the key result, whatever form the work takes (set 20: kept whole)
        (
            "Loyalty app relaunch incl. new points scheme, aiming for 30% of transactions linked to a member by H2",
            "H2",
            ("30% of transactions linked to a member by H2", "Loyalty app relaunch incl. new points scheme"),
        ),
        ("Member app v3, targeting 40% weekly use", None, ("40% weekly use by [deadline]", "Member app v3")),
        # ... or the share done through what was delivered (set 23: the 25% had been left out of the key result)
        (
            "Click & collect live in 300 branches and 25% of repeat prescriptions collected through it",
            None,
            ("25% of repeat prescriptions collected through it by [deadline]", "Click & collect live in 300 branches"),
        ),
        # ... or people signed up after a count of work (set 27: the 600 had been lost to placeholders)
        (
            "Do 30 school visits & sign up 600 new junior savers by end of term",
            "end of term",
            ("Sign up 600 new junior savers by end of term", "Do 30 school visits"),
        ),
        # no target: the sentence is kept whole
        ("Improve onboarding by adding tips", None, ("Improve onboarding by adding tips by [deadline]", None)),
        ("Grow members to 500 by spring", "spring", ("Grow members to 500 by spring", None)),  # a season, no means
    ],
)
def test_users_key_result_splits_work_from_result(goal: str, deadline: str | None, expected: tuple) -> None:  # type: ignore[type-arg]
    assert users_key_result(goal, deadline) == expected


@pytest.mark.parametrize(
    ("goal", "baseline", "target"),
    [
        # a compound goal's numbers are its result's, not its work's count (set 27)
        ("Do 30 school visits & sign up 600 new junior savers by end of term", None, "600"),
        ("Launch home eye tests in 3 regions and get 1,200 tests booked by end of H1", None, "1,200"),
        ("Install pick-to-light in zone B and raise picks per hour from 110 to 150", "110", "150"),
        ("Publish 12 case studies", None, "12"),  # not compound: the goal's own reading
    ],
)
def test_measurability_reads_a_compound_goals_result(goal: str, baseline: str | None, target: str) -> None:
    meas = measurability(goal)
    assert (meas.baseline, meas.target) == (baseline, target)


@pytest.mark.parametrize(
    ("owned_id", "expected", "basis"),
    [
        # the slice the team owns is the metric the goal already states: the user's sentence and 80% survive
        ("activation", "Activation among invited teams in the region reaches 80% by [deadline]", "user"),
        # a different slice the team owns follows the user's own target, which is never dropped for it
        ("setup", "Raise setup completion in the first session from [baseline] to [target] by [deadline]", "reframe"),
    ],
)
def test_reframe_to_the_same_metric_keeps_the_users_key_result(owned_id: str, expected: str, basis: str) -> None:
    goal = "Activation among invited teams in the region reaches 80%"
    entry = CAT["activation"]
    d = Decision("outcome", view(entry), entry, False, view(CAT[owned_id]), False, None)
    meas = parse_measurability(goal)
    rewrites = compose_rewrites(goal, d, meas, [], outcome_deadline(goal, d.kind, meas.deadline))
    assert rewrites[0].text == "Activation among invited teams in the region reaches 80% by [deadline]"
    assert (rewrites[-1].text, rewrites[-1].basis) == (expected, basis)


def test_reframe_without_a_users_target_is_the_key_result() -> None:
    goal = "Improve activation among invited teams in the region"
    entry = CAT["activation"]
    d = Decision("outcome", view(entry), entry, False, view(CAT["setup"]), False, None)
    rewrites = compose_rewrites(goal, d, parse_measurability(goal), [], None)
    assert (rewrites[0].basis, rewrites[0].metric_id) == ("reframe", "setup")


@pytest.mark.parametrize(
    ("goal", "kinds"),
    [
        ("Hire 4 account executives for the Nordics", {"hiring"}),
        ("Hiring two data engineers for the platform team", {"hiring"}),
        ("VP of People hired and in seat by end of Q1", {"hiring"}),
        ("Three specialist SEN teachers recruited", {"hiring"}),
        ("Recruit 20 volunteers for the weekend shifts", {"hiring"}),
        # Hiring recruiters is the recruiting team's own lever: its metrics are the result there.
        ("Grow the recruiting team by 3 recruiters", set()),
        ("Head of Talent hired", set()),
        # Hiring named as a result, not as the work.
        ("Introduce structured interviews and improve quality of hire", set()),
        ("Cut time to hire from 45 to 30 days", set()),
        ("Hiring managers rate recruiting 4 out of 5", set()),
        ("Launch the new onboarding flow", set()),
        # A control switched on for everyone: its coverage is the work.
        ("MFA enforced on 100% of employee SaaS accounts", {"rollout"}),
        ("Hardware security keys issued to all admins", {"rollout"}),
        ("Enforce SSO for every internal tool by Q2", {"rollout"}),
        ("Get every employee to turn on MFA", set()),  # persuading people: their uptake is the result
        ("Issue refunds within 5 days", set()),
        # An audit or certificate the team passes or obtains: the auditor's own findings only restate it.
        ("ISO 27001 certification achieved in Q4 2027", {"assurance"}),
        ("SOC 2 Type II report obtained by end of Q4", {"assurance"}),
        ("SOC 2 Type II report issued with no exceptions noted", {"assurance"}),
        ("Pass the SOX compliance review", {"assurance"}),
        ("Bootcamp grads pass the AWS certification first time", set()),  # other people pass it
        ("Cut audit exceptions from 12 to 3", set()),
        # Things installed or fitted: whether they then work is the install done well.
        ("Install 60k SMETS2 meters this financial year", {"installation"}),
        ("Smart meters fitted across DMAs 14-22 - DONE", {"installation"}),
        ("Size guide and fit-fee live on all dresses", set()),
    ],
)
def test_work_kinds_finds_the_work_a_metric_would_restate(goal: str, kinds: set[str]) -> None:
    assert work_kinds(goal) == kinds


def test_candidates_that_only_measure_the_hire_are_dropped_unless_nothing_else_is_left() -> None:
    ramp = _m("ramp", "ramp time of new account executives", restates=["hiring"])
    bookings = _m("bookings", "new bookings")
    cands = [Candidate(ramp, 0.7, "catalogue"), Candidate(bookings, 0.6, "catalogue")]
    assert [c.metric.id for c in without_restatements(cands, "Hire 4 account executives")] == ["bookings"]
    assert [c.metric.id for c in without_restatements(cands, "Cut ramp time of new account executives")] == [
        "ramp",
        "bookings",
    ]
    only = cands[:1]
    assert without_restatements(only, "Hire 4 account executives") == only  # a metric with a note beats none


def test_restates_names_only_known_kinds_of_work() -> None:
    with pytest.raises(ValueError, match="restates"):
        _m("x", "time to hire", restates=["publishing"])


def test_no_yearly_alternative_beside_a_metric_read_sooner() -> None:
    quick = _m("quick", "onboarding satisfaction", horizon="weeks")
    yearly = _m("yearly", "twelve-month retention", horizon="year")
    slow_main = _m("slow", "graduate earnings", horizon="year")
    cands = [Candidate(m, 0.9, "catalogue") for m in (quick, yearly)]
    assert alternatives(cands, quick, threshold=0.5) == []
    assert [a.metric.id for a in alternatives([Candidate(yearly, 0.9, "catalogue")], slow_main, threshold=0.5)] == [
        "yearly"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "30-day readmissions for heart failure patients from 21% to 16%",
            "Cut 30-day readmissions for heart failure patients from 21% to 16%",
        ),
        ("Weekly active teams from 1,200 to 2,000", "Raise weekly active teams from 1,200 to 2,000"),
        ("NPS from 30 to 45 by Q3", "Raise NPS from 30 to 45 by Q3"),
        # already says which way, or cannot tell: the user's sentence as it is
        ("Grow weekly active teams from 1,200 to 2,000", "Grow weekly active teams from 1,200 to 2,000"),
        (
            "Average wait for a housing repair falls from 28 to 14 days",
            "Average wait for a housing repair falls from 28 to 14 days",
        ),
        ("Launch X and get signups from 10 to 20", "Launch X and get signups from 10 to 20"),
        ("Stage-2 to closed-won conversion: 15% -> 25%", "Stage-2 to closed-won conversion: 15% -> 25%"),
        ("Churn from 5% to 5%", "Churn from 5% to 5%"),
    ],
)
def test_a_verbless_key_result_gains_the_verb_its_numbers_say(text: str, expected: str) -> None:
    assert with_direction_verb(text) == expected


def _decision(kind: str, metric: str, **kw: object) -> Decision:
    return Decision(kind, view(CAT[metric]), CAT[metric], True, None, False, None, **kw)  # type: ignore[arg-type]


def test_a_reframe_is_counted_over_the_goals_group() -> None:
    """The part the team can move is read over the group the goal names, like the main rewrite (set 48)."""
    goal = "Grow our market share in DACH"
    entry = CAT["share"]
    d = Decision("outcome", view(entry), entry, False, view(CAT["win"]), False, None)
    rewrites = compose_rewrites(goal, d, parse_measurability(goal), [], None, scope_of(goal))
    assert rewrites[0].basis == "reframe" and rewrites[0].text.startswith(f"Raise {CAT['win'].name} in DACH from")


@pytest.mark.parametrize(
    ("goal", "counted"),
    [
        ("Publish 12 articles by Q2", True),
        ("Referral programme live in UK and Germany by 15 August", False),  # a date
        ("New maths curriculum taught in all Year 7 classes from September", False),  # a name
        ("Complete SOC 2 Type II audit", False),
        ("Advance care plan template rolled out to all 4 community nursing teams", False),  # how far it reaches
        ("TM + termbase set up for top 10 clients", False),
        ("Open banking income verification live for 100% of new personal loan apps", False),  # a share (set 28)
        ("Hosted 4 virtual open days for UG recruitment", True),
        ("Inverter spares hub set up at Didcot depot w/c 14 Apr", False),  # the week it is done in (set 17)
        # set 19: the people it reaches, what the thing is like
        ("Launch regular giving upgrade journey to 18k existing donors in Feb", False),
        ("Platform extension complete to allow 8-car running from Dec timetable change", False),
        ("Send 40 newsletters to donors", True),
        # set 20: a price, a numbered thing
        ("Launch under-30s £10 ticket scheme for the 25/26 season", False),
        ("Canning line #2 installed and commissioned", False),
        ("Run 4 bereavement support evenings per quarter", True),
        # set 22: hires are people, not deliverables
        ("Hire 3 senior SREs + 1 EM for the Platform team by Sept 30", False),
        # set 29: a name with its number, where the work runs
        ("RosterPro live for all Dash 8 crews before summer sked", False),
        ("Complete BF#2 reline within the 62-day shutdown window", False),
        ("Launch Sunday opening pilot at 4 branches", False),
        ("Roll out 350 new LTE sites across Visayas & Mindanao", True),
        # set 31: what the work can do per hour, or a limit per case, counts nothing
        ("Midlands sortation hub operational pre-peak, 25k parcels/hr nameplate", False),
        ("Damp & mould cases closed within 28 days – RAG green by Q3 board", False),
        ("Shore power at cruise berth 3 installed and tested", False),
        # a price in another currency says what the work is like (stop 35)
        ("Launch R1,500 smartphone bundle for prepaid students", False),
        ("Launch ₹99 starter plan for kirana stores", False),
        # set 39: a name, a date, a rating, a schedule, where a pilot runs; counts of things, people and land
        ("Guest Wi-Fi upgraded to Wi-Fi 6 across all 14 properties", False),
        ("Sepsis screening tool embedded in ED triage in the EPR - go-live 01/07", False),
        ("22kW EV chargers installed at all 30 park-and-ride sites", False),
        ("Stood up 24/7 on-call rotation for the payments platform", False),
        ("Post-purchase email journey (day 7/30/60) built and live in Klaviyo", False),
        ("Pilot variable-rate irrigation on 3 cotton farms in the Darling Downs", False),
        ("Replace 40 km of LV overhead line with ABC", True),
        ("2,500 Safe & Well visits completed for over-65s living alone", True),
        ("train 120 frontline station staff in conflict de-escalation", True),
        ("Plant 40 ha of native broadleaf woodland this planting season", True),
    ],
)
def test_an_output_is_called_a_count_only_when_it_counts_deliverables(goal: str, counted: bool) -> None:
    why = " ".join(s for _, s in reasons(goal, _decision("output", "activation"), parse_measurability(goal)))
    assert ("a count of things the team delivers" in why) is counted


@pytest.mark.parametrize(
    ("goal", "said"),
    [
        ("Hire 3 senior SREs + 1 EM for the Platform team by Sept 30", "people the team hires"),
        ("Recruited & inducted 40 new Saturday volunteers", "people the team recruits"),
        ("Recruit 12 new foster carers by March", "people the team recruits"),
    ],
)
def test_a_hire_is_explained_as_people_hired_and_volunteers_as_recruited(goal: str, said: str) -> None:
    why = " ".join(s for _, s in reasons(goal, _decision("output", "activation"), parse_measurability(goal)))
    assert said in why


@pytest.mark.parametrize(
    ("goal", "must_do"),
    [
        ("Complete the SOC 2 Type II audit", True),
        ("CEIV Pharma certification achieved at 3 hub stations", True),
        ("EU-GMP certificate obtained for the flower facility", True),
        ("GDPR consent records migrated to the new CMP", True),
        # a legal team and people certified are not rules the team must meet (set 55: a coach read "must-do" as wrong)
        ("Self-serve NDA generator live in Slack (#legal-requests)", False),
        ("Battlecards for top 5 competitors live in Highspot, AEs certified", False),
        ("Customer Academy launched on Skilljar with 8 certification courses", False),
        ("All underground shift supervisors certified in ground control by 30 June", False),
    ],
)
def test_only_work_the_rules_ask_for_is_explained_as_must_do(goal: str, must_do: bool) -> None:
    why = " ".join(s for _, s in reasons(goal, _decision("output", "activation"), parse_measurability(goal)))
    assert ("must-do" in why) is must_do


@pytest.mark.parametrize(
    ("goal", "named"),
    [
        ("NRR >= 112% mid-market (FY23: 104%)", True),  # a short form spelled out
        ("Voluntary attrition <12% annualised (FY23: 19%)", True),  # two of three words
        ("In-year council tax collection rate 97.2% by 31 Mar", True),
        ("Stem rejection at Aalsmeer auction <2% (2023: 5.6%)", False),
        ("Reindeer killed by trains on Malmbanan < 150 (2023: 311)", False),
    ],
)
def test_a_goal_names_its_metric_by_most_of_its_words(goal: str, named: bool) -> None:
    entries = {
        "NRR": _m("nrr", "net revenue retention", aliases=["NRR"]),
        "Voluntary": _m("vol", "voluntary attrition rate"),
        "In-year": _m("ctax", "in-year council tax collection rate"),
        "Stem": _m("stem", "share of STEM camp participants enrolling in STEM subjects"),
        "Reindeer": _m("roads", "people killed or injured on local roads"),
    }
    assert names_metric(goal, entries[goal.split()[0]]) is named


@pytest.mark.parametrize(("status", "said"), [("DONE", True), ("complete", True), ("on track", False), (None, False)])
def test_the_why_says_finished_work_still_has_its_result_to_track(status: str | None, said: bool) -> None:
    goal = "Docs site rewritten (v3)"
    why = " ".join(s for _, s in reasons(goal, _decision("output", "activation"), parse_measurability(goal), status))
    assert ("It is marked done" in why) is said


@pytest.mark.parametrize(
    ("goal", "said"),
    [
        ("Patronage on core routes back to 2019 levels (depends on council fares cap continuing)", True),
        ("Sell-through at least 80% by lot (market permitting)", True),
        ("Portfolio plant availability at least 99.2% (excl. DNO curtailment)", False),  # an exclusion, no dependency
    ],
)
def test_the_why_names_the_dependency_the_team_wrote(goal: str, said: bool) -> None:
    d = decide(_j("outcome", "activation rate of new sign-ups"), _cands(("activation", 0.8)), goal, CAT)
    assert d.team_controls is not said
    why = " ".join(s for _, s in reasons(goal, d, parse_measurability(goal)))
    assert ("You note it depends on something outside the team" in why) is said


def test_the_why_never_promises_a_leading_indicator_it_does_not_give() -> None:
    goal = "Improve twelve-month customer retention"
    slow = Decision("outcome", view(CAT["ret12"]), CAT["ret12"], True, None, True, None)
    why = " ".join(s for _, s in reasons(goal, slow, parse_measurability(goal)))
    assert "pick a leading indicator the team can read within the quarter" in why and "steer" not in why
    slow.proxy = view(CAT["weekly-core"])
    why = " ".join(s for _, s in reasons(goal, slow, parse_measurability(goal)))
    assert "steer the quarter with a leading indicator: share of new customers using the core feature weekly" in why
    assert "moves within weeks" in why


def test_the_why_says_how_soon_the_proxy_moves_as_its_entry_says() -> None:
    """A coach, set 19: every proxy claimed it "moves within weeks", seldom true of a quarterly one."""
    goal = "Improve twelve-month customer retention"
    slow = Decision("outcome", view(CAT["ret12"]), CAT["ret12"], True, None, True, view(CAT["activation"]))
    why = " ".join(s for _, s in reasons(goal, slow, parse_measurability(goal)))
    assert "activation rate of new sign-ups can be read within the quarter and predicts it" in why
    assert "within weeks" not in why


@pytest.mark.parametrize(
    ("goal", "rewrite", "why"),
    [
        # a limit with no share: the user's sentence, with the share of cases held to it as the target
        (
            "Returns processed within 48h of hitting the warehouse",
            "Returns processed within 48h of hitting the warehouse in [target] of cases by [deadline]",
            "a time limit (within 48h of hitting the warehouse) but no target yet",
        ),
        # a share held to a limit: the limit is part of the target, never the deadline
        (
            "35% of trial accounts invite a teammate within 7 days",
            "35% of trial accounts invite a teammate within 7 days by [deadline]",
            "a target (35% within 7 days); it still needs a deadline",
        ),
    ],
)
def test_a_time_limit_is_kept_and_never_read_as_target_or_deadline(goal: str, rewrite: str, why: str) -> None:
    d = _decision("outcome", "activation")
    meas = parse_measurability(goal)
    rewrites = compose_rewrites(goal, d, meas, [], outcome_deadline(goal, d.kind, meas.deadline))
    assert (rewrites[0].text, rewrites[0].basis) == (rewrite, "user")
    assert why in " ".join(s for _, s in reasons(goal, d, meas))


@pytest.mark.parametrize(
    ("as_written", "cleaned", "expected"),
    [
        # a measurable outcome keeps its sentence: "kept as written" unless cleaning took something off (set 18)
        ("Churn 3% by Q3", "Churn 3% by Q3", []),
        ("Churn 3% by Q3.", "Churn 3% by Q3", []),  # a full stop is not worth a rewrite
        ("Line yield from 91.2% to 93.5% by H2", "Line yield from 91.2% to 93.5% by H2", []),  # no verb added
        ("Churn 3% by Q3 [RAG: red]", "Churn 3% by Q3", ["Churn 3% by Q3"]),
        ("• pick accuracy 99.7% by Q3", "pick accuracy 99.7% by Q3", ["Pick accuracy 99.7% by Q3"]),
    ],
)
def test_a_cleaned_outcome_is_given_back_clean(as_written: str, cleaned: str, expected: list[str]) -> None:
    meas = parse_measurability(cleaned)
    rewrites = compose_rewrites(cleaned, _decision("outcome", "activation"), meas, [], meas.deadline, None, as_written)
    assert [r.text for r in rewrites] == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # an outcome's own baseline stays its baseline
        ("outcome", "Raise activation rate of new sign-ups from 12 to [target] by [deadline]"),
        # an output's numbers count its work: they stay in the initiative, never on the metric it should move
        ("output", "Raise activation rate of new sign-ups from [baseline] to [target] by [deadline]"),
    ],
)
def test_a_goals_numbers_become_the_metrics_only_for_an_outcome(kind: str, expected: str) -> None:
    goal = "Services moved from 12 to 40"
    meas = parse_measurability(goal)
    assert (meas.baseline, meas.target) == ("12", "40")
    meas.target = None  # past the branch that keeps an outcome's own sentence
    rewrites = compose_rewrites(goal, _decision(kind, "activation"), meas, [], None)
    assert rewrites[0].text == expected


@pytest.mark.parametrize(
    ("goal", "scope"),
    [
        # the coach's commonest edit: scope the metric to the group the goal names (sets 4-7)
        ("Reading age assessments completed for every Year 9 pupil by October half-term", "for Year 9 pupils"),
        ("QBRs held with all Tier 1 customers every quarter", "for Tier 1 customers"),
        ("Self-serve SAML SSO shipped to all Business-tier workspaces", "for Business-tier workspaces"),
        ("Switched on automated dunning for all SMB customers", "for SMB customers"),
        ("Ambient AI scribe piloted in 3 GP practices", "for GP practices"),
        ("Maths tutoring for Year 10, three times a week", "for Year 10"),
        ("Hire 4 account executives for the Nordics", "in the Nordics"),
        ("Referral programme live in UK and Germany by 15 August", "in the UK and Germany"),
        ("Hired and ramped two solutions engineers for EMEA", "in EMEA"),
        # no named group: none (a capitalised first word, a tool, a tier with no group, a team)
        ("Customers reach value in their first week", None),
        ("Customer health score model built in Gainsight", None),
        ("Zero Tier 1 incidents this quarter", None),
        ("Cut ad hoc data pull requests to the BI team by 40%", None),
        ("Launch the new onboarding flow", None),
        ("Recruit 40 volunteers for the Saturday warehouse shift", None),  # a day names no segment
        ("All KS1 staff trained in the new phonics programme", None),  # the team's own people do the work
        ("All Pro workspaces get saved searches", "for Pro workspaces"),
        # two names joined are one group (coach, set 10: "Islay dropped from scope")
        ("Online booking live for Islay & Arran routes before summer", "for Islay & Arran routes"),
        ("Pay by bank for all UK and EU merchants", "for UK and EU merchants"),
        # a list of names, a lettered tier, named places at the end (coach, set 10: LS/BD/HX, Tier A, Riverside)
        ("Mobile fitting vans introduced in LS, BD and HX postcodes", "for LS, BD and HX postcodes"),
        ("Remote monitoring fitted to 60% of Tier A lifts", "for Tier A lifts"),
        ("Pet Health Club plan launched at Riverside + Eastgate", "at Riverside + Eastgate"),
        ("Pilot live across Leeds and York", "across Leeds and York"),
        ("Design system v2 components documented in Figma + Storybook", None),  # tools, not places (set 13)
        # a tier named alone, numbered parts of a site (coach, set 11)
        ("Ship SAML SSO for Enterprise tier", "for Enterprise tier"),
        ("Desk booking system rolled out to floors 2-6", "across floors 2-6"),
        ("Snowmaking upgrade on blue runs 4-7 finished by 15 Nov", "across blue runs 4-7"),
        ("Line 2 commissioned", None),  # one line is the work's own place, not a group
        ("Dashboard rebuilt in Salesforce", None),  # one name alone is too often a tool
        ("Achieved sign-off on the Castle Street library scheme", None),  # one building, no group
        # a plural group named by a plain word, a compass area (coach, set 13: motor claims, core routes, north)
        ("Claims auto-triage model in prod for motor claims", "for motor claims"),
        ("Move all bookkeeping clients onto Xero by year end", "for bookkeeping clients"),
        ("Improve bus reliability on core routes", "on core routes"),
        ("Install 50,000 smart meters in the northern region", "in the northern region"),
        ("Reduce absenteeism among secondary pupils", "for secondary pupils"),
        ("Launch voice picking in the Daventry DC and get pick accuracy to 99.7%", "for Daventry DC"),  # set 14
        # a counted set of the team's places, with "the" (coach, set 14: the four gated lifts)
        ("Install RFID gates at the 4 busiest lifts by Dec 15", "at the 4 busiest lifts"),
        ("Roll out voice picking across the three northern depots", "across the three northern depots"),
        ("Roll out eRD in all 14 branches", None),  # all of them: the whole estate, no narrower group
        ("Sold out at the 2 home games", None),  # games are not a group the metric is counted over
        # hubs or parks in the plural, a district's numbered areas, a compass sector without "the" (set 15)
        ("Home library service extended to the 3 rural hubs", "at the 3 rural hubs"),
        ("NFI kits pre-positioned in Cox's Bazar hub before monsoon", None),  # one named hub: the work's place
        ("Smart meters fitted across DMAs 14-22 - DONE", "across DMAs 14-22"),
        ("Cat 2 mean <30 min in East sector", "in the East sector"),
        # a named area with its kind (set 29: scoped force-wide)
        ("Body-worn video issued to all response officers in N Division", "in N Division"),
        ("Get our cask ales into 25 new free houses in the Peak District", "in the Peak District"),
        ("6 new franchise units opened in the North East", "in the North East"),
        ("Body-worn video issued to 100% of East Division response officers", "in the East Division"),  # set 34
        ("Grow sales in the East Midlands by Q3", "in the East Midlands"),
        ("4,000 smart meters fitted in DMA 12 before the summer demand peak", "in DMA 12"),
        ("Open a drop-in in the Wrexham Region office", None),
        ("Launch the app for all customers", None),  # "all" names no group
        ("Become the top-rated employer on review sites", None),  # a place it is read, not a group
        ("Patient portal live in the flagship store", None),  # one place, not a plural group
        # the biggest few, named by rank (set 16)
        ("TM + termbase set up for top 10 clients", "for the top 10 clients"),
        ("Run 40 exec briefings with top-100 target accounts in H1", "for the top-100 target accounts"),
        ("Retain all top-10 contracts through renewal round", None),
        # one named place the work is at is no group (set 17: "for Didcot depots"): the place itself, unless the work
        # sets up a place there that serves more (set 41: servers "at Jorf Lasfar site" had read "for Lasfar sites")
        ("Inverter spares hub set up at Didcot depot w/c 14 Apr", None),
        ("Pilot 'library of things' at Central branch - 50 items catalogued and lendable", "at the Central branch"),
        ("Hire 3 nurses for Riverside wards", "for Riverside wards"),
        # a few places without "the" or "all", a numbered or lettered place, a tier in lower case (set 22)
        ("Discharge-before-noon pilot live on 3 medical wards", "on the 3 medical wards"),
        ("Lecture capture installed in all 40 large teaching rooms", None),  # all of them: no narrower group
        ("Pharmacy First rolled out to 120 stores", None),
        ("Open 2 new stores in Leeds", None),
        ("TPM training completed for 100% of maintenance techs at Plant B", "at Plant B"),
        ("Autonomous haul truck pilot went live at Pit 3 in March", "at Pit 3"),
        ("Plant 40 ha of woodland", None),  # a verb first
        ("Vendor portal rolled out to all tier-1 suppliers by end of Q2", "for tier-1 suppliers"),
        # orders of a region, an age band, two kinds of a group joined (set 23: all three scopes dropped)
        ("Self-serve refunds for all EU orders", "for EU orders"),
        ("Home fire safety visits: 3,000 delivered to over-65s living alone", "for over-65s living alone"),
        ("Home fire safety visits completed for 4,000 over-65s living alone", "for over-65s living alone"),
        ("Launch under-30s £10 ticket scheme", None),  # the scheme's name, not who it is counted for
        ("Completed SPC chart rollout on etch and litho tools", "on etch and litho tools"),
        ("Enforce FIDO2 keys on all privileged and break-glass accounts", "for privileged and break-glass accounts"),
        ("Contract review AI tool rolled out to commercial team", None),  # one tool is the work
        # a named kind among all of them, counted (set 22: "all 300 member farms" scoped to every farm)
        ("Free soil testing offered to all 300 member farms", "for member farms"),
        ("New POS rolled out to all 60 franchisee stores before Christmas trading", "for franchisee stores"),
        ("Average nitrogen use efficiency above 70% on member farms", "on member farms"),
        # set 37: markets of the Gulf and Africa, a platform's users, a numbered route, a few places, a named site
        ("loyalty app v2 launched in KSA & UAE", "in KSA & UAE"),
        ("Drought-tolerant maize hybrid registered in Kenya and Tanzania", "in Kenya and Tanzania"),
        ("New onboarding flow shipped to 100% of iOS users (feature flag removed)", "for iOS users"),
        ("Tap-on/tap-off contactless ticketing live on all Route 4 buses, Q3", "on Route 4 buses"),
        ("on-time departures 92%+ on the Islay route (summer timetable)", "on the Islay route"),
        ("self-checkout live in 40 stores before peak (Black Friday)", "in the 40 stores"),
        ("Automated dispensing robots installed in 120 stores", None),
        ("4-day week pilot in the Auckland studio, Feb–Apr", "in the Auckland studio"),
        # places joined after "in" (sets 46, 51: counted everywhere); not tools the glossary knows, not languages
        ("Onboard 25 new merchants in Lagos + Abuja (18 live as at wk 9)", "in Lagos + Abuja"),
        ("450 CHVs trained on maternal danger signs in Mangochi & Balaka districts", "in Mangochi & Balaka"),
        ("Design system documented in Figma + Storybook", None),
        ("Council tax letters available in English and Welsh", None),
        ("SDKs in Python and Go", None),
        # set 51: an office named without "the"
        ("4 SDRs hired & ramped in Toronto office — 2/4 in seat, other 2 start Sept", "in the Toronto office"),
        ("Hot desks bookable in Office 365", None),  # a product, not an office
        ("Spares hub set up at Didcot depot", None),
        # set 39: legal entities, a named district or region in lower case, a named centre with its kind, canteens
        ("Migrate payroll to Workday for all 3 UK entities before 31 March", "for UK entities"),
        ("Recruited and trained 25 community health volunteers in Kasese district", "in Kasese district"),
        ("Replace 40 km of LV overhead line in the Drakensberg region, FY26 H1", "in the Drakensberg region"),
        ("ISO 27001 certification achieved for the Bengaluru delivery centre", "at the Bengaluru delivery centre"),
        ("Food waste tracking scales installed in all 12 staff canteens", "for staff canteens"),
        ("Recruit 40 regular volunteers for the Saturday warehouse shift", None),  # when, not where
        # set 41: one site named after "at", "the" or not, in words or a code
        ("Decommissioned 60% of legacy on-prem servers at Jorf Lasfar site", "at the Jorf Lasfar site"),
        (
            "Chrome recovery & reuse unit commissioned at Modjo tannery, Hamle 2016 E.C.",
            "at the Modjo tannery",
        ),  # set 58
        ("Salary bands published internally for all eng + product roles", "for eng + product roles"),  # set 57
        ("Pharma cool room at ADD cargo terminal expanded to 2,000 m2", "at the ADD cargo terminal"),
        ("24/30 haul trucks converted to autonomous at the Pilbara pit by Dec", "at the Pilbara pit"),
        # set 42: one site named on its own at the end, after a dash or comma or in brackets
        ("Broken bags at dispatch ≤0.2% (Q3 actual 0.65%) - Nghi Son packing plant", "at the Nghi Son packing plant"),
        ("N2 consumption / t product -12% vs 2023 (Antwerp site)", "at the Antwerp site"),
        ("Second source qualified for 15 single-source parts (Žilina plant)", "at the Žilina plant"),
        # set 47: names joined by a slash, countries by their codes when two or more are joined (not languages, not
        # one code alone)
        ("Automated AP invoice matching (Xero + Dext), all AU/NZ entities", "for AU/NZ entities"),
        ("Launch Klarna pay-in-3 at checkout for NL + BE", "for NL + BE"),
        ("D2C webshop live in DE & AT, 12 SKUs", "in DE & AT"),
        ("MTPE workflow implemented for DE/FR/ES pairs", None),
        ("Improve ticket triage in IT", None),
        # sets 45-48: roles, tiers of systems, names of two words, a list after "in", codes alone, a market segment
        ("Rolled out structured interview scorecards for all Eng + Product roles", "for Eng + Product roles"),
        ("Quarterly restore tests for all Tier-1 systems", "for Tier-1 systems"),
        ("On-call runbooks written for every tier-1 service", "for tier-1 services"),
        ("40 parcel lockers installed across Lagos Mainland + Lekki", "across Lagos Mainland + Lekki"),
        (
            "Decon trailers at Christchurch City, Rolleston & Timaru stations",
            "for Christchurch City, Rolleston & Timaru stations",
        ),
        ("PIFU rolled out in derm, ENT and rheumatology clinics", "for derm, ENT and rheumatology clinics"),
        ("5,000 home fire safety visits done in high-risk wards", "for high-risk wards"),
        ("Half of today's apprentices in senior roles by 2032", None),  # where they work, not a group
        ("Mobile app v2 in app stores by end of Feb", None),
        ("Afterpay + Klarna at checkout AU/NZ by 1/8", "in AU/NZ"),
        ("QBRs done with 100% of top-50 accts", "for the top-50 accts"),
        ("Platform screen doors at 6 stations - 4 commissioned", "at the 6 stations"),
        ("NRR >= 112% mid-market (FY23: 104%)", "in the mid-market segment"),
        ("SME logo churn < 2%/mo", "in the SME segment"),
        ("SME review of all 40 course modules", None),  # a subject-matter expert's
        # a region's code before or after what the work is for, or in brackets; not a law of the region
        ("Hired 3 DACH SDRs, all ramped by end of Q2", "in DACH"),
        ("Move EU fulfilment to 3PL in Venlo (go-live 1 Oct)", "in the EU"),
        ("£1.8m net new ARR from UK mid-market", "in the UK mid-market"),
        ("Run 4 German-language webinars for DACH mid-market prospects", "in the DACH mid-market"),
        ("Hired Head of Partnerships APAC (Singapore-based)", "in APAC"),
        ("Go live with Pix as payment method at checkout (BR) by 01/08", "in BR"),
        ("EU AI Act readiness assessment completed", None),
        ("Set up whistleblower channel per EU directive", None),
        ("Ship v2.0 with a stable plugin API before KubeCon EU", None),
        ("Replaced RO membranes + remote SCADA monitoring (US$180k)", None),
        # a market, a locale, a team, counted parts of a country, one clinic, school years written short
        ("Partner webinar series: 6 episodes (FR + EN) for Québec market", "in the Québec market"),
        ("Top 50 help centre articles translated to FR-CA", "for FR-CA users"),
        ("Onboard 35 seed growers for BG-II cotton parent lines", None),
        ("Hire 3 senior SREs for BLR team by end Q3", "for the BLR team"),
        ("Hire 3 senior SREs for our team", None),
        ("Launched COD-to-UPI nudge at checkout in 6 states", "in the 6 states"),
        ("Shore power live at 3 river cruise berths - DONE", "at the 3 river cruise berths"),
        ("VOD ventilation commissioned on 3 lower levels", "on the 3 lower levels"),
        ("Hired 2 x Aboriginal Health Workers for Mt Isa clinic", "at the Mt Isa clinic"),
        ("Google Classroom rolled out to Yr 7–9, every teacher trained", "for Yr 7–9"),
        ("1:1 Chromebooks for all Year 7–9 pupils", "for Year 7–9 pupils"),
        ("Close reading-age gap for PP students in Yr 9 by 6 months", "for PP students"),
        ("dbt models + tests for all Tier-1 metrics", "for Tier-1 metrics"),
    ],
)
def test_scope_of_reads_the_named_group(goal: str, scope: str | None) -> None:
    assert scope_of(goal) == scope


def test_scoped_metric_adds_the_group_once() -> None:
    m = MetricView("win rate", "up", "win-rate")
    assert scoped(m, scope_of("Hire 4 AEs for DACH")).name == "win rate in DACH"
    assert scoped(m, scope_of("Hire 4 AEs")).name == "win rate"
    assert scoped(MetricView("win rate in DACH", "up"), scope_of("Hire 4 AEs for DACH")).name == "win rate in DACH"
    assert (
        key_result(scoped(m, scope_of("Hire 4 AEs for DACH")))
        == "Raise win rate in DACH from [baseline] to [target] by [deadline]"
    )
    # a metric that already counts that kind of people takes the group's name in place (coach, set 8)
    pupils = MetricView("share of pupils reading at their age", "up")
    assert (
        scoped(pupils, scope_of("Tutoring for every Year 9 pupil")).name
        == "share of Year 9 pupils reading at their age"
    )
    # a name ending in a clause that says which things count takes the group before it (set 41)
    tests = MetricView("share of drug tests that are positive", "down")
    assert scoped(tests, "for Cat B sites").name == "share of drug tests for Cat B sites that are positive"
    # a group the metric's name already says is not said twice (set 47: "enterprise deals ... for Enterprise tier")
    deals = MetricView("share of enterprise deals needing no security exceptions", "up")
    assert scoped(deals, scope_of("Ship SSO for Enterprise tier")).name == deals.name
    students = MetricView("first-year students passing all modules", "up")
    assert (
        scoped(students, scope_of("Advising for all FTIC students")).name
        == "first-year FTIC students passing all modules"
    )
    # a group with "the" takes the noun's place only after a preposition (set 52: "of enterprise the top-40 accounts")
    accounts = MetricView("gross revenue retention of enterprise accounts", "up")
    top = scope_of("QBRs held with 100% of top-40 accounts")
    assert scoped(accounts, top).name == "gross revenue retention of enterprise accounts for the top-40 accounts"
    assert (
        scoped(MetricView("share of accounts with a QBR", "up"), top).name == "share of the top-40 accounts with a QBR"
    )


@pytest.mark.parametrize(
    ("goal", "kind", "score", "warned"),
    [
        ("Launch the new onboarding flow", "output", 0.30, True),  # the first metric is a weak match
        ("Launch the new onboarding flow", "output", 0.60, False),
        ("Activation of new sign-ups up", "outcome", 0.30, True),
        ("Activation from 40% to 55% by Q3", "outcome", 0.30, False),  # the user's own measure and numbers stand
    ],
)
def test_a_weak_first_metric_is_flagged(goal: str, kind: str, score: float, warned: bool) -> None:
    d = decide(_j(kind, CAT["activation"].name), _cands(("activation", score)), goal, CAT)
    assert (WEAK_MATCH_NOTE in d.notes) is warned


def test_weak_match_reads_only_the_rankings_first() -> None:
    cands = _cands(("activation", 0.3), ("late", 0.2))
    assert weak_match(cands, CAT["activation"]) and not weak_match(cands, CAT["late"])
    assert not weak_match([], CAT["activation"]) and not weak_match(cands, None)
