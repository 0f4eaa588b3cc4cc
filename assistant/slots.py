"""Reading the numbers a user gives in a follow-up: which slot (baseline, target, deadline) each one fills.

Pure text work, no model. A number is only accepted where it belongs: "55%" as a target, "by Q3" as a
deadline; "the target is Q3" or "the deadline is 40%" is refused with a reason, never stored. Time windows
inside a metric ("our 12-month retention is 40%") are not numbers here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .policy import CURRENCY, NUMBER
from .textutils import (
    DEADLINE_CORE,
    FOREIGN_FROM_TO_RE,
    FROM_TO_RE,
    MONTHS,
    UNIT,
    find_deadline,
    find_foreign_deadline,
    mask_windows,
)

NUM = (
    rf"(?:{CURRENCY}\s?)?(?<![A-Za-z#])\d[\d,]*(?:\.\d+)?(?:\s?(?:percent|per\s+cent|pct)\b|{UNIT})"
    r"(?!\s*-?\s*(?:day|week|month|year)\b)"
)
_DATE_WORD = r"(?:q[1-4]|h[12]|fy\s?\d{2,4}|(?:19|20)\d{2}|end\s+of\s+\w+|year[- ]end|next\s+\w+|this\s+\w+)"
_GAP = r"[^\d\[\n.;]{0,30}?"  # a few words between a slot word and its number, never across a sentence

_BASELINE_CUES = (
    r"baseline|currently|current(?:ly)?\s+(?:value|level|rate)?|today|right\s+now|at\s+the\s+moment|at\s+present|"
    r"start(?:ing)?\s+(?:point|value|from|at)|we(?:'re|\s+are)\s+(?:at|on)|it(?:'s|\s+is)\s+(?:at|on)|"
    r"(?:sits?|stands?|is)\s+at|now\s+at|is\s+now|was"
)
_TARGET_CUES = (
    r"target|goal|aim(?:ing)?(?:\s+for)?|want(?:s)?|hit|reach|achieve|get\s+(?:it\s+)?to|go\s+to|make\s+it|"
    r"set\s+it\s+to|stretch(?:\s+it)?\s+to|ambition|up\s+to|down\s+to|raise\s+it\s+to|cut\s+it\s+to|lower\s+it\s+to|"
    r"increase\s+it\s+to|reduce\s+it\s+to|bring\s+it\s+to|to"
)
_BASELINE_RE = re.compile(rf"\b(?:{_BASELINE_CUES})\b{_GAP}(?P<v>{NUM})", re.I)
_BASELINE_AFTER = re.compile(rf"(?P<v>{NUM})\s+(?:today|now|currently|at\s+the\s+moment|right\s+now)\b", re.I)
_TARGET_RE = re.compile(rf"\b(?:{_TARGET_CUES})\b{_GAP}(?P<v>{NUM})", re.I)
_BY_DELTA = re.compile(
    rf"\b(?P<verb>raise|increase|grow|lift|boost|improve|cut|reduce|lower|decrease|drop)\w*\s+(?:it|this|that)?\s*"
    rf"by\s+(?P<v>{NUM})",
    re.I,
)
_SAYS = r"\s*(?:is|=|:|of|would\s+be|should\s+be|will\s+be)?\s*"
_MISPLACED_DATE = re.compile(rf"\b(?P<slot>baseline|target|goal){_SAYS}(?P<v>{_DATE_WORD})\b", re.I)
_NOT_A_DATE = (
    r"(?!\s*(?:[/\-.]\d|\d|st\b|nd\b|rd\b|th\b|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|days?\b|weeks?\b|"
    r"months?\b|quarters?\b|years?\b))"
)
_MISPLACED_NUMBER = re.compile(
    rf"\b(?:deadline|due\s+date){_SAYS}(?P<v>(?!(?:19|20)\d{{2}}\b){NUMBER}(?:\s?%)?){_NOT_A_DATE}", re.I
)
_DAY_MONTH = rf"\d{{1,2}}\.?\s+(?:{MONTHS})\w*(?:\s+\d{{4}})?"
_DEADLINE_LABEL = re.compile(
    rf"\b(?:deadline|due(?:\s+date)?){_SAYS}(?:by\s+|to\s+|for\s+|at\s+)?(?P<when>{_DAY_MONTH}|{DEADLINE_CORE})\b", re.I
)
_DOWN_VERB = re.compile(r"^(?:cut|reduc|lower|decreas|drop)", re.I)


@dataclass
class SlotReading:
    """What a follow-up says about the slots; ``refused`` holds a reason per value that did not fit."""

    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    refused: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)  # numbers without a slot word ("70%") -> ask which slot

    @property
    def any(self) -> bool:
        return bool(self.baseline or self.target or self.deadline)

    def as_dict(self) -> dict[str, str | None]:
        return {"baseline": self.baseline, "target": self.target, "deadline": self.deadline}


def _clean(value: str) -> str:
    """The value as the user wrote it, with 'percent' written as '%'."""
    return re.sub(r"\s?(?:percent|per\s+cent|pct)\b", "%", value.strip().rstrip(".,;"), flags=re.I)


_ONLY_A_DATE = re.compile(
    rf"^\s*(?:(?:and|ok|so|then|maybe|say|let'?s\s+say|by|before|until|in|for|due)\s+)*(?P<when>(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
    rf"(?:{DEADLINE_CORE}))\s*[?.!]?\s*$",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)\d{2}")


def read_slots(message: str) -> SlotReading:
    """'our baseline is 40% and we want 55% by Q3' -> baseline 40%, target 55%, deadline Q3."""
    text = mask_windows(message)
    out = SlotReading()
    taken: list[tuple[int, int]] = []

    def claim(m: re.Match[str], group: str = "v") -> str | None:
        span = m.span(group)
        if any(a < span[1] and span[0] < b for a, b in taken) or _YEAR.fullmatch(m.group(group).strip()):
            return None
        taken.append(span)
        return _clean(m.group(group))

    labelled = _DEADLINE_LABEL.search(text)
    alone = _ONLY_A_DATE.match(text)  # "Q3", "end of year": the whole message is a date
    deadline_text = (
        (labelled.group("when") if labelled else None)
        or (alone.group("when").strip() if alone else None)
        or find_deadline(text)
        or find_foreign_deadline(text)
    )
    if deadline_text:
        end = re.search(rf"(?:the\s+)?end\s+of\s+(?:the\s+)?{re.escape(deadline_text)}\b", text, re.I)
        if end and not deadline_text.lower().startswith(("end", "the end")):  # "end of year", not just "year"
            deadline_text = re.sub(r"^the\s+", "", end.group(0), flags=re.I)
        out.deadline = deadline_text
        at = text.find(deadline_text)
        if at >= 0:
            taken.append((at, at + len(deadline_text)))
    for m in _MISPLACED_DATE.finditer(text):
        slot = "target" if m.group("slot").lower() in {"target", "goal"} else "baseline"
        out.refused.append(
            f"'{m.group('v')}' reads like a date, not a {slot} number. If it is the deadline, say *by {m.group('v')}*."
        )
        taken.append(m.span("v"))
    for m in _MISPLACED_NUMBER.finditer(text):
        out.refused.append(
            f"'{m.group('v')}' is a number, not a date, so it cannot be the deadline. "
            "Give the deadline as a quarter or a date (e.g. *by end of the quarter*), and the number as the target."
        )
        taken.append(m.span("v"))
    pair = FROM_TO_RE.search(text) or FOREIGN_FROM_TO_RE.search(text)
    if pair:
        out.baseline = claim(pair, "base")
        out.target = claim(pair, "target")
    if not out.baseline:  # "80% today and we want 85%": the number nearest the cue, so the earliest one
        found = [m for m in (_BASELINE_RE.search(text), _BASELINE_AFTER.search(text)) if m]
        if found:
            out.baseline = claim(min(found, key=lambda m: m.start("v")))
    if not out.target:
        for m in _TARGET_RE.finditer(text):
            value = claim(m)
            if value:
                out.target = value
                break
    if not out.target:
        m = _BY_DELTA.search(text)
        if m:
            value = claim(m)
            if value:
                out.target = f"{'-' if _DOWN_VERB.match(m.group('verb')) else '+'}{value}"
    for m in re.finditer(NUM, text):
        if not any(a < m.end() and m.start() < b for a, b in taken) and not re.fullmatch(r"(?:19|20)\d{2}", m.group(0)):
            out.loose.append(_clean(m.group(0)))
    return out


def as_number(value: str | None) -> float | None:
    """'40%' -> 40.0, '$1,200' -> 1200.0; None for anything that is not a plain number."""
    if not value:
        return None
    m = re.search(r"(?<![A-Za-z])-?\d[\d,]*(?:\.\d+)?", value)
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:  # pragma: no cover - the pattern only admits numbers
        return None
