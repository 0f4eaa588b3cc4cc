"""Deterministic text work: numbers, dates, placeholders and input checks. No model involved.

The rule that matters most lives here: a number the user did not give never survives into
a rewrite, a proxy or a metric name; it becomes an explicit placeholder instead.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import InputError
from .policy import (
    CURRENCY,
    CURRENCY_AFTER,
    CURRENCY_CODES,
    DIGITS,
    FRACTION,
    MAGNITUDE,
    MARKUP_RE,
    NUMBER,
    NUMBER_RE,
    ROLE_TURN_RE,
    SHARE_OF,
    SMALL_NUMBER_WORDS,
    decoded_base64,
    fold_homoglyphs,
    instruction_like,
    instruction_match,
    strip_invisible,
)
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
# Month abbreviations of other languages that are not English ones ("by dic-24", "até dez/25", "bis Okt 2025"):
# read only with a year after them, since several are English words alone ("set", "out", "mag").
_OTHER_MONTHS = "ene|abr|ago|dic|dez|okt|mrt|mei|gen|mag|giu|lug|ott|set|out|fev|févr|janv|avr|juil|déc|mär|mai"
_SEASONS = "summer|winter|spring|autumn"
# A span of months: "Jun–Aug", "Jan-Mar" (a period a level is held over, or a baseline was read in).
_MONTH_SPAN = rf"(?:{_MONTHS})\s?[–-]\s?(?:{_MONTHS})"
# The end of the year or quarter, written short: "by EOY", "by FYE".
_PERIOD_END_SHORT = "eoy|eoq|eofy|fye"
# A grower's or processor's season by its name ("this campaign", "the 2024/25 crush"): one list for the three
# deadline forms that read it (set 49).
_GROWING_SEASON = r"(?:harvest|campaign|crush|crop)"
# Named seasons and periods teams plan around: "through the holiday peak", "by the autumn census".
_SEASON = (
    rf"(?:holiday|festive|christmas|{_SEASONS}|peak|back[- ]to[- ]school)\s+"
    rf"(?:season|peak|period|census|term|semester|break|sale|rush|holidays|sched(?:ule)?|timetable)|"
    # ... or a season's own round of checks or activities: "below 10% at the spring audit", "across the summer
    # programme" (set 29: both asked for a deadline they gave)
    rf"(?:{_SEASONS})\s+(?:audit|count|survey|programme|program|inspection|scheme|camps?)\b|(?:{_SEASONS})\b|"
    # trading events retail and e-commerce teams plan around
    r"black\s+friday(?:\s+(?:week|weekend))?|cyber\s+(?:monday|week)|boxing\s+day|prime\s+day|singles['’]?\s+day|"
    r"golden\s+quarter|"
    # the grower's season: "Avg truck turnaround at intake < 35 min through harvest" (set 25: asked for a deadline)
    r"(?:harvest|vintage)\b(?!\s+(?:19|20)\d{2})|"
    # the holidays a plan runs up to, alone: "by Easter", "before Christmas", "by Advent" (set 34), "before Diwali"
    r"(?:christmas|xmas|easter|advent|lent|ramadan|eid|diwali|hanukkah|passover|thanksgiving)(?:\s+(?:19|20)\d{2})?(?!\s+(?:card|menu|range|campaign|appeal|market|sale|event|party)s?\b)"
)
# The word that ends an event a plan runs up to ("the Easter rush", "the January SA peak", "polling day").
_EVENT_END = (
    # ... not a time of day's peak: "during AM peak" (set 19: read as a deadline)
    # ... nor peak hours or months, which recur: "in peak months" (set 20)
    r"(?:rush|(?<!am\s)(?<!pm\s)(?<!morning\s)(?<!evening\s)peak(?!\s+(?:hours|days|weeks|months|times|periods))|"
    r"deadline|drilling|"
    r"(?:polling|results|open|launch|match|race)\s+day|menu\s+launch|budget\s+round|"
    r"(?:general\s+|local\s+)?election|practical\s+completion|handover|(?-i:AGM)|bank\s+hol(?:iday)?s?|hol(?:iday)?s)"
)
# What may follow a phrase that ends there (a time, a named area): the end, punctuation, or a word joining the
# next phrase.
PHRASE_ENDS = (
    r"(?=\s*(?:$|[,;.:()!?–—-]|\b(?:and|or|to|for|in|on|at|with|by|before|within|over|during|across|compared|"
    r"versus|vs|through|from|this|next|while|so|when|than|as|every|each)\b))"
)
# Two years in a row, written short: "26/27" (not "24/7" or "50/50").
_YEAR_SPAN = "(?:" + "|".join(f"{y}/{y + 1}" for y in range(15, 49)) + r")(?![/\d])"
# The first period of something new: "in first season", "in our first full year".
_FIRST_PERIOD = (
    r"(?:the\s+|our\s+|its\s+)?(?:first|opening|debut|inaugural)\s+(?:full\s+)?(?:season|year|term|semester|quarter)"
)
# A period a goal already runs through, after "for", "in", "during", "through" or "over" (these words alone also
# introduce measures: "for every order", "in the app").
_PERIOD = (
    rf"{_FIRST_PERIOD}|(?:term|semester|trimester)\s+\d\b|q[1-4]|h[12]|fy|\d{{4}}|\d{{2}}/\d{{2}}\s+season|{_YEAR_SPAN}|quarter|year|{_SEASON}|\b{_EVENT_END}\b|\b(?:{_MONTHS})\b|"
    r"intake|series|half[- ]term|"
    r"pulse|(?-i:AW|SS|FW)\s?\d|(?-i:[SW])\d{2}\b"
)
# A day and month without the year: day first when the day is past 12 and the month is one ("30/6"), month first
# when the day is past 12 ("6/30"); a fraction ("1/3", "3/4") has its larger number below.
_DAY_MONTH = r"(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])(?![/\d])|(?:0?[1-9]|1[0-2])/(?:1[3-9]|2\d|3[01])(?![/\d])"
# A date written with dots, day first: "30.9.2024", "15.05.2025", or without the year when the month has its zero
# ("by 15.05", "by 30.09."; set 41: read as the target 30.9 and 15.05), never a decimal amount or change.
_DOTTED_DATE = (
    r"(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)?\d{2}(?![\d.])|"
    r"(?:0?[1-9]|[12]\d|3[01])\.\s(?:0?[1-9]|1[0-2])(?=\.(?!\d))|"  # "by 30. 6." (set 42)
    r"(?:0?[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])(?:\.(?!\d))?(?![\d%,]|\s?(?:x|%|pp|pts?|k|m|bn)\b)"
)
# A day of a month, wherever it stands: never a count.
_DAY_OF_MONTH = rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"
# Read only right after "before" or "ahead of": an event named after "by" or "in" is as often how or where.
_AFTER_BEFORE = r"(?:(?<=before\s)|(?<=ahead\sof\s))"
# The moment something starts, as a deadline reads: "before term starts", "before cows go in for housing".
_STARTING = r"(?:starts?|begins?|opens?|kicks?\s+off|go(?:es)?\s+(?:in|out|live))"
# A week of the year: "wk 30", "week 40", a fab's work week "WW39" (not "week 3 of", "12 weeks").
_WEEK_OF_YEAR = r"(?:wk|week|(?-i:WW))\s?\d{1,2}\b(?!\s*(?:of|%|days?|weeks?))"
# A deadline phrase *after* its introducing word (by / before / in / within / end of ...).
_DEADLINE_CORE = (
    # a numbered term: "by Term 4", "in Semester 2" (set 48: asked for a deadline it gave)
    r"(?:term|semester|trimester)\s+\d\b(?![.,]\d)|"
    # a review the work must be ready for, only after "before" or "ahead of": "Clear KYC backlog before the audit"
    # ("verified by an external audit" is how, "the internal audit plan" what)
    rf"{_AFTER_BEFORE}(?:the\s+|our\s+|next\s+)?(?:[\w-]+\s+){{0,2}}?(?:audit|inspection|renewal)(?:\s+season)?\b|"
    # ... or a date the work must beat: "Migrate merchants off API v1 before deprecation date" (set 15)
    rf"{_AFTER_BEFORE}(?:the\s+|our\s+)?(?:[\w-]+\s+){{0,2}}?(?:date|go[- ]live|cut-?over|switch[- ]?off|sunset)\b|"
    # ... or the season's first fixture: "Season ticket holders 4,200 -> 5,000 before first home game" (set 14)
    rf"{_AFTER_BEFORE}(?:the\s+|our\s+)?(?:first|opening)\s+(?:home\s+|away\s+)?(?:game|match|fixture)\b|"
    # ... or the moment something starts: "before term starts", "before call for entries opens", "before cows go in
    # for housing" (set 16); not what each case waits for ("before the invoice arrives")
    rf"{_AFTER_BEFORE}(?:the\s+|our\s+|next\s+)?(?:[\w-]+\s+){{0,3}}?{_STARTING}(?:\s+for\s+[\w-]+)?(?=\s*(?:$|[,;.(]))|"
    # ... or an event of the year the work must be ready for: "before storm season", "before the Christmas appeal",
    # "before opening weekend", "before monsoon", "before budburst" (set 16)
    rf"{_AFTER_BEFORE}(?:the\s+|our\s+|next\s+)?(?:[\w-]+\s+){{0,2}}?(?:season|term|campaign|appeal|launch|"
    # ... the farm's and school's year too: "before kharif sowing", "before the rentrée" (set 54: asked for a deadline)
    r"weekend|conference|festival|fair|kick-?off|summit|monsoon|vintage|harvest|budburst|freshers|sowing|planting|"
    r"drilling|calving|lambing|rentr[ée]e)\b|"
    # ... or a season named after "by": "by meher season", "by the wet season" (set 54); not a season ticket
    r"(?<=by\s)(?:the\s+|next\s+)?[a-z][\w-]*\s+season\b(?!\s+tickets?)|"
    # ... or a named event: "before KubeCon EU", "before Split 2", "before Oktoberfest" (after "by" a name is
    # as often who signs off: "approved by ExCo")
    rf"{_AFTER_BEFORE}(?-i:[A-Z][\w-]+(?:\s+(?:[A-Z][\w-]*|\d{{1,2}}))?)(?=\s*(?:$|[,;.(]))|"
    # ... or, after "ahead of", any event named with "the" that ends the phrase: "ahead of the board away-day" (set
    # 27); after "before" a clause may end there too ("before the invoice arrives")
    rf"(?<=ahead\sof\s)the\s+(?:[\w'’-]+\s+){{0,2}}?[\w'’-]+(?=\s*(?:$|[,;.(]))|"
    # ... or, after "during", "at", "by" or "before", an event or competition named with its year: "during Torneo 2024"
    # (set 42: a deadline was asked for), "by Expo 2030"
    rf"(?:(?<=during\s)|(?<=at\s)|(?<=by\s)|(?<=before\s))(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?"
    rf"\s+(?:19|20)\d{{2}}(?:[/-]\d{{2}})?\b|"
    # a week of the year: "by wk 30", "by week 40" (set 16)
    rf"{_WEEK_OF_YEAR}|"
    # a season written with two-digit years: "for the 24/25 season" (set 14)
    r"(?:the\s+)?\d{2}/\d{2}\s+(?:season|academic\s+year|school\s+year|financial\s+year)\b|"
    # a season or year written as a span, a harvest or term with its year, a quarter's published release:
    # "for the 2025/26 season", "by harvest 2025", "in the Q3 RAJAR release"
    rf"(?:the\s+)?(?:19|20)\d{{2}}[/-]\d{{2}}(?![/-]?\d)(?!\s+(?:entry|entrants|cohort|starters|intake\s+cohort|leavers|graduates))"
    rf"(?:\s+(?:season|academic\s+year|school\s+year|financial\s+year|term|"
    rf"intake|cycle|{_GROWING_SEASON}))?|"
    # ... or a cropping season with its year: "in long rains 2025", "kharif 2025" (set 37: asked for a deadline)
    rf"(?:harvest|season|term|semester|census|intake|(?:(?:long|short|main)\s+)?rains|kharif|rabi|monsoon)\s+"
    rf"(?:19|20)\d{{2}}(?:[/-]\d{{2}})?|"
    # ... or the year first: "Berths 90% let for the 2027 season" (set 26)
    rf"(?:the\s+)?(?:19|20)\d{{2}}\s+(?:season|harvest|intake|cycle|endline|midline|screening|survey)\b|"
    # a month's or season's intake, exam series or half-term: "by the September intake", "for the June series",
    # "by October half-term"; a fashion season code: "for AW24", "by SS25"
    rf"(?:the\s+)?(?:{_MONTHS}|{_SEASONS})\s+(?:intake|series|half[- ]term|exams?|"
    rf"sitting|census)|"
    rf"(?-i:AW|SS|FW)\s?['’]?\d{{2}}\b|"
    # an airline's summer or winter schedule: "across S25 schedule", "for W24 season" (set 34: asked for a deadline)
    rf"(?-i:[SW])\d{{2}}\s+(?:schedule|sched|sked|season|timetable)\b|"
    # a rail or retail period of the year, after "by", "until" or "end of", ending the phrase: "back above 91.5% by
    # P13" (set 34); not a priority ("by P1 team")
    rf"(?:(?<=by\s)|(?<=until\s)|(?<=end\sof\s))(?-i:P)(?:1[0-3]|[1-9])\b{PHRASE_ENDS}|"
    # a whole year named as one: "450k visitors in calendar 2025" (set 34)
    rf"(?:calendar|financial|fiscal)\s+(?:year\s+)?(?:19|20)\d{{2}}(?:[/-]\d{{2}})?|"
    # a season with its year ("through winter 2025/26", "in the summer 2026 results")
    rf"(?:the\s+)?(?:{_SEASONS})\s+(?:19|20)\d{{2}}(?:[/-]\d{{2}})?"
    rf"(?:\s+(?:results|exams|series|term|season|window|peak))?|"
    rf"(?:the\s+)?q[1-4]\s+(?:[a-z]+\s+){{0,2}}?(?:release|results|report|survey|publication|figures|wave)|"
    # a staff survey wave with its season or month: "in the autumn pulse", "by the March pulse survey"
    rf"(?:the\s+)?(?:next\s+|(?:{_SEASONS}|{_MONTHS}|q[1-4])\s+)pulse(?:\s+survey)?|"
    rf"(?:(?:the\s+)?end\s+(?:of\s+)?(?:the\s+)?)?"
    rf"(?:q[1-4](?:\s*(?:fy)?['’]?\d{{2,4}})?|h[12](?:\s*\d{{4}})?|fy\s?\d{{2,4}}(?:[/-]\d{{2}}(?!\d))?(?:\s+(?:q[1-4]|h[12])\b)?|"
    # ... a month with a short year: "by Mar '26" (set 18: read as "Mar"), "by Mar-26", "by Sep/2026" (the year
    # had been read as the target)
    rf"(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}}|\s+['’]\d{{2}}\b|[-/'’]\d{{2}}(?:\d{{2}})?\b)?|"
    # ... or in another language, always with its year: "by dic-24" (set 43: a second deadline was asked for)
    rf"(?:{_OTHER_MONTHS})\.?(?:[-/'’]\d{{2}}(?:\d{{2}})?|\s+(?:19|20)\d{{2}})\b|"
    # day first, as most of the world writes it: "by 15 August", "before 31st October 2026"
    # ... or the week it starts: "by w/c 22 Sept" (set 15)
    rf"(?:(?:w/c|w\.c\.|week\s+(?:commencing|beginning|of))\s+)?"
    rf"{_DAY_OF_MONTH}\.?(?:,?\s+\d{{4}})?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{_DOTTED_DATE}|(?:19|20)\d{{2}}|"
    # ... a day and month without the year, either order, never a fraction ("by 30/6", "by 6/30"; not "by 1/3")
    rf"{_DAY_MONTH}|"
    # ... a named season or cycle with its two years: "by safra 26/27", "by campaign 25/26" (set 29)
    rf"(?:the\s+)?(?:[A-Za-z][\w-]+\s+)?{_YEAR_SPAN}|"
    # ... "by FY end", "by financial year end" (set 20: read as missing)
    rf"eoq\s?[1-4]\b|{_PERIOD_END_SHORT}|(?-i:YE)|(?:fy|financial\s+year|fiscal\s+year|year)[- ]end|quarter[- ]end|"
    # ... or all of it: "held below 0.8 for the full FY" (set 31: asked for a deadline it gave)
    rf"(?:this|next|the)\s+(?:(?:whole|entire|full)\s+)?(?:(?:school|academic|financial|fiscal|calendar)\s+)?"
    rf"(?:quarter|year|yr|half|month|sprint|fy)|"
    # "through the winter", "every week this winter": the season ends the phrase ("the spring campaign" is a
    # campaign, not a season)
    rf"(?:the|this|next)\s+(?:whole\s+|entire\s+|full\s+)?(?:{_SEASON}){PHRASE_ENDS}|"
    rf"(?:the\s+)?(?:whole\s+|entire\s+|full\s+)?{_SEASON}|"
    rf"(?:quarter|year|month|half|sprint)|"
    # the first period of something new: "1,500 sign-ups in first season", "in our first full year"
    rf"{_FIRST_PERIOD}\b|"
    rf"\d+\s+(?:days?|weeks?|months?|quarters?|years?)|"
    # the end or close of a named period or event: "close of FY25 Q4", "end of AMP7", "the end of the World Cup"
    # ... a numbered term: "by end of Term 2" (set 45: read as "end of Term")
    rf"(?:the\s+)?(?:end|close|start)\s+of\s+(?:the\s+)?(?:fy\s?\d{{2,4}}(?:\s+q[1-4])?|(?:term|semester)(?:\s+\d\b)?|season|"
    rf"(?-i:[A-Z][\w/&-]*)(?:\s+(?-i:[A-Z][\w/&-]*)){{0,2}}(?:\s+(?:yr|year)\s?\d\b)?)|"  # "end of AMP8 yr 1"
    # an event the plan runs up to: "before the Easter rush", "by peak", "before spring drilling",
    # "by the 30 June early-bird deadline", "before the FY26 budget round", "in time for polling day"
    rf"(?:the\s+)?(?:(?!(?:by|before|for|in|to|of|and|with|after|until|on|at|the)\b)[\w/&'’–-]+\s+){{0,3}}?{_EVENT_END}\b|"
    # a dated sitting or event: "in the 2025 KS2 SATs", "in the 2026 GCSEs", "at the 2028 Games"
    rf"the\s+(?:19|20)\d{{2}}(?:[/-]\d{{2}})?\s+(?:[\w/&-]+\s+){{0,2}}?(?:SATs|GCSEs?|A[- ]levels?|exams?|"
    rf"assessments?|tests|results|census|inspection|elections?|games|olympics|paralympics|world\s+cup|championships?)"
    rf")"
)
_DEADLINE_RE = re.compile(
    rf"\b(?P<lead>w/c|week\s+commencing|wef|w\.e\.f\.|with\s+effect\s+from|(?:each|every)\s+(?:day|week|month|quarter)\s+(?:of|in)|by|before|until|in\s+time\s+for|ahead\s+of|going\s+into|heading\s+into|(?:for|in|across|over)\s+(?:all|the\s+whole)\s+of|in|"
    rf"within|during|end\s+of|through(?:out|\s+to)?|over|across|for|at)\s+"
    rf"(?P<when>{_DEADLINE_CORE})\b",
    re.IGNORECASE,
)
# Energy, mass and volume as plants, grids and ports report them, in capitals ("3.5 GW", "40 Mt", "1,200 TEU").
PHYSICAL_UNIT = r"(?-i:[kMGT]Wh?|[MG]Wp|Mtpa|Mt|kt|tCO2e?|Mm3|TEU)"
# Points as a unit: "+12 pts", "7.2bps", "3pp".
_POINTS = r"(?:pp|pts?|points?|percentage\s+points|bps)"
# The kind of time a duration counts, before its unit: "5 working days", "4 business hours", "1 calendar month".
_TIME_KIND = r"(?:(?:working|business|calendar)\s+)"
# Working days written short, in capitals only ("12 WD -> 5 WD"; "wd" is too often something else).
_WORKING_DAYS_SHORT = r"(?-i:WDs?)"
_UNIT = (
    # a rate unit written with a slash: "142 Ml/d", "30 km/h", "8 t/ha" (set 18: "from 142 Ml/d to 128 Ml/d" unread)
    # minutes and seconds run together: "from 9m40s to 7m00s" (set 37: read as 7)
    # ... or minutes and seconds with a colon: "handle time 6:40 -> 5:30" (set 39: read as 40 and 5)
    rf"(?:(?-i:m)\d{{2}}s\b|:[0-5]\d(?![\d:])|\s?%|\s?{_POINTS}\b|\s?(?:{MAGNITUDE}|b)\b(?:\.?\s{CURRENCY_AFTER}\b)?|"
    rf"\s{CURRENCY_AFTER}\b|x\b|\s?/\s?\d+|"
    # energy, mass and volume as plants, grids and ports report them, in capitals: "Module shipments to Middle East
    # 3.5 GW (2023: 1.9 GW)" (set 49: read as nothing), "1,200 MW"
    rf"\s?{PHYSICAL_UNIT}\b|"
    r"\s?[A-Za-z]{1,3}/[A-Za-z]{1,5}\b|(?-i:ppl|p)\b|"  # "30p/litre", "33.4ppl" (set 34: read as 30)
    rf"\s?out\s+of\s+\d+|\s{_TIME_KIND}(?:days?|hours?|hrs?|weeks?|months?)\b|\s?{_WORKING_DAYS_SHORT}\b|"
    # ... a share as "N in M": "for 7 in 10 pts", "from 1 in 12 jobs to 1 in 30" (set 27: read as 7 and 1); not a
    # time ("40 in 12 weeks")
    r"\s+in\s+(?:\d{1,3}|ten|twenty)(?![\d,.%])(?!\s*(?:ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|d|"
    r"wks?|weeks?|months?|quarters?|years?|yrs?|sprints?)\b)|"
    r"\s?(?:ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|"
    r"days?|d|weeks?|months?)\b)?"
)
_NUM = rf"{NUMBER}{_UNIT}"
# A target given as a range, joined by an en dash or a bare hyphen: "₹4–4.5 cr", "to 4-4.5%", "to 85%–90%" (set 32:
# read as its first number); a hyphen with spaces round it separates phrases ("to 2% - was 3.1%").
_TARGET_NUM = rf"(?:{NUMBER}(?:\s?%|\s?{MAGNITUDE}\b)?(?:\s?–\s?|-)(?:{NUMBER}){_UNIT}|{_NUM})"
# A signed score ("eNPS from +5 to +20"), and a bound written as a sign ("from 22 min to <10").
_SIGNED = rf"[+−-]?{_NUM}"  # "eNPS from -4 to +15" (set 28: read as 4)
_FROM_TO = re.compile(
    rf"\bfrom\s+(?:about\s+|around\s+|~)?(?P<base>{_SIGNED})(?:\s+(?!to\b)[a-z]{{3,}})?\s+(?:to|->|→)\s+"
    rf"(?:(?:under|below|over|above|at\s+least|less\s+than|more\s+than|no\s+more\s+than)\s+|[<>≤≥]=?\s*)?"
    rf"(?P<target>{_TARGET_NUM}|{_SIGNED})",
    re.I,
)
# ... or the target first: "Reduced outpatient physio DNA rate to 6% from 9.8%" (set 55: the 9.8% read as nothing)
_TO_FROM = re.compile(
    rf"\bto\s+(?:(?:under|below|over|above)\s+|[<>≤≥]=?\s*)?(?P<target>{_TARGET_NUM})\s+from\s+(?:about\s+|around\s+|~)?"
    rf"(?P<base>{_SIGNED})(?![\w.,/-])",
    re.I,
)
# A change written as an arrow, without "from": "999 calls answered within 10 seconds: 71% → 90%".
_ARROW = re.compile(rf"(?<![\w.])(?P<base>{_NUM})\s*(?:->|→|=>)\s*(?P<target>{_TARGET_NUM})", re.I)
_TARGET_ONLY = re.compile(
    rf"(?:\b(?:to|reach(?:es|ing)?|at\s+least|above|below|under|over|hit|achieve|≥|>=|<=|≤)|(?<![\d%])\s(?:->|→))\s+"
    rf"(?:an?\s+)?(?:average\s+of\s+)?(?P<target>{_TARGET_NUM})",
    re.I,
)
# A level written as a bound: "Cat 2 mean <30 min", "NRR 112%+", "Associate utilisation 75%+" (set 15: "Cat 2" was read
# as the target, "112%+" not read at all)
_BOUND = re.compile(
    rf"(?:^|(?<=\s))(?:<=?|>=?|≤|≥)\s*(?P<target>{_NUM})|(?<![\w.+-])(?P<plus>{NUMBER}\s?%)\+(?![\d\w])|"
    # ... or a count in thousands: "avg home gate 3,500+ (last season 1,840)" (set 44: read as nothing); not an age
    # group ("for 65+")
    r"(?<![\w.+-])(?P<plus_count>\d{1,3}(?:,\d{3})+|\d{4,})\+(?![\d\w])",
    re.I,
)
# a share of cases: "95% of samples" (a bound beside it is each case's limit; with "within N days", a limit per case)
_SHARE_OF = re.compile(SHARE_OF, re.I)
# ... whose population a bound narrows: "on 100% of boats over 10m" (set 16): the share is the target, not 10m
# ... or a level on the things a bound picks out: "GRR 91%+ on accounts over $50k ARR" (set 47: $50k read as the target)
_QUALIFIED_SHARE = re.compile(
    rf"{SHARE_OF}\s+(?:[\w-]+\s+){{1,7}}?(?:over|under|above|below)\s+{NUMBER}|"
    rf"{NUMBER}\s?%\+?\s+(?:on|for|across|among)\s+(?:[\w-]+\s+){{0,3}}?[a-z]+s\s+(?:over|under|above|below)\s+{NUMBER}",
    re.I,
)
# The units of a relative change: "up 15%", "down 3pp", "up 5 points".
RELATIVE_UNIT = rf"(?:%|{_POINTS}\b)"
# "bringing front-desk queue time down 40%", "conversion up 15%": a change stated after the measure.
_UP_DOWN = re.compile(
    # not a phrasal verb ("set up 5 pages", "make up 25% of accounts"), and only a relative change (% or points)
    r"(?<!\bset\s)(?<!\bsets\s)(?<!\bmake\s)(?<!\bmakes\s)(?<!\bmade\s)(?<!\bsign\s)(?<!\bpick\s)"
    rf"\b(?P<dir>down|up)\s+(?!to\b)(?:by\s+)?(?P<delta>{NUMBER}\s?{RELATIVE_UNIT})",
    re.I,
)
# A change in points written with its sign: "NPS among B2B wholesale customers +12 pts" (set 39: read as "12 pts", a
# level); a signed percentage stays as it was read ("Scope 2 -25% vs 2022 baseline").
_SIGNED_POINTS = re.compile(rf"(?<![\w.+−-])(?P<sign>[+−-])\s?(?P<delta>{DIGITS}\s?{_POINTS}\b)", re.I)
# A change by a fraction in words: "Injurious falls down by a third compared with last year" (a coach saw it read as
# no target at all).
_BY_FRACTION = re.compile(
    r"\b(?:(?P<down>down|cut|reduced|lowered|fallen|fell|dropped)|up|rose|risen|raised|increased|grown|grew)\s+by\s+"
    rf"(?P<frac>{FRACTION})\b",
    re.I,
)
# Verbs of a change by an amount, each a whole word, not the start of another ("cutover ... complete by 1 Oct", set 32:
# read as -1); the group the verb falls in gives the change its sign.
_CHANGE_UP = (
    r"increas(?:e|es|ed|ing)|grow(?:s|n|ing)?|grew|rais(?:e|es|ed|ing)|improv(?:e|es|ed|ing)|boost(?:s|ed|ing)?|"
    r"lift(?:s|ed|ing)?"
)
_CHANGE_DOWN = (
    r"reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|cut(?:s|ting)?|lower(?:s|ed|ing)?|drop(?:s|ped|ping)?|"
    r"shr(?:ink|inks|inking|ank|unk)|declin(?:e|es|ed|ing)"
)
_BY_CHANGE = re.compile(
    rf"\b(?:(?P<down>{_CHANGE_DOWN})|{_CHANGE_UP})\b[^.;]*?\bby\s+(?P<delta>{_NUM})",
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

NOTE_INSTRUCTIONS = (
    "Part of this text reads like instructions to the assistant; it was left out of what the model read "
    "(your text is kept as you wrote it)."
)
NOTE_INSTRUCTIONS_KEPT = (
    "This text reads like instructions to the assistant rather than a goal; it was reviewed as a goal, "
    "so check the verdict yourself."
)
NOTE_MARKUP = (
    "JSON, role tags or chat-template tokens were removed from what the model read (your text is kept as you wrote it)."
)
# A status the team tracks beside a key result, not part of it: "- DONE", "(on track)", "[RAG: amber]", "✅" (sets 16
# and 17: "DONE" kept in the initiative, "(v3) - DONE" read as an outcome). After a dash, colon, bar or in brackets
# only: "Migration done" reports the work, "Q3 target met" states a result.
_DONE_WORD = r"done|complete(?:d)?|finished|achieved|met"
_STATUS_WORD = (
    rf"{_DONE_WORD}|missed|on[- ]track|off[- ]track|at[- ]risk|behind(?:\s+plan)?|"
    r"ahead(?:\s+of\s+plan)?|in[- ]progress|not[- ]started|blocked|wip|"
    # ... or a slip: "-- slipped to Dec, vendor delay" (set 46: kept in the key result)
    rf"(?:slipped|delayed)(?:\s+to\s+(?:{_MONTHS}|q[1-4]|h[12])\b\.?)?"
)
_RAG_COLOUR = r"(?:red|amber|green)"
_RAG = rf"(?:rag|status)\s*[:=-]?\s*{_RAG_COLOUR}|{_RAG_COLOUR}(?=\s*[)\]])"
_STATUS_MARK = r"✅|✔️?|☑️?|❌|✗|🟢|🟡|🟠|🔴|⚠️?"
# progress written as a status: "- 140/200 onboarded", "- 100% DONE" (set 39: kept in the key result and hypothesis)
# ... "- 22/30 as at Sep" (set 44)
_PROGRESS = (
    rf"\d+\s?/\s?\d+\s+[a-z]+(?:ed|en|ne)\b|\d+\s?%\s+(?:{_DONE_WORD})\b|"
    # ... a bare count done at the end, "- 18/25", or "(2 of 3 live, ...)" (set 46: kept in the key result)
    r"\d+\s?/\s?\d+(?=\s*$)|\d+\s+of\s+\d+\s+(?:live|done|open|installed|signed|delivered|commissioned)\b|"
    rf"\d+\s?/\s?\d+\s+as\s+(?:at|of)\s+(?:{_MONTHS}|q[1-4]|today|now)\b|"
    # ... or what is counted before the word saying so: "Status: 42/57 repos done" (set 59: read as the target)
    rf"\d+\s?/\s?\d+\s+[a-z]+\s+(?:{_DONE_WORD}|live|migrated)\b"
)
_STATUS_TEXT = rf"(?:status\s*[:=-]?\s*)?(?:{_STATUS_WORD}|{_RAG}|{_PROGRESS})"
_TRAILING_STATUS = re.compile(
    # ... with the reason after it: "- at risk, contractor shortfall in North patch" (set 19: kept in the key result),
    # "- at risk (grid connection delayed)" (set 21)
    # ... or the day it was done: "- DONE 14/05" (set 35: 05 read as the target), "- done 3 Mar"
    # ... "- DONE 30-09" (set 42)
    # ... or its month: "- DONE Mar" (set 57: "Mar" read as the deadline, the work as an outcome)
    # ... or after a full stop when called a status: ". Status: 42/57 repos done" (set 59)
    rf"(?:\s*(?:--|[-–—:|]|\.(?=\s*status\s*[:=-]))\s*(?:[(\[]\s*)?{_STATUS_TEXT}\s*[)\]]?"
    rf"(?:\s+\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|\s+{_DAY_OF_MONTH}|\s+(?:{_MONTHS})\b\.?(?:\s+\d{{4}})?)?"
    rf"(?:\s*[,;:]\s*[^()\[\]|–—]{{1,80}}?|\s*\([^()]{{1,80}}\))?|"
    rf"\s*[(\[]\s*{_STATUS_TEXT}\s*[)\]]|\s*(?:{_STATUS_MARK})|"
    # ... or a RAG status after it with no dash: "(Mar actual 1.8%) RAG: red" (set 42: kept in the key result),
    # "..., RAG red" (set 45)
    rf"(?:\s+|\s*[,;]\s*)(?:rag\s*[:=]?|status\s*[:=])\s*{_RAG_COLOUR}(?=\s*$)|"
    # ... or its colour alone after a dash: "... (FY23/24: 84,6%) — amber" (set 44: kept in the key result)
    # ... with its reason: "- AMBER, acid plant #2 reline slipped to Q3" (set 58: kept in the key result)
    rf"\s+[–—-]\s*{_RAG_COLOUR}(?:\s*[,;]\s*[^()\[\]|–—]{{1,80}}?)?(?=\s*$))"
    r"\s*[.!]*\s*$",
    re.I,
)
_LEADING_STATUS = re.compile(
    rf"^\s*(?:[(\[]\s*{_STATUS_TEXT}\s*[)\]]|{_STATUS_TEXT}\s*[-–—:|]|(?:{_STATUS_MARK}))\s*", re.I
)
# a RAG status opening a bracket that goes on with the baseline: "(RAG: red, currently 3.1%)" (set 39)
# ... or closing it: "(T2: 68%, RAG amber)" (set 42: the baseline was lost with it), "(Sep actual 99.91% - RED)" (set
# 47: its bracket was left open)
_RAG_ASIDE = re.compile(
    # ... or a dash after it: "(RAG: amber - 28/40 done)" (set 53: split at the dash, its bracket left open)
    rf"\(\s*(?P<status>{_RAG})\s*(?:[,;]|\s[-–—])\s*(?=[^()]*\)\s*$)|(?<=\d%)\s*(?:[,;]|\s[-–—])\s*(?P<closing>{_RAG})\s*(?=\)\s*$)",
    re.I,
)
DONE_STATUS = re.compile(rf"(?:{_DONE_WORD})\b|✅|✔|☑|\[x\]", re.I)  # a status saying the work is finished


def split_status(text: str) -> tuple[str, str | None]:
    """(the key result, the status written beside it): 'Docs site rewritten (v3) - DONE' -> ('Docs site rewritten
    (v3)', 'DONE'). The status is read once here, so kind, numbers and ranking see only the key result."""
    if aside := _RAG_ASIDE.search(text):
        opened = "" if aside.group("closing") else "("
        return f"{text[: aside.start()]}{opened}{text[aside.end() :]}", aside.group("status") or aside.group("closing")
    for pattern in (_TRAILING_STATUS, _LEADING_STATUS):
        m = pattern.search(text)
        rest = (text[: m.start()] + " " + text[m.end() :]).strip() if m else text
        if m and re.search(r"[A-Za-z]{3}", rest):
            return rest, _bare_status(m.group(0))
    return text, None


def _bare_status(written: str) -> str:
    """The status without its dash or enclosing brackets; a reason in brackets keeps them ("at risk (grid delay)")."""
    status = written.strip(" \t-–—:|.!,;")
    if status[:1] in "([" and status[-1:] in ")]":
        status = status[1:-1]
    return status.strip(" \t-–—:|.!")


NOTE_STATUS = "'{status}' is read as the key result's status, not part of it."
NOTE_NOT_ENGLISH = (
    "This goal does not look like English; our guidance and examples are in English, "
    "so check this review with extra care."
)
# Sentence or line ends; "P.S.", "e.g." and "U.S." do not end a sentence.
_SEGMENT_END = re.compile(r"(?<=[.!?;。！？；])(?<![A-Za-z]\.[A-Za-z]\.)\s+|\n+|(?<=[。！？；])")
_TRAILING_JOINERS = re.compile(
    r"[\s,;:.\-–—(]*(?:\b(?:and|then|also|but|so|or|pls|please|p\.?s\.?)\b[\s,;:.\-–—]*)*$", re.I
)


@dataclass(frozen=True)
class PreparedGoal:
    """A goal ready for the model. ``original`` is what the user wrote and what every row shows;
    ``for_model`` is the only text the model reads; ``notes`` explain any difference."""

    original: str
    for_model: str
    notes: list[str] = field(default_factory=list)
    flags: frozenset[str] = frozenset()
    status: str | None = None  # written beside the key result ("DONE", "on track"), kept out of ``for_model``

    @property
    def suspicious(self) -> bool:
        """True when the text held instruction-like wording (team examples refuse it)."""
        return "instructions" in self.flags


def _remove_json(text: str) -> tuple[str, bool]:
    """Drop JSON objects (and JSON-ish ``{"kind": "outcome", ...}``): a goal never needs one."""
    decoder = json.JSONDecoder()
    out: list[str] = []
    i = removed = 0
    while i < len(text):
        if text[i] != "{":
            out.append(text[i])
            i += 1
            continue
        end = None
        try:
            obj, end = decoder.raw_decode(text, i)
            if not isinstance(obj, dict):
                end = None
        except json.JSONDecodeError:
            end = _balanced_brace_end(text, i)
            if end is not None and ":" not in text[i:end]:
                end = None
        if end is None:
            out.append(text[i])
            i += 1
        else:
            removed += 1
            i = end
    cleaned = re.sub(r"\[\s*(?:,\s*)*\]", " ", "".join(out)) if removed else text
    return cleaned, bool(removed)


def _balanced_brace_end(text: str, start: int) -> int | None:
    depth, quoted = 0, False
    for j in range(start, min(len(text), start + 2000)):
        c = text[j]
        if c == '"' and text[j - 1] != "\\":
            quoted = not quoted
        elif not quoted and c == "{":
            depth += 1
        elif not quoted and c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def _without_instructions(text: str) -> tuple[str, list[str]]:
    """Drop each sentence or line that talks to the model; cut a sentence at the instruction when the goal
    comes first ("Launch X and ignore the rules" -> "Launch X"). Returns the rest and what was dropped."""
    kept: list[str] = []
    dropped: list[str] = []
    for segment in _SEGMENT_END.split(text):
        segment = segment.strip()
        if not segment:
            continue
        if not instruction_like(segment):
            kept.append(segment)
            continue
        # Only the goal's own sentence is cut at the instruction; a later one that talks to the model goes whole.
        head = segment if not kept else ""
        while head and instruction_like(head):
            match = instruction_match(head)
            head = _TRAILING_JOINERS.sub("", head[: match.start()]) if match else ""
        if len(re.findall(r"\w+", head)) >= 2 and re.search(r"[^\W\d_]{3}", head):
            kept.append(head)
            dropped.append(segment[len(head) :])
        else:
            dropped.append(segment)
    return "\n".join(kept), dropped


def _binary_reason(text: str) -> str | None:
    if "\x00" in text:
        return "This looks like binary data, not a goal (it contains NUL bytes). Paste the goal as plain text."
    noise = sum(
        1 for c in text if (unicodedata.category(c) in {"Cc", "Cs", "Co", "Cn"} and c not in "\t\n\r") or c == "\ufffd"
    )
    if noise > max(2, len(text) * 0.05):
        return (
            "This looks like binary data, not a goal (it holds control or undecodable characters). "
            "Paste the goal as plain text, or save the file as UTF-8."
        )
    return None


# The marker a list item starts with: "- ", "• ", "1. ", "a) ", "(2) ", "- [x] " (one home: the roadmap parser and
# ``prepare_goal`` read it; set 18: "• pick accuracy 99.7%" kept its bullet in the rewrite).
LIST_MARKER = re.compile(r"^(?:[-*+•◦▪‣·–—]|\d+[.)]|[a-z][.)]|\(\d+\))\s+(?:(?:\[ \]|(?P<ticked>\[x\]))\s+)?", re.I)


def capitalised(text: str) -> str:
    """The text with its first letter in capitals, the rest as written ("adding the fit guide" -> "Adding ...")."""
    return text[:1].upper() + text[1:]


# A remark in brackets said with feeling: "95% of SA returns filed by 15 Jan (no last-minute rush this yr!)" (set 18: it
# stayed in the key result). It is the team talking to itself, not part of what is measured.
# ... but a number said with feeling is where the team stands: "Crown remakes below 3% (FY25 was 7.5%!!)" (set 26).
_EXCLAIMED_ASIDE = re.compile(r"\s*\((?![^()]*\d)[^()]*!\s*\)")


def prepare_goal(text: str | None, max_chars: int = 1000) -> PreparedGoal:
    """Clean one goal for the model; refuse only what cannot be a goal (``InputError`` says why and how to fix).

    Goals are data: instruction-like wording, JSON, role tags and chat tokens are kept out of what the model
    reads and explained in a note, never refused, because ordinary key results use the same words
    ("Always answer calls within three rings"). Empty, binary and over-long text is refused.
    """
    if text is None or not text.strip():
        raise InputError(
            "Empty goal: nothing to review. Write the goal as text, e.g. 'Launch the new onboarding flow'."
        )
    reason = _binary_reason(text)
    if reason:
        raise InputError(reason)
    visible = re.sub(r"[ \t]+", " ", strip_invisible(text)).strip()
    if len(visible) > max_chars:
        raise InputError(
            f"Goal is {len(visible)} characters; the limit is {max_chars}. "
            "Split it into separate goals (one per line) or shorten it."
        )
    flags: set[str] = set()
    notes: list[str] = []
    if visible != re.sub(r"[ \t]+", " ", text.replace("\r\n", "\n").replace("\r", "\n")).strip():
        flags.add("normalised")
    folded = fold_homoglyphs(visible, mixed_words_only=True)
    if folded != visible:
        flags.add("homoglyphs")
    work, had_json = _remove_json(folded)
    work, n_markup = MARKUP_RE.subn("\n", work)
    without_turns, n_turns = ROLE_TURN_RE.subn("\n", work)
    if n_turns and re.search(r"\w\w", without_turns):
        work, n_markup = without_turns, n_markup + n_turns
    for run, decoded in decoded_base64(work):
        if instruction_like(decoded):
            work = work.replace(run, " ")
            flags.add("base64")
    if had_json or n_markup:
        flags.add("markup")
        notes.append(NOTE_MARKUP)
    if instruction_like(visible) or "base64" in flags:
        flags.add("instructions")
    if instruction_like(work):
        rest, dropped = _without_instructions(work)
        if dropped and re.search(r"\w\w", rest):
            work = rest
            notes.append(NOTE_INSTRUCTIONS)
        else:
            notes.append(NOTE_INSTRUCTIONS_KEPT)
    elif "base64" in flags:
        notes.append(NOTE_INSTRUCTIONS)
    marker = LIST_MARKER.match(work.strip())
    for_model = re.sub(r"\s+", " ", work.strip()[marker.end() if marker else 0 :]).strip(" \t\n-–—:;,|")
    if flags & {"markup", "instructions"}:
        for_model = for_model.rstrip(" .。")
    if not re.search(r"\w", for_model):
        raise InputError(
            "Nothing is left to review once JSON, role tags and chat tokens are removed. "
            "Paste the goal itself as plain text, e.g. 'Launch the new onboarding flow'."
        )
    if not any(c.isalpha() for c in for_model):
        raise InputError(
            "This has no words, only numbers or symbols, so it cannot be a goal. "
            "Say what should change, e.g. 'Raise NPS from 30 to 50 by 2025-12-31'."
        )
    for_model, status = split_status(for_model)
    if not status and marker and marker.group("ticked"):
        status = "[x]"  # ticked off in a checklist: the work is done, its result is what is left to track
    for_model = _EXCLAIMED_ASIDE.sub("", for_model).strip() or for_model
    if status:
        notes.append(NOTE_STATUS.format(status=status))
    if not looks_english(for_model):
        notes.append(NOTE_NOT_ENGLISH)
    return PreparedGoal(original=text, for_model=for_model, notes=notes, flags=frozenset(flags), status=status)


def check_goal(text: str, max_chars: int = 1000) -> tuple[str, list[str]]:
    """Thin wrapper over ``prepare_goal`` for existing callers: (text for the model, notes)."""
    prepared = prepare_goal(text, max_chars)
    return prepared.for_model, list(prepared.notes)


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
    """Every number in the text, normalised (commas dropped, currency and units stripped); with the currency glued
    before it too, as the placeholder guard reads it ("R48m": set 56 had its own R48m and R31m replaced)."""
    out: set[str] = set()
    clean = _PLACEHOLDER_RE.sub(" ", text or "")
    for pattern in (NUMBER_RE, _NUMBER_WITH_CURRENCY):
        out.update(_norm_number(m.group(0)) for m in pattern.finditer(clean))
    return out


_NUMBER_WITH_CURRENCY = re.compile(NUMBER)


def _norm_number(token: str) -> str:
    digits = re.sub(r"[^\d.]", "", token)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits.lstrip("0") or "0"


_BARE_DEADLINE_RE = re.compile(
    # ... "this academic yr" (set 20: read as missing)
    # ... the grower's or exporter's season too: "0 MRL exceedances in export lots this campaign" (set 49)
    r"\b(?:this|next|the\s+current)\s+(?:quarter|qtr|year|yr|half|month|sprint|fy|(?:financial|fiscal)\s+y(?:ea)?r|"
    rf"(?:academic|school)\s+y(?:ea)?r|term|semester|season|{_GROWING_SEASON}|{_SEASONS}|(?!may\b)(?:{_MONTHS})|(?-i:May|AY))\b|\b(?:{_PERIOD_END_SHORT})\b|"
    # ... a league's or festival's season by its short name: "this PSL season" (set 58: a deadline was asked for)
    r"\b(?:this|next)\s+(?-i:[A-Z][A-Z0-9]{1,5})\s+season\b(?!\s+tickets?)|"
    # a level held over a named period: "every week of Golden Quarter", "each day of the Christmas peak"
    rf"\b(?:every|each)\s+(?:day|week|month|period|shift)\s+(?:of|in|during|through)\s+(?:the\s+)?(?:{_SEASON}|{_EVENT_END}\b)|"
    # a span of months a level is held over: "On-time departures 96% Jun–Aug" (set 15)
    rf"\b{_MONTH_SPAN}\b(?:\s+(?:19|20)\d{{2}})?|"
    # a quarter or half tacked on at the end: "Cat 2 mean response -> 30 mins or under, Q3" (coach, set 14)
    r"(?<=,\s)(?:q[1-4]|h[12])(?:\s*(?:fy\s?)?['’]?\d{2,4})?\s*$|"
    # ... or a season after a comma: "Pax slip/trip injuries onboard <=5 per mil. passengers, summer season" (set 50)
    rf"(?<=,\s)(?:the\s+)?(?:{_SEASONS})\s+season\b|"
    # ... or a year's season: "Repeat guests 28% of room nights, 2025 season" (set 60: a deadline was asked for)
    r"(?<=,\s)(?:the\s+)?(?:19|20)\d{2}\s+season\b|"
    # ... or in brackets at the end: "Lost-in-transit parcels < 0.15% of volume (Q2)" (set 32: asked for one)
    r"(?<=\()(?:q[1-4]|h[12])(?:\s*(?:fy\s?)?['’]?\d{2,4})?(?=\)\s*$)|"
    # ... or a financial year, alone or bracketed, at the end: "Turbine availability ≥97.5% across the contract FY27",
    # "Temperature excursions ≤1 per 1,000 drops (H2 FY27)" (set 26: asked for a deadline)
    r"(?<!vs\s)(?<!vs\.\s)(?<!versus\s)(?<!than\s)(?<!from\s)(?<!since\s)"  # "up 15k vs FY24" is the baseline's year
    # ... the half or quarter after it too: "(FY26 H1)" (set 38: asked for a deadline it gave)
    r"(?:(?<=\s)|(?<=\())(?:(?:q[1-4]|h[12])\s+)?fy\s?['’]?\d{2,4}(?:[/-]\d{2})?(?:\s+(?:q[1-4]|h[12]))?(?=\)?\s*$)|"
    # a week of the year right after the work's participle: "reline + filter replacement done wk 32" (set 18)
    r"(?:(?<=\bdone\s)|(?<=\blive\s)|(?<=\bcomplete\s)|(?<=\bcompleted\s)|(?<=\bfinished\s))"
    rf"{_WEEK_OF_YEAR}|"
    # ... or a month, ending the line: "cool room expanded to 2,000 m2 - commissioned Aug" (set 41: asked for one)
    r"(?:(?<=\bdone\s)|(?<=\blive\s)|(?<=\bcompleted\s)|(?<=\bcommissioned\s)|(?<=\blaunched\s))"
    rf"(?:(?:{_MONTHS})\b(?:\s+['’]?\d{{2}}(?:\d{{2}})?)?|{_DOTTED_DATE})(?=\.?\s*$)|"
    # a season with its two years, in brackets at the end: "(Saison 24/25)" (set 44: asked for a deadline)
    r"(?<=\()(?:season|saison|temporada|stagione|seizoen|campaign)\s+\d{2}/\d{2}(?=\)\s*$)|"
    # a cropping season with its year after a comma: "<0.5% of lots sold, Kharif '24" (set 41: asked for a deadline)
    r"(?<=,\s)(?:kharif|rabi|zaid|safra|zafra|maha|yala|(?:long|short)\s+rains)\s*(?:['’]\d{2}|(?:19|20)\d{2})"
    r"(?:/\d{2})?(?=\s*$)|"
    # ... or a season's year span with its kind after a comma: "Burnt cane <10% of deliveries, 2024/25 crush" (set 49)
    rf"(?<=,\s)(?:the\s+)?(?:19|20)\d{{2}}[/-]\d{{2}}\s+(?:season|cycle|{_GROWING_SEASON})\b",
    re.I,
)


def without_deadlines(text: str) -> str:
    """The text with every deadline phrase blanked ('by end of Q1', 'this quarter'): a date is not a target."""
    return _BARE_DEADLINE_RE.sub(" ", _DEADLINE_RE.sub(" ", text))


# A deadline that is only a date: a number or a word of the calendar ("by end of Q1", "before 31 March", "YE").
_CALENDAR = re.compile(
    rf"\d|\b(?:q[1-4]|h[12]|fy|eo[yq]|ye|{_MONTHS}|{_SEASONS}|christmas|xmas|easter|year|quarter|month|week|wk|"
    r"sprint|half|term|semester)\b",
    re.I,
)


def without_dates(text: str) -> str:
    """The text with its date-only deadlines blanked; an event stays ("before the enterprise launch", "before
    Freshers"): it says what the work is for, which the ranking reads."""
    text = _DEADLINE_RE.sub(lambda m: " " if _CALENDAR.search(m.group("when")) else m.group(0), text)
    return _BARE_DEADLINE_RE.sub(" ", text)


# The words that name the event a service level's clock starts at: "within 14 days of disclosure".
_EVENT = r"(?:of|after|from|since|following)"
_SLA_EVENT = re.compile(rf"\s+{_EVENT}\b", re.I)

# A number given roughly: "~3k", "c. 40%", "approx 40%".
_ROUGHLY = r"~\s?|c\.\s?|circa\s+|approx\.?\s+|about\s+|around\s+"

# A time limit the team holds each case to ("within 24 hours", "within the hour", "within 7 days of signup"):
# a service level, never a deadline and never the target. A coach read "35% of trial accounts invite a teammate
# within 7 days" with the 7 days as the deadline, and "Returns processed within 48h" with 48h as the target.
_LIMIT_AMOUNT = rf"(?:{NUMBER}|an?|the|one|{SMALL_NUMBER_WORDS}|twelve|fourteen|thirty)"
_SHORT_UNIT = rf"(?:s|secs?|seconds?|mins?|minutes?|h|{_TIME_KIND}?(?:hrs?|hours?))"
_LONG_UNIT = rf"(?:{_TIME_KIND}?(?:days?|wks?|weeks?|months?)|d)"
# Any unit of time a goal's number may carry ("40 days", "1.5s", "12 WD"): the ranking reads a duration by it.
TIME_UNIT = rf"(?:ms|{_SHORT_UNIT}|{_LONG_UNIT}|{_WORKING_DAYS_SHORT})"
_LIMIT_EVENT = rf"(?:\s+{_EVENT}\s+[\w'’ -]+?(?=\s*[,;.(]|\s+(?:for|and|by|in|during)\b|\s*$))?"
# ... named for who set it: "within the statutory 1 month" (set 57: read as no limit, the work as done for all DSARs)
_LIMIT_SET_BY = r"(?:(?:the\s+)?(?:statutory|legal|agreed|contractual|regulatory|required|standard)\s+)?"
_SHORT_LIMIT_RE = re.compile(rf"\bwithin\s+{_LIMIT_SET_BY}{_LIMIT_AMOUNT}\s?-?\s?{_SHORT_UNIT}\b{_LIMIT_EVENT}", re.I)
_LONG_LIMIT_RE = re.compile(rf"\bwithin\s+{_LIMIT_SET_BY}{_LIMIT_AMOUNT}\s?-?\s?{_LONG_UNIT}\b{_LIMIT_EVENT}", re.I)
# What makes a longer "within N days" a limit per case rather than a date: a share of cases, every case, or an event.
_PER_CASE = re.compile(
    rf"{SHARE_OF}|\bfor\s+{NUMBER}\s?%|\b{FRACTION}\s+of\b|"
    r"\b(?:every|each|all|any)\b|\b\d+\s+(?:in|out\s+of)\s+\d+\b|"
    # a share moved: "Damp & mould cases closed within 28 days: 60% -> 90%" (set 15)
    rf"{NUMBER}\s?%\s*(?:->|→|=>)\s*{NUMBER}\s?%|\bfrom\s+{NUMBER}\s?%\s+to\s+{NUMBER}\s?%|"
    # ... or to a level: "Repeat donors returning within 30 days up to 65%" (set 25: the 30 days read as the deadline)
    rf"\b(?:up|down)\s+to\s+{NUMBER}\s?%|"
    # ... or named by its sign alone: "Increase % of SME supplier invoices paid within 30 days to 95%" (set 39: the
    # 30 days read as the deadline)
    r"(?:^|\s)%\s+of\b|"
    # ... or the share after a colon or called the target: "Refunds paid within 7 days: 90%", "... within 7 days - 60%
    # target" (set 46: the 7 days read as the deadline)
    rf"\bwithin\s[^:;()]{{1,40}}:\s*(?:{_ROUGHLY})?{NUMBER}\s?%|{NUMBER}\s?%\s+target\b",
    re.I,
)


# A limit written as a bound, then the share of cases held to it: "refund requests resolved ≤7 days: 85%" (set 44: the
# 7 days read as the target).
_BOUND_LIMIT_RE = re.compile(
    rf"(?:≤|<=|<)\s?{_LIMIT_AMOUNT}\s?-?\s?(?:{_SHORT_UNIT}|{_LONG_UNIT})\b(?=\s*:\s*{NUMBER}\s?%)", re.I
)


def find_time_limit(text: str) -> str | None:
    """The per-case time limit the goal states ('within 24 hours', 'within 7 days of signup'), or None.

    Hours and minutes are always a limit; days, weeks and months only when the goal speaks of a share of cases,
    of every case, or of an event the clock starts at ("within 14 days of disclosure"); otherwise "within 90 days"
    stays a deadline.
    """
    m = _SHORT_LIMIT_RE.search(text) or _BOUND_LIMIT_RE.search(text)
    if m:
        return m.group(0).strip()
    m = _LONG_LIMIT_RE.search(text)
    if m and (_PER_CASE.search(text) or _SLA_EVENT.match(text, m.start() + len(m.group(0).split(" of ")[0]))):
        return m.group(0).strip()
    return None


def without_time_limit(text: str) -> str:
    """The text with its time limit blanked (same length, so positions still line up)."""
    limit = find_time_limit(text)
    if not limit:
        return text
    i = text.find(limit)
    return text[:i] + re.sub(r"\S", " ", limit) + text[i + len(limit) :]


_STARTS = re.compile(rf"\b{_STARTING}\b", re.I)


# The seasons and ends a level is read at: "6.5 t/ha off the Pinot blocks at harvest", "at year end".
_AT_SEASON = re.compile(
    rf"(?:the\s+)?(?:{_SEASON}|(?:fy|financial\s+year|year)[- ]end|(?:harvest|vintage)\s+(?:19|20)\d{{2}}|"
    # "at harvest 2025", "at 2027 endline" (set 34), "at 2025 screening" (set 60)
    rf"(?:19|20)\d{{2}}\s+(?:endline|midline|harvest|census|screening|survey)|"
    # ... or a whole date: "Runway >= 18 mths at 31/12/2024" (set 57: a deadline was asked for)
    rf"(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/(?:19|20)\d{{2}}|\d{{4}}-\d{{2}}-\d{{2}}|{_DOTTED_DATE}|"
    rf"{_DAY_OF_MONTH}(?:,?\s+\d{{4}})?)",
    re.I,
)
# A season named with its kind, read alone after "over": "over summer peak", "over Christmas period" (not "winter").
_NAMED_SEASON = re.compile(rf"(?=.* )(?:{_SEASON})", re.I)
# ... or a quarter, half or financial year: "28 -> 32 avg over Q3" (set 50: asked for a deadline it gave)
_OVER_PERIOD = re.compile(r"(?:q[1-4]|h[12]|fy\s?['’]?\d{2}(?:[/-]?\d{2})?)(?:\s+(?:19|20)?\d{2})?", re.I)


# A length of time right before "before" a deadline: "10 working days before sponsor deadline" is each case's margin
# (set 41: read as the key result's deadline); "under 30 mins before winter" is a target and a date.
_AMOUNT_OF_TIME_BEFORE = re.compile(rf"\d\s?{TIME_UNIT}\s+$", re.I)


def _in_brackets(text: str, at: int) -> bool:
    """Position ``at`` is inside an open bracket: an aside ("(142k followers at 31 Mar)"), not the key result."""
    return text.count("(", 0, at) > text.count(")", 0, at)


def find_deadline(text: str) -> str | None:
    """The deadline phrase the goal gives ('Q3', 'end of 2025', 'within 90 days'), or None."""
    bare = _BARE_DEADLINE_RE.search(text)
    best = bare.group(0) if bare else None
    end = -2  # where the phrase kept last ends: "in time for polling day in May" keeps both halves
    for m in _DEADLINE_RE.finditer(text):
        if bare and bare.start() <= m.start("when") < bare.end():
            continue  # "during Apr–Jun peak": the span is the period, not its first month (set 27)
        when = m.group("when").strip()
        lead = m.group("lead").lower()
        if lead == "over" and not (
            when.lower().startswith("the ") or _NAMED_SEASON.fullmatch(when) or _OVER_PERIOD.fullmatch(when)
        ):
            continue  # "doubles year over year" is a comparison, "over (the) summer peak" a period (set 19)
        if lead in {"for", "in", "during", "through", "over", "across"} and not re.search(_PERIOD, when, re.I):
            continue
        if lead == "at" and (not _AT_SEASON.fullmatch(when) or _in_brackets(text, m.start())):
            continue  # "at harvest", "at year end" (set 27); "at 2019 levels", "at the gate" are not dates, nor
            # the day an aside was read ("(142k followers at 31 Mar)")
        if _SLA_EVENT.match(text, m.end()):  # "within 14 days of disclosure": a service level, not a deadline
            continue
        if lead == "before" and when.lower().endswith("deadline") and _AMOUNT_OF_TIME_BEFORE.search(text, 0, m.start()):
            continue  # ">=10 working days before sponsor deadline": each case's margin, not the key result's date
        if lead == "within" or re.match(r"\d+\s+(?:days?|weeks?|months?|quarters?|years?)$", when, re.I):
            if lead not in {"within", "in"}:
                continue
            when = f"within {when}" if lead == "within" else f"in {when}"
        if lead in {"in", "during"} and re.match(_FIRST_PERIOD, when, re.I):
            when = f"in {when}"  # "by first season" does not read: "in first season"
        if lead in {"w/c", "week commencing"}:
            when = f"{m.group('lead')} {when}"  # "hub set up at the depot w/c 14 Apr" (set 17: 14 read as a count)
        if lead == "before" and _STARTS.search(when):
            when = f"before {when}"  # "by term starts" does not read: "before term starts"
        joined = best and m.start() <= end + 1 and lead in {"in", "for", "during"}  # "polling day in May"
        best = f"{best} {m.group(0).strip()}" if joined else when
        end = m.end()
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
    rf"(?:{CURRENCY}\s?)?\d",
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
SEASONS = _SEASONS
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


# Last year's figure, as teams shorten it: "LY", "PY", "vs LY", "last year:", "last season" (set 44).
_LAST_YEAR = r"(?:vs\.?\s+)?(?:(?-i:LY|PY)|last\s+y(?:ea)?r|prior\s+y(?:ea)?r|last\s+season):?"
# A past year a baseline was read in: "FY24", "FY2024", "2024".
_PAST_YEAR = r"(?:FY\s?['’]?\d{2}(?:\d{2})?|(?:19|20)\d{2})"
# Where the team stands, said at the end after a dash, comma or full stop: "90%+ of 999 calls answered within 10s –
# we're at 82%", "... by Advent, currently ~170" (set 34), "... flagged as needing one. Currently 76%", "... after
# patch 1.4. Launch: 61% Mixed" (set 43: read as nothing, and the deadline was asked for after it), "— Q3 actual 3.2%".
_STANDS_AT_END = (
    # ... or a period's actual, the quarter in French too or its colon alone: "- T4 actual 73%", "- H1: 93%" (set 58:
    # read as nothing, the deadline added after it)
    # ... or where it landed: "Cut DSO from 58 to 45 days - landed at 47" (set 55: kept in the key result)
    rf"(?:\s[–—-]|[,.;])\s*(?:we['’]?re|we\s+are|currently|now|(?:at\s+)?launch:?|landed(?:\s+at)?|"
    rf"(?:q[1-4]|h[12]|t[1-4]|ytd)(?:\s+(?:actual|ist):?|:))\s+"
    rf"(?:at\s+|on\s+)?~?\s?"
    rf"(?P<base4>{_NUM})(?:\s+(?!(?:{_MONTHS})\b)(?-i:[A-Z])[a-z]+)?\s*$"
)
_STANDS_AT_END_RE = re.compile(_STANDS_AT_END, re.I)


def where_it_stands_at_end(text: str) -> int | None:
    """Where a closing "where we stand" clause starts ("..., currently ~170"): a deadline added goes before it."""
    m = _STANDS_AT_END_RE.search(text)
    return m.start() if m else None


# A baseline stated beside the target, in brackets: "below 10% (38% in 2023)", "(was 14 days)", or after a dash at
# the end ("– we're at 82%"). The year is when the baseline was read, not a deadline (a coach saw "by 2023" read from
# it).
# A working day of the month, as month-end close is counted: "WD5" (capitals only).
_WORKING_DAY = r"(?-i:WD)\s?\d{1,2}\b"
# ... the close's target after "by": "Month-end close by WD5 (currently WD9)" (set 48: both left to placeholders)
_BY_WORKING_DAY = re.compile(rf"\bby\s+(?P<target>{_WORKING_DAY})")
_STATED_BASELINE = re.compile(
    rf"\(\s*(?:(?:was|from|down\s+from|up\s+from|baseline:?|currently|now)\s+)?(?P<base>{_NUM})"
    rf"(?:\s+(?:in|for|at|as\s+of)\s+(?:FY\s?['’]?\d{{2}}|(?:FY\s?)?(?:19|20)\d{{2}})(?:[/-]\d{{2}})?|"
    r"\s+(?:today|now|currently)|"
    # ... or this or the last period's: "(78% this yr)", "(38% last cycle)" (set 26: "this yr" read as the deadline)
    r"\s+(?:this|last)\s+(?:yr|year|season|cycle|term|quarter|qtr)|"
    # ... or the term or season it was read in: "(was 52% in spring)" (set 15: "spring" was read as the deadline)
    rf"\s+(?:in|for|at)\s+(?:the\s+)?(?:last\s+)?(?:(?:{_SEASONS})(?:\s+term)?|{_MONTHS}|term|year|quarter|q[1-4]))"
    # ... with an aside after it: "(4.1 last yr, frost)" (set 27)
    r"(?:\s*[,;][^()]*)?\s*\)|"
    # ... or last year's: "(LY 31k)", "(vs LY £38)", "(last year: 31k)" (set 23: read as nothing)
    # ... or a survey's or a past average: "(baseline survey: 34%)", "(5yr avg 8.1 t/ha)" (set 34)
    # ... or now on average, in days: "(currently avg 21 days)" (set 37: read as the target)
    # ... or the year to date: "(YTD 77,6%)" (set 43: read as nothing)
    rf"\(\s*(?:was|from|down\s+from|up\s+from|baseline(?:\s+survey)?:?|currently|now|ytd:?|{_LAST_YEAR}|"
    rf"(?:currently\s+|\d+\s?-?\s?(?:yr|year)\s+)?(?:avg|average|mean):?)\s+(?:~\s?|c\.\s?|approx\.?\s+)?"
    # ... with the year it was read: "(baseline 22.4%, FY24)" (set 37: FY24 read as the deadline)
    # ... or of what: "(from ~9% of loads)" (set 44: the 9% read as the target)
    rf"(?P<base2>{_NUM}(?:\s+(?:days?|weeks?|hours?|hrs?|mins?|minutes?|months?|t|kt|kg|km|ha|ml)\b)?)(?:\s+of\s+[a-z]+)?(?:\s*,\s*{_PAST_YEAR}(?:[/-]\d{{2}})?)?\s*\)|"
    # ... or last year's with "LY" after it: "(vs €104 LY)" (set 32: read as nothing)
    rf"\(\s*vs\.?\s+(?P<base6>{_NUM})\s+(?-i:LY|PY)\s*\)|"
    # ... or a working day of the month, where it stands: "(currently WD9)", "(Q1 actual WD8)" (sets 45, 48)
    rf"\(\s*(?:currently|now|was|(?:(?:q[1-4]|h[12]|ytd|fy\s?\d{{2,4}})\s+)?(?:actual|avg|average))\s*:?\s*"
    rf"(?P<base7>{_WORKING_DAY})\s*\)|"
    # ... or a past year's, the year first: "(FY25 was 7.5%!!)", "(2024: 61%)", "(FY24/25: 412k)" (sets 26, 32)
    # ... or a past quarter's average: "(Q3 avg was 640 kr)" (set 34)
    # ... or a past term's: "(autumn: 61%)" (set 37: read as nothing)
    # ... or a past period's average or actual, or a past year's figure after its year: "(Jan-Mar avg 86.4%)",
    # "(Q1 actual 71%)", "(FY24 JPY 10.5)" (set 39: the months read as the deadline, the yen as nothing)
    # ... or a past month's, term's or year span's, or a year's "real": "(Mar: 16%)", "(T1: 48%)", "(FY22-23: 17.4%)",
    # "(2023 real: 7,2%)" (set 41: read as nothing)
    # ... or a past season's two-digit years with a colon: "(23/24: 28%)" (set 49: read as nothing)
    rf"\(\s*(?:{_PAST_YEAR}|q[1-4]|h[12]|t[1-3]|(?:{_SEASONS})(?:\s+term)?|{_MONTH_SPAN}|(?:{_MONTHS})|\d{{2}}(?=/\d{{2}}\s*:))(?:[/-]\d{{2}})?"
    # ... roughly, or with an aside after it: "(2023 approx 40%)", "(2023: 88%, sediment outages)" (set 45: read as
    # nothing)
    rf"(?:(?:\s+(?:avg|average|actual|baseline|real))?(?:\s+was|\s*[:=])|\s+(?:avg|average|actual|baseline)|"
    # ... or a period named in words, then its figure: "(Apr-Jun 11.3%)" (set 48: the months read as the deadline)
    rf"(?<=\d)(?=\s+(?:{CURRENCY}|\d|{_ROUGHLY}))|(?<=[a-z])(?=\s+\d))\s+(?:{_ROUGHLY})?"
    # ... its magnitude abbreviated with a dot: "(2023: 7,4 mil.)" (set 58: read as 7)
    rf"(?P<base5>{_NUM})\.?\s*!*(?:\s*[,;][^()]*)?\s*\)|"
    # an amount given in passing, roughly: "Clear KYC backlog (~3k cases)" is where it stands, not where it goes
    rf"\(\s*(?:{_ROUGHLY})(?P<base3>{_NUM})(?:\s+[a-z][\w-]*){{1,2}}\s*\)|"
    rf"{_STANDS_AT_END}",
    re.I,
)
# A level held on the side of the result, after a comma or "while": "..., ARPU held at ≥ ¥980" (set 36: read as the
# target), "while holding volume at 9–10k signups/mo".
_GUARDRAIL = re.compile(
    rf"(?:[,;]|\s+while|\s+and)\s+(?:[\w/&-]+\s+){{0,3}}?(?:held|holding|kept|keeping|maintained|maintaining)\s+"
    rf"(?:at\s+)?(?:or\s+)?(?:(?:above|below|under|over)\s+|[≥≤<>]=?\s*)?{_TARGET_NUM}[^,;()]*|"
    # ... or a limit not to cross: "KYC auto-approve 85% without fraud losses going above 0.05% of GMV" (set 48)
    rf"\s+without\s+(?:[\w/&-]+\s+){{1,4}}?(?:going\s+|rising\s+|getting\s+)?(?:above|over|beyond|exceeding|past)\s+"
    rf"{_TARGET_NUM}[^,;()]*",
    re.I,
)
# "Books closed by WD5 instead of WD9", "in 2 days rather than 5": the first is the target, the second the baseline.
_INSTEAD = re.compile(
    rf"(?<![\w.])(?P<target>(?-i:[A-Z]{{1,3}})\d+|{NUMBER}{_UNIT})\s+(?:instead\s+of|rather\s+than)\s+(?:the\s+)?"
    rf"(?:current\s+|today['’]s\s+)?(?P<base>(?-i:[A-Z]{{1,3}})\d+|{NUMBER}{_UNIT})(?![\w.])",
    re.I,
)


# A time limit held for every case states its share: "All damp & mould reports inspected within 10 working days"
# (coach, set 12: "'All' was replaced by a blank" when it was asked for "[target] of cases").
_EVERY_CASE = re.compile(
    r"^(?P<target>all|every|each)\b(?!\s+(?:of\s+)?(?:our\s+|the\s+)?(?:staff|agents|employees)\b)", re.I
)


def parse_measurability(text: str) -> Measurability:
    """Pull baseline, target and deadline out of the goal's own words (never guessed).

    Time windows inside a metric name are not numbers here; non-English from/to/by is read when it
    matches a known pattern and otherwise flagged in ``notes``, never misread.
    """
    time_limit = find_time_limit(text)
    scan = without_time_limit(mask_windows(without_caveats(text)))
    if (held := _GUARDRAIL.sub(" ", scan)) != scan and numbers_in(held):
        scan = held  # "250k subs (from 182k), ARPU held at ≥ ¥980": the level kept on the side is no target
    baseline = target = None
    stated = _STATED_BASELINE.search(scan)
    if stated:
        baseline = next(
            g for g in stated.group("base", "base2", "base3", "base4", "base5", "base6", "base7") if g
        ).strip()
        # every baseline stated goes, not only the first: "(from ~9% of loads) — Q3 actual 3.2%" (set 44: the
        # second read as the target)
        scan = _STATED_BASELINE.sub(" ", scan)
    deadline = find_deadline(scan)
    notes: list[str] = []
    foreign = _looks_foreign(scan)
    m = (
        _FROM_TO.search(scan)
        or _ARROW.search(scan)
        or (_FOREIGN_FROM_TO.search(scan) if foreign else None)
        or _INSTEAD.search(scan)
        or _TO_FROM.search(scan)
    )
    if foreign and not deadline:
        deadline = find_foreign_deadline(scan)
    if m:
        baseline, target = m.group("base").strip(), m.group("target").strip()
    else:
        t = _TARGET_ONLY.search(scan) or _BY_WORKING_DAY.search(scan)
        if none_left := _NONE_LEFT.search(scan):
            target = none_left.group("target")  # "no open deviations > 30 days": none left past the age, not 30 days
        elif _ENDED_PAST.search(scan) or _NONE_ABOVE.match(scan.strip()):
            target = "zero"  # "Handover delays >60 min eliminated" (set 31: 60 min read): none left past the limit
        elif t and not _is_deadline_number(scan, t.start("target")) and not _QUALIFIED_SHARE.search(scan, 0, t.end()):
            target = t.group("target").strip()
        # a bound is the target unless a share of cases is ("<1hr for 95% of samples": the share is the target)
        elif (bound := _BOUND.search(scan)) and not _SHARE_OF.search(scan):
            target = (bound.group("target") or bound.group("plus") or bound.group("plus_count")).strip()
        else:
            d = _BY_CHANGE.search(scan)
            moved = _UP_DOWN.search(scan)
            if d and not _is_deadline_number(scan, d.start("delta")):
                sign = "-" if d.group("down") else "+"
                target = f"{sign}{d.group('delta').strip()}"
            elif moved and not _is_deadline_number(scan, moved.start("delta")):
                target = f"{'-' if moved.group('dir').lower() == 'down' else '+'}{moved.group('delta').strip()}"
            elif signed := _SIGNED_POINTS.search(scan):
                target = f"{'+' if signed.group('sign') == '+' else '-'}{signed.group('delta').strip()}"
            elif fraction := _BY_FRACTION.search(scan):
                target = f"{'-' if fraction.group('down') else '+'}{fraction.group('frac').lower()}"
            elif foreign:
                if numbers_in(scan.replace(deadline, " ") if deadline else scan):
                    notes.append(NOTE_NUMBERS_UNREAD)
            else:
                words = (
                    _MULTIPLE.match(scan.strip())
                    or _MULTIPLIED.search(scan)
                    or _ZERO.search(scan)
                    or _FRACTION.search(scan)
                    or _ONE_IN.search(scan)
                    or _UNDER_A.search(scan)
                    or _BENCHMARK.search(scan)
                )
                target = words.group("target").lower() if words else _bare_count(scan, deadline)
                if not target and (level := _LEVEL_OF_YEAR.search(scan) or _THRESHOLD.search(scan)):
                    target = level.group("target")  # "back to 2019 levels": the level, in the user's words
    if time_limit and not target and (every := _EVERY_CASE.match(text.strip())):
        target = every.group("target").lower()  # "All damp reports inspected within 10 days": every case is the share
    return Measurability(baseline=baseline, target=target, deadline=deadline, time_limit=time_limit, notes=notes)


# Places a site numbers or letters, capitalised as names: "Berth 7", "Pit 3", "Plant B".
# ... of them, the ones no verb is spelt like (read lowercase too: "Shore power at cruise berth 3").
_NOUN_ONLY_PLACES = "Berth|Platform|Terminal|Pier|Runway|Hangar"
NUMBERED_PLACE = rf"{_NOUN_ONLY_PLACES}|Pit|Gate|Ward|Building|Bay|Dock|Plant|Hall|Depot|Wing|Block|DMA"
# Numbered parts of a site, two or more: "floors 2-6", "wards 4 and 5", "blue runs 4–7", "DMAs 14-22", "gate lanes 1-6".
NUMBERED_PARTS = (
    r"(?:floors?|levels?|wards?|blocks?|buildings?|runs?|lines?|halls?|bays?|zones?|DMAs?|lanes?|gates?|berths?|"
    r"docks?|platforms?|pits?)\s+[A-Z]?\d+[A-Z]?"
    r"(?:\s*(?:-|–|,|&|and|to)\s*[A-Z]?\d+[A-Z]?)+"
)
# A number that is part of a name, not a count: "SOC 2", "ISO 27001", "WCAG 2.1", "NIST 800-53", "Tier 1".
_STANDARD_NAME = re.compile(
    # the parts of a site it names: "Snowmaking extended to blue runs 4–7" (set 23: 4 read as a count)
    rf"\b(?i:{NUMBERED_PARTS})\b|"
    # (a currency code is no name: "GBP 45-50m", set 39: read as 50m)
    rf"\b(?:(?!(?:{CURRENCY_CODES})\b)[A-Z]{{2,}}|[Tt]ier|[Pp]hase|[Ll]evel|[Tt]ype|[Vv]ersion|[Ss]tage|[Gg]rade|[Yy]ear|[Yy]r|[Mm]ilestone|No\.|"
    # ... or a part of a work: "Chapter 2 vertical slice playable" (set 23: counted)
    r"[Cc]hapter|[Ee]pisode|[Vv]olume|Season|"
    r"[Pp]atch|[Ss]print|[Ww]ave|"
    # ... or an emissions scope or a numbered route: "Scope 2 -25% vs 2022", "on all Route 4 buses" (set 37)
    r"[Ss]cope|Route|"
    # ... or a numbered regulation or article: "Publish Reg 18 draft local plan" (set 27: counted)
    r"Reg|Regulation|Article|Section|Schedule|"
    # ... or a numbered unit of a plant, capitalised, first or not (no verb reads so): "Unit 2 turbine refurb
    # completed", "KR2: Cave 3 humidity control retrofitted" (set 25: counted)
    r"Unit|Cave|Kiln|Reactor|Vat|Room|Studio|Turbine|Furnace|Boiler|Line|Lab|Shaft|Cell|"
    # a numbered place, capitalised as a name, not first (a verb there: "Plant 40 ha of woodland", "Block 50 spam
    # calls"): "Shore power at Berth 7 commissioned", "live at Pit 3" (set 21)
    rf"(?<=\S\s)(?:{NUMBERED_PLACE})|"
    # ... or lowercase, for the places no verb is spelt like: "Shore power at cruise berth 3" (set 31: counted)
    rf"(?<=[a-z]\s)(?:{_NOUN_ONLY_PLACES.lower()})|"
    # ... or any capitalised name after a lowercase word: "RosterPro live for all Dash 8 crews" (set 29: counted)
    rf"(?<=[a-z]\s)(?!(?i:{MONTHS})\b)[A-Z][a-z]+)"
    # ... with its number, or its number after '#': "Complete BF#2 reline" (set 29: counted); not the first digits of
    # a number in thousands: "Power exports to India 1,200 MW" (set 49: read as 200)
    r"[\s-]?#?\d+(?:[.-]\d+)*\b(?!,\d{3})"
    # "PPM 88.5%" is a measure at a level (set 17), not a name; nor is "at Dostyk 3.5 days" (set 40: the target lost)
    rf"(?![.\d]*\s?(?:%|{TIME_UNIT}\b))"
    # a numbered thing: "Canning line #2 installed" (set 20: counted); "be #1", "ranked #3" is a place to reach
    r"|(?<=[a-z]\s)(?<!\bbe\s)(?<!\bat\s)(?<!\bas\s)(?<!\bto\s)(?<!\bis\s)(?<!\bthe\s)(?<!\bour\s)(?<!ranked\s)"
    r"(?<!rated\s)(?<!become\s)(?<!remain\s)(?<!stay\s)#\d+\b"
)
# A level a past year set: "Patronage on core routes back to 2019 levels", "back to pre-covid levels" (set 17: read
# as no target).
_LEVEL_OF_YEAR = re.compile(
    r"\b(?P<target>(?:back\s+)?(?:to|at|above)\s+(?:pre-?[a-z]+|(?:19|20)\d{2}(?:[/-]\d{2})?)\s+levels?)\b", re.I
)
# A limit the measure must stay on the right side of: "Sea lice below CoGP threshold at all sites" (set 17).
_THRESHOLD = re.compile(
    r"\b(?P<target>(?:below|under|within|above|over)\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:threshold|limits?|trigger\s+levels?))\b",
    re.I,
)
# A version tag: "Docs site rewritten (v3)", "FW 5.2" is named by it, it counts nothing (set 17).
_VERSION_TAG = re.compile(r"\b[vV]\d+(?:\.\d+)*\b")
# A time of day: "webchat staffed 8am-8pm weekdays" (set 25: 8 read as a count), "open from 07:30".
_CLOCK_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.I)
# An offer named by its rate: "Launch 0% finance option for aligner consults" (set 26: 0% read as the target).
_NAMED_RATE = re.compile(r"\b0\s?%(?=\s+(?:finance|interest|apr|deposit)\b)", re.I)


