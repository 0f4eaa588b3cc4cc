"""The coach's side of a conversation: follow-ups are typed operations applied to the reviews in code.

    recognise(message, conversation) -> Operation     what the user is doing (rules; the model only for the rest)
    apply(operation, conversation, catalogue) -> Turn  the reviews after it, which key result changed, the reply
    step(...)                                          both, plus the user's words kept as the source of numbers

Numbers come only from the user: they fill the slot they name, checked (a target is a number, a deadline
a date). Proxies come from the catalogue's ``leading`` metrics (never slower than the outcome), reframes from
its ``owned_slice``, other metrics from the review's candidates. The model never writes a key result: it may
only name an operation the rules could not place, and word a short explanation that passes the same guard
as everything else (no number the user did not give, no placeholder the product does not define).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal, get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from .candidates import distinct
from .compose import VERBS, MetricView, initiative_phrase, key_result, scope_of, scoped
from .decide import view
from .policy import DELIVERABLE_VERBS
from .prompts import load_prompt
from .roadmap import ParsedRoadmap
from .schemas import (
    PLACEHOLDER_BASELINE,
    PLACEHOLDER_DEADLINE,
    PLACEHOLDER_NUMBER,
    PLACEHOLDER_TARGET,
    MetricEntry,
    Review,
    Rewrite,
)
from .slots import SlotReading, as_number, read_slots
from .textutils import direction_for, enforce_placeholders, prepare_goal

OpKind = Literal[
    "set_numbers",
    "unknown_baseline",
    "more_ambitious",
    "proxy",
    "cannot_control",
    "why",
    "another_metric",
    "select",
    "new_goal",
    "unclear",
]
# What the model may answer when the rules cannot place a message: never "new_goal" (a follow-up the coach
# does not understand gets a question back, not a new review) and never "select" (pointers are read by rules).
ModelOpKind = Literal[
    "set_numbers", "unknown_baseline", "more_ambitious", "proxy", "cannot_control", "why", "another_metric", "unclear"
]
MODEL_KINDS: tuple[str, ...] = get_args(ModelOpKind)
NEEDS_KEY_RESULT = set(MODEL_KINDS) - {"unclear"}
DEFINED_PLACEHOLDERS = {PLACEHOLDER_BASELINE, PLACEHOLDER_TARGET, PLACEHOLDER_DEADLINE, PLACEHOLDER_NUMBER, "[metric]"}
HORIZON_ORDER = {"weeks": 0, "quarter": 1, "year": 2}
SLOTS = ("baseline", "target", "deadline")

Classifier = Callable[[str, Review | None], str | None]
Wording = Callable[[str, str], str | None]


class Operation(BaseModel):
    """One recognised follow-up. ``pointer`` is the key result it names (0-based), if it names one."""

    kind: OpKind
    text: str = ""
    slots: dict[str, str | None] = Field(default_factory=dict)
    refused: list[str] = Field(default_factory=list)
    loose: list[str] = Field(default_factory=list)
    pointer: int | None = None
    ambiguous: list[int] = Field(default_factory=list)
    via: Literal["rules", "model", "none"] = "rules"


class Conversation(BaseModel):
    """What the coach remembers: the reviews of the last goal or set, which one is in focus, the user's words."""

    reviews: list[Review] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list, description="'KR1', 'KR2'... or 'O2 KR1' with several objectives")
    focus: int | None = None
    facts: list[str] = Field(default_factory=list, description="every follow-up: the only other source of numbers")
    pending: Operation | None = None
    shown: dict[int, list[str]] = Field(default_factory=dict, description="metric ids already offered, per review")
    last_operation: str | None = Field(None, description="what the last follow-up did; None right after a review")

    @property
    def source(self) -> str:
        """Everything the user wrote: the only numbers any answer may contain."""
        parts = [t for r in self.reviews for t in (r.goal, r.objective or "")]
        return " ".join([*parts, *self.facts])

    def label(self, index: int) -> str:
        return self.labels[index] if index < len(self.labels) else f"KR{index + 1}"

    def name(self, index: int, capital: bool = False) -> str:
        """How a reply names a key result: its label in a set, 'this key result' for a single goal."""
        if self.is_set:
            return f"**{self.label(index)}**"
        return "This key result" if capital else "this key result"

    @property
    def is_set(self) -> bool:
        return len(self.reviews) > 1


class Turn(BaseModel):
    """The result of one follow-up: the conversation after it, the reviews that changed and the reply."""

    operation: Operation
    conversation: Conversation
    changed: list[int] = Field(default_factory=list)
    reply: str = ""
    asks: bool = False


# ------------------------------------------------------------------------------------------- starting


_KR_IN_LINE = re.compile(r"\b(?:kr|key\s*results?)\s*(?P<n>\d+)\b", re.I)


