"""Every example of the user guide (docs/phrases.md) is read as the guide says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.parsing import Command, Prefs, parse
from bot.parsing.describe import (
    offset_words,
    refusal_text,
    rule_words,
    stop_words,
    trigger_words,
)
from tests.parsing.reading import CPH, NOW

GUIDE = Path(__file__).parents[2] / "docs" / "phrases.md"
_ROW = re.compile(r"^\| `(?P<text>[^`]+)` \| (?P<cells>.+) \|$")


def rows(section: str | None = None) -> list[tuple[str, list[str]]]:
    """(phrase, the other cells) of every table row that starts with a quoted phrase; with
    ``section``, only those under the ``## `` heading that starts so."""
    found, heading = [], ""
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:]
        elif (m := _ROW.match(line)) and (section is None or heading.startswith(section)):
            found.append((m["text"], [c.strip() for c in m["cells"].split(" | ")]))
    return found


READ = [pytest.param(text, cells, id=text) for text, cells in rows() if len(cells) == 3]
REFUSED = [pytest.param(text, cells[0], id=text) for text, cells in rows() if len(cells) == 1]


def test_the_guide_has_examples_of_both_kinds() -> None:
    assert len(READ) >= 30
    assert len(REFUSED) >= 5


def first(result: Command) -> str:
    """The first reminder, or for a trigger the change it waits for."""
    return f"{result.when:%a %d %b %Y %H:%M}" if result.when else trigger_words(result)


def repeats(result: Command) -> str:
    if result.recurrence is not None:
        text = rule_words(result.recurrence)
    elif result.event_at is not None:
        text = offset_words(result)
    else:
        text = "once" if result.when else "at each change"
    return f"{text}; {stop_words(result)}" if result.stop_statuses else text


@pytest.mark.parametrize(("text", "cells"), READ)
def test_guide_example_is_read_as_shown(text: str, cells: list[str]) -> None:
    result = parse(text, NOW, CPH, Prefs())
    assert isinstance(result, Command), result
    assert [first(result), repeats(result), result.message] == cells


@pytest.mark.parametrize(("text", "answer"), REFUSED)
def test_guide_refusal_is_answered_as_shown(text: str, answer: str) -> None:
    result = parse(text, NOW, CPH, Prefs())
    assert not isinstance(result, Command), result
    assert refusal_text(result, CPH).startswith(answer)
