"""The score shown everywhere (rows, tables, exports, chat, REST) and the portfolio from team/quarter columns.

Table-driven, no model: rows come from the eval's composition code (``evals.sets.row_for``) or a fake chain.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from assistant.chain import ReviewChain
from assistant.export import objective_badges, to_csv, to_json, to_jsonl, to_markdown
from assistant.knowledge import Knowledge
from assistant.portfolio import label_from_text, portfolio, split, trends
from assistant.roadmap import normalise_quarter, parse_file, parse_roadmap
from assistant.schemas import ReviewRow
from assistant.scoring import facts_from_row, objective_scores, score
from assistant.setreview import review_set_rows
from evals.sets import KRSpec, row_for

GROW, KEEP = "Make new users successful fast", "Keep the platform reliable"
OUTPUT = {"goal": "Launch the onboarding flow", "kind": "output", "metric_id": "activation-rate"}
OUTCOME = {
    "goal": "Raise activation from 45% to 60% by Q3",
    "kind": "outcome",
    "metric_id": "activation-rate",
    "baseline": "45%",
    "target": "60%",
    "deadline": "Q3",
}


@pytest.fixture(scope="module")
def catalogue(knowledge: Knowledge) -> dict:
    return knowledge.catalogue


def row(catalogue: dict, spec: dict, objective: str = GROW, **extra: str) -> ReviewRow:
    return row_for(KRSpec(**spec), objective, catalogue).model_copy(update=extra)


# ------------------------------------------------------------------------------------------- quarters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025Q1", "2025-Q1"),
        ("2025-q2", "2025-Q2"),
        ("Q3 2025", "2025-Q3"),
        ("q4_2026", "2026-Q4"),
        ("2025 / Q1", "2025-Q1"),
        ("H1 2025", "H1 2025"),  # not a quarter: kept as written, never guessed
        ("  spring ", "spring"),
    ],
)
def test_quarters_are_normalised_only_when_they_read_as_one(text: str, expected: str) -> None:
    assert normalise_quarter(text) == expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("growth 2025 Q1", ("growth", "2025-Q1")),
        ("Q2 2025: support", ("support", "2025-Q2")),
        ("platform", ("platform", "?")),
        ("2025Q1", ("team", "2025-Q1")),
    ],
)
def test_labels_from_text(text: str, label: tuple[str, str]) -> None:
    assert label_from_text(text) == label


# ------------------------------------------------------------------------------------------- team and quarter columns

CSV_WITH_TEAMS = """team,quarter,objective,key result
growth,Q1 2025,Grow,Launch referrals
growth,2025Q2,Grow,Raise activation to 60% by Q3
platform,,Keep it up,Migrate to Kubernetes
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CSV_WITH_TEAMS, [("growth", "2025-Q1"), ("growth", "2025-Q2"), ("platform", None)]),
        ("squad;period;goal\nA;2025-q3;Ship X\n", [("A", "2025-Q3")]),
        ("goal,objective\nShip X,Grow\n", [(None, None)]),
        ("| tribe | cycle | kr |\n|---|---|---|\n| B | H2 | Ship Y |\n", [("B", "H2")]),
    ],
)
def test_team_and_quarter_columns_travel_with_each_goal(text: str, expected: list[tuple]) -> None:
    items = parse_roadmap(text).items
    assert [(i.team, i.quarter) for i in items] == expected


def test_team_and_quarter_columns_in_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in csv.reader(io.StringIO(CSV_WITH_TEAMS)):
        ws.append(r)
    path = tmp_path / "okrs.xlsx"
    wb.save(path)
    items = parse_file(path).items
    assert [(i.team, i.quarter, i.text) for i in items][:2] == [
        ("growth", "2025-Q1", "Launch referrals"),
        ("growth", "2025-Q2", "Raise activation to 60% by Q3"),
    ]


def test_the_runner_keeps_team_and_quarter(chain: ReviewChain, settings: object) -> None:
    from assistant.runner import review_rows

    rows = review_rows(chain, parse_roadmap(CSV_WITH_TEAMS).items, settings, cache=False)  # type: ignore[arg-type]
    assert [(r.team, r.quarter) for r in rows] == [("growth", "2025-Q1"), ("growth", "2025-Q2"), ("platform", None)]
    back = [ReviewRow.model_validate(json.loads(line)) for line in to_jsonl(rows).splitlines()]
    assert [(r.team, r.quarter) for r in back] == [(r.team, r.quarter) for r in rows]


# ------------------------------------------------------------------------------------------- the row score


