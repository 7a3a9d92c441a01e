"""The delivery channels besides chat, built from the settings.

Each is a ``DeliveryChannel`` (``bot.core.ports``): ``email`` when an SMTP host is set,
``webhook`` when a webhook secret is set. A reminder asking for a channel that is
not configured gets that channel's delivery recorded as failed
(``email_not_configured``), while its other channels deliver.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import Settings
from bot.core.ports import Clock, DeliveryChannel, Directory


def delivery_channels(
    settings: Settings,
    platforms: Mapping[str, Directory] | None = None,
    clock: Clock | None = None,
) -> dict[str, DeliveryChannel]:
    """The configured channels besides chat, by name.

    Args:
        platforms: the connected chat platforms by name (a live mapping: platforms
            connected later are seen), where email finds profile addresses and links.
        clock: dates the webhook signatures.
    """
    found: dict[str, DeliveryChannel] = {}
    if settings.smtp_host:
        from bot.adapters.email import EmailChannel, SmtpConfig

        assert settings.smtp_from is not None  # Settings requires it with smtp_host
        password = settings.smtp_password
        config = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from.strip(),
            user=settings.smtp_user,
            password=password.get_secret_value() if password is not None else None,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
        )
        found["email"] = EmailChannel(config, platforms if platforms is not None else {})
    if settings.webhook_secret is not None:
        from bot.adapters.webhook import WebhookChannel

        found["webhook"] = WebhookChannel(
            settings.webhook_secret.get_secret_value(),
            url=settings.webhook_url,
            attempts=settings.webhook_attempts,
            timeout=settings.webhook_timeout_seconds,
            clock=clock,
        )
    return found