def without_names(text: str) -> str:
    """The text with numbers that name a thing blanked: standards ("SOC 2", "Tier 1"), versions ("v3"), times of
    day ("8am-8pm") and offers named by their rate ("0% finance"); a working day ("WD5") is a date, not a name."""
    named = _STANDARD_NAME.sub(lambda m: m.group(0) if re.match(r"[WB]D\d", m.group(0)) else " ", text)
    for pattern in (_VERSION_TAG, _CLOCK_TIME, _NAMED_RATE):
        named = pattern.sub(" ", named)
    return named


# A multiple the user asks for: "Double newsletter subscribers" has a target, in words.
_MULTIPLE = re.compile(r"^(?P<target>double|triple|quadruple|halve)\b", re.I)
# ... or states as reached: "Homelessness in the borough halved by 2030" (a coach saw it read as no target).
_MULTIPLIED = re.compile(r"\b(?P<target>doubled|tripled|quadrupled|halved)\b(?!-)", re.I)
# "with zero exceptions", "Zero lost-time injuries": a target in words ("zero-based budgeting" is a name).
_ZERO = re.compile(r"\b(?P<target>zero)\s+(?=[a-z]|(?:\d+|#+)-[a-z])", re.I)  # "zero 12-hour waits": a window follows
# A share in words: "Half of merged PRs come from people outside the core team" (a coach saw the half dropped).
_FRACTION = re.compile(rf"\b(?P<target>{FRACTION})\s+of\b", re.I)
# A share as "one in N": "Under-25s make up one in five gallery visitors" (a coach saw "25s" read as the target).
_ONE_IN = re.compile(rf"\b(?P<target>one\s+in\s+(?:{SMALL_NUMBER_WORDS}|\d+))\b", re.I)
# A level in words: "find any policy on the intranet in under a minute".
_UNDER_A = re.compile(
    r"\b(?P<target>(?:under|less\s+than|below)\s+(?:an?|one)\s+(?:second|minute|hour|day|week|month))\b", re.I
)