@pytest.mark.parametrize(
    ("spec", "expected_min", "expected_max"),
    [
        (OUTPUT, 0, 40),
        (OUTCOME, 60, 100),
        (dict(OUTCOME, goal="Raise activation", baseline=None, target=None, deadline=None), 20, 70),
    ],
)
def test_row_score_is_the_checklist_of_the_row(
    catalogue: dict, spec: dict, expected_min: int, expected_max: int
) -> None:
    r = row(catalogue, spec)
    assert r.score == score(facts_from_row(r, catalogue)).score == score(facts_from_row(r)).score
    assert expected_min <= (r.score or 0) <= expected_max


def test_a_failed_row_has_no_score_and_counts_zero_in_averages() -> None:
    failed = ReviewRow.failed("Launch X", "model timed out", objective=GROW)
    assert failed.score is None and objective_scores([failed]) == [(GROW, 0)]


def test_score_column_in_every_export(catalogue: dict) -> None:
    rows = [row(catalogue, OUTPUT), row(catalogue, OUTCOME), ReviewRow.failed("=cmd|' /C calc'!A0", "bad", GROW)]
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [t["score"] for t in table] == [str(rows[0].score), str(rows[1].score), ""]
    assert table[2]["goal"].startswith("'=")  # still inert in a spreadsheet
    assert [d["score"] for d in json.loads(to_json(rows))] == [rows[0].score, rows[1].score, None]
    md = to_markdown(rows)
    assert f"| {rows[0].score}/100 |" in md and f"| {rows[1].score}/100 |" in md
    assert f"Score as written: {GROW} {round((rows[0].score + rows[1].score) / 3)}/100" in md


def test_objective_badges_match_the_set_reviews_score_as_written(catalogue: dict) -> None:
    rows = [row(catalogue, OUTPUT), row(catalogue, OUTCOME), row(catalogue, OUTCOME, KEEP)]
    review = review_set_rows(rows, catalogue)
    assert objective_scores(rows) == [(o.title, o.score_before) for o in review.objectives]
    assert objective_badges(rows).startswith(f"Score as written: {GROW} ") and objective_badges([]) == ""


def test_roadmap_tab_shows_a_badge_per_row_and_per_objective(catalogue: dict) -> None:
    from assistant import handlers as H

    rows = [row(catalogue, OUTPUT), row(catalogue, OUTCOME, KEEP)]
    table = H.rows_table(rows)
    assert list(table["Score"]) == [f"{r.score}/100" for r in rows]
    summary = H.summary_markdown(rows)
    assert f"{GROW} {rows[0].score}/100" in summary and f"{KEEP} {rows[1].score}/100" in summary


def test_cli_text_shows_the_score(catalogue: dict) -> None:
    from assistant.render import row_text

    r = row(catalogue, OUTCOME)
    assert f"Score:       {r.score}/100" in row_text(r)


# ------------------------------------------------------------------------------------------- portfolio


def test_one_file_with_team_and_quarter_columns_splits_into_sets(catalogue: dict) -> None:
    q1 = [row(catalogue, OUTPUT, team="growth", quarter="Q1 2025") for _ in range(3)]
    q1 += [row(catalogue, OUTCOME, team="growth", quarter="2025Q1") for _ in range(2)]
    q2 = [row(catalogue, OUTPUT, team="growth", quarter="2025-Q2")]
    q2 += [row(catalogue, OUTCOME, team="growth", quarter="2025-Q2") for _ in range(3)]
    other = [row(catalogue, OUTCOME)]  # no columns: the file's own label
    groups = split(q1 + q2 + other, "all", "2025-Q9")
    assert [(t, q, len(rs)) for t, q, rs in groups] == [
        ("growth", "2025-Q1", 5),
        ("growth", "2025-Q2", 4),
        ("all", "2025-Q9", 1),
    ]
    table = portfolio([(q1 + q2 + other, "all", "2025-Q9")], catalogue)
    assert [(r.team, r.quarter, r.output_share) for r in table][:2] == [
        ("growth", "2025-Q1", 60),
        ("growth", "2025-Q2", 25),
    ]
    assert trends(table)[0].startswith("growth: outputs fell from 60% to 25%")


def test_the_same_team_and_quarter_from_two_files_add_up(catalogue: dict) -> None:
    a, b = [row(catalogue, OUTPUT)], [row(catalogue, OUTCOME)]
    table = portfolio([(a, "growth", "2025-Q1"), (b, "growth", "2025-Q1")], catalogue)
    assert [(r.key_results, r.outputs, r.output_share) for r in table] == [(2, 1, 50)]


