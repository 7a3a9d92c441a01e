"""The dispatcher's batch path: Core statements, a few per batch instead of a few per reminder.

Everything here runs on a plain ``AsyncConnection`` and returns ``bot.core.model`` values
made straight from result rows; building ORM objects (and a session around them) for
every reminder cost more CPU than the database did.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from bot.core.model import (
    FINISHED_STATES,
    ChannelDelivery,
    Occurrence,
    OccurrenceState,
    ReminderKind,
)
from bot.core.ports import Outcome
from storage.escalations import insert_escalations
from storage.mapping import to_occurrence
from storage.models import AUDIT, COMPLETIONS, DELIVERIES, OCCURRENCES, REMINDERS
from storage.types import UTCDateTime, sqlite_text

FINISHED = tuple(state.value for state in FINISHED_STATES)
_CLAIMED = OccurrenceState.CLAIMED.value
# Spelled out: an IN list is an "expanding" parameter, which executemany refuses.
_UNFINISHED = and_(*(OCCURRENCES.c.state != literal_column(f"'{state}'") for state in FINISHED))

# Executed with one parameter set per outcome (executemany). As finish_occurrence: a
# message_ref only when given, sent_at only when sent (o_sent is null otherwise). A
# finished occurrence stays as it is: a late writer (a batch whose lease ran out while
# another process delivered) must not turn "sent" back into "deferred".
_FINISH = (
    update(OCCURRENCES)
    .where(OCCURRENCES.c.id == bindparam("o_id"), _UNFINISHED)
    .values(
        state=bindparam("o_state"),
        error=bindparam("o_error"),
        message_ref=func.coalesce(
            bindparam("o_ref", type_=OCCURRENCES.c.message_ref.type), OCCURRENCES.c.message_ref
        ),
        sent_at=func.coalesce(bindparam("o_sent", type_=UTCDateTime()), OCCURRENCES.c.sent_at),
    )
)
# Only what the dispatcher changes, and only while the reminder holds the lease it was
# claimed with: a user's save() clears the lease, so an edit, snooze or delete made
# during the delivery wins; so does another process's newer claim.
_MOVED = ("state", "next_due", "occurrence_due")
_SAVE = (
    update(REMINDERS)
    .where(
        REMINDERS.c.id == bindparam("r_id"),
        REMINDERS.c.lease_until == bindparam("r_lease", type_=UTCDateTime()),
    )
    .values(
        **{name: bindparam(f"r_{name}", type_=REMINDERS.c[name].type) for name in _MOVED},
        lease_until=None,
        updated_at=bindparam("r_now", type_=UTCDateTime()),
    )
)


def _open_statement(dialect: str) -> ReturningInsert[tuple[Any, ...]]:
    """The upsert of one occurrence, run with a batch of parameter sets.

    SQLAlchemy's "insertmanyvalues" sends it as multi-row ``INSERT ... VALUES`` statements,
    but compiles it once; a statement built with ``.values(rows)`` was compiled anew for
    every batch, which cost more than the database.
    """
    # ON CONFLICT lives on the dialects' own INSERT constructs.
    upsert = (
        postgresql.insert(OCCURRENCES) if dialect == "postgresql" else sqlite.insert(OCCURRENCES)
    )
    return upsert.on_conflict_do_update(
        index_elements=[OCCURRENCES.c.reminder_id, OCCURRENCES.c.due_at],
        set_={
            "state": upsert.excluded.state,
            "claimed_at": upsert.excluded.claimed_at,
            "attempts": OCCURRENCES.c.attempts + 1,
        },
        where=_UNFINISHED,
    ).returning(*OCCURRENCES.c)


_OPEN = {dialect: _open_statement(dialect) for dialect in ("postgresql", "sqlite")}
# SQLite: the same upsert over one JSON array of (reminder id, due) pairs (``WHERE true``
# tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join).
_OPEN_JSON = (
    text(
        f"""
        INSERT INTO occurrences (reminder_id, due_at, attempts, state, claimed_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), 1, '{_CLAIMED}', :now
        FROM json_each(:rows) WHERE true
        ON CONFLICT (reminder_id, due_at) DO UPDATE
        SET state = excluded.state,
            claimed_at = excluded.claimed_at,
            attempts = occurrences.attempts + 1
        WHERE occurrences.state NOT IN ({", ".join(f"'{state}'" for state in FINISHED)})
        RETURNING {", ".join(column.name for column in OCCURRENCES.c)}
        """
    )
    .bindparams(bindparam("now", type_=UTCDateTime()))
    .columns(*OCCURRENCES.c)
)


async def open_all(
    conn: AsyncConnection, dialect: str, items: Sequence[tuple[int, datetime]], now: datetime
) -> list[Occurrence]:
    """Create or reopen the occurrences ``items``; see ``ReminderRepository.open_occurrences``.

    One upsert for the batch (rows already finished are left alone, so RETURNING skips
    them), then one SELECT for those finished ones. A row the upsert returned with
    ``attempts == 1`` was inserted just now and cannot have completions, so only the
    others (and every finished one) are looked up.
    """
    keys = list(dict.fromkeys(items))  # PostgreSQL refuses to upsert one row twice
    if dialect == "sqlite":
        rows_json = json.dumps([[rid, sqlite_text(due)] for rid, due in keys])
        opened = await conn.execute(_OPEN_JSON, {"rows": rows_json, "now": now})
    else:
        rows = [
            {"reminder_id": rid, "due_at": due, "attempts": 1, "state": _CLAIMED, "claimed_at": now}
            for rid, due in keys
        ]
        opened = await conn.execute(_OPEN[dialect], rows)
    found = {(row.reminder_id, row.due_at): row for row in opened}
    missing = [key for key in keys if key not in found]
    if missing:
        pairs = tuple_(OCCURRENCES.c.reminder_id, OCCURRENCES.c.due_at)
        finished = select(*OCCURRENCES.c).where(pairs.in_(missing))
        found.update(((row.reminder_id, row.due_at), row) for row in await conn.execute(finished))
    # Finished rows (not returned by the upsert) may have completions whatever their attempts.
    finished_keys = set(missing)
    looked_up = [row.id for key, row in found.items() if key in finished_keys or row.attempts != 1]
    done = await completed_by(conn, looked_up)
    # Aware datetimes hash by instant, so a key given in any zone finds its UTC row.
    return [to_occurrence(found[key], done[found[key].id]) for key in keys]


# On PostgreSQL each batch is two set-based statements over arrays (unnest), not one
# statement per row: per-row UPDATEs ... WHERE id = $1 got a cached generic plan with a
# sequential scan once ANALYZE had seen the table empty (51 million rows read for 10,000
# deliveries), and nothing replaced it. One statement is planned for the whole batch.
_FINISH_SET = text(
    """
    UPDATE occurrences AS o
    SET state = v.state,
        error = v.error,
        message_ref = COALESCE(v.ref, o.message_ref),
        sent_at = COALESCE(v.sent, o.sent_at)
    FROM unnest(CAST(:ids AS integer[]), CAST(:states AS varchar[]), CAST(:errors AS text[]),
                CAST(:refs AS varchar[]), CAST(:sents AS timestamptz[]))
         AS v(id, state, error, ref, sent)
    WHERE o.id = v.id AND o.state NOT IN ({})
    """.format(", ".join(f"'{state}'" for state in FINISHED))
).bindparams(
    bindparam("ids", type_=ARRAY(Integer)),
    bindparam("states", type_=ARRAY(String)),
    bindparam("errors", type_=ARRAY(Text)),
    bindparam("refs", type_=ARRAY(String)),
    bindparam("sents", type_=ARRAY(DateTime(timezone=True))),
)
_SAVE_SET = text(
    """
    UPDATE reminders AS r
    SET state = v.state, next_due = v.next_due, occurrence_due = v.occurrence_due,
        lease_until = NULL, updated_at = v.at
    FROM unnest(CAST(:ids AS integer[]), CAST(:leases AS timestamptz[]),
                CAST(:states AS varchar[]), CAST(:next_dues AS timestamptz[]),
                CAST(:occurrence_dues AS timestamptz[]), CAST(:ats AS timestamptz[]))
         AS v(id, lease, state, next_due, occurrence_due, at)
    WHERE r.id = v.id AND r.lease_until = v.lease
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Integer)),
    bindparam("leases", type_=ARRAY(DateTime(timezone=True))),
    bindparam("states", type_=ARRAY(String)),
    bindparam("next_dues", type_=ARRAY(DateTime(timezone=True))),
    bindparam("occurrence_dues", type_=ARRAY(DateTime(timezone=True))),
    bindparam("ats", type_=ARRAY(DateTime(timezone=True))),
)