# A level set against a benchmark: "achievement rate at or above the national rate" (a coach saw it dropped).
_BENCHMARK = re.compile(
    r"\b(?P<target>(?:(?:at\s+or\s+)?(?:above|below|better\s+than|under|over|(?:less|lower|more|higher)\s+than)|"
    r"in\s+line\s+with|level\s+with|"
    r"equal\s+to|in)\s+(?:the\s+)?(?:(?:national|regional|sector|industry|peer[- ]group|england|uk|eu)\s+)"
    r"(?:rate|average|median|mean|level|benchmark|figure|quartile)|(?:the\s+)?(?:top|upper)\s+(?:quartile|decile))\b",
    re.I,
)


# A range of numbers followed by a word that is no unit: the band that names a group ("16-18 learners",
# "18-24 year olds"), not a count ("75-80%" and "5-10 days" are levels and keep their numbers).
_GROUP_RANGE = re.compile(
    r"(?<![\w.])\d{1,3}\s?[-–]\s?\d{1,3}(?=\s+(?:year[- ]?olds?|yr[- ]?olds?|[a-z]))"
    r"(?!\s+(?:pp|pts?|points?|percent|ms|secs?|seconds?|mins?|minutes?|hours?|hrs?|h|days?|d|weeks?|wks?|months?|"
    rf"quarters?|years?(?![- ]?olds?)|x|{MAGNITUDE})\b)",
    re.I,
)


