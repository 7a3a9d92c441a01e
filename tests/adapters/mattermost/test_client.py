"""The thin Mattermost REST client against the stand-in: every method, every error mapping."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.adapters.mattermost.client import MattermostClient, MattermostError, error_from
from bot.core.ports import DeliveryError
from tests.servers import mattermost_payloads as payloads
from tests.servers.mattermost import FakeMattermost

BUTTON = {
    "id": "complete",
    "name": "Complete",
    "type": "button",
    "integration": {"url": "http://127.0.0.1:9/act", "context": {"sig": "s"}},
}
PROPS = {"attachments": [{"text": "Reminder", "actions": [BUTTON]}]}


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as server:
        yield server


@pytest.fixture
async def client(mm: FakeMattermost) -> AsyncIterator[MattermostClient]:
    client = MattermostClient(mm.url + "/", mm.bot_token, timeout=2)
    yield client
    await client.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_users_channels_and_posts_round_trip(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    tz = payloads.timezone("Europe/Copenhagen")
    alice = mm.add_user("alice", tz=tz, email="alice@example.org")
    town = mm.add_channel("town-square", alice, mm.bot_id)

    me, user, channel = await client.me(), await client.user(alice), await client.channel(town)
    created = await client.create_post(town, "hello")
    fetched = await client.get_post(created["id"])

    assert (me["id"], me["is_bot"]) == (mm.bot_id, True)
    assert user["timezone"]["useAutomaticTimezone"] == "true"
    assert user["timezone"]["automaticTimezone"] == "Europe/Copenhagen"
    assert user["email"] == "alice@example.org"
    assert channel["name"] == "town-square"
    assert fetched["message"] == "hello"
    assert mm.calls_to("get_me")[0].headers["authorization"] == f"Bearer {mm.bot_token}"


async def test_direct_channel_is_created_once_then_cached(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice = mm.add_user("alice")

    first = await client.direct_channel(alice)
    again = await client.direct_channel(alice)

    assert first == again
    assert first["name"] == payloads.direct_channel_name(mm.bot_id, alice)
    [call] = mm.calls_to("create_direct_channel")
    assert call.body == [mm.bot_id, alice]


async def test_is_member_answers_for_users_and_for_the_bot(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice, bob = mm.add_user("alice"), mm.add_user("bob")
    town = mm.add_channel("town-square", alice)
    secret = mm.add_channel("secret", alice, private=True)

    assert await client.is_member(town, alice) is True
    assert await client.is_member(town, bob) is False  # 404
    assert await client.is_member(town, mm.bot_id) is False
    assert await client.is_member(secret, mm.bot_id) is False  # 403: the bot cannot read it


async def test_create_post_sends_props_and_root_and_gets_integrations_stripped(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice = mm.add_user("alice")
    dm = (await client.direct_channel(alice))["id"]
    root = mm.user_posts_dm(alice, "remind me at 5")

    post = await client.create_post(dm, "Reminder: stretch", props=PROPS, root_id=root["id"])

    assert post["root_id"] == root["id"]
    assert post["props"]["attachments"][0]["actions"][0] == {
        "id": "complete",
        "name": "Complete",
        "type": "button",
    }
    assert mm.calls_to("create_post")[0].body == {
        "channel_id": dm,
        "message": "Reminder: stretch",
        "props": PROPS,
        "root_id": root["id"],
    }


async def test_patch_post_sends_only_what_is_given(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice = mm.add_user("alice")
    dm = (await client.direct_channel(alice))["id"]
    post = await client.create_post(dm, "Reminder", props=PROPS)

    await client.patch_post(post["id"], message="Done")
    cleared = await client.patch_post(post["id"], props={})

    assert [c.body for c in mm.calls_to("patch_post")] == [{"message": "Done"}, {"props": {}}]
    assert (cleared["message"], cleared["props"]) == ("Done", {})


async def test_posts_since_lists_new_posts_oldest_first_without_older_edits(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice = mm.add_user("alice")
    dm = (await client.direct_channel(alice))["id"]
    old = await client.create_post(dm, "old")
    since = mm.now_ms
    first = mm.user_posts(alice, dm, "first")
    second = mm.user_posts(alice, dm, "second", root_id=old["id"])
    await client.patch_post(old["id"], message="old, edited")  # ?since= returns it too

    posts = await client.posts_since(dm, since)

    assert [q["id"] for q in posts] == [first["id"], second["id"]]
    assert mm.calls_to("get_posts_for_channel")[0].query == {"since": str(since)}


async def test_posts_since_walks_pages_when_the_since_answer_is_capped(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    alice = mm.add_user("alice")
    dm = mm.dm_with(alice)
    mm.user_posts(alice, dm, "before")
    since = mm.now_ms
    new = [mm.user_posts(alice, dm, f"new {n}")["id"] for n in range(3)]
    mm.rest.since_limit = client.since_limit = 2

    posts = await client.posts_since(dm, since)

    assert [q["id"] for q in posts] == new
    queries = [c.query for c in mm.calls_to("get_posts_for_channel")]
    assert queries == [{"since": str(since)}, {"page": "0", "per_page": "200"}]


# --- errors ----------------------------------------------------------------------------------


async def test_429_is_temporary_with_the_reset_or_retry_after_seconds(
    mm: FakeMattermost, client: MattermostClient
) -> None:
    mm.fail_next("get_me", 429, reset=3)
    mm.fail_next("get_me", 429, reset=None, retry_after=2)

    with pytest.raises(MattermostError) as by_reset:
        await client.me()
    with pytest.raises(MattermostError) as by_retry_after:
        await client.me()

    assert isinstance(by_reset.value, DeliveryError)
    assert (by_reset.value.reason, by_reset.value.temporary) == ("rate_limited", True)
    assert (by_reset.value.retry_after, by_retry_after.value.retry_after) == (3.0, 2.0)


async def test_server_errors_timeouts_and_connection_errors_are_temporary(
    mm: FakeMattermost,
) -> None:
    mm.fail_next("create_post", 503)
    mm.hang_next("get_post")
    client = MattermostClient(mm.url, mm.bot_token, timeout=0.2)
    nowhere = MattermostClient(f"http://127.0.0.1:{closed_port()}", mm.bot_token, timeout=2)

    with pytest.raises(MattermostError) as server_error:
        await client.create_post("x", "hi")
    with pytest.raises(MattermostError) as timeout:
        await client.get_post("x")
    with pytest.raises(MattermostError) as refused:
        await nowhere.me()
    await client.close()
    await nowhere.close()

    assert (server_error.value.reason, server_error.value.status) == ("server_error", 503)
    assert server_error.value.error_id == "fake.injected_fault.app_error"
    assert (timeout.value.reason, refused.value.reason) == ("timeout", "connection_error")
    assert all(e.value.temporary for e in (server_error, timeout, refused))
    assert all(e.value.retry_after is None for e in (server_error, timeout, refused))


@pytest.mark.parametrize(
    ("call", "reason", "error_id"),
    [
        ("bad_token", "unauthorized", "api.context.session_expired.app_error"),
        ("not_a_member", "forbidden", "api.context.permissions.app_error"),
        ("unknown_post", "not_found", "app.post.get.app_error"),
        ("unknown_user", "bad_request", "api.channel.create_direct_channel.invalid_user.app_error"),
    ],
)
async def test_client_errors_are_permanent_with_the_servers_error_id(
    mm: FakeMattermost, client: MattermostClient, call: str, reason: str, error_id: str
) -> None:
    town = mm.add_channel("town-square")
    bad_token = MattermostClient(mm.url, "not-the-token", timeout=2)
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "bad_token": bad_token.me,
        "not_a_member": lambda: client.create_post(town, "hi"),
        "unknown_post": lambda: client.get_post(payloads.make_id("post", 99)),
        "unknown_user": lambda: client.direct_channel(payloads.make_id("user", 99)),
    }

    with pytest.raises(MattermostError) as raised:
        await calls[call]()
    await bad_token.close()

    assert (raised.value.reason, raised.value.error_id) == (reason, error_id)
    assert raised.value.temporary is False
    assert str(raised.value) == f"{reason} ({error_id})"


def test_error_from_copes_with_bodies_that_are_no_app_error() -> None:
    teapot = error_from(418, {}, b"<html>")
    unavailable = error_from(502, {}, b"")
    unreadable_reset = error_from(429, {"x-ratelimit-reset": "soon"}, b"limit exceeded")

    assert (teapot.reason, teapot.temporary, teapot.error_id) == ("http_418", False, "")
    assert (unavailable.reason, unavailable.temporary) == ("server_error", True)
    assert unreadable_reset.retry_after is None


async def test_the_token_is_never_logged(
    mm: FakeMattermost, client: MattermostClient, caplog: pytest.LogCaptureFixture
) -> None:
    mm.fail_next("get_me", 500)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(MattermostError):
        await client.me()
    await client.me()
    with pytest.raises(MattermostError):
        await client.get_post("nope")

    assert caplog.records
    assert not [r for r in caplog.records if mm.bot_token in r.getMessage()]
