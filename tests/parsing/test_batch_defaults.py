"""The batch line ``{"text", "now"?, "tz"?}``: ``now`` and ``tz`` default to the caller's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.parsing.batch import answer, run

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_missing_now_and_tz_take_the_defaults() -> None:
    got = answer({"text": "remind me in 2 hours"}, default_now=NOW, default_tz="UTC")
    assert got["occurrences"] == ["2026-11-23T11:00:00+00:00"]


def test_a_given_tz_wins_over_the_default() -> None:
    item = {"text": "remind me tomorrow at 9", "tz": "Europe/Copenhagen"}
    got = answer(item, default_now=NOW, default_tz="UTC")
    assert got["occurrences"] == ["2026-11-24T09:00:00+01:00"]


def test_a_given_now_wins_over_the_default() -> None:
    item = {"text": "remind me tomorrow at 9", "now": "2026-12-01T10:00:00"}
    got = answer(item, default_now=NOW, default_tz="UTC")
    assert got["occurrences"] == ["2026-12-02T09:00:00+00:00"]


def test_null_now_and_tz_are_missing_ones() -> None:
    item = {"text": "remind me in 2 hours", "now": None, "tz": None}
    got = answer(item, default_now=NOW, default_tz="UTC")
    assert got["occurrences"] == ["2026-11-23T11:00:00+00:00"]
    assert answer(item) == {"ok": False, "error": "bad_input"}


def test_without_defaults_a_missing_now_or_tz_is_bad_input() -> None:
    assert answer({"text": "remind me in 2 hours", "tz": "UTC"}) == {
        "ok": False,
        "error": "bad_input",
    }
    assert answer({"text": "remind me in 2 hours", "now": "2026-11-23T09:00:00"}) == {
        "ok": False,
        "error": "bad_input",
    }


def test_a_bad_default_zone_is_bad_input_not_an_error() -> None:
    assert answer({"text": "remind me in 2 hours"}, default_now=NOW, default_tz="Mars/Base")[
        "error"
    ] == ("bad_input")


def test_now_of_the_wrong_type_is_bad_input() -> None:
    got = answer({"text": "remind me in 2 hours", "now": 5}, default_now=NOW, default_tz="UTC")
    assert got == {"ok": False, "error": "bad_input"}


def test_run_passes_the_defaults_to_every_line() -> None:
    lines = [json.dumps({"text": "remind me in 1 hour"}), "nope"]
    out = [json.loads(x) for x in run(lines, default_now=NOW, default_tz="UTC")]
    assert out[0]["occurrences"] == ["2026-11-23T10:00:00+00:00"]
    assert out[1] == {"ok": False, "error": "bad_input"}
