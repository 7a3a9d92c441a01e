"""Log output as the CLI sets it up: JSON lines off a terminal (with the ids a log call
passes), readable lines on one, tokens and configured secrets masked, and no reminder
text in the dispatcher's INFO lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot import logs
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.ports import DeliveryError
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_off_a_terminal_with_the_ids_passed() -> None:
    out = io.StringIO()
    logs.setup("INFO", "auto", out)
    logging.getLogger("bot.test").info(
        "delivered reminder %s", 7, extra={"reminder_id": 7, "occurrence_id": 12}
    )
    logging.getLogger("bot.test").debug("not at INFO")
    (entry,) = lines(out)
    assert entry["level"] == "INFO" and entry["logger"] == "bot.test"
    assert entry["msg"] == "delivered reminder 7"
    assert (entry["reminder_id"], entry["occurrence_id"]) == (7, 12)
    assert str(entry["ts"]).endswith("+00:00")


def test_readable_lines_on_a_terminal_and_when_asked() -> None:
    for stream, fmt in ((Terminal(), "auto"), (io.StringIO(), "text")):
        logs.setup("INFO", fmt, stream)
        logging.getLogger("bot.test").warning("reminder %s: %s", 3, "timeout")
        (line,) = stream.getvalue().splitlines()
        assert line.endswith(" WARNING bot.test: reminder 3: timeout")
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)
    forced = Terminal()
    logs.setup("INFO", "json", forced)
    logging.getLogger("bot.test").info("hello")
    assert lines(forced)[0]["msg"] == "hello"


def test_tokens_bearer_headers_and_configured_secrets_are_masked() -> None:
    out = io.StringIO()
    logs.setup("INFO", "json", out, secrets=["hunter2-signing", "pw"])
    log = logging.getLogger("bot.test")
    log.warning("Slack said no to %s", "xoxb-1111-2222-abcDEF")
    log.warning("socket %s", "xapp-1-A01-99-ff00")
    log.warning("sent Authorization: Bearer eyJhbGciOi.payload.sig, got 401")
    log.warning("secret is %s", "hunter2-signing")
    try:
        raise ValueError("bad token xoxp-333-444")
    except ValueError:
        log.exception("failed with hunter2-signing")
    text = out.getvalue()
    for secret in ("xoxb-1111", "xapp-1-A01", "eyJhbGciOi", "hunter2", "xoxp-333"):
        assert secret not in text
    entries = lines(out)
    assert [e["msg"] for e in entries] == [
        "Slack said no to ***",
        "socket ***",
        "sent Authorization: Bearer ***, got 401",
        "secret is ***",
        "failed with ***",
    ]
    assert "ValueError: bad token ***" in str(entries[-1]["exc"])
    # Secrets shorter than four characters would mask half the log: they are left alone.
    assert "pw" not in logs.Redact(["pw"]).secrets


def test_the_text_format_masks_tracebacks_too() -> None:
    out = io.StringIO()
    logs.setup("INFO", "text", out, secrets=["s3cr3t-value"])
    try:
        raise RuntimeError("s3cr3t-value leaked")
    except RuntimeError:
        logging.getLogger("bot.test").exception("boom")
    assert "s3cr3t-value" not in out.getvalue()
    assert "RuntimeError: *** leaked" in out.getvalue()


async def test_dispatch_lines_carry_the_ids_and_never_the_reminder_text(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    out = io.StringIO()
    logs.setup("INFO", "json", out)
    clock.set(DUE)
    platform = FakePlatform(platform="slack")
    rem = await repo.add(new_reminder(message="pay the secret invoice"), clock.now())
    assert await Dispatcher(repo, {"slack": platform}, clock).drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    delivered = [e for e in lines(out) if e["logger"] == "bot.core.dispatch"]
    assert delivered == [
        {
            "ts": delivered[0]["ts"],
            "level": "INFO",
            "logger": "bot.core.dispatch",
            "msg": f"delivered reminder {rem.id} occurrence {occ.id}",
            "reminder_id": rem.id,
            "occurrence_id": occ.id,
        }
    ]
    assert "invoice" not in out.getvalue()


async def test_retries_and_failures_carry_the_ids_too(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    out = io.StringIO()
    logs.setup("INFO", "json", out)
    clock.set(DUE)
    platform = FakePlatform(platform="slack")
    platform.faults = [
        DeliveryError("rate_limited", temporary=True, retry_after=60),
        DeliveryError("channel_not_found", temporary=False),
    ]
    dispatcher = Dispatcher(repo, {"slack": platform}, clock)
    rem = await repo.add(new_reminder(message="pay the secret invoice"), clock.now())
    assert await dispatcher.drain() == 1
    clock.advance(timedelta(minutes=5))
    assert await dispatcher.drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    said = [
        (e["level"], str(e["msg"]).split(", retry at")[0], e["reminder_id"], e["occurrence_id"])
        for e in lines(out)
        if e["logger"] == "bot.core.dispatch"
    ]
    assert said == [
        ("WARNING", f"reminder {rem.id}: rate_limited", rem.id, occ.id),
        (
            "WARNING",
            f"reminder {rem.id} occurrence {occ.id} failed: channel_not_found",
            rem.id,
            occ.id,
        ),
    ]
    assert "invoice" not in out.getvalue()


def test_a_healthy_healthz_is_not_logged_and_other_requests_are() -> None:
    out = io.StringIO()
    logs.setup("INFO", "json", out)
    access = logging.getLogger("uvicorn.access")
    line = '%s - "%s %s HTTP/%s" %d'
    access.info(line, "127.0.0.1:5000", "GET", "/healthz", "1.1", 200)
    access.info(line, "127.0.0.1:5000", "GET", "/healthz", "1.1", 503)
    access.info(line, "10.0.0.9:6000", "POST", "/slack/events", "1.1", 200)
    assert [e["msg"] for e in lines(out)] == [
        '127.0.0.1:5000 - "GET /healthz HTTP/1.1" 503',
        '10.0.0.9:6000 - "POST /slack/events HTTP/1.1" 200',
    ]
