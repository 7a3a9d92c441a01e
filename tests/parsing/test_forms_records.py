"""A record's status in a phrase (issue 14, "Records and their status"), English and
Danish: the status that stops a reminder (``until case 123 is closed``) and the one
that fires it (``when case 123 is closed``, ``when case 123 changes status``).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

import pytest

from bot.parsing import Entity, Refusal, parse
from bot.parsing.describe import refusal_text, summary
from tests.parsing.reading import CPH, NOW, at, command, run

DAILY_9 = "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"
NEXT_3_AT_9 = at("09:00", "2026-11-24", "2026-11-25", "2026-11-26")

# (phrase, statuses, entity, message)
STOPS = [
    pytest.param(
        "remind me every day at 9 about case 123 until it is closed",
        ["closed"],
        {"type": "case", "id": "123"},
        "case 123",
        id="it_is_closed",
    ),
    pytest.param(
        "remind me every day at 9 until case 123 is closed or resolved",
        ["closed", "resolved"],
        {"type": "case", "id": "123"},
        "",
        id="the_record_named_in_the_clause",
    ),
    pytest.param(
        "remind me every day at 9 about case 123 until it's done",
        ["done"],
        {"type": "case", "id": "123"},
        "case 123",
        id="its_done",
    ),
    pytest.param(
        "remind me every day at 9 to chase TSK-9 until the ticket is Finished",
        ["finished"],
        {"type": "ticket", "id": "TSK-9"},
        "chase TSK-9",
        id="words_kept_as_written_lower_case",
    ),
    pytest.param(
        "remind me every day at 9 until PR #45 is merged, deployed or rejected to check it",
        ["merged", "deployed", "rejected"],
        {"type": "pr", "id": "45"},
        "check it",
        id="three_statuses",
    ),
    pytest.param(
        "påmind mig hver dag kl 9 om sag 123 indtil den er lukket",
        ["closed"],
        {"type": "case", "id": "123"},
        "sag 123",
        id="da_indtil_den_er_lukket",
    ),
    pytest.param(
        "påmind mig hver dag kl 9 indtil sag 123 er lukket eller løst",
        ["closed", "resolved"],
        {"type": "case", "id": "123"},
        "",
        id="da_lukket_eller_loest",
    ),
]


@pytest.mark.parametrize(("text", "statuses", "entity", "message"), STOPS)
def test_until_a_status_stops_the_reminder(
    text: str, statuses: list[str], entity: dict[str, str], message: str
) -> None:
    assert run(text) == {
        "ok": True,
        "target": "me",
        "message": message,
        "entity": entity,
        "occurrences": NEXT_3_AT_9,
        "rrule": DAILY_9,
        "stop_statuses": statuses,
    }


def test_a_one_off_can_stop_too() -> None:
    cmd = command("remind me tomorrow at 9 to review ticket ABC-12 until it is merged")
    assert (cmd.stop_statuses, cmd.entity) == (("merged",), Entity(type="ticket", id="ABC-12"))
    assert [o.isoformat() for o in cmd.occurrences] == at("09:00", "2026-11-24")
    assert cmd.message == "review ticket ABC-12"


@pytest.mark.parametrize(
    ("text", "rrule"),
    [
        pytest.param(
            "remind me every day at 9 until Friday about case 123",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261127T235959",
            id="until_friday",
        ),
        pytest.param(
            "remind me every day at 9 until 1 June to stretch",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20270601T235959",
            id="until_1_june",
        ),
        pytest.param(
            "påmind mig hver dag kl 9 indtil fredag om sag 123",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261127T235959",
            id="da_indtil_fredag",
        ),
    ],
)
def test_until_a_date_still_ends_the_series(text: str, rrule: str) -> None:
    result = run(text)
    assert result["rrule"] == rrule
    assert "stop_statuses" not in result


# (phrase, target, status, entity, message)
TRIGGERS = [
    pytest.param(
        "tell #ops when case 123 is closed",
        "#ops",
        "closed",
        {"type": "case", "id": "123"},
        "",
        id="tell_ops_when_closed",
    ),
    pytest.param(
        "remind me when case 123 changes status",
        "me",
        "*",
        {"type": "case", "id": "123"},
        "",
        id="changes_status",
    ),
    pytest.param(
        "remind me when ticket ABC-12 is resolved to deploy",
        "me",
        "resolved",
        {"type": "ticket", "id": "ABC-12"},
        "deploy",
        id="resolved_to_deploy",
    ),
    pytest.param(
        "remind me about PR 45 when it is merged",
        "me",
        "merged",
        {"type": "pr", "id": "45"},
        "PR 45",
        id="it_is_the_record_of_the_message",
    ),
    pytest.param(
        "remind @alice whenever case 7 is updated",
        "@alice",
        "*",
        {"type": "case", "id": "7"},
        "",
        id="whenever_updated",
    ),
    pytest.param(
        "påmind mig når sag 123 er lukket",
        "me",
        "closed",
        {"type": "case", "id": "123"},
        "",
        id="da_naar_sag_er_lukket",
    ),
    pytest.param(
        "fortæl #ops når sag 9 ændrer status",
        "#ops",
        "*",
        {"type": "case", "id": "9"},
        "",
        id="da_fortael_ops",
    ),
]


@pytest.mark.parametrize(("text", "target", "status", "entity", "message"), TRIGGERS)
def test_when_a_status_fires_the_reminder(
    text: str, target: str, status: str, entity: dict[str, str], message: str
) -> None:
    assert run(text) == {
        "ok": True,
        "target": target,
        "message": message,
        "entity": entity,
        "occurrences": [],
        "rrule": None,
        "trigger_status": status,
    }


def test_a_trigger_has_no_time_of_its_own() -> None:
    cmd = command("tell #ops when case 123 is closed")
    assert (cmd.when, cmd.occurrences, cmd.recurrence, cmd.event_at) == (None, (), None, None)
    assert summary(cmd, NOW) == "when case 123 is closed"


def test_a_trigger_may_stop_at_a_status() -> None:
    cmd = command("tell #ops when case 123 changes status until it is closed")
    assert (cmd.trigger_status, cmd.stop_statuses) == ("*", ("closed",))
    assert summary(cmd, NOW) == "when case 123 changes status; until case 123 is closed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "remind me tomorrow to check when it is done", "check when it is done", id="when"
        ),
        pytest.param("tell Bo about the party tomorrow", "tell Bo about the party", id="tell"),
    ],
)
def test_words_that_only_look_like_a_trigger_stay_in_the_message(text: str, message: str) -> None:
    result = run(text)
    assert (result["message"], result["occurrences"]) == (message, at("09:00", "2026-11-24"))
    assert "trigger_status" not in result


def test_tell_before_a_target_starts_a_timed_reminder_too() -> None:
    result = run("tell @alice tomorrow at 9 to call Bo")
    assert (result["target"], result["message"]) == ("@alice", "call Bo")


UNSUPPORTED = [
    pytest.param(
        "remind me every day at 9 until it is closed",
        "stop_entity",
        "\u201cUntil it is closed\u201d needs the record it watches: name a case, ticket, "
        "task or issue, like \u201cuntil case 123 is closed\u201d. Nothing was saved.",
        id="stop_without_a_record",
    ),
    pytest.param(
        "påmind mig hver dag kl 9 indtil den er færdig",
        "stop_entity",
        "\u201cUntil it is done\u201d needs the record it watches: name a case, ticket, "
        "task or issue, like \u201cuntil case 123 is done\u201d. Nothing was saved.",
        id="da_stop_without_a_record",
    ),
    pytest.param(
        "remind me when it is closed",
        "trigger_entity",
        "A reminder on a status change needs the record it watches: name a case, ticket, "
        "task or issue, like \u201cwhen case 123 is closed\u201d. Nothing was saved.",
        id="trigger_without_a_record",
    ),
    pytest.param(
        "remind me when 'the build' changes status",
        "trigger_entity",
        "A reminder on a status change needs the record it watches: name a case, ticket, "
        "task or issue, like \u201cwhen case 123 changes status\u201d. Nothing was saved.",
        id="trigger_on_something_that_is_no_record",
    ),
    pytest.param(
        "remind me tomorrow at 9 when case 123 is closed",
        "trigger_time",
        "A reminder on a status change fires when the record changes, so it takes no time or "
        "repeat of its own. Leave the time out, or put the message in quotes if \u201cwhen "
        "\u2026\u201d is part of it. Nothing was saved.",
        id="trigger_with_a_time",
    ),
    pytest.param(
        "remind me when case 123 is closed or resolved",
        "trigger_statuses",
        "A reminder on a status change watches one status (\u201cwhen case 123 is "
        "closed\u201d) or any change (\u201cwhen case 123 changes status\u201d). Nothing "
        "was saved.",
        id="trigger_with_two_statuses",
    ),
    pytest.param(
        "remind me when case 1 changes status until ticket 2 is closed",
        "two_records",
        "The phrase names two different records to watch; one reminder can watch one "
        "record. Nothing was saved.",
        id="two_records",
    ),
]


@pytest.mark.parametrize(("text", "detail", "sentence"), UNSUPPORTED)
def test_a_status_clause_that_cannot_be_stored_is_refused_with_a_sentence(
    text: str, detail: str, sentence: str
) -> None:
    result = parse(text, NOW, CPH)
    assert isinstance(result, Refusal), result
    assert (result.code, result.detail) == ("unsupported", detail)
    assert refusal_text(result, CPH) == sentence


def test_a_stop_condition_without_a_time_is_no_time() -> None:
    assert run("remind me about case 123 until it is closed") == {
        "ok": False,
        "error": "no_time",
    }


def test_answers_without_the_new_forms_keep_their_keys() -> None:
    assert set(run("remind me Friday 9am about case 123")) == {
        "ok",
        "target",
        "message",
        "entity",
        "occurrences",
        "rrule",
    }
