"""A ``no_time`` refusal that points at the problem: the words that looked like a time
but were not read, and the nearest form that works.

Only phrases in which nothing at all was read as a time come here. The words shown are
the user's own, so they are kept only when made of letters, digits and ``:.'-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from bot.parsing.clock import MONTHS, WEEKDAYS
from bot.parsing.lang.table import WordTable
from bot.parsing.lexer import MASK, SCAN_WORDS, Lexed
from bot.parsing.model import Refusal, RefusalCode
from bot.parsing.typos import nearest
from bot.parsing.vocab import DURATIONS, UNIT

UNITS = ("minutes", "hours", "days", "weeks", "months")
PODS = ("morning", "afternoon", "evening")
DAYS = ("tomorrow", "today", "tonight")
NAMED = ("noon", "midnight", "midday")
_SHOWN = re.compile(r"^[\w:.'\u2019 -]{1,40}$")
_GLUED = re.compile(r"^(\d{1,4})(?:-?ish|h|hrs?|uhr)$")
_NUMBER = re.compile(r"^\d{1,4}$")
_CONNECTORS = ("to", "about", "that", MASK)
_DURATIONS_AT_END = re.compile(rf"(?:^| )({DURATIONS})$")
_UNIT = re.compile(UNIT)
_LIST_WORDS = 40
# Slips are remembered per (language, word) up to this many, and only for words this long
# or shorter; any longer word is read afresh (none is near a known word, which is short).
_SLIPS_KEPT = 4096
_SLIP_LENGTH = 24
_KNOWN: dict[str, dict[str, str]] = {}

Near = tuple[str, str]  # (the words shown, the suggestion)
Check = Callable[[Lexed, int], Near | None]


def near_miss(lexed: Lexed) -> Refusal:
    """The ``no_time`` refusal, with the near miss when one is found: durations before
    an event without a time first (their amounts are no near miss of their own), then
    the first word that looks like a time."""
    places = range(len(lexed.words))
    first = ((_offsets_without_event, i) for i in places)
    for check, i in chain(first, ((check, i) for i in places for check in _CHECKS)):
        found = check(lexed, i)
        if found is not None and _SHOWN.match(found[0]) and "@" not in found[0]:
            return Refusal(code=RefusalCode.NO_TIME, detail=found[0], hint=found[1])
    return Refusal(code=RefusalCode.NO_TIME)


def known(table: WordTable) -> dict[str, str]:
    """The table's written words for units, days and times of day -> canonical word."""
    if table.code not in _KNOWN:
        wanted = {*UNITS, *PODS, *DAYS, *NAMED, *WEEKDAYS, *MONTHS}
        words = {k: v for k, v in table.words.items() if v in wanted and len(k) > 3}
        if table.code == "en":
            words |= {w: w for w in wanted}
        _KNOWN[table.code] = words
    return _KNOWN[table.code]


def _word(lexed: Lexed, i: int) -> str:
    return lexed.words[i] if 0 <= i < len(lexed.words) else ""


def _shown(lexed: Lexed, first: int, last: int) -> str:
    lo, hi = lexed.owner[first][0], lexed.owner[last][1]
    return " ".join(t.text for t in lexed.tokens[lo : hi + 1])


def _ends_here(lexed: Lexed, i: int) -> bool:
    """Word ``i`` starts the message (or there is none): a time would end before it."""
    if _word(lexed, i) in ("", *_CONNECTORS):
        return True
    return _shown(lexed, i, i).lower() in lexed.table.connectors


def _spelling(lexed: Lexed, i: int) -> str | None:
    """The written word ``i`` is a slip of, and its canonical meaning. Only the first
    ``SCAN_WORDS`` words are looked at, as for the language."""
    if i >= SCAN_WORDS:
        return None
    word = _shown(lexed, i, i).lower()
    vocab = known(lexed.table)
    if word in vocab or word in lexed.table.words or not word.isalpha():
        return None
    if len(word) > _SLIP_LENGTH:
        return nearest(word, vocab)
    return _slip(lexed.table.code, word)


@lru_cache(maxsize=_SLIPS_KEPT)
def _slip(code: str, word: str) -> str | None:
    """``nearest`` over the known words of table ``code`` (``known`` has read it)."""
    return nearest(word, _KNOWN[code])


