"""Write review rows as CSV, JSON, JSON Lines or Markdown; the same columns everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from .schemas import ReviewRow

COLUMNS = [
    "goal",
    "objective",
    "kind",
    "rewrite",
    "initiative",
    "hypothesis",
    "metric",
    "metric_id",
    "measured_in",
    "baseline",
    "target",
    "deadline",
    "needs_proxy",
    "proxy",
    "team_controls",
    "reframe",
    "rationale",
    "alternatives",
    "sources",
    "notes",
    "error",
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def to_csv(rows: Sequence[ReviewRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.model_dump()
        writer.writerow([_cell(data.get(c)) for c in COLUMNS])
    return buf.getvalue()


def to_json(rows: Sequence[ReviewRow]) -> str:
    return json.dumps([r.model_dump() for r in rows], indent=2, ensure_ascii=False)


def to_jsonl_line(row: ReviewRow) -> str:
    return json.dumps(row.model_dump(), ensure_ascii=False)


def _md(value: object) -> str:
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def _hypothesis(row: ReviewRow) -> str | None:
    if not row.hypothesis:
        return None
    return f"{row.hypothesis} (measured in: {row.measured_in})" if row.measured_in else row.hypothesis


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
        "| # | Goal | Kind | Suggested key result | Initiative | Hypothesis | Proxy | Team controls | Error |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(rows, 1):
        kind = {"output": "OUTPUT", "outcome": "outcome"}.get(r.kind or "", "")
        lines.append(
            f"| {n} | {_md(r.goal)} | {kind} | {_md(r.rewrite)} | {_md(r.initiative)} | {_md(_hypothesis(r))} | "
            f"{_md(r.proxy_rewrite or r.proxy)} | "
            f"{_md(r.team_controls)} | {_md(r.error)} |"
        )
    return "\n".join(lines) + "\n"


WRITERS = {"csv": to_csv, "json": to_json, "md": to_markdown, "markdown": to_markdown}
