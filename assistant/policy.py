"""Policy patterns in one home: numbers, deliverables, activity counts, and text that talks to the model.

Every check that needs one of these rules imports it from here, so the rule is written once.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from functools import lru_cache

# A number as users write it: optional currency, digits with thousands separators, decimals. Digits glued
# to letters are names, not numbers ("p95", "P1", "M12", "Q3"): deadlines are handled by their own pattern.
_AMOUNT = r"\d(?:[\d,]*\d)?(?:\.\d+)?"  # never a trailing comma: "under 30, RIIO-ED2 yr 3" (set 30)
DIGITS = rf"(?<![A-Za-z]){_AMOUNT}"
# A size written after an amount: "R12m", "$3bn", "₹4.5 cr", "Rs 40 lakh".
# ... and as other languages write it: "1,2 Mio. EUR", "3 Mrd", "R$ 4,5 mi" (set 47: read as a bare 1,6 and 4,5)
# ... "CZK 12 mil." (set 58: read as CZK 12)
MAGNITUDE = r"(?:k|m|bn|mn|mil|million|billion|cr|crores?|lakhs?|lacs?|(?-i:Mio|Mrd|mln|mi))"
# A currency written before an amount: a symbol, or a code or short form in capitals ("Rs 40 lakh", "KSh 2m",
# "INR 12 cr", "JPY 11.2": set 39 read no target there); a bare "R" (rand) only before an amount with a magnitude or
# thousands ("R12m", "R1,200"), never a name ("R2 release"). Every rule that reads money before a number takes it
# from here.
CURRENCY_CODES = (
    "INR|KES|KSh|ZAR|NGN|USD|EUR|GBP|AUD|CAD|JPY|CNY|RMB|SGD|HKD|NZD|CHF|SEK|NOK|DKK|PLN|MXN|BRL|AED|EGP|GHS|UGX|"
    "TZS|IDR|MYR|THB|KRW|CLP|SAR|QAR|KWD|BHD|OMR|PKR|BDT|LKR|NPR|VND|ZMW|MWK|RWF|ETB|XOF|XAF|MAD|TND|ARS|UYU|CZK|"
    "HUF|RON|ILS|TWD|MNT|KZT|UAH"
)
CURRENCY = (
    # ... a dollar of another country: "R$ 4,5 mi", "S$", "NZ$" (set 47)
    rf"(?:(?<![A-Za-z])(?-i:R|S|A|C|NZ|HK|US|NT|MX)\$|[$€£₹₦¥₱₩]|(?<![A-Za-z])(?-i:Rs\.?|{CURRENCY_CODES})\s?|"
    rf"(?<![A-Za-z])(?-i:R)(?=\d[\d,.]*\s?{MAGNITUDE}\b|\d{{1,3}}(?:[, \u00a0]\d{{3}})+(?!\d)))"
)
# ... thousands apart by a space after a currency, as South Africa and much of Europe write them: "R5 000", "€1 200"
# (set 54: read as a target of 000)
_SPACED_AMOUNT = r"\d{1,3}(?:[ \u00a0]\d{3})+(?![\d,.])"
NUMBER = rf"(?:{CURRENCY}\s?(?:{_SPACED_AMOUNT}|{_AMOUNT})|{DIGITS})"
# A currency written after the amount: "720 kr", "45 CHF", "1,200 zł".
CURRENCY_AFTER = r"(?:kr|zł|Kč|lei|(?-i:Ft|SEK|NOK|DKK|ISK|CHF|PLN|CZK|HUF|EUR|USD|GBP|INR|ZAR|KES|NGN))"
NUMBER_RE = re.compile(DIGITS)
# Small counts in words ("Close three deals", "at the two pilot wards", "within two weeks"); each rule adds its own.
SMALL_NUMBER_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten)"
# A share of cases, as in "95% of samples": read by the time limits, the bounds and the assurances alike.
SHARE_OF = rf"{NUMBER}\s?%\s+of\b"
# A share in words, as in "half of merged PRs" or "two thirds of residents".
FRACTION = r"(?:half|two[- ]thirds|three[- ]quarters|a\s+(?:third|quarter|fifth)|one[- ](?:third|quarter|fifth))"

# Past participles and nouns that make a metric name a count of the team's own work.
_DELIVERABLE_PARTICIPLES = (
    r"published|shipped|launched|built|delivered|held|hosted|written|drafted|posted|released|deployed|"
    r"implemented|migrated|defined|documented|conducted|organi[sz]ed|created|produced|made|trained|sent|"
    r"(?<!-)run|ran|installed|opened|filed|closed out|rolled out|signed off|hired|recruited|onboarded by us"
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


# --------------------------------------------------------------------------- text aimed at the model
#
# A goal is data. These patterns find text that addresses the assistant instead of describing a goal; it is
# flagged (a note on the row) and left out of what the model reads, never refused. Saved team examples, which
# become part of every later prompt, are rejected when they match. Every pattern runs on ``canonical`` text
# (NFKC, invisible characters removed, look-alike letters folded to Latin, lower case), so full-width letters,
# zero-width spaces and Cyrillic look-alikes do not hide an instruction.
#
# Ordinary key results use the same words ("Always answer customer calls within three rings", "Set the target
# to 99.9% uptime", "Reduce system prompt latency by 30%"), so each pattern needs the word *and* an object that
# only makes sense for a model: instructions, a prompt, a verdict (outcome/output), a field of our schema.

_OWNER = (
    r"(?:all|any|the|your|my|these|those|previous|prior|above|earlier|preceding|original|initial|system|"
    r"developer|hidden|safety|given|old|other|of|every)"
)
_VERDICT = r"(?:outcome|output|measurable|controllable|team[-_ ]controlled|true|false|json|the\s+following|kind)"
# Nouns that only mean the assistant's instructions; softer ones ("rules", "context") need an owner word.
_THEIR_RULES = r"(?:instructions?|prompts?|system\s+messages?|programming|directives)"
_SOFT_RULES = r"(?:rules|guidelines|guidance|directions|constraints|context|training)"
_RULES = rf"(?:{_THEIR_RULES}|{_SOFT_RULES})"
_SOFT_OWNER = r"(?:all|any|your|my|previous|prior|above|earlier|preceding|original|initial|system|safety|these|those)"
_ACT = r"(?:answer|respond|reply|say|output|return|classify|categori[sz]e|label|mark|print|write|emit)"

INJECTION_PATTERNS = [
    # overriding the assistant's own instructions
    rf"\b(?:ignore|disregard|forget|override|overrule|bypass|circumvent|discard|neglect|skip|abandon)\b(?:\s+{_OWNER}){{0,3}}\s+{_THEIR_RULES}\b",
    rf"\b(?:ignore|disregard|forget|override|overrule|bypass|circumvent|discard|neglect|skip|abandon)\b(?:\s+{_OWNER}){{0,2}}\s+{_SOFT_OWNER}(?:\s+\w+)?\s+{_SOFT_RULES}\b",
    r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:above|before|previously|prior|else|you(?:'ve|\s+have|\s+were|\s+had)\s+(?:been\s+)?(?:told|given|said)|(?:i|we)\s+said)",
    r"\b(?:ignore|disregard)\s+(?:the\s+|all\s+)?(?:above|previous|preceding|prior|earlier)(?:\s+(?:text|messages?|lines?|content|input|one|part))?\s*(?:[.,;:!]|$|\band\b|\bthen\b)",
    rf"\b(?:do\s+not|don'?t|never|stop)\s+(?:follow(?:ing)?|obey(?:ing)?|apply(?:ing)?|us(?:e|ing)|listen(?:ing)?\s+to)(?:\s+{_OWNER}){{0,3}}\s+{_RULES}\b",
    r"\bwhat\s+you\s+(?:were|have\s+been)\s+told\b",
    r"\b(?:ignore|disregard|forget|override)\s+what\s+(?:the\s+|your\s+)?(?:guidance|instructions|rules|prompt|system|examples|cards)",
    r"\b(?:ignore|disregard|forget|override|overrule)\b[^.\n]{0,30}\b(?:guidance\s+cards?|worked\s+examples|few-shot|examples\s+above)",
    r"\bbefore\s+(?:you\s+)?(?:answer|respond|reply|classify|review)\w*\b",
    r"\bthis\s+is\s+(?:just\s+|only\s+)?a\s+test\s+(?:of|for)\s+(?:the\s+|this\s+)?(?:model|ai|assistant|system|you)\b",
    r"\bsystem\s+override\b",
    rf"\b(?:ignore|disregard|forget|override|bypass)\s+(?:the\s+|all\s+)?{_SOFT_RULES}\s+(?:above|before|given|you\s+(?:were|have\s+been)\s+given)\b",
    # asking for or replacing the prompt
    r"\b(?:reveal|print|show|repeat|output|leak|display|dump|tell\s+me|give\s+me|what\s+(?:is|are))\s+(?:me\s+)?(?:your|the)\s+(?:(?:system|developer|hidden|initial|original|full|exact|secret)\s+)*(?:prompt|instructions|rules|system\s+message)",
    r"\b(?:system|developer|admin)\s+(?:prompt|message|instructions?|override|note)\s*[:=]",
    r"\bnew\s+(?:instructions?|rules|task|system\s+prompt|prompt|orders)\s*[:\-]",
    r"\b(?:updated|revised|real|actual|true)\s+instructions\b",
    # changing who the assistant is
    r"\byou\s+are\s+(?:now|no\s+longer|actually|henceforth)\b",
    r"\bfrom\s+now\s+on\b[\s,]+(?:you|always|only|answer|respond|reply|classify|say|ignore)",
    r"\b(?:pretend|roleplay|role-play)\s+(?:to\s+be|as|you|that)\b",
    r"\bact\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?(?:ai|assistant|model|chatbot|llm|gpt|dan|jailbroken)\b",
    r"\bjailbr(?:eak|oken)|\bdan\s+mode\b|\bdeveloper\s+mode\b|\bgod\s+mode\b|\bunfiltered\s+mode\b",
    # steering the verdict
    rf"\b(?:always|just|only|must|should)\s+{_ACT}\b(?:\s+(?:with|as|in|that|only))?\s*[:\"'{{\[]?\s*{_VERDICT}\b",
    rf"\b(?:always|just|only|must|should)\s+{_ACT}\s*[:{{\[]",
    r"\b(?:answer|respond|reply|return|output)\s+(?:only\s+|just\s+|exactly\s+)?(?:with|in|using|as)?\s*:?\s*$",
    r"\b(?:say|answer|reply|respond)\s+(?:only\s+|just\s+|with\s+)?[\"']?(?:outcome|output)[\"']?\b",
    r"\bdecode\s+(?:and|then)\s+(?:follow|run|execute|obey|apply|do)\b",
    r"(?:\b(?:note|message|hey|hi|dear|attention|reminder)\b|\bp\.?s\b\.?)[\s,:]*(?:to|for)?\s*(?:the\s+)?(?:ai|assistant|model|llm|chatbot|gpt|classifier|reviewer\s+bot)\b",
    r"\b(?:ai|assistant|model|llm|chatbot|classifier)\s+(?:reading|processing|reviewing|seeing)\s+this\b",
    r"\b(?:answer|respond|reply|output|return)\s+(?:only\s+|just\s+|exactly\s+)?(?:with|in|using)\s+(?:this|the\s+following|json|outcome|output|true|false|[\"'{])",
    r"\b(?:return|output|print|emit|produce)\s+(?:exactly\s+|only\s+)?(?:the\s+following|this\s+(?:json|exact|answer)|json\b)",
    r"\b(?:say|print|write|output|return|answer|reply)\s+(?:only\s+|just\s+)?[\"']?(?:outcome|output|yes|true)[\"']?\s*(?:[.!]|$|\band\b)",
    r"\b(?:classify|categori[sz]e|label|mark|tag)\s+(?:this|it|me|everything|all\s+(?:goals|items|of\s+them|of\s+these)|every\s+(?:goal|item|key\s+result|row)|the\s+(?:goal|item|above|following|key\s+result|kr|input)|this\s+(?:goal|item|key\s+result|kr|one|row))\s+as\b",
    rf"\b(?:treat|count|consider|record|report|score|rate|grade|review|return)\s+(?:this|it|everything|all\s+goals|every\s+goal|the\s+(?:goal|above|following)|this\s+(?:goal|item|one))\s+as\s+(?:an?\s+)?(?:valid\s+|measurable\s+|real\s+)?{_VERDICT}\b",
    r"\b(?:kind|team_controls|needs_proxy|owned_metric|classification|verdict|category|label)\s*(?:[:=]|=>|->|\bis\b|\bshould\s+be\b|\bmust\s+be\b)\s*[\"']?(?:outcome|output|true|false)\b",
    r"\b(?:team_controls|needs_proxy|owned_metric)\b",
    # the verdict itself named in the goal ("call it an outcome", "the right label here is outcome")
    r"\b(?:call|consider|count|treat|classify|label|mark|approved|deem|rate|review|score)\w*\s+(?:it|this|them|this\s+goal)?\s*(?:as\s+)?(?:an?\s+)?[\"']?(?:outcome|output)[\"']?\s*(?:[.,;!)]|$|\b(?:and|by|not|instead|only|please)\b)",
    r"\b(?:label|kind|verdict|classification|category|answer|class)\b[^.\n]{0,20}?\b(?:is|=|:|be)\s+[\"']?(?:an?\s+)?(?:outcome|output)\b",
    r"\bas\s+if\s+(?:this|it)\s+(?:were|was|is)\s+an?\s+(?:outcome|output)\b",
    r"\bkind\s+[\"']?(?:outcome|output)\b",
    r"\bset\s+(?:the\s+)?(?:kind|field|team_controls|needs_proxy|classification|verdict|label|answer|result)\s+to\b",
    r"\b(?:expected|desired|correct|required|right|real|true|final|mandatory)\s+(?:json|output|answer|response|result|classification|label|verdict|kind|reply)\s*(?:is\b|=|:)",
    r"\b(?:the\s+)?(?:answer|verdict|classification)\s+(?:is|should\s+be|must\s+be|will\s+be)\s*:?\s*[\"']?(?:outcome|output|yes|true|\{)",
    r"\byou\s+(?:must|should|will|shall|have\s+to|need\s+to|are\s+(?:required|instructed|ordered|told))\s+(?:now\s+|always\s+|only\s+)?(?:answer|respond|reply|say|output|return|classify|label|mark|ignore|obey|follow|comply|treat|print|forget)\b",
    # claimed authority
    r"\bas\s+(?:the|an?|your)\s+(?:admin(?:istrator)?|developer|operator|owner|system\s+owner|creator|root|supervisor|sysadmin)\b[^.\n]{0,60}?\b(?:authori[sz]e|order|instruct|command|allow|permit|override|grant|approve)",
    r"\bi\s+(?:hereby\s+)?(?:authori[sz]e|order|instruct|command|permit|allow)\s+you\b",
    r"\b(?:admin(?:istrator)?|sudo|root|developer)\s+(?:override|access\s+granted|command|privileges?\s+granted)\b",
    r"\bauthori[sz]ation\s+(?:code|granted|level|token)\b",
    # chat markup that survived removal
    r"</?\s*(?:system|assistant|user|human|instructions?|sys|im_start|im_end)\s*>|<\|[a-z_]{2,20}\|>|\[/?inst\]|<<\s*/?sys\s*>>",
    # other languages
    r"\bignor(?:e[rz]?|ez)\b.{0,30}\b(?:instructions|consignes|règles)\b|\boublie[rz]?\b.{0,30}\b(?:instructions|consignes)\b|\bréponds?\s+(?:uniquement|seulement|toujours)\b",
    r"\bignorier(?:e|en|t)?\b.{0,30}\b(?:anweisungen|befehle|regeln|vorgaben)\b|\bvergiss\b.{0,30}\b(?:anweisungen|regeln)\b|\bantworte\s+(?:nur|immer)\b",
    r"\b(?:ignora[r]?|olvida[r]?)\b.{0,30}\b(?:instrucciones|reglas|istruzioni|regole)\b|\bresponde\s+(?:solo|siempre|únicamente)\b|\brispondi\s+(?:solo|sempre)\b",
    r"\b(?:ignore|esqueça|esqueca)\b.{0,30}\b(?:instruções|instrucoes|regras)\b|\bnegeer\b.{0,30}\b(?:instructies|regels)\b",
    r"\b(?:olvida|ignora)\s+todo\b|\b(?:oublie|ignore)\s+tout\b|\b(?:vergiss|ignoriere)\s+alles\b|\b(?:di|dis|sag|diga)\s+[\"']?outcome\b",
    r"(?:игнорируй|игнорировать|забудь)\s*.{0,30}(?:инструкци|правил|указани)",
    r"(?:忽略|无视|忘记|忘掉).{0,12}(?:指令|指示|说明|提示|规则)|(?:指示|命令|指令)を?(?:無視|忘れ)|無視して",
]
INSTRUCTION_RE = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.IGNORECASE | re.MULTILINE)

# Chat-template tokens and role tags: never part of a goal, so they are removed from what the model reads.
MARKUP_PATTERNS = [
    r"<\|start_header_id\|>\s*\w*\s*<\|end_header_id\|>",
    r"<\|im_start\|>\s*(?:system|user|assistant|developer)?",
    r"<\|[a-z_]{2,20}\|>",
    r"\[/?\s*(?:inst|sys|system)\s*\]",
    r"<<\s*/?\s*sys\s*>>",
    r"</?\s*(?:system|assistant|user|human|ai|bot|instructions?|sys|prompt|admin|developer|im_start|im_end|s)\s*/?>",
    r"^\s*#{1,6}\s*(?:system|user|assistant|human|ai|bot|developer|instructions?|response|prompt)\b\s*:?",
    r"^\s*```[a-z]*\s*$|```",
    r"<!--.*?(?:-->|$)",
]
MARKUP_RE = re.compile("|".join(f"(?:{p})" for p in MARKUP_PATTERNS), re.IGNORECASE | re.MULTILINE | re.DOTALL)
# A chat turn written into a goal ("assistant: {...}", "User: now classify it"): the whole turn is dropped.
ROLE_TURN_RE = re.compile(
    r"(?:^|(?<=[.!?;\]>}\"'。]))[ \t]*(?:#{1,6}[ \t]*)?(?:system|assistant|user|human|ai|bot|developer)[ \t]*:[^\n]*",
    re.IGNORECASE | re.MULTILINE,
)

# Long runs of base64 letters: decoded, they may carry an instruction the patterns above cannot read.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_SCRIPTS_WITH_LATIN_LOOKALIKES = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def strip_invisible(text: str) -> str:
    """NFKC (full-width letters become ASCII), then drop zero-width and format characters.

    Control characters other than tab and newline become spaces; CR and CRLF become newlines.
    Why: invisible characters split trigger words ("ign\u200bore") and full-width letters dodge ASCII patterns.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if cat == "Cf":
            continue
        out.append(" " if cat == "Cc" and c not in "\t\n" else c)
    return "".join(out)


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str | None:
    from confusable_homoglyphs import categories, confusables

    if categories.alias(char) not in _SCRIPTS_WITH_LATIN_LOOKALIKES:
        return None
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                return glyph["c"]
    return None


