"""Button values: what we encode comes back; anything else is a stale button, not a crash."""

from __future__ import annotations

import pytest

from bot.core import values
from bot.core.errors import InvalidRequest


def test_values_round_trip() -> None:
    assert values.decode(values.encode(12)) == values.ButtonValue(reminder=12)
    both = values.decode(values.encode(12, 40, "1h"), occurrence=True)
    assert both == values.ButtonValue(reminder=12, occurrence=40, choice="1h")


@pytest.mark.parametrize("value", ["", "\u00b9", "\u0663", "12x", "-1", "1e9", ":3", "12::"])
def test_what_we_never_encode_is_refused_as_stale(value: str) -> None:
    with pytest.raises(InvalidRequest, match="stale"):
        values.decode(value, occurrence=True)


def test_a_reminder_button_needs_no_occurrence_but_a_delivery_button_does() -> None:
    assert values.decode("7:").reminder == 7
    with pytest.raises(InvalidRequest):
        values.decode("7", occurrence=True)
