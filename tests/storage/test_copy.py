"""Growing up from SQLite: every table copied into a fresh PostgreSQL database (counts
checked, a reminder read back equal, ids continuing), a non-empty target refused, and an
online backup of the SQLite file taken while another connection writes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import NewReminder, PendingPrompt, Reminder, UserPrefs
from storage import SqlReminderRepository, make_engine, upgrade_async
from storage.copy import CopyRefused, backup_sqlite, copy_database, tables
from storage.models import CalendarTokenRow, TemplateRow, WorkspaceSettingRow
from tests.core.platform import FakePlatform
from tests.core.test_channels import Receiver
from tests.factories import DUE, new_reminder


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await upgrade_async(engine)
    yield engine
    await engine.dispose()


async def fill(engine: AsyncEngine, clock: ManualClock) -> Reminder:
    """A row in every table, through the repository and a real dispatch where there is
    one; the tables no repository method writes yet get a row inserted as it would be."""
    repo = SqlReminderRepository(engine, clock=clock)
    now = clock.now()
    await repo.save_user(
        UserPrefs(key="slack:T1:U1", tz="Europe/Copenhagen", email="ann@example.com")
    )
    await repo.save_user(UserPrefs(key="slack:T1:U2", quiet_start=time(22), quiet_end=time(7)))
    clock.set(DUE)
    platform, email = FakePlatform(platform="slack"), Receiver()
    dispatcher = Dispatcher(repo, {"slack": platform}, clock, channels={"email": email})
    rem = await repo.add(new_reminder(channels=("chat", "email"), urgent=True), clock.now())
    for n in range(3):
        await repo.add(new_reminder(message=f"later {n}", next_due=DUE + timedelta(days=1)), now)
    assert await dispatcher.drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    await repo.add_completion(occ.id, "slack:T1:U1", clock.now())
    await repo.mark_event_seen("slack", "Ev1", now)
    await repo.save_prompt(
        PendingPrompt(
            user="slack:T1:U1", conversation="D1", action_id="edit", value="1", expires_at=DUE
        )
    )
    await repo.shared_secret("mattermost_actions", lambda: "s3cret")
    token = await repo.add_token("ci", "slack:T1:U1", "ab" * 32, now)
    await repo.claim_key(token.id, "key-1", "cd" * 32, now)
    await repo.set_status("case", "7", "open", now, _no_trigger)
    async with engine.begin() as conn:
        at = {"updated_at": now}
        await conn.execute(
            insert(WorkspaceSettingRow).values(
                workspace="slack:T1", name="channels", value=["chat"], **at
            )
        )
        await conn.execute(
            insert(TemplateRow).values(
                workspace="slack:T1", name="due", source="{{ message }}", **at
            )
        )
        await conn.execute(
            insert(CalendarTokenRow).values(
                owner="slack:T1:U1", token_hash="ef" * 32, created_at=now
            )
        )
    return rem


def _no_trigger(rem: Reminder, _change: object) -> NewReminder:
    raise AssertionError(f"no trigger expected for reminder {rem.id}")


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            t.name: int((await conn.execute(select(func.count()).select_from(t))).scalar_one())
            for t in tables()
        }


async def test_every_table_is_copied_to_postgresql_and_ids_continue(
    sqlite_engine: AsyncEngine, postgres_db: str, clock: ManualClock
) -> None:
    rem = await fill(sqlite_engine, clock)
    before = await counts(sqlite_engine)
    # A table added to storage/models.py and not filled above fails here: fill it, and the
    # copy (which reads the tables from the metadata) carries it over.
    assert [name for name, n in before.items() if n == 0] == []
    target = make_engine(postgres_db)
    try:
        copied = await copy_database(sqlite_engine, target)
        assert {c.table: (c.source, c.target) for c in copied} == {
            name: (n, n) for name, n in before.items()
        }
        assert await counts(target) == before
        source_repo = SqlReminderRepository(sqlite_engine, clock=clock)
        target_repo = SqlReminderRepository(target, clock=clock)
        assert await target_repo.get(rem.id) == await source_repo.get(rem.id)
        assert await target_repo.occurrences(rem.id) == await source_repo.occurrences(rem.id)
        assert await target_repo.audit_for(rem.id) == await source_repo.audit_for(rem.id)
        assert await target_repo.get_user("slack:T1:U1") == await source_repo.get_user(
            "slack:T1:U1"
        )
        # The sequences were moved past the copied ids: new rows get new ids.
        added = await target_repo.add(new_reminder(message="after the move"), clock.now())
        assert added.id == before["reminders"] + 1
        token = await target_repo.add_token("next", "slack:T1:U1", "12" * 32, clock.now())
        assert token.id == 2
    finally:
        await target.dispose()


async def test_a_target_with_rows_is_refused_and_left_alone(
    sqlite_engine: AsyncEngine, postgres_db: str, clock: ManualClock
) -> None:
    await fill(sqlite_engine, clock)
    target = make_engine(postgres_db)
    try:
        await upgrade_async(target)
        await SqlReminderRepository(target, clock=clock).add(new_reminder(), clock.now())
        with pytest.raises(
            CopyRefused, match=r"^The target database is not empty \(rows in reminders\)"
        ):
            await copy_database(sqlite_engine, target)
        assert (await counts(target))["reminders"] == 1
        assert (await counts(target))["users"] == 0
    finally:
        await target.dispose()


async def test_a_source_behind_the_schema_is_refused(postgres_db: str, tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    target = make_engine(postgres_db)
    try:
        with pytest.raises(CopyRefused, match="not at the newest schema"):
            await copy_database(source, target)
    finally:
        await source.dispose()
        await target.dispose()


async def test_backup_while_another_connection_writes(
    sqlite_engine: AsyncEngine, tmp_path: Path, clock: ManualClock
) -> None:
    rem = await fill(sqlite_engine, clock)
    db = tmp_path / "bot.db"
    before = await counts(sqlite_engine)
    stop, running = threading.Event(), threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(db, timeout=15)
        while not stop.is_set():
            with conn:
                conn.execute(
                    "INSERT INTO audit_log (at, actor, action) VALUES (?, 'test', 'tick')",
                    (datetime.now(UTC).isoformat(),),
                )
            written.append(1)
            if len(written) == 10:
                running.set()
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        # The backup starts once the writer is running, whatever the machine's speed.
        assert await asyncio.to_thread(running.wait, 30)
        backup = tmp_path / "backups" / "copy.db"
        backup_sqlite(f"sqlite:///{db}", backup)
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (audit,) = copy.execute("SELECT count(*) FROM audit_log").fetchone()
        assert before["audit_log"] + 10 <= audit <= before["audit_log"] + len(written)
        (reminders,) = copy.execute("SELECT count(*) FROM reminders").fetchone()
        assert reminders == before["reminders"]
    finally:
        copy.close()
    engine = make_engine(f"sqlite:///{backup}")
    try:
        copied = await SqlReminderRepository(engine, clock=clock).get(rem.id)
        assert copied is not None
        assert copied == await SqlReminderRepository(sqlite_engine, clock=clock).get(rem.id)
    finally:
        await engine.dispose()


def test_backup_refuses_an_existing_file_and_postgresql(tmp_path: Path) -> None:
    existing = tmp_path / "there.db"
    existing.write_bytes(b"")
    with pytest.raises(CopyRefused, match=r"^.*there\.db exists already: give a new file name\.$"):
        backup_sqlite(f"sqlite:///{tmp_path / 'bot.db'}", existing)
    with pytest.raises(CopyRefused, match="for PostgreSQL use pg_dump"):
        backup_sqlite("postgresql://u@127.0.0.1/db", tmp_path / "new.db")
    with pytest.raises(CopyRefused, match="There is no SQLite database at"):
        backup_sqlite(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


async def test_a_target_of_another_application_is_refused_before_anything_is_written(
    sqlite_engine: AsyncEngine, postgres_db: str, clock: ManualClock
) -> None:
    await fill(sqlite_engine, clock)
    target = make_engine(postgres_db)
    try:
        async with target.begin() as conn:
            await conn.execute(text("CREATE TABLE invoices (id integer primary key)"))
        with pytest.raises(
            CopyRefused, match=r"^The target database has tables of its own \(invoices\)"
        ):
            await copy_database(sqlite_engine, target)
        async with target.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert names == ["invoices"]  # not migrated: no table of ours, no alembic_version
    finally:
        await target.dispose()
