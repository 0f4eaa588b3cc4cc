"""Explaining a decision in plain words, with the guidance cards that back it chosen by their tags.

The prose speaks to the user; card and example ids go to ``sources`` only (shown with their titles).
Which card backs which reason lives in ``knowledge/guidance.yaml`` as ``why-*`` tags, not in code.
"""

from __future__ import annotations

import re

from .decide import Decision
from .policy import CURRENCY, passes_assurance, work_kinds
from .retrieval import Retrieved
from .schemas import GuidanceCard, Measurability
from .textutils import DONE_STATUS, PHYSICAL_UNIT

# Work the rules ask for: an audit, a regulation, an assurance the team obtains (``policy.passes_assurance``). Not a
# legal team ("#legal-requests") or people certified ("AEs certified" is training): a coach read "must-do" on those
# as wrong (set 55).
_COMPLIANCE = re.compile(
    r"\b(audit|complian\w*|gdpr|soc ?2|iso ?\d+|accreditation|inspection|regulat\w*|pen(?:etration)?[- ]test)\b",
    re.I,
)


# People who give their time unpaid.
_UNPAID = re.compile(
    r"\b(?:volunteers?|foster(?:\s+carers?|\s+families|\s+parents)?|befrienders?|mentors?|trustees?|governors?|"
    r"ambassadors?|stewards?|marshals?)\b",
    re.I,
)


def card_for(tag: str, retrieved: list[GuidanceCard], cards: list[GuidanceCard]) -> GuidanceCard | None:
    """The retrieved card with this tag (closest to the goal), else the first card in the file with it."""
    for card in [*retrieved, *cards]:
        if tag in card.tags:
            return card
    return None


def _reach(goal: str, number: str) -> bool:
    """The number says how far the work reaches or what it is like, not how much of it there is: "rolled out to all 4
    community nursing teams", "set up for top 10 clients" (a coach, set 16: not "a count of things the team
    delivers"), "journey sent to 18k existing donors", "platform extended for 8-car trains" (set 19), "£10 ticket
    scheme" (set 20: a price says what the work is like), "for 100% of new loan apps"."""
    if number.endswith("%"):
        return True  # a share of a group: "live for 100% of new personal loan apps" (set 28)
    n = re.escape(re.sub(rf"^{CURRENCY}\s?", "", number))
    reach = rf"\b(?:all|top|each\s+of\s+the|every\s+one\s+of\s+the)\s+{n}\b|\bto\s+(?:all\s+|our\s+)?{n}(?![\w.,])"
    # where it runs: "pilot at 4 branches" (set 29), "Pilot variable-rate irrigation on 3 cotton farms" (set 39)
    reach += rf"|\b(?:at|in|across|on)\s+{n}\s+[A-Za-z]"
    # what it can do or how fast each case goes: "25k parcels/hr nameplate", "cases closed within 28 days" (set 31)
    reach += rf"|(?<![\w.]){n}\s*(?:[A-Za-z]+\s?)?/\s?(?:hr|h|hour|day|d|min|wk|week)\b|\bwithin\s+{n}\b"
    return bool(re.search(rf"{reach}|(?<![\w.]){n}-[A-Za-z]|{CURRENCY}\s?{n}\b", goal, re.I))


_NOT_COUNTED = r"(?:across|at|in|on|for|to|of|by|with|and|from|per|a|an|the)\b"


def _counted(goal: str, number: str) -> bool:
    """The number counts the things delivered: "40 grant applications submitted", "Replace 40 km of line". Not a
    name, a date, a rating or a schedule ("Wi-Fi 6 across all 14 properties", "go-live 01/07", "22kW chargers",
    "24/7 on-call", "day 7/30/60": set 39, all called "a count of things the team delivers")."""
    number = re.sub(rf"\s?{PHYSICAL_UNIT}$", "", number)  # "40 MW" counts megawatts, "22kW" rates a charger
    n = re.escape(number)
    things = rf"\s+(?:x\s+)?(?!{_NOT_COUNTED})(?:[\w'’&+./-]+\s+){{0,4}}?(?:[A-Za-z][\w'’-]*s|staff|people|children)\b"
    units = r"\s?(?:km|kms|miles|m|ha|hectares|acres|MW)\b"
    return bool(re.search(rf"(?<![\w./-]){n}(?:{things}|{units})(?![/\d])", goal, re.I))


