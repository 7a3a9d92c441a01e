"""``zones.find_zone``: the zone a person means by a city, country, abbreviation or IANA name."""

from __future__ import annotations

import pytest

from bot.parsing.zone_names import ABBREVIATIONS, COUNTRIES
from bot.parsing.zones import find_zone, is_zone

FOUND = [
    pytest.param("Europe/Copenhagen", "Europe/Copenhagen", id="iana"),
    pytest.param("europe/copenhagen", "Europe/Copenhagen", id="iana_lower_case"),
    pytest.param("AMERICA/NEW_YORK", "America/New_York", id="iana_upper_case"),
    pytest.param(
        "america/argentina/buenos_aires", "America/Argentina/Buenos_Aires", id="iana_3_parts"
    ),
    pytest.param("Etc/GMT+5", "Etc/GMT+5", id="iana_etc"),
    pytest.param("UTC", "UTC", id="utc"),
    pytest.param("Copenhagen", "Europe/Copenhagen", id="city"),
    pytest.param("new york", "America/New_York", id="city_with_a_space"),
    pytest.param("New_York", "America/New_York", id="city_with_an_underscore"),
    pytest.param("  los   angeles ", "America/Los_Angeles", id="city_spaces"),
    pytest.param("São Paulo", "America/Sao_Paulo", id="city_with_an_accent"),
    pytest.param("Copenhagen time", "Europe/Copenhagen", id="city_time"),
    pytest.param("Mendoza", "America/Argentina/Mendoza", id="city_with_an_alias"),
    pytest.param("Denmark", "Europe/Copenhagen", id="country"),
    pytest.param("danmark", "Europe/Copenhagen", id="country_in_danish"),
    pytest.param("United Kingdom", "Europe/London", id="country_of_two_words"),
    pytest.param("India", "Asia/Kolkata", id="country_india"),
    pytest.param("Japan", "Asia/Tokyo", id="country_and_old_iana_name"),
    pytest.param("CET", "CET", id="cet"),
    pytest.param("cest", "CET", id="cest"),
    pytest.param("PST", "America/Los_Angeles", id="pst"),
    pytest.param("EST", "America/New_York", id="est_keeps_summer_time"),
    pytest.param("JST", "Asia/Tokyo", id="jst"),
]


@pytest.mark.parametrize(("text", "zone"), FOUND)
def test_find_zone(text: str, zone: str) -> None:
    assert find_zone(text) == zone
    assert is_zone(zone)


NOT_FOUND = [
    pytest.param("USA", id="country_of_several_zones"),
    pytest.param("Australia", id="australia"),
    pytest.param("Spain", id="spain_with_the_canaries"),
    pytest.param("Georgia", id="country_or_us_state"),
    pytest.param("IST", id="india_ireland_israel"),
    pytest.param("CST", id="us_china_cuba"),
    pytest.param("Nowhere/Land", id="unknown_iana_shape"),
    pytest.param("Atlantis", id="unknown_word"),
    pytest.param("", id="empty"),
    pytest.param("localtime", id="not_a_place"),
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_unknown_or_ambiguous_names_are_none(text: str) -> None:
    assert find_zone(text) is None


def test_every_table_value_is_a_zone() -> None:
    for name in (*ABBREVIATIONS.values(), *COUNTRIES.values()):
        assert name is None or is_zone(name), name
