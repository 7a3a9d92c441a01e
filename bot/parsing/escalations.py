"""Escalation clauses and nags: ``and tell @lead if it is not done by 11``, ``escalate
to #ops after 30 minutes``, ``every 30 minutes until done``.

Read before the time grammar, over the lexer's canonical words (so Danish ``efter 30
minutter`` is ``after 30 minutes``, ``kl. 11`` is ``at 11``), and left out of the
message. ``by 11`` needs the reminder's first time, so it is read here as a clock and
turned into minutes after that time by ``resolve`` once the time is known.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.parsing.context import Context, unsupported
from bot.parsing.lang.table import WordTable
from bot.parsing.lexer import Lexed
from bot.parsing.model import Escalation, Target
from bot.parsing.targets import read_target
from bot.parsing.zones import at

_T = "\u2020"  # a target, as the clause patterns see it
_NOT_DONE_STATES = r"(?:done|completed|complete|finished|handled|gjort|færdig|udført|klaret)"
_NOT_DONE = (
    r"(?:(?:if|hvis) (?:(?:it|this|that|den|it's|it\u2019s) )?(?:is )?(?:not|ikke)(?: is)?"
    rf" (?:yet |endnu )?{_NOT_DONE_STATES}|unless (?:it is )?{_NOT_DONE_STATES})"
)
# ``sig det til @lead`` lexes as ``sig it until @lead``: Danish ``til`` is also ``until``.
_TELL = (
    r"(?:tell|notify|ping|alert|message|inform|escalate to|fortæl(?: it until)?"
    r"|sig(?: it)? until|giv besked until|giv(?: it)? videre until)"
)
_ESCALATE = r"(?:escalate to|escalate it to|eskaler until|eskalér until|eskaler it until)"
_CLOCK = (
    r"(?:(?:by|before|at|inden|senest|senest at|inden at) )+"
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?: (?P<meridiem>am|pm))?"
    r"|(?P<noon>noon|midday|middag))"
)
_AMOUNT = r"(?:within|in|after|inden for|inden) (?P<n>\d{1,4}|an?|one) (?P<unit>minutes?|hours?)"
_LEAD = r"(?<!\S)(?:, )?(?:and )?"
_CLAUSES = (
    re.compile(rf"{_LEAD}{_TELL} (?P<to>{_T}) {_NOT_DONE} (?:{_CLOCK}|{_AMOUNT})(?= |$)"),
    re.compile(rf"{_LEAD}{_ESCALATE} (?P<to>{_T}) (?:{_NOT_DONE} )?(?:{_CLOCK}|{_AMOUNT})(?= |$)"),
)
_UNTIL_DONE = re.compile(
    r"(?:^| )(?P<all>until (?:done|completed|complete|finished"
    r"|(?:(?:it|den) is )?(?:gjort|færdig|udført)))(?= |$)"
)


@dataclass(frozen=True, slots=True)
class Step:
    """One clause as read: the target, and either minutes or a clock time after the
    reminder's time (``by 11``: ``clock`` and whether an am/pm was given); neither for a
    clock that does not exist (``by 13pm``)."""

    target: Target
    minutes: int | None = None
    clock: time | None = None
    meridiem: bool = False


@dataclass(frozen=True, slots=True)
class Clauses:
    """The clauses a phrase holds, and the tokens they took (left out of the rest)."""

    steps: tuple[Step, ...] = ()
    until_done: bool = False
    tokens: frozenset[int] = frozenset()


def find(lexed: Lexed, table: WordTable) -> Clauses:
    """Every escalation clause and an ``until done`` in the phrase's canonical words."""
    words = list(lexed.words)
    targets: dict[int, Target] = {}
    for i, (lo, hi) in enumerate(lexed.owner):
        target = read_target(lexed.tokens[lo].text, table) if lo == hi else None
        if target is not None and target.kind in ("user", "channel"):
            targets[i] = target
            words[i] = _T
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    text = " ".join(words)
    taken: set[int] = set()
    steps: list[tuple[int, Step]] = []
    for pattern in _CLAUSES:
        for m in pattern.finditer(text):
            first, last = _word_span(starts, m.start(), m.end())
            target = targets.get(_word_span(starts, m.start("to"), m.end("to"))[0])
            if target is None or any(i in taken for i in range(first, last + 1)):
                continue  # a "\u2020" the person wrote is no target
            steps.append((m.start(), _step(m, target)))
            taken.update(range(first, last + 1))
    until_done = False
    for m in _UNTIL_DONE.finditer(text):
        first, last = _word_span(starts, m.start("all"), m.end("all"))
        if not any(i in taken for i in range(first, last + 1)):
            taken.update(range(first, last + 1))
            until_done = True
            break
    tokens = {t for i in taken for t in range(lexed.owner[i][0], lexed.owner[i][1] + 1)}
    ordered = tuple(step for _, step in sorted(steps, key=lambda s: s[0]))
    return Clauses(steps=ordered, until_done=until_done, tokens=frozenset(tokens))


def _word_span(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The first and last word of a character span of the joined words."""
    first = max(i for i, s in enumerate(starts) if s <= start)
    last = max(i for i, s in enumerate(starts) if s < end)
    return first, last


def _step(m: re.Match[str], target: Target) -> Step:
    if m.group("n") is not None:
        n = int(m.group("n")) if m.group("n").isdigit() else 1
        return Step(target=target, minutes=n * 60 if m.group("unit").startswith("h") else n)
    if m.group("noon") is not None:
        return Step(target=target, clock=time(12, 0), meridiem=True)
    hour, minute = int(m.group("hour")), int(m.group("minute") or 0)
    meridiem = m.group("meridiem")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return Step(target=target)  # no such time: ``resolve`` refuses it
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return Step(target=target)
    return Step(target=target, clock=time(hour, minute), meridiem=meridiem is not None or hour > 12)


def resolve(clauses: Clauses, first: datetime | None, ctx: Context) -> tuple[Escalation, ...]:
    """The steps as minutes after the reminder's first time (``first``).

    ``by 11`` is the first 11:00 after that time in the reminder's zone (a bare ``by 5``
    after 9:00 is 17:00); ``within 2 hours`` is 120 minutes. A clock needs a time to
    count from, so a status trigger refuses it (``escalate_time``).
    """
    found = []
    for step in clauses.steps:
        minutes = step.minutes
        if minutes is None and step.clock is None:
            raise unsupported("escalate_clock")
        if minutes is None:
            if first is None:
                raise unsupported("escalate_time")
            minutes = _minutes_until(first, step, ctx)
        if minutes <= 0:
            raise unsupported("escalate_time")
        found.append(Escalation(after_minutes=minutes, target=step.target))
    return tuple(found)


def _minutes_until(first: datetime, step: Step, ctx: Context) -> int:
    assert step.clock is not None
    local = first.astimezone(ctx.tz)
    clocks = [step.clock]
    if not step.meridiem and step.clock.hour < 12:
        clocks.append(step.clock.replace(hour=step.clock.hour + 12))
    # In UTC: two times of one zone compare and subtract on the clock face, which is an
    # hour off across a change of summer time.
    start = first.astimezone(UTC)
    candidates = [
        at(local.date() + timedelta(days=d), c, ctx.tz).astimezone(UTC)
        for d in (0, 1)
        for c in clocks
    ]
    after = min(c for c in candidates if c > start)
    return math.ceil((after - start).total_seconds() / 60)
