"""docs/api.md's curl examples, run as written against the running API."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx

from tests.api.conftest import Api

DOC = Path(__file__).parents[2] / "docs" / "api.md"
_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def examples() -> list[str]:
    return _BLOCK.findall(DOC.read_text(encoding="utf-8"))


async def _run(script: str, env: dict[str, str]) -> tuple[int, str, str]:
    shell = await asyncio.create_subprocess_exec(
        "bash",
        "-euo",
        "pipefail",
        "-c",
        script,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await shell.communicate()
    assert shell.returncode is not None
    return shell.returncode, out.decode(), err.decode()


async def test_every_curl_example_in_the_api_docs_works(client: Api) -> None:
    found = examples()
    assert len(found) >= 10
    env = {"PATH": "/usr/bin:/bin", "REMINDBOT": client.url, "TOKEN": client.token}
    env["SYSTEM_TOKEN"] = client.system
    for script in found:
        code, out, err = await _run(script, env)
        assert code == 0, f"{script}\n{out}\n{err}"
        assert isinstance(json.loads(out), dict | list), script
    # What the examples did is there: the trigger fired on the status change is pending
    # delivery, the dentist's offsets are stored, the paused series is paused.
    listed = await client.get("/reminders", params={"limit": 50})
    messages = {r["message"]: r for r in listed.json()["items"]}
    assert messages["Dentist"]["offsets"] == [1440, 60]
    assert messages["Review case 77 with Ann"]["state"] == "paused"
    assert messages["Case 77 moved"]["trigger"] == "*"
    nag = messages["Submit the report"]
    assert nag["until_done"] is True
    assert [(e["after_minutes"], e["to"]["id"]) for e in nag["escalate"]] == [(120, "U2")]
    mine = (await client.get("/users/me/preferences")).json()
    assert mine["channels"] == ["chat", "email"] and mine["email"] == "ann@example.com"
    assert mine["default_time"] == "08:30" and mine["sources"]["default_time"] == "workspace"
    async with httpx.AsyncClient(base_url=client.url) as http:
        assert (await http.get("/api/v1/openapi.json")).status_code == 200
