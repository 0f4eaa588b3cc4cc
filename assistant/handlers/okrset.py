"""The OKR set tab: review a pasted set, show findings and scores, edit the rewritten set, export it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .. import okrset
from ..errors import InputError
from ..render import checklist_table
from ..runner import review_rows
from ..schemas import SetReview
from ..storage import download_folder
from .roadmap import parse_input
from .service import AppService

SET_TABLE_COLUMNS = ["ID", "Score", "Key result", "Initiatives and proxy", "Status"]
SEVERITY_ICONS = {"problem": "⛔", "warning": "⚠️", "info": "ℹ️"}
ACTIONS = ["Fill a slot", "Edit the text", "Use alternative", "Drop", "Keep"]


def run_set(
    service: AppService, text: str | None, progress: Callable[[int, int], None] | None = None
) -> tuple[SetReview | None, str]:
    """Review every key result of a pasted set, then the set; over a limit or empty: no review and the reason."""
    from ..api import set_review_of

    s = service.settings
    try:
        parsed = parse_input(text, None, s.max_items_ui, s.max_file_bytes)
    except InputError as exc:
        return None, f"**Not reviewed:** {exc}"
    if not parsed.items:
        return (
            None,
            "**No key results found.** Paste objectives with their key results (`Objective:` then `- KR1: ...`).",
        )
    rows = review_rows(service.chain, parsed.items, s, progress=progress)
    return set_review_of(service.chain, rows), ""


def score_markdown(review: SetReview) -> str:
    """The set's score, what it was as written, and the three changes that would raise it most."""
    lines = [f"## Set score: {review.score}/100", f"As written: {review.score_before}/100 · "
             + " · ".join(f"{o.id} {o.score}/100" for o in review.objectives)]  # fmt: skip
    if review.top_changes:
        lines += ["", "**To raise it most:**"] + [f"{n}. {c.message}" for n, c in enumerate(review.top_changes, 1)]
    return "\n".join(lines)


def findings_markdown(review: SetReview) -> str:
    if not review.findings:
        return "No findings: the set is sound."
    out = [f"- {SEVERITY_ICONS[f.severity]} **{f.kind.replace('_', ' ')}** - {f.message}" for f in review.findings]
    return "\n".join(["### Findings", *out, *[f"- {n}" for n in review.notes]])


def checklist_markdown(review: SetReview, kr_id: str | None) -> str:
    """The visible checklist of one key result: each check, passed or not, and its weight."""
    if not kr_id:
        return ""
    try:
        kr = review.kr(kr_id)
    except KeyError:
        return ""
    if kr.score is None:
        return ""
    alts = [f"{n}. {a}" for n, a in enumerate(kr.alternatives, 1)]
    return "\n".join(
        [f"**{kr.id}: {kr.score.score}/100** - {kr.text}", "", *checklist_table(kr.score)]
        + (["", "Alternatives:", *alts] if alts else [])
        + (["", f"Alignment: {kr.alignment}"] if kr.alignment else [])
    )


def set_table(review: SetReview) -> pd.DataFrame:
    """Objectives with their score badge, then each key result with its own."""
    data: list[list[str]] = []
    for o in review.objectives:
        data.append([o.id, f"{o.score}/100", f"Objective: {o.title}", "; ".join(o.guardrails), "objective"])
        for kr in o.krs:
            under = [f"initiative: {i}" for i in kr.initiatives] + ([f"proxy: {kr.proxy}"] if kr.proxy else [])
            status = "kept" if kr.keep else f"dropped ({kr.dropped_reason})"
            badge = f"{kr.score.score}/100" if kr.score else ""
            data.append([kr.id, badge, kr.text, "; ".join(under), status])
    return pd.DataFrame(data, columns=SET_TABLE_COLUMNS)


def kr_ids(review: SetReview | None) -> list[str]:
    return [k.id for o in review.objectives for k in o.krs] if review else []


def apply_edit(
    service: AppService, review: SetReview | None, action: str, kr_id: str | None, slot: str | None, value: str | None
) -> tuple[SetReview | None, str]:
    """One edit on the rewritten set; a refused edit keeps the set as it was and says why."""
    if review is None:
        return None, "Review a set first."
    if not kr_id:
        return review, "Choose a key result first."
    catalogue = service.chain.knowledge.catalogue
    try:
        if action == "Fill a slot":
            return okrset.fill_slot(review, kr_id, slot or "", value or "")
        if action == "Edit the text":
            return okrset.edit_text(review, kr_id, value or "", catalogue)
        if action == "Use alternative":
            number = (value or "1").strip()
            if not number.isdigit():
                return review, "Type the number of the alternative (1, 2...)."
            return okrset.choose_alternative(review, kr_id, int(number), catalogue)
        if action in ("Drop", "Keep"):
            return okrset.set_keep(review, kr_id, action == "Keep")
    except okrset.EditError as exc:
        return review, f"**Not changed:** {exc}"
    return review, f"Unknown action '{action}'."


def set_files(review: SetReview) -> list[str]:
    """The edited set as Markdown, CSV and JSON downloads."""
    folder = download_folder("okr-set-")
    out = []
    for ext, write in (("md", okrset.to_set_markdown), ("csv", okrset.to_set_csv), ("json", okrset.to_set_json)):
        path = folder / f"okr_set.{ext}"
        path.write_text(write(review), encoding="utf-8")
        out.append(str(path))
    return out
