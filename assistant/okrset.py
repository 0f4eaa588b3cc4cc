"""The rewritten OKR set after review: edits (pick an alternative, edit, fill a slot, keep/drop) and exports.

Every edit returns a new ``SetReview`` with its scores recomputed, and a message for the user; an edit that
cannot be applied changes nothing and says why. Slots are filled through ``slots.read_slots``, so a number is
accepted only where it belongs ("Q3" is not a target, "40%" is not a deadline).
"""

from __future__ import annotations

import csv
import io
import json
import re

from .export import csv_safe
from .schemas import PLACEHOLDER_BASELINE, PLACEHOLDER_DEADLINE, PLACEHOLDER_TARGET, MetricEntry, SetKR, SetReview
from .setreview import direction_of, rescore
from .slots import read_slots
from .textutils import parse_measurability

SLOTS = {"baseline": PLACEHOLDER_BASELINE, "target": PLACEHOLDER_TARGET, "deadline": PLACEHOLDER_DEADLINE}
MAX_TEXT = 300


class EditError(ValueError):
    """An edit that cannot be applied; the message says what to do instead."""


def _copy(review: SetReview, kr_id: str) -> tuple[SetReview, SetKR]:
    new = review.model_copy(deep=True)
    try:
        return new, new.kr(kr_id)
    except KeyError:
        known = ", ".join(k.id for o in new.objectives for k in o.krs)
        raise EditError(f"No key result '{kr_id}'; choose one of: {known}.") from None


def metric_in_text(text: str, catalogue: dict[str, MetricEntry]) -> MetricEntry | None:
    """The catalogue metric whose name a key result spells out (the longest match), if any."""
    low = text.lower()
    found = [m for m in catalogue.values() if m.name.lower() in low]
    return max(found, key=lambda m: len(m.name)) if found else None


def _retarget(kr: SetKR, catalogue: dict[str, MetricEntry]) -> None:
    """After the text changed: its metric (when named), slots from its own words, direction.

    The alignment verdict was about the old wording, so it is cleared rather than left stale.
    """
    kr.aligned, kr.alignment = None, ""
    entry = metric_in_text(kr.text, catalogue)
    if entry is not None:
        kr.metric, kr.metric_id, kr.horizon = entry.name, entry.id, entry.horizon
        kr.measured_in = entry.source
    meas = parse_measurability(kr.text)
    kr.baseline = None if PLACEHOLDER_BASELINE in kr.text else meas.baseline
    kr.target = None if PLACEHOLDER_TARGET in kr.text else meas.target
    kr.deadline = None if PLACEHOLDER_DEADLINE in kr.text else meas.deadline
    polarity = catalogue[kr.metric_id].polarity if kr.metric_id in catalogue else None
    kr.direction = direction_of(kr.text, kr.baseline, kr.target, polarity)  # type: ignore[assignment]


def choose_alternative(
    review: SetReview, kr_id: str, choice: int, catalogue: dict[str, MetricEntry]
) -> tuple[SetReview, str]:
    """Swap a key result's text with its alternative number ``choice`` (1-based); the old text becomes one."""
    new, kr = _copy(review, kr_id)
    if not 1 <= choice <= len(kr.alternatives):
        raise EditError(f"{kr_id} has {len(kr.alternatives)} alternative(s); pick a number from 1.")
    chosen = kr.alternatives[choice - 1]
    kr.alternatives[choice - 1] = kr.text
    kr.text = chosen
    _retarget(kr, catalogue)
    return rescore(new), f"{kr_id} now reads: {chosen}"


