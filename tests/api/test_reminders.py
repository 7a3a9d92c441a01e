"""Creating, reading, listing, changing and deleting reminders over the REST API."""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import ReminderState
from tests.api.conftest import Api

FRIDAY_9 = "2026-11-27T09:00:00+01:00"


async def test_a_phrase_is_read_in_the_owners_zone_and_scheduled(client: Api) -> None:
    made = await client.post("/reminders", {"text": "remind me Friday 9am about case 123"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["state"] == "scheduled"
    assert body["message"] == "case 123"
    assert body["entity"] == {"type": "case", "id": "123"}
    assert body["next_due"] == "2026-11-27T08:00:00Z"
    assert body["occurrences"] == ["2026-11-27T08:00:00Z"]
    assert body["target"] == {"kind": "me", "id": "", "name": "", "platform": "slack"}


async def test_fields_make_a_series_with_its_next_three_dates(client: Api) -> None:
    made = await client.post(
        "/reminders",
        {
            "message": "stand-up",
            "rrule": "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=30",
            "dtstart": "2026-11-23T00:00:00+01:00",
            "tz": "Europe/Copenhagen",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["occurrences"] == [
        "2026-11-25T08:30:00Z",
        "2026-11-30T08:30:00Z",
        "2026-12-02T08:30:00Z",
    ]


async def test_a_system_account_sets_a_reminder_for_a_channel(client: Api) -> None:
    body = {
        "target": {"kind": "channel", "id": "C7", "name": "ops", "platform": "slack"},
        "message": "rotate the keys",
        "at": FRIDAY_9,
    }
    made = await client.post("/reminders", body, token=client.system)
    assert made.status_code == 201, made.text
    assert made.json()["owner"] == "system::nightly"
    assert await client.tick(timedelta(days=3, hours=23)) == 1
    [delivered] = client.slack.delivered
    assert delivered.reminder.target_ref == "C7"
    assert delivered.reply.text == "Reminder: rotate the keys"


async def test_bad_fields_answer_422_with_the_field(client: Api) -> None:
    cases = [
        ({"message": "x", "at": "2026-11-27T09:00:00"}, ["body", "at"]),  # no offset
        ({"message": "x", "at": FRIDAY_9, "target": {"kind": "user"}}, ["body", "target"]),
        ({"message": "x", "at": FRIDAY_9, "colour": "red"}, ["body", "colour"]),
        ({"message": "x", "at": FRIDAY_9, "channels": ["pigeon"]}, ["body", "channels", 0]),
    ]
    for body, loc in cases:
        answer = await client.post("/reminders", body)
        assert answer.status_code == 422, body
        assert [e["loc"] for e in answer.json()["detail"]][0] == loc
    assert await client.repo.list_for(None, list(ReminderState)) == []


async def test_a_refused_phrase_answers_422_with_its_code_and_sentence(client: Api) -> None:
    answer = await client.post("/reminders", {"text": "remind me to call Bo yesterday"})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail["code"] == "past"
    assert detail["message"].startswith("That time has already passed.")
    assert await client.repo.list_for(None, list(ReminderState)) == []


async def test_field_problems_say_what_and_store_nothing(client: Api) -> None:
    cases = {
        "no_time": {"message": "x"},
        "one_time": {"message": "x", "at": FRIDAY_9, "rrule": "FREQ=DAILY"},
        "past": {"message": "x", "at": "2026-11-20T09:00:00+01:00"},
        "bad_rule": {"message": "x", "rrule": "FREQ=SOMETIMES"},
        "too_frequent": {"message": "x", "rrule": "FREQ=MINUTELY"},
        "system_target": {"message": "x", "at": FRIDAY_9},
    }
    for code, body in cases.items():
        token = client.system if code == "system_target" else None
        answer = await client.post("/reminders", body, token=token)
        assert answer.status_code == 422, (code, answer.text)
        assert answer.json()["detail"]["code"] == code
    assert await client.repo.list_for(None, list(ReminderState)) == []


async def test_a_body_over_64_kb_answers_413(client: Api) -> None:
    answer = await client.post("/reminders", {"message": "x" * 70_000, "at": FRIDAY_9})
    assert answer.status_code == 413


async def test_a_second_reminder_on_the_same_entity_returns_the_first(client: Api) -> None:
    body = {"message": "follow up", "at": FRIDAY_9, "entity": {"type": "case", "id": "9"}}
    first = await client.post("/reminders", body)
    again = await client.post("/reminders", body | {"message": "follow up again"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = await client.post("/reminders", body | {"event_type": "sla"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


async def test_confirm_false_leaves_a_draft_the_owner_confirms_in_chat(client: Api) -> None:
    made = await client.post("/reminders", {"message": "x", "at": FRIDAY_9, "confirm": False})
    assert made.status_code == 201 and made.json()["state"] == "draft"
    [(owner, shown)] = client.slack.notices
    assert owner == "slack:T1:U1"
    assert [b.label for b in shown.buttons] == ["Confirm", "Edit", "Cancel"]


async def test_get_list_filters_and_pages_with_a_cursor(client: Api) -> None:
    for n in range(5):
        entity = {"type": "case", "id": str(n % 2)}
        at = f"2026-11-2{5 + n % 3}T09:00:00+01:00"
        body = {"message": f"m{n}", "at": at, "entity": entity, "event_type": f"e{n}"}
        await client.post("/reminders", body)
    one = (await client.get("/reminders", params={"entity_type": "case", "entity_id": "1"})).json()
    assert [r["message"] for r in one["items"]] == ["m1", "m3"]
    seen, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/reminders", params=params)).json()
        seen += [r["message"] for r in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == ["m0", "m1", "m2", "m3", "m4"]
    early = await client.get("/reminders", params={"due_before": "2026-11-26T00:00:00Z"})
    assert [r["message"] for r in early.json()["items"]] == ["m0", "m3"]


async def test_another_owners_reminder_is_not_found(client: Api) -> None:
    made = await client.post("/reminders", {"message": "mine", "at": FRIDAY_9})
    rid = made.json()["id"]
    for call in (
        client.get(f"/reminders/{rid}", token=client.system),
        client.patch(f"/reminders/{rid}", {"message": "theirs"}, token=client.system),
        client.delete(f"/reminders/{rid}", token=client.system),
        client.post(f"/reminders/{rid}/complete", {}, token=client.system),
    ):
        answer = await call
        assert answer.status_code == 404, answer.text
    assert (await client.get(f"/reminders/{rid}")).json()["message"] == "mine"


async def test_patch_changes_message_time_and_rule(client: Api) -> None:
    rid = (await client.post("/reminders", {"message": "a", "at": FRIDAY_9})).json()["id"]
    moved = await client.patch(
        f"/reminders/{rid}", {"message": "b", "at": "2026-11-28T10:00:00+01:00"}
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["message"], moved.json()["next_due"]) == ("b", "2026-11-28T09:00:00Z")
    series = (
        await client.post("/reminders", {"message": "s", "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"})
    ).json()
    ruled = await client.patch(
        f"/reminders/{series['id']}", {"rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=9;BYMINUTE=0"}
    )
    assert ruled.json()["occurrences"][0] == "2026-11-27T08:00:00Z"


async def test_a_paused_series_skips_what_falls_due_and_says_so(client: Api) -> None:
    body = {"message": "water", "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"}
    rid = (await client.post("/reminders", body)).json()["id"]
    paused = await client.patch(f"/reminders/{rid}", {"paused": True})
    assert paused.json()["state"] == "paused"
    assert await client.tick(timedelta(days=3)) == 0
    resumed = await client.patch(f"/reminders/{rid}", {"paused": False})
    assert resumed.json()["state"] == "scheduled"
    assert resumed.json()["next_due"] == "2026-11-27T08:00:00Z"
    events = (await client.get(f"/reminders/{rid}/history")).json()["events"]
    [skipped] = [e for e in events if e["action"] == "skipped_while_paused"]
    assert skipped["detail"]["skipped"] == [
        "2026-11-24T08:00:00+00:00",
        "2026-11-25T08:00:00+00:00",
        "2026-11-26T08:00:00+00:00",
    ]


async def test_delete_is_soft_and_the_history_stays(client: Api) -> None:
    rid = (await client.post("/reminders", {"message": "x", "at": FRIDAY_9})).json()["id"]
    assert (await client.delete(f"/reminders/{rid}")).status_code == 204
    assert (await client.get(f"/reminders/{rid}")).status_code == 404
    history = (await client.get(f"/reminders/{rid}/history")).json()
    assert history["reminder"]["deleted_at"] is not None
    assert [e["action"] for e in history["events"]] == ["create", "delete"]
    assert await client.tick(timedelta(days=5)) == 0


async def test_snooze_complete_dismiss_and_pending(client: Api) -> None:
    soon = "2026-11-23T11:00:00+01:00"
    a = (await client.post("/reminders", {"message": "a", "at": soon})).json()["id"]
    b = (await client.post("/reminders", {"message": "b", "at": soon})).json()["id"]
    c = (await client.post("/reminders", {"message": "c", "at": FRIDAY_9})).json()["id"]
    assert await client.tick(timedelta(hours=1)) == 2
    pending = (await client.get("/reminders/pending", params={"owner": "me"})).json()
    assert sorted(p["reminder"]["id"] for p in pending) == [a, b]
    snoozed = await client.post(f"/reminders/{a}/snooze", {"minutes": 30})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["next_due"] == "2026-11-23T10:30:00Z"
    assert (await client.post(f"/reminders/{b}/dismiss", {})).json()["state"] == "completed"
    later = await client.post(f"/reminders/{c}/snooze", {"text": "Saturday 10am"})
    assert later.json()["next_due"] == "2026-11-28T09:00:00Z"
    done = await client.post(f"/reminders/{c}/complete", {})
    assert done.json()["state"] == "completed"
    assert (await client.get("/reminders/pending")).json() == []
    assert await client.tick(timedelta(minutes=30)) == 1  # a, snoozed
    assert [d.reply.text for d in client.slack.delivered][-1] == "Reminder: a"


async def test_a_snooze_it_cannot_read_changes_nothing(client: Api) -> None:
    one = (await client.post("/reminders", {"message": "one", "at": FRIDAY_9})).json()
    body = {"message": "daily", "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"}
    daily = (await client.post("/reminders", body)).json()
    for made in (one, daily):
        answer = await client.post(f"/reminders/{made['id']}/snooze", {"text": "blorp"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"]["code"] == "snooze_time"
        after = (await client.get(f"/reminders/{made['id']}")).json()
        assert (after["state"], after["next_due"]) == ("scheduled", made["next_due"])
        history = (await client.get(f"/reminders/{made['id']}/history")).json()
        assert history["occurrences"] == []
    assert await client.tick(timedelta(days=4, hours=1)) == 2  # a missed series runs once
    assert sorted(d.reply.text.split(" (")[0] for d in client.slack.delivered) == [
        "Reminder: daily",
        "Reminder: one",
    ]


async def test_a_snooze_until_a_time_keeps_the_seconds(client: Api) -> None:
    rid = (await client.post("/reminders", {"message": "x", "at": FRIDAY_9})).json()["id"]
    until = "2026-11-23T12:00:40+00:00"
    answer = await client.post(f"/reminders/{rid}/snooze", {"until": until})
    assert answer.json()["next_due"] == "2026-11-23T12:00:40Z"
    past = await client.post(f"/reminders/{rid}/snooze", {"until": "2026-11-22T12:00:00Z"})
    assert (past.status_code, past.json()["detail"]["code"]) == (422, "past")


async def test_a_draft_cannot_be_paused_into_a_scheduled_reminder(client: Api) -> None:
    body = {"message": "x", "at": FRIDAY_9, "confirm": False}
    rid = (await client.post("/reminders", body)).json()["id"]
    for paused in (True, False):
        answer = await client.patch(f"/reminders/{rid}", {"paused": paused})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"]["code"] == "draft_pause"
    assert (await client.get(f"/reminders/{rid}")).json()["state"] == "draft"
    assert await client.tick(timedelta(days=5)) == 0


async def test_complete_ends_the_snoozed_copy_of_a_series_occurrence(client: Api) -> None:
    body = {"message": "daily", "rrule": "FREQ=DAILY;BYHOUR=12;BYMINUTE=0"}
    rid = (await client.post("/reminders", body)).json()["id"]
    assert await client.tick(timedelta(hours=3)) == 1
    assert (await client.post(f"/reminders/{rid}/snooze", {"minutes": 60})).status_code == 200
    done = await client.post(f"/reminders/{rid}/complete", {})
    assert done.json()["state"] == "completed"
    assert await client.tick(timedelta(days=2)) == 0
    assert len(client.slack.delivered) == 1
