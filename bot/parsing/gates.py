"""What a pattern cannot match without: literal text every match contains.

A kind's search skips a part whose required text is absent from the phrase, so that a
phrase without "every", "daily" or "times" never runs the recurrence patterns. The
requirement is read from the pattern itself when its kind is built, so a new part gets
its gate for free; a pattern this cannot read has no gate and is always searched.
"""

from __future__ import annotations

import importlib
from typing import Any

Requirement = frozenset[str] | None  # any one of these strings, or nothing known

try:  # the standard library's own regex parser (private, hence the guard)
    _PARSER: Any = importlib.import_module("re._parser")
    _C: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python: search every part
    _PARSER = None


def required(pattern: str) -> Requirement:
    """Strings of which every match of ``pattern`` contains at least one, or ``None``."""
    if _PARSER is None:
        return None
    try:
        found = _sequence(list(_PARSER.parse(pattern)))
    except Exception:  # any surprise in a private API only costs speed
        return None
    return _shortest(found) if found else found


def _shortest(texts: frozenset[str]) -> frozenset[str]:
    """``texts`` without those that hold another of them: where ``whenever`` is, ``when``
    is too, so asking for ``when`` alone opens the same parts with fewer look-ups."""
    return frozenset(t for t in texts if not any(o != t and o in t for o in texts))


def _sequence(items: list[tuple[Any, Any]]) -> Requirement:
    """All items of a sequence are required: keep the most selective requirement."""
    options: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        if op is _C.LITERAL:
            run += chr(arg)
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        found = _item(op, arg)
        if found:
            options.append(found)
    if run:
        options.append(frozenset({run}))
    return max(options, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def _item(op: Any, arg: Any) -> Requirement:
    if op is _C.SUBPATTERN:
        return _sequence(list(arg[3]))
    if op is _C.BRANCH:
        branches = [_sequence(list(b)) for b in arg[1]]
        if any(not b for b in branches):
            return None
        return frozenset().union(*[b for b in branches if b])
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        low, _high, sub = arg
        return _sequence(list(sub)) if low >= 1 else None
    if op is _C.ASSERT:  # a lookaround's text is in the phrase too
        return _sequence(list(arg[1]))
    return None
