"""``/templates`` over real HTTP: a system token saves, reads and resets a workspace's
templates, a user's token is refused, an invalid template is refused with its reason, and
a saved one words the reminders the dispatcher then delivers."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api

WS = "?workspace=slack:T1"


async def test_a_system_token_saves_reads_and_resets_a_template(client: Api) -> None:
    body = {"workspace": "slack:T1", "source": "Hey {{ owner }}: {{ message }}"}
    saved = await client.put("/templates/reminder", body, token=client.system)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"workspace": "slack:T1", "name": "reminder", "source": body["source"]}
    read = await client.get(f"/templates/reminder{WS}", token=client.system)
    assert read.status_code == 200 and read.json()["source"] == body["source"]
    listed = await client.get(f"/templates{WS}", token=client.system)
    assert [t["name"] for t in listed.json()["items"]] == ["reminder"]

    made = await client.post("/reminders", {"text": "remind me in 5 minutes to stretch"})
    assert made.status_code == 201, made.text
    assert await client.tick(timedelta(minutes=6)) == 1
    assert client.slack.texts() == ["Hey U1: stretch"]

    gone = await client.delete(f"/templates/reminder{WS}", token=client.system)
    assert gone.status_code == 204
    missing = await client.get(f"/templates/reminder{WS}", token=client.system)
    assert missing.status_code == 404
    assert missing.json()["detail"] == {
        "code": "not_found",
        "message": "Workspace slack:T1 has no reminder template.",
    }
    again = await client.delete(f"/templates/reminder{WS}", token=client.system)
    assert again.status_code == 404
    await client.post("/reminders", {"text": "remind me in 5 minutes to sit"})
    assert await client.tick(timedelta(minutes=6)) == 1
    assert client.slack.texts()[-1] == "Reminder: sit"


async def test_a_users_token_is_refused_and_changes_nothing(client: Api) -> None:
    body = {"workspace": "slack:T1", "source": "{{ message }}!"}
    for answer in (
        await client.put("/templates/reminder", body),
        await client.get(f"/templates/reminder{WS}"),
        await client.get(f"/templates{WS}"),
        await client.delete(f"/templates/reminder{WS}"),
    ):
        assert answer.status_code == 403, answer.text
        assert answer.json()["detail"] == {
            "code": "forbidden",
            "message": "Only a system token may read or change message templates.",
        }
    assert await client.repo.workspace_templates({"slack:T1"}) == {}
    assert (await client.http.get(f"/api/v1/templates{WS}")).status_code == 401


async def test_an_invalid_template_is_refused_with_the_reason_and_not_stored(client: Api) -> None:
    cases = {
        "{{ message }": (
            "template_syntax",
            "The template has a syntax error on line 1: unexpected '}'.",
        ),
        "ok\n{{ mesage }}": (
            "template_field",
            "Line 2 uses 'mesage', which is not a field here: "
            "use message, entity, due, late_by, owner.",
        ),
        "{{ ''.__class__ }}": (
            "template_unsafe",
            "Line 1 reaches for what a template may not: "
            "access to attribute '__class__' of 'str' object is unsafe.",
        ),
    }
    for source, (code, sentence) in cases.items():
        body = {"workspace": "slack:T1", "source": source}
        answer = await client.put("/templates/reminder", body, token=client.system)
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"] == {"code": code, "message": sentence}
    wrong = [
        ("/templates/footer", {"workspace": "slack:T1", "source": "x"}, "template_name"),
        ("/templates/reminder", {"workspace": "T1", "source": "x"}, "template_workspace"),
        ("/templates/reminder", {"workspace": "slack:T1", "source": "x" * 4001}, "template_long"),
    ]
    for path, body, code in wrong:
        answer = await client.put(path, body, token=client.system)
        assert (answer.status_code, answer.json()["detail"]["code"]) == (422, code)
    assert await client.repo.workspace_templates({"slack:T1"}) == {}
