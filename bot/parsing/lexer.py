"""Split a phrase into tokens and map each onto the grammar's canonical words.

A token keeps its span in the original text, so that whatever the grammar does not
consume can be given back to the user exactly as written (the message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.lang import da, en
from bot.parsing.lang.table import WordTable

MASK = "§"
# How far into a phrase language detection and the near-miss hints look: the time words
# are near the start, and a long message then costs no more than a short one.
SCAN_WORDS = 60
TABLES: dict[str, WordTable] = {"en": en.TABLE, "da": da.TABLE}

# Quoted text is one token. A single quote opens only where no word precedes it and
# closes only where none follows, so the apostrophes of "o'clock" and "Bob's" stay inside.
QUOTED = (
    r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|\u201e[^\u201c\u201d\n]*[\u201c\u201d]'
    r"|(?<![\w'\u2019])'(?=\S)(?:[^'\n]|'(?=\w))*?(?<=\S)'(?!\w)"
    r"|\u2018(?:[^\u2019\n]|\u2019(?=\w))*?\u2019(?!\w)"
)
_WHOLE_QUOTE = re.compile(QUOTED)
_TOKEN = re.compile(rf"{QUOTED}|<[@#!][^>\s]*>|[\w'\u2019:./\-#~@&+]+|[^\s\w]")
_CLOCK_SUFFIX = re.compile(r"^(\d{1,2}(?:[:.]\d{2})?|\d{3,4})(am|pm|a|p|a\.m\.?|p\.m\.?)$")
_UNIT_WORDS = {
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "mo": "months",
    "mos": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
# Any written unit (``wks``, ``mo``, ``hrs``) as a pattern, for readers outside the
# grammar that must know a unit when they see one (``snooze 2 wks``).
UNIT_WORD = "(?:" + "|".join(sorted(_UNIT_WORDS, key=len, reverse=True)) + ")"
_COMPACT = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)")
_COMPACT_ALL = re.compile(r"^(?:\d+(?:\.\d+)?[a-z]+)+$")
_WEEKDAY_CONTEXT = {
    "on",
    "every",
    "each",
    "next",
    "this",
    "until",
    "and",
    ",",
    "other",
    "by",
    "from",
}
_ABBREVIATED = {*en.WEEKDAYS, *en.MONTHS}
_DAY_DOT = re.compile(r"\d{1,2}\.")
# Look-ups built once from the word tables: the hot path only reads dicts and sets.
_PHRASE_STARTS = {code: {p.split()[0] for p in t.phrases} for code, t in TABLES.items()}
_MONTH_WORDS = {
    code: {w for w, c in t.words.items() if c in en.MONTHS} for code, t in TABLES.items()
}


def _strong_words() -> dict[str, list[tuple[str, bool]]]:
    """Each language's telling words -> (language, is a trigger word)."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for code, table in TABLES.items():
        for word in table.strong:
            found.setdefault(word, []).append((code, word in table.triggers))
    return found


_STRONG = _strong_words()
_KEEP_DOT = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\d+\.\d+)$")


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Lexed:
    """Tokens of a phrase and the canonical words the grammar reads.

    ``words[i]`` came from ``tokens[owner[i][0]]`` to ``tokens[owner[i][1]]``
    (several tokens for a phrase); a consumed or masked word is ``MASK``.
    """

    tokens: list[Token]
    words: list[str]
    owner: list[tuple[int, int]]
    table: WordTable


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        start = m.start()
        tail = len(tok) - len(tok.rstrip(".'\u2019:"))
        if tail and len(tok) > tail and not _keeps_dot(tok) and not _WHOLE_QUOTE.fullmatch(tok):
            tokens.append(Token(tok[:-tail], start, start + len(tok) - tail))
            tokens.append(Token(tok[-tail:], start + len(tok) - tail, m.end()))
        else:
            tokens.append(Token(tok, start, m.end()))
    return tokens


def _keeps_dot(tok: str) -> bool:
    low = tok.lower()
    if low in ("a.m.", "p.m.", "kl.", "d.", "ang."):
        return True
    return bool(_DAY_DOT.fullmatch(low)) or bool(_KEEP_DOT.match(low))