def labels_for(parsed: ParsedRoadmap, message: str) -> list[str]:
    """'KR1'... per item: the label written on its line, else its position under its objective."""
    lines = message.splitlines()
    objectives: list[str | None] = []
    for item in parsed.items:
        if item.objective not in objectives:
            objectives.append(item.objective)
    several = len([o for o in objectives if o]) > 1
    counters: dict[str | None, int] = {}
    out: list[str] = []
    for item in parsed.items:
        counters[item.objective] = counters.get(item.objective, 0) + 1
        line = lines[item.line - 1] if item.line and item.line <= len(lines) else ""
        m = _KR_IN_LINE.search(line.split(item.text[:20])[0] if item.text[:20] in line else line)
        n = int(m.group("n")) if m else counters[item.objective]
        prefix = f"O{objectives.index(item.objective) + 1} " if several else ""
        out.append(f"{prefix}KR{n}")
    return out


def start(reviews: Sequence[Review], labels: Sequence[str] | None = None) -> Conversation:
    """A new conversation about freshly reviewed goals; a single goal is in focus at once."""
    reviews = list(reviews)
    return Conversation(
        reviews=reviews,
        labels=list(labels or [f"KR{n}" for n in range(1, len(reviews) + 1)]),
        focus=0 if len(reviews) == 1 else None,
    )


# ------------------------------------------------------------------------------------------ recognising

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
}
_OBJ_KR = re.compile(r"\b(?:o|obj(?:ective)?)\s*(?P<o>\d+)\s*[,/·.:-]?\s*(?:kr|key\s*result)\s*#?\s*(?P<k>\d+)\b", re.I)
_KR = re.compile(r"\b(?:kr|key\s*result)\s*#?\s*(?P<k>\d+)\b", re.I)
_ORDINAL = re.compile(rf"\b(?:the\s+)?(?P<o>{'|'.join(_ORDINALS)})\s+(?:one|kr|key\s*result|goal|item|line)\b", re.I)
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{3,80})[\"“”«»„]|(?<![\w])['‘’]([^'‘’]{3,80})['‘’](?![\w])")
_THE_X_ONE = re.compile(r"\bthe\s+(?P<w>[a-z][a-z -]{2,40}?)\s+(?:one|kr|key\s*result)\b", re.I)

_UNKNOWN_BASELINE = re.compile(
    r"\b(?:don'?t|do\s+not|doesn'?t|no\s+idea|not\s+sure|unknown|haven'?t|have\s+not|never|no)\b[^.?!]{0,40}?"
    r"\b(?:baseline|current\s+(?:value|level|number|rate)|starting\s+point|know\s+where\s+we\s+(?:are|stand)|"
    r"measured?|data|where\s+we\s+(?:are|stand))\b|\bbaseline\b[^.?!]{0,20}\b(?:unknown|missing|not\s+known)\b",
    re.I,
)
_CANNOT_CONTROL = re.compile(
    r"\b(?:can'?t|cannot|can\s+not|don'?t|do\s+not|doesn'?t|does\s+not|unable\s+to|not\s+able\s+to|no\s+way\s+to)\s+"
    r"(?:really\s+|fully\s+|directly\s+)?(?:control|influence|move|affect|drive|own)\b|"
    r"\bout\s+of\s+our\s+(?:hands|control)\b|\bnot\s+(?:in|within|under)\s+our\s+control\b|\bbeyond\s+our\s+control\b|"
    r"\boutside\s+(?:of\s+)?(?:our|the\s+team'?s?)\s+control\b|\bnot\s+up\s+to\s+us\b|\bnot\s+ours\s+to\s+move\b|"
    r"\bno\s+(?:real\s+)?(?:control|say|influence)\s+over\b|"
    r"\b(?:isn'?t|is\s+not|not)\s+(?:controllable|in\s+our\s+hands)\b|\bdepends\s+on\s+(?:the\s+)?(?:market|others|other\s+"
    r"teams|the\s+economy|customers|competitors|regulators)\b",
    re.I,
)
_PROXY = re.compile(
    r"\bproxy|\bproxies\b|\bleading\s+(?:indicator|metric|signal)s?\b|\bearl(?:y|ier)\s+(?:signal|indicator|metric|"
    r"sign)s?\b|\b(?:too\s+slow|takes?\s+too\s+long)\b|\bmeasure\s+(?:it\s+|this\s+)?(?:sooner|earlier|faster)\b|"
    r"\b(?:faster|quicker|sooner)\s+(?:signal|metric|indicator|read)\b|\bpredicts?\b",
    re.I,
)
_AMBITIOUS = re.compile(
    r"\bambitio\w*|\bstretch\w*|\bbolder\b|\baim\s+higher\b|\btoo\s+(?:easy|low|safe|conservative|modest)\b|"
    r"\bpush\s+(?:it|harder|further)\b|\bmore\s+aggressive\b|\braise\s+the\s+bar\b|\bhigher\s+target\b|\bmoonshot\b",
    re.I,
)
_ANOTHER = re.compile(
    r"\b(?:another|different|other|alternative|else)\b[^.?!]{0,25}\b(?:metric|measure|kpi|one|option|outcome|"
    r"key\s*result|kr|suggestion|way\s+to\s+measure)s?\b|\binstead\b|\bsomething\s+else\b|\bnot\s+(?:this|that)\s+metric\b|"
    r"\balternatives?\b",
    re.I,
)
_WHY = re.compile(
    r"^\s*(?:why|how\s+come)\b|\bwhy\b|\bexplain\b|\bwhat\s+makes\s+(?:it|this)\b|\breason(?:ing)?\b|\bbased\s+on\s+what\b",
    re.I,
)
_NEW_GOAL_PREFIX = re.compile(
    r"^\s*(?:new\s+goal|next\s+goal|another\s+goal|review(?:\s+this)?|new\s+kr|new\s+key\s+result)\s*[:\-–—]\s*", re.I
)
_OUTCOME_VERBS = (
    "increase",
    "raise",
    "reduce",
    "improve",
    "grow",
    "cut",
    "lower",
    "boost",
    "decrease",
    "double",
    "halve",
    "maintain",
    "retain",
    "convert",
    "expand",
    "drive",
    "minimi[sz]e",
    "maximi[sz]e",
    "make",
)
_GOAL_HEAD = re.compile(
    rf"^\s*(?:{'|'.join([*DELIVERABLE_VERBS, *_OUTCOME_VERBS])})(?:e?s|ed|ing)?\s+(?!(?:it|this|that|them|the\s+"
    r"(?:target|baseline|deadline|bar|number|one|kr|key\s+result)|kr\d|our\s+(?:target|baseline|deadline))\b)[A-Za-z]",
    re.I,
)
_REFERS_BACK = re.compile(
    r"\b(?:it|this|that|these|baseline|target|deadline|proxy|metric|the\s+(?:one|kr|key\s+result)|kr\s*\d)\b", re.I
)
_FILLER = re.compile(
    r"\b(?:what|about|and|how|ok(?:ay)?|so|then|now|please|pls|let'?s|look|at|go|with|to|on|the|one|show|me|"
    r"select|pick|take|use|i|mean|meant|talking|talk|focus|instead|switch)\b|[?.!,:;]",
    re.I,
)


