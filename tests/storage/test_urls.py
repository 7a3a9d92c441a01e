"""normalize_url: plain URLs as people write them select our async drivers."""

from __future__ import annotations

import pytest

from storage import normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///path/bot.db", "sqlite+aiosqlite:///path/bot.db"),
        ("sqlite:////var/lib/remindbot/bot.db", "sqlite+aiosqlite:////var/lib/remindbot/bot.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgresql://user@host/db", "postgresql+asyncpg://user@host/db"),
        ("postgres://user:p%40ss@host:5433/db", "postgresql+asyncpg://user:p%40ss@host:5433/db"),
        ("postgresql://u@h/db?ssl=require", "postgresql+asyncpg://u@h/db?ssl=require"),
        ("PostgreSQL://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite+aiosqlite:///bot.db", "sqlite+aiosqlite:///bot.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("  sqlite:///bot.db\n", "sqlite+aiosqlite:///bot.db"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["bot.db", "mysql://u@h/db", "://nothing"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="URL|unsupported"):
        normalize_url(url)
