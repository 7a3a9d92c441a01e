"""Email as a delivery channel, through the real ``Dispatcher`` on SQLite and PostgreSQL,
into a real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS and a certificate made
here, trusted by the channel through ``ca_file``."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from bot.adapters.email import EmailChannel
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import ChannelDelivery, OccurrenceState, TargetKind, UserPrefs
from storage import SqlReminderRepository
from tests.adapters.email.conftest import SENDER, Certificate, config
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder
from tests.servers.smtp import MailServer

USER_TEXT = 'feed the cat <b>&"bold"</b> <script>alert(1)</script>'


def _dispatcher(
    repo: SqlReminderRepository, clock: ManualClock, platform: FakePlatform, email: EmailChannel
) -> Dispatcher:
    return Dispatcher(repo, {"slack": platform}, clock, channels={"email": email})


async def _records(repo: SqlReminderRepository, reminder_id: int) -> dict[str, ChannelDelivery]:
    (occ,) = await repo.occurrences(reminder_id)
    return (await repo.channel_deliveries([occ.id]))[occ.id]


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    return str(plain.get_content()), str(html.get_content())


async def test_an_email_has_both_parts_its_headers_and_escapes_only_the_html(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        rem = await repo.add(
            new_reminder(
                channels=("chat", "email"),
                message=USER_TEXT,
                entity_type="ticket",
                entity_id="T-7",
            ),
            clock.now(),
        )
        clock.set(DUE + timedelta(hours=1, minutes=5))
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    (got,) = mail.received
    assert got.tls, "STARTTLS was used"
    assert (got.sender, got.recipients) == (SENDER, ["u1@example.com"])
    msg = got.message
    assert msg["From"] == SENDER and msg["To"] == "u1@example.com"
    assert msg["Subject"] == f"Reminder: {USER_TEXT}"
    assert msg["Auto-Submitted"] == "auto-generated"
    records = await _records(repo, rem.id)
    assert records["email"].state is OccurrenceState.SENT
    assert msg["Message-ID"] == records["email"].message_ref
    assert msg["X-Remindbot-Delivery"] == f"occ-{records['email'].occurrence_id}-email"
    plain, html = _parts(msg)
    assert USER_TEXT in plain, "plain text is not escaped"
    assert "It was due Mon 23 Nov 2026 11:00 (Europe/Copenhagen)." in plain
    assert "It went out 1 h 5 min after that." in plain
    assert "About: ticket T-7" in plain
    assert "It was also posted in chat." in plain  # the stand-in platform gives no URL
    escaped = "&lt;b&gt;&amp;&#34;bold&#34;&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in html, "user text shows as text in HTML, escaped, not stripped"
    assert "<script>" not in html and "<b>" not in html
    assert "It went out 1 h 5 min after that." in html


async def test_the_address_and_language_the_person_set_are_used(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    await repo.save_user(
        UserPrefs(key="slack:T1:U1", email="me@home.example", language="da", channels=("email",))
    )
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        await repo.add(new_reminder(message="vand blomsterne"), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    (got,) = mail.received
    assert got.recipients == ["me@home.example"]
    assert got.message["Subject"] == "Påmindelse: vand blomsterne"
    plain, _ = _parts(got.message)
    assert "Den skulle komme " in plain and "senere" not in plain  # on time: no lateness
    assert platform.delivered == [], "the person chose email alone"


async def test_starttls_required_but_not_offered_fails_for_good_and_sends_nothing(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer() as mail:  # no TLS context: STARTTLS is not offered
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE)
        dispatcher = _dispatcher(repo, clock, platform, email)
        assert await dispatcher.drain() == 1
        clock.advance(timedelta(hours=1))
        assert await dispatcher.drain() == 0, "a permanent failure is not retried"
    assert mail.received == []
    records = await _records(repo, rem.id)
    assert records["email"].state is OccurrenceState.FAILED
    assert records["email"].error == "starttls_unsupported"
    assert records["chat"].state is OccurrenceState.SENT
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT


async def test_plain_smtp_with_starttls_off_and_a_login(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    async with MailServer(logins={"bot": "s3cret"}) as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(
            config(mail.port, None, user="bot", password="s3cret"), {"slack": platform}
        )
        await repo.add(new_reminder(channels=("email",)), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    (got,) = mail.received
    assert not got.tls and got.login == "bot"


async def test_a_login_goes_over_starttls(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    server = MailServer(
        tls=certificate.server_context(), require_starttls=True, logins={"bot": "s3cret"}
    )
    async with server as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        cfg = config(mail.port, certificate, user="bot", password="s3cret")
        await repo.add(new_reminder(channels=("email",)), clock.now())
        clock.set(DUE)
        assert (
            await _dispatcher(repo, clock, platform, EmailChannel(cfg, {"slack": platform})).drain()
            == 1
        )
    (got,) = mail.received
    assert got.tls and got.login == "bot"


async def test_an_outage_is_retried_by_the_dispatcher_and_then_delivered_once(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    mail = MailServer(tls=certificate.server_context(), require_starttls=True)
    await mail.start()
    await mail.stop()  # its port is known, and nothing listens there
    platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
    email = EmailChannel(config(mail.port, certificate), {"slack": platform})
    dispatcher = _dispatcher(repo, clock, platform, email)
    rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    clock.set(DUE)
    try:
        assert await dispatcher.drain() == 1
        records = await _records(repo, rem.id)
        assert records["email"].state is OccurrenceState.DEFERRED
        assert (records["email"].error or "").startswith("smtp_unavailable")
        assert len(platform.delivered) == 1

        await mail.start()  # back, on the same port, but busy at first
        mail.faults = ["421 4.3.2 Service not available, try later"]
        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due is not None and stored.next_due > DUE
        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
        records = await _records(repo, rem.id)
        assert (records["email"].state, records["email"].error) == (
            OccurrenceState.DEFERRED,
            "smtp_421",
        )
        assert mail.received == []

        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due is not None
        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
        clock.advance(timedelta(days=1))
        assert await dispatcher.drain() == 0
    finally:
        await mail.stop()
    assert len(mail.received) == 1, "delivered once"
    assert len(platform.delivered) == 1, "chat was not posted again"
    records = await _records(repo, rem.id)
    assert records["email"].state is OccurrenceState.SENT and records["email"].attempts == 3
    assert records["email"].message_ref == mail.received[0].message["Message-ID"]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT


async def test_a_5xx_answer_fails_for_good_with_its_code_and_the_owner_is_told(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    server = MailServer(
        tls=certificate.server_context(), refuse_recipients="550 5.1.1 No such user here"
    )
    async with server as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        rem = await repo.add(new_reminder(channels=("email",)), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    records = await _records(repo, rem.id)
    assert (records["email"].state, records["email"].error) == (OccurrenceState.FAILED, "smtp_550")
    ((owner, notice),) = platform.notices
    assert owner == rem.owner and "smtp_550" in notice.text


async def test_no_address_anywhere_or_a_channel_reminder_is_no_email_address(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer(tls=certificate.server_context()) as mail:
        platform = FakePlatform(platform="slack", emails={"U9": "u9@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        nobody = await repo.add(new_reminder(channels=("email",)), clock.now())
        room = await repo.add(
            new_reminder(
                channels=("chat", "email"),
                target_kind=TargetKind.CHANNEL,
                target_ref="C1",
                target_name="general",
                owner="slack:T1:U9",
                created_by="slack:T1:U9",
            ),
            clock.now(),
        )
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 2
    assert mail.received == []
    for rem in (nobody, room):
        records = await _records(repo, rem.id)
        assert (records["email"].state, records["email"].error) == (
            OccurrenceState.FAILED,
            "no_email_address",
        )
    assert (await _records(repo, room.id))["chat"].state is OccurrenceState.SENT
    ((owner, notice),) = platform.notices  # only the one that reached no one
    assert owner == nobody.owner
    assert "email: there is no email address for that person" in notice.text


async def test_a_certificate_the_channel_does_not_trust_fails_for_good(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate, ca_file=None), {"slack": platform})
        rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    assert mail.received == []
    record = (await _records(repo, rem.id))["email"]
    assert record.state is OccurrenceState.FAILED
    assert (record.error or "").startswith("smtp_tls"), record.error


async def test_a_reminder_set_for_someone_else_is_emailed_to_them_not_the_owner(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        platform = FakePlatform(
            platform="slack", emails={"U1": "owner@example.com", "U2": "bo@example.com"}
        )
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        await repo.add(
            new_reminder(channels=("email",), target_ref="U2", target_name="bo"), clock.now()
        )
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    (got,) = mail.received
    assert got.recipients == ["bo@example.com"]


async def test_an_address_that_is_not_one_fails_for_good(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    await repo.save_user(UserPrefs(key="slack:T1:U1", email="call me maybe"))
    async with MailServer(tls=certificate.server_context()) as mail:
        platform = FakePlatform(platform="slack")
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    assert mail.received == []
    record = (await _records(repo, rem.id))["email"]
    assert (record.state, record.error) == (OccurrenceState.FAILED, "bad_email_address")


async def test_a_message_with_newlines_stays_on_the_subject_line(
    repo: SqlReminderRepository, clock: ManualClock, certificate: Certificate
) -> None:
    async with MailServer(tls=certificate.server_context(), require_starttls=True) as mail:
        platform = FakePlatform(platform="slack", emails={"U1": "u1@example.com"})
        email = EmailChannel(config(mail.port, certificate), {"slack": platform})
        text = "line one\nline two\r\nBcc: evil@example.net\u2028x"
        await repo.add(new_reminder(channels=("email",), message=text), clock.now())
        clock.set(DUE)
        assert await _dispatcher(repo, clock, platform, email).drain() == 1
    (got,) = mail.received
    assert got.recipients == ["u1@example.com"]
    assert got.message["Subject"] == "Reminder: line one line two Bcc: evil@example.net x"
    assert got.message["Bcc"] is None
