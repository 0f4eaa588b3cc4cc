"""Write review rows as CSV, JSON, JSON Lines or Markdown; the same columns everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from .columns import FILE_COLUMNS, SHOWN_COLUMNS, cell, shown_rows
from .schemas import ReviewRow

COLUMNS = [c.key for c in FILE_COLUMNS]  # the CSV header (kept for callers that list the columns)


def to_csv(rows: Sequence[ReviewRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([c.raw(row) for c in FILE_COLUMNS])
    return buf.getvalue()


def to_json(rows: Sequence[ReviewRow]) -> str:
    return json.dumps([r.model_dump() for r in rows], indent=2, ensure_ascii=False)


def to_jsonl_line(row: ReviewRow) -> str:
    return json.dumps(row.model_dump(), ensure_ascii=False)


def _md(value: object) -> str:
    return cell(value).replace("|", "\\|").replace("\n", " ")


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


def to_markdown(rows: Sequence[ReviewRow], title: str = "Roadmap review") -> str:
    s = summary(rows)
    lines = [
        f"# {title}",
        "",
        f"{s['items']} items: {s['outputs']} outputs, {s['outcomes']} outcomes, "
        f"{s['not_controllable']} not controllable, {s['missing_target']} without a target, "
        f"{s['need_proxy']} needing a proxy, {s['errors']} errors.",
        "",
        "| " + " | ".join(c.title or "" for c in SHOWN_COLUMNS) + " |",
        "|" + "---|" * len(SHOWN_COLUMNS),
    ]
    for cells in shown_rows(list(rows)):
        lines.append("| " + " | ".join(_md(v) for v in cells) + " |")
    return "\n".join(lines) + "\n"


WRITERS = {"csv": to_csv, "json": to_json, "md": to_markdown, "markdown": to_markdown}
