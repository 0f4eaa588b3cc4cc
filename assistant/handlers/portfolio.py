"""The Portfolio tab: several sets (pasted with ``Set:`` lines, uploaded files, or one file with team and
quarter columns) -> per team and quarter the share of outputs, average score, gaps, a chart and the trend."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..errors import InputError, OutcomeLensError
from ..portfolio import PortfolioRow, label_from_name, label_from_text, portfolio, read_rows, trends
from ..runner import review_rows
from ..schemas import ReviewRow
from .roadmap import parse_input
from .service import AppService

SET_LINE = re.compile(r"^\s*(?:#+\s*)?set\s*[:\-–—]\s*(?P<label>.+?)\s*$", re.I)
PASTED = "pasted"
PORTFOLIO_COLUMNS = ["Team", "Quarter", "Key results", "Outputs", "Average score", "Not controllable", "No target"]
REVIEW_SUFFIXES = (".jsonl", ".json")
NO_SETS = (
    "**No sets found.** Paste sets each under a `Set: growth 2025-Q1` line, upload one file per set "
    "(named like `growth-2025Q1.csv`), or one CSV/XLSX with `team` and `quarter` columns."
)


def split_pasted(text: str | None) -> list[tuple[str, str, str]]:
    """(team, quarter, text) per pasted set; a ``Set: <team> <quarter>`` line starts one, text before any is one.

    Without ``Set:`` lines the whole paste is one set (its team/quarter columns, if any, still split it).
    """
    sets: list[tuple[str, str, list[str]]] = []
    team, quarter = PASTED, "?"
    current: list[str] = []
    for line in (text or "").splitlines():
        m = SET_LINE.match(line)
        if m:
            if any(x.strip() for x in current):
                sets.append((team, quarter, current))
            team, quarter = label_from_text(m.group("label"))
            current = []
        else:
            current.append(line)
    if any(x.strip() for x in current):
        sets.append((team, quarter, current))
    return [(t, q, "\n".join(lines)) for t, q, lines in sets]


def is_review_file(path: Path) -> bool:
    """A file ``okr roadmap --out`` wrote (rows already reviewed: no model needed), not a roadmap to review."""
    if path.suffix.lower() in REVIEW_SUFFIXES:
        return True
    if path.suffix.lower() != ".csv":
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        header = next(csv.reader(io.StringIO(f.readline())), [])
    return {"goal", "kind", "rationale"} <= {h.strip().lower() for h in header}


def run_portfolio(
    service: AppService,
    text: str | None,
    uploads: Sequence[str | Path] | None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[PortfolioRow], list[str]]:
    """Review every set and build the portfolio table; a set that cannot be read is named in the notes, the rest go on.

    More goals in all than the app's limit refuses the whole run (with the limit), before any model call.
    """
    s = service.settings
    notes: list[str] = []
    reviewed: list[tuple[list[ReviewRow], str, str]] = []
    to_review: list[tuple[str, str, str, list]] = []  # (where, team, quarter, items)
    for team, quarter, chunk in split_pasted(text):
        try:
            parsed = parse_input(chunk, None, s.max_items_ui, s.max_file_bytes)
        except InputError as exc:
            notes.append(f"Set '{team} {quarter}' not reviewed: {exc}")
            continue
        to_review.append((f"set '{team} {quarter}'", team, quarter, parsed.items))
    for upload in uploads or []:
        path = Path(upload)
        team, quarter = label_from_name(path)
        try:
            if is_review_file(path):
                reviewed.append((read_rows(path), team, quarter))
                continue
            parsed = parse_input(None, path, s.max_items_ui, s.max_file_bytes)
        except (InputError, OSError, UnicodeDecodeError) as exc:
            notes.append(f"{path.name} not read: {exc}")
            continue
        to_review.append((path.name, team, quarter, parsed.items))
    for where, _, _, items in to_review:
        if not items:
            notes.append(f"No key results in {where}.")
    total = sum(len(items) for *_, items in to_review)
    if total > s.max_items_ui:
        return [], [f"{total} goals in all: the app reviews up to {s.max_items_ui} at once; split the portfolio."]
    done = 0
    for _, team, quarter, items in to_review:
        if not items:
            continue
        step = (lambda n, t, base=done: progress(base + n, total)) if progress else None
        try:
            rows = review_rows(service.chain, items, s, progress=step)
        except OutcomeLensError as exc:
            notes.append(f"Set '{team} {quarter}' not reviewed: {exc}")
            continue
        done += len(items)
        if failed := sum(bool(r.error) for r in rows):
            notes.append(f"{failed} goal(s) of set '{team} {quarter}' could not be reviewed; left out of its figures.")
        reviewed.append((rows, team, quarter))
    return portfolio(reviewed, service.chain.knowledge.catalogue), notes


def portfolio_frame(table: Sequence[PortfolioRow]) -> pd.DataFrame:
    """The table people read: one line per team and quarter, sorted so a team's quarters follow each other."""
    data = [
        [
            r.team,
            r.quarter,
            r.key_results,
            f"{r.outputs} ({r.output_share}%)",
            f"{r.average_score}/100",
            r.not_controllable,
            r.unmeasurable,
        ]  # fmt: skip
        for r in sorted(table, key=lambda r: (r.team, r.quarter))
    ]
    return pd.DataFrame(data, columns=PORTFOLIO_COLUMNS)


def short_quarter(quarter: str) -> str:
    """'2025-Q1' -> "Q1 '25": chart labels that fit a phone's width."""
    m = re.fullmatch(r"(?:19|20)(\d{2})-(Q[1-4])", quarter)
    return f"{m.group(2)} '{m.group(1)}" if m else quarter


def portfolio_chart(table: Sequence[PortfolioRow]) -> pd.DataFrame:
    """One bar per team and quarter for each measure (outputs share, average score), coloured by team."""
    data = []
    for r in sorted(table, key=lambda r: (r.team, r.quarter)):
        label = f"{r.team} {short_quarter(r.quarter)}"
        data.append({"set": label, "team": r.team, "outputs %": r.output_share, "average score": r.average_score})
    return pd.DataFrame(data, columns=["set", "team", "outputs %", "average score"])


def trend_markdown(table: Sequence[PortfolioRow]) -> str:
    """The trend sentences, or what is needed to get one."""
    lines = trends(table)
    if lines:
        return "### Trend\n" + "\n".join(f"- {line}" for line in lines)
    if table:
        return "*No trend yet: add a second quarter of the same team.*"
    return ""
