"""Start-up and memory benchmark: ``remindbot parse`` and ``remindbot run`` beside bare peers.

Not a timed test: it prints medians, the peer's figure from the same run and the ratio,
and PASS/MISS against the issue's targets (``remindbot parse`` start-up < 0.15 s;
``remindbot run`` with one platform < 60 MiB idle over 1,000,000 stored reminders).

    .venv/bin/python bench/startup.py [--runs N] [--reminders N] [--platforms mattermost,slack]

- parse: wall time of ``remindbot parse "in 5 minutes"`` (the installed console script),
  a fresh process each run; the peer is ``python -c pass``, the interpreter alone.
- import: ``import bot.app`` timed inside a fresh process (wall and CPU time).
- run: ``remindbot run`` (``python -m bot run``) with one platform, the Mattermost or the
  Slack (Socket Mode) stand-in server from tests/servers started by this script on
  127.0.0.1, on a SQLite database already at the newest schema that holds
  ``--reminders`` scheduled reminders, none due. Its RSS (psutil) is read once
  ``/healthz`` answers and the platform is connected, after it has sat idle for
  ``IDLE_S``. The peer is a bare process with APScheduler, SQLAlchemy and aiosqlite
  imported, an ``AsyncIOScheduler`` running and one ``MIN(next_due)`` query made over
  the same database through an aiosqlite engine. Each RSS is also split into anonymous
  memory (the Python heap: mostly the modules' code and classes) and file-backed pages
  (the interpreter and shared libraries), from ``/proc/PID/smaps_rollup``, with the
  process's thread count.

``--tree DIR`` runs the children on another source tree (``PYTHONPATH``), for a before and
after on the same machine in the same hour::

    mkdir /tmp/before && git archive 270e97d bot storage | tar -x -C /tmp/before
    .venv/bin/python bench/startup.py --tree /tmp/before

Like an installed package (pip compiles bytecode), every process here runs with its
``.pyc`` files written once: the script compiles bot/ and storage/ first and clears
``PYTHONDONTWRITEBYTECODE`` for its children.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import platform
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the stand-in servers under tests/servers

TARGET_PARSE_S = 0.15
TARGET_RUN_MIB = 60.0
IDLE_S = 5.0
YEAR_S = 365 * 24 * 3600
MIB = 2**20
PEER = """
import asyncio, sys
import aiosqlite, sqlalchemy
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import create_async_engine

async def main() -> None:
    scheduler = AsyncIOScheduler()
    scheduler.start()
    engine = create_async_engine("sqlite+aiosqlite:///" + sys.argv[1])
    async with engine.connect() as conn:
        await conn.execute(sqlalchemy.text("SELECT MIN(next_due) FROM reminders"))
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


TREE: list[str] = []  # --tree: the source the children run instead of this checkout's


