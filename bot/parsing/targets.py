"""The head of a command: an optional bot mention and trigger word, then the targets."""

from __future__ import annotations

import re

from bot.parsing import refs
from bot.parsing.lang.table import WordTable
from bot.parsing.lexer import Token
from bot.parsing.model import ME, Target
from bot.parsing.typos import is_slip_of

# People and channels arrive as neutral references (``bot.parsing.refs``), whatever the
# platform's own syntax, or as people write them: @name, #name, ~name.
_PLAIN_USER = re.compile(r"^@([\w.\-]+)$")
_PLAIN_CHANNEL = re.compile(r"^[#~]([\w.\-]+)$")
_POLITE = {"please", "pls", "plz", "hey", "hi"}
_JOIN = {",", "and", "og", "&"}
_BROADCAST = {"channel", "here", "everyone", "all"}


def read_head(
    tokens: list[Token], table: WordTable, commands: tuple[str, ...] = ()
) -> tuple[tuple[Target, ...], set[int]]:
    """Targets named at the start, and the indexes of the head tokens to leave out.

    ``commands`` are the slash command names (configuration) a phrase may start with.
    """
    low = [t.text.lower() for t in tokens]
    i = 0
    if len(low) > 1 and _is_mention(tokens[0].text) and _is_trigger(tokens, 1, table, commands):
        i = 1
    while i < len(low) and low[i] in _POLITE:
        i += 1
    if i < len(low) and _starts_command(tokens, i, table, commands):
        i += 1
    targets: list[Target] = []
    while i < len(tokens):
        target = read_target(tokens[i].text, table)
        if target is None:
            break
        targets.append(target)
        i += 1
        if i + 1 < len(tokens) and low[i] in _JOIN and read_target(tokens[i + 1].text, table):
            i += 1
    if not targets:
        return (ME,), set(range(i))
    return tuple(dict.fromkeys(targets)), set(range(i))


def _starts_command(
    tokens: list[Token], i: int, table: WordTable, commands: tuple[str, ...]
) -> bool:
    """A trigger word, or a word that starts a command before a target (``tell #ops``)."""
    if _is_trigger(tokens, i, table, commands):
        return True
    return tokens[i].text.lower() in table.addressed and _target_after(tokens, i, table)


def _is_trigger(tokens: list[Token], i: int, table: WordTable, commands: tuple[str, ...]) -> bool:
    """Token ``i`` is a trigger word or a slash command's name, or a typo of a trigger
    (``remnid me``) that is not a real word itself. Like ``tell``, a typo starts a
    command only before a target, so that ``render the report`` stays the message."""
    word = tokens[i].text.lower()
    if word in table.triggers or word in commands or word in ("remind", "reminder"):
        return True
    return _target_after(tokens, i, table) and is_slip_of(word, table.triggers, table.near_triggers)


def _target_after(tokens: list[Token], i: int, table: WordTable) -> bool:
    return i + 1 < len(tokens) and read_target(tokens[i + 1].text, table) is not None


def _is_mention(text: str) -> bool:
    return bool(refs.USER.fullmatch(text) or _PLAIN_USER.match(text))


def read_target(text: str, table: WordTable) -> Target | None:
    low = text.lower()
    if low in table.me or low == "me":
        return ME
    if low in table.here or low == "here":
        return Target(kind="here")
    if m := refs.USER.fullmatch(text):
        return Target(kind="user", ref=m.group(1), name=m.group(2) or "")
    if m := refs.CHANNEL.fullmatch(text):
        return Target(kind="channel", ref=m.group(1), name=m.group(2) or m.group(1))
    if (m := _PLAIN_USER.match(text)) and m.group(1).lower() not in _BROADCAST:
        return Target(kind="user", ref=m.group(1))
    if m := _PLAIN_CHANNEL.match(text):
        return Target(kind="channel", ref=m.group(1), name=m.group(1))
    return None