def _amount_with_slipped_unit(lexed: Lexed, i: int) -> Near | None:
    """``in 10 minuts`` -> ``in 10 minutes``."""
    if not _NUMBER.match(_word(lexed, i)) or i + 1 >= len(lexed.words):
        return None
    spelt = _spelling(lexed, i + 1)
    if spelt is None or known(lexed.table)[spelt] not in UNITS:
        return None
    said = lexed.table.said
    return _shown(lexed, i, i + 1), f"{said('in')} {_word(lexed, i)} {spelt}"


def _amount_without_unit(lexed: Lexed, i: int) -> Near | None:
    """``in 10`` -> ``in 10 minutes``."""
    if _word(lexed, i) not in ("in", "within") or not _NUMBER.match(_word(lexed, i + 1)):
        return None
    if not _ends_here(lexed, i + 2):
        return None
    said = lexed.table.said
    return _shown(lexed, i, i + 1), f"{said('in')} {_word(lexed, i + 1)} {said('minutes')}"


def _slipped_day(lexed: Lexed, i: int) -> Near | None:
    """``fridy`` -> ``on friday``, ``tomorow``-like slips -> the word, ``junee`` -> ``june 1``."""
    spelt = _spelling(lexed, i)
    if spelt is None:
        return None
    meaning, said = known(lexed.table)[spelt], lexed.table.said
    if meaning in UNITS:
        return None
    if meaning in WEEKDAYS:
        hint = f"{said('on')} {spelt}"
    elif meaning in MONTHS:
        day = _word(lexed, i + 1)
        hint = f"{spelt} {day if day.isdigit() and int(day) <= 31 else 1}"
    elif meaning in PODS:
        hint = f"{_day_before(lexed, i)} {spelt}"
    else:
        hint = f"{said('at')} {spelt}" if meaning in NAMED else spelt
    return _shown(lexed, i, i), hint


def _day_before(lexed: Lexed, i: int) -> str:
    """``this evenning`` -> ``this``; otherwise the part of day tomorrow, always ahead."""
    if _word(lexed, i - 1) == "this":
        return _shown(lexed, i - 1, i - 1)
    return lexed.table.said("tomorrow")


def _half_hour(lexed: Lexed, i: int) -> Near | None:
    """English ``half 9``: British for half past nine, elsewhere half to nine; ask."""
    if lexed.table.half_to or _word(lexed, i) != "half":
        return None
    hour = _word(lexed, i + 1)
    if not (hour.isdigit() and 1 <= int(hour) <= 12):
        return None
    return _shown(lexed, i, i + 1), f"half past {hour}"


def _glued(lexed: Lexed, i: int) -> Near | None:
    """``9ish`` -> ``at 9``."""
    m = _GLUED.match(_word(lexed, i))
    return (_shown(lexed, i, i), f"{lexed.table.said('at')} {m.group(1)}") if m else None


def _bare_number(lexed: Lexed, i: int) -> Near | None:
    """``remind me 1715 to call``: a clock-like number alone before the message."""
    word = _word(lexed, i)
    if not _NUMBER.match(word) or not _ends_here(lexed, i + 1):
        return None
    if i > 0 and _word(lexed, i - 1) != MASK:
        return None
    hour, minute = divmod(int(word), 100) if len(word) > 2 else (int(word), 0)
    if not (hour <= 23 and minute <= 59):
        return None
    return _shown(lexed, i, i), f"{lexed.table.said('at')} {word}"


def _offsets_without_event(lexed: Lexed, i: int) -> Near | None:
    """``2 hours before the deadline``: durations before an event that has no time."""
    if _word(lexed, i) != "before" or not _UNIT.fullmatch(_word(lexed, i - 1)):
        return None
    # A list of durations is a few words long: look no further back than it can reach.
    m = _DURATIONS_AT_END.search(" ".join(lexed.words[max(0, i - _LIST_WORDS) : i]))
    if m is None:
        return None
    shown = _shown(lexed, i - len(m.group(1).split()), i)
    return shown, f"{shown} {lexed.table.said('friday 3pm')}"


_CHECKS: tuple[Check, ...] = (
    _amount_with_slipped_unit,
    _amount_without_unit,
    _half_hour,
    _glued,
    _slipped_day,
    _bare_number,
)
