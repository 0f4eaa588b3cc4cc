"""Parse a pasted roadmap or OKR set into goals: plain lines, Markdown bullets/numbering, objectives
with key results, CSV/TSV, Markdown tables and XLSX. Deterministic and tested exhaustively.

Objectives are not reviewed as goals; they travel with their key results as context.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .bulk import decode_bytes, read_bytes, too_many
from .errors import InputError
from .schemas import GoalItem
from .textutils import LIST_MARKER

GOAL_COLUMNS = [
    "goal",
    "key result",
    "key_result",
    "kr",
    "keyresult",
    "item",
    "title",
    "initiative",
    "roadmap item",
    "description",
    "name",
    "okr",
    "text",
]
OBJECTIVE_COLUMNS = ["objective", "objectives", "okr objective", "theme", "epic"]
TEAM_COLUMNS = ["team", "squad", "tribe", "department", "group"]
QUARTER_COLUMNS = ["quarter", "period", "cycle", "okr period"]
_QUARTER = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*[-_/ ]?\s*(?P<q>q[1-4])\b|\b(?P<q2>q[1-4])\s*[-_/ ]?\s*(?P<year2>(?:19|20)\d{2})", re.I
)


def find_quarter(text: str) -> re.Match[str] | None:
    """Where a quarter is written in a text: '2025Q1', '2025-Q1', 'Q1 2025', 'q1_2025'."""
    return _QUARTER.search(text)


def normalise_quarter(text: str) -> str:
    """'Q1 2025', '2025q1', '2025-Q1' -> '2025-Q1', so they sort and compare; anything else stays as written."""
    m = find_quarter(text)
    if not m:
        return text.strip()
    year, q = (m.group("year"), m.group("q")) if m.group("year") else (m.group("year2"), m.group("q2"))
    return f"{year}-{q.upper()}"


_OBJECTIVE = re.compile(
    r"^(?:#+\s*)?(?:[-*+•]\s*)?(?:\*\*)?(?:objective|obj|o)\s*\d*(?:\.\d+)?\s*(?:\*\*)?\s*[:.)\-–—]\s*(?:\*\*)?\s*(?P<text>.+)$",
    re.I,
)
_KR_LABEL = re.compile(r"^(?:key\s*results?|kr)\s*[\d.]*\s*[:.)\-–—]\s*", re.I)
_BULLET = LIST_MARKER
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+)$")
_RULE = re.compile(r"^[-=*_]{3,}$")
MAX_COLUMNS = 50  # a row is cut here: a cell in column XFD must not allocate 16,384 cells per row
MAX_SKIPPED = 100  # skipped rows listed one by one; the rest are counted


@dataclass
class ParsedRoadmap:
    items: list[GoalItem]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    format: str = "lines"
    notes: list[str] = field(default_factory=list)


def _clean_text(text: str) -> str:
    text = re.sub(r"\*\*|__|`", "", text).strip()
    return _KR_LABEL.sub("", text).strip()


def parse_roadmap(text: str, max_items: int | None = None) -> ParsedRoadmap:
    """Detect the format and return one ``GoalItem`` per reviewable item, in order.

    More than ``max_items`` items raises ``InputError`` (never a silent cut).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [ln for ln in text.split("\n")]
    nonempty = [ln for ln in lines if ln.strip()]
    if not nonempty:
        return ParsedRoadmap(items=[], skipped=[], format="empty")
    if _looks_like_markdown_table(nonempty):
        parsed = _parse_md_table(lines)
    elif _looks_like_csv(nonempty):
        parsed = _parse_csv(text, lines)
    else:
        parsed = _parse_lines(lines)
    if max_items is not None and len(parsed.items) > max_items:
        raise too_many(max_items)
    return parsed


def _parse_csv(text: str, lines: list[str]) -> ParsedRoadmap:
    """CSV/TSV; when a stray quote swallows lines into one cell, read one row per line instead and say so."""
    dialect = _sniff(text)
    try:
        rows = list(csv.reader(io.StringIO(text), dialect=dialect, strict=True))
        swallowed = any("\n" in cell for row in rows for cell in row)
    except csv.Error:
        swallowed = True
    if not swallowed:
        return parse_table(rows, fmt="csv")
    delimiter = getattr(dialect, "delimiter", ",")
    per_line = [_csv_line(line, dialect, delimiter) for line in lines]
    parsed = parse_table(per_line, fmt="csv")
    bad = [n for n, line in enumerate(lines, 1) if line.count('"') % 2]
    where = f" (line {', '.join(map(str, bad[:5]))})" if bad else ""
    parsed.notes.append(
        f"Unbalanced quote in the CSV{where}: read as one goal per line so nothing is lost; check those rows."
    )
    return parsed