# ------------------------------------------------------------------------------------------- portfolio tab


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Set: growth 2025-Q1\n- Ship A\nSet: growth Q2 2025\n- Ship B",
            [("growth", "2025-Q1"), ("growth", "2025-Q2")],
        ),
        ("- Ship A\n- Ship B", [("pasted", "?")]),
        ("## Set - platform 2026q1\nShip A", [("platform", "2026-Q1")]),
        ("Set: empty 2025-Q1\n\nSet: kept 2025-Q2\nShip C", [("kept", "2025-Q2")]),
        ("", []),
    ],
)
def test_pasted_sets_are_split_on_set_lines(text: str, expected: list[tuple[str, str]]) -> None:
    from assistant.handlers.portfolio import split_pasted

    assert [(t, q) for t, q, _ in split_pasted(text)] == expected


@pytest.fixture
def service(chain: ReviewChain, settings: object) -> object:
    from assistant import handlers as H

    return H.AppService(settings=settings, factory=lambda s: chain, model_label="fake")  # type: ignore[arg-type]


def test_portfolio_from_pasted_sets(service: object) -> None:
    from assistant import handlers as H

    text = (
        "Set: growth 2025-Q1\nObjective: Grow\n- KR1: Launch referrals\n- KR2: Publish 10 help videos\n"
        "Set: growth 2025-Q2\nObjective: Grow\n- KR1: Raise activation from 45% to 60% by Q3\n- KR2: Launch referrals\n"
    )
    seen: list[tuple[int, int]] = []
    table, notes = H.run_portfolio(service, text, None, lambda n, t: seen.append((n, t)))  # type: ignore[arg-type]
    assert [(r.team, r.quarter, r.key_results) for r in table] == [("growth", "2025-Q1", 2), ("growth", "2025-Q2", 2)]
    assert notes == [] and seen[-1] == (4, 4)
    frame = H.portfolio_frame(table)
    assert list(frame.columns) == H.PORTFOLIO_COLUMNS and list(frame["Quarter"]) == ["2025-Q1", "2025-Q2"]
    chart = H.portfolio_chart(table)
    assert list(chart["set"]) == ["growth Q1 '25", "growth Q2 '25"]
    assert list(chart["outputs %"]) == [r.output_share for r in table]
    assert H.portfolio_trend(table).startswith("### Trend\n- growth: outputs ")


def test_portfolio_from_uploads_one_with_columns_one_reviewed_one_broken(
    service: object, catalogue: dict, tmp_path: Path
) -> None:
    from assistant import handlers as H

    teams = tmp_path / "okrs.csv"
    teams.write_text(CSV_WITH_TEAMS)
    reviewed = tmp_path / "support-2025Q1.jsonl"  # okr roadmap --out: no model needed
    reviewed.write_text(to_jsonl([row(catalogue, OUTCOME), row(catalogue, OUTPUT)]))
    broken = tmp_path / "broken-2025Q1.jsonl"
    broken.write_text("{not json\n")
    table, notes = H.run_portfolio(service, "", [str(teams), str(reviewed), str(broken)])  # type: ignore[arg-type]
    labels = [(r.team, r.quarter, r.key_results) for r in table]
    assert labels == [
        ("support", "2025-Q1", 2),
        ("growth", "2025-Q1", 1),
        ("growth", "2025-Q2", 1),
        ("platform", "?", 1),
    ]
    assert len(notes) == 1 and "broken-2025Q1.jsonl not read" in notes[0] and "okr roadmap first" in notes[0]


@pytest.mark.parametrize("text", ["", "Set: growth 2025-Q1\n\n", "  \n"])
def test_portfolio_without_sets_says_what_to_paste(service: object, text: str) -> None:
    from assistant import handlers as H

    assert H.run_portfolio(service, text, None) == ([], [])  # type: ignore[arg-type]
    assert "Set: growth 2025-Q1" in H.NO_PORTFOLIO and H.portfolio_trend([]) == ""


def test_portfolio_over_the_limit_is_refused_before_any_review(
    service: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import handlers as H

    service.settings.max_items_ui = 3  # type: ignore[attr-defined]
    monkeypatch.setattr("assistant.handlers.portfolio.review_rows", lambda *a, **k: pytest.fail("no review"))
    text = "Set: a 2025-Q1\n- A\n- B\nSet: a 2025-Q2\n- C\n- D"
    table, notes = H.run_portfolio(service, text, None)  # type: ignore[arg-type]
    assert table == [] and "4 goals in all" in notes[0] and "up to 3" in notes[0]


def test_the_app_has_a_portfolio_tab(service: object) -> None:
    import ui

    demo = ui.build_app(service)  # type: ignore[arg-type]
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"portfolio-input", "portfolio-run", "portfolio-outputs", "portfolio-score", "portfolio-table"} <= ids