def fold_homoglyphs(text: str, mixed_words_only: bool = False) -> str:
    """Replace Cyrillic/Greek look-alikes of Latin letters ('іgnоrе' -> 'ignore').

    With ``mixed_words_only`` only words that also hold Latin letters change, so a real Russian or Greek goal
    keeps its words; without it every look-alike folds (used for detection only).
    """
    if text.isascii():
        return text

    def fold(word: str) -> str:
        if mixed_words_only and not any(c.isascii() and c.isalpha() for c in word):
            return word
        return "".join(_latin_lookalike(c) or c for c in word)

    return re.sub(r"\w+", lambda m: fold(m.group(0)), text)


def decoded_base64(text: str) -> list[tuple[str, str]]:
    """(run, decoded text) for every base64 run that decodes to readable text: it can hide an instruction."""
    found = []
    for m in _BASE64_RUN.finditer(text):
        run = m.group(0)
        if run.isalpha() and (run.islower() or run.isupper()):  # an ordinary long word, not base64
            continue
        try:
            raw = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
            decoded = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if decoded and sum(c.isalpha() or c.isspace() for c in decoded) / len(decoded) > 0.8:
            found.append((run, decoded))
    return found


_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[0134578])\w+\b", re.IGNORECASE)


def fold_leet(text: str) -> str:
    """'ign0re 1nstructions' -> 'ignore instructions', only in words that mix letters and digits (1:1)."""
    return _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)