# None left open past an age: "Deviation backlog cleared - no open deviations > 30 days" (set 18: read as 30 days).
_NONE_LEFT = re.compile(
    rf"\b(?P<target>(?:no|zero)\s+(?:open|outstanding|overdue|unresolved)\s+(?:[\w-]+\s+){{1,2}}?"
    rf"(?:[<>≤≥]=?|over|older\s+than|more\s+than)\s*{NUMBER}\s*(?:days?|weeks?|months?|years?|d|wks?))",
    re.I,
)
# ... or none at all above a size, said first: "Zero dropped objects >20 J from drill rigs" (set 46: 20 read)
_NONE_ABOVE = re.compile(rf"(?:no|zero)\s+(?:[\w-]+\s+){{1,3}}?(?:[<>≥]=?\s*|over\s+|above\s+){NUMBER}", re.I)
# ... or, said the other way, cases past a limit ended: "Handover delays >60 min eliminated".
_ENDED_PAST = re.compile(
    rf"(?:[<>≤≥]=?|\bover|\bmore\s+than|\blonger\s+than)\s*{_NUM}\s+(?:eliminated|ended|stopped|gone)\b", re.I
)
# How old a case must be to count, in brackets: "(>90 days overdue)", "(over 6 months old)" (set 16).
_AGE_IN_BRACKETS = re.compile(
    rf"\(\s*(?:[<>≤≥]=?|over|more\s+than)\s*{NUMBER}\s*(?:days?|weeks?|months?|years?)\s+"
    r"(?:overdue|old|late|past\s+due|open|outstanding)\s*\)",
    re.I,
)


