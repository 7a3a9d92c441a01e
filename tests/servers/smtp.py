"""A real local SMTP server (aiosmtpd) on ``127.0.0.1``, in the test's own event loop.

Port 0 by default; ``start(port)`` binds a given port again (an outage, then the server
back on the same address). With a TLS context it offers STARTTLS (and may require it);
``faults`` are SMTP replies given, in turn, instead of accepting a message's data.

    async with MailServer(tls=server_context) as mail:
        ...  # send to 127.0.0.1:mail.port
        (got,) = mail.received
"""

from __future__ import annotations

import asyncio
import email
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from types import TracebackType
from typing import Any, Self

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True, slots=True)
class Received:
    """One message the server accepted."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    tls: bool  # whether the session was encrypted (STARTTLS) when the data came
    login: str | None  # who logged in, if anyone did


@dataclass
class MailServer:
    """Accepts mail and keeps it; fails on cue (``faults``, ``refuse_recipients``)."""

    tls: ssl.SSLContext | None = None
    require_starttls: bool = False
    logins: dict[str, str] | None = None  # user -> password; None: no AUTH offered
    faults: list[str] = field(default_factory=list)  # e.g. "421 4.3.2 try later"
    refuse_recipients: str | None = None  # e.g. "550 5.1.1 no such user"
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self, port: int | None = None) -> None:
        """Listen on ``port`` (this server's earlier port, or a free one the first time)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, "127.0.0.1", self.port if port is None else port
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _protocol(self) -> SMTP:
        options: dict[str, Any] = {}
        if self.logins is not None:
            options.update(authenticator=self._authenticate, auth_require_tls=self.tls is not None)
        return SMTP(
            _Handler(self),
            hostname="mail.test",
            tls_context=self.tls,
            require_starttls=self.require_starttls,
            **options,
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        del server, session, envelope, mechanism
        ok = (
            isinstance(data, LoginPassword)
            and self.logins is not None
            and self.logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data)


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.server.refuse_recipients:
            return self.server.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.server.faults:
            return self.server.faults.pop(0)
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=default)
        assert isinstance(parsed, EmailMessage)
        auth = session.auth_data if session.authenticated else None
        self.server.received.append(
            Received(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                message=parsed,
                tls=session.ssl is not None,
                login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
            )
        )
        return "250 OK"
