"""The words of a phrase that say how to be told: channels and urgency, in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.parsing import Command, parse
from bot.parsing.channels import read_told
from tests.parsing.reading import CPH as GUIDE_TZ
from tests.parsing.reading import NOW as GUIDE_NOW

ALL = ("chat", "email", "webhook")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "channels", "urgent", "message"),
    [
        ("email me about case 123 tomorrow at 9", ("email",), False, "case 123"),
        ("E-mail me tomorrow at 9 to renew the domain", ("email",), False, "renew the domain"),
        ("remind me by email and chat to call Bo at 4pm", ("chat", "email"), False, "call Bo"),
        ("remind me via webhook, email and chat at 4pm to deploy", ALL, False, "deploy"),
        ("urgent: remind me at 11pm to check the backups", (), True, "check the backups"),
        ("remind me at 11pm to check the backups (urgent)", (), True, "check the backups"),
        ("urgent: email me at 11pm about the outage", ("email",), True, "the outage"),
        ("mail mig om sag 123 i morgen kl 9", ("email",), False, "sag 123"),
        (
            "påmind mig via e-mail og chat i morgen kl 9 om at ringe",
            ("chat", "email"),
            False,
            "ringe",
        ),
        ("haster: påmind mig kl 23 om backup", (), True, "backup"),
        ("remind me on monday to pay the rent", (), False, "pay the rent"),
        ("me by email tomorrow at 9 to pay the rent", ("email",), False, "pay the rent"),
        ("@bob and @carol via chat and email at 4pm to deploy", ("chat", "email"), False, "deploy"),
    ],
)
def test_channels_and_urgency_are_read_and_taken_out(
    phrase: str, channels: tuple[str, ...], urgent: bool, message: str
) -> None:
    result = parse(phrase, NOW, "UTC")
    assert isinstance(result, Command), phrase
    assert (result.channels, result.urgent, result.message) == (channels, urgent, message)


def test_words_inside_the_message_are_the_message() -> None:
    assert read_told("remind me tomorrow to email the urgent report").channels == ()
    assert not read_told("remind me tomorrow to email the urgent report").urgent
    result = parse("remind me tomorrow at 9 to email Bo", NOW, "UTC")
    assert isinstance(result, Command) and result.channels == () and result.message == "email Bo"


GUIDE = Path(__file__).parents[2] / "docs" / "phrases.md"
_TOLD = re.compile(r"^\| `(?P<text>[^`]+)` \| (?P<cells>[^|]+(?: \| [^|]+){3}) \|$")


def _guide_rows() -> list[tuple[str, list[str]]]:
    """The rows of the guide's "How you are told" table (four cells after the phrase)."""
    section = GUIDE.read_text(encoding="utf-8").split("## How you are told", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = [m for m in map(_TOLD.match, section.splitlines()) if m]
    return [(m["text"], [c.strip() for c in m["cells"].split(" | ")]) for m in found]


def test_the_guide_shows_how_each_phrase_is_told() -> None:
    rows = _guide_rows()
    assert len(rows) >= 6
    for text, (first, message, channels, urgent) in rows:
        result = parse(text, GUIDE_NOW, GUIDE_TZ)
        assert isinstance(result, Command), text
        told = ", ".join(result.channels) or "-"
        shown = [f"{result.when:%a %d %b %Y %H:%M}", result.message, told]
        assert shown + ["yes" if result.urgent else "no"] == [first, message, channels, urgent]
