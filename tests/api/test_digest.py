"""``/users/me/digest`` over real HTTP on each backend: set, read, replace, deliver, stop;
the errors a caller can make, each with its code and one sentence."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.model import OccurrenceState, ReminderKind, UserRef
from tests.api.conftest import ANN, Api
from tests.factories import new_reminder

CPH = ZoneInfo("Europe/Copenhagen")


DOC = Path(__file__).parents[2] / "docs" / "api.md"


def documented() -> dict[str, Any]:
    """The digest answer docs/api.md shows."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Digests") :]
    found: dict[str, Any] = json.loads(re.findall(r"```json\n(.*?)```", section, re.S)[0])
    return found


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Copenhagen wall time in November 2026, as a UTC instant."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CPH).astimezone(UTC)


async def test_put_get_replace_deliver_and_delete(client: Api) -> None:
    # Now: Monday 23 Nov 2026 10:00 in Copenhagen (the API's default zone here).
    put = await client.put("/users/me/digest", {"time": "08:00", "days": "weekdays"})
    assert put.status_code == 200, put.text
    made = put.json()
    assert made["time"] == "08:00" and made["tz"] == "Europe/Copenhagen"
    assert made["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert made["even_when_empty"] is False
    assert made["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0"
    assert datetime.fromisoformat(made["next_at"]) == local(24, 8)
    assert (await client.get("/users/me/digest")).json() == made
    assert made == {**documented(), "id": made["id"]}  # docs/api.md shows this answer

    body = {"time": "07:30", "days": ["mon", "Thursday"], "even_when_empty": True}
    again = await client.put("/users/me/digest", body)
    assert again.status_code == 200, again.text
    replaced = again.json()
    assert replaced["id"] != made["id"] and replaced["days"] == ["mon", "thu"]
    assert datetime.fromisoformat(replaced["next_at"]) == local(26, 7, 30)  # Thursday
    assert (await client.get("/users/me/digest")).json() == replaced

    # It is delivered on its day, listing that day's reminders; the first one never comes.
    await client.repo.add(
        new_reminder(message="call the vet", next_due=local(26, 11)), client.clock.now()
    )
    client.clock.set(local(24, 8))
    assert await client.dispatcher.drain() == 0
    client.clock.set(local(26, 7, 30))
    assert await client.dispatcher.drain() == 1
    [sent] = client.slack.delivered
    assert sent.reminder.kind is ReminderKind.DIGEST and sent.reminder.id == replaced["id"]
    assert sent.reply.text == (
        "Your digest for Thu 26 Nov (times in Europe/Copenhagen):\n  11:00  call the vet"
    )
    [occ] = await client.repo.occurrences(replaced["id"])
    assert occ.state is OccurrenceState.SENT
    # A digest is no reminder to snooze: a snoozed copy would be a second digest.
    snoozed = await client.post(f"/reminders/{replaced['id']}/snooze", {"minutes": 30})
    assert snoozed.status_code == 422
    assert snoozed.json()["detail"]["code"] == "digest_snooze"

    assert (await client.delete("/users/me/digest")).status_code == 204
    gone = await client.get("/users/me/digest")
    assert gone.status_code == 404
    assert gone.json()["detail"] == {
        "code": "no_digest",
        "message": "You have no digest: PUT /api/v1/users/me/digest sets one.",
    }
    assert (await client.delete("/users/me/digest")).status_code == 404
    stored = await client.repo.digest_of(ANN.key)
    assert stored is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"time": "25:00", "days": "daily"}, "digest_time"),
        ({"time": "8am", "days": "daily"}, "digest_time"),
        ({"time": "08:00", "days": "fortnightly"}, "digest_days"),
        ({"time": "08:00", "days": ["mon", "monkey"]}, "digest_days"),
        ({"time": "08:00", "days": []}, "digest_days"),
        ({"time": "08:00", "tz": "Mars/Olympus"}, "bad_zone"),
    ],
)
async def test_what_it_cannot_use_is_refused_with_one_sentence(
    client: Api, body: dict[str, object], code: str
) -> None:
    answer = await client.put("/users/me/digest", body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail["code"] == code
    assert detail["message"].endswith(".") and "\n" not in detail["message"]
    assert (await client.get("/users/me/digest")).status_code == 404


async def test_a_system_account_and_no_token_cannot(client: Api) -> None:
    body = {"time": "08:00", "days": "daily"}
    system = await client.put("/users/me/digest", body, token=client.system)
    assert system.status_code == 422
    assert system.json()["detail"] == {
        "code": "digest_system",
        "message": "A system account has no chat of its own, so it cannot have a digest.",
    }
    anonymous = await client.http.put("/api/v1/users/me/digest", json=body)
    assert anonymous.status_code == 401
    assert (await client.http.get("/api/v1/users/me/digest")).status_code == 401
    assert (await client.http.delete("/api/v1/users/me/digest")).status_code == 401


async def test_each_caller_sees_only_their_own_digest(client: Api) -> None:
    other = "slack:T1:U2"
    _record, token = await client.services.tokens.create("other", UserRef.of(other))
    await client.put("/users/me/digest", {"time": "08:00", "days": "daily"})
    assert (await client.get("/users/me/digest", token=token)).status_code == 404
    assert (await client.delete("/users/me/digest", token=token)).status_code == 404
    assert (await client.get("/users/me/digest")).status_code == 200


async def test_the_reminder_list_and_pending_leave_a_digest_out_unless_asked(
    client: Api,
) -> None:
    put = await client.put("/users/me/digest", {"time": "08:00", "days": "daily"})
    digest = put.json()["id"]
    await client.repo.add(
        new_reminder(message="call the vet", next_due=local(24, 9)), client.clock.now()
    )
    listed = (await client.get("/reminders")).json()["items"]
    assert [r["message"] for r in listed] == ["call the vet"]
    asked = (await client.get("/reminders", params={"kind": "digest"})).json()["items"]
    assert [(r["id"], r["kind"]) for r in asked] == [(digest, "digest")]
    both = await client.get("/reminders", params={"kind": ["digest", "reminder"]})
    assert len(both.json()["items"]) == 2
    client.clock.set(local(24, 9))
    assert await client.dispatcher.drain() == 2  # the digest at 08:00 and the reminder
    pending = (await client.get("/reminders/pending")).json()
    assert [p["reminder"]["message"] for p in pending] == ["call the vet"]
