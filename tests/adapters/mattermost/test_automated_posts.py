"""Which ``posted`` events the bot reads: a person's DM is read; its own posts, other
bots' and incoming webhooks' (``props.from_webhook``, as the server sets it) are not."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.mattermost import payloads

BOT = "botid"


def _event(**props: Any) -> dict[str, Any]:
    post = {"id": "p1", "user_id": "u1", "channel_id": "c1", "message": "list", "props": props}
    return {"post": post, "channel_type": "D", "mentions": []}


def test_a_persons_direct_message_is_read() -> None:
    found = payloads.posted(_event(), BOT, "remindbot")
    assert found is not None and found.message == "list" and found.direct


@pytest.mark.parametrize(
    "props",
    [{"from_webhook": "true"}, {"from_webhook": True}, {"from_bot": "true"}, {"from_bot": True}],
)
def test_posts_of_webhooks_and_bots_are_not_read(props: dict[str, Any]) -> None:
    assert payloads.posted(_event(**props), BOT, "remindbot") is None