def canonical(text: str) -> str:
    """The text as the detection patterns read it: visible, NFKC, look-alikes folded, spaces collapsed."""
    text = fold_leet(fold_homoglyphs(strip_invisible(text)))
    return re.sub(r"[ \t]+", " ", text)


def instruction_match(text: str) -> re.Match[str] | None:
    """The first instruction-like span in ``text`` as written (after ``strip_invisible``), if any."""
    visible = strip_invisible(text)
    found = [INSTRUCTION_RE.search(v) for v in (visible, fold_homoglyphs(visible), fold_leet(fold_homoglyphs(visible)))]
    return min((m for m in found if m), key=lambda m: m.start(), default=None)


def instruction_like(text: str) -> bool:
    """Does the text address the assistant ('ignore the above', role tags, 'classify this as outcome')?

    Reworded, full-width, zero-width-split, look-alike and base64-wrapped instructions count too.
    """
    if not text:
        return False
    if instruction_match(text) or INSTRUCTION_RE.search(canonical(text)):
        return True
    return any(INSTRUCTION_RE.search(canonical(decoded)) for _, decoded in decoded_base64(text))


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
    "rebuild",
    "refit",
    "relaunch",
    "revamp",
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
    # ... taking a system or a product away is work too: "Retire 3 legacy customer marts" (set 55: its kind was left
    # to the model, which called it an outcome with a target of 3)
    "retire",
    "decommission",
    "sunset",
    "deprecate",
)
# ... not "onboard" as the adjective it also is: "Onboard café spend per pax €2,10 → €2,60" (set 44: read as work)
# A first word in capitals is a code or a name, not the verb it spells: "ADD hub ULD serviceability >= 93%" (set 50: the
# Addis Ababa airport read as "add", the goal as work)
_DELIVERABLE_HEAD_RE = re.compile(
    rf"^(?!(?-i:[A-Z]{{2,}})\b)(?:{'|'.join(DELIVERABLE_VERBS)})(?:e?d|ing|s|es)?\b"
    r"(?!(?<=^onboard)\s+(?:caf[eé]|catering|retail|sales|spend|shop|wi-?fi|dining|revenue)\b)",
    re.IGNORECASE,
)


