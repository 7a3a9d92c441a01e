"""The example email in docs/channels.md is what the channel sends (plain-text part)."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from bot.adapters.email import EmailChannel
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from storage import SqlReminderRepository
from tests.adapters.email.conftest import config
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder
from tests.servers.smtp import MailServer

DOC = Path(__file__).resolve().parents[3] / "docs" / "channels.md"


def _doc_example() -> list[str]:
    (block,) = re.findall(r"```text\n(.*?)```", DOC.read_text(), re.DOTALL)
    return [line.rstrip() for line in block.splitlines()]


async def test_the_docs_example_email_is_what_is_sent(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    async with MailServer() as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, None), {"slack": platform})
        dispatcher = Dispatcher(repo, {"slack": platform}, clock, channels={"email": email})
        await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE + timedelta(hours=1, minutes=5))
        assert await dispatcher.drain() == 1
    (got,) = mail.received
    plain = got.message.get_body(("plain",))
    assert isinstance(plain, EmailMessage)
    sent = [line.rstrip() for line in str(plain.get_content()).splitlines()]
    assert sent == _doc_example()
