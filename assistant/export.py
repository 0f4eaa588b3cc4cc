"""Write review rows as CSV, JSON, JSON Lines or Markdown; the same columns everywhere.

Exports are opened by people in spreadsheets and Markdown viewers, so every cell is made inert there:
CSV cells that a spreadsheet would run as a formula get a leading quote (OWASP CSV injection rule), and
Markdown cells have pipes, line breaks and HTML escaped.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from typing import TextIO

from .columns import FILE_COLUMNS, SHOWN_COLUMNS, cell, shown_rows
from .schemas import ReviewRow
from .scoring import objective_scores

COLUMNS = [c.key for c in FILE_COLUMNS]  # the CSV header (kept for callers that list the columns)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A cell a spreadsheet would evaluate ("=HYPERLINK(...)", "+1", "@SUM", "-2+3") gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_cells(row: ReviewRow) -> list[str]:
    return [csv_safe(c.raw(row)) for c in FILE_COLUMNS]


def to_csv(rows: Sequence[ReviewRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(csv_cells(row))
    return buf.getvalue()


def to_json(rows: Sequence[ReviewRow]) -> str:
    return json.dumps([r.model_dump() for r in rows], indent=2, ensure_ascii=False)


def to_jsonl_line(row: ReviewRow) -> str:
    return json.dumps(row.model_dump(), ensure_ascii=False)


def _md(value: object) -> str:
    """One table cell: HTML escaped (no raw <script>), pipes escaped, any line break (CR, LF, U+2028...) a space."""
    text = html.escape(cell(value), quote=False).replace("|", "\\|")
    return re.sub(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+", " ", text)


def summary(rows: Sequence[ReviewRow]) -> dict[str, int]:
    """Counts shown at the top of a roadmap report."""
    ok = [r for r in rows if not r.error]
    return {
        "items": len(rows),
        "outputs": sum(r.kind == "output" for r in ok),
        "outcomes": sum(r.kind == "outcome" for r in ok),
        "not_controllable": sum(r.team_controls is False for r in ok),
        "missing_target": sum(not r.target for r in ok),
        "need_proxy": sum(r.needs_proxy for r in ok),
        "errors": sum(bool(r.error) for r in rows),
    }


def objective_badges(rows: Sequence[ReviewRow]) -> str:
    """'Score as written: Grow 54/100 · Retain 80/100' (a failed row counts 0); empty without rows."""
    scores = objective_scores(rows)
    return "Score as written: " + " · ".join(f"{t} {s}/100" for t, s in scores) if scores else ""


def to_markdown(rows: Sequence[ReviewRow], title: str = "Roadmap review") -> str:
    s = summary(rows)
    sheets = any(r.sheet for r in rows)
    lines = [
        f"# {_md(title)}",
        "",
        f"{s['items']} items: {s['outputs']} outputs, {s['outcomes']} outcomes, "
        f"{s['not_controllable']} not controllable, {s['missing_target']} without a target, "
        f"{s['need_proxy']} needing a proxy, {s['errors']} errors.",
        "",
        *([_md(objective_badges(rows)), ""] if rows else []),
        "| " + ("Sheet | " if sheets else "") + " | ".join(c.title or "" for c in SHOWN_COLUMNS) + " |",
        "|" + ("---|" if sheets else "") + "---|" * len(SHOWN_COLUMNS),
    ]
    for r, cells in zip(rows, shown_rows(list(rows)), strict=True):
        sheet = f"{_md(r.sheet)} | " if sheets else ""
        lines.append("| " + sheet + " | ".join(_md(v) for v in cells) + " |")
    return "\n".join(lines) + "\n"


def to_jsonl(rows: Sequence[ReviewRow]) -> str:
    return "".join(to_jsonl_line(r) + "\n" for r in rows)


class RowStream:
    """Writes rows to an open file as they complete, flushed one by one, so a killed run keeps what it did.

    CSV and JSON Lines stream; JSON and Markdown need every row and are written by ``close``.
    """

    STREAMING = ("csv", "jsonl")

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self.rows: list[ReviewRow] = []
        self._csv = csv.writer(out) if fmt == "csv" else None
        if self._csv:
            self._csv.writerow(COLUMNS)
            out.flush()

    def write(self, row: ReviewRow) -> None:
        self.rows.append(row)
        if self._csv:
            self._csv.writerow(csv_cells(row))
        elif self.fmt == "jsonl":
            self.out.write(to_jsonl_line(row) + "\n")
        else:
            return
        self.out.flush()

    def close(self) -> None:
        if self.fmt not in self.STREAMING:
            self.out.write(WRITERS[self.fmt](self.rows))
        self.out.flush()


WRITERS = {"csv": to_csv, "json": to_json, "jsonl": to_jsonl, "md": to_markdown, "markdown": to_markdown}
