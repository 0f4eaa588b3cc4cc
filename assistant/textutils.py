"""Deterministic text work: numbers, dates, placeholders and input checks. No model involved.

The rule that matters most lives here: a number the user did not give never survives into
a rewrite, a proxy or a metric name; it becomes an explicit placeholder instead.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError
from .policy import NUMBER, NUMBER_RE, instruction_like
from .schemas import (
    PLACEHOLDER_BASELINE,
    PLACEHOLDER_DEADLINE,
    PLACEHOLDER_NUMBER,
    PLACEHOLDER_TARGET,
    Measurability,
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# A deadline phrase *after* its introducing word (by / before / in / within / end of ...).
_DEADLINE_CORE = (
    rf"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?)?"
    rf"(?:q[1-4](?:\s*(?:fy)?['’]?\d{{2,4}})?|h[12](?:\s*\d{{4}})?|fy\s?\d{{2,4}}|"
    rf"(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|(?:19|20)\d{{2}}|"
    rf"eoy|eoq|year[- ]end|quarter[- ]end|(?:this|next|the)\s+(?:quarter|year|half|month|sprint)|"
    rf"(?:quarter|year|month|half|sprint)|"
    rf"\d+\s+(?:days?|weeks?|months?|quarters?|years?))"
)
_DEADLINE_RE = re.compile(
    rf"\b(?P<lead>by|before|until|in|within|during|end\s+of|through|for)\s+(?P<when>{_DEADLINE_CORE})\b",
    re.IGNORECASE,
)
_UNIT = (
    r"(?:\s?%|\s?(?:pp|pts?|points?|percentage\s+points)\b|\s?[kmb]\b|x\b|\s?/\s?\d+|"
    r"\s?out\s+of\s+\d+|\s?(?:ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|"
    r"days?|d|weeks?|months?)\b)?"
)
_NUM = rf"{NUMBER}{_UNIT}"
_FROM_TO = re.compile(rf"\bfrom\s+(?:about\s+|around\s+|~)?(?P<base>{_NUM})\s+(?:to|->|→)\s+(?P<target>{_NUM})", re.I)
_TARGET_ONLY = re.compile(
    rf"\b(?:to|reach(?:es|ing)?|at\s+least|above|below|under|over|hit|achieve|≥|>=|<=|≤)\s+"
    rf"(?:an?\s+)?(?:average\s+of\s+)?(?P<target>{_NUM})",
    re.I,
)
_BY_CHANGE = re.compile(
    rf"\b(?:increase|grow|raise|improve|boost|lift|reduce|decrease|cut|lower|drop|shrink|decline)\w*"
    rf"\b[^.;]*?\bby\s+(?P<delta>{_NUM})",
    re.I,
)
# Time windows inside metric names ("30-day retention", "M3") become words, so they are not
# mistaken for invented targets and read naturally.
_WINDOW_WORDS = [
    (re.compile(r"\b(?:7|seven)[- ]day\b|\bd7\b|\bday[- ]7\b|\bweek[- ]1\b", re.I), "first-week"),
    (re.compile(r"\b(?:30|thirty)[- ]day\b|\bd30\b|\bday[- ]30\b|\bm1\b|\bmonth[- ]1\b", re.I), "first-month"),
    (re.compile(r"\b(?:90|ninety)[- ]day\b|\bd90\b|\bday[- ]90\b|\bm3\b|\bmonth[- ]3\b", re.I), "third-month"),
    (re.compile(r"\b(?:12|twelve)[- ]month\b|\bm12\b|\bmonth[- ]12\b", re.I), "twelve-month"),
    (re.compile(r"\b(?:24|twenty-four)[- ]month\b|\bm24\b", re.I), "two-year"),
    (re.compile(r"\b(?:60|sixty)[- ]day\b|\bd60\b", re.I), "second-month"),
    (re.compile(r"\b(?:14|fourteen)[- ]day\b|\bd14\b", re.I), "two-week"),
    (re.compile(r"\b(?:24|twenty-four)[- ]hours?\b|\b24h\b", re.I), "same-day"),
]
_PLACEHOLDER_RE = re.compile(r"\[(?:baseline|target|deadline|number)\]")

_FOREIGN_STOPWORDS = set(
    [
        "de",
        "la",
        "el",
        "los",
        "las",
        "und",
        "der",
        "die",
        "das",
        "des",
        "le",
        "les",
        "du",
        "pour",
        "avec",
        "est",
        "una",
        "uno",
        "por",
        "para",
        "con",
        "que",
        "il",
        "che",
        "di",
        "per",
        "sono",
        "nicht",
        "mit",
        "wir",
        "ein",
        "eine",
        "von",
        "zu",
        "auf",
        "het",
        "een",
        "van",
        "voor",
        "naar",
        "com",
        "não",
        "em",
    ]
)
_ENGLISH_STOPWORDS = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "by",
        "for",
        "and",
        "or",
        "on",
        "with",
        "from",
        "our",
        "we",
        "is",
        "are",
        "our",
        "at",
        "per",
        "all",
        "each",
        "new",
        "every",
        "more",
    ]
)


# --------------------------------------------------------------------------- input checks


def check_goal(text: str, max_chars: int = 1000) -> tuple[str, list[str]]:
    """Validate one goal; return it cleaned plus notes, or raise ``InputError`` with a clear message.

    Why in code: a hostile or broken row must fail alone, before it reaches the model.
    """
    if text is None:
        raise InputError("Empty goal: nothing to review.")
    if "\x00" in text:
        raise InputError("This looks like binary data, not a goal (it contains NUL bytes). Paste text instead.")
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        raise InputError("Empty goal: nothing to review.")
    if len(cleaned) > max_chars:
        raise InputError(
            f"Goal is {len(cleaned)} characters; the limit is {max_chars}. "
            "Split it into separate goals (one per line) or shorten it."
        )
    controls = sum(1 for c in cleaned if unicodedata.category(c) in {"Cc", "Cs", "Co", "Cn"} and c not in "\t\n\r")
    replacement = cleaned.count("\ufffd")
    letters = sum(1 for c in cleaned if c.isalpha())
    if controls + replacement > max(2, len(cleaned) * 0.05) or letters < max(2, len(cleaned) * 0.3):
        raise InputError("This looks like binary data or noise, not a goal. Paste the goal as plain text.")
    if instruction_like(cleaned):
        raise InputError(
            "This text tries to give the assistant instructions, so it was not sent to the model. "
            "Paste only the goal itself (e.g. 'Launch the new onboarding flow')."
        )
    notes: list[str] = []
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not looks_english(cleaned):
        notes.append(
            "This goal does not look like English; our guidance and examples are in English, "
            "so check this review with extra care."
        )
    return cleaned, notes


def looks_english(text: str) -> bool:
    """A cheap script and stop-word test; good enough to warn, never to reject."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if c.isascii())
    if latin / len(letters) < 0.8:
        return False
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    if len(words) < 4:
        return True
    foreign = sum(1 for w in words if w in _FOREIGN_STOPWORDS)
    english = sum(1 for w in words if w in _ENGLISH_STOPWORDS)
    return not (foreign >= 2 and foreign > english)


