"""Fault runs over real processes: kill -9 during a burst, and replicas sharing a database.

Shared by the tests (tests/core/test_kill9.py, tests/core/test_replicas.py) and the
benchmarks (bench/faults.py, bench/replicas.py), so the figures printed and the assertions
made come from the same code. The chat platform is ``FakeSlack`` (tests/servers/slack.py)
served over HTTP in this process; the dispatchers are ``tests.slack_worker`` processes. A
post is counted from what the stand-in stored: the occurrence tag in its metadata.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bot.core.model import NewReminder, Origin, ReminderState, TargetKind
from storage import make_engine, upgrade_async
from storage.mapping import new_reminder_values
from storage.models import OCCURRENCES, REMINDERS
from tests.servers.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = "T1"
RECIPIENTS = 500  # users the reminders go to, each by DM (U0 .. U499 -> D0 .. D499)
CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Db:
    url: str
    schema: str | None = None


# --- the database ----------------------------------------------------------------------


def _rows(count: int, due: list[datetime], now: datetime) -> list[dict[str, Any]]:
    base = NewReminder(
        owner=f"slack:{WORKSPACE}:U0",
        platform="slack",
        workspace=WORKSPACE,
        conversation="D0",
        target_kind=TargetKind.USER,
        target_ref="U0",
        target_name="you",
        message="",
        phrase="remind me to stand up",
        tz="UTC",
        state=ReminderState.SCHEDULED,
        origin=Origin.CHAT,
        next_due=now,
        created_by=f"slack:{WORKSPACE}:U0",
    )
    values = new_reminder_values(base)
    rows = []
    for i in range(count):
        user = f"U{i % RECIPIENTS}"
        key = f"slack:{WORKSPACE}:{user}"
        rows.append(
            values
            | {
                "owner": key,
                "created_by": key,
                "conversation": f"D{i % RECIPIENTS}",
                "target_ref": user,
                "message": f"task {i}",
                "next_due": due[i],
                "occurrence_due": due[i],
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def fill(db: Db, due: list[datetime]) -> None:
    """Migrate ``db`` and store one one-off reminder per due time (bulk Core inserts)."""
    engine = make_engine(db.url, schema=db.schema)
    try:
        await upgrade_async(engine)
        rows = _rows(len(due), due, datetime.now(UTC))
        for start in range(0, len(rows), CHUNK):
            async with engine.begin() as conn:
                await conn.execute(insert(REMINDERS), rows[start : start + CHUNK])
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class Stored:
    """What the database says once the run is over."""

    scheduled: int  # reminders still waiting to be delivered
    sent: int  # occurrences recorded as sent
    retried: int  # occurrences claimed more than once (a killed process had them)
    due_at: dict[int, datetime]  # occurrence id -> its due time


async def stored(db: Db) -> Stored:
    engine = make_engine(db.url, schema=db.schema)
    try:
        async with engine.connect() as conn:
            scheduled = await conn.scalar(
                select(func.count()).where(REMINDERS.c.state == ReminderState.SCHEDULED.value)
            )
            sent = await conn.scalar(select(func.count()).where(OCCURRENCES.c.state == "sent"))
            retried = await conn.scalar(select(func.count()).where(OCCURRENCES.c.attempts > 1))
            rows = (await conn.execute(select(OCCURRENCES.c.id, OCCURRENCES.c.due_at))).all()
    finally:
        await engine.dispose()
    due_at = {int(oid): (when if when.tzinfo else when.replace(tzinfo=UTC)) for oid, when in rows}
    return Stored(int(scheduled or 0), int(sent or 0), int(retried or 0), due_at)


# --- what the platform saw -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Post:
    reminder: int
    occurrence: int
    token: str  # which worker posted it
    at: float  # wall-clock seconds when the stand-in received it


def posts(slack: FakeSlack) -> list[Post]:
    """Every tagged ``chat.postMessage`` the stand-in accepted, in order received."""
    seen = []
    for call in slack.calls_to("chat.postMessage"):
        meta = call.args.get("metadata")
        if call.status != 200 or not isinstance(meta, dict):
            continue
        payload = meta.get("event_payload") or {}
        seen.append(
            Post(
                int(payload["reminder"]),
                int(payload["occurrence"]),
                call.token,
                call.wall,  # not monotonic + an offset: the wall clock may be slewed meanwhile
            )
        )
    return seen


def stored_posts(slack: FakeSlack) -> Counter[int]:
    """Messages in the stand-in's conversations, counted per reminder (what users see)."""
    per_reminder: Counter[int] = Counter()
    for messages in slack.web.messages.values():
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if "reminder" in payload:
                per_reminder[int(payload["reminder"])] += 1
    return per_reminder


