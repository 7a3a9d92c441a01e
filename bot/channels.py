"""The delivery channels besides chat, built from the settings.

Each is a ``DeliveryChannel`` (``bot.core.ports``): ``email`` when an SMTP host is set,
``webhook`` when a webhook secret is set. A reminder asking for a channel that is
not configured gets that channel's delivery recorded as failed
(``email_not_configured``), while its other channels deliver.
"""

from __future__ import annotations

from bot.adapters.webhook import WebhookChannel
from bot.config import Settings
from bot.core.ports import Clock, DeliveryChannel


def delivery_channels(settings: Settings, clock: Clock | None = None) -> dict[str, DeliveryChannel]:
    """The configured channels besides chat, by name (``clock`` dates the signatures)."""
    found: dict[str, DeliveryChannel] = {}
    if settings.webhook_secret is not None:
        found["webhook"] = WebhookChannel(
            settings.webhook_secret.get_secret_value(),
            url=settings.webhook_url,
            attempts=settings.webhook_attempts,
            timeout=settings.webhook_timeout_seconds,
            clock=clock,
        )
    return found