# --------------------------------------------------------------------------- numbers & dates


def numbers_in(text: str) -> set[str]:
    """Every number in the text, normalised (commas dropped, currency and units stripped)."""
    out: set[str] = set()
    for m in NUMBER_RE.finditer(_PLACEHOLDER_RE.sub(" ", text or "")):
        out.add(_norm_number(m.group(0)))
    return out


def _norm_number(token: str) -> str:
    digits = re.sub(r"[^\d.]", "", token)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits.lstrip("0") or "0"


_BARE_DEADLINE_RE = re.compile(
    r"\b(?:this|next|the\s+current)\s+(?:quarter|year|half|month|sprint)\b|\b(?:eoy|eoq)\b", re.I
)


def find_deadline(text: str) -> str | None:
    """The deadline phrase the goal gives ('Q3', 'end of 2025', 'within 90 days'), or None."""
    bare = _BARE_DEADLINE_RE.search(text)
    best = bare.group(0) if bare else None
    for m in _DEADLINE_RE.finditer(text):
        when = m.group("when").strip()
        lead = m.group("lead").lower()
        if lead in {"for", "in", "during", "through"} and not re.search(
            r"q[1-4]|h[12]|fy|\d{4}|quarter|year", when, re.I
        ):
            continue
        if lead == "within" or re.match(r"\d+\s+(?:days?|weeks?|months?|quarters?|years?)$", when, re.I):
            if lead not in {"within", "in"}:
                continue
            when = f"within {when}" if lead == "within" else f"in {when}"
        best = when
    return best


