"""The Roadmap tab: review every pasted or uploaded item; table, summary, chart and downloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..bulk import too_big
from ..columns import TABLE_TITLES, shown_rows
from ..errors import InputError
from ..export import objective_badges, summary, to_csv, to_json, to_markdown
from ..roadmap import ParsedRoadmap, parse_file, parse_roadmap
from ..runner import review_rows
from ..schemas import GoalItem, ReviewRow
from ..storage import download_folder
from .service import AppService

TABLE_COLUMNS = TABLE_TITLES
KIND_COLOURS = {"OUTPUT": "#fde2c8", "outcome": "#d4f2dc", "ERROR": "#f9d0d0"}
CHART_LABELS = ["outputs", "outcomes", "no control", "no target", "need proxy", "errors"]


def rows_table(rows: list[ReviewRow]) -> pd.DataFrame:
    return pd.DataFrame(shown_rows(rows), columns=TABLE_COLUMNS)


def styled_table(rows: list[ReviewRow]) -> Any:
    """The table with the kind cell coloured, so outputs stand out at a glance."""
    frame = rows_table(rows)
    return frame.style.map(
        lambda v: f"background-color: {KIND_COLOURS[v]}; font-weight: 600" if v in KIND_COLOURS else "", subset=["Kind"]
    )


def summary_markdown(rows: list[ReviewRow]) -> str:
    """The counts, then a score badge per objective (each row has its own in the table)."""
    s = summary(rows)
    counts = (
        f"**{s['items']} items** · **{s['outputs']}** outputs · **{s['outcomes']}** outcomes · "
        f"**{s['not_controllable']}** not controllable · **{s['missing_target']}** missing a target · "
        f"**{s['need_proxy']}** need a proxy · **{s['errors']}** errors"
    )
    badges = objective_badges(rows)
    return f"{counts}\n\n{badges}" if badges else counts


def summary_chart(rows: list[ReviewRow]) -> pd.DataFrame:
    """Counts per category, with short labels that stay legible on a phone."""
    s = summary(rows)
    counts = [s["outputs"], s["outcomes"], s["not_controllable"], s["missing_target"], s["need_proxy"], s["errors"]]
    return pd.DataFrame({"category": CHART_LABELS, "count": counts})


def parse_input(
    text: str | None, upload: str | Path | None, max_items: int | None = None, max_bytes: int = 5_000_000
) -> ParsedRoadmap:
    """Pasted text wins; otherwise the uploaded CSV/XLSX/Markdown/text file. Over a limit raises ``InputError``."""
    if text and text.strip():
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise InputError(too_big("The pasted text", size, max_bytes))
        return parse_roadmap(text, max_items)
    if upload:
        return parse_file(Path(upload), max_items, max_bytes)
    return ParsedRoadmap(items=[], format="empty")


def run_roadmap(
    service: AppService, text: str | None, upload: str | Path | None, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ReviewRow], list[str], Path]:
    """Review every item; returns rows, notes, and a folder holding CSV/JSON/Markdown downloads.

    Input over a limit (items, size) or a broken file gives no rows and the reason as the only note.
    """
    s = service.settings
    try:
        parsed = parse_input(text, upload, s.max_items_ui, s.max_file_bytes)
    except InputError as exc:
        return [], [str(exc)], download_folder("okr-roadmap-")
    notes = [f"Line {line} skipped: {reason}" for line, reason in parsed.skipped] + parsed.notes
    rows = review_rows(service.chain, parsed.items, s, progress=progress) if parsed.items else []
    out = download_folder("okr-roadmap-")
    (out / "roadmap_review.csv").write_text(to_csv(rows), encoding="utf-8")
    (out / "roadmap_review.json").write_text(to_json(rows), encoding="utf-8")
    (out / "roadmap_review.md").write_text(to_markdown(rows), encoding="utf-8")
    return rows, notes, out


def review_json(service: AppService, goal: str, objective: str | None = None) -> dict[str, Any]:
    """One goal -> the JSON Lines contract row (for API and MCP clients)."""
    item = GoalItem(text=goal or "", objective=objective or None)
    return review_rows(service.chain, [item], service.settings)[0].model_dump()
