"""``WebhookChannel``: POST each due reminder, signed, to its URL, on httpx.

The URL is the reminder's own ``webhook_url``, else the configured one. Every attempt is
serialised and signed anew (a new ``t``); ``X-Remindbot-Delivery`` is the same on every
retry, so a receiver can drop a repeat. Nothing here retries: the dispatcher does, from
``DeliveryError.temporary``. 5xx, 408, 429 and timeouts or connection errors are
temporary (``Retry-After`` honoured), until the channel's ``attempts``-th try, when they
become permanent (``http_503_after_5_attempts``). Another 4xx is permanent at once
(``http_404``), and so is a redirect: it is not followed, since the signed body is for
the URL that was configured.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version

import httpx

from bot.adapters.webhook.payload import body_of
from bot.adapters.webhook.signing import SIGNATURE_HEADER, sign
from bot.clock import SystemClock
from bot.core.model import Delivery
from bot.core.ports import Clock, DeliveryError
from bot.core.webhooks import webhook_url_problem

log = logging.getLogger(__name__)
DELIVERY_HEADER = "X-Remindbot-Delivery"
_LONGEST_WAIT = 24 * 3600.0  # a Retry-After beyond a day is read as a day
_TEMPORARY_STATUSES = (408, 429)


def _user_agent() -> str:
    try:
        return f"remindbot/{version('remindbot')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "remindbot/0"


USER_AGENT = _user_agent()


class WebhookChannel:
    """The ``webhook`` delivery channel.

    Args:
        secret: the signing key (its UTF-8 bytes); receivers hold the same.
        url: where reminders without a ``webhook_url`` of their own go (none: they fail
            with ``no_webhook_url``).
        attempts: tries per occurrence before a temporary failure counts as final.
        timeout: seconds one attempt may take in all (connect, send, answer).
        clock: the time ``t`` in the signature is read from.
    """

    name = "webhook"

    def __init__(
        self,
        secret: str,
        *,
        url: str | None = None,
        attempts: int = 5,
        timeout: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret to sign with")
        self._secret = secret
        self.url = url
        self.attempts = attempts
        self.timeout = timeout
        self.clock = clock or SystemClock()

    async def send(self, delivery: Delivery) -> str:
        """POST ``delivery``; its delivery id once the receiver answered 2xx.

        Raises:
            DeliveryError: ``no_webhook_url``, ``bad_webhook_url``, ``http_<status>``,
                ``timeout`` or ``connection_failed`` (``..._after_<n>_attempts`` once the
                attempts are used up); ``temporary`` says whether to try again.
        """
        url = delivery.reminder.webhook_url or self.url
        if url is None:
            raise DeliveryError("no_webhook_url", temporary=False)
        if webhook_url_problem(url) is not None:
            raise DeliveryError("bad_webhook_url", temporary=False)
        try:
            status, retry_after = await self._post(url, delivery)
        except DeliveryError as failed:
            raise self._final(failed, delivery.attempt) from None
        if 200 <= status < 300:
            log.info("webhook delivered %s (%s)", delivery.delivery_id, status)
            return delivery.delivery_id
        temporary = status >= 500 or status in _TEMPORARY_STATUSES
        refused = DeliveryError(
            f"http_{status}", temporary=temporary, retry_after=retry_after if temporary else None
        )
        raise self._final(refused, delivery.attempt)

    async def _post(self, url: str, delivery: Delivery) -> tuple[int, float | None]:
        """One signed POST: the status, and the receiver's ``Retry-After`` in seconds."""
        body = body_of(delivery)  # serialised once: these bytes are signed and sent
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            DELIVERY_HEADER: delivery.delivery_id,
            SIGNATURE_HEADER: sign(self._secret, body, int(self.clock.now().timestamp())),
        }
        limits = httpx.Timeout(self.timeout)
        try:
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(timeout=limits, follow_redirects=False) as http,
                http.stream("POST", url, content=body, headers=headers) as answer,
            ):
                # The answer's body is not read: only its status counts.
                return answer.status_code, self._retry_after(answer.headers.get("retry-after"))
        except (TimeoutError, httpx.TimeoutException):
            raise DeliveryError("timeout", temporary=True) from None
        except httpx.InvalidURL:
            raise DeliveryError("bad_webhook_url", temporary=False) from None
        except httpx.HTTPError as error:
            log.warning("webhook %s: %s", delivery.delivery_id, type(error).__name__)
            raise DeliveryError("connection_failed", temporary=True) from None

    def _final(self, error: DeliveryError, attempt: int) -> DeliveryError:
        """A temporary failure on the last allowed attempt, as a permanent one."""
        if not error.temporary or attempt < self.attempts:
            return error
        return DeliveryError(f"{error.reason}_after_{attempt}_attempts", temporary=False)

    def _retry_after(self, value: str | None) -> float | None:
        """``Retry-After`` as seconds from now: a number of seconds or an HTTP date."""
        if value is None:
            return None
        value = value.strip()
        if value.isascii() and value.isdigit():
            return min(float(value), _LONGEST_WAIT)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = (when - self.clock.now()).total_seconds()
        return min(wait, _LONGEST_WAIT) if wait > 0 else None
