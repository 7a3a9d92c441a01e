"""Word classes over the lexer's canonical words, shared by the grammar's part tables.

The lexer has already turned number words into digits (``three`` -> ``3``), ordinal
words from the third on into ``3rd`` ... ``31st`` (``first``, ``second`` and ``last``
stay words: they are also a rank and a unit), clock suffixes into words (``9am`` ->
``9 am``) and every language's words into these English ones.
"""

from __future__ import annotations

WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
WEEKDAYS = r"(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)"
)
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
DAY = rf"(?:{DAY_NUMBER}|first|second)"  # a day of the month, as digits or a word
RANK = r"(?:first|second|last|1st|2nd|3rd|4th|5th)"
AND = r"(?: ,)?(?: and| or)?"
RANKS = rf"{RANK}(?:{AND} {RANK}){{1,4}}"  # two or more: "2nd and 4th"
WEEKDAY_LIST = rf"{WEEKDAY}(?:{AND} {WEEKDAY}){{0,6}}"
WEEKDAYS_LIST = rf"{WEEKDAYS}(?:{AND} {WEEKDAYS}){{0,6}}"
EVERY = r"(?:every|each)"
# A working day, singular: patterns add ``s`` for the plural ("weekdays", "workdays").
WORKDAY = r"(?:weekday|workday|business day|work day|working day)"
# "the weekly report", "our daily standup": after a determiner these words describe the
# message; they name a recurrence only as an adverb ("remind me weekly").
ADVERB = (
    "".join(
        f"(?<!{d} )" for d in ("the", "a", "an", "my", "our", "your", "his", "her", "their", "its")
    )
    + "(?<!this )(?<!that )"
)
YEARLY = r"(?:yearly|annually|once a year)"
YEAR = r"\d{4}"

UNIT = (
    r"(?:seconds?|minutes?|hours?|quarter-hours?|half-hours?|days?|weeks?|fortnights?|months?"
    r"|years?)"
)
AMOUNT = (
    r"(?:\d+(?:\.\d+)? and an? half|\d+ quarters of an?|(?:an? )?quarter of an?|\d+(?:\.\d+)?"
    r"|half an?|an? half|an?|another)"
)
DURATION = rf"{AMOUNT} {UNIT}(?: and an? half)?"
DURATIONS = rf"{DURATION}(?:(?: ,)?(?: and)? {DURATION}){{0,3}}"
