"""Durations (``in 2 hours``, ``in a week's time``), ``... ago``, and parts of day."""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing.context import Context
from bot.parsing.durations import Duration, read_duration
from bot.parsing.parts import USED, Groups, Kind, Part
from bot.parsing.vocab import DURATIONS

_POD = r"(?P<pod>morning|afternoon|evening|night)"


@dataclass(frozen=True, slots=True)
class Pod:
    """A part of day; ``today`` when it names today's (``this morning``, ``tonight``)."""

    name: str
    today: bool = False


def _duration(g: Groups, ctx: Context) -> Duration:
    return read_duration(g["dur"])


def _pod(g: Groups, ctx: Context) -> Pod:
    return Pod(g["pod"])


def _this_pod(g: Groups, ctx: Context) -> Pod:
    return Pod(g["pod"], today=True)


def _tonight(g: Groups, ctx: Context) -> Pod:
    return Pod("tonight", today=True)


AGO: Kind[Duration] = Kind(
    "ago", (Part("2 days ago", rf"(?:for )?(?P<dur>{DURATIONS}) ago", _duration),)
)
DURATION: Kind[Duration] = Kind(
    "dur",
    (
        Part(
            "in 2 hours, in a week's time",
            rf"(?:in|after|within) (?P<dur>{DURATIONS})(?: time)?",
            _duration,
        ),
        Part("2 hours from now", rf"(?P<dur>{DURATIONS}) (?:from now|later|hence)", _duration),
    ),
)
POD: Kind[Pod] = Kind(
    "pod",
    (
        Part("this morning", rf"this {_POD}", _this_pod),
        Part("tonight", r"tonight", _tonight),
        Part("in the morning", rf"(?:in the|at|during the) {_POD}", _pod),
        Part("a part of day after a time", rf"(?<={USED} ){_POD}", _pod),
        Part("a part of day before a time", rf"{_POD}(?= {USED})", _pod),
    ),
)
