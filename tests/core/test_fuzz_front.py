"""Any text and any button value get an answer from the chat front, never an exception.

Hypothesis runs in a worker thread and hands each example to the test's event loop, so
every example goes through the real repository on each backend.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import actions
from bot.core.model import Reply
from tests.core.conftest import ANN, CHANNEL, DM, Core, Said

_VOCABULARY = """
remind me every hour day week month year until yesterday tomorrow today next last at on in
by before after the of and to about 9 9am 12 0 31 2026 1999 13:61 24:00 -1 +3 monday friday
weekday weekend minutes hours days weeks x 6x times twice noon midnight quarter half past
delete list help settings snooze done edit undo #4 #ops @bo <@U1> <#C1|ops> ~town here
set my timezone tz quiet hours off default time date order day/month 99999999999999999999
2147483648 påmind mig om i morgen hver dag kl . , : ; ! ? ' " ( ) — æøå ¹
"""
WORDS = tuple(_VOCABULARY.split())
# Phrases shaped like reminders, in any order: the combinations that crashed were a rule,
# a time and an end that together leave nothing ("every hour until yesterday").
PARTS = (
    ("", "remind me", "remind @bo", "remind #ops", "remind here", "påmind mig", "remind <@U1>"),
    (
        "",
        "every hour",
        "every day",
        "every 2 weeks",
        "every monday",
        "daily",
        "hver dag",
        "every weekday",
        "every 5 minutes",
        "every 31st",
        "every other month",
        "yearly",
    ),
    (
        "",
        "at 9",
        "at 25:00",
        "tomorrow",
        "in 10 minutes",
        "on the 31st",
        "on feb 30",
        "at noon",
        "yesterday",
        "in 0 minutes",
        "in 9999 years",
        "12/31/9999 23:59",
        "kl 9",
        "at 2:30am",
    ),
    (
        "",
        "until yesterday",
        "until tomorrow",
        "until last week",
        "for 3 times",
        "0 times",
        "until 1999",
        "until jan 1",
        "6x",
        "until friday",
    ),
    ("", "to stretch", "about case 99999999999999999999", "to ping @channel", '"at 5"'),
)
shaped = st.tuples(*(st.sampled_from(options) for options in PARTS)).flatmap(st.permutations)
phrases = st.one_of(
    shaped.map(lambda parts: " ".join(p for p in parts if p)),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
    st.text(max_size=80),
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=40).map(str),
    st.sampled_from(["2147483648", "99999999999999999999", "0", "-1", "1e9", ""]),
)
values = st.one_of(
    st.lists(numbers, min_size=1, max_size=3)
    .map(":".join)
    .flatmap(
        lambda head: st.sampled_from(["", ":1h", ":custom", ":15m", ":until friday"]).map(
            lambda tail: head + tail
        )
    ),
    st.text(max_size=30),
)
action_ids = st.one_of(st.sampled_from(actions.ALL), st.text(max_size=20))
FUZZ = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


async def _drive(check: Callable[[], None]) -> None:
    await asyncio.to_thread(check)


def _on(loop: asyncio.AbstractEventLoop, call: Coroutine[Any, Any, Said]) -> Said:
    return asyncio.run_coroutine_threadsafe(call, loop).result(timeout=30)


async def test_any_phrase_gets_a_reply(core: Core) -> None:
    loop = asyncio.get_running_loop()

    @FUZZ
    @given(text=phrases, in_channel=st.booleans())
    def check(text: str, in_channel: bool) -> None:
        said = _on(loop, core.handle(ANN, CHANNEL if in_channel else DM, text))
        assert isinstance(said.reply, Reply) and (said.reply.text.strip() or said.prompt)

    await _drive(check)


async def test_any_button_value_gets_a_reply(core: Core) -> None:
    loop = asyncio.get_running_loop()
    first = await core.handle(ANN, DM, "remind me every day at 9 to stretch")
    assert first.reminder_id is not None

    @FUZZ
    @given(action_id=action_ids, value=values, text=st.one_of(st.just(""), phrases))
    def check(action_id: str, value: str, text: str) -> None:
        said = _on(loop, core.press(ANN, DM, action_id, value, text))
        assert isinstance(said.reply, Reply) and (said.reply.text.strip() or said.prompt)

    await _drive(check)