# A time window that is part of a metric's name ("12-month retention", "30-day active", "7 day churn"): a
# definition, never a baseline or target. Singular unit only: "within 30 days" / "in 12 months" are deadlines.
_WINDOW_UNIT = r"(?:day|week|month|quarter|year|hour|minute|second)"
_WINDOW_NOUN = (
    r"(?:active|retention|retained|churn|readmissions?|returns?|repeat|rolling|moving|average|conversion|survival|"
    r"usage|revenue|value|window|cohort|streak|payback|renewal|engagement|trailing|uptime|availability)"
)
WINDOW_RE = re.compile(rf"\b\d+\s?-\s?{_WINDOW_UNIT}\b(?!s\b)|\b\d+\s+{_WINDOW_UNIT}\s+(?={_WINDOW_NOUN}\b)", re.I)


def mask_windows(text: str) -> str:
    """Blank out metric time windows, keeping every other character where it was."""
    return WINDOW_RE.sub(lambda m: re.sub(r"\d", "#", m.group(0)), text)


# Common non-English ways to say from / to / by. Read when they match; otherwise flagged, never guessed.
_FOREIGN_MONTHS = (
    "januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    "janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "januari|februari|maart|mei|augustus|oktober|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro"
)
_FOREIGN_WHEN = (
    r"(?P<edge>(?:ende|anfang|mitte|fin|début|finales|final|fine|eind|einde|begin)\s+"
    r"(?:(?:de|del|des|du|di|van|do|da)\s+)?)?"
    r"(?:(?:des|du|de|del|dem|der|le|la|el|il|lo|o|a|het)\s+)?"
    rf"(?P<core>[QTH][1-4](?:\s*(?:/\s*)?\d{{2,4}})?|(?:19|20)\d{{2}}|(?:{_FOREIGN_MONTHS})(?:\s+(?:19|20)\d{{2}})?)"
)
_FOREIGN_DEADLINE = re.compile(
    rf"(?<!\w)(?P<lead>bis(?:\s+(?:zum|zur))?|d['’]ici(?:\s+(?:à|a))?|avant|para|antes\s+de(?:l)?|entro|"
    rf"voor|tegen|até|hasta|jusqu['’]à|fin|ende|finales)\s+(?P<when>{_FOREIGN_WHEN})(?!\w)",
    re.I,
)
_FOREIGN_FROM_TO = re.compile(
    rf"(?<!\w)(?:von|de|del|dal|da|van|desde)\s+(?:(?:ca\.|env\.|circa|environ)\s+)?(?P<base>{_NUM})\s+"
    rf"(?:auf|à|a|al|naar|para|hasta|zu|bis\s+auf|tot)\s+(?P<target>{_NUM})",
    re.I,
)
_FOREIGN_CONNECTOR = re.compile(
    r"(?<!\w)(?:von|auf|um|bis|de|à|d['’]ici|del|al|dal|entro|van|naar|tegen|para|até|hasta|desde|sur|zu)\s+"
    r"(?:[$€£]\s?)?\d",
    re.I,
)
NOTE_NUMBERS_UNREAD = (
    "Some numbers in this goal could not be read as baseline, target or deadline (it is not in English); "
    'they were left out. Check the numbers and give them in a follow-up (e.g. "baseline ..., target ... by ...").'
)


# Shared with ``slots`` (reading follow-ups): one pattern per idea.
FROM_TO_RE = _FROM_TO
FOREIGN_FROM_TO_RE = _FOREIGN_FROM_TO
DEADLINE_CORE = _DEADLINE_CORE
MONTHS = _MONTHS
UNIT = _UNIT


def find_foreign_deadline(text: str) -> str | None:
    """'bis Ende Q4' -> 'Ende Q4', "d'ici fin T4" -> 'fin T4', 'entro il Q3' -> 'Q3' (the user's own words)."""
    m = _FOREIGN_DEADLINE.search(text)
    if not m:
        return None
    if m.group("lead").lower() in {"fin", "ende", "finales"}:  # the lead word is itself 'end of'
        return f"{m.group('lead')} {m.group('when')}".strip()
    return m.group("when").strip() if m.group("edge") else m.group("core").strip()