def test_review_portfolio_api_on_rows_needs_no_model(monkeypatch: pytest.MonkeyPatch, catalogue: dict) -> None:
    import assistant
    import assistant.api as api

    monkeypatch.setattr(api, "get_chain", lambda *a, **k: pytest.fail("no chain for reviewed rows"))
    q1 = [row(catalogue, OUTPUT), row(catalogue, OUTPUT), row(catalogue, OUTCOME)]
    q2 = [row(catalogue, OUTPUT), row(catalogue, OUTCOME), row(catalogue, OUTCOME), row(catalogue, OUTCOME)]
    table = assistant.review_portfolio({"growth 2025-Q1": q1, "growth Q2 2025": q2})
    assert [(r.quarter, r.output_share) for r in table] == [("2025-Q1", 67), ("2025-Q2", 25)]
    assert trends(table)[0].startswith("growth: outputs fell from 67% to 25%")


# ------------------------------------------------------------------------------------------- the score in the chat


def _last(gen):  # type: ignore[no-untyped-def]
    return list(gen)[-1]


@pytest.mark.parametrize(
    ("message", "once", "never"),
    [
        (
            "Launch the new onboarding flow",
            ["Score as written: ", "| ✅ |", "| ❌ |", "To raise it most"],
            ["Set score"],
        ),
        (
            "Objective: Grow\n- KR1: Launch referrals\n- KR2: Publish 10 help videos\n- KR3: Improve retention",
            ["## Set score: ", "### Findings", "is an initiative, not a key result", "OKR set tab"],
            ["Score as written: "],
        ),
    ],
)
def test_chat_shows_the_score_once(service: object, message: str, once: list[str], never: list[str]) -> None:
    from assistant import handlers as H

    history, _ = _last(H.chat_respond(service, message, [], None))  # type: ignore[arg-type]
    text = "\n".join(m["content"] for m in history if m["role"] == "assistant")
    for piece in once:
        assert piece in history[-1]["content"], piece
    assert text.count(once[0]) == 1
    assert not any(piece in text for piece in never)


def test_kr_score_markdown_lists_every_check_and_the_biggest_fixes(catalogue: dict) -> None:
    from assistant.render import kr_score_markdown
    from assistant.scoring import row_checklist

    checklist = row_checklist(row(catalogue, OUTPUT))
    md = kr_score_markdown(checklist)
    assert md.startswith(f"**Score as written: {checklist.score}/100**")
    assert md.count("\n| ") == len(checklist.checks) + 1  # header + one line per check
    worst = max((c for c in checklist.checks if not c.passed), key=lambda c: c.weight)
    assert f"{worst.fix} (+{worst.weight})" in md
    full = row_checklist(row(catalogue, dict(OUTCOME, goal="Raise activation from 45% to 60% by Q3")))
    assert ("To raise it most" in kr_score_markdown(full)) == any(not c.passed and c.weight for c in full.checks)


# ------------------------------------------------------------------------------------------- the eval's arithmetic


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (lambda r: None, None),
        (lambda r: setattr(r, "score", r.score + 1), "set score = mean of objectives"),
        (lambda r: setattr(r.objectives[0], "score", 101), "O1 score = mean of kept"),
        (lambda r: setattr(r.objectives[0], "score_before", 99), "O1 as written = mean of its rows"),
        (lambda r: setattr(r.objectives[0].krs[0].score, "score", 1), "O1.KR1 score = passed weights"),
        (lambda r: setattr(r.top_changes[0], "gain", 99.0), "gain"),
    ],
)
def test_the_set_eval_recomputes_every_figure(catalogue: dict, tamper, named: str | None) -> None:  # type: ignore[no-untyped-def]
    from evals.sets import arithmetic_checks

    rows = [row(catalogue, OUTPUT), row(catalogue, OUTCOME, KEEP)]
    review = review_set_rows(rows, catalogue)
    tamper(review)
    wrong = [name for name, ok in arithmetic_checks(review, rows) if not ok]
    assert wrong == [] if named is None else any(named in w for w in wrong), wrong


def test_okr_eval_sets_reports_arithmetic_and_raises(capsys: pytest.CaptureFixture[str]) -> None:
    from evals import sets

    assert sets.main(["--embeddings", "fake"]) in (0, 1)  # word overlap misses the meaning fixtures
    out = capsys.readouterr().out
    assert "**Score arithmetic:** " in out and "figures recompute exactly" in out
    assert re.search(r"\*\*Rewrites raise the score:\*\* .* at least the original in (\d+)/\1 fixtures", out)
    done, total = map(int, re.search(r"\*\*Score arithmetic:\*\* (\d+)/(\d+)", out).groups())  # type: ignore[union-attr]
    assert done == total > 0
