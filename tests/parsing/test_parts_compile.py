"""Every part of every kind compiles: the grammar compiles a part's expression when it is
first searched (bot/parsing/parts.py), so a broken pattern would otherwise show only
when a phrase first opens it."""

from __future__ import annotations

import importlib
import pkgutil
import re

import bot.parsing
from bot.parsing.parts import Kind


def _kinds() -> list[Kind[object]]:
    found: dict[int, Kind[object]] = {}
    for info in pkgutil.walk_packages(bot.parsing.__path__, "bot.parsing."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Kind):
                found[id(value)] = value
    return list(found.values())


def test_every_part_of_every_kind_compiles() -> None:
    kinds = _kinds()
    assert len(kinds) >= 10  # the walk found the grammar
    for kind in kinds:
        for i, part in enumerate(kind.parts):
            assert isinstance(kind._regex(i), re.Pattern), part.name


def test_a_part_is_compiled_once_and_only_when_searched() -> None:
    kind = next(k for k in _kinds() if k.name == "clock")
    fresh: Kind[object] = Kind(kind.name, kind.parts)
    assert fresh._regexes == [None] * len(kind.parts)
    fresh.search_parts("at 9am", fresh.always | sum(fresh.opens.values()))
    first = fresh._regexes[0]
    assert first is not None
    assert fresh._regex(0) is first
