"""Reply -> Block Kit, pure: escaping, no pings, verbatim mrkdwn, links, and Slack's size limits.

Limits are Slack's (https://api.slack.com/reference/block-kit/blocks, also enforced by
slack_sdk.models.blocks); Slack answers ``invalid_blocks`` when one is exceeded.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.slack.blocks import escape, home_view, linked, to_blocks, unescape
from bot.core import actions
from bot.core.model import Button, Menu, Reply
from tests.adapters.slack.steps import Block, text_objects

PINGS = ("<!here>", "<!channel>", "<!everyone>", "<!subteam^S1>", "<!subteam^S1|@ops>")
FRAGMENTS = (
    *PINGS,
    "<@U1>",
    "&lt;!here&gt;",
    "<",
    ">",
    "&",
    "&amp;",
    "|",
    " ",
    "lunch",
    "https://x.io/a",
)
hostile = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)


def _reply(text: str) -> Reply:
    """User text everywhere a reply can carry it."""
    return Reply(
        text=text,
        fields=(("Message", text), ("To", text)),
        buttons=(Button(action_id=actions.COMPLETE, label="Complete", value=text),),
        menus=(Menu(action_id=actions.SNOOZE, label="Snooze", options=(("15 minutes", "15m"),)),),
        reminder_id=1,
        done_by=("U2", text),
        set_by=text,
    )


def _rendered(text: str) -> list[Block]:
    reply = _reply(text)
    return [
        *to_blocks(reply),
        home_view(reply, Reply(text="Your settings", fields=(("Tz", text),))),
    ]


def _link_targets(mrkdwn: str) -> list[str]:
    return re.findall(r"<(https?://[^|>]*)(?:\|[^>]*)?>", mrkdwn)


@given(st.text())
def test_escape_leaves_no_control_characters_and_unescape_restores_the_text(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text


def test_escape_touches_only_the_three_control_characters() -> None:
    assert escape("a < b && c > d \"e\" 'f'") == "a &lt; b &amp;&amp; c &gt; d \"e\" 'f'"


@given(hostile)
def test_no_broadcast_or_group_mention_survives_in_any_text_object(text: str) -> None:
    for obj in text_objects(_rendered(text)):
        assert "<!" not in obj["text"], obj


@given(hostile)
def test_only_platform_user_ids_become_mentions(text: str) -> None:
    reply = replace(_reply(text), done_by=("U2",), set_by="U3")
    shown = [obj["text"] for obj in text_objects(to_blocks(reply))]
    mentions = {m for t in shown for m in re.findall(r"<@([^>]*)>", t)}
    assert mentions == {"U2", "U3"}


@given(hostile)
def test_every_mrkdwn_object_is_verbatim(text: str) -> None:
    objects = [o for o in text_objects(_rendered(text)) if o["type"] == "mrkdwn"]
    assert objects
    assert all(o.get("verbatim") is True for o in objects)


def test_bare_url_is_linked_with_its_ampersands_escaped() -> None:
    shown = linked("read https://example.com/a?b=1&c=2 now")
    assert shown == "read <https://example.com/a?b=1&amp;c=2> now"


def test_url_as_slack_sends_it_is_linked_to_the_url_itself() -> None:
    # Slack delivers links in message and slash-command text wrapped: "<https://...>".
    shown = linked("read <https://example.com/a> now")
    assert _link_targets(shown) == ["https://example.com/a"]


def test_button_text_is_at_most_75_characters() -> None:
    reply = Reply(text="x", buttons=(Button(action_id=actions.DELETE, label="D" * 200, value="1"),))
    [button] = [e for b in to_blocks(reply) for e in b.get("elements", []) if e["type"] == "button"]
    assert len(button["text"]["text"]) == 75


def test_actions_block_holds_at_most_25_elements() -> None:
    buttons = tuple(
        Button(action_id=actions.DELETE, label=f"#{i}", value=str(i)) for i in range(30)
    )
    menus = tuple(
        Menu(action_id=actions.SNOOZE, label="S", options=(("a", "a"),)) for _ in range(9)
    )
    blocks = to_blocks(Reply(text="x", buttons=buttons, menus=menus))
    rows = [b for b in blocks if b["type"] == "actions"]
    assert rows and all(0 < len(row["elements"]) <= 25 for row in rows)
    assert len(blocks) <= 50  # a message's most


def test_each_action_id_is_once_per_actions_block_and_block_ids_are_unique() -> None:
    # Slack refuses a block with an action_id twice (invalid_blocks): a summary has a
    # Complete and a Snooze per reminder, a list an Edit and a Delete per reminder.
    buttons = tuple(
        Button(action_id=action, label=f"{action} {i}", value=f"{i}:{i}")
        for i in range(1, 4)
        for action in (actions.COMPLETE, actions.SNOOZE)
    )
    blocks = to_blocks(Reply(text="x", buttons=buttons, reminder_id=7))
    rows = [b for b in blocks if b["type"] == "actions"]
    assert [[e["value"] for e in row["elements"]] for row in rows] == [
        ["1:1", "1:1"],
        ["2:2", "2:2"],
        ["3:3", "3:3"],
    ]
    for row in rows:
        ids = [e["action_id"] for e in row["elements"]]
        assert len(ids) == len(set(ids))
    assert [row["block_id"] for row in rows] == ["r7", "r7-1", "r7-2"]


def test_section_text_is_at_most_3000_characters_even_after_escaping() -> None:
    [section] = to_blocks(Reply(text="&<>" * 3000))
    assert 0 < len(section["text"]["text"]) <= 3000


def test_section_fields_are_at_most_2000_characters_each() -> None:
    # A long pasted message lands in the confirmation's "Message" field.
    reply = Reply(text="Remind you?", fields=(("Message", "word " * 500),))
    fields = [f for b in to_blocks(reply) for f in b.get("fields", [])]
    assert fields
    assert all(len(f["text"]) <= 2000 for f in fields)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("see https://x.y/z.", "see <https://x.y/z>."),
        ("(see https://x.y/a)", "(see <https://x.y/a>)"),
        ("(https://x.y/a_(b))", "(<https://x.y/a_(b)>)"),
        ("go https://x.y/?q=1, then", "go <https://x.y/?q=1>, then"),
        ("ends https://x.y/a&", "ends <https://x.y/a&amp;>"),
        ("x <https://a.b/c|label> y", "x <https://a.b/c> y"),
    ],
)
def test_links_leave_trailing_punctuation_outside(text: str, shown: str) -> None:
    assert linked(text) == shown


def test_incoming_text_has_slack_links_unwrapped() -> None:
    wrapped = "about &lt;b&gt; <https://x.y/z?a=1&amp;b=2|x.y> and <mailto:a@b.c|a@b.c> <@U1>"
    assert unescape(wrapped) == "about <b> https://x.y/z?a=1&b=2 and a@b.c <@U1>"


def test_cut_text_never_ends_inside_a_link_or_an_entity() -> None:
    text = "x" * 1990 + " https://example.com/long/path & more"
    reply = Reply(text="Remind you?", fields=(("Message", text),))
    [field] = [f for b in to_blocks(reply) for f in b.get("fields", [])]
    shown = field["text"]
    assert len(shown) <= 2000 and shown.endswith("\u2026")
    assert shown.count("<") == shown.count(">")
    assert not re.search(r"&[a-z]*\u2026$", shown)
