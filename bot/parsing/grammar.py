"""The sentence grammar: patterns over canonical words, matched in a fixed order.

Each kind of time expression (recurrence, bound, duration, clock time, date, part of
day) is one regular expression over the canonical words from ``lexer``. A kind's first
match is consumed (its words become ``USED``) before the next kind is searched, so a
date inside ``until June 1`` is never read again as the reminder's date, and numbers
that are not next to a time word (``case 123``) are never read as times.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from bot.parsing.lexer import Lexed

USED = "\u00a4"

WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
WDP = r"(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
DAYNUM = r"\d{1,2}(?:st|nd|rd|th)?"
ORDN = r"\d{1,2}(?:st|nd|rd|th)"
POSW = r"(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)"
UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?)"
AMOUNT = r"(?:\d+(?:\.\d+)? and an? half|\d+(?:\.\d+)?|half an?|an? half|an?|another)"
SEP = r"(?: ,)?(?: and| &| or)?"
WDLIST = rf"{WD}(?:{SEP} {WD}){{0,6}}"
WDPLIST = rf"{WDP}(?:{SEP} {WDP}){{0,6}}"
YEARLY = r"(?:yearly|annually|once a year)"
DURLIST = rf"{AMOUNT} {UNIT}(?:(?: ,)?(?: and)? {AMOUNT} {UNIT}){{0,3}}"


def _date(p: str) -> str:
    """The date alternatives; ``p`` prefixes group names so the pattern can be reused."""
    return "|".join(
        (
            rf"(?:{WD} (?:, )?)?(?:the )?(?P<{p}d1>{DAYNUM}) (?:of )?(?P<{p}m1>{MONTH})"
            rf"(?: (?:, )?(?P<{p}y1>\d{{4}}))?",
            rf"(?:{WD} (?:, )?)?(?P<{p}m2>{MONTH}) (?:the )?(?P<{p}d2>{DAYNUM})"
            rf"(?: (?:, )?(?P<{p}y2>\d{{4}}))?",
            rf"(?P<{p}num>\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
            rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}})",
            rf"(?P<{p}rel>(?:the )?day after tomorrow|(?:the )?day before yesterday"
            rf"|tomorrow|today|yesterday)",
            rf"(?:(?P<{p}odwd>{WD}) (?:, )?)?the (?P<{p}od>{ORDN})"
            rf"(?: (?:of )?(?P<{p}odm>next month|this month|the month|{MONTH}))?",
            rf"(?P<{p}od2>{ORDN}) of (?P<{p}odm2>next month|this month|{MONTH})",
            rf"(?P<{p}odm3>next month|this month) (?:on )?the (?P<{p}od3>{ORDN})",
            rf"(?:(?P<{p}wmod>this coming|this|next|coming|last) "
            rf"|(?P<{p}wpre>next week|this week) (?:on )?)?(?P<{p}wd>{WD})"
            rf"(?: (?P<{p}wsuf>next week|this week))?",
            rf"(?:at (?:the )?|the )?(?P<{p}named>end of (?:the )?day|eod|close of business"
            rf"|end of (?:the )?week|eow|end of (?:the )?month|eom|next week|next month|next year"
            rf"|(?:this |the |next )?weekend)",
        )
    )


_TIME = "|".join(
    (
        r"(?:(?:at|around|by) )?(?:"
        + "|".join(
            (
                r"(?P<tq>half|(?:a )?quarter|\d{1,2}(?: minutes?)?) (?P<trel>past|after|to|before)"
                r" (?P<th1>\d{1,2})(?: (?P<tap1>am|pm|oclock))?",
                r"(?P<th2>\d{1,2})(?:[:.](?P<tm2>\d{2}))? (?P<tap2>am|pm)",
                r"(?P<th3>\d{1,2}) (?:oclock|o clock)(?: (?P<tap3>am|pm))?",
                r"(?P<th4>\d{1,2}):(?P<tm4>\d{2})",
                r"(?:12 )?(?P<tnamed>noon|midday|midnight)",
                rf"(?P<th7>\d{{1,2}})(?= (?:tomorrow|today|tonight"
                rf"|(?:this|in the) (?:morning|afternoon|evening)|(?:on |next |this )?{WD}|next))",
            )
        )
        + ")",
        r"(?:at|around|by) (?P<th5>\d{1,2})(?:\.(?P<tm5>\d{2}))?",
    )
)

_RECURRENCE = "|".join(
    (
        # Alternatives starting at the same word are tried in this order: the positional
        # form must come before "every second" (seconds), and the yearly "every 4th of
        # July" before the monthly "every 4th".
        rf"(?:(?:every|each|on the|the) )?(?P<rpos>{POSW}) (?P<rpwd>{WD}) (?:of|in) "
        r"(?:the|every|each) month",
        r"(?:every|each) (?:(?P<rsn>\d+(?:\.\d+)?|other|half(?: an?)?|quarter(?: of an?)?) )?"
        rf"(?P<rsu>seconds?(?! {WD})|minutes?|hours?)|(?P<rsh>hourly)",
        rf"(?:every|each) (?P<rpos2>first|third|fourth|fifth|last|1st|3rd|4th|5th) (?P<rpwd2>{WD})",
        rf"(?:(?:every|each) (?:year (?:on )?(?:the )?)?|{YEARLY} (?:on )?(?:the )?)"
        rf"(?:(?P<ryd1>{DAYNUM}) (?:of )?(?P<rym1>{MONTH})"
        rf"|(?P<rym2>{MONTH}) (?:the )?(?P<ryd2>{DAYNUM}))"
        rf"|(?:(?:every|each) (?:year (?:on )?)?|{YEARLY} (?:on )?)(?P<rynum>\d{{1,2}}/\d{{1,2}})",
        rf"(?:every|each) month (?:on )?the (?P<rmd>{DAYNUM})|(?:on )?the (?P<rmd2>{DAYNUM}) of "
        rf"(?:every|each) month|(?:every|each) (?P<rmd3>{ORDN})(?: of (?:the|every|each) month)?"
        rf"|(?:monthly|once a month) (?:on )?the (?P<rmd4>{DAYNUM})",
        rf"(?:(?:every|each) (?:(?P<rwi>other|second|\d+) )?weeks?|once a week|weekly"
        rf"|(?P<rfort1>fortnightly|biweekly)) on (?:the )?(?P<rwl>{WDLIST}|{WDPLIST})",
        rf"(?:every|each) (?:(?P<rwi3>other|second|\d+(?:st|nd|rd|th)?) )?(?P<rwl2>{WDLIST})",
        rf"(?:(?:on|every) )?(?P<rwl3>{WDPLIST})",
        r"(?:(?:every|each|on|on all) )?(?P<rwork>weekdays|workdays|business days|work days)"
        r"|(?:every|each) (?P<rwork2>weekday|workday|business day|work day)",
        r"(?:every|each|on) (?P<rwkend>weekends?)|(?P<rwkend2>weekends)",
        r"(?P<rdaily>every day|everyday|each day|daily|every single day|once a day|nightly)"
        r"|(?:every|each) (?P<rdi>\d+|other) days?"
        r"|(?:every|each) (?P<rdpod>morning|afternoon|evening|night)",
        r"(?P<rweekly>every week|each week|weekly|once a week)"
        r"|(?:every|each) (?P<rwki>\d+|other) weeks?|(?P<rfort>fortnightly|biweekly)",
        r"(?P<rmonthly>every month|each month|monthly|once a month)"
        r"|(?:every|each) (?P<rmoi>\d+|other) months?",
        r"(?P<ryearly>every year|each year|yearly|annually|once a year)"
        r"|(?:every|each) (?P<ryi>\d+|other) years?",
    )
)

_BOUND = "|".join(
    (
        rf"(?:until|through|up to|ending(?: on)?|till) (?:and including )?(?:{_date('b')})",
        rf"for (?:the next )?(?P<bn>{AMOUNT}) (?P<bu>days?|weeks?|fortnights?|months?|years?)",
        r"(?P<bc>\d+) times",
    )
)
_START = rf"(?:starting|beginning|from|starting on|starting from) (?:on )?(?:{_date('s')})"
_AGO = rf"(?:for )?(?P<ago>{DURLIST}) ago"
_DURATION = rf"(?:in|after|within) (?P<dur>{DURLIST})|(?P<dur2>{DURLIST}) (?:from now|later|hence)"
_DATE = rf"(?:(?:on|for|by|before|this coming) )?(?:{_date('')})"
_POD = (
    r"this (?P<podthis>morning|afternoon|evening|night)|(?P<tonight>tonight)"
    r"|(?:in the|at|during the) (?P<pod>morning|afternoon|evening|night)"
    rf"|(?<={USED} )(?P<pod2>morning|afternoon|evening|night)"
    rf"|(?P<pod3>morning|afternoon|evening|night)(?= {USED})"
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S)(?:{pattern})(?!\S)")


PATTERNS: dict[str, re.Pattern[str]] = {
    "rec": _compile(_RECURRENCE),
    "bound": _compile(_BOUND),
    "start": _compile(_START),
    "ago": _compile(_AGO),
    "dur": _compile(_DURATION),
    "time": _compile(_TIME),
    "date": _compile(_DATE),
    "pod": _compile(_POD),
}
_ONLY_WITH_RECURRENCE = ("bound", "start")


@dataclass(slots=True)
class Scan:
    """The time expressions found in a phrase, one per kind, as named groups."""

    found: dict[str, dict[str, str]] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)

    def get(self, kind: str) -> dict[str, str] | None:
        return self.found.get(kind)


def scan(lexed: Lexed) -> Scan:
    """Find and consume each kind of time expression, in priority order."""
    result = Scan()
    words = lexed.words
    for kind, pattern in PATTERNS.items():
        if kind in _ONLY_WITH_RECURRENCE and "rec" not in result.found:
            continue
        text, starts = _joined(words)
        m = pattern.search(text)
        if m is None:
            continue
        result.found[kind] = {k: v for k, v in m.groupdict().items() if v is not None}
        first = bisect_right(starts, m.start()) - 1
        last = bisect_right(starts, max(m.end() - 1, m.start())) - 1
        for i in range(first, last + 1):
            words[i] = USED
            lo, hi = lexed.owner[i]
            result.consumed.update(range(lo, hi + 1))
    return result


def _joined(words: list[str]) -> tuple[str, list[int]]:
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return " ".join(words), starts
