"""The set review, the score checklist, the editable rewritten set and its exports; no model, no index."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from assistant import okrset
from assistant.chain import ReviewChain
from assistant.errors import KnowledgeError
from assistant.knowledge import Knowledge
from assistant.schemas import CHECK_IDS, ReviewRow, SetReview
from assistant.scoring import SCORE_FILE, KRFacts, load_score_config, score, score_config
from assistant.setreview import RULES_FILE, direction_of, load_set_rules, review_set_rows
from evals.sets import KRSpec, fixture_rows, grade, load_fixtures, row_for
from tests.fakes import WordEmbedding

O1 = "Make new users successful fast"
O2 = "Keep the platform reliable"


@pytest.fixture(scope="module")
def catalogue(knowledge: Knowledge) -> dict:
    return knowledge.catalogue


def rows(catalogue: dict, specs: list[tuple[str, dict]]) -> list[ReviewRow]:
    return [row_for(KRSpec(**spec), objective, catalogue) for objective, spec in specs]


def kinds(review: SetReview) -> list[str]:
    return [f.kind for f in review.findings]


# ------------------------------------------------------------------------------------------- score


@pytest.mark.parametrize("passed", [set(), set(CHECK_IDS), {"outcome"}, {"baseline", "target", "deadline"}, {"source"}])
def test_score_is_the_sum_of_the_passed_weights(passed: set[str]) -> None:
    weights = {c["id"]: c["weight"] for c in yaml.safe_load(SCORE_FILE.read_text())["checks"]}
    result = score(KRFacts(**{i: i in passed for i in CHECK_IDS}))
    assert result.score == sum(weights[i] for i in passed)
    assert [c.id for c in result.checks if c.passed] == [i for i in weights if i in passed]
    assert all(c.fix for c in result.checks)


def test_the_weights_come_from_the_data_file(tmp_path: Path) -> None:
    data = yaml.safe_load(SCORE_FILE.read_text())
    for c in data["checks"]:
        c["weight"] = 0
    data["checks"][0]["weight"] = 100
    path = tmp_path / "score.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_score_config(path)
    first = data["checks"][0]["id"]
    assert score(KRFacts(**{i: i == first for i in CHECK_IDS}), config).score == 100
    assert score(KRFacts(**{i: i != first for i in CHECK_IDS}), config).score == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["checks"][0].update(weight=d["checks"][0]["weight"] + 1), "add up to 101"),
        (lambda d: d["checks"].pop(), "checks missing"),
        (lambda d: d["checks"].append(dict(d["checks"][0], weight=0)), "once"),
        (lambda d: d["checks"][0].update(id="vibes"), "checks.0.id"),
        (lambda d: d["checks"][0].update(extra=1), "extra"),
    ],
)
def test_a_broken_score_file_names_the_field(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(SCORE_FILE.read_text())
    change(data)
    path = tmp_path / "score.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(KnowledgeError, match=message) as info:
        load_score_config(path)
    assert "score.yaml" in str(info.value)


def test_set_rules_name_only_catalogue_metrics(catalogue: dict, tmp_path: Path) -> None:
    load_set_rules(RULES_FILE, catalogue)
    data = yaml.safe_load(RULES_FILE.read_text())
    data["tensions"].append({"push": "activation-rate", "hurts": "happiness-of-everyone", "why": "made up to fail"})
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(KnowledgeError, match="happiness-of-everyone"):
        load_set_rules(path, catalogue)


# ------------------------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("text", "baseline", "target", "polarity", "expected"),
    [
        ("Raise activation rate from [baseline] to [target] by [deadline]", None, None, "up", "up"),
        ("Cut late delivery rate from 8% to 5% by Q3", "8%", "5%", "down", "down"),
        ("Keep error budget consumption within [target] through Q3", None, None, "within", "within"),
        ("Improve first response time", None, None, "down", "down"),
        ("Improve activation", None, None, "up", "up"),
        ("Improve activation", None, None, None, None),
        ("Average order value from 40 to 32 by Q4", "40", "32", "up", "down"),
        ("Average order value from 40 to 48 by Q4", "40", "48", "up", "up"),
        ("Activation up by 10%", None, "+10%", "up", "up"),
        ("Activation at [target]", None, None, "up", None),
        ("Lower average order value to 32", None, "32", "up", "down"),
    ],
)
def test_direction(text: str, baseline: str | None, target: str | None, polarity: str | None, expected: str) -> None:
    assert direction_of(text, baseline, target, polarity) == expected


# ------------------------------------------------------------------------------------------- findings


def test_outputs_go_under_the_outcome_they_serve(catalogue: dict) -> None:
    review = review_set_rows(
        rows(
            catalogue,
            [
                (O1, {"goal": "Launch the onboarding flow", "kind": "output", "metric_id": "activation-rate"}),
                (
                    O1,
                    {
                        "goal": "Raise activation to 60% by Q3",
                        "kind": "outcome",
                        "metric_id": "activation-rate",
                        "target": "60%",
                        "deadline": "Q3",
                    },
                ),  # fmt: skip
                (O1, {"goal": "Publish 10 help videos", "kind": "output", "metric_id": "self-service-resolution-rate"}),
            ],
        ),
        catalogue,
    )
    krs = review.objectives[0].krs
    assert [k.text for k in krs] == [
        "Raise activation to 60% by Q3",
        "Raise self-service resolution rate in the help centre from [baseline] to [target] by [deadline]",
    ]
    assert krs[0].initiatives == ["Launch the onboarding flow"] and krs[0].rows == [2, 1]
    assert krs[1].initiatives == ["Publish 10 help videos"]
    initiatives = [f for f in review.findings if f.kind == "initiative"]
    assert [f.rows for f in initiatives] == [[1, 2], [3]]
    assert "outputs" in kinds(review) and "no_outcome" not in kinds(review)
    assert review.score > review.score_before


def test_same_metric_twice_is_a_duplicate_and_the_second_is_dropped_not_lost(catalogue: dict) -> None:
    review = review_set_rows(
        rows(
            catalogue,
            [
                (
                    O1,
                    {
                        "goal": "Cut first reply time to 2 hours",
                        "kind": "outcome",
                        "metric_id": "first-response-time",
                        "target": "2 hours",
                    },
                ),  # fmt: skip
                (O1, {"goal": "Answer faster", "kind": "outcome", "metric_id": "first-response-time"}),
            ],
        ),
        catalogue,
    )
    krs = review.objectives[0].krs
    assert [k.keep for k in krs] == [True, False] and "same metric" in (krs[1].dropped_reason or "")
    dup = next(f for f in review.findings if f.kind == "duplicate")
    assert dup.rows == [2, 1] and dup.severity == "problem"
    md = okrset.to_set_markdown(review)
    assert "~~" in md and "Answer faster" not in md.split("Dropped:")[0]


def test_opposite_directions_conflict_and_one_metric_in_two_objectives(catalogue: dict) -> None:
    up = {"goal": "Raise average order value from 40 to 48", "kind": "outcome", "metric_id": "average-order-value",
          "baseline": "40", "target": "48"}  # fmt: skip
    down = dict(up, goal="Lower average order value from 40 to 32", target="32")
    review = review_set_rows(rows(catalogue, [(O1, up), (O2, down)]), catalogue)
    conflict = next(f for f in review.findings if f.kind == "conflict")
    assert conflict.rows == [1, 2]
    same = review_set_rows(
        rows(catalogue, [(O1, up), (O2, dict(up, goal="Grow basket size from 40 to 48"))]), catalogue
    )
    assert "conflict" not in kinds(same)
    assert next(f for f in same.findings if f.kind == "duplicate").severity == "warning"  # across objectives: kept


def test_a_push_that_hurts_another_key_result(catalogue: dict) -> None:
    review = review_set_rows(
        rows(
            catalogue,
            [
                (O1, {"goal": "Raise bot resolution", "kind": "outcome", "metric_id": "bot-resolution-rate"}),
                (O1, {"goal": "Keep CSAT above 90%", "kind": "outcome", "metric_id": "support-csat", "target": "90%"}),
            ],
        ),
        catalogue,
    )
    hurt = next(f for f in review.findings if f.kind == "guardrail_conflict")
    assert hurt.rows == [1, 2]
    assert "guardrail" not in kinds(review)  # the metric it would suggest is already a key result


def test_guardrail_suggested_with_a_placeholder_bound(catalogue: dict) -> None:
    review = review_set_rows(
        rows(
            catalogue,
            [(O1, {"goal": "Raise trial conversion", "kind": "outcome", "metric_id": "trial-to-paid-conversion"})],
        ),
        catalogue,
    )
    churn = catalogue["monthly-customer-churn"].name
    assert review.objectives[0].guardrails == [f"Keep {churn} under [target]"]
    assert "O1 guardrail: [target]" in review.placeholders
    assert "kr_count" in kinds(review)  # one key result is too few


@pytest.mark.parametrize(("n", "flagged"), [(1, True), (2, False), (5, False), (6, True)])
def test_key_result_count(catalogue: dict, n: int, flagged: bool) -> None:
    ids = ["activation-rate", "first-month-retention", "weekly-active-users", "setup-completion-rate",
           "task-success-rate", "search-success-rate"]  # fmt: skip
    specs = [(O1, {"goal": f"Raise metric {i}", "kind": "outcome", "metric_id": ids[i]}) for i in range(n)]
    assert ("kr_count" in kinds(review_set_rows(rows(catalogue, specs), catalogue))) is flagged


def test_a_failed_row_is_kept_and_reported(catalogue: dict) -> None:
    good = rows(catalogue, [(O1, {"goal": "Launch SSO", "kind": "output", "metric_id": "activation-rate"})])
    review = review_set_rows([*good, ReviewRow.failed("ab\x01", "binary input", O1)], catalogue)
    assert [f.rows for f in review.findings if f.kind == "error"] == [[2]]
    failed = review.objectives[0].krs[-1]
    assert failed.text == "ab\x01" and not failed.reviewed and failed.score.score == 0
    assert "no_outcome" in kinds(review)


def test_overlap_and_misalignment_by_meaning(catalogue: dict) -> None:
    specs = [
        ("Grow weekly active users of the product", {"goal": "Grow weekly active users", "kind": "outcome",
                                                     "metric_id": "weekly-active-users"}),
        ("Grow weekly active users of the product", {"goal": "Grow weekly active users of the mobile app",
                                                     "kind": "outcome", "metric_id": "mobile-weekly-active-users"}),
        ("Grow weekly active users of the product", {"goal": "Cut recordable injuries in the warehouse",
                                                     "kind": "outcome", "metric_id": "recordable-injury-rate"}),
    ]  # fmt: skip
    review = review_set_rows(rows(catalogue, specs), catalogue, WordEmbedding())
    assert [f.rows for f in review.findings if f.kind == "overlap"] == [[1, 2]]
    assert [f.rows for f in review.findings if f.kind == "misaligned"] == [[3]]
    krs = review.objectives[0].krs
    assert [k.aligned for k in krs] == [True, True, False] and "operations" in krs[2].alignment
    without = review_set_rows(rows(catalogue, specs), catalogue)
    assert "overlap" not in kinds(without) and "not checked" in without.notes[0]


# ------------------------------------------------------------------------------------------- edits


@pytest.fixture
def two_objectives(catalogue: dict) -> SetReview:
    return review_set_rows(
        rows(
            catalogue,
            [
                (O1, {"goal": "Launch the onboarding flow", "kind": "output", "metric_id": "activation-rate"}),
                (O1, {"goal": "Publish help videos", "kind": "output", "metric_id": "self-service-resolution-rate"}),
                (O2, {"goal": "Migrate to Kubernetes", "kind": "output", "metric_id": "service-availability"}),
                (O2, {"goal": "Cut change failure rate from 20% to 10% by Q3", "kind": "outcome",
                      "metric_id": "change-failure-rate", "baseline": "20%", "target": "10%", "deadline": "Q3"}),
            ],
        ),
        catalogue,
    )  # fmt: skip


def test_fill_a_target_raises_the_score(two_objectives: SetReview) -> None:
    before = two_objectives.kr("O1.KR1").score.score
    after, message = okrset.fill_slot(two_objectives, "O1.KR1", "target", "62%")
    kr = after.kr("O1.KR1")
    assert "to 62% by" in kr.text and kr.target == "62%" and "62%" in message
    assert kr.score.score > before and after.score > two_objectives.score
    assert "[target]" in two_objectives.kr("O1.KR1").text  # the original is not changed


@pytest.mark.parametrize(
    ("slot", "value", "error"),
    [
        ("target", "Q3", "reads like a date"),
        ("deadline", "40%", "not a date"),
        ("baseline", "banana", "does not read as a baseline"),
        ("target", "", "Type the target"),
        ("budget", "5", "Unknown slot"),
    ],
)
def test_a_number_only_lands_where_it_belongs(two_objectives: SetReview, slot: str, value: str, error: str) -> None:
    with pytest.raises(okrset.EditError, match=error):
        okrset.fill_slot(two_objectives, "O1.KR1", slot, value)


def test_fill_refuses_a_slot_already_filled(two_objectives: SetReview) -> None:
    with pytest.raises(okrset.EditError, match="no \\[target\\]"):
        okrset.fill_slot(two_objectives, "O2.KR2", "target", "5%")
    with pytest.raises(okrset.EditError, match="O1.KR1"):
        okrset.fill_slot(two_objectives, "O9.KR9", "target", "5%")


def test_edit_text_reads_the_users_numbers(two_objectives: SetReview, catalogue: dict) -> None:
    name = catalogue["activation-rate"].name
    edited, _ = okrset.edit_text(two_objectives, "O1.KR1", f"Raise {name} from 45% to 62% by Q3", catalogue)
    kr = edited.kr("O1.KR1")
    assert (kr.baseline, kr.target, kr.deadline, kr.metric_id) == ("45%", "62%", "Q3", "activation-rate")
    assert kr.score.score == 100
    with pytest.raises(okrset.EditError, match="empty"):
        okrset.edit_text(two_objectives, "O1.KR1", "  ", catalogue)


def test_choose_alternative_swaps_texts(catalogue: dict, two_objectives: SetReview) -> None:
    review = two_objectives.model_copy(deep=True)
    alt = f"Raise {catalogue['setup-completion-rate'].name} from [baseline] to [target] by [deadline]"
    review.kr("O1.KR1").alternatives = [alt]
    old = review.kr("O1.KR1").text
    picked, _ = okrset.choose_alternative(review, "O1.KR1", 1, catalogue)
    kr = picked.kr("O1.KR1")
    assert kr.text == alt and kr.alternatives == [old] and kr.metric_id == "setup-completion-rate"
    with pytest.raises(okrset.EditError, match="1 alternative"):
        okrset.choose_alternative(review, "O1.KR1", 2, catalogue)


def test_drop_and_keep_update_the_score(two_objectives: SetReview) -> None:
    dropped, _ = okrset.set_keep(two_objectives, "O1.KR2", False)
    assert dropped.objectives[0].score == dropped.kr("O1.KR1").score.score
    kept, _ = okrset.set_keep(dropped, "O1.KR2", True)
    assert kept.score == two_objectives.score and kept.kr("O1.KR2").dropped_reason is None


def test_top_changes_are_the_biggest_gains(two_objectives: SetReview) -> None:
    changes = two_objectives.top_changes
    assert len(changes) == 3 and changes[0].gain >= changes[1].gain >= changes[2].gain
    weight = {c.id: c.weight for c in score_config().checks}
    first = changes[0]
    obj = next(o for o in two_objectives.objectives if any(k.id == first.kr for k in o.krs))
    assert first.gain == round(weight[first.check] / len(obj.krs) / len(two_objectives.objectives), 1)


# ------------------------------------------------------------------------------------------- exports


def test_exports_carry_the_rewritten_set(two_objectives: SetReview) -> None:
    filled, _ = okrset.fill_slot(two_objectives, "O1.KR1", "target", "62%")
    md = okrset.to_set_markdown(filled)
    assert f"## Objective: {O1}" in md and f"## Objective: {O2}" in md
    assert "to 62% by [deadline]" in md and "  - Initiative: Launch the onboarding flow" in md
    assert f"Score: **{filled.score}/100**" in md and "## Still to fill" in md
    table = list(csv.DictReader(io.StringIO(okrset.to_set_csv(filled))))
    assert [r["item"] for r in table].count("initiative") == 3
    assert next(r for r in table if r["id"] == "O1.KR1" and r["item"] == "key result")["target"] == "62%"
    assert SetReview.model_validate(json.loads(okrset.to_set_json(filled))) == filled


def test_csv_export_is_inert_in_spreadsheets(catalogue: dict) -> None:
    spec = {"goal": "Raise it", "kind": "outcome", "metric_id": "activation-rate"}
    review = review_set_rows(rows(catalogue, [("=HYPERLINK(1)", spec)]), catalogue)
    assert "'=HYPERLINK" in okrset.to_set_csv(review)


# ------------------------------------------------------------------------------------------- fixtures


def test_every_set_fixture_passes_with_word_embeddings_except_meaning(catalogue: dict) -> None:
    """The structural findings need no embeddings; the eval itself runs on the index's model."""
    for fx in load_fixtures():
        result = grade(fx, review_set_rows(fixture_rows(fx, catalogue), catalogue, WordEmbedding()))
        assert result["arithmetic"] and result["rewrite_raises"], fx.id
        assert not result["forbidden"], (fx.id, result["forbidden"])
        assert [m for m in result["missed"] if not m.startswith(("misaligned", "overlap"))] == [], fx.id


