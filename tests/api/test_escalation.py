"""Escalation and nags over the REST API, over real HTTP: the round trip, the lead told
when the occurrence is not completed, Complete calling it off, a nag stopping, and
refusals that store nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.model import ReminderKind, ReminderQuery, ReminderState
from tests.api.conftest import ANN, Api

FRIDAY_9 = "2026-11-27T09:00:00+01:00"
DUE = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
INVOICE = {
    "message": "approve the invoice",
    "at": FRIDAY_9,
    "tz": "Europe/Copenhagen",
    "escalate": [{"after_minutes": 120, "to": "@U7"}, {"after_minutes": 30, "to": "#ops"}],
}


async def _escalations(client: Api) -> list[ReminderState]:
    every = await client.repo.find(ReminderQuery(owner=ANN.key, limit=100))
    return [r.state for r in every if r.kind is ReminderKind.ESCALATION]


async def test_escalate_round_trip_and_the_targets_are_told(client: Api) -> None:
    made = await client.post("/reminders", INVOICE)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["escalate"] == [
        {"after_minutes": 120, "to": {"kind": "user", "id": "U7", "name": "", "platform": "slack"}},
        {
            "after_minutes": 30,
            "to": {"kind": "channel", "id": "ops", "name": "ops", "platform": "slack"},
        },
    ]
    assert body["until_done"] is False and body["kind"] == "reminder"
    read = await client.get(f"/reminders/{body['id']}")
    assert read.json()["escalate"] == body["escalate"]

    client.clock.set(DUE)
    await client.tick()
    assert [d.reminder.target_kind.value for d in client.slack.delivered] == ["me"]
    await client.tick(timedelta(minutes=30))
    await client.tick(timedelta(minutes=90))
    told = {d.reminder.target_ref: d.reply.text for d in client.slack.delivered[1:]}
    text = "Not done yet: @U1 was reminded Fri 27 Nov 09:00: approve the invoice"
    assert told == {"ops": text, "U7": text}


async def test_complete_over_the_api_calls_the_escalations_off(client: Api) -> None:
    made = await client.post("/reminders", INVOICE)
    client.clock.set(DUE)
    await client.tick()
    assert await _escalations(client) == [ReminderState.SCHEDULED] * 2
    done = await client.post(f"/reminders/{made.json()['id']}/complete", {})
    assert done.status_code == 200, done.text
    assert await _escalations(client) == [ReminderState.CANCELLED] * 2
    await client.tick(timedelta(hours=3))
    assert [d.reminder.target_kind.value for d in client.slack.delivered] == ["me"]


async def test_a_nag_over_the_api_repeats_until_completed(client: Api) -> None:
    made = await client.post(
        "/reminders",
        {"message": "submit the report", "rrule": "FREQ=MINUTELY;INTERVAL=30", "until_done": True},
    )
    assert made.status_code == 201, made.text
    assert made.json()["until_done"] is True
    for _ in range(2):
        await client.tick(timedelta(minutes=30))
    assert len(client.slack.delivered) == 2
    done = await client.post(f"/reminders/{made.json()['id']}/complete", {})
    assert done.json()["state"] == "completed"
    await client.tick(timedelta(hours=2))
    assert len(client.slack.delivered) == 2


async def test_escalation_refusals_answer_one_sentence_and_store_nothing(client: Api) -> None:
    client.slack.strangers = {"U9"}
    cases = [
        ({**INVOICE, "escalate": [{"after_minutes": 60, "to": "@U9"}]}, "unreachable"),
        ({**INVOICE, "until_done": True}, "until_done_repeat"),
    ]
    for body, code in cases:
        answer = await client.post("/reminders", body)
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"]
        assert detail["code"] == code
        assert detail["message"].count(".") == 1 and "\n" not in detail["message"]
    unreachable = await client.post("/reminders", cases[0][0])
    assert unreachable.json()["detail"]["message"] == (
        "I can't send reminders to @U9: they are not someone you can message here."
    )
    for bad in ({"after_minutes": 0, "to": "@U7"}, {"after_minutes": 5, "to": "@U7 @here"}):
        answer = await client.post("/reminders", {**INVOICE, "escalate": [bad]})
        assert answer.status_code == 422, bad
    assert await client.repo.list_for(None, list(ReminderState)) == []


async def test_a_phrase_over_the_api_escalates_and_nags(client: Api) -> None:
    made = await client.post(
        "/reminders",
        {
            "text": "remind me every 30 minutes until done to submit the report "
            "and tell @U2 if not done within 2 hours"
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["until_done"] is True and body["message"] == "submit the report"
    assert [(e["after_minutes"], e["to"]["id"]) for e in body["escalate"]] == [(120, "U2")]


async def test_the_parsed_action_carries_the_escalation_and_posts_back_as_it_is(
    client: Api,
) -> None:
    parsed = await client.post(
        "/actions/parse",
        {"text": "remind me Friday 9am to pay, and tell <@U7|lead> if it is not done by 11"},
    )
    assert parsed.status_code == 200, parsed.text
    action = parsed.json()
    assert action["escalate"] == [{"after_minutes": 120, "to": "@U7"}]
    assert action["until_done"] is False
    made = await client.post("/reminders", action)
    assert made.status_code == 201, made.text
    assert [(e["after_minutes"], e["to"]["id"]) for e in made.json()["escalate"]] == [(120, "U7")]


async def test_a_system_account_cannot_escalate_to_itself(client: Api) -> None:
    body = {
        "message": "rotate the keys",
        "at": FRIDAY_9,
        "target": {"kind": "channel", "id": "C1", "platform": "slack"},
        "escalate": [{"after_minutes": 60, "to": "me"}],
    }
    answer = await client.post("/reminders", body, token=client.system)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["code"] == "system_target"
    ok = await client.post(
        "/reminders",
        {**body, "escalate": [{"after_minutes": 60, "to": "#ops"}]},
        token=client.system,
    )
    assert ok.status_code == 201, ok.text
