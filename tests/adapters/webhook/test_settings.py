"""Webhook settings: refused when incomplete, and the channel registered with a secret."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import environment
from bot.adapters.webhook import WebhookChannel
from bot.app import build
from bot.channels import delivery_channels
from bot.clock import ManualClock
from bot.config import InvalidSettings, Settings


def _settings(**values: object) -> Settings:
    return Settings.of({"database_url": "sqlite:///x.db", **values})


def test_a_secret_registers_the_webhook_channel_with_its_settings() -> None:
    settings = _settings(
        webhook_secret="s3cret",
        webhook_url="https://hooks.example.com/remindbot",
        webhook_attempts=3,
        webhook_timeout_seconds=4,
    )
    channel = delivery_channels(settings)["webhook"]
    assert isinstance(channel, WebhookChannel)
    assert channel.name == "webhook"
    assert (channel.url, channel.attempts, channel.timeout) == (
        "https://hooks.example.com/remindbot",
        3,
        4.0,
    )
    assert "webhook" not in delivery_channels(_settings())


def test_the_environment_names_are_read(tmp_path: Path) -> None:
    environ = {
        "REMINDBOT_WEBHOOK_SECRET": "s3cret",
        "REMINDBOT_WEBHOOK_URL": "http://127.0.0.1:9000/hook",
        "REMINDBOT_WEBHOOK_ATTEMPTS": "7",
        "REMINDBOT_WEBHOOK_TIMEOUT_SECONDS": "2.5",
    }
    settings = environment.load(environ, tmp_path).settings
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "s3cret"
    assert (settings.webhook_url, settings.webhook_attempts) == ("http://127.0.0.1:9000/hook", 7)
    assert settings.webhook_timeout_seconds == 2.5
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"webhook_url": "https://hooks.example.com/x"}, "needs REMINDBOT_WEBHOOK_SECRET"),
        ({"webhook_secret": "  "}, "is set but empty"),
        ({"webhook_secret": "s", "webhook_url": "ftp://example.com/x"}, "http or https"),
        ({"webhook_secret": "s", "webhook_url": "https://"}, "http or https"),
        ({"webhook_secret": "s", "webhook_attempts": 0}, "must be at least 1, not 0"),
        ({"webhook_secret": "s", "webhook_attempts": 9}, "must be at most 8, not 9"),
        ({"webhook_secret": "s", "webhook_timeout_seconds": 30}, "a quarter of"),
    ],
)
def test_incomplete_or_bad_webhook_settings_are_refused(
    values: dict[str, object], said: str
) -> None:
    with pytest.raises(InvalidSettings, match=said):
        _settings(**values)


async def test_the_app_gives_the_dispatcher_the_channel_on_its_clock(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    settings = _settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", webhook_secret="s")
    app = await build(settings, clock)
    try:
        channel = app.dispatcher.channels["webhook"]
        assert isinstance(channel, WebhookChannel) and channel.clock is clock
    finally:
        await app.close()
