"""``parse``: a chat phrase -> a reminder command or a refusal. Pure: no I/O, no clock."""

from __future__ import annotations

from datetime import datetime

from bot.parsing.context import Context, Refused
from bot.parsing.grammar import Scan, read
from bot.parsing.hints import near_miss
from bot.parsing.lexer import TABLES, Token, detect_language, lex, tokenize
from bot.parsing.message import assemble, entity_spans, find_entity, is_quoted
from bot.parsing.model import Command, ParseResult, Prefs, Refusal, RefusalCode, Target
from bot.parsing.targets import read_head
from bot.parsing.timing import times
from bot.parsing.zones import zone

DEFAULT_PREFS = Prefs()
# Beyond this the phrase cannot hold a message short enough; refuse before reading it.
_SLACK = 1000


def parse(text: str, now: datetime, tz: str, prefs: Prefs = DEFAULT_PREFS) -> ParseResult:
    """Read a reminder phrase.

    Args:
        text: the phrase, with or without the trigger word (``remind me ...``).
        now: the current instant; a naive value is read as wall time in ``tz``.
        tz: the user's IANA time zone; every result is in it.
        prefs: default time, date order, language and limits.

    Returns:
        A ``Command`` whose ``when`` is strictly after ``now``, or a ``Refusal``
        saying why not. Nothing is raised for any text.

    Raises:
        KeyError: ``tz`` is not an IANA zone (a caller error, not a user one).
    """
    zi = zone(tz)
    now = now.replace(tzinfo=zi) if now.tzinfo is None else now.astimezone(zi)
    if len(text) > prefs.max_message + _SLACK:
        return Refusal(code=RefusalCode.TOO_LONG)
    tokens = tokenize(text)
    table = TABLES.get(prefs.language or "", None) or TABLES[detect_language(tokens)]
    targets, head = read_head(tokens, table, prefs.commands)
    lexed = lex(tokens, head | _masked(text, tokens), table)
    found = read(lexed)
    message = assemble(text, tokens, head | found.consumed, table)
    if len(message) > prefs.max_message:
        return Refusal(code=RefusalCode.TOO_LONG)
    if not found.timed:
        return near_miss(lexed)
    try:
        return _command(found, Context(now, zi, prefs), targets, message, table.code)
    except Refused as refused:
        return Refusal(
            code=refused.code, when=refused.when, detail=refused.detail, hint=refused.hint
        )
    except (OverflowError, ValueError):
        # Arithmetic beyond what a calendar holds ("in 8000 years", "12/31/9999 23:59").
        return Refusal(code=RefusalCode.INVALID_DATE)


def _masked(text: str, tokens: list[Token]) -> set[int]:
    """Tokens never read as time: quoted text and references such as ``case 123``."""
    spans = entity_spans(text)
    masked = {i for i, tok in enumerate(tokens) if is_quoted(tok.text)}
    if spans:
        masked |= {
            i
            for i, tok in enumerate(tokens)
            if any(a < tok.end and tok.start < b for a, b in spans)
        }
    return masked


def _command(
    found: Scan,
    ctx: Context,
    targets: tuple[Target, ...],
    message: str,
    language: str,
) -> Command:
    timed = times(found, ctx)
    return Command(
        targets=targets,
        message=message,
        entity=find_entity(message),
        when=timed.when,
        tz=str(ctx.tz),
        recurrence=timed.recurrence,
        language=language,
        occurrences=timed.occurrences,
        event_at=timed.event_at,
        offsets=timed.offsets,
    )
