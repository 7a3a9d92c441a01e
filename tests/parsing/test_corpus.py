"""Labelled phrases read whole: the development corpus and our own extra one.

- ``dev``: phrases from outside sources (tests/parsing/data/dev.jsonl).
- ``extra``: phrasings not in the dev corpus, from the same kinds of sources, each labelled
  by hand from the phrase rules (docs/parsing.md) (tests/parsing/data/extra.jsonl).

Only the keys an item's ``expect`` names are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.parsing.batch import answer

_HERE = Path(__file__).parent
CORPORA = {
    "dev": (_HERE / "data" / "dev.jsonl", 100),
    "extra": (_HERE / "data" / "extra.jsonl", 200),
}
REQUIRED = 0.97


def _expected(item: dict[str, Any]) -> dict[str, Any]:
    expect = dict(item["expect"])
    # The spec writes channels as #name whatever form came in (~ops -> #ops).
    if str(expect.get("target", "")).startswith("~"):
        expect["target"] = "#" + expect["target"][1:]
    return expect


def _misses(item: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    got = answer(item)
    return {k: (v, got.get(k)) for k, v in _expected(item).items() if got.get(k) != v}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_corpus_is_read_right_at_least_97_percent(name: str) -> None:
    path, least = CORPORA[name]
    items = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    failures = {item["id"]: (item["text"], _misses(item)) for item in items}
    failures = {k: v for k, v in failures.items() if v[1]}
    for key, (text, miss) in failures.items():
        print(f"{key}: {text[:120]!r}: {miss}")
    right = (len(items) - len(failures)) / len(items)
    print(f"{name} corpus: {len(items) - len(failures)}/{len(items)} right ({right:.1%})")
    assert len(items) >= least
    assert len({item["id"] for item in items}) == len(items)
    assert right >= REQUIRED, f"{len(failures)} wrong: {sorted(failures)}"