# The base a rate is counted over: "per 1,000 bed days", "per 100k population".
_PER_BASE = re.compile(rf"\bper\s+{NUMBER}(?:\s?[kKmM]\b)?", re.I)


def _bare_count(text: str, deadline: str | None) -> str | None:
    """'Publish 12 posts' -> '12': the first number that is not part of the deadline or a name.

    A share wins over a count: in "piloted with 5,000 taxpayers and 80% submit without changes" the target is 80%
    (a coach read "a target (5,000)" in the why as a misreading), and a share of cases over another percentage.
    """
    scrub = text.replace(deadline, " ") if deadline else text
    # P1, M12, 3rd, "SAP S/4" (set 32); not money ("R1,500")
    scrub = re.sub(rf"\b(?!{CURRENCY}\s?\d)[A-Za-z]+/?\d+\b|\b\d+(?:st|nd|rd|th)\b", " ", scrub)
    scrub = _GROUP_RANGE.sub(" ", scrub)  # "16-18 learners": an age band names the group, it is not a target
    scrub = re.sub(_YEAR_SPAN, " ", scrub)  # "recognition renewed for 26/27 - RAG green by Oct" (set 30): a year
    scrub = re.sub(_DAY_OF_MONTH, " ", scrub, flags=re.I)  # "switched off from 1 Oct" (set 34: 1 read as a count)
    scrub = re.sub(r"\b(?:under|over)-\d+s\b", " ", scrub, flags=re.I)  # "Under-25s", "over-65s": an age group
    scrub = without_names(scrub)  # SOC 2, ISO 27001, WCAG 2.1, Tier 1, v3
    scrub = _AGE_IN_BRACKETS.sub(" ", scrub)  # "CAPA backlog (>90 days overdue)": which cases count, no target
    scrub = _PER_BASE.sub(" ", scrub)  # "Falls per 1,000 OBDs at 2.0" (set 31: 1,000 read): a rate's base, no target
    # (joined as a target range is, ``_TARGET_NUM``: "Scope 2 -25%" is no band)
    band_or_share = (
        rf"(?<![\w.])({NUMBER}(?:\s?%?(?:\s?–\s?|-){NUMBER})?\s?%)"  # a band: "in the 75-80% band", "85%–90%"
    )
    # ... and a share of cases over a threshold beside it: "95%+ attendance: 70% of pupils" (set 37: 95% read)
    m = (
        re.search(rf"{band_or_share}(?=\s+of\b)", scrub)
        or re.search(band_or_share, scrub)
        or re.search(rf"(?<![\w.])({_TARGET_NUM})", scrub, re.I)
    )
    if m and not _is_deadline_number(scrub, m.start(1)):
        return m.group(1).strip()
    return None


