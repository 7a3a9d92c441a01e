"""Text commands are read with the words of each language's table, and zones by name."""

from __future__ import annotations

from collections import defaultdict

from bot.core.commands import read_command
from bot.parsing.lang import da, en
from tests.core.conftest import ANN, DM, Core

# What a command word needs after it to be that command.
_ARGUMENT = defaultdict(str, language="danish", channels="chat", email="ann@example.com")


def test_command_words_come_from_the_language_tables() -> None:
    for table in (en.TABLE, da.TABLE):
        for name, words in table.commands.items():
            for word in words:
                written = word.replace("\\?", "?")
                found = read_command(f"{written} {_ARGUMENT[name]}".strip())
                assert found is not None and found.name == name, (table.code, word)
    danish = read_command("hjælp")
    assert danish is not None and danish.language == "da"
    english = read_command("help")
    assert english is not None and english.language is None


async def test_a_zone_is_found_by_city_country_or_abbreviation(core: Core) -> None:
    for said, zone in (
        ("set my timezone to Copenhagen", "Europe/Copenhagen"),
        ("set my timezone to new york", "America/New_York"),
        ("time zone Denmark", "Europe/Copenhagen"),
        ("tz PST", "America/Los_Angeles"),
    ):
        shown = await core.handle(ANN, DM, said)
        assert dict(shown.fields)["Time zone"] == f"{zone} (yours)", said
    refused = await core.handle(ANN, DM, "set my timezone to Atlantis")
    assert refused.text.startswith("I don't know that time zone")