def starts_with_deliverable(text: str) -> bool:
    """'Hire a Head of Sales', 'Published case studies', 'launching X': the text leads with delivering."""
    return bool(_DELIVERABLE_HEAD_RE.match(text.strip()))


_STOP = {"the", "a", "an", "of", "to", "for", "our", "and", "in", "on", "with", "by", "all", "new", "we", "per"}


# People who take a piece of work up, counted: "1,500 sign-ups in first season" after "ticket scheme launched" is the
# result the scheme is for (set 18), not more of the work.
TAKE_UP = (
    r"(?:sign-?ups|subscribers|members|users|customers|bookings|registrations|enrolments|enrollments|donors|"
    r"visitors|attendees|participants|learners|downloads|installs|referrals|applications|orders)"
)

# Any verb's past participle, for work stated as done by a verb no list holds ("Migrated ...", "... tweaked"); not
# "need", "speed" or "feed".
PAST_PARTICIPLE = r"(?:[a-z-]{2,}(?<!e)ed|built|ran|made|set\s+up|rolled\s+out|held|sent|wrote|began)"

# Work stated as done, in every form teams write it: the one list the kind rules and the composer read. After "the"
# or "a" the participle describes a thing ("Publish the updated handbook"), it reports nothing done.
DONE_WORK = (
    r"(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bour\s)"
    rf"(?:{_DELIVERABLE_PARTICIPLES}|added|fitted|live|in\s+place|approved|agreed|adopted|enabled|retired|"
    r"(?:de|re)?commissioned|registered|certified|embedded|digiti[sz]ed|shared|completed|updated|extended|"
    r"introduced|set\s+up|replaced|refreshed|issued|closed|staffed|enforced|integrated|"
    r"received|stood\s+up|re-?written|re-?built|redesigned|refurbished|overhauled|refitted|relaunched|"
    r"done(?!\s+(?:in|within|faster|quicker))|"
    # a feature offered to everyone it is for: "Instant payouts available to all UK merchants" (set 34: an outcome)
    # ... or at a count of all of its places: "Monthly pet health plan available at 48 of 52 practices" (set 58)
    r"(?:made\s+)?available(?=\s+(?:to|for|in|across|on)\s+(?:all|every|each)\b|\s+(?:at|in)\s+\d[\d,]*\s+of\s+\d))"
)
_DONE_WORK_RE = re.compile(rf"\b(?:{DONE_WORK})\b", re.IGNORECASE)