def _columns(rows: Sequence[dict[str, Any]], names: dict[str, str]) -> dict[str, list[Any]]:
    """Per-row parameter sets as one array per column (``names``: array <- row key)."""
    return {array: [row[key] for row in rows] for array, key in names.items()}


# On SQLite each batch's statements read their rows from one JSON array (``json_each``):
# one statement and one parameter per batch. As executemanys, every parameter of every
# row went through SQLAlchemy's bind processing, which cost more CPU than the writes.
_UNFINISHED_SQL = ", ".join(f"'{state}'" for state in FINISHED)
_FINISH_JSON = text(
    f"""
    UPDATE occurrences
    SET state = json_extract(v.value, '$[1]'),
        error = json_extract(v.value, '$[2]'),
        message_ref = COALESCE(json_extract(v.value, '$[3]'), occurrences.message_ref),
        sent_at = COALESCE(json_extract(v.value, '$[4]'), occurrences.sent_at)
    FROM json_each(:rows) AS v
    WHERE occurrences.id = json_extract(v.value, '$[0]')
      AND occurrences.state NOT IN ({_UNFINISHED_SQL})
    """
)
_SAVE_JSON = text(
    """
    UPDATE reminders
    SET state = json_extract(v.value, '$[2]'),
        next_due = json_extract(v.value, '$[3]'),
        occurrence_due = json_extract(v.value, '$[4]'),
        lease_until = NULL,
        updated_at = json_extract(v.value, '$[5]')
    FROM json_each(:rows) AS v
    WHERE reminders.id = json_extract(v.value, '$[0]')
      AND reminders.lease_until = json_extract(v.value, '$[1]')
    """
)
_AUDIT_JSON = text(
    """
    INSERT INTO audit_log (at, actor, action, reminder_id, detail)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]'), json_extract(value, '$[3]'),
           json_extract(value, '$[4]')
    FROM json_each(:rows)
    """
)
_FINISH_KEYS = ("o_id", "o_state", "o_error", "o_ref", "o_sent")
_SAVE_KEYS = ("r_id", "r_lease", "r_state", "r_next_due", "r_occurrence_due", "r_now")
_AUDIT_KEYS = ("at", "actor", "action", "reminder_id", "detail")


