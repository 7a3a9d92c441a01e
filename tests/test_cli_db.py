"""``remindbot db copy`` and ``remindbot db backup`` as an operator runs them: each in a
real process on a SQLite file, copying into a fresh PostgreSQL database; every refusal
is one sentence and a non-zero status, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.copy import tables


def remindbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"REMINDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**environ, **env},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def _one_reminder(tmp_path: Path) -> None:
    added = remindbot(tmp_path, "add", "remind me tomorrow at 9 to water plants", "--user", "ann")
    assert added.returncode == 2  # not asked on a pipe: nothing stored without --yes
    added = remindbot(
        tmp_path, "add", "remind me tomorrow at 9 to water plants", "--user", "ann", "--yes"
    )
    assert added.returncode == 0, added.stderr


def test_db_copy_moves_everything_and_prints_the_counts(tmp_path: Path, postgres_db: str) -> None:
    _one_reminder(tmp_path)
    copied = remindbot(tmp_path, "db", "copy", "--to", postgres_db)
    assert copied.returncode == 0, copied.stderr
    rows = dict(line.split()[:2] for line in copied.stdout.splitlines()[:-1])
    assert set(rows) == {t.name for t in tables()}
    assert rows["reminders"] == "1" and int(rows["audit_log"]) >= 1
    assert copied.stdout.splitlines()[-1].endswith(f" row(s) to {postgres_db}; counts match")
    listed = remindbot(tmp_path, "list", REMINDBOT_DATABASE_URL=postgres_db)
    assert listed.returncode == 0, listed.stderr
    assert "water plants" in listed.stdout and "\tconsole:local:ann\t" in listed.stdout
    again = remindbot(tmp_path, "db", "copy", "--to", postgres_db)
    assert again.returncode == 2
    assert again.stderr.startswith("remindbot db: The target database is not empty (rows in ")
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr


def test_db_copy_takes_only_postgresql(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "db", "copy", "--to", f"sqlite:///{tmp_path / 'other.db'}")
    assert (done.returncode, done.stderr) == (
        2,
        "remindbot db: --to takes a PostgreSQL URL, like postgresql://user@host/remindbot.\n",
    )


def test_db_backup_makes_a_copy_and_refuses_to_overwrite(tmp_path: Path) -> None:
    _one_reminder(tmp_path)
    done = remindbot(tmp_path, "db", "backup", "backups/today.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("to backups/today.db\n")
    with sqlite3.connect(tmp_path / "backups" / "today.db") as copy:
        assert copy.execute("SELECT message FROM reminders").fetchall() == [("water plants",)]
    listed = remindbot(
        tmp_path, "list", REMINDBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'backups' / 'today.db'}"
    )
    assert "water plants" in listed.stdout
    again = remindbot(tmp_path, "db", "backup", "backups/today.db")
    assert (again.returncode, again.stderr) == (
        2,
        "remindbot db: backups/today.db exists already: give a new file name.\n",
    )
    pg = remindbot(
        tmp_path, "db", "backup", "x.db", REMINDBOT_DATABASE_URL="postgresql://u@127.0.0.1/db"
    )
    assert pg.returncode == 2
    assert pg.stderr == (
        "remindbot db: db backup copies a SQLite database; for PostgreSQL use pg_dump "
        "(REMINDBOT_DATABASE_URL is not SQLite).\n"
    )
