"""The grammar's building block: a table of named parts, each a pattern and what it builds.

A *kind* of time expression (a clock time, a date, a recurrence ...) is a tuple of
``Part``s. Each part has a descriptive name, a regular expression over the lexer's
canonical words with group names of its own (``hour``, ``month``), and a builder that
turns the groups into a value (a ``Clock``, candidate ``Days``, a ``Repeat``). Adding a
form is adding one row next to the builder that reads it.

A kind's search finds the leftmost match, and of parts that match at the same word
the first in the table. Parts may use the same group names: each is its own pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.parsing.context import Context
from bot.parsing.gates import required

T = TypeVar("T")
Groups = dict[str, str]
USED = "\u00a4"  # a consumed word, as later kinds see it

_NAMED = re.compile(r"\(\?P<(\w+)>")


def plain(pattern: str) -> str:
    """``pattern`` with its named groups made non-capturing, for embedding in another."""
    return _NAMED.sub("(?:", pattern)


@dataclass(frozen=True, slots=True)
class Part(Generic[T]):
    """One form: its name, its pattern over canonical words and what it builds."""

    name: str
    pattern: str
    build: Callable[[Groups, Context], T]


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    """A part that matched: its groups, and the character span in the joined words."""

    part: Part[T]
    groups: Groups
    start: int
    end: int

    def build(self, ctx: Context) -> T:
        return self.part.build(self.groups, ctx)


class Kind(Generic[T]):
    """The parts of one kind of expression, searched leftmost-first.

    The leftmost match wins, and of parts matching at the same word the first in the
    table: what one alternation of all the parts would find. Each part is its own
    expression so that parts whose required text (``gates``) is absent are skipped.

    Each part's expression is compiled the first time it is searched, not when the
    grammar is built: compiling all of them was most of the parser's import time, and a
    phrase opens few parts (``remindbot parse`` start-up, docs/benchmarks.md).
    """

    def __init__(self, name: str, parts: Sequence[Part[T]]) -> None:
        self.name = name
        self.parts = tuple(parts)
        self._regexes: list[re.Pattern[str] | None] = [None] * len(self.parts)
        # Parts as bits: those with no gate are always open; a gate's text opens its parts.
        self._always = 0
        self._opens: dict[str, int] = {}
        for i, part in enumerate(self.parts):
            gate = required(part.pattern)
            if gate is None:
                self._always |= 1 << i
            for text in gate or ():
                self._opens[text] = self._opens.get(text, 0) | 1 << i
        self._open_parts: dict[int, tuple[int, ...]] = {}
        self.plain = "(?:" + "|".join(plain(p.pattern) for p in self.parts) + ")"

    @property
    def gate_texts(self) -> frozenset[str]:
        """Every text some part of this kind requires."""
        return frozenset(self._opens)

    @property
    def always(self) -> int:
        """The parts with no gate, as bits: searched whatever the phrase holds."""
        return self._always

    @property
    def opens(self) -> dict[str, int]:
        """Each gate text -> the parts it opens, as bits."""
        return self._opens

    def search_parts(self, text: str, mask: int) -> Hit[T] | None:
        """The leftmost match in ``text`` of the parts whose bits are set in ``mask``."""
        best: Hit[T] | None = None
        for i in self._parts_of(mask):
            m = self._regex(i).search(text)
            if m is not None and (best is None or m.start() < best.start):
                best = self._hit(i, m)
        return best

    def whole(self, text: str) -> Hit[T] | None:
        """The first part that reads all of ``text`` (an expression embedded in another)."""
        for i in self._parts_of(self._mask(text)):
            m = self._regex(i).fullmatch(text)
            if m is not None:
                return self._hit(i, m)
        return None

    def _regex(self, index: int) -> re.Pattern[str]:
        """Part ``index``'s expression, bounded by whitespace; compiled once, when needed."""
        found = self._regexes[index]
        if found is None:
            pattern = self.parts[index].pattern
            found = self._regexes[index] = re.compile(rf"(?<!\S)(?:{pattern})(?!\S)")
        return found

    def _mask(self, text: str) -> int:
        """The parts whose required text is in ``text``, as bits."""
        mask = self._always
        for required_text, bits in self._opens.items():
            if required_text in text:
                mask |= bits
        return mask

    def _parts_of(self, mask: int) -> tuple[int, ...]:
        """The parts whose bits are set, in table order."""
        if mask not in self._open_parts:
            self._open_parts[mask] = tuple(i for i in range(len(self.parts)) if mask >> i & 1)
        return self._open_parts[mask]

    def _hit(self, index: int, m: re.Match[str]) -> Hit[T]:
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        return Hit(self.parts[index], groups, m.start(), m.end())