def reports_done_work(text: str) -> bool:
    """'Self-serve checklist shipped in v4.2', '60,000 meters fitted': work stated as done, the noun first."""
    return bool(_DONE_WORK_RE.search(text))


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


# ---------------------------------------------------------------------- work a metric would only restate

# Hiring as the deliverable: "Hire 4 account executives", "VP of People hired and in seat". Not "quality of hire",
# "time to hire" or "hiring managers", which name a recruiting result. Hiring recruiters is the recruiting team's
# own lever, so its metrics stay outcomes there.
_HIRING_WORK_RE = re.compile(
    r"^(?:hire|hired|hiring|recruit|recruited|recruiting)\s(?!manager|plan|process)|\b(?:hired|recruited)\b"
    # "Fill 40 open roles across sales and support": the hires are the work
    r"|^fill(?:ed|ing)?\s+(?:\d[\d,]*\s+|all\s+|our\s+)?(?:\w+\s+)?(?:roles|positions|vacancies|posts|reqs|seats)\b",
    re.I,
)
_RECRUITING_ROLE_RE = re.compile(r"\b(?:recruit(?:er|ers|ing)|talent|sourcers?)\b", re.I)

_HIRING_WORD_RE = re.compile(r"\b(?:hir(?:e|es|ed|ing)|recruit\w*)\b", re.I)


