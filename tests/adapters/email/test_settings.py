"""The REMINDBOT_SMTP_* settings: email is on when a host is set, and a missing sender
stops the start with one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.email import EmailChannel
from bot.app import build
from bot.channels import delivery_channels
from bot.cli import _loaded
from bot.config import InvalidSettings, Settings


def test_no_smtp_host_no_email_channel() -> None:
    assert delivery_channels(Settings()) == {}


def test_a_host_without_a_sender_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(InvalidSettings, match="REMINDBOT_SMTP_FROM is needed"):
        Settings(smtp_host="mail.example")
    monkeypatch.setenv("REMINDBOT_SMTP_HOST", "mail.example")
    monkeypatch.chdir(tmp_path)  # no .env file of the checkout's
    assert _loaded() is None
    assert capsys.readouterr().err.splitlines() == [
        "remindbot: the configuration has problems:",
        "  REMINDBOT_SMTP_FROM is needed with REMINDBOT_SMTP_HOST: the address reminders "
        "are sent from, like remindbot@example.com",
    ]


def test_a_user_needs_its_password_and_the_sender_one_line() -> None:
    with pytest.raises(InvalidSettings, match="go together"):
        Settings(smtp_host="mail.example", smtp_from="bot@example.com", smtp_user="bot")
    with pytest.raises(InvalidSettings, match="one email address on one line"):
        Settings(smtp_host="mail.example", smtp_from="bot@example.com\nBcc: x@y.z")


async def test_the_app_wires_email_to_its_platforms(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        smtp_host="mail.example",
        smtp_from=" bot@example.com ",
        smtp_starttls=False,
    )
    app = await build(settings)
    try:
        email = app.dispatcher.channels["email"]
        assert isinstance(email, EmailChannel)
        assert email.platforms is app.gateways, "platforms connected later are seen"
        assert (email.config.port, email.config.starttls) == (587, False)
        assert email.config.sender == "bot@example.com"
    finally:
        await app.close()
