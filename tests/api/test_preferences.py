"""Preferences over real HTTP: a person's own with their sources, a workspace's defaults
set by a system token (and refused to anyone else), and ``urgent`` on reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import ANN, Api

ME = "/users/me/preferences"
T1 = "/workspaces/slack:T1/defaults"


def _problem(answer: Any) -> tuple[str, str]:
    detail = answer.json()["detail"]
    return detail["code"], detail["message"]


async def test_preferences_start_built_in_and_a_patch_makes_them_yours(client: Api) -> None:
    first = await client.get(ME)
    assert first.status_code == 200
    assert first.json() == {
        "channels": ["chat"],
        "email": None,
        "quiet_hours": None,
        "default_time": "09:00",
        "tz": "Europe/Copenhagen",
        "language": None,
        "sources": {
            "channels": "default",
            "email": "default",
            "quiet_hours": "default",
            "default_time": "default",
            "tz": "default",
            "language": "default",
        },
    }
    body = {
        "channels": ["email", "chat"],
        "email": "ann@example.com",
        "quiet_hours": {"start": "22:00", "end": "07:00"},
        "default_time": "8:30",
        "tz": "London",
        "language": "da",
    }
    changed = await client.patch(ME, body)
    assert changed.status_code == 200, changed.text
    got = changed.json()
    assert got["channels"] == ["chat", "email"] and got["email"] == "ann@example.com"
    assert got["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert (got["default_time"], got["tz"], got["language"]) == ("08:30", "Europe/London", "da")
    assert set(got["sources"].values()) == {"yours"}
    assert (await client.get(ME)).json() == got
    stored = await client.repo.get_user(ANN.key)
    assert stored is not None and stored.channels == ("chat", "email")
    # null: no quiet hours, the profile's email; left out: unchanged.
    cleared = (await client.patch(ME, {"quiet_hours": None, "email": None})).json()
    assert cleared["quiet_hours"] is None and cleared["email"] is None
    assert cleared["sources"]["quiet_hours"] == "yours" and cleared["default_time"] == "08:30"


async def test_a_bad_value_is_one_sentence_and_nothing_is_stored(client: Api) -> None:
    for body, code, sentence in (
        ({"email": "ann.example.com"}, "bad_email", "'ann.example.com' is not an email address"),
        ({"channels": ["chat", "pigeon"]}, "unknown_channel", "I don't know the channel 'pigeon'"),
        ({"channels": []}, "no_channels", "Name at least one channel"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_format", "Quiet hours need"),
        ({"default_time": "25:00"}, "default_time_format", "A default time looks like"),
        ({"tz": "Atlantis"}, "unknown_zone", "I don't know that time zone"),
        ({"language": "klingon"}, "unknown_language", "I can answer in English or Danish"),
        # One bad value among good ones: none of them is stored.
        ({"default_time": "07:00", "email": "nope"}, "bad_email", "'nope' is not an email"),
    ):
        refused = await client.patch(ME, body)
        assert refused.status_code == 422, body
        got_code, message = _problem(refused)
        assert got_code == code and message.startswith(sentence), (body, message)
        assert "\n" not in message
    assert await client.repo.get_user(ANN.key) is None
    unknown = await client.patch(ME, {"colour": "blue"})
    assert unknown.status_code == 422  # not a field of the model: the usual validation list


async def test_a_system_token_sets_workspace_defaults_and_a_persons_own_wins(client: Api) -> None:
    body = {
        "channels": ["email"],
        "quiet_hours": {"start": "21:00", "end": "06:30"},
        "default_time": "08:15",
        "tz": "Europe/Berlin",
        "language": "danish",
    }
    done = await client.patch(T1, body, token=client.system)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "workspace": "slack:T1",
        "defaults": {
            "channels": ["email"],
            "quiet_hours": {"start": "21:00", "end": "06:30"},
            "default_time": "08:15",
            "tz": "Europe/Berlin",
            "language": "da",
        },
    }
    assert (await client.get(T1, token=client.system)).json() == done.json()
    mine = (await client.get(ME)).json()
    assert mine["channels"] == ["email"] and mine["tz"] == "Europe/Berlin"
    assert mine["quiet_hours"] == {"start": "21:00", "end": "06:30"}
    assert set(mine["sources"].values()) == {"workspace", "default"}
    assert mine["sources"]["email"] == "default"
    own = (await client.patch(ME, {"channels": ["chat"], "quiet_hours": None})).json()
    assert own["channels"] == ["chat"] and own["quiet_hours"] is None
    assert own["sources"]["channels"] == own["sources"]["quiet_hours"] == "yours"
    assert own["default_time"] == "08:15" and own["sources"]["default_time"] == "workspace"
    # null removes a default.
    removed = await client.patch(T1, {"default_time": None}, token=client.system)
    assert "default_time" not in removed.json()["defaults"]
    assert (await client.get(ME)).json()["sources"]["default_time"] == "default"


async def test_workspace_defaults_are_for_system_tokens_and_checked(client: Api) -> None:
    refused = await client.patch(T1, {"default_time": "08:00"})  # Ann's own token
    assert refused.status_code == 403
    assert _problem(refused) == (
        "system_only",
        "Only a system token can read or change a workspace's defaults.",
    )
    assert (await client.get(T1)).status_code == 403
    for path, body, code in (
        (T1, {"channels": ["pigeon"]}, "unknown_channel"),
        (T1, {"channels": []}, "no_channels"),
        (T1, {"tz": "Atlantis"}, "unknown_zone"),
        (T1, {"quiet_hours": {"start": "9", "end": "10:00"}}, "default_time_format"),
        ("/workspaces/T1/defaults", {"tz": "UTC"}, "unknown_workspace"),
    ):
        answer = await client.patch(path, body, token=client.system)
        assert answer.status_code == 422 and _problem(answer)[0] == code, (body, answer.text)
    # All checked before any is stored.
    mixed = await client.patch(T1, {"tz": "UTC", "language": "klingon"}, token=client.system)
    assert _problem(mixed)[0] == "unknown_language"
    assert await client.repo.workspace_defaults(["slack:T1"]) == {}
    assert (await client.get(ME, token=client.system)).status_code == 422  # no prefs of its own


async def test_urgent_is_created_changed_and_shown(client: Api) -> None:
    at = (client.clock.now() + timedelta(days=1)).isoformat()
    made = await client.post("/reminders", {"message": "server down", "at": at, "urgent": True})
    assert made.status_code == 201, made.text
    rem = made.json()
    assert rem["urgent"] is True
    calm = await client.patch(f"/reminders/{rem['id']}", {"urgent": False})
    assert calm.status_code == 200 and calm.json()["urgent"] is False
    stored = await client.repo.get(rem["id"])
    assert stored is not None and not stored.urgent
    plain = await client.post("/reminders", {"message": "tea", "at": at})
    assert plain.json()["urgent"] is False