def _looks_foreign(text: str) -> bool:
    return bool(_FOREIGN_CONNECTOR.search(text)) or not looks_english(text)


def parse_measurability(text: str) -> Measurability:
    """Pull baseline, target and deadline out of the goal's own words (never guessed).

    Time windows inside a metric name are not numbers here; non-English from/to/by is read when it
    matches a known pattern and otherwise flagged in ``notes``, never misread.
    """
    scan = mask_windows(text)
    deadline = find_deadline(scan)
    baseline = target = None
    notes: list[str] = []
    foreign = _looks_foreign(scan)
    m = _FROM_TO.search(scan) or (_FOREIGN_FROM_TO.search(scan) if foreign else None)
    if foreign and not deadline:
        deadline = find_foreign_deadline(scan)
    if m:
        baseline, target = m.group("base").strip(), m.group("target").strip()
    else:
        t = _TARGET_ONLY.search(scan)
        if t and not _is_deadline_number(scan, t.start("target")):
            target = t.group("target").strip()
        else:
            d = _BY_CHANGE.search(scan)
            if d and not _is_deadline_number(scan, d.start("delta")):
                verb = d.group(0).split()[0].lower()
                sign = "-" if re.match(r"(reduc|decreas|cut|lower|drop|shrink|declin)", verb) else "+"
                target = f"{sign}{d.group('delta').strip()}"
            elif foreign:
                if numbers_in(scan.replace(deadline, " ") if deadline else scan):
                    notes.append(NOTE_NUMBERS_UNREAD)
            else:
                target = _bare_count(scan, deadline)
    return Measurability(baseline=baseline, target=target, deadline=deadline, notes=notes)


def _bare_count(text: str, deadline: str | None) -> str | None:
    """'Publish 12 posts' -> '12': the first number that is not part of the deadline or a name."""
    scrub = text.replace(deadline, " ") if deadline else text
    scrub = re.sub(r"\b[A-Za-z]+\d+\b|\b\d+(?:st|nd|rd|th)\b", " ", scrub)  # P1, M12, 3rd
    m = re.search(rf"(?<![\w.])({_NUM})", scrub)
    if m and not _is_deadline_number(scrub, m.start(1)):
        return m.group(1).strip()
    return None


def _is_deadline_number(text: str, pos: int) -> bool:
    tail = text[pos : pos + 12]
    return bool(re.match(r"(?:19|20)\d{2}\b(?!\s?%)", tail))


# --------------------------------------------------------------------------- placeholders


def words_for_windows(text: str) -> str:
    """'30-day retention' -> 'first-month retention': a window is a definition, not a target."""
    for pattern, word in _WINDOW_WORDS:
        text = pattern.sub(word, text)
    return text


def enforce_placeholders(text: str | None, source: str) -> tuple[str | None, int]:
    """Replace every number in ``text`` that ``source`` does not contain with a placeholder.

    Returns the cleaned text and how many numbers were replaced. ``source`` is everything
    the user said (goal, objective, follow-ups). Deadlines the user did not give become
    ``[deadline]``; numbers after 'from' become ``[baseline]``, after 'to'/'by' ``[target]``.
    """
    if not text:
        return text, 0
    allowed = numbers_in(source)
    replaced = 0
    text = words_for_windows(text)

    def deadline_sub(m: re.Match[str]) -> str:
        nonlocal replaced
        when = m.group("when")
        if numbers_in(when) - allowed or (
            when.lower() not in source.lower() and re.search(r"\d|q[1-4]|h[12]", when, re.I)
        ):
            replaced += 1
            return f"{m.group('lead')} {PLACEHOLDER_DEADLINE}"
        return m.group(0)

    text = _DEADLINE_RE.sub(deadline_sub, text)

    def number_sub(m: re.Match[str]) -> str:
        nonlocal replaced
        token = m.group(0)
        if _norm_number(token) in allowed:
            return token
        replaced += 1
        before = text[: m.start()].rstrip().lower()
        if before.endswith("from"):
            return PLACEHOLDER_BASELINE
        if before.endswith(("to", "by", "reach", "least", "above", "below", "under", "over")):
            return PLACEHOLDER_TARGET
        return PLACEHOLDER_NUMBER

    text = re.sub(rf"{NUMBER}(?:\s?%)?", number_sub, text)
    return text, replaced


