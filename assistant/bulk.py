"""Bulk input read safely: size and item limits, any text encoding, one row per input line, the user's own text.

Why a module of its own: the CLI and the app read the same files and must agree on every row.
"""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from .errors import InputError
from .schemas import GoalItem, ReviewRow

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
LIMIT_HINT = "raise OKR_MAX_ITEMS_CLI (command line) or OKR_MAX_ITEMS_UI (app)"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Bytes -> text with newlines normalised: BOM, then UTF-8, then UTF-16/32, then Windows-1252 when it reads
    cleanly, then charset-normalizer's best guess. Undecodable bytes become U+FFFD (the row is refused as binary).

    Why this order: most files are UTF-8; Excel on Windows writes UTF-16 or Windows-1252, and a short Latin-1 text
    is ambiguous to statistical detectors (charset-normalizer alone reads "Réduire" as cp775 "Rķduire").
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(normalise_newlines(data.decode(encoding, errors="replace")), encoding)
    try:
        return Decoded(normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
        return Decoded(normalise_newlines(str(best)), best.encoding)
    try:
        western = data.decode("cp1252")
        if "\x00" not in western and mess_ratio(western, 1.0) <= 0.1:
            return Decoded(normalise_newlines(western), "cp1252")
    except UnicodeDecodeError:
        pass
    if best is not None:
        return Decoded(normalise_newlines(str(best)), best.encoding)
    return Decoded(normalise_newlines(data.decode("utf-8", errors="replace")), "binary")


def normalise_newlines(text: str) -> str:
    """CRLF and CR-only (old Mac, some Excel exports) become LF, so every source splits into the same lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_path(path: Path) -> Path:
    """A missing path or a folder fails with a one-line message that says what to pass instead."""
    if not path.exists():
        raise InputError(f"No such file: {path}. Check the path, or pass - to read from standard input.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file. Pass the roadmap file inside it.")
    return path


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file, refused before reading when it is over the size limit."""
    size = check_path(path).stat().st_size
    if size > max_bytes:
        raise InputError(too_big(str(path), size, max_bytes))
    return path.read_bytes()


def read_stream(stream: TextIO | BinaryIO, max_bytes: int) -> str:
    """Standard input decoded like a file (same encodings, same newlines), refused over the size limit."""
    raw: Any = getattr(stream, "buffer", stream)
    data = raw.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(too_big("standard input", len(data), max_bytes))
    return decode_bytes(data).text if isinstance(data, bytes) else normalise_newlines(data)


def too_big(what: str, size: int, max_bytes: int) -> str:
    return (
        f"{what} is {'over ' if size > max_bytes else ''}{size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. "
        "Split it into smaller files, or raise OKR_MAX_FILE_MB."
    )


def too_many(limit: int, where: str = "this input") -> InputError:
    return InputError(
        f"{where} has more than {limit} goals; the limit is {limit} per run. "
        f"Split it into smaller files, or {LIMIT_HINT}."
    )


# --------------------------------------------------------------------------------------- review lines


@dataclass(frozen=True)
class InputLine:
    """One non-empty input line of ``okr review``: a goal to review, or an error row to write as is."""

    line: int
    text: str
    objective: str | None = None
    error: str | None = None


def goal_lines(text: str, max_items: int | None = None) -> tuple[list[InputLine], list[int]]:
    """Every non-empty line (plain text or a JSON object with 'goal' and 'objective'), and the empty line numbers.

    A JSON line that is malformed or has a missing or non-text 'goal' / 'objective' becomes an error row, so the
    output keeps one row per non-empty input line.
    """
    lines: list[InputLine] = []
    empty: list[int] = []
    physical = normalise_newlines(text).split("\n")
    if physical and physical[-1] == "":
        physical.pop()  # the newline that ends the last line
    for n, raw in enumerate(physical, 1):
        if not raw.strip():
            empty.append(n)
            continue
        lines.append(_goal_line(n, raw))
        if max_items is not None and len(lines) > max_items:
            raise too_many(max_items)
    return lines, empty


def _goal_line(n: int, raw: str) -> InputLine:
    stripped = raw.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return InputLine(n, raw)
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return InputLine(n, raw, error=f"Line {n} is not valid JSON ({exc.msg}); fix it or write the goal as text.")
    if not isinstance(obj, dict) or "goal" not in obj:
        return InputLine(n, raw, error=f'Line {n} has no "goal" key; write {{"goal": "...", "objective": "..."}}.')
    goal, objective = obj.get("goal"), obj.get("objective")
    if not isinstance(goal, str):
        return InputLine(n, raw, error=f'Line {n}: "goal" must be text, not {json.dumps(goal)}; quote it.')
    if objective is not None and not isinstance(objective, str):
        return InputLine(
            n, goal, error=f'Line {n}: "objective" must be text or null, not {json.dumps(objective)}; quote it.'
        )
    return InputLine(n, goal, objective or None)


def as_input(row: ReviewRow, item: GoalItem) -> ReviewRow:
    """The row with the user's own text and where it came from (sheet, team, quarter), whatever the model saw."""
    return row.model_copy(update={"goal": item.text, "sheet": item.sheet, "team": item.team, "quarter": item.quarter})


def review_item(chain: Any, item: GoalItem) -> ReviewRow:
    """Review one item; the row keeps the user's own text and origin whatever the chain did to it for the model."""
    return as_input(chain.review_row(item), item)


def stdin_text(max_bytes: int) -> str:
    return read_stream(sys.stdin, max_bytes)
