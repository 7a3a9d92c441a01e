"""The message: what is left of the phrase once the head and the time words are out."""

from __future__ import annotations

import re

from bot.parsing.lang.table import WordTable
from bot.parsing.lexer import QUOTED, Token
from bot.parsing.model import Entity

QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "'": "'", "\u2018": "\u2019"}
_QUOTED = re.compile(QUOTED)
# Brackets left empty once the time inside them is read: "(tomorrow 9am)".
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_EDGE_PUNCT = " \t\r\n,;:-\u2013\u2014"
_TRAILING = " .!"
_ENTITY = re.compile(
    r"(?i)\b(case|ticket|task|issue|bug|incident|pull request|pr|mr|sag|opgave)"
    r"\s*(?:#|no\.|nr\.)?\s*([A-Za-z][A-Za-z0-9]*-\d+|\d+)\b"
)
_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d+)\b")
_ENTITY_TYPES = {"pull request": "pr", "mr": "pr", "sag": "case", "opgave": "task"}


def is_quoted(text: str) -> bool:
    """A token that is quoted text as a whole (``"..."``, ``'...'``)."""
    return len(text) >= 2 and text[0] in QUOTES and bool(_QUOTED.fullmatch(text))


def entity_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of references whose numbers must not be read as times."""
    spans = [m.span() for m in _ENTITY.finditer(text)]
    spans += [m.span() for m in _KEY.finditer(text)]
    return spans


def find_entity(text: str) -> Entity | None:
    if m := _ENTITY.search(text):
        kind = m.group(1).lower()
        return Entity(type=_ENTITY_TYPES.get(kind, kind), id=m.group(2))
    if m := _KEY.search(text):
        return Entity(type="ticket", id=m.group(1))
    return None


def assemble(text: str, tokens: list[Token], left_out: set[int], table: WordTable) -> str:
    """Join the tokens not left out, as written, and tidy the edges."""
    pieces: list[str] = []
    run_start: int | None = None
    for i in range(len(tokens) + 1):
        keep = i < len(tokens) and i not in left_out
        if keep and run_start is None:
            run_start = i
        elif not keep and run_start is not None:
            pieces.append(text[tokens[run_start].start : tokens[i - 1].end])
            run_start = None
    return tidy(_EMPTY_BRACKETS.sub(" ", " ".join(pieces)), table)


def tidy(message: str, table: WordTable) -> str:
    previous = None
    while previous != message:
        previous = message
        message = message.strip(_EDGE_PUNCT).rstrip(_TRAILING).strip(_EDGE_PUNCT)
        message = _drop_connector(message, table)
    if is_quoted(message):
        return message[1:-1].strip()
    return message


def _drop_connector(message: str, table: WordTable) -> str:
    head, _, rest = message.partition(" ")
    if rest and head.lower() in table.connectors:
        return rest
    return message
