"""Catalogue ranking: the deterministic steps (query, fusion, combination) and retrieve() on fake embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.knowledge import Knowledge
from assistant.ranking import (
    _SHORT_FORMS,
    ALIAS,
    DEFINITION,
    HIRING,
    MOVED_BY,
    NAME,
    TOOL_NAMES,
    LexicalIndex,
    RankWeights,
    combine,
    contrary_metrics,
    contrary_sides,
    fuse,
    is_hiring_line,
    lexical_tokens,
    metric_documents,
    name_phrases,
    named_in,
    non_durations,
    ranked_by_words,
    result_query,
    sector_short_forms,
    spelled_out,
    states_duration,
    top,
    unit_misfits,
)
from assistant.retrieval import KnowledgeIndex
from assistant.settings import Settings


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("Raise average deal size from $18k to $25k by Q4", "average deal size"),
        ("Cut monthly close from 12 days to 6 days by Q4", "monthly close"),
        ("Closed-won conversion in the public sector: 15% -> 25% by H2", "Closed-won conversion in the public sector"),
        ("Launch the gallery and get 30% of new documents from a template", "new documents from a template"),
        ("Introduce structured interviews and improve quality of hire", "quality of hire"),
        ("80% of customer-facing incidents caught by our alerts", "customer-facing incidents caught by our alerts"),
        ("Reduce churn to 2% next year", "churn"),
        ("Ship the new file-sharing permissions screen", None),  # reads the same: nothing to add
        ("Improve onboarding", "onboarding"),
        ("Raise it to 40%", None),  # nothing left that names anything
        # a date goes; an event stays, it says what the work is for (a dev goal lost its enterprise deals metric)
        (
            "Raise pen test pass rate to 90% before the enterprise launch",
            "pen test pass rate before the enterprise launch",
        ),
        ("Raise pen test pass rate to 90% before 31 March", "pen test pass rate"),
        ("Raise on-time arrivals to 85% for the whole summer schedule", "on-time arrivals"),
    ],
)
def test_result_query(goal: str, expected: str | None) -> None:
    assert result_query(goal) == expected


@pytest.mark.parametrize(
    ("hits", "definition", "weight", "expected"),
    [
        # best document alone when the weight is 0
        ([("a", MOVED_BY, 0.9), ("a", NAME, 0.5)], {"a": 0.4, "b": 0.6}, 0.0, {"a": 0.9, "b": 0.6}),
        # the definition pulls a metric lifted by one loose moved_by phrase back down
        ([("a", MOVED_BY, 0.9)], {"a": 0.1, "b": 0.7}, 1.0, {"a": 0.5, "b": 0.7}),
        # a metric with no near document still has its definition score
        ([], {"a": 0.3}, 0.5, {"a": pytest.approx(0.3)}),
        # a hit below the definition score never lowers the best
        ([("a", NAME, 0.2)], {"a": 0.4}, 1.0, {"a": pytest.approx(0.4)}),
    ],
)
def test_fuse(
    hits: list[tuple[str, str, float]], definition: dict[str, float], weight: float, expected: dict[str, float]
) -> None:
    assert fuse(hits, definition, weight) == expected


@pytest.mark.parametrize(
    ("goal", "result", "weight", "expected"),
    [
        ({"a": 0.8, "b": 0.6}, None, 1.0, {"a": 0.8, "b": 0.6}),
        ({"a": 0.8, "b": 0.6}, {"a": 0.2, "b": 0.8}, 0.0, {"a": 0.8, "b": 0.6}),
        ({"a": 0.8, "b": 0.6}, {"a": 0.2, "b": 0.8}, 1.0, {"a": pytest.approx(0.5), "b": pytest.approx(0.7)}),
        # an id only one query saw is given the lowest score seen for the other
        ({"a": 0.8}, {"b": 0.9, "a": 0.4}, 1.0, {"a": pytest.approx(0.6), "b": pytest.approx(0.65)}),
    ],
)
def test_combine(
    goal: dict[str, float], result: dict[str, float] | None, weight: float, expected: dict[str, float]
) -> None:
    assert combine(goal, result, weight) == expected


def test_top_is_best_first_with_ties_by_id() -> None:
    assert top({"b": 0.5, "a": 0.5, "c": 0.9}, 2) == [("c", 0.9), ("a", 0.5)]


def test_metric_documents_are_definition_name_aliases_then_moved_by(knowledge: Knowledge) -> None:
    m = knowledge.metrics[0].model_copy(
        update={"aliases": ["new-user activation", "first-week activation"], "moved_by": ["product tour", "checklist"]}
    )
    docs = metric_documents(m)
    assert docs[0] == (DEFINITION, f"{m.name}: {m.definition}")
    assert docs[1] == (NAME, m.name)
    assert docs[2:4] == [(ALIAS, "new-user activation"), (ALIAS, "first-week activation")]
    assert docs[4:] == [(MOVED_BY, t) for t in m.moved_by]


def test_hiring_lines_are_their_own_part(knowledge: Knowledge) -> None:
    m = knowledge.metrics[0].model_copy(update={"moved_by": ["onboarding checklist", "hiring night nurses"]})
    assert metric_documents(m)[-2:] == [(MOVED_BY, "onboarding checklist"), (HIRING, "hiring night nurses")]


def test_hiring_lines_count_only_for_goals_about_hiring(index: KnowledgeIndex) -> None:
    """Fake embeddings match identical texts only: the hire line finds its metric when hiring is the topic."""
    metric, line = next((m, t) for m in index.knowledge.metrics for t in m.moved_by if t.startswith("hiring "))
    vector = index.store.embeddings.embed_query(line)
    about_hiring = index._metric_scores(vector, 8, RankWeights(), hiring=True)
    other = index._metric_scores(vector, 8, RankWeights(), hiring=False)
    assert max(about_hiring, key=about_hiring.__getitem__) == metric.id
    assert other[metric.id] < about_hiring[metric.id] - 0.3
    assert index.retrieve(line, 0, 0, 3).metrics[0][0].id == metric.id  # the query itself says "hiring"


def test_weights_default_to_the_settings_and_follow_them(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Settings()
    assert RankWeights() == RankWeights(
        s.rank_definition_weight, s.rank_result_query_weight, s.rank_objective_weight, s.rank_lexical_weight
    )
    monkeypatch.setenv("OKR_RANK_DEFINITION_WEIGHT", "0.5")
    assert RankWeights.from_settings(Settings()).definition == 0.5


def test_retrieve_ranks_the_metric_whose_name_is_the_goal_first(index: KnowledgeIndex) -> None:
    """Fake embeddings give identical texts identical vectors: the metric named by the goal must win."""
    target = index.knowledge.metrics[7]
    r = index.retrieve(target.name, 0, 0, 8)
    ids = [m.id for m, _ in r.metrics]
    scores = [s for _, s in r.metrics]
    assert ids[0] == target.id
    assert len(ids) == len(set(ids)) == 8
    # ordered by meaning plus the word match; the scores they carry are the meaning alone (cosine)
    words = index._lexical.scores(target.name)
    boosted = [s + RankWeights().lexical * words.get(i, 0.0) for i, s in zip(ids, scores, strict=True)]
    assert boosted == sorted(boosted, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_retrieve_without_the_word_match_orders_by_meaning(index: KnowledgeIndex) -> None:
    target = index.knowledge.metrics[7]
    scores = [s for _, s in index.retrieve(target.name, 0, 0, 8, RankWeights(lexical=0.0)).metrics]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Invites accepted per user", ["invit", "accept", "user"]),
        ("Reduce the number of abandoned carts", ["reduce", "number", "abandon", "cart"]),
        # short forms spelled out, numbers left out
        ("Raise NPS from 30 to 40", ["raise", "nps", "net", "promoter", "score"]),
        ("Activities and policies", ["activity", "policy"]),
    ],
)
def test_lexical_tokens(text: str, tokens: list[str]) -> None:
    assert lexical_tokens(text) == tokens


def test_word_match_finds_the_metric_that_shares_the_goals_words(knowledge: Knowledge) -> None:
    """BM25 over name, aliases, definition and outputs: the goal's own words point at the metric that has them."""
    lex = LexicalIndex(knowledge.metrics)
    target = knowledge.metrics[11]
    scores = lex.scores(f"{target.name} {target.definition}")
    assert max(scores, key=scores.__getitem__) == target.id
    assert lex.scores("zzzz qqqq") == {}
    # a hiring line's role words do not count: they would match goals of every kind
    metric, line = next((m, t) for m in knowledge.metrics for t in m.moved_by if t.startswith("hiring "))
    assert is_hiring_line(line) and not is_hiring_line(metric.name)


