"""The batch interface of ``shared/spec/phrases.md``: JSON lines in, JSON lines out."""

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
    """The spec's JSON object for one parse result."""
    if not result.ok:
        return {"ok": False, "error": result.code.value}
    entity = {"type": result.entity.type, "id": result.entity.id} if result.entity else None
    return {
        "ok": True,
        "target": " ".join(t.display() for t in result.targets),
        "message": result.message,
        "entity": entity,
        "occurrences": [o.isoformat() for o in result.occurrences],
        "rrule": result.recurrence.rrule if result.recurrence else None,
    }


def answer(item: object, prefs: Prefs = DEFAULT_PREFS) -> dict[str, Any]:
    """Answer one decoded input line; anything malformed is ``bad_input``."""
    if not isinstance(item, dict):
        return BAD_INPUT
    text, now_text, tz = item.get("text"), item.get("now"), item.get("tz")
    if not (isinstance(text, str) and isinstance(now_text, str) and isinstance(tz, str)):
        return BAD_INPUT
    if not is_zone(tz):
        return BAD_INPUT
    try:
        now = datetime.fromisoformat(now_text)
    except ValueError:
        return BAD_INPUT
    return record(parse(text, now, tz, prefs))


def run(lines: Iterable[str], prefs: Prefs = DEFAULT_PREFS) -> Iterator[str]:
    """One output line per input line, in order; a bad line never stops the run."""
    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield json.dumps(BAD_INPUT)
            continue
        yield json.dumps(answer(item, prefs), ensure_ascii=False)