def child_env(**extra: str) -> dict[str, str]:
    """This environment without remindbot's settings and with bytecode caching on."""
    prefixes = ("REMINDBOT_", "SLACK_", "MATTERMOST_", "SMTP_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return env | ({"PYTHONPATH": TREE[0]} if TREE else {}) | extra


def wall(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """The wall time of one run of ``command`` and the CPU time (user + system) it used:
    on a shared machine the wall time also holds the wait for a core, the CPU time not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=child_env(), check=True, capture_output=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu


def remindbot_command() -> list[str]:
    script = Path(sys.executable).parent / "remindbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def import_seconds(cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``import bot.app`` in a fresh process."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time(); import bot.app;"
        " print(time.perf_counter() - t, time.process_time() - c)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=child_env(), check=True, capture_output=True
    )
    took, cpu = done.stdout.split()
    return float(took), float(cpu)


# --- the database ------------------------------------------------------------------------


def fill(where: Path, count: int, platform_name: str) -> tuple[str, float]:
    """A migrated SQLite file holding ``count`` scheduled reminders, none due for an hour.

    One row is written through the storage mapping (so every column is as the app writes
    it), then copied ``count`` times with ``INSERT ... SELECT`` over a recursive counter,
    each copy with its own owner, number and due time; the indexes are built after.
    """
    start = time.perf_counter()
    db = where / f"{platform_name}.db"
    url = f"sqlite:///{db}"
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=where, env=child_env(REMINDBOT_DATABASE_URL=url), check=True, capture_output=True,
    )  # fmt: skip
    asyncio.run(_seed(url, platform_name))
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(reminders)")]
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reminders'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        later = f"datetime(r.next_due, '+' || (3600 + (n.i * 7919) % {YEAR_S}) || ' seconds')"
        shifted = {
            "owner": f"'{platform_name}:T1:U' || (n.i % 1000)",
            "created_by": f"'{platform_name}:T1:U' || (n.i % 1000)",
            "target_ref": "'U' || (n.i % 1000)",
            "message": "'bench reminder ' || n.i",
            "number": "n.i",
            "next_due": f"{later} || '.000000'",
            "occurrence_due": f"{later} || '.000000'",
        }
        wanted = [c for c in columns if c != "id"]
        picked = ", ".join(shifted.get(c, f"r.{c}") for c in wanted)
        conn.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
            f" INSERT INTO reminders ({', '.join(wanted)}) SELECT {picked}"
            " FROM reminders AS r, n WHERE r.id = 1"
        )
        conn.execute("DELETE FROM reminders WHERE id = 1")  # the seed is due now
        for _, sql in indexes:
            conn.execute(sql)
        conn.commit()
        (stored,) = conn.execute("SELECT COUNT(*) FROM reminders").fetchone()
    assert stored == count, stored
    return url, time.perf_counter() - start


async def _seed(url: str, platform_name: str) -> None:
    from sqlalchemy import insert

    from bot.core.model import NewReminder, Origin, ReminderState, TargetKind
    from storage import make_engine
    from storage.mapping import new_reminder_values
    from storage.models import REMINDERS

    now = datetime.now(UTC)
    new = NewReminder(
        owner=f"{platform_name}:T1:U0",
        platform=platform_name,
        workspace="T1",
        conversation="D1",
        target_kind=TargetKind.USER,
        target_ref="U0",
        target_name="you",
        message="",
        phrase="remind me tomorrow at 9am to send the weekly report",
        tz="Europe/Copenhagen",
        state=ReminderState.SCHEDULED,
        origin=Origin.CHAT,
        next_due=now,
        created_by=f"{platform_name}:T1:U0",
    )
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(REMINDERS),
                [new_reminder_values(new) | {"created_at": now, "updated_at": now}],
            )
    finally:
        await engine.dispose()


# --- remindbot run and its peer ------------------------------------------------------------


class Memory:
    """One process's resident memory (MiB): in all, anonymous, file-backed; its threads."""

    def __init__(self, pid: int) -> None:
        process = psutil.Process(pid)
        self.rss = float(process.memory_info().rss) / MIB
        self.threads = int(process.num_threads())
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        except OSError:  # not Linux
            self.anon: float | None = None
            return
        kib = {line.split()[0].rstrip(":"): int(line.split()[1]) for line in rollup}
        self.anon = kib["Anonymous"] / 1024

    def parts(self) -> str:
        if self.anon is None:
            return f"{self.threads} threads"
        return f"anon {self.anon:.1f}, file {self.rss - self.anon:.1f}; {self.threads} threads"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def run_rss(where: Path, url: str, platform_name: str) -> Memory:
    """The idle RSS (MiB) of one ``remindbot run`` against the platform's stand-in."""
    from tests.servers.mattermost import FakeMattermost
    from tests.servers.slack import FakeSlack

    port = free_port()
    env = child_env(REMINDBOT_DATABASE_URL=url, REMINDBOT_HTTP_PORT=str(port))
    server: FakeMattermost | FakeSlack
    if platform_name == "mattermost":
        server = FakeMattermost()
        await server.start()
        env |= {
            "MATTERMOST_URL": server.url,
            "MATTERMOST_TOKEN": server.bot_token,
            "MATTERMOST_ACTIONS_URL": "http://remindbot.bench/mattermost/actions",
        }
    else:
        server = FakeSlack()
        await server.start()
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_APP_TOKEN": "xapp-bench",
            "SLACK_API_URL": server.api_url,
        }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=where, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await _healthz(port, bot, platform_name)
        await server.wait_connected(timeout=60)
        await asyncio.sleep(IDLE_S)
        return Memory(bot.pid)
    finally:
        bot.terminate()
        _, err = await asyncio.wait_for(bot.communicate(), 60)
        await server.stop()
        if bot.returncode != 0:
            raise RuntimeError(f"remindbot run ended with {bot.returncode}: {err.decode()[-2000:]}")


async def _healthz(port: int, bot: asyncio.subprocess.Process, platform_name: str) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(120):
        while True:
            if bot.returncode is not None:
                _, err = await bot.communicate()
                raise RuntimeError(f"remindbot run ended: {err.decode()[-2000:]}")
            try:
                answer = await client.get(f"http://127.0.0.1:{port}/healthz")
            except httpx.TransportError:
                await asyncio.sleep(0.2)
                continue
            body = answer.json()
            if "checks" in body:  # {"status", "checks": {"process", "database", platform}}
                if answer.status_code != 200 or platform_name not in body["checks"]:
                    await asyncio.sleep(0.2)  # connecting still
                    continue
            else:  # an older tree (--tree) answered {"platforms": [...]}
                assert body["platforms"] == [platform_name], answer.text
            return


async def peer_rss(where: Path, url: str) -> Memory:
    peer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PEER, url.removeprefix("sqlite:///"), cwd=where, env=child_env(),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert peer.stdout is not None
        assert (await asyncio.wait_for(peer.stdout.readline(), 60)).strip() == b"ready"
        await asyncio.sleep(IDLE_S)
        return Memory(peer.pid)
    finally:
        peer.terminate()
        await peer.wait()


# --- report ----------------------------------------------------------------------------------


def middle(runs: list[Memory]) -> Memory:
    """The run at the median RSS (the upper one of an even count)."""
    return sorted(runs, key=lambda r: r.rss)[len(runs) // 2]


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    opts = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    opts.add_argument("--runs", type=int, default=11, help="start-up runs (odd: a median)")
    opts.add_argument("--rss-runs", type=int, default=3, help="remindbot run starts")
    opts.add_argument("--reminders", type=int, default=1_000_000)
    opts.add_argument("--platforms", default="mattermost,slack")
    opts.add_argument(
        "--tree",
        type=Path,
        help="run another source tree's bot/ and storage/ (e.g. an older commit's `git archive`)",
    )
    args = opts.parse_args()
    source = args.tree.resolve() if args.tree else ROOT
    if args.tree:
        TREE.append(str(source))
    for package in ("bot", "storage"):
        compileall.compile_dir(source / package, quiet=1)
    scratch = Path(tempfile.mkdtemp(prefix="remindbot-startup-"))
    try:
        report(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(args: argparse.Namespace, scratch: Path) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {load}")
    print(f"source: {TREE[0] if TREE else ROOT}")
    command = [*remindbot_command(), "parse", "in 5 minutes"]
    wall(command, scratch)  # warm: the first run writes the .pyc files
    parse = [wall(command, scratch) for _ in range(args.runs)]
    bare = [wall([sys.executable, "-c", "pass"], scratch) for _ in range(args.runs)]
    print(f'\nremindbot parse "in 5 minutes", {args.runs} runs; peer python -c pass:')
    for i, what in enumerate(("wall", "CPU")):
        ours, theirs = statistics.median(r[i] for r in parse), statistics.median(r[i] for r in bare)
        print(f"  {what:4} median {ours:.3f} s (min {min(r[i] for r in parse):.3f}); peer"
              f" {theirs:.3f} s; ratio {ours / theirs:.1f}x; target < {TARGET_PARSE_S} s:"
              f" {mark(ours < TARGET_PARSE_S)}")  # fmt: skip
    imports = [import_seconds(scratch) for _ in range(max(3, args.runs // 2))]
    print(f"import bot.app, {len(imports)} runs: wall median"
          f" {statistics.median(r[0] for r in imports):.3f} s, CPU median"
          f" {statistics.median(r[1] for r in imports):.3f} s")  # fmt: skip
    for platform_name in args.platforms.split(","):
        where = scratch / platform_name
        where.mkdir()
        url, took = fill(where, args.reminders, platform_name)
        print(f"\n{platform_name}: {args.reminders:,} reminders stored in {took:.1f} s")
        runs = [asyncio.run(run_rss(where, url, platform_name)) for _ in range(args.rss_runs)]
        peers = [asyncio.run(peer_rss(where, url)) for _ in range(args.rss_runs)]
        ours = statistics.median(r.rss for r in runs)
        theirs = statistics.median(p.rss for p in peers)
        print(f"  remindbot run ({platform_name}) idle RSS: median {ours:.1f} MiB of {len(runs)}"
              f" ({', '.join(f'{r.rss:.1f}' for r in runs)})  target < {TARGET_RUN_MIB:.0f} MiB:"
              f" {mark(ours < TARGET_RUN_MIB)}")  # fmt: skip
        print(f"    {middle(runs).parts()}")
        print(
            "  peer (APScheduler + SQLAlchemy + aiosqlite, scheduler running): median"
            f" {theirs:.1f} MiB; ratio {ours / theirs:.2f}x, +{ours - theirs:.1f} MiB"
        )
        print(f"    {middle(peers).parts()}")


if __name__ == "__main__":
    main()