def test_an_external_metrics_outputs_are_not_matched_by_words(knowledge: Knowledge) -> None:
    """A national figure's broad programmes ("national sentencing reform") matched unrelated goals by one word."""
    external = next(m for m in knowledge.metrics if m.scope == "external" and m.moved_by)
    team = next(m for m in knowledge.metrics if m.scope == "team" and not any(map(is_hiring_line, m.moved_by)))
    lex = LexicalIndex([external, team])
    own_words = set(lexical_tokens(" ".join([external.name, *external.aliases, external.definition])))
    only_in_lines = [w for w in lexical_tokens(" ".join(external.moved_by)) if w not in own_words]
    assert only_in_lines and external.id not in lex.scores(" ".join(only_in_lines))
    assert team.id in lex.scores(" ".join(team.moved_by))


def test_ranked_by_words_breaks_meaning_ties_with_words() -> None:
    meaning = {"a": 0.70, "b": 0.71, "c": 0.50}
    assert ranked_by_words(meaning, {}, 0.02, 3) == ["b", "a", "c"]
    assert ranked_by_words(meaning, {"a": 3.0}, 0.02, 3) == ["a", "b", "c"]  # 0.70 + 0.06 beats 0.71
    assert ranked_by_words(meaning, {"c": 3.0}, 0.02, 2) == ["b", "a"]  # words alone do not lift a far metric