def _is_deadline_number(text: str, pos: int) -> bool:
    """A year, or the day of a month ("slipped to Jul 9", "to 9 Jul"; set 45: 9 read as the target)."""
    tail = text[pos : pos + 12]
    return bool(
        re.match(r"(?:19|20)\d{2}\b(?!\s?%)", tail)
        or re.match(_DAY_OF_MONTH, tail, re.I)
        or (_MONTH_BEFORE.search(text, 0, pos) and re.match(r"\d{1,2}(?:st|nd|rd|th)?\b(?![.,]?\d|\s?%)", tail))
    )


# A month right before a number: "Jul 9" is a day of July.
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$", re.I)


# --------------------------------------------------------------------------- placeholders


def words_for_windows(text: str, said: set[str] | frozenset[str] = frozenset(), source: str = "") -> str:
    """'30-day retention' -> 'first-month retention': a window is a definition, not a target.

    A window whose number the user wrote (in ``said``), or that the user wrote as it stands ("D7" in ``source``),
    stays as written: "30-day readmissions" in the user's own key result is their wording, and coaches marked
    "first-month readmissions" and "first-week retention" for "D7 retention" as lost details.
    """
    written = source.lower()

    def word_for(m: re.Match[str], word: str) -> str:
        kept = numbers_in(m.group(0)) & said or (written and m.group(0).lower() in written)
        return m.group(0) if kept else word

    for pattern, word in _WINDOW_WORDS:
        text = pattern.sub(lambda m, w=word: word_for(m, w), text)
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
    text = words_for_windows(text, allowed, source)

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
        # money in any currency the reading knows ("to ₹300", "to KSh 1,200"): ``policy.CURRENCY``, one home
        "target": PLACEHOLDER_TARGET in low or bool(re.search(rf"(?i:\bto)\s+(?:\[|(?:{CURRENCY}\s?)?\d)", rewrite)),
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
# The whole of a market, industry, country or the world, said outright: no team moves that alone, whatever the
# model says (dev: the model called most such goals controllable, "No ransomware attacks anywhere in our industry").
# Not "in the UK market" or "downloads worldwide": a market the team sells in, a count of its own users.
_WHOLE_FIELD = re.compile(
    r"\b(?:(?:across|throughout|anywhere\s+in|somewhere\s+in)\s+(?:the|our|this)\s+(?:whole\s+|entire\s+)?"
    r"(?:software\s+)?(?:market|industry|sector|country|economy|world)|"
    r"in\s+the\s+(?:whole\s+|entire\s+)?(?:country|economy|world)|industry[- ]wide|nationwide)\b",
    re.I,
)
_LONG_HORIZON = re.compile(
    r"\b(lifetime|ltv|life-time|(?:1[2-9]|[2-9]\d)[- ]month|m(?:1[2-9]|[2-9]\d)|twelve-month|eighteen-month|annual|"
    r"yearly|years?|decade|long[- ]term|market\s+share|brand|reputation|employer|earnings|net\s+zero|"
    r"survival(?!\s+to\s+discharge)|"  # surviving an operation to discharge shows within weeks (set 17)
    r"20[3-9]\d|career|graduation|literacy|obesity|poverty|heart\s+health|dominate|most\s+popular|"
    r"resistance|return\s+on\s+invested)\b",
    re.I,
)