def posted(slack: FakeSlack) -> int:
    """Messages the stand-in holds (cheap enough to poll while it serves)."""
    return sum(len(messages) for messages in slack.web.messages.values())


@dataclass(frozen=True, slots=True)
class Tally:
    expected: int
    delivered: int  # reminders posted at least once
    lost: int  # reminders never posted
    duplicated: int  # posts beyond the first, over all reminders

    @staticmethod
    def of(slack: FakeSlack, expected: int) -> Tally:
        counts = stored_posts(slack)
        return Tally(
            expected=expected,
            delivered=len(counts),
            lost=expected - len(counts),
            duplicated=sum(n - 1 for n in counts.values()),
        )


# --- processes -------------------------------------------------------------------------


class Worker:
    """One ``tests.slack_worker`` process."""

    def __init__(self, proc: asyncio.subprocess.Process, token: str, log: Path) -> None:
        self.proc = proc
        self.token = token
        self.log = log

    @staticmethod
    async def start(db: Db, slack: FakeSlack, token: str, *extra: str) -> Worker:
        # stderr goes to a file: a pipe nobody reads would block a worker that logs a lot.
        fd, name = tempfile.mkstemp(prefix=f"remindbot-{token}-", suffix=".log")
        os.close(fd)
        log = Path(name)
        args = [sys.executable, "-m", "tests.slack_worker", db.url, slack.api_url]
        args += ["--token", token, *extra]
        if db.schema:
            args += ["--schema", db.schema]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        err = os.open(log, os.O_WRONLY | os.O_TRUNC)
        try:
            proc = await asyncio.create_subprocess_exec(
                *args,
                cwd=ROOT,
                env=env,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
            )
        finally:
            os.close(err)
        return Worker(proc, token, log)

    def errors(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    async def ready(self) -> None:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=60)
        if line.strip() != b"ready":
            await self.proc.wait()
            raise RuntimeError(f"worker did not start: {line!r}\n{self.errors()}")

    async def stop(self) -> None:
        """SIGTERM, and the process must exit 0 (a crash would hide a lost delivery)."""
        try:
            if self.proc.returncode is None:
                self.proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(self.proc.communicate(), timeout=60)
            if self.proc.returncode != 0:
                raise RuntimeError(f"worker exited {self.proc.returncode}:\n{self.errors()}")
        finally:
            self.log.unlink(missing_ok=True)

    async def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        await self.proc.stdin.drain()

    async def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.log.unlink(missing_ok=True)


def _children_cpu() -> float:
    """CPU seconds of the child processes that have exited and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _until(ready: Any, seconds: float, what: str, every: float = 0.005) -> None:
    deadline = time.monotonic() + seconds
    while not await ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {seconds:.0f} s")
        await asyncio.sleep(every)


async def _all_recorded(db: Db) -> bool:
    """Nothing left scheduled: every reminder's outcome is written, none can post again."""
    engine = make_engine(db.url, schema=db.schema)
    try:
        async with engine.connect() as conn:
            left = await conn.scalar(
                select(func.count()).where(REMINDERS.c.state == ReminderState.SCHEDULED.value)
            )
    finally:
        await engine.dispose()
    return left == 0


# --- kill -9 during a burst ------------------------------------------------------------


@dataclass(slots=True)
class KillRun:
    backend: str
    processes: int
    reminders: int
    seed: int
    kills: list[tuple[float, int]] = field(default_factory=list)  # (s into the run, posts)
    tally: Tally | None = None
    sent_recorded: int = 0
    retried: int = 0  # occurrences taken over from a killed process
    seconds: float = 0.0