def test_ranked_by_words_lifts_the_metric_the_goal_names() -> None:
    meaning = {"a": 0.70, "b": 0.62, "c": 0.50}
    assert ranked_by_words(meaning, {}, 0.02, 3, named=frozenset({"b"})) == ["b", "a", "c"]  # 0.62 + 0.1 > 0.70
    assert ranked_by_words(meaning, {}, 0.02, 3, named=frozenset({"c"})) == ["a", "b", "c"]  # named, but far off


@pytest.mark.parametrize(
    ("goal", "named"),
    [
        ("FCR from 68% to 75% in the billing queue", {"first-contact-resolution"}),  # a short form, in capitals
        ("fcr from 68% to 75%", set()),  # ... only in capitals: lower case is a word, not a name
        ("Zero RIDDOR reportables this FY; LTIFR held below 0.5 (on track)", {"lost-time-injury-frequency"}),
        ("Cut the appointment no-show rate to 5%", {"no-show-rate"}),  # an alias of two words or more
        ("Cut no-shows to 5%", set()),
        ("NPS-driven roadmap published", set()),  # part of a longer word
        ("Launch the new onboarding flow", set()),
    ],
)
def test_named_in_finds_the_metric_a_goal_names_word_for_word(knowledge: Knowledge, goal: str, named: set[str]) -> None:
    assert named_in(goal, name_phrases(knowledge.metrics)) >= named
    if not named:
        assert not named_in(goal, name_phrases(knowledge.metrics)) & {
            "first-contact-resolution",
            "customer-nps",
            "no-show-rate",
        }


def test_ranked_by_words_lowers_metrics_whose_unit_misfits() -> None:
    meaning = {"a": 0.70, "b": 0.72, "c": 0.50}
    assert ranked_by_words(meaning, {}, 0.02, 3, frozenset({"b"})) == ["a", "b", "c"]  # 0.72 - 0.1 < 0.70
    assert ranked_by_words(meaning, {}, 0.02, 3, frozenset({"c"})) == ["b", "a", "c"]


def test_ranked_by_words_lowers_metrics_named_for_the_other_side() -> None:
    meaning = {"a": 0.70, "b": 0.85, "c": 0.50}
    assert ranked_by_words(meaning, {}, 0.02, 3, contrary=frozenset({"b"})) == ["a", "b", "c"]  # 0.85 - 0.2 < 0.70
    assert ranked_by_words(meaning, {}, 0.02, 3, contrary=frozenset({"c"})) == ["b", "a", "c"]


@pytest.mark.parametrize(
    ("goal", "lowered", "kept"),
    [
        # set 37: each first metric was named for the side the goal did not mean
        (
            "12m retention of digital-only subs 58% → 65%",
            "magazine-print-subscription-renewal",
            "paying-digital-subscribers",
        ),
        ("Cat 1 mean response ≤ 7 min", "ambulance-category-two-response", "ambulance-category-one-response"),
        (
            "Peppol e-invoicing for top 200 customers by AR value",
            "supplier-invoices-on-terms",
            "days-sales-outstanding",
        ),
        ("paywall framework built, first 3 price tests run", "test-campaign-first-pass", "free-to-paid-conversion"),
        (
            "12,000 prepaid smart meters installed in Kisumu",
            "estimated-energy-bills",
            "electricity-discom-collection-efficiency",
        ),
        (
            "450 CHVs trained on maternal danger signs",
            "iccm-sick-children-treated-within-a-day",
            "phc-facility-based-delivery-rate",
        ),
    ],
)
def test_contrary_metrics_are_named_for_the_other_side(
    knowledge: Knowledge, goal: str, lowered: str, kept: str
) -> None:
    sides = contrary_sides(knowledge.metrics)
    contrary = contrary_metrics(goal, sides)
    assert lowered in contrary and kept not in contrary
    # a goal naming both sides, or neither, lowers nothing on their account
    assert "supplier-invoices-on-terms" not in contrary_metrics("Supplier and customer invoices on Peppol", sides)
    assert not contrary_metrics("Launch the new onboarding flow", sides)


