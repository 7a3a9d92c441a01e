"""The part tables themselves: every row is reachable, and each one by the phrase it is
named after, so a table never keeps a row that another row shadows."""

from __future__ import annotations

import pytest

from bot.parsing.grammar import ORDER, Scan, scan
from bot.parsing.lexer import TABLES, detect_language, lex, tokenize
from bot.parsing.targets import read_head

# (kind, part name) -> a phrase read by that part
EXAMPLES = {
    ("trigger", "when case 123 is closed"): "tell #ops about case 123 when it is closed",
    ("trigger", "when case 123 changes status"): "remind me about PR 45 when it changes",
    ("stop", "until it is closed"): "remind me every day about case 123 until it is closed",
    ("rec", "nth weekdays of the month"): "remind me the first Monday of the month",
    ("rec", "first or last working day of the month"): "remind me the last weekday of the month",
    ("rec", "every 30 minutes, every half hour"): "remind me every half hour",
    ("rec", "every quarter-hour (Danish kvarter, halvtime)"): "påmind mig hver halvtime",
    ("rec", "hourly"): "remind me hourly",
    ("rec", "every 2nd and 4th tuesday"): "remind me every 2nd and 4th Tuesday",
    ("rec", "every first monday"): "remind me every first Monday",
    ("rec", "yearly on day month"): "remind me every 4th of July",
    ("rec", "yearly on month day"): "remind me every March 3",
    ("rec", "yearly on a numeric date"): "remind me every year on 12/24",
    ("rec", "every month on the 15th"): "remind me every month on the 15th",
    ("rec", "the 15th of every month"): "remind me on the 15th of every month",
    ("rec", "every 15th"): "remind me every 15th",
    ("rec", "weekly on days"): "remind me every 2 weeks on Tuesday",
    ("rec", "every monday and wednesday"): "remind me every Monday and Wednesday",
    ("rec", "on mondays"): "remind me on Mondays",
    ("rec", "weekdays"): "remind me every weekday",
    ("rec", "weekends"): "remind me every weekend",
    ("rec", "twice a day"): "remind me twice a day at 9 and 5",
    ("rec", "daily"): "remind me daily",
    ("rec", "weekly"): "remind me weekly",
    ("rec", "monthly"): "remind me monthly",
    ("rec", "yearly"): "remind me yearly",
    ("except", "except friday, except weekends"): "remind me every day except Friday",
    ("except", "except something else"): "remind me every day except holidays",
    ("bound", "until a date"): "remind me every day until June 1",
    ("bound", "for 3 weeks, for the next 5 days"): "remind me every day for 3 weeks",
    ("bound", "5 times"): "remind me every day 5 times",
    ("bound", "6x"): "remind me every Monday 6x",
    ("start", "starting on a date"): "remind me every day starting tomorrow",
    ("offsets", "durations before an event"): "remind me 1 day and 1 hour before Friday 3pm",
    ("ago", "2 days ago"): "remind me 2 days ago",
    ("dur", "in 2 hours, in a week's time"): "remind me in a week's time",
    ("dur", "2 hours from now"): "remind me 2 hours from now",
    ("time", "list of times"): "remind me at 9 and 5pm",
    ("time", "list of am/pm times"): "remind me 9am and 5pm",
    ("time", "quarter/half/minutes past or to"): "remind me quarter to midnight",
    ("time", "hour with am/pm"): "remind me 9:30 pm",
    ("time", "3-4 digits with am/pm"): "remind me 845am",
    ("time", "o'clock"): "remind me 5 o'clock",
    ("time", "hh:mm"): "remind me 17:30",
    ("time", "noon, midday, midnight"): "remind me at noon",
    ("time", "end of day"): "remind me end of day",
    ("time", "at + hour"): "remind me at 5",
    ("time", "at + 3-4 digits"): "remind me at 1715",
    ("time", "hour before a day"): "remind me 9 tomorrow",
    ("date", "the nth weekday of a month"): "remind me the second Thursday of July",
    ("date", "day month"): "remind me 3 March",
    ("date", "month day"): "remind me June third",
    ("date", "numeric date"): "remind me on 2027-06-01",
    ("date", "tomorrow, today"): "remind me the day after tomorrow",
    ("date", "weekday the nth"): "remind me Friday the 13th",
    ("date", "the nth"): "remind me the 15th",
    ("date", "on the first, on the second"): "remind me on the second",
    ("date", "on 9th"): "remind me on 9th",
    ("date", "9th of next month"): "remind me 9th of next month",
    ("date", "next month on the 9th"): "remind me next month on the 9th",
    ("date", "weekday, this or next week"): "remind me thursday of next week",
    ("date", "the last day of the month"): "remind me on the last day of the month",
    ("date", "end of week, next week, weekend"): "remind me end of next week",
    ("pod", "this morning"): "remind me this evening",
    ("pod", "tonight"): "remind me tonight",
    ("pod", "in the morning"): "remind me in the morning",
    ("pod", "a part of day after a time"): "remind me tomorrow morning",
    ("pod", "a part of day before a time"): "remind me morning tomorrow",
}


def read(text: str) -> Scan:
    tokens = tokenize(text)
    table = TABLES[detect_language(tokens)]
    _, head = read_head(tokens, table)
    return scan(lex(tokens, head, table))


def test_every_part_has_an_example() -> None:
    named = {(kind.name, part.name) for kind, _ in ORDER for part in kind.parts}
    assert set(EXAMPLES) == named


def test_part_names_are_unique_within_a_kind() -> None:
    for kind, _ in ORDER:
        names = [part.name for part in kind.parts]
        assert len(names) == len(set(names)), kind.name


@pytest.mark.parametrize(("kind", "part"), sorted(EXAMPLES))
def test_each_part_reads_its_example(kind: str, part: str) -> None:
    hit = read(EXAMPLES[(kind, part)]).hits.get(kind)
    assert hit is not None and hit.part.name == part, hit
