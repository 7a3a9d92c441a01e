"""The batch interface: JSON lines in, one JSON line out per input, in order.

Each input line is ``{"text": ..., "now": ..., "tz": ...}``; ``now`` (ISO 8601, with or
without an offset; without, it is wall time in ``tz``) and ``tz`` (an IANA name) may be
left out or null, and then the caller's defaults are used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from bot.parsing.model import ParseResult, Prefs
from bot.parsing.parse import DEFAULT_PREFS, parse
from bot.parsing.zones import is_zone

BAD_INPUT: dict[str, Any] = {"ok": False, "error": "bad_input"}


def record(result: ParseResult) -> dict[str, Any]:
    """The JSON object for one parse result: ``event_at`` and ``offsets``,
    ``stop_statuses`` and ``trigger_status`` appear only for phrases that name them."""
    if not result.ok:
        return {"ok": False, "error": result.code.value}
    entity = {"type": result.entity.type, "id": result.entity.id} if result.entity else None
    found: dict[str, Any] = {
        "ok": True,
        "target": " ".join(t.display() for t in result.targets),
        "message": result.message,
        "entity": entity,
        "occurrences": [o.isoformat() for o in result.occurrences],
        "rrule": result.recurrence.rrule if result.recurrence else None,
    }
    # Keys of the newer forms only when set, so that earlier answers stay as they were.
    if result.event_at is not None:
        found["event_at"] = result.event_at.isoformat()
        found["offsets"] = list(result.offsets)
    if result.stop_statuses:
        found["stop_statuses"] = list(result.stop_statuses)
    if result.trigger_status is not None:
        found["trigger_status"] = result.trigger_status
    return found


def answer(
    item: object,
    prefs: Prefs = DEFAULT_PREFS,
    *,
    default_now: datetime | None = None,
    default_tz: str | None = None,
) -> dict[str, Any]:
    """Answer one decoded input line; anything malformed is ``bad_input``.

    Args:
        item: the decoded line.
        prefs: how phrases are read.
        default_now: ``now`` for a line without one (the caller reads the clock);
            without it such a line is ``bad_input``.
        default_tz: ``tz`` for a line without one; without it such a line is ``bad_input``.
    """
    if not isinstance(item, dict):
        return BAD_INPUT
    text, tz = item.get("text"), item.get("tz")
    if tz is None:  # left out or null, as for ``now``
        tz = default_tz
    if not (isinstance(text, str) and isinstance(tz, str) and is_zone(tz)):
        return BAD_INPUT
    now = _now(item.get("now"), default_now)
    if now is None:
        return BAD_INPUT
    return record(parse(text, now, tz, prefs))


def _now(given: object, default: datetime | None) -> datetime | None:
    if given is None:
        return default
    if not isinstance(given, str):
        return None
    try:
        return datetime.fromisoformat(given)
    except ValueError:
        return None


def run(
    lines: Iterable[str],
    prefs: Prefs = DEFAULT_PREFS,
    *,
    default_now: datetime | None = None,
    default_tz: str | None = None,
) -> Iterator[str]:
    """One output line per input line, in order; a bad line never stops the run."""
    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield json.dumps(BAD_INPUT)
            continue
        found = answer(item, prefs, default_now=default_now, default_tz=default_tz)
        yield json.dumps(found, ensure_ascii=False)
