"""The grammar's building block: a table of named parts, each a pattern and what it builds.

A *kind* of time expression (a clock time, a date, a recurrence ...) is a tuple of
``Part``s. Each part has a descriptive name, a regular expression over the lexer's
canonical words with group names of its own (``hour``, ``month``), and a builder that
turns the groups into a value (a ``Clock``, candidate ``Days``, a ``Repeat``). Adding a
form is adding one row next to the builder that reads it.

A kind is compiled into one alternation, so the leftmost match wins and parts that
match at the same word are tried in table order; each part's groups are renamed
mechanically (``p3_hour``) so that parts never clash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.parsing.context import Context

T = TypeVar("T")
Groups = dict[str, str]
USED = "\u00a4"  # a consumed word, as later kinds see it

_NAMED = re.compile(r"\(\?P<(\w+)>")


def _renamed(pattern: str, prefix: str) -> str:
    return _NAMED.sub(lambda m: f"(?P<{prefix}{m.group(1)}>", pattern)


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
    """The parts of one kind of expression, compiled into one leftmost-first search."""

    def __init__(self, name: str, parts: Sequence[Part[T]]) -> None:
        self.name = name
        self.parts = tuple(parts)
        alternatives = []
        self._names: list[list[tuple[str, str]]] = []
        for i, part in enumerate(self.parts):
            alternatives.append(f"(?P<p{i}>{_renamed(part.pattern, f'p{i}_')})")
            names = re.compile(part.pattern).groupindex
            self._names.append([(f"p{i}_{n}", n) for n in names])
        body = "|".join(alternatives)
        self.regex = re.compile(rf"(?<!\S)(?:{body})(?!\S)")
        self.plain = "(?:" + "|".join(plain(p.pattern) for p in self.parts) + ")"

    def search(self, text: str) -> Hit[T] | None:
        return self._hit(self.regex.search(text))

    def whole(self, text: str) -> Hit[T] | None:
        """The part that reads all of ``text`` (an expression embedded in another)."""
        return self._hit(self.regex.fullmatch(text))

    def _hit(self, m: re.Match[str] | None) -> Hit[T] | None:
        if m is None or m.lastgroup is None:
            return None
        index = int(m.lastgroup[1:])
        found = m.groupdict()
        groups = {
            short: found[full] for full, short in self._names[index] if found[full] is not None
        }
        return Hit(self.parts[index], groups, m.start(), m.end())
