"""Database URLs as people write them, turned into the async drivers we use."""

from __future__ import annotations

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def normalize_url(url: str) -> str:
    """Pick the async driver for a plain URL; leave URLs that name a driver alone.

    ``sqlite:///data/bot.db`` becomes ``sqlite+aiosqlite:///data/bot.db`` and
    ``postgres://u@h/db`` becomes ``postgresql+asyncpg://u@h/db``; the rest of the URL
    is kept exactly as written.

    Raises:
        ValueError: the URL has no scheme, or a database we do not support.
    """
    scheme, sep, rest = url.strip().partition("://")
    if not sep or not scheme:
        raise ValueError(f"not a database URL: {url!r}")
    if "+" in scheme:
        return f"{scheme}://{rest}"
    try:
        return f"{_ASYNC_DRIVERS[scheme.lower()]}://{rest}"
    except KeyError:
        raise ValueError(f"unsupported database {scheme!r}: use sqlite or postgresql") from None