def mentions_hiring(text: str) -> bool:
    """Hiring is what the text talks about, as the work or as the result ("quality of hire", "time to hire")."""
    return bool(_HIRING_WORD_RE.search(text))


# Passing or obtaining an audit, a review, an assessment or a certificate: a must-do piece of work the team does
# ("ISO 27001 certification achieved in Q4"), unless other people do the passing ("Bootcamp grads pass the AWS exam").
_ASSURANCE = (
    # ... or a recognition, licence or registration kept: "HMRC RTI recognition renewed for 26/27" (set 30)
    r"(?:audit|review|assessment|certification|certificate|accreditation|inspection|attestation|recognition|"
    r"licen[cs]e|registration|"
    r"pen(?:etration)?[- ]test|soc\s?[12](?:\s+type\s+(?:ii?|[12]))?\s+report)"
)
_PASSES = re.compile(
    rf"\b(?:pass(?:ed|es)?|achieve[ds]?|obtain(?:ed|s)?|gain(?:ed|s)?|get|got|earn(?:ed|s)?|complete[ds]?)\b[^.;]*?"
    rf"\b{_ASSURANCE}\b"
    # stated as done, the noun first: "ISO 27001 certification achieved in Q4", "External pen test done"
    # ... not the service's own cases done by others: "70% of driving licence renewals done fully online" (set 43)
    rf"|\b{_ASSURANCE}\s+(?:(?!(?:renewals|applications|requests|payments)\b)\w+\s+)?"
    r"(?:passed|achieved|obtained|gained|granted|awarded|received|issued|completed|done|renewed)\b"
    # 'certified' or 'accredited' as the state reached ("Become SOC 2 certified by Q3", "Get the programme accredited
    # by the national board"), not describing a thing ("certified data", "accredited trainers")
    r"|\b(?:certified|accredited)\b(?!\s+(?!by\b|in\b|for\b|before\b|under\b|against\b|to\b|at\b|within\b)[a-z])",
    re.I,
)
_OTHER_PEOPLE = re.compile(
    r"\b(?:grads?|graduates|students|pupils|learners|staff|employees|nurses|doctors|agents|engineers|apprentices|"
    r"candidates|trainees|members|users|customers|teachers|managers|people|"
    # the team's own roles: "Battlecards ... live in Highspot, AEs certified" is training (set 55)
    r"AEs|SDRs|BDRs|reps|operators|supervisors|installers|technicians|coaches|drivers|crews?)\b",
    re.I,
)