def _index_of_label(conv: Conversation, objective: int | None, kr: int) -> list[int]:
    hits = []
    for i, label in enumerate(conv.labels):
        m = re.fullmatch(r"(?:O(?P<o>\d+) )?KR(?P<k>\d+)", label)
        if not m or int(m.group("k")) != kr:
            continue
        if objective is not None and m.group("o") and int(m.group("o")) != objective:
            continue
        hits.append(i)
    if not hits and objective is None and 1 <= kr <= len(conv.reviews) and not any("O" in x for x in conv.labels):
        hits = [kr - 1]
    return hits


def _fragment_hits(conv: Conversation, fragment: str) -> list[int]:
    """Key results whose goal holds the fragment (as written, else all its words); the metric name last."""
    frag = " ".join(fragment.lower().split())
    hits = [i for i, r in enumerate(conv.reviews) if frag in " ".join(r.goal.lower().split())]
    if hits:
        return hits
    words = [w.rstrip("s") for w in re.findall(r"[a-z]{3,}", frag) if w not in {"the", "one", "our", "and"}]
    if not words:
        return []
    for text_of in (lambda r: r.goal, lambda r: f"{r.metric or ''} {r.rewrite or ''}"):
        hits = [i for i, r in enumerate(conv.reviews) if all(w in text_of(r).lower() for w in words)]
        if hits:
            return hits
    return []


def find_pointer(message: str, conv: Conversation) -> tuple[list[int], str]:
    """Which key result(s) the message names ('KR1', 'the second one', a quoted fragment) and the words used."""
    if not conv.reviews:
        return [], ""
    m = _OBJ_KR.search(message)
    if m:
        return _index_of_label(conv, int(m.group("o")), int(m.group("k"))), m.group(0)
    m = _KR.search(message)
    if m:
        return _index_of_label(conv, None, int(m.group("k"))), m.group(0)
    m = _ORDINAL.search(message)
    if m:
        n = _ORDINALS[m.group("o").lower()]
        index = len(conv.reviews) - 1 if n == -1 else n - 1
        return ([index] if 0 <= index < len(conv.reviews) else []), m.group(0)
    for m in _QUOTED.finditer(message):
        fragment = m.group(1) or m.group(2)
        hits = _fragment_hits(conv, fragment)
        if hits:
            return hits, m.group(0)
    if conv.is_set:
        for the in re.finditer(r"\bthe\b", message, re.I):
            m = _THE_X_ONE.match(message, the.start())
            if m and m.group("w").lower().split()[0] not in _ORDINALS:
                hits = _fragment_hits(conv, m.group("w"))
                if hits:
                    return hits, m.group(0)
    return [], ""


def looks_like_new_goal(text: str) -> bool:
    """'Reduce churn to 3% by Q4' (a verb and its own object) rather than 'raise it to 70%' (about the review)."""
    words = text.split()
    return len(words) >= 2 and bool(_GOAL_HEAD.match(text)) and not _REFERS_BACK.search(text)


