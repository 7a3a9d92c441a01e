"""The sentence grammar: the kinds of time expression, searched in a fixed order.

Each kind is a table of named parts (``bot.parsing.forms``). A kind's first match is
consumed (its words become ``USED``) before the next kind is searched, so a date inside
``until June 1`` is never read again as the reminder's date, and numbers that are not
next to a time word (``case 123``) are never read as times.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.parsing.forms.bounds import BOUND, EXCEPT, START
from bot.parsing.forms.clocks import TIME
from bot.parsing.forms.dates import DATE
from bot.parsing.forms.offsets import OFFSETS
from bot.parsing.forms.periods import AGO, DURATION, POD
from bot.parsing.forms.records import STOP, TRIGGER, named
from bot.parsing.forms.repeats import REC
from bot.parsing.lexer import Lexed
from bot.parsing.parts import USED, Hit, Kind

T = TypeVar("T")

# (kind, searched only when a recurrence was found)
ORDER: tuple[tuple[Kind[Any], bool], ...] = (
    (TRIGGER, False),
    (STOP, False),
    (REC, False),
    (EXCEPT, True),
    (BOUND, True),
    (START, True),
    (OFFSETS, False),
    (AGO, False),
    (DURATION, False),
    (TIME, False),
    (DATE, False),
    (POD, False),
)
TIME_KINDS = (REC, AGO, DURATION, TIME, DATE, POD)
_TIME_NAMES = frozenset(kind.name for kind in TIME_KINDS)
# Every text a part's gate asks for, looked up once per phrase for all kinds, with the
# parts it opens: (the kind's place in ORDER, its parts as bits).
_OPENS: dict[str, tuple[tuple[int, int], ...]] = {
    text: tuple((k, kind.opens[text]) for k, (kind, _) in enumerate(ORDER) if text in kind.opens)
    for text in sorted(frozenset().union(*(kind.gate_texts for kind, _ in ORDER)))
}
_ALWAYS = tuple(kind.always for kind, _ in ORDER)


@dataclass(slots=True)
class Scan:
    """The time expressions found in a phrase, at most one per kind.

    ``spans`` holds each hit's first and last token (the words as written).
    """

    hits: dict[str, Hit[Any]] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def get(self, kind: Kind[T]) -> Hit[T] | None:
        hit: Hit[T] | None = self.hits.get(kind.name)
        return hit

    def has(self, kind: Kind[Any]) -> bool:
        return kind.name in self.hits

    @property
    def timed(self) -> bool:
        return any(kind.name in self.hits for kind in TIME_KINDS)

    def times_after(self, kind: Kind[Any]) -> bool:
        """Whether a time expression was read after ``kind``'s words."""
        hit = self.hits[kind.name]
        return any(h.start > hit.start for name, h in self.hits.items() if name in _TIME_NAMES)


def read(lexed: Lexed) -> Scan:
    """Scan the phrase; then scan it again without the forms that turned out to be
    message text: durations and ``before`` with no time after them (``leave 2 hours
    before the meeting``), and a trigger pointing at no record beside a time (``check
    when it is done``)."""
    found = scan(lexed)
    skip = set()
    if found.has(OFFSETS) and not found.times_after(OFFSETS):
        skip.add(OFFSETS.name)
    trigger = found.get(TRIGGER)
    if trigger is not None and found.timed and not named(trigger.groups):
        skip.add(TRIGGER.name)
    return scan(lexed, frozenset(skip)) if skip else found


def scan(lexed: Lexed, skip: frozenset[str] = frozenset()) -> Scan:
    """Find and consume each kind of time expression, in priority order; the kinds
    named in ``skip`` are not searched."""
    result = Scan()
    words = list(lexed.words)
    starts = _starts(words)
    text = " ".join(words)
    # Consumed words only ever remove text, so what the whole phrase holds is enough.
    masks = list(_ALWAYS)
    for gate, opened in _OPENS.items():
        if gate in text:
            for k, bits in opened:
                masks[k] |= bits
    for (kind, needs_repeat), mask in zip(ORDER, masks, strict=True):
        if not mask or (needs_repeat and REC.name not in result.hits) or kind.name in skip:
            continue
        hit = kind.search_parts(text, mask)
        if hit is None:
            continue
        result.hits[kind.name] = hit
        first = bisect_right(starts, hit.start) - 1
        last = bisect_right(starts, max(hit.end - 1, hit.start)) - 1
        end = starts[last] + len(words[last])
        text = text[: starts[first]] + _used(text[starts[first] : end]) + text[end:]
        result.spans[kind.name] = (lexed.owner[first][0], lexed.owner[last][1])
        for i in range(first, last + 1):
            words[i] = USED
            lo, hi = lexed.owner[i]
            result.consumed.update(range(lo, hi + 1))
    return result


def _used(span: str) -> str:
    """The span with every word blanked to ``USED`` characters, keeping its length."""
    return "".join(c if c == " " else USED for c in span)


def _starts(words: list[str]) -> list[int]:
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return starts