@pytest.mark.parametrize(
    ("goal", "duration"),
    [
        ("Cut proposal-to-close time from 40 days to 25 days", True),
        ("Cut average ER waiting time from 4 hours to 2 hours", True),
        ("Month-end close 12 WD -> 5 WD", True),  # working days
        ("Median build time under 10 min", True),
        ("Checkout p75 load <= 1.5s before Black Friday", True),
        ("Answer 95% of chats within one minute", False),  # a share held to a limit: the metric is a share
        ("Reduce churn from 5% to 3%", False),
        ("1920s council minutes series catalogued", False),  # a decade, not seconds
        ("Launch the new onboarding flow", False),
    ],
)
def test_states_duration(goal: str, duration: bool) -> None:
    assert states_duration(goal) is duration


def test_unit_misfits_are_every_metric_but_durations_for_a_duration_goal(knowledge: Knowledge) -> None:
    metrics = knowledge.metrics
    not_durations = non_durations(metrics)
    misfits = unit_misfits("Cut median wait from 40 minutes to 25 minutes", not_durations)
    assert misfits and len(misfits) < len(metrics)
    assert all(
        (m.id in misfits) is (m.unit.lower() not in {"minutes", "hours", "days", "weeks"})
        for m in metrics
        if m.unit.lower() in {"minutes", "hours", "days", "weeks", "%"}
    )
    assert unit_misfits("Reduce churn from 5% to 3%", not_durations) == frozenset()


def test_retrieve_without_the_result_query_or_definition_share(index: KnowledgeIndex) -> None:
    """Weight 0 for both: the plain best-document ranking, a metric's score being its best similarity."""
    target = index.knowledge.metrics[3]
    r = index.retrieve(f"Raise {target.name} from 10% to 20% by Q3", 0, 0, 5, weights=RankWeights(0.0, 0.0))
    assert len(r.metrics) == 5 and all(-1.0 <= s <= 1.0 for _, s in r.metrics)
    named = index.retrieve(target.name, 0, 0, 5, weights=RankWeights(0.0, 0.0))
    assert named.metrics[0][0].id == target.id and named.metrics[0][1] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("industry NPS", "industry NPS (net promoter score)"),
        ("Grow MRR", "Grow MRR (monthly recurring revenue)"),
        ("our eNPS", "our eNPS (employee net promoter score)"),
        ("SLAs breached", "SLAs (service level agreement) breached"),
        ("Launch the new SQL editor", "Launch the new SQL editor"),  # ambiguous short forms are left alone
        ("NPSX and pre-NPS", "NPSX and pre-NPS"),  # only whole short forms
        ("snps", "snps"),
        # sector short forms (coach, set 7: "CII" read as CI, FTTP "build" as software builds)
        ("FTTP build passes 400k premises", "FTTP (full fibre to the premises) build passes 400k premises"),
        ("Fleet rated CII C", "Fleet rated CII (ship carbon intensity indicator rating) C"),
        ("Install 60k SMETS2 meters", "Install 60k SMETS2 (second-generation smart energy meters) meters"),
        # set 14: "IND filed for lead compound" had found DevOps lead time
        (
            "IND filed for lead compound",
            "IND (investigational new drug application to the medicines regulator) filed for lead compound",
        ),
        ("Hosted 4 open days for UG recruitment", "Hosted 4 open days for UG (undergraduate students) recruitment"),
        # set 19/20: a short form's other sense, when the goal's words call for it
        (
            "Roll out the new CRM to all AEs",
            "Roll out the new CRM (customer relationship management) to all AEs (account executive)",
        ),
        (
            "All line crew complete the refreshed CRM e-learning module",
            "All line crew complete the refreshed CRM (crew resource management) e-learning module",
        ),
        ("Repairs on 17 WTGs", "Repairs on 17 WTGs (wind turbine generator)"),
        # set 30: a short form's other sense when the goal speaks of street lights
        ("2,400 SOX lanterns swapped to LED", "2,400 SOX (low-pressure sodium street lights) lanterns swapped to LED"),
        ("SOX controls tested", "SOX (US financial controls law compliance) controls tested"),
        # set 31: a lowercase first letter ("ePMA"); a practice's PMS is not a hotel's
        ("ePMA live", "ePMA (electronic prescribing and medicines administration system) live"),
        ("eBay sellers", "eBay sellers"),
        ("PMS migration for 14 practices", "PMS (practice management system) migration for 14 practices"),
        ("Cloud PMS cutover", "Cloud PMS (hotel property management system) cutover"),
        ("SEP training for all crew", "SEP (safety and emergency procedures) training for all crew"),
        ("60% of NDA reviews", "60% of NDA (non-disclosure agreement contract) reviews"),
        # the sector list (short_forms.tsv), a numbered one too; not inside a word or a longer code (set 27)
        ("2,500 HFSVs to over-75s", "2,500 HFSVs (home fire safety visit) to over-75s"),
        ("CDU-2 turnaround", "CDU (crude distillation unit in a refinery)-2 turnaround"),
        ("HCA-led rounds", "HCA-led rounds"),
        ("ISO 27001 audit", "ISO 27001 (information security management) audit"),
        # software products by name (tool_names.tsv), case kept: the word "snowflake" is not the warehouse
        (
            "CrowdStrike Falcon on all laptops",
            "CrowdStrike Falcon (endpoint detection and response security) on all laptops",
        ),
        ("Redshift → Snowflake", "Redshift (cloud data warehouse) → Snowflake (cloud data warehouse)"),
        ("No snowflake servers", "No snowflake servers"),
    ],
)
def test_short_forms_are_spelled_out(text: str, expected: str) -> None:
    assert spelled_out(text) == expected


