"""Where the email channel finds an address and a link when the person set none: the chat
profile and the chat message, through the Slack and Mattermost stand-in servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.email import EmailChannel
from bot.adapters.mattermost.auth import Signer
from bot.adapters.mattermost.client import MattermostClient
from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.slack.gateway import SlackGateway
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState
from bot.core.ports import ChatPlatform, DeliveryError
from storage import SqlReminderRepository
from tests.adapters.email.conftest import Certificate, config
from tests.factories import DUE, new_reminder
from tests.servers import slack_payloads
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack
from tests.servers.smtp import MailServer


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as fake:
        yield fake


async def test_slack_profile_email_is_read_once_then_remembered(slack: FakeSlack) -> None:
    gateway = SlackGateway(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    assert await gateway.email_of("U1") == "u1@example.com"
    assert await gateway.email_of("U1") == "u1@example.com"
    assert len(slack.calls_to("users.info")) == 1, "cached"
    # Without the users:read.email scope Slack leaves profile.email out.
    slack.users["U2"] = {"profile": {"real_name": "U2", "display_name": "u2"}}
    assert await gateway.email_of("U2") is None


async def test_slack_profile_lookup_that_fails_for_now_raises_and_is_not_remembered(
    slack: FakeSlack,
) -> None:
    gateway = SlackGateway(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    slack.fail_next("users.info", status=500)
    with pytest.raises(DeliveryError) as failed:
        await gateway.email_of("U1")
    assert failed.value.temporary
    assert await gateway.email_of("U1") == "u1@example.com"
    slack.fail_next("users.info", error="user_not_found")
    assert await gateway.email_of("U404") is None


async def test_slack_permalink_of_a_posted_message(slack: FakeSlack) -> None:
    gateway = SlackGateway(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    link = await gateway.message_link("C1:1700000000.000100")
    assert link == f"https://{slack_payloads.TEAM_DOMAIN}.slack.com/archives/C1/p1700000000000100"
    assert await gateway.message_link("not-a-ref") is None


async def test_mattermost_profile_email_and_post_link(mm: FakeMattermost) -> None:
    alice = mm.add_user("alice", email="alice@chat.example")
    hidden = mm.add_user("bob", email="")  # the server blanks emails the bot may not see
    client = MattermostClient(mm.url, mm.bot_token, timeout=2)
    try:
        gateway = MattermostGateway(client, Signer("s" * 32, ManualClock(DUE)), actions_url="")
        assert await gateway.email_of(alice) == "alice@chat.example"
        assert await gateway.email_of(alice) == "alice@chat.example"
        assert len(mm.calls_to("get_user")) == 1, "cached"
        assert await gateway.email_of(hidden) is None
        assert await gateway.email_of("nosuchuser00000000000000000") is None
        assert await gateway.message_link("p1") == f"{mm.url}/_redirect/pl/p1"
    finally:
        await client.close()


async def test_a_slack_reminder_by_email_uses_the_profile_and_links_the_chat_message(
    repo: SqlReminderRepository,
    clock: ManualClock,
    certificate: Certificate,
    slack: FakeSlack,
) -> None:
    gateway = SlackGateway(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    gateways: dict[str, ChatPlatform] = {"slack": gateway}
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        email = EmailChannel(config(mail.port, certificate), gateways)
        dispatcher = Dispatcher(repo, gateways, clock, channels={"email": email})
        rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE + timedelta(seconds=20))
        assert await dispatcher.drain() == 1
    (got,) = mail.received
    assert got.recipients == ["u1@example.com"]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT and occ.message_ref is not None
    channel, _, ts = occ.message_ref.partition(":")
    link = (
        f"https://{slack_payloads.TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    )
    plain = got.message.get_body(("plain",))
    html = got.message.get_body(("html",))
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    assert f"See it in chat: {link}" in plain.get_content()
    assert f'<a href="{link}">See it in chat</a>' in html.get_content()
    assert "went out" not in plain.get_content(), "20 seconds is not late"


async def test_a_profile_lookup_that_fails_for_now_defers_the_email_until_it_answers(
    repo: SqlReminderRepository,
    clock: ManualClock,
    certificate: Certificate,
    slack: FakeSlack,
) -> None:
    gateway = SlackGateway(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    gateways: dict[str, ChatPlatform] = {"slack": gateway}
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        email = EmailChannel(config(mail.port, certificate), gateways)
        dispatcher = Dispatcher(repo, gateways, clock, channels={"email": email})
        rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE)
        slack.fail_next("users.info", status=500)
        assert await dispatcher.drain() == 1
        assert mail.received == []
        (occ,) = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.DEFERRED and occ.error == "email:internal_error"
        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due is not None
        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
    (got,) = mail.received
    assert got.recipients == ["u1@example.com"]
    assert len(slack.calls_to("chat.postMessage")) == 1