_SHARE_FIRST = re.compile(rf"\s*{SHARE_OF}", re.I)


def passes_assurance(goal: str) -> bool:
    """The team passes or obtains an assurance ('SOC 2 Type II report obtained by end of Q4', 'Become ISO 45001
    certified'): its kind is output, and a metric of the audit's own findings only restates it."""
    m = _PASSES.search(goal)
    # ... nor a share of cases getting one: "80% of PRs get first review within 1 working day" (set 59: called work)
    return bool(m) and not _OTHER_PEOPLE.search(goal[: m.start()]) and not _SHARE_FIRST.match(goal)


# The kinds of work the catalogue's ``restates`` field names, each with the rule that finds it in a goal.
RESTATED_WORK = ("hiring", "rollout", "assurance", "installation")

# A control switched on for everyone: "MFA enforced on 100% of employee SaaS accounts", "Hardware security keys
# issued to all admins". Its coverage is the work itself; the result is what the control prevents.
_EVERYONE = r"(?:\ball\b|\bevery\b|\b100\s?%)"
_ROLLOUT_WORK_RE = re.compile(
    r"\b(?:enforc(?:e|ed|es|ing)|issu(?:e|ed|es|ing)|mandat(?:e|ed|es|ing)|requir(?:e|ed|es|ing)|"
    rf"roll(?:ed|s|ing)?\s+out|deploy(?:ed|s|ing)?|turn(?:ed|s|ing)?\s+on|enabl(?:e|ed|es|ing))\b[^.;]*{_EVERYONE}"
    rf"|{_EVERYONE}[^.;]*\b(?:enforced|issued|mandated|required|rolled\s+out|deployed|enabled)\b",
    re.I,
)