def edit_text(review: SetReview, kr_id: str, text: str, catalogue: dict[str, MetricEntry]) -> tuple[SetReview, str]:
    """Replace a key result's wording; numbers in it are read as the user's own."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        raise EditError("The key result is empty; type its new wording, or drop it instead.")
    if len(text) > MAX_TEXT:
        raise EditError(f"The key result is {len(text)} characters; keep it under {MAX_TEXT}.")
    new, kr = _copy(review, kr_id)
    kr.text = text
    _retarget(kr, catalogue)
    return rescore(new), f"{kr_id} updated."


def fill_slot(review: SetReview, kr_id: str, slot: str, value: str) -> tuple[SetReview, str]:
    """Put the user's value into a baseline, target or deadline placeholder, if it belongs there."""
    if slot not in SLOTS:
        raise EditError(f"Unknown slot '{slot}'; use baseline, target or deadline.")
    value = (value or "").strip()
    if not value:
        raise EditError(f"Type the {slot} first.")
    reading = read_slots(f"the {slot} is {value}")
    if reading.refused:
        raise EditError(reading.refused[0])
    if not getattr(reading, slot):
        hint = "a date or quarter, e.g. Q3 or 30 June 2026" if slot == "deadline" else "a number, e.g. 55% or 1,200"
        raise EditError(f"'{value}' does not read as a {slot}; give {hint}.")
    new, kr = _copy(review, kr_id)
    placeholder = SLOTS[slot]
    if placeholder not in kr.text:
        raise EditError(f"{kr_id} has no {placeholder} to fill; edit its text instead.")
    kr.text = kr.text.replace(placeholder, value, 1)
    setattr(kr, slot, value)
    return rescore(new), f"{kr_id}: {slot} set to {value}."


def set_keep(review: SetReview, kr_id: str, keep: bool) -> tuple[SetReview, str]:
    """Keep or drop a key result; a dropped one stays listed (and exported as dropped), never lost."""
    new, kr = _copy(review, kr_id)
    kr.keep = keep
    if keep:
        kr.dropped_reason = None
    elif not kr.dropped_reason:
        kr.dropped_reason = "dropped by you"
    return rescore(new), f"{kr_id} {'kept' if keep else 'dropped'}."


# ------------------------------------------------------------------------------------------- exports


def to_set_markdown(review: SetReview, title: str = "OKR set") -> str:
    """Objectives and key results ready to paste into a doc or an OKR tool, with what is still to fill."""
    lines = [f"# {title}", "", f"Score: **{review.score}/100** (as written: {review.score_before}/100)", ""]
    for o in review.objectives:
        lines += [f"## Objective: {o.title}", "", f"Score: {o.score}/100", ""]
        for n, kr in enumerate([k for k in o.krs if k.keep], 1):
            score = f" ({kr.score.score}/100)" if kr.score else ""
            lines.append(f"- **KR{n}:** {kr.text}{score}")
            lines += [f"  - Initiative: {i}" for i in kr.initiatives]
            if kr.proxy:
                lines.append(f"  - Proxy: {kr.proxy}")
        lines += [f"- Guardrail: {g}" for g in o.guardrails]
        dropped = [k for k in o.krs if not k.keep]
        if dropped:
            lines += ["", "Dropped:"] + [f"- ~~{k.text}~~ ({k.dropped_reason})" for k in dropped]
        lines.append("")
    if review.placeholders:
        lines += ["## Still to fill", ""] + [f"- {p}" for p in review.placeholders] + [""]
    if review.top_changes:
        lines += ["## Changes that would raise the score most", ""]
        lines += [f"{n}. {c.message}" for n, c in enumerate(review.top_changes, 1)] + [""]
    return "\n".join(lines)


SET_CSV_COLUMNS = ["objective", "item", "id", "text", "score", "baseline", "target", "deadline", "metric_id", "keep"]


def to_set_csv(review: SetReview) -> str:
    """One line per key result, initiative, proxy and guardrail, under its objective."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SET_CSV_COLUMNS)

    def put(*cells: object) -> None:
        w.writerow([csv_safe("" if c is None else str(c)) for c in cells])

    for o in review.objectives:
        put(o.title, "objective", o.id, o.title, o.score, "", "", "", "", "yes")
        for kr in o.krs:
            keep = "yes" if kr.keep else "no"
            put(o.title, "key result", kr.id, kr.text, kr.score.score if kr.score else "", kr.baseline, kr.target,
                kr.deadline, kr.metric_id, keep)  # fmt: skip
            for i in kr.initiatives:
                put(o.title, "initiative", kr.id, i, "", "", "", "", "", keep)
            if kr.proxy:
                put(o.title, "proxy", kr.id, kr.proxy, "", "", "", "", "", keep)
        for g in o.guardrails:
            put(o.title, "guardrail", o.id, g, "", "", "", "", "", "yes")
    return buf.getvalue()


def to_set_json(review: SetReview) -> str:
    return json.dumps(review.model_dump(), indent=2, ensure_ascii=False)


SET_WRITERS = {"md": to_set_markdown, "markdown": to_set_markdown, "csv": to_set_csv, "json": to_set_json}
