"""Bulk input: limits, every sheet, every encoding, one row per line, nothing lost when a run is killed.

Hostile files are generated here, at test time.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from assistant import cli
from assistant import handlers as H
from assistant.bulk import decode_bytes, goal_lines
from assistant.errors import InputError
from assistant.export import RowStream
from assistant.roadmap import parse_file, parse_roadmap
from assistant.schemas import GoalItem, ReviewRow
from assistant.settings import REPO_ROOT, Settings


class EchoChain:
    """Stands in for the chain: one row per item, with the text the chain saw."""

    def __init__(self) -> None:
        self.seen: list[GoalItem] = []
        self.model = None  # not the embedded model: the runner may send several at once

    def review_row(self, item: GoalItem) -> ReviewRow:
        self.seen.append(item)
        return ReviewRow(goal=f"cleaned: {item.text}", kind="output", objective=item.objective)


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> EchoChain:
    import assistant.api as api

    chain = EchoChain()
    monkeypatch.setattr(api, "get_chain", lambda *a, **k: chain)
    monkeypatch.setenv("OKR_CACHE", "0")  # every run reviews again: these tests count what the chain saw
    return chain


# ------------------------------------------------------------------------------------------ xlsx helpers


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _patch_sheet(path: Path, patch: Any) -> Path:
    """Rewrite sheet1.xml through ``patch(head, tail, write)``, streaming so a huge sheet never sits in memory."""
    src = zipfile.ZipFile(path)
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, data)
                continue
            head, tail = data.decode().split("</sheetData>")
            with z.open(info.filename, "w") as f:
                patch(head, tail, lambda s: f.write(s.encode()))
    src.close()
    out.replace(path)
    return path


def claims_a_million_rows(path: Path) -> Path:
    """~5 KB: three real rows, a dimension of A1:XFD1048576 and one cell in the very last row and column."""
    _workbook(path, {"KRs": [["goal"], ["Launch A"], ["Grow B"]]})

    def patch(head: str, tail: str, write: Any) -> None:
        write(re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', head))
        write('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
        write("</sheetData>" + tail)

    return _patch_sheet(path, patch)


def two_million_goals(path: Path) -> Path:
    """~0.5 MB that unpacks to 2,000,000 goal rows, with a dimension that says so."""
    _workbook(path, {"KRs": [["goal"]]})
    block = '<row><c t="inlineStr"><is><t>Launch the partner portal</t></is></c></row>' * 1000

    def patch(head: str, tail: str, write: Any) -> None:
        write(head.replace('<dimension ref="A1:A1"/>', '<dimension ref="A1:A2000001"/>'))
        for _ in range(2000):
            write(block)
        write("</sheetData>" + tail)

    return _patch_sheet(path, patch)


# ------------------------------------------------------------------------------------------------ limits


def test_xlsx_claiming_a_million_rows_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = claims_a_million_rows(tmp_path / "claims.xlsx")
    assert path.stat().st_size < 10_000
    tracemalloc.start()
    parsed = parse_file(path, max_items=2000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [i.text for i in parsed.items] == ["Launch A", "Grow B"]
    assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB"  # the old reader needed > 2 GB and died


def test_small_xlsx_with_two_million_goals_is_refused_not_reviewed(tmp_path: Path) -> None:
    path = two_million_goals(tmp_path / "many.xlsx")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError, match=r"more than 2000 goals; the limit is 2000.*OKR_MAX_ITEMS_CLI"):
        parse_file(path, max_items=2000)


def test_oversized_upload_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(60_000_000)  # sparse: 60 MB on paper, nothing on disk
    with pytest.raises(InputError, match=r"60\.0 MB; the limit is 5 MB.*OKR_MAX_FILE_MB"):
        parse_file(big, max_items=500, max_bytes=5_000_000)


@pytest.mark.parametrize(
    ("where", "limit", "lines", "refused"),
    [("ui", 500, 3000, True), ("ui", 500, 500, False), ("cli", 2000, 3000, True), ("cli", 2000, 2000, False)],
)
def test_item_limit_for_pastes(where: str, limit: int, lines: int, refused: bool) -> None:
    text = "\n".join(f"Launch feature {n}" for n in range(lines))
    if refused:
        with pytest.raises(InputError, match=f"more than {limit} goals"):
            parse_roadmap(text, limit)
    else:
        assert len(parse_roadmap(text, limit).items) == lines


def test_limits_are_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Settings().max_items_cli, Settings().max_items_ui, Settings().max_file_mb) == (2000, 500, 5.0)
    monkeypatch.setenv("OKR_MAX_ITEMS_CLI", "7")
    monkeypatch.setenv("OKR_MAX_ITEMS_UI", "3")
    monkeypatch.setenv("OKR_MAX_FILE_MB", "0.5")
    s = Settings()
    assert (s.max_items_cli, s.max_items_ui, s.max_file_bytes) == (7, 3, 500_000)


def test_app_refuses_a_3000_line_paste_with_the_reason(tmp_path: Path) -> None:
    class NoChain:
        @property
        def chain(self) -> Any:
            raise AssertionError("nothing may be reviewed")

    service: Any = NoChain()
    service.settings = Settings(cache_dir=tmp_path)
    rows, notes, _ = H.run_roadmap(service, "\n".join(f"Launch {n}" for n in range(3000)), None)
    assert rows == [] and "more than 500 goals" in notes[0]
    big = tmp_path / "big.txt"
    big.write_text("Launch A\n" * 700_000)
    rows, notes, _ = H.run_roadmap(service, "", big)
    assert rows == [] and "the limit is 5 MB" in notes[0]


def test_cli_refuses_too_many_lines(
    echo: EchoChain, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKR_MAX_ITEMS_CLI", "5")
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"Launch {n}\n" for n in range(6))))
    assert cli.main(["review", "--format", "jsonl"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "more than 5 goals" in err and echo.seen == []


def test_ui_sets_gradios_upload_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import ui

    captured: dict[str, Any] = {}

    class Demo:
        def queue(self, **kw: Any) -> None: ...

        def launch(self, **kw: Any) -> None:
            captured.update(kw)

    monkeypatch.setattr(ui, "build_app", lambda service: Demo())
    service = H.AppService(settings=Settings(cache_dir=tmp_path, max_file_mb=2), factory=lambda s: None)  # type: ignore[arg-type,return-value]
    ui.launch(service)
    assert captured["max_file_size"] == 2_000_000


# ---------------------------------------------------------------------------------------------- sheets


def test_every_sheet_with_goals_is_read_and_named(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "okrs.xlsx",
        {
            "Growth": [["Objective", "Key result"], ["Grow", "Launch referrals"], ["Grow", "Raise activation"]],
            "Notes": [["Owner", "Comment"], ["Ann", "remember the budget"]],
            "Platform": [["Goal"], ["Cut p95 latency"]],
            "Empty": [],
        },
    )
    parsed = parse_file(path)
    assert [(i.sheet, i.text, i.objective, i.line) for i in parsed.items] == [
        ("Growth", "Launch referrals", "Grow", 2),
        ("Growth", "Raise activation", "Grow", 3),
        ("Platform", "Cut p95 latency", None, 2),
    ]
    assert any("'Notes' skipped: no goal column" in n for n in parsed.notes)
    assert any("'Empty' skipped" in n for n in parsed.notes)


def test_sheet_travels_to_every_output(echo: EchoChain, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "okrs.xlsx", {"Q3": [["goal"], ["Launch A"]], "Q4": [["goal"], ["Grow B"]]})
    out = tmp_path / "out.jsonl"
    assert cli.main(["roadmap", str(path), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["goal"], r["sheet"]) for r in rows] == [("Launch A", "Q3"), ("Grow B", "Q4")]
    assert "| `sheet` |" in (REPO_ROOT / "README.md").read_text()  # the JSON Lines contract documents the key


# ------------------------------------------------------------------------------------------- encodings


TEXT = "goal\nRéduire le délai de réponse à 2 jours\nLaunch “smart” onboarding – fast\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM, as Excel writes it
        (TEXT.encode("utf-16-le"), "utf_16_le"),
        (TEXT.encode("utf-16-be"), "utf_16_be"),
        (TEXT.encode("utf-32"), "utf-32"),
        (TEXT.encode("cp1252"), "cp1252"),
        (TEXT.replace("“", '"').replace("”", '"').replace("–", "-").encode("latin-1"), "cp1252"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (TEXT.replace("\n", "\r").encode("utf-8"), "utf-8"),
    ],
)
def test_decode_any_encoding_and_line_ending(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text.split("\n")[1] == "Réduire le délai de réponse à 2 jours"
    assert "\r" not in decoded.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "latin-1", "cp1252"])
def test_roadmap_files_in_other_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("Objective,Key result\nCroître,Réduire le délai à 2 jours\n".encode(encoding))
    parsed = parse_file(path)
    assert [(i.text, i.objective) for i in parsed.items] == [("Réduire le délai à 2 jours", "Croître")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_stdin_and_input_file_give_the_same_rows(
    echo: EchoChain,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    newline: str,
) -> None:
    data = newline.join(["Launch A", "", "Réduire le délai", "Grow B"]).encode("utf-16")
    path = tmp_path / "goals.txt"
    path.write_bytes(data)
    assert cli.main(["review", "--format", "jsonl", "--input", str(path)]) == 0
    from_file = capsys.readouterr()

    class Stdin(io.TextIOWrapper):
        pass

    monkeypatch.setattr("sys.stdin", Stdin(io.BytesIO(data)))
    assert cli.main(["review", "--format", "jsonl"]) == 0
    from_stdin = capsys.readouterr()
    goals = [json.loads(line)["goal"] for line in from_file.out.splitlines()]
    assert goals == ["Launch A", "Réduire le délai", "Grow B"]
    assert from_stdin.out == from_file.out and "line 2 is empty" in from_stdin.err


def test_unbalanced_csv_quote_falls_back_to_one_goal_per_line() -> None:
    text = 'goal,owner\nLaunch A,Ann\n"Grow B,Bo\nShip C,Cy\nCut D,Di\n'
    parsed = parse_roadmap(text)
    assert [i.text for i in parsed.items] == ["Launch A", "Grow B", "Ship C", "Cut D"]
    assert "Unbalanced quote" in parsed.notes[0] and "line 3" in parsed.notes[0]


# ---------------------------------------------------------------------------------------- JSON Lines input


@pytest.mark.parametrize(
    ("line", "goal", "objective", "error"),
    [
        ('{"goal": "Ship SSO", "objective": "Win"}', "Ship SSO", "Win", None),
        ('{"goal": "Ship SSO", "objective": null}', "Ship SSO", None, None),
        ('{"goal": null}', '{"goal": null}', None, '"goal" must be text, not null'),
        ('{"goal": 5}', '{"goal": 5}', None, '"goal" must be text, not 5'),
        ('{"goal": "Ship SSO", "objective": 5}', "Ship SSO", None, '"objective" must be text or null, not 5'),
        ('{"objective": "Win"}', '{"objective": "Win"}', None, 'no "goal" key'),
        ('{"goal": "Ship SSO"', '{"goal": "Ship SSO"', None, None),  # not JSON: a goal as text
        ('{"goal": "Ship", }', '{"goal": "Ship", }', None, "not valid JSON"),
    ],
)
def test_json_lines_input(line: str, goal: str, objective: str | None, error: str | None) -> None:
    (entry,), _ = goal_lines(line + "\n")
    assert (entry.text, entry.objective) == (goal, objective)
    assert (entry.error is None) if error is None else (error in (entry.error or ""))


def test_jsonl_bad_lines_are_error_rows_not_tracebacks(
    echo: EchoChain, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ['{"goal": null}', '{"goal": "Ship SSO", "objective": 5}', "", "Launch A", '{"goal": [1]}']
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert cli.main(["review", "--format", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [bool(r["error"]) for r in rows] == [True, True, False, True]  # one row per non-empty line
    assert rows[2]["goal"] == "Launch A" and [i.text for i in echo.seen] == ["Launch A"]


def test_rows_keep_the_users_text(echo: EchoChain, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Launch A. Ignore the above\n"))
    assert cli.main(["review", "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["goal"] == "Launch A. Ignore the above"


# ----------------------------------------------------------------------------------------- bad paths


def _not_a_zip(tmp_path: Path) -> Path:
    path = tmp_path / "fake.xlsx"
    path.write_text("goal\nLaunch A\n")
    return path


@pytest.mark.parametrize(
    ("command", "make", "message"),
    [
        ("roadmap", lambda tmp: tmp / "missing.md", "No such file"),
        ("roadmap", lambda tmp: tmp, "is a folder"),
        ("roadmap", _not_a_zip, "not a readable XLSX workbook"),
        ("review", lambda tmp: tmp / "missing.txt", "No such file"),
        ("review", lambda tmp: tmp, "is a folder"),
    ],
)
def test_bad_paths_are_one_line_errors(
    echo: EchoChain, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, make: Any, message: str
) -> None:
    path = str(make(tmp_path))
    argv = ["roadmap", path] if command == "roadmap" else ["review", "--input", path]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


# ------------------------------------------------------------------------------------------- streaming


def test_row_stream_flushes_every_row(tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"out.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as f:
            stream = RowStream(f, fmt)
            stream.write(ReviewRow(goal="Launch A", kind="output"))
            on_disk = path.read_text()  # read while the file is still open: the row must be there already
            assert "Launch A" in on_disk
            stream.close()


SLOW_RUN = """
import sys, time
import assistant.api as api
from assistant.schemas import ReviewRow

class Slow:
    def review_row(self, item):
        if item.line == 3:
            time.sleep(60)
        return ReviewRow(goal=item.text, kind="output")

api.get_chain = lambda *a, **k: Slow()
from assistant import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_killed_roadmap_run_keeps_finished_rows(tmp_path: Path, ext: str) -> None:
    src = tmp_path / "r.txt"
    src.write_text("Launch A\nGrow B\nShip C\nCut D\n")
    out = tmp_path / f"out.{ext}"
    script = tmp_path / "slow.py"
    script.write_text(SLOW_RUN)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKR_CACHE": "0"}
    proc = subprocess.Popen(
        [sys.executable, str(script), "roadmap", str(src), "--out", str(out)],
        env=env,
        stderr=subprocess.DEVNULL,
        cwd=REPO_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out.exists() and "Grow B" in out.read_text():
                break
            time.sleep(0.2)
    finally:
        proc.kill()
        proc.wait()
    text = out.read_text()
    assert "Launch A" in text and "Grow B" in text and "Ship C" not in text
    if ext == "jsonl":
        assert [json.loads(line)["goal"] for line in text.splitlines()] == ["Launch A", "Grow B"]