# Things installed or fitted: "Install 60k SMETS2 meters", "Smart meters fitted across DMAs 14-22". Whether the
# installed things work (meters in smart mode) is the install done well; the result is what they are for (bills
# no longer estimated, leakage found sooner).
_INSTALL_WORK_RE = re.compile(r"\b(?:install(?:s|ed|ing|ations?)?|fitt(?:ed|ing))\b", re.I)


def work_kinds(goal: str) -> set[str]:
    """The kinds of work (``RESTATED_WORK``) a goal delivers: a metric that measures that work only restates it.

    "Hire 4 account executives" measured by the new sellers' ramp time is the hire restated; the result the hire
    is for is pipeline or bookings (a coach rejected the ramp time on unseen key results). "MFA enforced on all
    accounts" measured by MFA coverage is the rollout restated, and the 100% was lost on the way. "ISO 27001
    certification achieved" measured by the exceptions its auditor notes is the audit restated: top-1 for 9 labelled
    goals, acceptable for none (a coach: "exceptions found inside the audit, not what the report is for").
    """
    kinds = set()
    if _HIRING_WORK_RE.search(goal.strip()) and not _RECRUITING_ROLE_RE.search(goal):
        kinds.add("hiring")
    if _ROLLOUT_WORK_RE.search(goal):
        kinds.add("rollout")
    if passes_assurance(goal):
        kinds.add("assurance")
    if _INSTALL_WORK_RE.search(goal):
        kinds.add("installation")
    return kinds
