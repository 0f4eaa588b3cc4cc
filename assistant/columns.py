"""The columns of a roadmap review, defined once: the app's table, the Markdown report and the CSV file.

A column has a ``key`` (its CSV/JSON header, the row field it holds) and/or a ``title`` (what people read in
the app and the Markdown report). Adding a column here adds it everywhere it belongs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .schemas import ReviewRow


def cell(value: object) -> str:
    """A value as text in a file cell: lists joined with '; ', booleans as yes/no, None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def badge(row: ReviewRow) -> str:
    """OUTPUT in capitals so it stands out; outcome in lower case; ERROR for a row that failed."""
    if row.error:
        return "ERROR"
    return "OUTPUT" if row.kind == "output" else "outcome"


def _rewrite(row: ReviewRow) -> str:
    return row.rewrite or ("(already measurable)" if row.kind == "outcome" and not row.error else "")


def _hypothesis(row: ReviewRow) -> str:
    if not row.hypothesis:
        return ""
    return f"{row.hypothesis} (measured in: {row.measured_in})" if row.measured_in else row.hypothesis


def score_badge(row: ReviewRow) -> str:
    """'57/100' beside each row; a failed row has no score (nothing to count is not zero)."""
    return "" if row.score is None else f"{row.score}/100"


def _controls(row: ReviewRow) -> str:
    return "" if row.error else cell(row.team_controls)


@dataclass(frozen=True)
class Column:
    key: str | None  # CSV/JSON header and ReviewRow field; None = shown to people only
    title: str | None  # app table and Markdown header; None = in files only
    show: Callable[[int, ReviewRow], str] | None = None  # how people see it (default: the field as text)
    width: str = "150px"  # fixed, so a narrow screen scrolls the table sideways instead of squeezing letters

    def raw(self, row: ReviewRow) -> str:
        return cell(getattr(row, self.key)) if self.key else ""

    def shown(self, n: int, row: ReviewRow) -> str:
        return self.show(n, row) if self.show else self.raw(row)


COLUMNS: list[Column] = [
    Column(None, "#", lambda n, r: str(n), "44px"),
    Column("kind", "Kind", lambda n, r: badge(r), "96px"),
    Column("score", "Score", lambda n, r: score_badge(r), "72px"),
    Column("goal", "Goal", None, "180px"),
    Column("rewrite", "Suggested key result", lambda n, r: _rewrite(r), "240px"),
    Column("initiative", "Initiative", None, "140px"),
    Column("hypothesis", "Hypothesis", lambda n, r: _hypothesis(r), "220px"),
    Column("proxy", "Proxy", lambda n, r: r.proxy_rewrite or r.proxy or "", "160px"),
    Column("team_controls", "Team controls", lambda n, r: _controls(r), "84px"),
    Column("reframe", "Reframe", None, "130px"),
    Column("objective", "Objective", None, "130px"),
    Column("sheet", None),
    Column("team", None),
    Column("quarter", None),
    Column("error", "Error", None, "180px"),
    Column("metric", None),
    Column("metric_id", None),
    Column("measured_in", None),
    Column("baseline", None),
    Column("target", None),
    Column("deadline", None),
    Column("needs_proxy", None),
    Column("rationale", None),
    Column("alternatives", None),
    Column("sources", None),
    Column("notes", None),
]
FILE_COLUMNS = [c for c in COLUMNS if c.key]  # CSV (and the order of keys people see in exports)
SHOWN_COLUMNS = [c for c in COLUMNS if c.title]  # the app's table and the Markdown report
TABLE_TITLES = [c.title or "" for c in SHOWN_COLUMNS]
TABLE_WIDTHS = [c.width for c in SHOWN_COLUMNS]


def shown_rows(rows: list[ReviewRow]) -> list[list[str]]:
    """The rows as people see them (app table, Markdown), numbered from 1."""
    return [[c.shown(n, r) for c in SHOWN_COLUMNS] for n, r in enumerate(rows, 1)]
