"""What one language module gives: its sentences and how it says times and rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.parsing import Prefs, Recurrence, Refusal


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """One language, as ``Texts`` speaks it.

    Attributes:
        code: ``en``, ``da``.
        say: every sentence and label, by key, as a ``str.format`` template; each language
            has the same keys (a test holds them together).
        moment: a local time in full (``Friday 27 November 2026 at 09:00``).
        relative: how far a local time is from now (``in 4 days``).
        date: a local day in short (``Tue 24 Nov 2026``; without the year: ``Tue 24 Nov``).
        rule: a recurrence in words (``every weekday at 09:00``).
        refusal: the sentence for a refused phrase (read in a zone, with its limits).
        join: a list as a person says it (``@bob and @carol``).
        spans: minutes before an event as a person says them (``1 day and 1 hour``).
    """

    code: str
    say: Mapping[str, str]
    moment: Callable[[datetime], str]
    relative: Callable[[datetime, datetime], str]
    date: Callable[[datetime, bool], str]
    rule: Callable[[Recurrence], str]
    refusal: Callable[[Refusal, str, Prefs | None], str]
    join: Callable[[list[str]], str]
    spans: Callable[[Sequence[int]], str]
