"""English word table: words as people write them -> the grammar's canonical words.

The grammar (``bot.parsing.grammar``) is written once, over canonical English words.
Every language is a table like this one; nothing else in the parser knows a language.
"""

from __future__ import annotations

from bot.parsing.lang.table import WordTable

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

_ORDINAL_NAMES = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip


def _suffix(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _ordinal_words() -> dict[str, str]:
    """``third`` -> ``3rd`` ... ``thirty-first`` -> ``31st``, also ``twenty first``.

    ``first`` and ``second`` stay words: they are also a rank and a unit.
    """
    words = {name: _suffix(n) for n, name in enumerate(_ORDINAL_NAMES, 1) if n > 2}
    words["thirtieth"] = "30th"
    for n in (*range(21, 30), 31):
        tens, unit = "twenty" if n < 30 else "thirty", _ORDINAL_NAMES[n % 10 - 1]
        words[f"{tens}-{unit}"] = words[f"{tens} {unit}"] = _suffix(n)
    return words


ORDINAL_WORDS = _ordinal_words()

_WORDS: dict[str, str] = {
    # weekdays and months, with their usual short forms
    **{w: w for w in WEEKDAYS},
    **{w + "s": w + "s" for w in WEEKDAYS},
    "tue": "tuesday",
    "tues": "tuesday",
    "weds": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    **{m: m for m in MONTHS},
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
    # days and parts of day
    "tomorrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "today": "today",
    "tonight": "tonight",
    "tonite": "tonight",
    "yesterday": "yesterday",
    "morn": "morning",
    "eve": "evening",
    "mid-day": "midday",
    "eod": "eod",
    "cob": "eod",
    "eow": "eow",
    "eom": "eom",
    "everyday": "everyday",
    "work-day": "workday",
    "workdays": "workdays",
    # units
    "min": "minutes",
    "mins": "minutes",
    "hr": "hours",
    "hrs": "hours",
    "sec": "seconds",
    "secs": "seconds",
    "wk": "weeks",
    "wks": "weeks",
    "yr": "years",
    "yrs": "years",
    # clock words
    "o'clock": "oclock",
    "o\u2019clock": "oclock",
    "oclock": "oclock",
    "a.m.": "am",
    "p.m.": "pm",
    "a.m": "am",
    "p.m": "pm",
    "@": "at",
    "&": "and",
    "till": "until",
    "til": "until",
    "thru": "through",
    # "a week's time"
    **{f"{u}'s": u for u in ("minute", "hour", "day", "week", "month", "year")},
    **{f"{u}\u2019s": u for u in ("minute", "hour", "day", "week", "month", "year")},
    "quarterly": "quarterly",
    "twice": "twice",
    **{w: c for w, c in ORDINAL_WORDS.items() if " " not in w},
}


_NUMBERS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}

TABLE = WordTable(
    code="en",
    words=_WORDS,
    numbers=_NUMBERS,
    commands={
        "help": ("help", r"\?"),
        "list": ("list", "ls", "upcoming", "my reminders", "reminders"),
        "more": ("more", "next page"),
        "delete": ("delete", "remove", "del"),
        "undo": ("undo", "undelete"),
        "thanks": ("thanks", "thank you", "thx", "ty", "cheers"),
        "hello": ("hi", "hello", "hey", "good morning"),
        "settings": ("settings", "preferences", "prefs"),
        "language": ("language",),
        # calendar feed (ical)
        "calendar": ("calendar feed", "my calendar", "my calendar feed", "calendar link"),
        "calendar_revoke": (
            "revoke my calendar feed",
            "revoke my calendar",
            "revoke calendar feed",
            "turn off my calendar feed",
        ),
        # preferences: channels and email (commands.py reads them)
        "channels": ("channels", "set my channels", "my channels"),
        "email": ("set my email", "set my e-mail", "my email", "my e-mail"),
    },
    phrases={
        "o clock": "oclock",
        "a couple of": "2",
        "a couple": "2",
        "a few": "3",
        **{w: c for w, c in ORDINAL_WORDS.items() if " " in w},
    },
    # Short forms that are also ordinary words ("sun cream", "sat down"): read as a
    # weekday only next to a word that makes it one (see ``lexer``).
    guarded={"mon": "monday", "wed": "wednesday", "sat": "saturday", "sun": "sunday"},
    triggers=("remind", "reminder", "/remind", "/reminder", "remindme"),
    addressed=("tell",),
    near_triggers=(
        "remain",
        "remains",
        "remained",
        "remainder",
        "remand",
        "remold",
        "rewind",
        "rewinds",
        "refund",
        "resend",
        "rebind",
        "reminds",
        "reminded",
    ),
    me=("me", "myself"),
    here=("here",),
    connectors=("to", "about", "that", "of", "re", "regarding"),
    strong=(
        "remind",
        "me",
        "every",
        "at",
        "on",
        "in",
        "tomorrow",
        "today",
        "tonight",
        "minutes",
        "hours",
        "days",
        "next",
        "until",
        "to",
        "about",
        "the",
    ),
)
