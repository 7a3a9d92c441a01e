"""The record a reminder watches, and the statuses that stop it or fire it.

A status clause (``forms.records``) names its record (``until case 123 is closed``) or
points at the one the message names (``about case 123 until it is closed``). Either way
a clause needs a record; a trigger also needs to be the whole time of the reminder.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing.context import Context, unsupported
from bot.parsing.forms.offsets import OFFSETS
from bot.parsing.forms.records import STOP, TRIGGER, Clause
from bot.parsing.grammar import Scan
from bot.parsing.lexer import Token
from bot.parsing.message import find_entity
from bot.parsing.model import Entity
from bot.parsing.parts import Kind


@dataclass(frozen=True, slots=True)
class Watch:
    """The record and what it is watched for (``trigger``: a status, or ``*``)."""

    entity: Entity | None
    stop: tuple[str, ...] = ()
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class _Read:
    """A clause as read, and the record it names itself (``None`` when it points)."""

    clause: Clause
    record: Entity | None


def watched(found: Scan, text: str, tokens: list[Token], message: str, ctx: Context) -> Watch:
    """The record and statuses the phrase's clauses name; raises ``Refused``
    (``unsupported``) for a clause without a record or a trigger beside a time."""
    if not (found.has(STOP) or found.has(TRIGGER)):
        return Watch(entity=find_entity(message))
    trigger = _read(found, TRIGGER, text, tokens, ctx)
    stop = _read(found, STOP, text, tokens, ctx)
    if trigger is not None:
        _check_trigger(found, trigger.clause)
    named = {r.record for r in (trigger, stop) if r is not None and r.record is not None}
    if len(named) > 1:
        raise unsupported("two_records")
    entity = next(iter(named), None) or find_entity(message)
    for read, detail in ((trigger, "trigger_entity"), (stop, "stop_entity")):
        # A clause needs a record: its own ("case 123") or, pointing ("it"), the message's.
        if read is not None and (entity is None or (read.clause.named and read.record is None)):
            raise unsupported(detail, hint=read.clause.statuses[0])
    return Watch(
        entity=entity,
        stop=stop.clause.statuses if stop else (),
        trigger=trigger.clause.statuses[0] if trigger else None,
    )


def _read(
    found: Scan, kind: Kind[Clause], text: str, tokens: list[Token], ctx: Context
) -> _Read | None:
    hit = found.get(kind)
    if hit is None:
        return None
    clause = hit.build(ctx)
    if not clause.named:
        return _Read(clause, None)
    lo, hi = found.spans[kind.name]
    return _Read(clause, find_entity(text[tokens[lo].start : tokens[hi].end]))


def _check_trigger(found: Scan, trigger: Clause) -> None:
    if found.timed or found.has(OFFSETS):
        raise unsupported("trigger_time")
    if len(trigger.statuses) > 1:
        raise unsupported("trigger_statuses")
