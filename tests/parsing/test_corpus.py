"""Labelled phrases read whole, every one of them right.

- ``dev``: phrases from outside sources (reminder bots' help texts and issues, other date
  parsers' tests, chat), labelled by the rules in docs/parsing.md.
- ``extra``: phrasings not in the dev corpus, from the same kinds of sources.
- ``forms``: the shapes the grammar reads beyond those (issue 10 and 11: clock digits,
  counts, ``except``, several times ...), each also tested on its own in test_forms_*.py.

Only the keys an item's ``expect`` names are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.parsing.batch import answer

_DATA = Path(__file__).parent / "data"
CORPORA = {
    "dev": (_DATA / "dev.jsonl", 100),
    "extra": (_DATA / "extra.jsonl", 200),
    "forms": (_DATA / "forms.jsonl", 60),
}


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
def test_every_corpus_item_is_read_right(name: str) -> None:
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
    assert not failures, f"{len(failures)} wrong: {sorted(failures)}"