def _csv_line(line: str, dialect: type[csv.Dialect] | csv.Dialect, delimiter: str) -> list[str]:
    if line.count('"') % 2:  # the stray quote is text, not quoting
        return [c.strip() for c in line.replace('"', "").split(delimiter)]
    return next(csv.reader([line], dialect=dialect), [])


def _sniff(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _looks_like_csv(lines: list[str]) -> bool:
    header = lines[0].lower()
    cells = [c.strip().strip('"') for c in re.split(r"[,;\t]", header)]
    return len(cells) >= 2 and any(c in GOAL_COLUMNS + OBJECTIVE_COLUMNS for c in cells)


def _looks_like_markdown_table(lines: list[str]) -> bool:
    return len(lines) >= 2 and lines[0].strip().startswith("|") and bool(re.match(r"^\|?\s*:?-{3,}", lines[1].strip()))


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else str(cell)


def _goal_column(header: Sequence[str]) -> int | None:
    return _column(header, GOAL_COLUMNS)


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    """The first header cell named like one of ``names`` (in their order of preference)."""
    low = [c.lower().strip() for c in header]
    return next((low.index(c) for c in names if c in low), None)


def _at(row: list[str], col: int | None) -> str | None:
    return row[col] if col is not None and col < len(row) and row[col] else None


def _table_items(rows: Iterable[Sequence[object]], sheet: str | None = None) -> Iterator[GoalItem | tuple[int, str]]:
    """Stream a table with a header (CSV, XLSX, Markdown): the goal column; optional objective, team, quarter.

    Yields items, and (row number, reason) for rows skipped; row numbers are the table's own (1 = first row).
    Nothing is held in memory but the current row, so a sheet of a million rows costs time, not memory.
    """
    goal_col: int | None = None
    obj_col: int | None = None
    team_col: int | None = None
    quarter_col: int | None = None
    header_seen = False
    for n, raw in enumerate(rows, 1):
        row = [_cell_text(c) for c in list(raw)[:MAX_COLUMNS]]
        if not any(row):
            continue
        if not header_seen:
            header_seen = True
            goal_col = _goal_column(row)
            obj_col = _column(row, OBJECTIVE_COLUMNS)
            team_col, quarter_col = _column(row, TEAM_COLUMNS), _column(row, QUARTER_COLUMNS)
            if goal_col is not None:
                continue  # a header row
            goal_col = 0  # no recognised header: first column holds goals, first row included
        assert goal_col is not None
        cell = row[goal_col] if goal_col < len(row) else ""
        if not cell.strip():
            yield (n, "empty goal cell")
            continue
        quarter = _at(row, quarter_col)
        yield GoalItem(
            text=_clean_text(cell),
            objective=_at(row, obj_col),
            line=n,
            sheet=sheet,
            team=_at(row, team_col),
            quarter=normalise_quarter(quarter) if quarter else None,
        )


def _collect(
    parsed: ParsedRoadmap, found: Iterable[GoalItem | tuple[int, str]], max_items: int | None, where: str
) -> None:
    extra_skips = 0
    for entry in found:
        if isinstance(entry, GoalItem):
            parsed.items.append(entry)
            if max_items is not None and len(parsed.items) > max_items:
                raise too_many(max_items, where)
        elif len(parsed.skipped) < MAX_SKIPPED:
            parsed.skipped.append(entry)
        else:
            extra_skips += 1
    if extra_skips:
        parsed.notes.append(f"{extra_skips} more rows with an empty goal cell were skipped.")


def parse_table(rows: Iterable[Sequence[object]], fmt: str = "table", max_items: int | None = None) -> ParsedRoadmap:
    """Rows with a header (CSV, XLSX, Markdown table): the goal column and an optional objective column."""
    parsed = ParsedRoadmap(items=[], format=fmt)
    _collect(parsed, _table_items(rows), max_items, "this table")
    return parsed


def _parse_md_table(lines: list[str]) -> ParsedRoadmap:
    rows = []
    for ln in lines:
        s = ln.strip()
        if not s.startswith("|") or re.match(r"^\|?\s*:?-{3,}", s):
            continue
        rows.append([c.strip() for c in s.strip("|").split("|")])
    parsed = parse_table(rows, fmt="markdown-table")
    return parsed


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t").replace("\t", "    "))


def _parse_lines(lines: list[str]) -> ParsedRoadmap:
    """Plain lines, bullets, numbering and objective/KR structures."""
    items: list[GoalItem] = []
    skipped: list[tuple[int, str]] = []
    objective: str | None = None
    objective_indent = -1
    entries: list[tuple[int, int, str, bool]] = []  # (line no, indent, text, is_bullet)
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        stripped = raw.strip()
        if _RULE.match(stripped):
            continue
        entries.append((n, _indent(raw), stripped, bool(_BULLET.match(stripped))))
    for i, (n, indent, stripped, _is_bullet) in enumerate(entries):
        obj = _OBJECTIVE.match(stripped)
        head = _HEADING.match(stripped)
        if obj and not _KR_LABEL.match(stripped.lstrip("-*+• ")):
            objective, objective_indent = _clean_text(obj.group("text")), -1  # holds until the next one
            continue
        if head:  # a heading of 3+ words reads as an objective; "## Now" is just a section
            title = _clean_text(head.group("text"))
            objective = title if len(title.split()) >= 3 else None
            objective_indent = -1
            continue
        body = _clean_text(_BULLET.sub("", stripped))
        nxt = entries[i + 1] if i + 1 < len(entries) else None
        if nxt and nxt[1] > indent and not _KR_LABEL.match(body):  # a parent bullet with children: context
            objective, objective_indent = body.rstrip(":"), indent
            continue
        is_kr = bool(_KR_LABEL.match(re.sub(r"\*\*|__", "", _BULLET.sub("", stripped))))
        if objective is not None and objective_indent >= 0 and indent <= objective_indent and not is_kr:
            objective, objective_indent = None, -1
        if not body:
            skipped.append((n, "empty item"))
            continue
        items.append(GoalItem(text=body, objective=objective, line=n))
    fmt = "okr-set" if any(i.objective for i in items) else "lines"
    return ParsedRoadmap(items=items, skipped=skipped, format=fmt)


def parse_file(path: Path, max_items: int | None = None, max_bytes: int = 5_000_000) -> ParsedRoadmap:
    """Read a roadmap file by extension: .xlsx/.xlsm streamed with openpyxl, anything else as text in any encoding.

    A missing path, a folder, a file over ``max_bytes`` or more than ``max_items`` goals raise ``InputError``.
    """
    data = read_bytes(path, max_bytes)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return parse_xlsx(path, max_items)
    decoded = decode_bytes(data)
    parsed = parse_roadmap(decoded.text, max_items)
    if decoded.encoding not in {"utf-8", "utf-8-sig", "ascii"}:
        parsed.notes.append(f"Read {path.name} as {decoded.encoding}.")
    return parsed


def parse_xlsx(path: Path, max_items: int | None = None) -> ParsedRoadmap:
    """Every sheet that has a goal column (or, when none has one, every non-empty sheet), streamed row by row.

    Why streaming: a 5 KB file can claim 1,048,576 rows by 16,384 columns; read-only mode with the claimed
    dimensions reset reads only the cells that exist, and reading stops once ``max_items`` is passed.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"{path.name} is not a readable XLSX workbook ({type(exc).__name__}). "
            "Open it in a spreadsheet app and save it again as .xlsx, or export it as CSV."
        ) from exc
    parsed = ParsedRoadmap(items=[], format="xlsx")
    try:
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "reset_dimensions")]
        for ws in sheets:
            ws.reset_dimensions()  # ignore the claimed size; read only the rows that exist
        headers = {ws.title: _first_row(ws) for ws in sheets}
        chosen = [ws for ws in sheets if _goal_column(headers[ws.title]) is not None]
        if not chosen:
            chosen = [ws for ws in sheets if headers[ws.title]]
        for ws in sheets:
            if ws not in chosen:
                parsed.notes.append(
                    f"Sheet '{ws.title}' skipped: "
                    + ("it is empty." if not headers[ws.title] else "no goal column (goal, key result, title...).")
                )
        for ws in chosen:
            _collect(parsed, _table_items(ws.iter_rows(values_only=True), sheet=ws.title), max_items, path.name)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"{path.name} is damaged ({type(exc).__name__}: {exc}). Save it again as .xlsx, or export it as CSV."
        ) from exc
    finally:
        wb.close()
    return parsed


def _first_row(ws: object) -> list[str]:
    for raw in ws.iter_rows(values_only=True):  # type: ignore[attr-defined]
        row = [_cell_text(c) for c in list(raw)[:MAX_COLUMNS]]
        if any(row):
            return row
    return []