def invented_numbers(text: str | None, source: str) -> list[str]:
    """Numbers in ``text`` that appear neither in ``source`` nor as placeholders (eval metric)."""
    if not text:
        return []
    allowed = numbers_in(source)
    found = NUMBER_RE.findall(_PLACEHOLDER_RE.sub(" ", text))
    return [n for n in found if _norm_number(n) not in allowed]


def has_slots(rewrite: str) -> dict[str, bool]:
    """Does a rewrite carry baseline, target and deadline (a value or a placeholder)?"""
    low = rewrite.lower()
    return {
        "baseline": PLACEHOLDER_BASELINE in low or bool(re.search(r"\bfrom\s+\S", low)),
        "target": PLACEHOLDER_TARGET in low or bool(re.search(r"\bto\s+(?:\[|[$€£]?\d)", low)),
        "deadline": PLACEHOLDER_DEADLINE in low or bool(_DEADLINE_RE.search(rewrite)),
    }


def compose_rewrite(
    metric: str, baseline: str | None, target: str | None, deadline: str | None, direction: str = "Move"
) -> str:
    """'Move <metric> from <baseline> to <target> by <deadline>', placeholders for what is missing."""
    metric = metric.strip().rstrip(".")
    return (
        f"{direction} {metric} from {baseline or PLACEHOLDER_BASELINE} "
        f"to {target or PLACEHOLDER_TARGET} by {deadline or PLACEHOLDER_DEADLINE}"
    )


_DOWN_WORDS = re.compile(
    r"\b(churn|incident|error|defect|bug|cost|time|latency|wait|delay|backlog|complaint|turnover|attrition|"
    r"abandon|drop[- ]?off|bounce|escalation|downtime|outage|fraud|loss|days? to|hours? to|cycle time|"
    r"lead time|mttr|readmission|no[- ]show|dso|spend|absentee|injur|rework|returns?|refund|ticket volume)",
    re.I,
)


def direction_for(metric: str, target: str | None = None) -> str:
    """'Reduce' for metrics where lower is better, else 'Raise'; a signed target decides first."""
    if target and target.startswith("-"):
        return "Reduce"
    if target and target.startswith("+"):
        return "Raise"
    return (
        "Reduce"
        if _DOWN_WORDS.search(metric) and not re.search(r"\b(on[- ]time|retention|rate of resol)", metric, re.I)
        else "Raise"
    )


_EXTERNAL_SCOPE = re.compile(
    r"\b(industr(?:y|ies|y-wide)|market(?!ing)|nation(?:al|wide)?|country|countries|global(?:ly)?|world(?:wide)?|"
    r"economy|inflation|interest\s+rates?|share\s+price|stock|competitors?|everyone|whole|entire|population|"
    r"government|parliament|minimum\s+wage|regional|region|category|city's|citywide|fuel\s+prices|all\s+apps|"
    r"across\s+all|airlines|social\s+media|europe|consumers?)\b",
    re.I,
)
_LONG_HORIZON = re.compile(
    r"\b(lifetime|ltv|life-time|(?:1[2-9]|[2-9]\d)[- ]month|m(?:1[2-9]|[2-9]\d)|twelve-month|eighteen-month|annual|"
    r"yearly|years?|decade|long[- ]term|market\s+share|brand|reputation|employer|survival|earnings|net\s+zero|"
    r"20[3-9]\d|career|graduation|literacy|obesity|poverty|heart\s+health|dominate|most\s+popular|"
    r"resistance|return\s+on\s+invested)\b",
    re.I,
)


def has_external_scope(text: str) -> bool:
    """Does the goal's wording reach beyond the team (industry, market, country, competitors...)?"""
    return bool(_EXTERNAL_SCOPE.search(text))


def has_long_horizon(text: str) -> bool:
    """Does the goal name something that only shows after many months (lifetime, annual, market share...)?"""
    return bool(_LONG_HORIZON.search(text))
