"""Webhooks: a delivery channel that POSTs each due reminder, signed, to a URL.

``WebhookChannel`` is the ``DeliveryChannel`` (``bot.core.ports``); ``payload`` is the
JSON it sends; ``sign`` and ``verify`` are the ``X-Remindbot-Signature`` scheme, and
``verify`` is written to be copied into a receiver as it is (docs/channels.md).
"""

from bot.adapters.webhook.channel import DELIVERY_HEADER, USER_AGENT, WebhookChannel
from bot.adapters.webhook.payload import body_of, payload
from bot.adapters.webhook.signing import SIGNATURE_HEADER, sign, verify

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "USER_AGENT",
    "WebhookChannel",
    "body_of",
    "payload",
    "sign",
    "verify",
]
