"""Exactly once across real processes: a SIGKILLed dispatcher, and two dispatchers at once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.core.model import OccurrenceState
from storage import SqlReminderRepository
from storage.mapping import new_reminder_values
from storage.models import ReminderRow
from tests.conftest import Database
from tests.factories import new_reminder

ROOT = Path(__file__).resolve().parents[2]


async def _worker(db: Database, out: Path, *extra: str) -> asyncio.subprocess.Process:
    args = [sys.executable, "-m", "tests.engine_worker", db.url, str(out), *extra]
    if db.schema:
        args += ["--schema", db.schema]
    return await asyncio.create_subprocess_exec(
        *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def _finish(proc: asyncio.subprocess.Process) -> str:
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def test_killed_after_claim_is_delivered_once_after_restart(
    database: Database, repo: SqlReminderRepository, tmp_path: Path
) -> None:
    due = datetime.now(UTC) - timedelta(minutes=1)
    rem = await repo.add(new_reminder(platform="console", next_due=due), due)
    out = tmp_path / "delivered.txt"
    hung = await _worker(database, out, "--hang")
    assert hung.stdout is not None
    line = await asyncio.wait_for(hung.stdout.readline(), timeout=60)
    assert line == b"claimed\n"
    os.kill(hung.pid, signal.SIGKILL)
    await hung.wait()
    assert _lines(out) == []
    # Restarted with its clock past the dead process's 30 s lease.
    await _finish(await _worker(database, out, "--ahead", "60"))
    occurrences = await repo.occurrences(rem.id)
    assert _lines(out) == [f"{rem.id}:{occurrences[0].id}"]
    assert [(o.state, o.attempts) for o in occurrences] == [(OccurrenceState.SENT, 2)]


async def test_two_processes_deliver_5000_due_reminders_exactly_once(
    database: Database, repo: SqlReminderRepository, tmp_path: Path
) -> None:
    due = datetime.now(UTC) - timedelta(minutes=1)
    base = new_reminder(platform="console", next_due=due)
    rows = [
        {
            **new_reminder_values(replace(base, message=f"task {i}")),
            "created_at": due,
            "updated_at": due,
        }
        for i in range(5000)
    ]
    engine = database.engine()
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(ReminderRow), rows)
    finally:
        await engine.dispose()
    outs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    workers = [await _worker(database, out) for out in outs]
    await asyncio.gather(*(_finish(w) for w in workers))
    a, b = (_lines(out) for out in outs)
    delivered = [line.split(":")[0] for line in a + b]
    assert len(delivered) == 5000
    assert len(set(delivered)) == 5000
    assert a and b, "both processes should have taken a share"
    assert await repo.next_due() is None