# A caveat the team writes in brackets beside a key result: "(note: ~60% of delay minutes are Network Rail
# attributable)", "(depends on council fares cap continuing)", "(water temps permitting)", "(market permitting)" (set
# 17: five of 59). It qualifies the key result: its numbers are no target, and a dependency it names is outside.
_DEPENDENCY = (
    r"depend(?:s|ing|ent)?|permitting|subject\s+to|attributable|contingent|outside\s+(?:our|the\s+team's)\s+control"
)
# ... the condition it holds under: "(if funding holds)", "(assuming the grant continues)"
_CONDITION = r"assuming|provided|if\s+(?:the\s+)?[\w\s-]{1,30}?\s+(?:allows?|holds?|continues?|stays?)"
_NOTE_LEAD = r"(?:note|nb|n\.b\.)\s*[:-]\s*"  # "(note: ...)", "(NB - ...)"
_CAVEAT = re.compile(rf"\(\s*(?P<text>{_NOTE_LEAD}[^()]*|[^()]*?\b(?:{_DEPENDENCY}|{_CONDITION})\b[^()]*)\)", re.I)
_DEPENDS = re.compile(rf"\b(?:{_DEPENDENCY})\b|{_CONDITION}", re.I)
# ... or the same caveat closing the line after a dash or comma: "- depends on Network Rail possessions", ", subject
# to landowner permissions" (set 19: two of 62, read as in the team's control)
_TRAILING_CAVEAT = re.compile(
    rf"(?:\s+[-–—]|\s*[,;])\s+"
    rf"(?P<text>(?:depend(?:s|ing|ent)?\s+on|subject\s+to|contingent\s+on|{_CONDITION})\b[^()]*)$",
    re.I,
)


