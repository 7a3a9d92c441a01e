"""schemathesis against the OpenAPI document, over real HTTP, bounded in time: no 5xx, and
every answer matches the schema the document declares for it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.api.conftest import Api

BUDGET_S = int(os.environ.get("REMINDBOT_FUZZ_SECONDS", "90"))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_the_api_answers_any_request_per_its_schema(client: Api, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    shell = await asyncio.create_subprocess_exec(
        str(st),
        "run",
        f"{client.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {client.token}",
        "--checks",
        "not_a_server_error,response_schema_conformance,status_code_conformance,"
        "content_type_conformance",
        "--max-time",
        str(BUDGET_S),
        "--max-examples",
        "60",
        "--request-timeout",
        "10",
        "--generation-deterministic",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
    )
    out, _ = await shell.communicate()
    report = out.decode(errors="replace")
    (Path(os.environ.get("REMINDBOT_FUZZ_REPORT", tmp_path)) / "schemathesis.txt").write_text(
        report
    )
    assert shell.returncode == 0, report[-6000:]
    assert "No issues found" in report or "passed" in report.lower(), report[-3000:]