def recognise(message: str, conv: Conversation, classify: Classifier | None = None) -> Operation:
    """Name the operation a message asks for. Rules first; ``classify`` (the model) only for what they miss."""
    text = message.strip()
    if not conv.reviews:
        return Operation(kind="new_goal", text=text)
    prefixed = _NEW_GOAL_PREFIX.match(text)
    if prefixed:
        return Operation(kind="new_goal", text=text[prefixed.end() :].strip())
    if len([line for line in text.splitlines() if line.strip()]) > 1:
        return Operation(kind="new_goal", text=text)
    hits, said = find_pointer(text, conv)
    if said and not hits:  # "KR7" in a set of three: say so rather than guess
        return Operation(kind="select", text=text)
    if not said and looks_like_new_goal(text):
        return Operation(kind="new_goal", text=text)
    pointer = hits[0] if len(hits) == 1 else None
    ambiguous = hits if len(hits) > 1 else []
    rest = text.replace(said, " ") if said else text
    reading = read_slots(rest)
    base = {"text": text, "pointer": pointer, "ambiguous": ambiguous}
    kind: str | None = None
    if _UNKNOWN_BASELINE.search(rest) and not reading.any:
        kind = "unknown_baseline"
    elif reading.any or reading.refused:
        kind = "set_numbers"
    elif _WHY.match(rest) and not _CANNOT_CONTROL.search(rest):
        kind = "why"
    elif _CANNOT_CONTROL.search(rest):
        kind = "cannot_control"
    elif _PROXY.search(rest):
        kind = "proxy"
    elif _ANOTHER.search(rest):
        kind = "another_metric"
    elif _AMBITIOUS.search(rest):
        kind = "more_ambitious"
    elif _WHY.search(rest):
        kind = "why"
    elif reading.loose:
        kind = "set_numbers"
    elif said and not _FILLER.sub(" ", rest).strip():
        kind = "select"
    if kind:
        return Operation(kind=kind, slots=reading.as_dict(), refused=reading.refused, loose=reading.loose, **base)
    if classify is not None:
        focus = _target_index(Operation(kind="unclear", **base), conv)
        answer = classify(text, conv.reviews[focus] if focus is not None else None)
        if answer in MODEL_KINDS and answer != "unclear":
            if answer == "set_numbers" and not reading.any:
                answer = "unclear"  # the model may name the operation, never supply the numbers
            else:
                return Operation(kind=answer, via="model", slots=reading.as_dict(), **base)  # type: ignore[arg-type]
        return Operation(kind="unclear", via="model", **base)
    return Operation(kind="unclear", via="none", **base)


# -------------------------------------------------------------------------------------------- applying


def _target_index(op: Operation, conv: Conversation) -> int | None:
    if op.pointer is not None:
        return op.pointer
    if conv.focus is not None and conv.focus < len(conv.reviews):
        return conv.focus
    return 0 if len(conv.reviews) == 1 else None


def _entry(r: Review, catalogue: dict[str, MetricEntry]) -> MetricEntry | None:
    """The catalogue metric the review's main key result moves."""
    mid = r.rewrites[0].metric_id if r.rewrites and r.rewrites[0].metric_id else r.metric_id
    return catalogue.get(mid) if mid else None


def _metric(r: Review, catalogue: dict[str, MetricEntry]) -> MetricView:
    entry = _entry(r, catalogue)
    if entry:
        return view(entry)
    name = (r.rewrites[0].metric if r.rewrites else r.metric) or "[metric]"
    return MetricView(name=name, polarity="down" if direction_for(name) == "Reduce" else "up")


def _in_scope(r: Review, m: MetricView) -> MetricView:
    """The metric counted over the group the goal names, as the first review said it (``compose.scoped``): a number
    or a proxy asked for in the chat had dropped "for Year 9 pupils"."""
    return scoped(m, scope_of(prepare_goal(r.goal).for_model))


def _hypothesis(r: Review, m: MetricView) -> str | None:
    if not r.initiative:
        return r.hypothesis
    m = _in_scope(r, m)
    verb = VERBS[m.polarity][1]
    b, t = r.baseline or PLACEHOLDER_BASELINE, r.target or PLACEHOLDER_TARGET
    when = r.deadline or PLACEHOLDER_DEADLINE
    change = (
        f"{verb} {m.name} within {t} through {when}"
        if m.polarity == "within"
        else f"{verb} {m.name} from {b} to {t} by {when}"
    )
    return f"We believe {initiative_phrase(r.initiative)} will {change}."


def _missing(r: Review) -> list[str]:
    return [s for s in SLOTS if not getattr(r, s)]


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _which_one(conv: Conversation, among: Sequence[int] | None = None) -> str:
    options = list(among) if among else list(range(len(conv.reviews)))
    listing = "\n".join(f"- **{conv.label(i)}**: {conv.reviews[i].goal}" for i in options)
    return f"Which key result do you mean?\n\n{listing}\n\nReply with its label (e.g. *{conv.label(options[0])}*)."


