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
from bot.parsing.forms.periods import AGO, DURATION, POD
from bot.parsing.forms.repeats import REC
from bot.parsing.lexer import Lexed
from bot.parsing.parts import USED, Hit, Kind

T = TypeVar("T")

# (kind, searched only when a recurrence was found)
ORDER: tuple[tuple[Kind[Any], bool], ...] = (
    (REC, False),
    (EXCEPT, True),
    (BOUND, True),
    (START, True),
    (AGO, False),
    (DURATION, False),
    (TIME, False),
    (DATE, False),
    (POD, False),
)
TIME_KINDS = (REC, AGO, DURATION, TIME, DATE, POD)
# Every text a part's gate asks for, looked up once per phrase for all kinds.
_GATE_TEXTS = tuple(sorted(frozenset().union(*(kind.gate_texts for kind, _ in ORDER))))


@dataclass(slots=True)
class Scan:
    """The time expressions found in a phrase, at most one per kind."""

    hits: dict[str, Hit[Any]] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)

    def get(self, kind: Kind[T]) -> Hit[T] | None:
        hit: Hit[T] | None = self.hits.get(kind.name)
        return hit

    def has(self, kind: Kind[Any]) -> bool:
        return kind.name in self.hits

    @property
    def timed(self) -> bool:
        return any(kind.name in self.hits for kind in TIME_KINDS)


def scan(lexed: Lexed) -> Scan:
    """Find and consume each kind of time expression, in priority order."""
    result = Scan()
    words = lexed.words
    starts = _starts(words)
    text = " ".join(words)
    # Consumed words only ever remove text, so what the whole phrase holds is enough.
    present = [t for t in _GATE_TEXTS if t in text]
    for kind, needs_repeat in ORDER:
        if needs_repeat and REC.name not in result.hits:
            continue
        hit = kind.search(text, present)
        if hit is None:
            continue
        result.hits[kind.name] = hit
        first = bisect_right(starts, hit.start) - 1
        last = bisect_right(starts, max(hit.end - 1, hit.start)) - 1
        end = starts[last] + len(words[last])
        text = text[: starts[first]] + _used(text[starts[first] : end]) + text[end:]
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