# ------------------------------------------------------------------------------------------- CLI and API


def test_cli_set_out_writes_the_rewritten_set(
    monkeypatch: pytest.MonkeyPatch, chain: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import assistant.api as api
    from assistant import cli

    monkeypatch.setattr(api, "get_chain", lambda *a, **k: chain)
    source = tmp_path / "okrs.md"
    source.write_text(f"Objective: {O1}\n- KR1: Launch the onboarding flow\n- KR2: Publish 10 help videos\n")
    for name in ("set.md", "set.csv", "set.json"):
        assert (
            cli.main(["roadmap", str(source), "--out", str(tmp_path / "rows.csv"), "--set-out", str(tmp_path / name)])
            == 0
        )
    err = capsys.readouterr().err
    assert "set score" in err and "is an initiative" in err
    md = (tmp_path / "set.md").read_text()
    assert f"## Objective: {O1}" in md and "  - Initiative: Launch the onboarding flow" in md
    assert "key result" in (tmp_path / "set.csv").read_text()
    review = SetReview.model_validate_json((tmp_path / "set.json").read_text())
    assert review.score > review.score_before


def test_review_set_on_rows_needs_no_chat_model(monkeypatch: pytest.MonkeyPatch, catalogue: dict) -> None:
    import assistant
    import assistant.api as api

    monkeypatch.setattr(api, "get_embeddings", lambda settings: WordEmbedding())
    monkeypatch.setattr(api, "get_chain", lambda *a, **k: pytest.fail("no chain for reviewed rows"))
    specs = [(O1, {"goal": "Launch the onboarding flow", "kind": "output", "metric_id": "activation-rate"})]
    review = assistant.review_set(rows(catalogue, specs))
    assert isinstance(review, SetReview) and review.objectives[0].krs[0].initiatives == ["Launch the onboarding flow"]


def test_review_set_from_text_with_a_fake_chain(monkeypatch: pytest.MonkeyPatch, chain: object) -> None:
    import assistant
    import assistant.api as api

    monkeypatch.setattr(api, "get_chain", lambda *a, **k: chain)
    review = assistant.review_set(f"Objective: {O1}\n- KR1: Launch the onboarding flow\n- KR2: Improve retention")
    assert [o.title for o in review.objectives] == [O1] and review.findings


# ------------------------------------------------------------------------------------------- app handlers


def test_set_handlers_review_edit_and_export(chain: ReviewChain, settings: object) -> None:
    from assistant import handlers as H

    service = H.AppService(settings=settings, factory=lambda s: chain, model_label="fake")  # type: ignore[arg-type]
    review, problem = H.run_set(service, f"Objective: {O1}\n- KR1: Launch the onboarding flow\n- KR2: Ship SSO")
    assert review is not None and problem == ""
    assert "Set score" in H.set_score_markdown(review) and "initiative" in H.findings_markdown(review)
    table = H.set_table(review)
    assert list(table.columns) == H.SET_TABLE_COLUMNS and table.iloc[0, 2] == f"Objective: {O1}"
    kr_id = H.set_kr_ids(review)[0]
    assert "Has a target" in H.checklist_markdown(review, kr_id)
    same, note = H.apply_set_edit(service, review, "Fill a slot", kr_id, "deadline", "40%")
    assert same is review and "Not changed" in note
    filled, note = H.apply_set_edit(service, review, "Fill a slot", kr_id, "deadline", "Q3")
    assert filled.kr(kr_id).deadline == "Q3" and "deadline set" in note
    files = H.set_files(filled)
    assert [Path(f).suffix for f in files] == [".md", ".csv", ".json"] and "by Q3" in Path(files[0]).read_text()
    assert H.run_set(service, "   ")[0] is None
    assert H.apply_set_edit(service, None, "Drop", kr_id, None, None)[1] == "Review a set first."


# ------------------------------------------------------------------------------------------- portfolio


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("growth-2025Q1.jsonl", ("growth", "2025-Q1")),
        ("q2_2025_support.csv", ("support", "2025-Q2")),
        ("x.json", ("x", "?")),
    ],
)
def test_portfolio_labels_from_file_names(name: str, label: tuple[str, str]) -> None:
    from assistant.portfolio import label_from_name

    assert label_from_name(Path(name)) == label


