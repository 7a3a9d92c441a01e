"""Shared helpers for the phrase-form tests: one reference clock, read through the batch.

Reference: Monday 23 November 2026, 10:00 in Europe/Copenhagen (+01:00 until 28 March 2027):

    Mo 23  Tu 24  We 25  Th 26  Fr 27  Sa 28  Su 29  |  Mo 30  Tu 1 Dec ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.parsing import Prefs, parse
from bot.parsing.batch import answer
from bot.parsing.model import Command, Refusal

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(CPH))


def run(text: str, now: str = MON, prefs: Prefs | None = None) -> dict[str, Any]:
    item = {"text": text, "now": now, "tz": CPH}
    return dict(answer(item, prefs) if prefs else answer(item))


def check(text: str, message: str, occurrences: list[str], rrule: str | None) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert (result["message"], result["occurrences"], result["rrule"]) == (
        message,
        occurrences,
        rrule,
    )


def command(text: str, prefs: Prefs | None = None) -> Command:
    result = parse(text, NOW, CPH, prefs or Prefs())
    assert isinstance(result, Command), result
    return result


def refusal(text: str, prefs: Prefs | None = None) -> Refusal:
    result = parse(text, NOW, CPH, prefs or Prefs())
    assert isinstance(result, Refusal), result
    return result


def at(clock: str, *days: str) -> list[str]:
    """``at("09:00", "2026-11-24")`` -> ISO instants in Copenhagen for those days."""
    zone = ZoneInfo(CPH)
    return [datetime.fromisoformat(f"{d}T{clock}").replace(tzinfo=zone).isoformat() for d in days]
