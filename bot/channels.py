"""The delivery channels besides chat, built from the settings.

Each is a ``DeliveryChannel`` (``bot.core.ports``): ``email`` when an SMTP host is set,
``webhook`` when a webhook URL or secret is set. A reminder asking for a channel that is
not configured gets that channel's delivery recorded as failed
(``email_not_configured``), while its other channels deliver.
"""

from __future__ import annotations

from bot.config import Settings
from bot.core.ports import DeliveryChannel


def delivery_channels(settings: Settings) -> dict[str, DeliveryChannel]:
    """The configured channels besides chat, by name."""
    found: dict[str, DeliveryChannel] = {}
    del settings  # email and webhook are added here as they land
    return found