def test_portfolio_trend_between_quarters(catalogue: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant import cli
    from assistant.export import to_csv, to_jsonl

    out = {"goal": "Launch A", "kind": "output", "metric_id": "activation-rate"}
    good = {"goal": "Raise activation to 60% by Q3", "kind": "outcome", "metric_id": "activation-rate", "target": "60%",
            "deadline": "Q3"}  # fmt: skip
    q1 = rows(
        catalogue, [(O1, out), (O1, dict(out, goal="Ship B")), (O1, dict(out, goal="Host C")), (O1, good), (O1, good)]
    )
    q2 = rows(catalogue, [(O1, out), (O1, good), (O1, good), (O1, good)])
    (tmp_path / "growth-2025Q1.jsonl").write_text(to_jsonl(q1))
    (tmp_path / "growth-2025Q2.csv").write_text(to_csv(q2))
    assert cli.main(["portfolio", str(tmp_path / "growth-2025Q1.jsonl"), str(tmp_path / "growth-2025Q2.csv")]) == 0
    text = capsys.readouterr().out
    assert "| growth | 2025-Q1 | 5 | 3 (60%) |" in text and "| growth | 2025-Q2 | 4 | 1 (25%) |" in text
    assert "growth: outputs fell from 60% to 25%" in text and "average score rose" in text
    (tmp_path / "bad.jsonl").write_text("not json\n")
    assert cli.main(["portfolio", str(tmp_path / "bad.jsonl")]) == 1
    assert "okr roadmap first" in capsys.readouterr().err