def without_caveats(text: str) -> str:
    """The text with its caveats blanked: '(note: ~60% ... attributable)' holds no target."""
    return _TRAILING_CAVEAT.sub(" ", _CAVEAT.sub(" ", text))


# What the key result leaves out, in brackets: "Plant availability >= 99.2% (excl. DNO curtailment)" (set 17: the
# excluded curtailment was ranked as the metric).
_EXCLUSION = re.compile(r"\(\s*(?:excl\.?|excluding|except|not\s+incl(?:uding|\.)?|ex\.)\s[^()]*\)", re.I)


def without_asides(text: str) -> str:
    """The key result without its caveats and exclusions: what the metric is about, for ranking the catalogue."""
    return re.sub(r"\s+", " ", _EXCLUSION.sub(" ", without_caveats(text))).strip()


def stated_dependency(text: str) -> str | None:
    """The caveat in which the team says the result depends on something outside it ('council fares cap
    continuing' from '(depends on council fares cap continuing)'), else None."""
    for m in _CAVEAT.finditer(text):
        if _DEPENDS.search(m.group("text")):
            return re.sub(rf"^{_NOTE_LEAD}", "", m.group("text").strip(), flags=re.I)
    trailing = _TRAILING_CAVEAT.search(text)
    return trailing.group("text").strip(" .") if trailing else None


def has_external_scope(text: str) -> bool:
    """Does the goal's wording reach beyond the team (industry, market, country, competitors...)?"""
    return bool(_EXTERNAL_SCOPE.search(text))


def spans_whole_field(text: str) -> bool:
    """Does the goal name a whole market, industry, country or the world as its scope ("across the software
    industry", "nationwide")? Such a result is outside any one team's control."""
    return bool(_WHOLE_FIELD.search(text))


def has_long_horizon(text: str) -> bool:
    """Does the goal name something that only shows after many months (lifetime, annual, market share...)?"""
    return bool(_LONG_HORIZON.search(text))


def holds_short_limit(text: str) -> bool:
    """Each case is held to hours, days or weeks ("first advice within 5 working days"): a service level read every
    week, never slow to show whatever the catalogue's nearest metric says (a coach, set 16: "'shows only after many
    months' is false for a weekly-measurable service level")."""
    limit = find_time_limit(text)
    return bool(limit and not re.search(r"\b(?:months?|years?)\b", limit, re.I))
