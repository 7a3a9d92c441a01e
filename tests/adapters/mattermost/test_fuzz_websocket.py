"""Mattermost's websocket events of any shape, through the stand-in's real websocket to the
real listener (``WebsocketListener`` and ``MattermostListener``) on each backend.

Frames that must be refused: text that is no JSON object, objects without an event name,
events other than ``posted`` with any data, and ``posted`` events whose data is not an
object, whose ``data.post`` is broken JSON or no object, or whose post is not one the bot
answers (no id, a system message, the bot's own, another bot's or a webhook's, a channel
post that does not mention the bot), with junk, huge and non-ASCII values everywhere
else. And frames that are answered: a person's DM (real or unknown people, real or
unknown channels) with any text.

After each example a valid DM from another person is answered, which proves the listener
still reads (events are handled one at a time, in order: its answer comes after the
example's frames were handled). Refused frames store nothing and answer nothing; no frame
costs the connection; nothing is logged as an error (a traceback is what an unhandled
event leaves).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.adapters.mattermost.conftest import MattermostBot
from tests.fuzzing import FUZZ_HTTP
from tests.servers import mattermost_payloads as mp

TABLES = (
    "reminders",
    "occurrences",
    "users",
    "audit_log",
    "pending_prompts",
    "inbound_events",
    "deliveries",
)
JSON = dict[str, Any]
_ids = itertools.count(1)

ASCII = st.text(max_size=12)
WIDE = st.text(st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF), max_size=12)
# Up to Mattermost's longest message (16,383 runes): a frame stays under the client's 1 MiB
# even with a few such fields, escaped twice (the post is JSON inside the JSON).
HUGE = st.builds(lambda n, c: c * n, st.integers(2_000, 16_383), st.sampled_from("xé😀\u202e"))
TEXT = ASCII | WIDE | HUGE
ANY = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ASCII
    | WIDE,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
OTHER_EVENTS = st.sampled_from(
    [
        "hello",
        "typing",
        "post_edited",
        "post_deleted",
        "channel_viewed",
        "status_change",
        "reaction_added",
        "ephemeral_message",
        "Posted",
        "posted ",
        "",
    ]
) | TEXT.filter(lambda name: name != "posted")


def _not_json_object(raw: str) -> bool:
    try:
        return not isinstance(json.loads(raw), dict)
    except ValueError:
        return True


def _broken_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def _envelope(d: st.DataObject, event: Any, data: Any, seq: Any = 1) -> JSON:
    """An event as the server frames one; some of its fields left out, or junk added."""
    frame = {"event": event, "data": data, "broadcast": mp.broadcast(), "seq": seq}
    dropped = d.draw(st.sets(st.sampled_from(["data", "broadcast", "seq"]), max_size=2))
    extra = d.draw(st.dictionaries(ASCII, ANY, max_size=2))
    return {**extra, **{k: v for k, v in frame.items() if k not in dropped}}


def _post(bot: MattermostBot, d: st.DataObject, **fields: Any) -> JSON:
    """A post as the server encodes one, from ``fields`` over junk of every type."""
    people = [bot.alice, bot.mm.bot_id, "", mp.make_id("user", 999)]
    post: JSON = {
        "id": f"fuzz{next(_ids):022d}",
        "create_at": d.draw(st.integers(0, 2**53) | ANY),
        "user_id": d.draw(st.sampled_from(people) | ANY),
        "channel_id": d.draw(st.sampled_from([bot.mm.dm_with(bot.alice), ""]) | TEXT),
        "message": d.draw(TEXT),
        "type": "",
        "props": d.draw(st.dictionaries(ASCII, ANY, max_size=3)),
    }
    post.update(fields)
    dropped = d.draw(st.sets(st.sampled_from(sorted(set(post) - set(fields))), max_size=2))
    return {k: v for k, v in post.items() if k not in dropped}


def _posted(bot: MattermostBot, d: st.DataObject, body: Any, **fields: Any) -> JSON:
    """A ``posted`` event of ``body`` (as the JSON string the server sends, or decoded),
    ``fields`` over junk in the rest of its data."""
    encoded = d.draw(st.booleans()) or not isinstance(body, dict)
    data: JSON = {
        "post": json.dumps(body) if encoded else body,
        "channel_type": d.draw(st.sampled_from(["D", "O", "P", "G", ""]) | ANY),
        "sender_name": d.draw(st.sampled_from(["@alice", ""]) | TEXT),
        "team_id": d.draw(st.sampled_from([mp.TEAM_ID, ""]) | ANY),
    }
    if d.draw(st.booleans()):
        data["mentions"] = json.dumps(d.draw(st.lists(st.sampled_from([bot.alice, "x"]))))
    data.update(fields)
    return _envelope(d, "posted", data, d.draw(st.integers(0, 2**31) | ANY))


def _refused(bot: MattermostBot, d: st.DataObject) -> JSON | str:
    """A frame the listener must not act on."""
    bot_id = bot.mm.bot_id
    kind = d.draw(
        st.sampled_from(
            [
                "text",
                "not an object",
                "no event name",
                "other event",
                "data not an object",
                "post broken JSON",
                "post not an object",
                "no post id",
                "system message",
                "the bot's own",
                "automated",
                "channel post not mentioning the bot",
            ]
        )
    )
    if kind == "text":
        return d.draw(TEXT.filter(_not_json_object))
    if kind == "not an object":
        return json.dumps(d.draw(ANY.filter(lambda v: not isinstance(v, dict))))
    if kind == "no event name":
        frame = _envelope(d, d.draw(ANY.filter(lambda v: not isinstance(v, str))), d.draw(ANY))
        if d.draw(st.booleans()):
            del frame["event"]
        return frame
    if kind == "other event":
        return _envelope(d, d.draw(OTHER_EVENTS), d.draw(ANY))
    if kind == "data not an object":
        return _envelope(d, "posted", d.draw(ANY.filter(lambda v: not isinstance(v, dict))))
    if kind == "post broken JSON":
        return _posted(bot, d, None, post=d.draw(TEXT.filter(_broken_json)))
    if kind == "post not an object":
        junk = d.draw(ANY.filter(lambda v: not isinstance(v, dict)))
        return _posted(bot, d, None, post=json.dumps(junk) if d.draw(st.booleans()) else junk)
    if kind == "no post id":
        return _posted(bot, d, _post(bot, d, id=d.draw(st.just("") | ANY.filter(_not_str))))
    if kind == "system message":
        system = st.sampled_from(["system_join_channel", "system_header_change"]) | st.text(
            min_size=1, max_size=12
        )
        return _posted(bot, d, _post(bot, d, type=d.draw(system)))
    if kind == "the bot's own":
        return _posted(bot, d, _post(bot, d, user_id=bot_id), channel_type="D")
    if kind == "automated":
        flag = d.draw(st.sampled_from(["from_bot", "from_webhook"]))
        props = {flag: d.draw(st.sampled_from(["true", True]))}
        return _posted(bot, d, _post(bot, d, user_id=bot.alice, props=props), channel_type="D")
    # A channel post: answered only when it names the bot (its @name or ``mentions``).
    message = d.draw(TEXT.filter(lambda m: "@remindbot" not in m.lower()))
    channel_type = d.draw(st.sampled_from(["O", "P", "G", ""]) | ANY.filter(lambda v: v != "D"))
    post = _post(bot, d, user_id=bot.alice, message=message)
    return _posted(bot, d, post, channel_type=channel_type)


def _not_str(value: Any) -> bool:
    return not isinstance(value, str)


def _answered(bot: MattermostBot, d: st.DataObject) -> JSON:
    """A person's DM (alice's, or from someone or somewhere the server does not know)
    with any text: the listener hands it on."""
    user = d.draw(st.sampled_from([bot.alice, mp.make_id("user", 998)]))
    channel = d.draw(st.sampled_from([bot.mm.dm_with(bot.alice), mp.make_id("dm", 997), ""]))
    message = d.draw(ASCII | WIDE | st.sampled_from(["list", "help", "remind me in 5 min to x"]))
    post = _post(bot, d, user_id=user, channel_id=channel, message=message)
    return _posted(bot, d, post, channel_type="D")


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        found = {}
        for table in TABLES:
            found[table] = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        return found


def _bot_posts(bot: MattermostBot) -> int:
    return sum(1 for post in bot.mm.world.posts.values() if post["user_id"] == bot.mm.bot_id)


async def test_any_websocket_frame_leaves_the_listener_answering_and_refused_ones_store_nothing(
    bot: MattermostBot, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()
    bob = bot.mm.add_user("bob")
    await bot.dm("help", user=bob)  # bob's user row and DM exist from here on
    bot.mm.dm_with(bot.alice)  # made here, in the loop; the examples' thread only reads it
    seen = {"refused": 0, "answered": 0, "all refused": 0}

    async def one(frames: list[tuple[bool, JSON | str]]) -> None:
        before, posts = await _counts(engine), _bot_posts(bot)
        for _refused_one, frame in frames:
            assert bot.mm.send_to_bot(frame) == 1
        await bot.dm("help", user=bob)  # answered after every frame before it was handled
        if all(refused for refused, _ in frames):
            seen["all refused"] += 1
            after = await _counts(engine)
            # bob's help is one new event, and one answer: nothing else came of the frames.
            assert after == before | {"inbound_events": before["inbound_events"] + 1}, frames
            assert _bot_posts(bot) == posts + 1, frames
        assert bot.mm.connections == 1, frames

    @FUZZ_HTTP
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        kinds = data.draw(st.lists(st.booleans(), min_size=1, max_size=3), label="refused")
        frames = [(k, _refused(bot, data) if k else _answered(bot, data)) for k in kinds]
        for k in kinds:
            seen["refused" if k else "answered"] += 1
        asyncio.run_coroutine_threadsafe(one(frames), loop).result(timeout=60)

    with caplog.at_level(logging.WARNING):
        await asyncio.to_thread(check)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors][:5]
    assert seen["all refused"] and seen["answered"], seen
    assert await bot.adapter.problem() is None and bot.mm.connections == 1
    assert (await bot.dm("list")).get("message")


async def test_a_post_the_bot_may_not_answer_is_one_warning_line_and_the_next_is_answered(
    bot: MattermostBot, caplog: pytest.LogCaptureFixture
) -> None:
    # A DM-shaped post in a channel the bot is not in: its answer is refused (403).
    elsewhere = bot.mm.add_channel("elsewhere", bot.alice, private=True)
    post = {"id": "fuzz" + "9" * 22, "user_id": bot.alice, "channel_id": elsewhere, "type": ""}
    data = {"post": json.dumps(post | {"message": "list"}), "channel_type": "D"}
    with caplog.at_level(logging.WARNING):
        assert bot.mm.send_to_bot(mp.ws_event("posted", data, mp.broadcast(), 7)) == 1
        assert (await bot.dm("help")).get("message")
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if "Mattermost" in r.getMessage()]
    assert lines == [
        (
            logging.WARNING,
            "could not answer a Mattermost post: forbidden (api.context.permissions.app_error)",
        )
    ]
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_frame_over_the_clients_limit_costs_a_reconnect_not_the_listener(
    bot: MattermostBot, caplog: pytest.LogCaptureFixture
) -> None:
    # websockets refuses frames over 1 MiB (its max_size) and closes with 1009.
    with caplog.at_level(logging.WARNING):
        assert bot.mm.send_to_bot(json.dumps({"event": "typing", "data": "x" * 2**20})) == 1
        await bot.mm.wait_connected(count=2)
        assert (await bot.dm("help")).get("message")
    assert await bot.adapter.problem() is None
    assert any("reconnecting" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
