"""Single quotes protect a message (issue 10, class 11) and a misspelt trigger word is
still the trigger (issue 11).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

import pytest

from tests.parsing.reading import at, check, run

QUOTED = [
    pytest.param(
        "remind me 'check the 5 o'clock train' at 2pm",
        "check the 5 o'clock train",
        at("14:00", "2026-11-23"),
        id="single_quotes_with_an_apostrophe_inside",
    ),
    pytest.param(
        "remind me \u2018call Bo at 9\u2019 tomorrow",
        "call Bo at 9",
        at("09:00", "2026-11-24"),
        id="curly_single_quotes",
    ),
    pytest.param(
        "remind me 'in 5 minutes' tomorrow",
        "in 5 minutes",
        at("09:00", "2026-11-24"),
        id="quoted_time_words_are_message",
    ),
    pytest.param(
        "påmind mig 'ring til Bo kl. 9' i morgen",
        "ring til Bo kl. 9",
        at("09:00", "2026-11-24"),
        id="da_single_quotes",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrence"), QUOTED)
def test_single_quotes_protect_the_message(text: str, message: str, occurrence: list[str]) -> None:
    check(text, message, occurrence, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remind me to call Bob's mum at 5pm", "call Bob's mum"),
        ("remind me at 5pm to fix Ann's 'quick' patch", "fix Ann's 'quick' patch"),
        ("remind me at 5 o'clock to call the kids' school", "call the kids' school"),
    ],
)
def test_an_apostrophe_inside_or_after_a_word_is_no_quote(text: str, message: str) -> None:
    assert run(text)["message"] == message


TYPOS = [
    pytest.param("remnid me in 10 mins to stretch", "stretch", id="remnid"),
    pytest.param("rmeind me in 10 mins to stretch", "stretch", id="rmeind"),
    pytest.param("remidner me in 10 mins to stretch", "stretch", id="remidner"),
    pytest.param("<@U1> remnid me in 10 mins to stretch", "stretch", id="after_a_mention"),
    pytest.param("please remnid me in 10 mins to stretch", "stretch", id="after_please"),
    pytest.param("påmnid mig om 10 minutter om at strække ud", "strække ud", id="da_paamnid"),
    pytest.param("pamind mig om 10 minutter om at strække ud", "strække ud", id="da_without_aa"),
]


@pytest.mark.parametrize(("text", "message"), TYPOS)
def test_a_misspelt_trigger_is_the_trigger(text: str, message: str) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert (result["target"], result["message"]) == ("me", message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remain calm at 5pm", "remain calm"),
        ("rewind the tape at 5pm", "rewind the tape"),
        ("refund Ann at 5pm", "refund Ann"),
        ("remainder of the invoice at 5pm", "remainder of the invoice"),
        ("remote standup at 5pm", "remote standup"),
        ("remind me at 5pm to remain calm", "remain calm"),
    ],
)
def test_real_words_near_the_trigger_are_not_eaten(text: str, message: str) -> None:
    assert run(text)["message"] == message


@pytest.mark.parametrize(
    ("text", "target", "message"),
    [
        ("render the report tomorrow at 9", "me", "render the report"),
        ("refine the report tomorrow at 9", "me", "refine the report"),
        ("relink the report tomorrow at 9", "me", "relink the report"),
        ("<@U1> render the report tomorrow at 9", "@U1", "render the report"),
    ],
)
def test_a_slip_of_the_trigger_counts_only_before_a_target(
    text: str, target: str, message: str
) -> None:
    # "render" is two slips from "remind", but no target follows it: the message, as
    # after "tell". Nor is a mention before it the bot's: it names the target.
    result = run(text)
    assert (result["target"], result["message"]) == (target, message), result


@pytest.mark.parametrize(
    ("text", "target", "message"),
    [
        ("resend @bob the invoice tomorrow at 9", "me", "resend @bob the invoice"),
        ("refund @ann tomorrow at 9", "me", "refund @ann"),
        ("reminds me of home tomorrow at 9", "me", "reminds me of home"),
        ("remain here tomorrow at 9", "me", "remain here"),
    ],
)
def test_real_words_near_the_trigger_stay_before_a_target(
    text: str, target: str, message: str
) -> None:
    # Where a target does follow, the language table's real words keep them the message.
    result = run(text)
    assert (result["target"], result["message"]) == (target, message), result