def _json_rows(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, str]:
    """``rows`` as the one ``:rows`` parameter of a ``json_each`` statement: an array of
    arrays in ``keys`` order, instants as ``UTCDateTime`` stores them."""
    return {"rows": json.dumps([[_json_value(row[key]) for key in keys] for row in rows])}


def _json_value(value: Any) -> Any:
    return sqlite_text(value) if isinstance(value, datetime) else value


async def record_all(conn: AsyncConnection, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Finish the occurrences and save the reminders of ``outcomes``: two set-based
    statements (over arrays on PostgreSQL, over a JSON array on SQLite), and the audit
    lines (one statement on SQLite)."""
    finishes = [
        {
            "o_id": outcome.occurrence_id,
            "o_state": outcome.state.value,
            "o_error": outcome.error,
            "o_ref": outcome.message_ref,
            "o_sent": (outcome.at or now) if outcome.state is OccurrenceState.SENT else None,
        }
        for outcome in outcomes
        if outcome.state is not None
    ]
    postgres = conn.dialect.name == "postgresql"
    if finishes and postgres:
        names = {"ids": "o_id", "states": "o_state", "errors": "o_error", "refs": "o_ref"}
        await conn.execute(_FINISH_SET, _columns(finishes, names | {"sents": "o_sent"}))
    elif finishes:
        await conn.execute(_FINISH_JSON, _json_rows(finishes, _FINISH_KEYS))
    saves = [_save_params(outcome, now) for outcome in outcomes]
    if saves and postgres:
        names = {"ids": "r_id", "leases": "r_lease", "states": "r_state"}
        names |= {"next_dues": "r_next_due", "occurrence_dues": "r_occurrence_due", "ats": "r_now"}
        await conn.execute(_SAVE_SET, _columns(saves, names))
    elif saves:
        await conn.execute(_SAVE_JSON, _json_rows(saves, _SAVE_KEYS))
    records = [
        _delivery_params(record, outcome.reminder.id, outcome.at or now)
        for outcome in outcomes
        for record in outcome.channels
    ]
    if records:
        await conn.execute(_RECORD[conn.dialect.name], [_without(r, "audit") for r in records])
    steps = [s for o in outcomes if o.state is OccurrenceState.SENT for s in o.escalations]
    if steps:  # in this transaction: a crash loses the delivery and its escalations, or neither
        await insert_escalations(conn, steps, now)
    audits = [_audit_params(outcome, now) for outcome in outcomes if outcome.state is not None]
    audits += [rec["audit"] for rec in records]
    if audits and postgres:
        await conn.execute(insert(AUDIT), audits)
    elif audits:
        await conn.execute(_AUDIT_JSON, _json_rows(audits, _AUDIT_KEYS))


def _without(values: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != name}


def _record_statement(dialect: str) -> Any:
    """The upsert of one channel's record of an occurrence; a finished one stays."""
    upsert = postgresql.insert(DELIVERIES) if dialect == "postgresql" else sqlite.insert(DELIVERIES)
    unfinished = and_(*(DELIVERIES.c.state != literal_column(f"'{state}'") for state in FINISHED))
    return upsert.on_conflict_do_update(
        index_elements=[DELIVERIES.c.occurrence_id, DELIVERIES.c.channel],
        set_={
            "state": upsert.excluded.state,
            "attempts": upsert.excluded.attempts,
            "message_ref": func.coalesce(upsert.excluded.message_ref, DELIVERIES.c.message_ref),
            "error": upsert.excluded.error,
            "at": upsert.excluded.at,
        },
        where=unfinished,
    )


_RECORD = {dialect: _record_statement(dialect) for dialect in ("postgresql", "sqlite")}


def _delivery_params(record: ChannelDelivery, reminder_id: int, at: datetime) -> dict[str, Any]:
    """The row of one channel's record (and, under ``audit``, its audit line)."""
    detail: dict[str, Any] = {"occurrence": record.occurrence_id, "channel": record.channel}
    if record.error is not None:
        detail["reason"] = record.error
    if record.message_ref is not None:
        detail["message_ref"] = record.message_ref
    return {
        "occurrence_id": record.occurrence_id,
        "channel": record.channel,
        "state": record.state.value,
        "attempts": record.attempts,
        "message_ref": record.message_ref,
        "error": record.error,
        "at": record.at or at,
        "audit": {
            "at": record.at or at,
            "actor": "dispatcher",
            "action": _AUDIT_ACTIONS[record.state],
            "reminder_id": reminder_id,
            "detail": detail,
        },
    }


async def deliveries_of(
    conn: AsyncConnection, occurrence_ids: Sequence[int]
) -> dict[int, dict[str, ChannelDelivery]]:
    """The channel records of ``occurrence_ids``, by occurrence and channel."""
    found: dict[int, dict[str, ChannelDelivery]] = defaultdict(dict)
    if not occurrence_ids:
        return found
    stmt = select(*DELIVERIES.c).where(DELIVERIES.c.occurrence_id.in_(list(occurrence_ids)))
    for row in await conn.execute(stmt):
        found[row.occurrence_id][row.channel] = ChannelDelivery(
            occurrence_id=row.occurrence_id,
            channel=row.channel,
            state=OccurrenceState(row.state),
            attempts=row.attempts,
            message_ref=row.message_ref,
            error=row.error,
            at=row.at,
        )
    return found


# The audit log's name for what became of an occurrence.
_AUDIT_ACTIONS = {
    OccurrenceState.SENT: "delivered",
    OccurrenceState.DEFERRED: "deferred",
    OccurrenceState.SKIPPED: "skipped",
    OccurrenceState.FAILED: "delivery_failed",
    OccurrenceState.HELD: "held",
    OccurrenceState.DRY_RUN: "dry_run",
}

# An escalation's: told, or passed over because the watched occurrence was done.
_ESCALATION_ACTIONS = {
    OccurrenceState.SENT: "escalated",
    OccurrenceState.SKIPPED: "escalation_cancelled",
}


def _audit_params(outcome: Outcome, now: datetime) -> dict[str, Any]:
    assert outcome.state is not None
    detail: dict[str, Any] = {"occurrence": outcome.occurrence_id}
    if not outcome.channels:
        detail["channel"] = "chat"
    if outcome.error is not None:
        detail["reason"] = outcome.error
    if outcome.message_ref is not None:
        detail["message_ref"] = outcome.message_ref
    action = _AUDIT_ACTIONS[outcome.state]
    if outcome.reminder.kind is ReminderKind.ESCALATION:
        action = _ESCALATION_ACTIONS.get(outcome.state, action)
    return {
        "at": outcome.at or now,
        "actor": "dispatcher",
        "action": outcome.action or action,
        "reminder_id": outcome.reminder.id,
        "detail": detail,
    }


def _save_params(outcome: Outcome, now: datetime) -> dict[str, Any]:
    rem = outcome.reminder
    return {
        "r_id": rem.id,
        "r_lease": rem.lease_until,
        "r_state": rem.state.value,
        "r_next_due": rem.next_due,
        "r_occurrence_due": rem.occurrence_due,
        "r_now": outcome.at or now,
    }


async def completed_by(
    conn: AsyncConnection | AsyncSession, ids: Sequence[int]
) -> defaultdict[int, tuple[str, ...]]:
    """Who completed each occurrence, first completion first (``()`` for none)."""
    found: defaultdict[int, tuple[str, ...]] = defaultdict(tuple)
    if not ids:
        return found
    stmt = (
        select(COMPLETIONS.c.occurrence_id, COMPLETIONS.c.user_key)
        .where(COMPLETIONS.c.occurrence_id.in_(ids))
        .order_by(COMPLETIONS.c.at, COMPLETIONS.c.id)
    )
    for occurrence_id, user in await conn.execute(stmt):
        found[occurrence_id] += (user,)
    return found
