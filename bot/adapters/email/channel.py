"""The ``email`` delivery channel: a due reminder sent over SMTP with aiosmtplib.

STARTTLS is required unless switched off (``REMINDBOT_SMTP_STARTTLS=false``, for a
local relay): a server that does not offer it is a permanent ``starttls_unsupported``,
never a quiet fall back to plain text. SMTP's answers decide what is retried: 4xx,
refused connections and timeouts are temporary, 5xx permanent with the code
(``smtp_550``).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol, runtime_checkable

import aiosmtplib

from bot.adapters.email.message import compose
from bot.core.model import Delivery, TargetKind
from bot.core.ports import DeliveryError, Directory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpConfig:
    """Where and how to send (``REMINDBOT_SMTP_*``).

    Attributes:
        starttls: require STARTTLS (the default); ``False`` speaks plain SMTP.
        ca_file: certificates to trust besides the system's (a private relay's CA).
        timeout: seconds for connecting and for each command.
    """

    host: str
    port: int = 587
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 20.0
    ca_file: Path | None = None

    def tls_context(self) -> ssl.SSLContext:
        """The system's trust, plus ``ca_file``; verification and host names checked."""
        context = ssl.create_default_context()
        if self.ca_file is not None:
            context.load_verify_locations(cafile=str(self.ca_file))
        return context


@runtime_checkable
class MessageLinks(Protocol):
    """A chat gateway that can turn its message reference into a URL (Slack's
    chat.getPermalink, Mattermost's ``/_redirect/pl/``)."""

    async def message_link(self, message_ref: str) -> str | None: ...


class EmailChannel:
    """Sends reminders by email to the person they are for.

    The address is the one the person set (``UserPrefs.email``), else their chat
    profile's (``Directory.email_of`` of the reminder's platform). ``platforms`` is
    looked up at send time, so gateways connected after this is built are found.
    """

    name = "email"

    def __init__(self, config: SmtpConfig, platforms: Mapping[str, Directory]) -> None:
        self.config = config
        self.platforms = platforms
        self._tls = config.tls_context() if config.starttls else None

    async def send(self, delivery: Delivery) -> str:
        to = await self.address(delivery)
        link = await self._link(delivery)
        msg = compose(delivery, sender=self.config.sender, to=to, link=link)
        await self._submit(msg)
        return str(msg["Message-ID"])

    async def address(self, delivery: Delivery) -> str:
        """Where it goes. A channel reminder has no one person: ``no_email_address``."""
        rem = delivery.reminder
        if rem.target_kind is TargetKind.CHANNEL:
            raise DeliveryError("no_email_address", temporary=False)
        found = delivery.recipient.email if delivery.recipient else None
        if not found:
            directory = self.platforms.get(rem.platform)
            person = rem.recipient or rem.owner_ref
            found = await directory.email_of(person.user) if directory is not None else None
        if not found:
            raise DeliveryError("no_email_address", temporary=False)
        _, address = parseaddr(found)
        if "@" not in address or any(c in found for c in "\r\n"):
            raise DeliveryError("bad_email_address", temporary=False)
        return address

    async def _link(self, delivery: Delivery) -> str | None:
        """The chat message's URL, where chat posted it and the platform can tell."""
        gateway: object = self.platforms.get(delivery.reminder.platform)
        if not delivery.chat_link or not isinstance(gateway, MessageLinks):
            return None
        try:
            return await gateway.message_link(delivery.chat_link)
        except DeliveryError as error:
            log.warning("no link to the chat message: %s", error.reason)
            return None

    async def _submit(self, msg: EmailMessage) -> None:
        c = self.config
        smtp = aiosmtplib.SMTP(
            hostname=c.host, port=c.port, timeout=c.timeout, start_tls=False, use_tls=False
        )
        try:
            await smtp.connect()
            if self._tls is not None:
                await smtp.ehlo()
                if not smtp.supports_extension("starttls"):
                    raise DeliveryError("starttls_unsupported", temporary=False)
                await smtp.starttls(tls_context=self._tls)
            if c.user is not None and c.password is not None:
                await smtp.login(c.user, c.password)
            await smtp.send_message(msg)
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise _refused(error.recipients[0].code) from None
        except aiosmtplib.SMTPResponseException as error:
            raise _refused(error.code) from None
        except aiosmtplib.SMTPTimeoutError:
            raise DeliveryError("smtp_timeout", temporary=True) from None
        except ssl.SSLError as error:
            # A certificate that does not verify is set up wrong: retrying will not help.
            raise DeliveryError(f"smtp_tls: {error.reason or 'failed'}", temporary=False) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(
                f"smtp_unavailable: {type(error).__name__}", temporary=True
            ) from None
        finally:
            await _close(smtp)


def _refused(code: int) -> DeliveryError:
    """4xx: try again later; 5xx (and anything else): not this message, not ever."""
    return DeliveryError(f"smtp_{code}", temporary=400 <= code < 500)


async def _close(smtp: aiosmtplib.SMTP) -> None:
    """QUIT when still connected (a polite end), else just drop the socket."""
    if not smtp.is_connected:
        return
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError):
        smtp.close()
