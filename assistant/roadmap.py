"""Parse a pasted roadmap or OKR set into goals: plain lines, Markdown bullets/numbering, objectives
with key results, CSV/TSV, Markdown tables and XLSX. Deterministic and tested exhaustively.

Objectives are not reviewed as goals; they travel with their key results as context.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .schemas import GoalItem

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

_OBJECTIVE = re.compile(
    r"^(?:#+\s*)?(?:[-*+•]\s*)?(?:\*\*)?(?:objective|obj|o)\s*\d*(?:\.\d+)?\s*(?:\*\*)?\s*[:.)\-–—]\s*(?:\*\*)?\s*(?P<text>.+)$",
    re.I,
)
_KR_LABEL = re.compile(r"^(?:key\s*results?|kr)\s*[\d.]*\s*[:.)\-–—]\s*", re.I)
_BULLET = re.compile(r"^(?:[-*+•]|\d+[.)]|[a-z][.)]|\(\d+\))\s+(?:\[[ xX]\]\s+)?", re.I)
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+)$")
_RULE = re.compile(r"^[-=*_]{3,}$")


@dataclass
class ParsedRoadmap:
    items: list[GoalItem]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    format: str = "lines"


def _clean_text(text: str) -> str:
    text = re.sub(r"\*\*|__|`", "", text).strip()
    return _KR_LABEL.sub("", text).strip()


def parse_roadmap(text: str) -> ParsedRoadmap:
    """Detect the format and return one ``GoalItem`` per reviewable item, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [ln for ln in text.split("\n")]
    nonempty = [ln for ln in lines if ln.strip()]
    if not nonempty:
        return ParsedRoadmap(items=[], skipped=[], format="empty")
    if _looks_like_markdown_table(nonempty):
        return _parse_md_table(lines)
    if _looks_like_csv(nonempty):
        return parse_table(list(csv.reader(io.StringIO(text), dialect=_sniff(text))), fmt="csv")
    return _parse_lines(lines)


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


def parse_table(rows: list[list[str]], fmt: str = "table") -> ParsedRoadmap:
    """Rows with a header (CSV, XLSX, Markdown table): the goal column and an optional objective column."""
    rows = [[(c or "").strip() if isinstance(c, str) else ("" if c is None else str(c)) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return ParsedRoadmap(items=[], format=fmt)
    header = [c.lower().strip() for c in rows[0]]
    goal_col = next((header.index(c) for c in GOAL_COLUMNS if c in header), None)
    obj_col = next((header.index(c) for c in OBJECTIVE_COLUMNS if c in header), None)
    body = rows[1:]
    if goal_col is None:  # no recognised header: first column holds goals, header row included
        goal_col, body = 0, rows
    items: list[GoalItem] = []
    skipped: list[tuple[int, str]] = []
    for n, row in enumerate(body, start=2 if body is not rows else 1):
        cell = row[goal_col] if goal_col < len(row) else ""
        objective = row[obj_col] if obj_col is not None and obj_col < len(row) and row[obj_col] else None
        if not cell.strip():
            skipped.append((n, "empty goal cell"))
            continue
        items.append(GoalItem(text=_clean_text(cell), objective=objective, line=n))
    return ParsedRoadmap(items=items, skipped=skipped, format=fmt)


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


def parse_file(path: Path) -> ParsedRoadmap:
    """Read a roadmap file by extension: .xlsx via openpyxl, anything else as text."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        return parse_table(rows, fmt="xlsx")
    return parse_roadmap(path.read_text(encoding="utf-8", errors="replace"))
