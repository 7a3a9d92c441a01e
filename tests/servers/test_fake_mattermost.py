"""The Mattermost stand-in enforces what the server does, for plain httpx and websockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from . import mattermost_payloads as payloads
from .mattermost import FakeMattermost

JSON = dict[str, Any]
BUTTON = {
    "id": "complete",
    "name": "Complete",
    "type": "button",
    "integration": {"url": "http://127.0.0.1:9/act", "context": {"sig": "secret"}},
}


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as server:
        yield server


@pytest.fixture
async def api(mm: FakeMattermost) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with httpx.AsyncClient(base_url=f"{mm.url}/api/v4", headers=headers) as client:
        yield client


async def recv(ws: ClientConnection) -> JSON:
    message: JSON = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return message


def with_buttons(*actions: JSON) -> JSON:
    return {"attachments": [{"text": "Reminder", "actions": list(actions)}]}


# --- REST ------------------------------------------------------------------------------------


async def test_missing_or_bad_token_is_refused_with_401(mm: FakeMattermost) -> None:
    async with httpx.AsyncClient(base_url=f"{mm.url}/api/v4") as anonymous:
        missing = await anonymous.get("/users/me")
        bad = await anonymous.get("/users/me", headers={"Authorization": "Bearer nope"})

    assert (missing.status_code, bad.status_code) == (401, 401)
    assert bad.json()["id"] == "api.context.session_expired.app_error"
    assert bad.headers["content-type"] == "application/json"
    assert [call.status for call in mm.calls_to("get_me")] == [401, 401]


async def test_users_carry_email_and_timezone_as_strings(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    tz = payloads.timezone(manual="Europe/Copenhagen", use_automatic=False)
    alice = mm.add_user("alice", tz=tz, email="alice@example.org")

    me = (await api.get("/users/me")).json()
    user = (await api.get(f"/users/{alice}")).json()
    unknown = await api.get(f"/users/{payloads.make_id('nobody', 1)}")

    assert (me["id"], me["is_bot"]) == (mm.bot_id, True)
    assert user["email"] == "alice@example.org"
    assert user["timezone"] == {
        "useAutomaticTimezone": "false",
        "automaticTimezone": "",
        "manualTimezone": "Europe/Copenhagen",
    }
    assert unknown.status_code == 404


async def test_direct_channel_is_named_by_sorted_ids_and_reused(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice, bob = mm.add_user("alice"), mm.add_user("bob")

    first = await api.post("/channels/direct", json=[mm.bot_id, alice])
    again = await api.post("/channels/direct", json=[alice, mm.bot_id])
    others = await api.post("/channels/direct", json=[alice, bob])
    malformed = await api.post("/channels/direct", json=[alice])

    assert (first.status_code, again.status_code) == (201, 201)
    channel = first.json()
    assert channel["type"] == "D" and channel["team_id"] == ""
    assert channel["name"] == "__".join(sorted([mm.bot_id, alice]))
    assert again.json()["id"] == channel["id"]
    assert (others.status_code, malformed.status_code) == (403, 400)


async def test_channels_and_membership_follow_read_permission(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    town = mm.add_channel("town-square", alice)
    secret = mm.add_channel("secret", alice, private=True)

    assert (await api.get(f"/channels/{town}")).json()["name"] == "town-square"
    assert (await api.get(f"/channels/{secret}")).status_code == 403
    assert (await api.get(f"/channels/{payloads.make_id('chan', 99)}")).status_code == 404
    assert (await api.get(f"/channels/{town}/members/{alice}")).json()["user_id"] == alice
    not_member = await api.get(f"/channels/{town}/members/{mm.bot_id}")
    assert not_member.json()["id"] == "app.channel.get_member.missing.app_error"
    assert not_member.status_code == 404
    assert (await api.get(f"/channels/{secret}/members/{alice}")).status_code == 403


async def test_posting_needs_membership_and_integrations_never_come_back(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    town = mm.add_channel("town-square", alice)
    body = {"channel_id": town, "message": "Reminder", "props": with_buttons(BUTTON)}

    refused = await api.post("/posts", json=body)
    mm.join(town, mm.bot_id)
    created = await api.post("/posts", json=body)
    post_id = created.json()["id"]
    fetched = (await api.get(f"/posts/{post_id}")).json()
    listed = (await api.get(f"/channels/{town}/posts")).json()["posts"][post_id]

    assert (refused.status_code, created.status_code) == (403, 201)
    assert refused.json()["id"] == "api.context.permissions.app_error"
    for handed_out in (created.json(), fetched, listed):
        [action] = handed_out["props"]["attachments"][0]["actions"]
        assert action == {"id": "complete", "name": "Complete", "type": "button"}
    assert fetched["props"]["from_bot"] == "true"
    [stored] = mm.posts_in(town)
    assert payloads.find_action(stored, "complete") == BUTTON


async def test_patch_edits_the_bots_own_posts_only(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    dm = mm.dm_with(alice)
    own = (await api.post("/posts", json={"channel_id": dm, "message": "v1"})).json()
    theirs = mm.user_posts(alice, dm, "hello")

    patched = await api.put(f"/posts/{own['id']}/patch", json={"message": "v2"})
    refused = await api.put(f"/posts/{theirs['id']}/patch", json={"message": "x"})
    missing = await api.get(f"/posts/{payloads.make_id('post', 99)}")

    assert patched.json()["message"] == "v2"
    assert patched.json()["edit_at"] > own["create_at"]
    assert mm.post(own["id"])["props"] == {"from_bot": "true"}  # props untouched
    assert (refused.status_code, missing.status_code) == (403, 404)


async def test_posts_since_lists_what_changed_and_ignores_paging(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    dm = mm.dm_with(alice)
    old = mm.user_posts(alice, dm, "old")
    since = mm.now_ms
    new = mm.user_posts(alice, dm, "new")
    reply = mm.user_posts(alice, dm, "reply", root_id=old["id"])

    listed = (await api.get(f"/channels/{dm}/posts", params={"since": since, "per_page": 1})).json()
    mm.rest.since_limit = 1
    capped = (await api.get(f"/channels/{dm}/posts", params={"since": since})).json()
    paged = (await api.get(f"/channels/{dm}/posts", params={"page": 1, "per_page": 2})).json()
    bad = await api.get(f"/channels/{dm}/posts", params={"since": "yesterday"})

    assert listed["order"] == [reply["id"], new["id"]]  # newest first, paging ignored
    assert set(listed["posts"]) == {old["id"], new["id"], reply["id"]}  # the thread's root too
    assert capped["order"] == [new["id"]]
    assert paged["order"] == [old["id"]]
    assert bad.status_code == 400


async def test_ephemeral_posts_are_forbidden_for_a_bot(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    body = {"user_id": alice, "post": {"channel_id": mm.dm_with(alice), "message": "psst"}}

    refused = await api.post("/posts/ephemeral", json=body)

    assert refused.status_code == 403
    assert refused.json()["id"] == "api.context.permissions.app_error"


async def test_faults_answer_like_the_server_in_the_order_queued(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    mm.fail_next("get_me", 429, reset=3)
    mm.fail_next("get_me", 500)
    mm.hang_next("get_me")

    limited = await api.get("/users/me")
    failed = await api.get("/users/me")
    with pytest.raises(httpx.ReadTimeout):
        await api.get("/users/me", timeout=0.2)
    ok = await api.get("/users/me")

    assert limited.status_code == 429
    assert limited.text == "limit exceeded\n"
    assert limited.headers["content-type"].startswith("text/plain")
    assert limited.headers["x-ratelimit-reset"] == "3"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert "retry-after" not in limited.headers
    assert failed.status_code == 500 and "id" in failed.json()
    assert ok.status_code == 200
    assert [call.status for call in mm.calls_to("get_me")] == [429, 500, 0, 200]


async def test_wait_for_call_times_out_with_what_it_saw(mm: FakeMattermost) -> None:
    with pytest.raises(TimeoutError, match="create_post"):
        await mm.wait_for_call("create_post", timeout=0.05)


# --- websocket -------------------------------------------------------------------------------


async def test_header_auth_gets_hello_then_posted_events_with_json_strings(
    mm: FakeMattermost,
) -> None:
    alice = mm.add_user("alice")
    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with connect(mm.ws_url, additional_headers=headers) as ws:
        hello = await recv(ws)
        stored = mm.user_posts_dm(alice, "remind me at 5pm")
        posted = await recv(ws)

    assert (hello["event"], hello["seq"]) == ("hello", 0)
    assert hello["data"]["server_version"] == payloads.SERVER_VERSION
    assert hello["data"]["connection_id"]
    assert (posted["event"], posted["seq"]) == ("posted", 1)
    data = posted["data"]
    assert json.loads(data["post"])["id"] == stored["id"]
    assert (data["channel_type"], data["sender_name"]) == ("D", "@alice")
    assert json.loads(data["mentions"]) == [mm.bot_id]
    assert posted["broadcast"]["channel_id"] == stored["channel_id"]
    assert mm.hub.authenticated == ["header"]


async def test_challenge_auth_answers_ok_then_hello(mm: FakeMattermost) -> None:
    async with connect(mm.ws_url) as ws:
        await ws.send(json.dumps({"seq": 2, "action": "user_typing", "data": {}}))
        refused = await recv(ws)
        challenge = {"token": mm.bot_token}
        await ws.send(
            json.dumps({"seq": 3, "action": "authentication_challenge", "data": challenge})
        )
        ok, hello = await recv(ws), await recv(ws)

    assert refused["status"] == "FAIL"
    assert ok == {"status": "OK", "seq_reply": 3}
    assert hello["event"] == "hello"
    assert mm.hub.authenticated == ["challenge"]


async def test_bad_header_token_gets_no_hello_and_bad_challenge_is_closed(
    mm: FakeMattermost,
) -> None:
    async with connect(mm.ws_url, additional_headers={"Authorization": "Bearer no"}) as ws:
        bad = {"seq": 1, "action": "authentication_challenge", "data": {"token": "no"}}
        await ws.send(json.dumps(bad))
        with pytest.raises(ConnectionClosed):
            await recv(ws)

    assert mm.hub.authenticated == []
    assert mm.hub.sent == []


async def test_the_bots_own_posts_and_mentions_reach_its_websocket(
    mm: FakeMattermost, api: httpx.AsyncClient
) -> None:
    alice = mm.add_user("alice")
    town = mm.add_channel("town-square", alice)
    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with connect(mm.ws_url, additional_headers=headers) as ws:
        await recv(ws)
        mm.user_posts(alice, town, "not for the bot's eyes")  # the bot is no member yet
        mm.join(town, mm.bot_id)
        mention = mm.user_posts(alice, town, "@remindbot remind @alice at 5")
        await api.post("/posts", json={"channel_id": town, "message": "on it"})
        first, echo = await recv(ws), await recv(ws)

    assert json.loads(first["data"]["post"])["id"] == mention["id"]
    assert json.loads(first["data"]["mentions"]) == [mm.bot_id]
    assert first["data"]["channel_type"] == "O"
    assert json.loads(echo["data"]["post"])["user_id"] == mm.bot_id
    assert "mentions" not in echo["data"]
    assert (first["seq"], echo["seq"]) == (1, 2)


async def test_connections_can_be_dropped_refused_and_cut_after_accept(
    mm: FakeMattermost,
) -> None:
    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with connect(mm.ws_url, additional_headers=headers) as ws:
        await recv(ws)
        await mm.drop_connections()
        with pytest.raises(ConnectionClosed) as dropped:
            await recv(ws)
    mm.refuse_connections(times=1)
    with pytest.raises(InvalidStatus) as refused:
        await connect(mm.ws_url, additional_headers=headers)
    mm.drop_next_connections(1, before_hello=True)
    async with connect(mm.ws_url, additional_headers=headers) as cut:
        with pytest.raises(ConnectionClosed):
            await recv(cut)

    assert dropped.value.rcvd is None  # no close frame: 1006
    assert refused.value.response.status_code == 503
    assert (mm.hub.attempts, mm.connections) == (3, 2)
    assert mm.hub.attempted_at == sorted(mm.hub.attempted_at) and len(mm.hub.attempted_at) == 3