def apply(op: Operation, conv: Conversation, catalogue: dict[str, MetricEntry], wording: Wording | None = None) -> Turn:
    """Apply one operation to a copy of the conversation. Pure: the same input always gives the same turn."""
    conv = conv.model_copy(deep=True)
    if op.kind == "new_goal":
        return Turn(operation=op, conversation=conv, reply="")
    if op.kind == "unclear" and op.pointer is None:
        return Turn(operation=op, conversation=conv, reply=_unclear(conv), asks=True)
    if op.ambiguous:
        conv.pending = op.model_copy(update={"ambiguous": [], "pointer": None}) if op.kind != "select" else None
        return Turn(operation=op, conversation=conv, reply=_which_one(conv, op.ambiguous), asks=True)
    if op.kind == "select":
        if op.pointer is None:
            return Turn(
                operation=op,
                conversation=conv,
                reply=f"There is no such key result here. {_which_one(conv)}",
                asks=True,
            )
        conv.focus = op.pointer
        if conv.pending is not None:
            pending = conv.pending.model_copy(update={"pointer": op.pointer})
            conv.pending = None
            done = apply(pending, conv, catalogue, wording)
            return done.model_copy(
                update={"operation": op}
            )  # what the user did: pointed; the change is the pending one
        r = conv.reviews[op.pointer]
        current = r.rewrite or r.goal
        return Turn(
            operation=op,
            conversation=conv,
            reply=f"Now on {conv.name(op.pointer)}: *{r.goal}*. Current key result: **{current}**. "
            "What should change? Give numbers, ask for a proxy, more ambition or another metric.",
            asks=True,
        )
    index = _target_index(op, conv)
    if index is None:
        conv.pending = op
        return Turn(operation=op, conversation=conv, reply=_which_one(conv), asks=True)
    conv.focus = index
    conv.pending = None
    if op.kind == "unclear":
        return Turn(operation=op, conversation=conv, reply=_unclear(conv), asks=True)
    before = conv.reviews[index].model_copy(deep=True)
    handler = _HANDLERS[op.kind]
    reply, asks = handler(op, conv, index, catalogue, wording)
    changed = [index] if conv.reviews[index].model_dump() != before.model_dump() else []
    return Turn(operation=op, conversation=conv, changed=changed, reply=reply, asks=asks)


