"""``parse``: a chat phrase -> a reminder command or a refusal. Pure: no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.parsing import escalations
from bot.parsing.channels import read_told
from bot.parsing.context import Context, Refused, unsupported
from bot.parsing.forms.records import TRIGGER
from bot.parsing.grammar import Scan, read
from bot.parsing.hints import near_miss
from bot.parsing.lexer import TABLES, Token, detect_language, lex, tokenize
from bot.parsing.message import assemble, entity_spans, is_quoted
from bot.parsing.model import Command, ParseResult, Prefs, Refusal, RefusalCode, Target
from bot.parsing.statuses import watched
from bot.parsing.targets import read_head
from bot.parsing.timing import UNTIMED, times
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
        A ``Command`` whose ``when`` is strictly after ``now`` (``None`` for a status
        trigger, which has no time), or a ``Refusal`` saying why not. Nothing is
        raised for any text.

    Raises:
        KeyError: ``tz`` is not an IANA zone (a caller error, not a user one).
    """
    zi = zone(tz)
    now = now.replace(tzinfo=zi) if now.tzinfo is None else now.astimezone(zi)
    if len(text) > prefs.max_message + _SLACK:
        return Refusal(code=RefusalCode.TOO_LONG)
    told = read_told(text)  # "email me …", "by email and chat", "urgent:": taken out
    result = _parse(told.text, now, zi, prefs)
    if isinstance(result, Command) and (told.channels or told.urgent):
        return replace(result, channels=told.channels, urgent=told.urgent)
    return result


def _parse(text: str, now: datetime, zi: ZoneInfo, prefs: Prefs) -> ParseResult:
    tokens = tokenize(text)
    table = TABLES.get(prefs.language or "", None) or TABLES[detect_language(tokens)]
    targets, head = read_head(tokens, table, prefs.commands)
    lexed = lex(tokens, head | _masked(text, tokens), table)
    clauses = escalations.find(lexed, table)
    if clauses.tokens:  # read apart, and left out of the time and the message
        lexed = lex(tokens, head | _masked(text, tokens) | clauses.tokens, table)
    found = read(lexed)
    message = assemble(text, tokens, head | found.consumed | clauses.tokens, table)
    if len(message) > prefs.max_message:
        return Refusal(code=RefusalCode.TOO_LONG)
    if not found.timed and not found.has(TRIGGER):
        return near_miss(lexed)
    phrase = _Phrase(text, tokens, targets, table.code, clauses)
    try:
        # ``now`` in UTC: compared with a time in ``zi`` it is then compared as an instant.
        # Two times in one zone compare on the clock face, so in the hour the clocks go
        # back, "in 1 hour" would be earlier than now.
        return _command(found, Context(now.astimezone(UTC), zi, prefs), phrase, message)
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


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    tokens: list[Token]
    targets: tuple[Target, ...]
    language: str
    clauses: escalations.Clauses


def _command(found: Scan, ctx: Context, phrase: _Phrase, message: str) -> Command:
    watch = watched(found, phrase.text, phrase.tokens, message, ctx)
    timed = UNTIMED if watch.trigger is not None else times(found, ctx)
    if phrase.clauses.until_done and timed.recurrence is None:
        raise unsupported("until_done_repeat")
    return Command(
        targets=phrase.targets,
        message=message,
        entity=watch.entity,
        when=timed.when,
        tz=str(ctx.tz),
        recurrence=timed.recurrence,
        language=phrase.language,
        occurrences=timed.occurrences,
        event_at=timed.event_at,
        offsets=timed.offsets,
        stop_statuses=watch.stop,
        trigger_status=watch.trigger,
        escalate=escalations.resolve(phrase.clauses, timed.when, ctx),
        until_done=phrase.clauses.until_done,
    )
