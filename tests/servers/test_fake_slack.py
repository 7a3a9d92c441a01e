"""The fake Slack works with the real slack_sdk clients and a real slack_bolt AsyncApp."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.say.async_say import AsyncSay
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from . import slack_payloads as payloads
from .slack import FakeSlack

SECRET = "signing-secret"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)


@pytest.fixture
async def app(slack: FakeSlack) -> AsyncIterator[AsyncApp]:
    """A bolt app connected to the fake over Socket Mode; listeners may be added afterwards."""
    web_client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    bolt = AsyncApp(client=web_client)
    handler = AsyncSocketModeHandler(bolt, "xapp-test")
    await handler.connect_async()  # type: ignore[no-untyped-call]  # unannotated in bolt 1.30
    await slack.wait_connected()
    yield bolt
    await handler.close_async()  # type: ignore[no-untyped-call]


async def test_post_message_is_recorded_with_args_and_token(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    first = await client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    second = await client.chat_postMessage(channel="U7", text="again")

    assert (first["ts"], second["ts"]) == ("1700000000.000100", "1700000000.000200")
    assert second["channel"] == "D7"
    call = slack.calls_to("chat.postMessage")[0]
    assert call.args == {"channel": "C1", "text": "hi", "blocks": blocks}
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert call.token == "xoxb-test"


async def test_form_query_and_json_bodies_are_parsed_alike(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.users["U1"] = {"tz": "Europe/Copenhagen", "tz_label": "CET", "tz_offset": 3600}
    blocks = [{"type": "divider"}]

    user = await client.users_info(user="U1")  # GET with a query string
    dm = await client.conversations_open(users="U1")  # POST with a query string
    form = {"channel": "D1", "ts": "1.2", "blocks": json.dumps(blocks)}
    await client.api_call("chat.update", data=form)  # a form body, as older clients send
    with pytest.raises(SlackApiError, match="invalid_blocks_format"):
        await client.api_call("chat.update", data={"channel": "D1", "ts": "1.2", "blocks": "[x"})

    assert user["user"]["tz"] == "Europe/Copenhagen"
    assert user["user"]["tz_offset"] == 3600
    assert dm["channel"]["id"] == "D1"
    assert slack.calls_to("chat.update")[0].args["blocks"] == blocks


async def test_queued_faults_are_used_in_order(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")
    slack.fail_next("chat.postMessage", status=500)

    with pytest.raises(SlackApiError) as not_found:
        await client.chat_postMessage(channel="C1", text="a")
    with pytest.raises(SlackApiError) as server_error:
        await client.chat_postMessage(channel="C1", text="b")
    ok = await client.chat_postMessage(channel="C1", text="c")

    assert not_found.value.response["error"] == "channel_not_found"
    assert server_error.value.response.status_code == 500
    assert ok["ok"] is True
    assert [call.status for call in slack.calls] == [200, 500, 200]


async def test_unknown_method_and_wrong_token_are_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await client.api_call("reminders.nope")
    with pytest.raises(SlackApiError) as wrong_token:
        await client.apps_connections_open(app_token="xoxb-not-an-app-token")

    assert unknown.value.response["error"] == "unknown_method"
    assert wrong_token.value.response["error"] == "not_allowed_token_type"


async def test_rate_limited_call_is_retried_after_retry_after(slack: FakeSlack) -> None:
    handler = AsyncRateLimitErrorRetryHandler(max_retry_count=1)
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[handler])
    slack.fail_next("chat.postMessage", status=429, retry_after=1)

    response = await client.chat_postMessage(channel="C1", text="hi")

    limited, retried = slack.calls_to("chat.postMessage")
    assert response["ok"] is True
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0


async def test_wait_for_call_times_out_with_what_it_saw(slack: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match="chat.update"):
        await slack.wait_for_call("chat.update", timeout=0.05)


async def test_socket_mode_slash_command_is_acked_with_its_payload(
    slack: FakeSlack, app: AsyncApp
) -> None:
    @app.command("/reminder")
    async def reminder(ack: AsyncAck) -> None:
        await ack(response_type="ephemeral", text="Got it")

    envelope_id = await slack.send_envelope("slash_commands", payloads.slash_command("in 5 min"))
    ack = await slack.wait_for_ack(envelope_id)

    assert ack == {
        "envelope_id": envelope_id,
        "payload": {"text": "Got it", "response_type": "ephemeral"},
    }
    assert slack.calls_to("apps.connections.open")[0].token == "xapp-test"


async def test_socket_mode_message_event_reaches_listener_and_is_acked(
    slack: FakeSlack, app: AsyncApp
) -> None:
    seen: list[dict[str, Any]] = []

    @app.event("message")
    async def on_message(event: dict[str, Any], say: AsyncSay) -> None:
        seen.append(event)
        await say("noted")

    payload = payloads.message_im_event("remind me at 5pm", event_id="Ev1")
    envelope_id = await slack.send_envelope("events_api", payload)

    assert await slack.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    [post] = await slack.wait_for_call("chat.postMessage")
    assert [e["text"] for e in seen] == ["remind me at 5pm"]
    assert post.args["channel"] == "D1"
    assert slack.calls_to("auth.test")[0].token == "xoxb-test"


async def test_socket_mode_button_click_can_respond_via_response_url(
    slack: FakeSlack, app: AsyncApp
) -> None:
    @app.action("snooze")
    async def snooze(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(text="Snoozed", replace_original=False)

    url = slack.response_url("r1")
    envelope_id = await slack.send_envelope(
        "interactive", payloads.block_actions("snooze", "30", response_url=url)
    )

    assert await slack.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    [body] = await slack.wait_for_response("r1")
    assert body["text"] == "Snoozed"


async def test_socket_mode_client_reconnects_after_disconnect(
    slack: FakeSlack, app: AsyncApp
) -> None:
    await slack.disconnect()
    await slack.wait_connected(count=2)

    assert len(slack.calls_to("apps.connections.open")) == 2


def test_sign_matches_slack_sdk_signature_verifier() -> None:
    body = payloads.form_body(payloads.slash_command("tomorrow 9am"))
    now = 1_700_000_000
    headers = payloads.sign(body, SECRET, now)

    verifier = SignatureVerifier(SECRET, clock=_FixedClock(now))
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"x", headers)


async def test_signed_interactive_body_is_dispatched_in_http_mode(slack: FakeSlack) -> None:
    web_client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    app = AsyncApp(signing_secret=SECRET, client=web_client)

    @app.shortcut("remind_about")
    async def remind_about(ack: AsyncAck) -> None:
        await ack()

    payload = payloads.message_shortcut("remind_about", "ship it", channel_id="C9")
    body = payloads.interactive_body(payload)
    headers: dict[str, str | Sequence[str]] = dict(payloads.sign(body, SECRET, int(time.time())))
    response = await app.async_dispatch(AsyncBoltRequest(body=body.decode(), headers=headers))

    assert response.status == 200


class _FixedClock(Clock):
    def __init__(self, now: int) -> None:
        self._now = now

    def now(self) -> float:
        return float(self._now)