def _set_numbers(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    label = conv.name(i)
    given = {k: v for k, v in op.slots.items() if v}
    refusal = " ".join(op.refused)
    if not given:
        if op.refused:
            return f"{refusal} What should it be?", True
        loose = _and([f"**{v}**" for v in op.loose]) or "that number"
        return (
            f"Is {loose} the baseline (where {label} is today) or the target (where it should get to)? "
            "Say *baseline* or *target* with the number, and *by* with the deadline.",
            True,
        )
    r = conv.reviews[i]
    for slot, value in given.items():
        setattr(r, slot, value)
    m = _metric(r, catalogue)
    text, _ = enforce_placeholders(key_result(_in_scope(r, m), r.baseline, r.target, r.deadline), conv.source)
    new = Rewrite(text=text or "", metric=m.name, metric_id=m.id, basis="user")
    r.rewrites = [new, *r.rewrites[1:]] if r.rewrites else [new]
    r.measurable = bool(r.target)
    r.hypothesis = _hypothesis(r, m)
    if r.proxy_id and "deadline" in given and r.proxy_id in catalogue:
        r.proxy_rewrite = key_result(_in_scope(r, view(catalogue[r.proxy_id])), deadline=r.deadline)
    parts = [f"Updated {label} with your numbers: **{text}**."]
    missing = _missing(r)
    if missing:
        what = "What is it" if len(missing) == 1 else "What are they"
        parts.append(f"Still missing: the {_and(missing)}. {what}, once you know (e.g. *the {missing[0]} is ...*)?")
    else:
        parts.append("It is now fully measurable.")
    parts += _direction_warning(r, m)
    parts += _unit_warning(given, _entry(r, catalogue))
    if op.refused:
        parts.append(refusal)
    if op.loose:
        parts.append(f"I did not use {_and(op.loose)}: is it the baseline or the target?")
    return " ".join(parts), bool(missing or op.refused or op.loose)


def _direction_warning(r: Review, m: MetricView) -> list[str]:
    b, t = as_number(r.baseline), as_number(r.target)
    if b is None or t is None or (r.target or "").startswith(("+", "-")) or m.polarity == "within":
        return []
    if m.polarity == "up" and t < b:
        return [
            f"Note: the target ({r.target}) is below the baseline ({r.baseline}), but for {m.name} higher is "
            "better. If that is not what you meant, swap them."
        ]
    if m.polarity == "down" and t > b:
        return [
            f"Note: the target ({r.target}) is above the baseline ({r.baseline}), but for {m.name} lower is "
            "better. If that is not what you meant, swap them."
        ]
    return []


def _unit_warning(given: dict[str, str], entry: MetricEntry | None) -> list[str]:
    """'20%' for a metric counted in currency or days: kept, but said, so a share is not read as an amount."""
    if entry is None or entry.unit.strip() == "%" or "%" in entry.unit:
        return []
    shares = [v for k, v in given.items() if k != "deadline" and v.rstrip().endswith("%") and v[:1] not in "+-"]
    if not shares:
        return []
    return [
        f"Note: {entry.name} is counted in {entry.unit}, so {_and(shares)} reads like a share. If you meant a "
        "relative change, write it as *raise it by* and the percentage; otherwise give the value in "
        f"{entry.unit}."
    ]


def _unknown_baseline(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    m = _metric(r, catalogue)
    entry = _entry(r, catalogue)
    where = f" The data usually lives in {entry.source}." if entry else ""
    return (
        f"That is fine: keep **{PLACEHOLDER_BASELINE}** as a visible placeholder in {conv.name(i)}, and never guess "
        f"it. Make measuring *{m.name}* the first task of the quarter: agree on how it is counted, check that the "
        f"data exists, read its value over the last few weeks, then set the target relative to it.{where} "
        "What is the number, once you have measured it (e.g. *our baseline is ...*)?",
        True,
    )


def _more_ambitious(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    m = _metric(r, catalogue)
    label, cap = conv.name(i), conv.name(i, capital=True)
    how = (
        "A stretch target is one you expect to reach only about seven times in ten: take the best change in "
        f"*{m.name}* you have seen in a quarter (or what the best teams you compare with reach) and aim beyond it. "
        "It stays a number you believe in, not a wish."
    )
    if r.target:
        since = f" from {r.baseline}" if r.baseline else ""
        return (
            f"The target for {label} is **{r.target}**{since}. {how}\n\nWhat should the stretch target be? "
            "Reply with *target* and the number; I will put it into the key result.",
            True,
        )
    first = "its current value (the baseline) and " if not r.baseline else ""
    return (
        f"{cap} has no target yet, so there is nothing to stretch. Find {first}the change you would call a "
        f"good quarter. {how}\n\nWhat target do you want to aim for? Reply with *target* and the number (and *by* "
        "with the deadline); I will put it into the key result.",
        True,
    )


def leading_for(entry: MetricEntry, catalogue: dict[str, MetricEntry]) -> list[MetricEntry]:
    """The entry's leading metrics that are not slower than it (and never yearly), fastest first."""
    leads = [
        catalogue[x]
        for x in entry.leading
        if x in catalogue
        and catalogue[x].horizon != "year"
        and HORIZON_ORDER[catalogue[x].horizon] <= HORIZON_ORDER[entry.horizon]
    ]
    return sorted(leads, key=lambda e: HORIZON_ORDER[e.horizon])


_SPEED = {"weeks": "within weeks", "quarter": "within a quarter", "year": "only after many months"}


def _proxy(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    entry = _entry(r, catalogue)
    m = _metric(r, catalogue)
    if entry is None:
        return (
            f"*{m.name}* is not in our metric catalogue, so I cannot tell which metric leads it. A good proxy moves "
            f"within weeks and predicts {m.name}: which early customer behaviour comes before it in your data?",
            True,
        )
    leads = leading_for(entry, catalogue)
    if not leads:
        return (
            f"*{entry.name}* shows {_SPEED[entry.horizon]}, and the catalogue has no faster metric that leads it. "
            "A proxy must move sooner than the outcome and predict it: which early behaviour of your customers comes "
            "before it?",
            True,
        )
    chosen = next((e for e in leads if e.id == r.proxy_id), leads[0])
    r.proxy, r.proxy_id = chosen.name, chosen.id
    r.proxy_rewrite = key_result(_in_scope(r, view(chosen)), deadline=r.deadline)
    if entry.horizon == "weeks":
        opener = (
            f"*{entry.name}* already shows within weeks, so you can steer by it directly. For an even earlier signal, "
            f"*{chosen.name}* leads it"
        )
    else:
        opener = (
            f"*{entry.name}* shows {_SPEED[entry.horizon]}; *{chosen.name}* moves {_SPEED[chosen.horizon]} and "
            "predicts it"
        )
    others = [e.name for e in leads if e.id != chosen.id]
    more = f" Other leading metrics: {_and(others)}." if others else ""
    return (
        f"{opener}:\n\n**{r.proxy_rewrite}**\n\nRead it weekly; if it moves and {entry.name} does not follow, the link "
        f"is weaker than assumed.{more}",
        False,
    )


def _cannot_control(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    label, cap = conv.name(i), conv.name(i, capital=True)
    entry = _entry(r, catalogue)
    m = _metric(r, catalogue)
    if not r.team_controls and r.reframe and r.rewrites and r.rewrites[0].basis == "reframe":
        return (
            f"{cap} is already set on *{r.reframe}*, the part your team's work moves: **{r.rewrites[0].text}**. "
            "If even that is out of reach: what does your team change directly? I will rewrite it around that.",
            True,
        )
    owned: MetricEntry | None = None
    if entry and entry.scope == "external" and entry.owned_slice:
        owned = catalogue.get(entry.owned_slice)
    elif entry:
        owned = next((e for e in leading_for(entry, catalogue) if e.scope == "team"), None)
    if owned is None:
        return (
            f"Which part of *{m.name}* does your team's own work change? Name it (e.g. something your customers do "
            "that your work affects directly) and I will rewrite the key result around it.",
            True,
        )
    dropped = [f"{s} {getattr(r, s)}" for s in ("baseline", "target") if getattr(r, s)]
    old = r.rewrites[0] if r.rewrites else None
    r.baseline = r.target = None
    new = Rewrite(
        text=key_result(_in_scope(r, view(owned)), deadline=r.deadline),
        metric=owned.name,
        metric_id=owned.id,
        basis="reframe",
    )
    r.rewrites = [new, *([old] if old else [])][:3]
    r.team_controls = False
    r.reframe = owned.name
    r.control_reason = f"As written, this depends on forces outside the team; {owned.name} is the part its work moves."
    r.measured_in = owned.source
    r.measurable = False
    r.hypothesis = _hypothesis(r, view(owned))
    kept = f" Keep *{m.name}* as the result you report on, not the one the team is scored on." if old else ""
    numbers = f" Your {_and(dropped)} measured {m.name}: what are the numbers for the new metric?" if dropped else ""
    return (
        f"Then set {label} on the part your team's work moves, *{owned.name}*:\n\n**{new.text}**\n\n{kept.strip()}"
        f"{numbers}",
        bool(dropped),
    )


def _why(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    parts = [r.rationale]
    if not r.team_controls and r.control_reason:
        parts.append(r.control_reason)
    facts = " ".join(parts)
    text = f"**{conv.label(i)}**: {facts}" if conv.is_set else facts
    if wording is not None:
        extra = wording(op.text, f"Goal: {r.goal}. {facts}")
        clean = guard_words(extra, conv.source + " " + facts)
        if clean:
            text += f"\n\n{clean}"
    return text + "\n\nThe guidance behind this is listed with its titles under the review above.", False


def _another_metric(
    op: Operation, conv: Conversation, i: int, catalogue: dict[str, MetricEntry], wording: Wording | None
) -> tuple[str, bool]:
    r = conv.reviews[i]
    current = _entry(r, catalogue)
    shown = set(conv.shown.get(i, [])) | {x for x in (r.metric_id, r.proxy_id, current.id if current else None) if x}
    offered = [rw.metric_id for rw in r.rewrites[1:] if rw.metric_id and rw.basis == "alternative"]
    pool = []
    for cid in dict.fromkeys([*offered, *r.candidates]):
        e = catalogue.get(cid)
        if not e or cid in shown or e.scope != "team":
            continue
        if current and not distinct(e, current):
            continue
        pool.append(e)
    if not pool:
        return (
            f"I have no other catalogue metric close to *{r.goal}*. Which change in your customers' behaviour would "
            "tell you this worked? Name it and I will write the key result around it.",
            True,
        )
    new = pool[0]
    conv.shown[i] = [*conv.shown.get(i, []), *[x for x in (current.id if current else r.metric_id,) if x]]
    old = r.rewrites[0] if r.rewrites else None
    dropped = [f"{s} {getattr(r, s)}" for s in ("baseline", "target") if getattr(r, s)]
    r.metric, r.metric_id = new.name, new.id
    r.baseline = r.target = None
    new_rw = Rewrite(
        text=key_result(_in_scope(r, view(new)), deadline=r.deadline),
        metric=new.name,
        metric_id=new.id,
        basis="alternative",
    )
    r.rewrites = [new_rw, *([old] if old else [])]
    r.team_controls, r.reframe = True, None
    r.control_reason = "The team can move this through its own work."
    r.measured_in = new.source
    r.measurable = False
    slow = new.horizon == "year"
    lead = leading_for(new, catalogue)[0] if slow and leading_for(new, catalogue) else None
    r.needs_proxy = slow
    r.proxy, r.proxy_id = (lead.name, lead.id) if lead else (None, None)
    r.proxy_rewrite = key_result(_in_scope(r, view(lead)), deadline=r.deadline) if lead else None
    r.hypothesis = _hypothesis(r, view(new))
    was = f" The earlier suggestion stays as an alternative: {old.text}." if old else ""
    numbers = (
        f" Your {_and(dropped)} measured the earlier metric: what are the numbers for this one?" if dropped else ""
    )
    return (
        f"Another metric for {conv.name(i)}: *{new.name}* ({new.definition.rstrip('.')}; measured in "
        f"{new.source}).\n\n**{new_rw.text}**\n\n{was.strip()}{numbers}",
        bool(dropped),
    )


_HANDLERS: dict[str, Callable[..., tuple[str, bool]]] = {
    "set_numbers": _set_numbers,
    "unknown_baseline": _unknown_baseline,
    "more_ambitious": _more_ambitious,
    "proxy": _proxy,
    "cannot_control": _cannot_control,
    "why": _why,
    "another_metric": _another_metric,
}


def _unclear(conv: Conversation) -> str:
    on = f" about **{conv.label(conv.focus)}**" if conv.is_set and conv.focus is not None else ""
    pick = " Name a key result (*KR2*, *the second one* or a quoted part of it) to work on it." if conv.is_set else ""
    return (
        f"I am not sure what to change{on}. I can: fill in your numbers (*our baseline is ... and the target ... by "
        "...*), make it more ambitious, suggest a proxy that shows sooner, reframe it to what your team controls, "
        f"explain why, or offer another metric. Which would help?{pick} To review a different goal, start with "
        "*Review:*."
    )


# ------------------------------------------------------------------------------------------------ guard

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,40})\](?!\()")
_IDS = re.compile(r"\b(?:G\d{2}|[a-z]{2,8}-\d{3,})\b")


def undefined_placeholders(text: str) -> list[str]:
    """Bracketed words that are not one of the product's placeholders ('[ambition]', '[percent]')."""
    return [m.group(0) for m in _BRACKETED.finditer(text or "") if m.group(0) not in DEFINED_PLACEHOLDERS]


def guard_words(text: str | None, source: str, limit: int = 420) -> str | None:
    """The model's wording, or None: numbers the user did not give and unknown placeholders are not allowed."""
    if not text or not text.strip():
        return None
    clean, replaced = enforce_placeholders(text.strip(), source)
    if replaced or not clean or undefined_placeholders(clean) or _IDS.search(clean) or len(clean) > limit:
        return None
    return clean


def guard_reply(text: str, source: str) -> str:
    """Every reply passes here: invented numbers become placeholders, undefined placeholders lose their brackets."""
    clean, _ = enforce_placeholders(text, source)
    return _BRACKETED.sub(lambda m: m.group(0) if m.group(0) in DEFINED_PLACEHOLDERS else m.group(1), clean or "")


# ------------------------------------------------------------------------------------------------- step


def step(
    message: str,
    conv: Conversation,
    catalogue: dict[str, MetricEntry],
    classify: Classifier | None = None,
    wording: Wording | None = None,
) -> Turn:
    """One follow-up: recognise it, keep the user's words, apply it, guard the reply."""
    op = recognise(message, conv, classify)
    if op.kind == "new_goal":
        return Turn(operation=op, conversation=conv)
    with_fact = conv.model_copy(deep=True)
    with_fact.facts.append(message.strip())
    turn = apply(op, with_fact, catalogue, wording)
    turn.conversation.last_operation = op.kind
    extra = " ".join(e.definition + " " + e.name for e in catalogue.values() if e.name in turn.reply)
    turn.reply = guard_reply(turn.reply, turn.conversation.source + " " + extra)
    return turn


def slot_values(r: Review) -> dict[str, str | None]:
    return {s: getattr(r, s) for s in SLOTS}


# ------------------------------------------------------------------------------------------- the model


class FollowUpIntent(BaseModel):
    """The model's only answer about a follow-up: which operation it asks for."""

    operation: ModelOpKind


def model_classifier(model: BaseChatModel) -> Classifier:
    """Ask the chat model which operation a message the rules could not place asks for (grammar-constrained)."""
    prompt = load_prompt("intent")
    structured = model.with_structured_output(FollowUpIntent)

    example_about = 'Launch the new onboarding flow" (suggested: Raise activation rate of new sign-ups from ...)'
    shots: list[BaseMessage] = []
    for said, answer in prompt.examples:  # prior turns: a small model follows examples better than rules
        shots.append(HumanMessage(prompt.render_user(review=example_about, message=said)))
        shots.append(AIMessage(FollowUpIntent(operation=answer).model_dump_json()))  # type: ignore[arg-type]

    def classify(message: str, review: Review | None) -> str | None:
        about = f'{review.goal}" (suggested: {review.rewrite or review.goal})' if review else "(none)"
        messages = [
            SystemMessage(prompt.system),
            *shots,
            HumanMessage(prompt.render_user(review=about, message=message.replace('"', "'"))),
        ]
        try:
            out = structured.invoke(messages)
        except Exception:  # a failed recognition is an unclear message, never a crash
            return None
        return getattr(out, "operation", None)

    return classify


def model_wording(model: BaseChatModel, max_tokens: int = 90) -> Wording:
    """Ask the chat model to word a short explanation of facts the code already decided."""
    prompt = load_prompt("coach")

    def word(question: str, facts: str) -> str | None:
        messages = [
            SystemMessage(prompt.system),
            HumanMessage(prompt.render_user(review=facts, guidance="", question=question)),
        ]
        try:
            return str(model.invoke(messages, max_tokens=max_tokens).content)
        except Exception:
            return None

    return word


__all__ = [
    "Conversation",
    "Operation",
    "SlotReading",
    "Turn",
    "apply",
    "find_pointer",
    "guard_reply",
    "labels_for",
    "recognise",
    "start",
    "step",
    "undefined_placeholders",
]
