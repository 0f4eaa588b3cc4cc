"""Policy patterns in one home: what counts as a number, a deliverable, an activity count.

Every check that needs one of these rules imports it from here, so the rule is written once.
"""

from __future__ import annotations

import re

# A number as users write it: optional currency, digits with thousands separators, decimals. Digits glued
# to letters are names, not numbers ("p95", "P1", "M12", "Q3"): deadlines are handled by their own pattern.
DIGITS = r"(?<![A-Za-z])\d[\d,]*(?:\.\d+)?"
NUMBER = rf"(?:[$€£]\s?)?{DIGITS}"
NUMBER_RE = re.compile(DIGITS)

# Past participles and nouns that make a metric name a count of the team's own work.
_DELIVERABLE_PARTICIPLES = (
    r"published|shipped|launched|built|delivered|held|hosted|written|drafted|posted|released|deployed|"
    r"implemented|migrated|defined|documented|conducted|organi[sz]ed|created|produced|made|trained|sent|"
    r"run|ran|installed|opened|filed|closed out|rolled out|signed off|hired|recruited|onboarded by us"
)
_ACTIVITY_NOUNS = r"velocity|story points|milestones?|deliverables?|tasks? done|roadmap items|features shipped"
ACTIVITY_COUNT_RE = re.compile(
    rf"\b(?:number|count|amount|total|#)\s+of\b|\b(?:{_DELIVERABLE_PARTICIPLES})\b|\b(?:{_ACTIVITY_NOUNS})\b|"
    r"\bcompletion\s+(?:rate\s+)?of\s+(?:our|the\s+team'?s?)\b|\bon[- ]time\s+(?:delivery\s+)?of\s+(?:our|the)\b",
    re.IGNORECASE,
)


def is_activity_count(name: str) -> bool:
    """'posts published', 'number of hires', 'velocity': a count of what the team does, not a result."""
    return bool(ACTIVITY_COUNT_RE.search(name))


# Text that talks to the model instead of describing a goal. Used to flag (never to refuse) goals and to
# reject saved team examples, which become part of every later prompt.
INJECTION_PATTERNS = [
    r"\bignore\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\b",
    r"\bdisregard\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|instructions|rules)",
    r"\bforget\s+(?:everything|all|your|the)\b.*\b(?:instructions|rules|said|prompt)",
    r"\b(?:system|developer)\s+(?:prompt|message|instructions?)\b",
    r"\byou\s+are\s+now\b",
    r"\bnew\s+instructions?\s*:",
    r"\b(?:reveal|print|show|repeat|output)\s+(?:me\s+)?(?:your|the)\s+(?:prompt|instructions|system)",
    r"\b(?:pretend|roleplay)\s+(?:to\s+be|as|you)\b",
    r"\bjailbreak|\bDAN\s+mode\b",
    r"</?\s*(?:system|assistant|user|instructions?)\s*>|<\|im_(?:start|end)\|>",
    r"\b(?:always|just|only)\s+(?:answer|respond|reply|say|output|return|classify|label|mark)\b",
    r"\b(?:classify|label|mark)\s+(?:this|it|me|everything)\s+as\b",
    r"\bset\s+(?:the\s+)?(?:kind|field|team_controls|baseline|target)\s+to\b",
    r"\bdo\s+not\s+(?:follow|obey)\b",
]
INSTRUCTION_RE = re.compile("|".join(INJECTION_PATTERNS), re.IGNORECASE)


def instruction_like(text: str) -> bool:
    """Does the text address the assistant ('ignore the above', role tags, 'classify this as')?"""
    return bool(INSTRUCTION_RE.search(text))


# Verbs that open an output: the team ships, builds, runs or completes something.
DELIVERABLE_VERBS = (
    "launch",
    "ship",
    "build",
    "publish",
    "release",
    "deliver",
    "create",
    "write",
    "produce",
    "run",
    "hold",
    "host",
    "organise",
    "organize",
    "conduct",
    "implement",
    "roll",
    "migrate",
    "hire",
    "recruit",
    "train",
    "complete",
    "pass",
    "install",
    "add",
    "redesign",
    "rewrite",
    "refactor",
    "open",
    "send",
    "deploy",
    "introduce",
    "document",
    "update",
    "define",
    "draft",
    "design",
    "develop",
    "establish",
    "set",
    "start",
    "finish",
    "finalise",
    "finalize",
    "prepare",
    "upgrade",
    "replace",
    "automate",
    "integrate",
    "onboard",
    "attend",
    "sponsor",
    "post",
    "record",
    "map",
    "audit",
    "adopt",
    "obtain",
    "achieve",
    "secure",
    "sign",
    "negotiate",
    "fix",
    "close",
)
_DELIVERABLE_HEAD_RE = re.compile(rf"^(?:{'|'.join(DELIVERABLE_VERBS)})(?:e?d|ing|s|es)?\b", re.IGNORECASE)


def starts_with_deliverable(text: str) -> bool:
    """'Hire a Head of Sales', 'Published case studies', 'launching X': the text leads with delivering."""
    return bool(_DELIVERABLE_HEAD_RE.match(text.strip()))


_STOP = {"the", "a", "an", "of", "to", "for", "our", "and", "in", "on", "with", "by", "all", "new", "we", "per"}


def content_words(text: str) -> set[str]:
    """Lower-case words that carry meaning (no stop words, no numbers), crudely singularised."""
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return {_singular(w) for w in words if w not in _STOP}


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


_GENERIC_METRIC_WORDS = {
    "rate",
    "share",
    "percentage",
    "level",
    "score",
    "time",
    "number",
    "completion",
    "count",
    "ratio",
}


def restates_output(metric: str, goal: str) -> bool:
    """The metric measures the goal's own deliverable ('head of sales hire', 'guidelines defined').

    True when the name is an activity count, leads with a deliverable verb, or is made almost entirely of
    the goal's own words (the deliverable re-labelled as a metric).
    """
    if is_activity_count(metric) or starts_with_deliverable(metric):
        return True
    mine = content_words(metric) - _GENERIC_METRIC_WORDS
    if not mine:
        return True
    return len(mine & content_words(goal)) / len(mine) >= 0.8