def test_the_sector_short_forms_load_and_name_file_and_line_on_error(tmp_path: Path) -> None:
    forms = sector_short_forms()
    assert len(forms) > 300 and forms["INSET"] == "teacher training day"
    assert not set(forms) & set(_SHORT_FORMS)  # each short form has one home
    tools = sector_short_forms(TOOL_NAMES)
    assert len(tools) > 200 and tools["Jenkins"] == "continuous integration build server"
    assert not set(tools) & (set(forms) | set(_SHORT_FORMS))
    bad = tmp_path / "short_forms.tsv"
    bad.write_text("# comment\nHFSV\thome fire safety visit\tfire\nCDU\tcrude distillation unit\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"short_forms.tsv:3: expected"):
        sector_short_forms(bad)
    bad.write_text("HFSV\thome fire safety visit\tfire\nHFSV\tagain\tfire\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r":2: 'HFSV' is listed twice"):
        sector_short_forms(bad)


def test_the_result_query_spells_out_short_forms() -> None:
    assert result_query("Improve industry NPS") == "industry NPS (net promoter score)"


def test_the_objective_lifts_the_metric_it_names(index: KnowledgeIndex) -> None:
    """'Reduce on-call toil' says what 'Replace the rota tool' is for: the metric it names must rise to the top."""
    target = index.knowledge.metrics[11]
    goal = "Replace the spreadsheet rota with a scheduling tool"
    alone = [m.id for m, _ in index.retrieve(goal, 0, 0, 8).metrics]
    lifted = index.retrieve(goal, 0, 0, 8, weights=RankWeights(objective=1.0), objective=target.name)
    ignored = index.retrieve(goal, 0, 0, 8, weights=RankWeights(objective=0.0), objective=target.name)
    assert alone[0] != target.id
    assert lifted.metrics[0][0].id == target.id
    assert [m.id for m, _ in ignored.metrics] == alone


def test_metric_documents_spell_out_short_forms(knowledge: Knowledge) -> None:
    """'New WMS live' had matched a metric about the LMS: both sides carry the long form."""
    m = knowledge.metrics[0].model_copy(
        update={"name": "share of courses on the LMS", "aliases": [], "moved_by": ["new LMS rollout"]}
    )
    docs = dict(metric_documents(m)[1:])
    assert docs[NAME] == "share of courses on the LMS (learning management system)"
    assert docs[MOVED_BY] == "new LMS (learning management system) rollout"


def test_metric_vectors_are_read_in_pages(small_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """One read of more than ~32,000 records fails in Chroma's SQLite: the index reads every document in pages."""
    import assistant.retrieval as retrieval

    index = small_index

    whole = index._get_all(where={"type": "metric"}, include=["metadatas"])
    monkeypatch.setattr(retrieval, "ADD_BATCH", 97)  # many pages, the last one short
    paged = index._get_all(where={"type": "metric"}, include=["metadatas"])
    assert len(whole["ids"]) > 97 * 3 and sorted(paged["ids"]) == sorted(whole["ids"])
    assert len(paged["metadatas"]) == len(paged["ids"]) and not paged["embeddings"]
    expected = sum(len(metric_documents(m)) for m in index.knowledge.metrics)
    assert len(paged["ids"]) == expected