async def kill9_run(
    db: Db,
    backend: str,
    *,
    reminders: int,
    kills: int,
    processes: int,
    seed: int,
    lease: float = 6.0,
) -> KillRun:
    """``reminders`` due at once, ``processes`` workers; ``kills`` times, when the posts
    reach a seeded random count, one worker (seeded random choice) gets SIGKILL and a
    fresh one starts in its place. Ends when the database has nothing left scheduled."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    await fill(db, [now - timedelta(seconds=rng.uniform(0, 60)) for _ in range(reminders)])
    run = KillRun(backend, processes, reminders, seed)
    marks = sorted(rng.sample(range(1, reminders), kills))
    extra = ("--lease", str(lease))
    async with FakeSlack() as slack:
        slack.web.wall_clock_ts = True  # find_delivered looks back to a wall-clock time
        workers = [await Worker.start(db, slack, f"xoxb-p{i}", *extra) for i in range(processes)]
        for worker in workers:
            await worker.ready()
        # A restarted worker is not waited for: the others go on delivering meanwhile, and
        # the next kill takes one that is up, so every kill lands while posts are made.
        starting: dict[int, asyncio.Task[None]] = {}
        began = time.monotonic()
        try:
            for mark in marks:

                async def reached(mark: int = mark) -> bool:
                    return posted(slack) >= mark

                await _until(reached, 120, f"{mark} posts")
                up = [i for i in range(processes) if i not in starting or starting[i].done()]
                if not up:
                    await asyncio.wait(starting.values(), return_when=asyncio.FIRST_COMPLETED)
                    up = [i for i in range(processes) if starting[i].done()]
                victim = rng.choice(up)
                if victim in starting:
                    await starting.pop(victim)  # raises if it failed to start
                await workers[victim].kill9()
                run.kills.append((time.monotonic() - began, posted(slack)))
                workers[victim] = await Worker.start(db, slack, f"xoxb-p{victim}", *extra)
                starting[victim] = asyncio.create_task(workers[victim].ready())
            for task in starting.values():
                await task

            async def done() -> bool:
                return await _all_recorded(db)

            # The last victim's leases must run out before its claims are taken again.
            await _until(done, lease * 4 + 120, "every reminder recorded", every=0.25)
            run.seconds = time.monotonic() - began
        finally:
            for worker in workers:
                await worker.stop()
        run.tally = Tally.of(slack, reminders)
        after = await stored(db)
        run.sent_recorded, run.retried = after.sent, after.retried
    return run


# --- replicas --------------------------------------------------------------------------


@dataclass(slots=True)
class ReplicaRun:
    backend: str
    replicas: int
    reminders: int
    window: float  # the due times spread over this many seconds
    tally: Tally | None = None
    per_replica: dict[str, int] = field(default_factory=dict)
    lateness: list[float] = field(default_factory=list)  # s after due, first post of each
    seconds: float = 0.0  # first due time to last post
    cpu_stand_in: float = 0.0  # CPU seconds of this process (the Slack stand-in) in the run
    cpu_replicas: float = 0.0  # CPU seconds of the replica processes, all together

    def within(self, seconds: float) -> int:
        return sum(1 for late in self.lateness if late <= seconds)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.lateness)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.lateness) if self.lateness else 0.0


async def replicas_run(
    db: Db,
    backend: str,
    *,
    reminders: int,
    replicas: int,
    window: float = 60.0,
    lead: float = 8.0,
) -> ReplicaRun:
    """``replicas`` bots (the app's ``Scheduler`` each) on one database; the reminders fall
    due evenly over ``window`` seconds, the first ``lead`` seconds after the replicas are
    up (time to store them), and the schedulers start once they are stored. Lateness is the
    stand-in's receive time minus the due time."""
    await fill(db, [])  # the schema, before the replicas connect
    run = ReplicaRun(backend, replicas, reminders, window)
    first = datetime.now(UTC) + timedelta(seconds=lead)
    async with FakeSlack() as slack:
        slack.web.wall_clock_ts = True
        workers = [
            await Worker.start(db, slack, f"xoxb-r{i + 1}", "--scheduler") for i in range(replicas)
        ]
        try:
            for worker in workers:
                await worker.ready()
            first = datetime.now(UTC) + timedelta(seconds=lead)
            step = window / reminders
            await fill(db, [first + timedelta(seconds=i * step) for i in range(reminders)])
            if datetime.now(UTC) >= first:
                raise RuntimeError(f"storing the reminders took longer than {lead} s")
            for worker in workers:
                await worker.go()
            cpu, children = time.process_time(), _children_cpu()

            async def done() -> bool:
                return posted(slack) >= reminders and await _all_recorded(db)

            await _until(done, lead + window + 120, "every reminder delivered", every=0.25)
            await asyncio.sleep(1.0)  # a late duplicate would land now
            run.cpu_stand_in = time.process_time() - cpu
        finally:
            for worker in workers:
                await worker.stop()
        run.cpu_replicas = _children_cpu() - children
        run.tally = Tally.of(slack, reminders)
        due_at = (await stored(db)).due_at
        firsts: dict[int, Post] = {}
        for post in posts(slack):
            firsts.setdefault(post.reminder, post)
            run.per_replica[post.token.removeprefix("xoxb-")] = (
                run.per_replica.get(post.token.removeprefix("xoxb-"), 0) + 1
            )
        run.lateness = [post.at - due_at[post.occurrence].timestamp() for post in firsts.values()]
        last = max((post.at for post in firsts.values()), default=first.timestamp())
        run.seconds = last - first.timestamp()
    return run


async def admin(url: str, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP SCHEMA) on ``url``."""
    from sqlalchemy import text

    from storage import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