def reasons(goal: str, d: Decision, meas: Measurability, status: str | None = None) -> list[tuple[str, str]]:
    """(tag, sentence) pairs: each reason the review gives and the kind of card that backs it.

    ``status`` is what the team wrote beside the key result ("DONE"): finished work still needs its result tracked
    (a coach, set 17: a "DONE" item's rewrite did not say why it was rewritten).
    """
    out: list[tuple[str, str]] = []
    if d.kind == "output":
        if _COMPLIANCE.search(goal) or passes_assurance(goal):
            tag, what = "why-compliance", "a must-do piece of work the team completes"
        elif "hiring" in work_kinds(goal):  # "Hire 3 senior SREs + 1 EM" is no count of deliverables (set 22)
            # volunteers and foster carers are recruited, never "hired" (a coach, sets 30 and 31)
            tag, what = "why-output", "people the team recruits" if _UNPAID.search(goal) else "people the team hires"
        elif meas.target and not _reach(goal, meas.target) and _counted(goal, meas.target):
            tag, what = "why-count", "a count of things the team delivers"
        else:
            tag, what = "why-output", "something the team ships or does"
        out.append(
            (
                tag,
                f"This is an output: it describes {what}. The result it should lead to is a change in {d.metric.name}.",
            )
        )
        if status and DONE_STATUS.match(status):
            out.append((tag, "It is marked done: the work is finished, and that change is what is left to track."))
    elif meas.target:
        when = f" and a deadline ({meas.deadline})" if meas.deadline else "; it still needs a deadline"
        limit = f" {meas.time_limit}" if meas.time_limit else ""  # "35% within 7 days": the window is no deadline
        out.append(("why-measurable", f"This is an outcome with a target ({meas.target}{limit}){when}."))
    elif meas.time_limit and d.team_controls:
        out.append(
            (
                "why-unmeasured",
                f"This is an outcome with a time limit ({meas.time_limit}) but no target yet: "
                "the share of cases that should meet it.",
            )
        )
    else:
        out.append(
            ("why-unmeasured", f"This is an outcome ({d.metric.name}), but without a target it cannot be scored yet.")
        )
    if not d.team_controls and d.owned:
        out.append(
            (
                "why-uncontrollable",
                f"As written it depends on forces outside the team; {d.owned.name} is the part its work moves.",
            )
        )
    elif not d.team_controls and d.dependency:
        out.append(
            (
                "why-uncontrollable",
                f"You note it depends on something outside the team ({d.dependency}): agree up front how the result "
                "is read if that changes.",
            )
        )
    if d.needs_proxy:
        # Never promise a leading indicator the review does not give: a coach marked that as an edit three times.
        if d.proxy:
            pace = "moves within weeks" if d.proxy.horizon == "weeks" else "can be read within the quarter"
            steer = f"so steer the quarter with a leading indicator: {d.proxy.name} {pace} and predicts it."
        elif d.owned and d.owned_is_quick and not d.team_controls:
            steer = f"and {d.owned.name} can be read within the quarter."
        else:
            steer = "so pick a leading indicator the team can read within the quarter."
        out.append(("why-slow", f"It shows only after many months, {steer}"))
    return out


def rationale(
    goal: str,
    d: Decision,
    meas: Measurability,
    retrieved: Retrieved,
    cards: list[GuidanceCard],
    status: str | None = None,
) -> tuple[str, list[str]]:
    """The reason in plain words, and the ids of the cards behind it (for ``sources``)."""
    text, cited = [], []
    for tag, sentence in reasons(goal, d, meas, status):
        text.append(sentence)
        card = card_for(tag, retrieved.guidance, cards)
        if card and card.id not in cited:
            cited.append(card.id)
    return " ".join(text), cited
