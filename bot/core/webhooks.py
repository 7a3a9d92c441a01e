"""Which webhook URLs the bot posts to: ``http`` or ``https`` with a host, nothing else.

Pure, so that the REST API refuses a bad ``webhook_url`` when the reminder is made (with
its sentence) and the webhook channel refuses the same URL at send time (a URL stored
before this check, or a bad ``REMINDBOT_WEBHOOK_URL``) for the same reason.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.core.errors import InvalidRequest

MAX_URL = 2048  # longer than any real endpoint; keeps stored rows and headers small


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook's address (a short reason), or ``None`` if it can."""
    if not url or len(url) > MAX_URL:
        return "bad_length"
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "bad_characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "unreadable"
    if parts.scheme.lower() not in ("http", "https"):
        return "bad_scheme"
    if not parts.hostname:
        return "no_host"
    return None


def checked_webhook_url(url: str | None) -> str | None:
    """``url`` as given when it is a usable webhook address; ``None`` stays ``None``.

    Raises:
        InvalidRequest: ``bad_webhook_url``, with the URL.
    """
    if url is None:
        return None
    if webhook_url_problem(url) is not None:
        raise InvalidRequest("bad_webhook_url", url=url[:200])
    return url