def detect_language(tokens: list[Token]) -> str:
    scores = dict.fromkeys(TABLES, 0)
    for i, tok in enumerate(tokens[:SCAN_WORDS]):
        for code, trigger in _STRONG.get(tok.text.lower(), ()):
            scores[code] += 3 if (i < 2 and trigger) else 1
    best = max(scores.values())
    return "en" if scores["en"] == best else max(scores, key=lambda c: scores[c])


def lex(tokens: list[Token], masked: set[int], table: WordTable) -> Lexed:
    """Map tokens onto canonical words; tokens in ``masked`` become ``MASK``."""
    lowered = [t.text.lower() for t in tokens]
    words: list[str] = []
    owner: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        size, canon = _phrase_at(lowered, i, masked, table)
        if size == 0:
            canon = MASK if i in masked else _canon(lowered, i, words, table)
            size = 2 if _glued_mark(tokens, i, canon, masked) else 1
        for w in canon.split():
            words.append(w)
            owner.append((i, i + size - 1))
        i += size
    return Lexed(tokens=tokens, words=words, owner=owner, table=table)


def _glued_mark(tokens: list[Token], i: int, canon: str, masked: set[int]) -> bool:
    """A ``.`` after a short weekday or month (``fri.``, ``Sept.``) or a ``'`` after a
    unit (``two days' time``) belongs to the word before it."""
    if i + 1 >= len(tokens) or i + 1 in masked or tokens[i].end != tokens[i + 1].start:
        return False
    mark = tokens[i + 1].text
    if mark == ".":
        return canon in _ABBREVIATED and len(tokens[i].text) < len(canon)
    return mark in ("'", "\u2019") and canon in _UNIT_WORDS.values()


def _phrase_at(lowered: list[str], i: int, masked: set[int], table: WordTable) -> tuple[int, str]:
    if lowered[i] not in _PHRASE_STARTS[table.code]:
        return 0, ""
    for size in (3, 2):
        if i + size > len(lowered) or any(j in masked for j in range(i, i + size)):
            continue
        canon = table.phrases.get(" ".join(lowered[i : i + size]))
        if canon is not None:
            return size, canon
    return 0, ""


def _canon(lowered: list[str], i: int, done: list[str], table: WordTable) -> str:
    low = lowered[i]
    nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
    if low in table.words:
        return table.words[low]
    if low in table.guarded:
        prev = done[-1] if done else ""
        is_day = prev in _WEEKDAY_CONTEXT or nxt in (",", "at") or nxt[:1].isdigit()
        return table.guarded[low] if is_day else low
    if table.half_to and low == "halv":
        return "half to" if (nxt[:1].isdigit() or nxt in table.numbers) else "half"
    if done and done[-1] == "the" and _DAY_DOT.fullmatch(low):
        return f"{low[:-1]}th"  # Danish "den 15." is "the 15th", month named or not
    return _canon_form(low, nxt, table)


def _canon_form(low: str, nxt: str, table: WordTable) -> str:
    number = _number(low, table)
    if number is not None:
        return str(number)
    if not low[:1].isdigit():  # every form below starts with a digit
        return low
    if m := _CLOCK_SUFFIX.match(low):
        return f"{m.group(1)} {'am' if m.group(2).startswith('a') else 'pm'}"
    if _COMPACT_ALL.match(low):
        parts = _COMPACT.findall(low)
        if all(unit in _UNIT_WORDS for _, unit in parts):
            return " ".join(f"{n} {_UNIT_WORDS[unit]}" for n, unit in parts)
    if _DAY_DOT.fullmatch(low):
        return f"{low[:-1]}th" if nxt.rstrip(".") in _MONTH_WORDS[table.code] else low[:-1]
    return low


def _number(low: str, table: WordTable) -> int | None:
    if low in table.numbers:
        return table.numbers[low]
    if "-" in low:
        parts = low.split("-")
        if len(parts) == 2 and all(p in table.numbers for p in parts):
            tens, ones = table.numbers[parts[0]], table.numbers[parts[1]]
            if tens % 10 == 0 and tens >= 20 and ones < 10:
                return tens + ones
    return None
