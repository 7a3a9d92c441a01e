"""Dispatcher benchmark: remindbot's dispatcher beside one APScheduler job per reminder.

Not a timed test: it prints figures and PASS/MISS against the targets of the issue
(peak RSS < 200 MB and flat from 10,000 to 1,000,000 stored reminders; >= 1,000
deliveries/s on SQLite and >= 2,000/s on PostgreSQL with two processes; fire lateness
p99 < 1 s), on SQLite and on PostgreSQL.

    .venv/bin/python bench/dispatch.py [--full] [--quick] [--only rss,rate,late,peer]
                                        [--backends sqlite,postgresql] [--postgres URL]
    .venv/bin/python bench/dispatch.py --only compare [--before REF] [--rounds 5]

Every measured side runs in its own fresh subprocess, so its imports and peak RSS never
mix with the filling of the database or with the other side's. The database is filled
in the parent with bulk Core inserts; PostgreSQL work happens in schemas of its own,
dropped at the end, SQLite work in a temporary directory.

- rss: the real ``Scheduler`` + ``Dispatcher`` start against 10,000 and then 1,000,000
  stored reminders, 1,000 of them due: it delivers those and arms its timer. Peak RSS.
- rate: 10,000 reminders due in the same minute, ``Dispatcher.drain()`` into a gateway that
  records them; one process, and two processes started together (every occurrence id is
  checked to be delivered exactly once); on a fresh database and on one in use (past
  occurrences stored).
- late: 10,000 reminders spread over 60 s (``--full``: over 10 minutes, as the issue says),
  delivered in real time by the real ``Scheduler`` (APScheduler's timer re-armed at the
  earliest due time); lateness = wall time at the gateway - due time.
- compare: the one-process SQLite rate (10,000 due, a database in use) of this tree and of
  an older commit (``--before``, default main before issue 13's dispatcher work), each
  worker from its own ``git archive`` of the tree, on databases filled alike, in
  alternating order for ``--rounds`` rounds: deliveries/s and CPU per delivery of each
  side, their medians and ratio, against the goal of 5,000/s from one process. The older
  tree must read the current schema (it does: columns were only added since).
- peer: APScheduler 3 with its ``SQLAlchemyJobStore`` (sync SQLAlchemy; sqlite file in WAL
  mode, PostgreSQL through psycopg), one ``date`` job per reminder: time to add 10,000
  jobs to a running scheduler; time to add 100,000 (``--full``: then 1,000,000) to a
  paused one, its fastest path; time to ``start()`` it over those with 1,000 due; the peak
  RSS of each process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import io
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.core.model import Delivery, Reply

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgresql")
SCENARIOS = ("rss", "rate", "late", "peer")  # "compare" only when asked for (--only)
BEFORE = "4b1ce51"  # main before issue 13 changed the dispatcher (SQLite 2,850/s then)
TARGET_ONE_PROCESS = 5000.0  # deliveries/s, SQLite, one process (issue 13)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"

TARGET_RSS_MIB = 200.0
TARGET_RATE = {"sqlite": 1000.0, "postgresql": 2000.0}  # deliveries/s (PostgreSQL: 2 procs)
TARGET_P99_S = 1.0
FLAT_MIB = 10.0  # "flat": 1M stored peaks at most this much above 10k stored

DUE_IN_STORE = 1_000  # of the stored reminders, this many are due when the process starts
BURST = 10_000  # reminders due in the same minute (rate) / spread over the window (late)
RECIPIENTS = 1_000  # distinct users the reminders go to; each has a prefs row
PLATFORM = "bench"
WORKSPACE = "W1"
YEAR_S = 365 * 24 * 3600
CHUNK = 20_000  # rows per bulk INSERT
LATE_LEAD_S = 10.0  # the first reminder of the lateness run is due this long after filling
LATE_GRACE_S = 40.0  # the lateness worker gives up this long after the last due time
HISTORY = 2  # past occurrences per reminder in a "running" database (rate runs)


@dataclass(frozen=True, slots=True)
class Sizes:
    stored: tuple[int, int]  # reminders stored for the two rss runs
    burst: int
    spread_s: float
    peer: tuple[int, ...]  # jobs stored for the peer's start runs (added, scheduler paused)
    peer_live: int  # jobs added to a running scheduler

    @staticmethod
    def pick(quick: bool, full: bool) -> Sizes:
        if quick:
            return Sizes((10_000, 100_000), 2_000, 20.0, (10_000,), 2_000)
        if full:
            return Sizes((10_000, 1_000_000), BURST, 600.0, (100_000, 1_000_000), 10_000)
        return Sizes((10_000, 1_000_000), BURST, 60.0, (100_000,), 10_000)


# --- what the workers report (JSON across the process boundary) ------------------------


@dataclass(slots=True)
class RssResult:
    stored: int
    delivered: int
    start_s: float  # Scheduler.start(): deliver the due ones and arm the timer
    import_rss_kib: int
    peak_rss_kib: int


@dataclass(slots=True)
class RateResult:
    started: float  # wall clock (time.time()) at "go"
    finished: float
    delivered: int
    occurrence_ids: list[int]
    peak_rss_kib: int
    cpu_s: float = 0.0  # the worker's CPU from "go" to its exit (read by the parent)


@dataclass(slots=True)
class CompareRun:
    side: str  # "before" or "after"
    rate: float
    cpu_us: float  # CPU per delivery, both threads (the loop and aiosqlite's)
    exact: bool  # every reminder delivered once and recorded sent


@dataclass(slots=True)
class RateRun:
    history: bool
    procs: int
    reminders: int
    rate: float
    delivered: int
    duplicates: int
    sent_rows: int  # occurrences in state "sent" afterwards, history excluded
    left_due: int  # reminders still scheduled afterwards
    per_process: list[int]
    peak_rss_kib: int

    @property
    def exact(self) -> bool:
        n = self.reminders
        return self.delivered == self.sent_rows == n and not self.duplicates and not self.left_due


@dataclass(slots=True)
class LateResult:
    expected: int
    delivered: int
    spread_s: float
    p50_s: float
    p99_s: float
    max_s: float
    min_s: float
    over_1s: int
    peak_rss_kib: int


@dataclass(slots=True)
class PeerAdd:
    added: int
    add_s: float
    due_at: float  # wall clock at which the last DUE_IN_STORE jobs come due
    peak_rss_kib: int


@dataclass(slots=True)
class PeerStart:
    stored: int
    start_s: float  # start() returned
    wakeup_s: float  # first _process_jobs done: due jobs submitted, next wakeup computed
    fired_s: float  # all due jobs have run
    fired: int
    peak_rss_kib: int


@dataclass(slots=True)
class PeerRun:
    stored: int
    add_s: float  # cumulative time to add every job stored (runs added up)
    added: int
    add_rss_kib: int
    start: PeerStart


@dataclass(slots=True)
class Results:
    rss: dict[str, list[RssResult]] = field(default_factory=dict)
    rate: dict[str, list[RateRun]] = field(default_factory=dict)
    late: dict[str, LateResult] = field(default_factory=dict)
    peer: dict[str, list[PeerRun]] = field(default_factory=dict)
    peer_live: dict[str, PeerAdd] = field(default_factory=dict)
    compare: list[CompareRun] = field(default_factory=list)
    before: str = ""
    skipped: dict[str, str] = field(default_factory=dict)


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: ``VmHWM``, else ``ru_maxrss``.

    Linux carries ``ru_maxrss`` across ``execve``: a worker started by a parent that has
    grown (filling a million rows) would report the parent's peak. ``VmHWM`` is the
    high-water mark of the process's own address space.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# --- databases -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Db:
    """One scratch database: a SQLite file, or a schema of the PostgreSQL database."""

    backend: str
    url: str  # plain URL, as a user writes it (storage picks the async driver)
    schema: str | None = None

    def engine(self) -> AsyncEngine:
        from storage import make_engine

        return make_engine(self.url, schema=self.schema)

    def args(self) -> list[str]:
        return ["--url", self.url, *(["--schema", self.schema] if self.schema else [])]


class Scratch:
    """Makes fresh databases and removes them all at the end."""

    def __init__(self, postgres: str) -> None:
        self.postgres = postgres
        self.dir = Path(tempfile.mkdtemp(prefix="remindbot-bench-"))
        self.schemas: list[str] = []
        self.count = 0

    def new(self, backend: str, name: str, *, migrate: bool = True) -> Db:
        self.count += 1
        if backend == "sqlite":
            db = Db(backend, f"sqlite:///{self.dir / f'{self.count}-{name}.db'}")
        else:
            schema = f"bench_{os.getpid()}_{self.count}_{name}"
            self.schemas.append(schema)  # first: dropped at the end even if a step fails
            asyncio.run(_admin(self.postgres, f'CREATE SCHEMA "{schema}"'))
            db = Db(backend, self.postgres, schema)
        if migrate:
            asyncio.run(_migrate(db))
        return db

    def drop(self, db: Db) -> None:
        if db.schema is not None:
            asyncio.run(_admin(self.postgres, f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE'))
            self.schemas.remove(db.schema)
        else:
            path = Path(db.url.removeprefix("sqlite:///"))
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)

    def close(self) -> None:
        for schema in list(self.schemas):
            asyncio.run(_admin(self.postgres, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.schemas.clear()
        shutil.rmtree(self.dir, ignore_errors=True)


async def _admin(url: str, sql: str) -> Any:
    from sqlalchemy import text

    from storage import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            result = await conn.execute(text(sql))
            return result.scalar() if result.returns_rows else None
    finally:
        await engine.dispose()


async def _migrate(db: Db) -> None:
    from storage import upgrade_async

    engine = db.engine()
    try:
        await upgrade_async(engine)
    finally:
        await engine.dispose()


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or ``None`` when it answers."""
    try:
        asyncio.run(_admin(url, "SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


# --- filling ---------------------------------------------------------------------------


def _template() -> dict[str, Any]:
    from bot.core.model import NewReminder, Origin, ReminderState, TargetKind
    from storage.mapping import new_reminder_values

    new = NewReminder(
        owner=f"{PLATFORM}:{WORKSPACE}:U0",
        platform=PLATFORM,
        workspace=WORKSPACE,
        conversation="D1",
        target_kind=TargetKind.USER,
        target_ref="U0",
        target_name="you",
        message="",
        phrase="remind me tomorrow at 9am to send the weekly report",
        tz="Europe/Copenhagen",
        state=ReminderState.SCHEDULED,
        origin=Origin.CHAT,
        next_due=datetime.now(UTC),
        created_by=f"{PLATFORM}:{WORKSPACE}:U0",
    )
    return new_reminder_values(new)


def reminder_rows(
    first: int, count: int, due: Callable[[int], datetime], label: str, now: datetime
) -> list[dict[str, Any]]:
    """Rows for one-off reminders ``first`` .. ``first + count - 1`` to RECIPIENTS users."""
    base = _template()
    rows = []
    for i in range(first, first + count):
        key = f"{PLATFORM}:{WORKSPACE}:U{i % RECIPIENTS}"
        when = due(i)
        rows.append(
            base
            | {
                "owner": key,
                "created_by": key,
                "target_ref": f"U{i % RECIPIENTS}",
                "message": f"{label} {i}",
                "next_due": when,
                "occurrence_due": when,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def _fill(
    db: Db, first: int, count: int, due: Callable[[int], datetime], label: str, history: int
) -> None:
    from sqlalchemy import insert, select, text

    from bot.core.model import UserPrefs
    from storage.mapping import prefs_values
    from storage.models import OCCURRENCES, REMINDERS, USERS

    now = datetime.now(UTC)
    engine = db.engine()
    try:
        async with engine.begin() as conn:
            if not (await conn.execute(select(USERS.c.id).limit(1))).first():
                users = [
                    prefs_values(UserPrefs(key=f"{PLATFORM}:{WORKSPACE}:U{i}", tz="Europe/Berlin"))
                    | {"key": f"{PLATFORM}:{WORKSPACE}:U{i}", "created_at": now, "updated_at": now}
                    for i in range(RECIPIENTS)
                ]
                await conn.execute(insert(USERS), users)
        for start in range(first, first + count, CHUNK):
            rows = reminder_rows(start, min(CHUNK, first + count - start), due, label, now)
            async with engine.begin() as conn:
                await conn.execute(insert(REMINDERS), rows)
        if history:
            # A database in use: each reminder was delivered ``history`` times before.
            async with engine.begin() as conn:
                stored = (await conn.execute(select(REMINDERS.c.id, REMINDERS.c.next_due))).all()
                past = [
                    {"reminder_id": rid, "due_at": when - timedelta(days=k + 1), "state": "sent",
                     "attempts": 1, "claimed_at": when - timedelta(days=k + 1),
                     "sent_at": when - timedelta(days=k + 1), "message_ref": f"old:{rid}:{k}"}
                    for rid, when in stored
                    for k in range(history)
                ]  # fmt: skip
                for start in range(0, len(past), CHUNK):
                    await conn.execute(insert(OCCURRENCES), past[start : start + CHUNK])
        if db.backend == "postgresql":
            # Fresh statistics, as autovacuum would soon gather them; makes runs repeatable.
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


def fill(
    db: Db, first: int, count: int, due: Callable[[int], datetime], label: str, history: int = 0
) -> float:
    start = time.perf_counter()
    asyncio.run(_fill(db, first, count, due, label, history))
    return time.perf_counter() - start


def future_due(now: datetime) -> Callable[[int], datetime]:
    """Not due: scattered over the year from an hour after ``now``."""
    return lambda i: now + timedelta(hours=1, seconds=(i * 7919) % YEAR_S)


def past_due(now: datetime, window_s: float, count: int) -> Callable[[int], datetime]:
    """Due: spread evenly over the ``window_s`` seconds before ``now``."""
    step = window_s / max(count, 1)
    return lambda i: now - timedelta(seconds=window_s - (i % count) * step)


async def _redue(db: Db, label: str) -> int:
    """Make the reminders labelled ``label`` (delivered by now) due again, new occurrences."""
    from sqlalchemy import update

    from storage.models import REMINDERS

    due = datetime.now(UTC) - timedelta(seconds=30)
    stmt = (
        update(REMINDERS)
        .where(REMINDERS.c.message.startswith(f"{label} "))
        .values(state="scheduled", next_due=due, occurrence_due=due, lease_until=None)
    )
    engine = db.engine()
    try:
        async with engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount
    finally:
        await engine.dispose()


async def _after_rate(db: Db) -> tuple[int, int]:
    """(occurrences sent, reminders still scheduled) once the rate workers are done."""
    from sqlalchemy import func, select

    from storage.models import OCCURRENCES, REMINDERS

    engine = db.engine()
    try:
        async with engine.connect() as conn:
            sent = await conn.scalar(
                select(func.count()).where(
                    OCCURRENCES.c.state == "sent", OCCURRENCES.c.message_ref.startswith("rec:")
                )
            )
            left = await conn.scalar(select(func.count()).where(REMINDERS.c.state == "scheduled"))
    finally:
        await engine.dispose()
    return int(sent or 0), int(left or 0)


# --- remindbot workers (each in its own process) ---------------------------------------


class RecordingGateway:
    """The platform stand-in: records each delivery and when it happened."""

    platform = PLATFORM

    def __init__(self, expect: int = 0) -> None:
        self.occurrence_ids: list[int] = []
        self.lateness: list[float] = []
        self.expect = expect
        self.all_delivered = asyncio.Event()

    async def deliver(self, delivery: Delivery) -> str:
        self.lateness.append(time.time() - delivery.occurrence.due_at.timestamp())
        self.occurrence_ids.append(delivery.occurrence.id)
        if len(self.occurrence_ids) == self.expect:
            self.all_delivered.set()
        return f"rec:{delivery.occurrence.id}"

    async def update(self, message_ref: str, reply: Reply) -> None:
        return None

    async def notify(self, owner: str, reply: Reply) -> None:
        return None

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        return None  # a benchmark run is never killed halfway


def _wire(args: argparse.Namespace) -> tuple[Any, Any, Any, RecordingGateway]:
    """The app's wiring (``bot.app.build``) with default settings, minus platforms."""
    from bot.clock import SystemClock
    from bot.core.dispatch import Dispatcher
    from bot.scheduler import Scheduler
    from storage import SqlReminderRepository, make_engine

    engine = make_engine(args.url, schema=args.schema)
    clock = SystemClock()
    repo = SqlReminderRepository(engine, clock=clock)
    gateway = RecordingGateway(args.expect)
    dispatcher = Dispatcher(repo, {PLATFORM: gateway}, clock)
    return engine, dispatcher, Scheduler(dispatcher, repo, clock), gateway


async def worker_rss(args: argparse.Namespace) -> RssResult:
    engine, _, scheduler, gateway = _wire(args)
    import_rss = peak_rss_kib()
    try:
        start = time.perf_counter()
        await scheduler.start()
        start_s = time.perf_counter() - start
        await asyncio.sleep(0.5)  # let the armed timer and the sweep job settle
        await scheduler.stop()
        await asyncio.sleep(0)
    finally:
        await engine.dispose()
    return RssResult(args.stored, len(gateway.occurrence_ids), start_s, import_rss, peak_rss_kib())


async def worker_rate(args: argparse.Namespace) -> RateResult:
    engine, dispatcher, _, gateway = _wire(args)
    try:
        await dispatcher.repo.next_due()  # connect before the clock starts
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        started = time.time()
        total = await dispatcher.drain()
        while total and await dispatcher.run_due():
            pass  # as tests/engine_worker.py: take what another process left
        finished = time.time()
    finally:
        await engine.dispose()
    ids = gateway.occurrence_ids
    return RateResult(started, finished, len(ids), ids, peak_rss_kib())


async def worker_late(args: argparse.Namespace) -> LateResult:
    engine, _, scheduler, gateway = _wire(args)
    deadline = args.last_due + LATE_GRACE_S
    try:
        await scheduler.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(gateway.all_delivered.wait(), deadline - time.time())
        await asyncio.sleep(0.5)  # let the last tick record its outcomes
        await scheduler.stop()
        await asyncio.sleep(0)
    finally:
        await engine.dispose()
    late = sorted(gateway.lateness) or [float("nan")]
    cuts = statistics.quantiles(late, n=100, method="inclusive") if len(late) > 1 else late * 99
    return LateResult(
        expected=args.expect,
        delivered=len(gateway.lateness),
        spread_s=args.spread,
        p50_s=statistics.median(late),
        p99_s=cuts[98],
        max_s=late[-1],
        min_s=late[0],
        over_1s=sum(x > 1.0 for x in late),
        peak_rss_kib=peak_rss_kib(),
    )


# --- the peer: APScheduler 3, one job per reminder in its SQLAlchemyJobStore ------------

_fired = 0
_fired_lock = threading.Lock()
_all_fired = threading.Event()
_expect_fired = 0


def peer_job(reminder: int) -> None:
    """The peer's "delivery": a trivial module-level job function (APScheduler stores a ref)."""
    global _fired
    with _fired_lock:
        _fired += 1
        if _fired >= _expect_fired:
            _all_fired.set()


def _peer_scheduler(args: argparse.Namespace, probe: threading.Event | None = None) -> Any:
    """A ``BackgroundScheduler`` over ``SQLAlchemyJobStore``, configured as remindbot's is."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    url = make_url(args.url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url.set(drivername="sqlite"))

        def wal(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")  # as remindbot's engine

        event.listen(engine, "connect", wal)
    else:
        engine = create_engine(url.set(drivername="postgresql+psycopg"))

    class Probe(BackgroundScheduler):  # type: ignore[misc]
        def _process_jobs(self) -> float | None:
            wait: float | None = super()._process_jobs()
            if probe is not None and self.state == 1:  # STATE_RUNNING
                probe.set()
            return wait

    return Probe(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tableschema=args.schema)},
        timezone=UTC,
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


def worker_peer_add(args: argparse.Namespace) -> PeerAdd:
    """Add ``args.count`` future jobs, then ``args.due`` that come due soon.

    ``--paused`` starts the scheduler paused: each add is then one INSERT and commit. A
    running scheduler (a live bot) is also woken by every add and queries its store twice.
    """
    scheduler = _peer_scheduler(args)
    scheduler.start(paused=args.paused)
    base = datetime.now(UTC) + timedelta(hours=1)
    start = time.perf_counter()
    for i in range(args.offset, args.offset + args.count):
        when = base + timedelta(seconds=(i * 7919) % YEAR_S)
        scheduler.add_job(peer_job, "date", run_date=when, args=[i], id=f"r{i}")
    per_add = (time.perf_counter() - start) / max(args.count, 1)
    # Due after this process has stopped (a running scheduler would fire them), before
    # the start run begins.
    due_at = time.time() + (1.0 if args.paused else max(5.0, 3 * per_add * args.due))
    first = args.offset + args.count
    for i in range(first, first + args.due):
        when = datetime.fromtimestamp(due_at, UTC)
        scheduler.add_job(peer_job, "date", run_date=when, args=[i], id=f"r{i}")
    add_s = time.perf_counter() - start
    scheduler.shutdown(wait=False)
    return PeerAdd(args.count + args.due, add_s, due_at, peak_rss_kib())


def worker_peer_start(args: argparse.Namespace) -> PeerStart:
    global _expect_fired
    _expect_fired = args.due
    probe = threading.Event()
    scheduler = _peer_scheduler(args, probe)
    start = time.perf_counter()
    scheduler.start()
    start_s = time.perf_counter() - start
    probe.wait(timeout=600)
    wakeup_s = time.perf_counter() - start
    _all_fired.wait(timeout=600)
    fired_s = time.perf_counter() - start
    scheduler.shutdown(wait=True)
    return PeerStart(args.stored, start_s, wakeup_s, fired_s, _fired, peak_rss_kib())


# --- subprocess orchestration ----------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _cmd(mode: str, db: Db, *extra: str, tree: Path = ROOT) -> list[str]:
    return [sys.executable, str(tree / "bench" / "dispatch.py"), "--worker", mode, *db.args(),
            *extra]  # fmt: skip


def run_worker(mode: str, db: Db, *extra: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and read the JSON on its last stdout line."""
    done = subprocess.run(
        _cmd(mode, db, *extra), cwd=ROOT, env=_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {mode} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _cpu_s(pid: int) -> float:
    """A process's CPU so far (user + system, all threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_together(mode: str, db: Db, procs: int, tree: Path = ROOT) -> list[dict[str, Any]]:
    """Start ``procs`` workers, wait until each is ready, then say "go" to all at once.

    ``tree``: whose ``bench/dispatch.py``, ``bot`` and ``storage`` the workers run. With
    one worker its result gets ``cpu_s``, its CPU from "go" to its exit: what the reaped
    children used in all (``RUSAGE_CHILDREN``) less what it had used when it was ready
    (/proc; Linux only, else 0)."""
    children = _children_cpu_s()
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))
    workers = [
        subprocess.Popen(
            _cmd(mode, db, tree=tree),
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(procs)
    ]
    at_go: dict[int, float] = {}
    try:
        for proc in workers:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"worker {mode} did not get ready: {line!r}")
        for proc in workers:
            with contextlib.suppress(OSError):
                at_go[proc.pid] = _cpu_s(proc.pid)
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in workers:
            out, err = proc.communicate(timeout=900)
            if proc.returncode != 0:
                raise RuntimeError(f"worker {mode} failed:\n{err[-4000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        if procs == 1 and at_go:
            results[0]["cpu_s"] = _children_cpu_s() - children - sum(at_go.values())
        return results
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- scenarios -------------------------------------------------------------------------


def scenario_rss(scratch: Scratch, backend: str, sizes: Sizes) -> list[RssResult]:
    """The same database, first with the smaller number of reminders stored, then grown."""
    db = scratch.new(backend, "rss")
    out = []
    try:
        now = datetime.now(UTC)
        small, large = sizes.stored
        took = fill(db, 0, DUE_IN_STORE, past_due(now, 60, DUE_IN_STORE), "due")
        took += fill(db, DUE_IN_STORE, small - DUE_IN_STORE, future_due(now), "task")
        say(f"  {backend}: {small:,} stored ({took:.1f} s to fill); starting the dispatcher")
        out.append(RssResult(**run_worker("rss", db, "--stored", str(small))))
        took = fill(db, small, large - small, future_due(now), "task")
        asyncio.run(_redue(db, "due"))
        say(f"  {backend}: {large:,} stored ({took:.1f} s to fill); starting the dispatcher")
        out.append(RssResult(**run_worker("rss", db, "--stored", str(large))))
    finally:
        scratch.drop(db)
    return out


def scenario_rate(scratch: Scratch, backend: str, sizes: Sizes) -> list[RateRun]:
    """Fresh database, 1 and 2 processes; then a database in use, 1 and 2 processes."""
    out = []
    for history, procs in ((False, 1), (False, 2), (True, 1), (True, 2)):
        db = scratch.new(backend, f"rate{procs}")
        try:
            now = datetime.now(UTC)
            due = past_due(now, 60, sizes.burst)
            fill(db, 0, sizes.burst, due, "burst", HISTORY if history else 0)
            state = "with history" if history else "fresh"
            say(
                f"  {backend}: {sizes.burst:,} due in the same minute; {state}; {procs} process(es)"
            )
            got = [RateResult(**r) for r in run_together("rate", db, procs)]
            sent, left = asyncio.run(_after_rate(db))
        finally:
            scratch.drop(db)
        ids = [i for r in got for i in r.occurrence_ids]
        wall = max(r.finished for r in got) - min(r.started for r in got)
        out.append(
            RateRun(
                history=history,
                procs=procs,
                reminders=sizes.burst,
                rate=len(ids) / wall,
                delivered=len(ids),
                duplicates=len(ids) - len(set(ids)),
                sent_rows=sent,
                left_due=left,
                per_process=[r.delivered for r in got],
                peak_rss_kib=max(r.peak_rss_kib for r in got),
            )
        )
    return out


def scenario_late(scratch: Scratch, backend: str, sizes: Sizes) -> LateResult:
    db = scratch.new(backend, "late")
    try:
        n, spread = sizes.burst, sizes.spread_s
        first = datetime.now(UTC) + timedelta(seconds=LATE_LEAD_S)
        step = spread / n
        fill(db, 0, n, lambda i: first + timedelta(seconds=(i + 1) * step), "late")
        last = (first + timedelta(seconds=spread)).timestamp()
        say(f"  {backend}: {n:,} due over {spread:.0f} s from {first:%H:%M:%S} UTC (real time)")
        extra = ["--expect", str(n), "--spread", str(spread), "--last-due", str(last)]
        return LateResult(**run_worker("late", db, *extra))
    finally:
        scratch.drop(db)


def scenario_peer(scratch: Scratch, backend: str, sizes: Sizes) -> list[PeerRun]:
    """Grow one job store: N jobs (DUE_IN_STORE of them due at start), start; then more."""
    db = scratch.new(backend, "peer", migrate=False)
    out: list[PeerRun] = []
    try:
        stored_future = added = 0
        add_s = 0.0
        add_rss = 0
        for n in sizes.peer:
            count = n - DUE_IN_STORE - stored_future
            say(f"  {backend}: adding {count + DUE_IN_STORE:,} APScheduler jobs ({n:,} stored)")
            extra = ["--count", str(count), "--offset", str(added), "--due", str(DUE_IN_STORE)]
            add = PeerAdd(**run_worker("peer-add", db, *extra, "--paused"))
            add_s += add.add_s
            added += add.added
            add_rss = max(add_rss, add.peak_rss_kib)
            stored_future += count
            time.sleep(max(0.0, add.due_at - time.time()) + 1.0)
            say(f"  {backend}: starting APScheduler over {n:,} jobs, {DUE_IN_STORE:,} due")
            extra = ["--stored", str(n), "--due", str(DUE_IN_STORE)]
            start = PeerStart(**run_worker("peer-start", db, *extra))
            out.append(PeerRun(n, add_s, added, add_rss, start))
    finally:
        scratch.drop(db)
    return out


def source_tree(ref: str, into: Path) -> Path:
    """``ref``'s ``bot``, ``storage`` and ``bench`` (``git archive``), extracted in ``into``."""
    tree = into / f"tree-{ref}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "bot", "storage", "bench"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {ref}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def scenario_compare(scratch: Scratch, sizes: Sizes, before: Path, rounds: int) -> list[CompareRun]:
    """This tree and ``before``, one SQLite process each, in alternating order."""
    out = []
    for index in range(rounds):
        sides = [("before", before), ("after", ROOT)]
        for side, tree in sides if index % 2 == 0 else sides[::-1]:
            db = scratch.new("sqlite", f"compare-{side}")
            try:
                fill(db, 0, sizes.burst, past_due(datetime.now(UTC), 60, sizes.burst), "burst",
                     HISTORY)  # fmt: skip
                (got,) = [RateResult(**r) for r in run_together("rate", db, 1, tree)]
                sent, left = asyncio.run(_after_rate(db))
            finally:
                scratch.drop(db)
            ids = got.occurrence_ids
            exact = len(ids) == len(set(ids)) == sent == sizes.burst and not left
            rate = len(ids) / (got.finished - got.started)
            out.append(CompareRun(side, rate, got.cpu_s / max(len(ids), 1) * 1e6, exact))
            say(f"  round {index + 1}, {side}: {rate:,.0f}/s, {out[-1].cpu_us:.0f} µs CPU each")
    return out


def compare_rows(res: Results) -> list[Row]:
    runs = {side: [r for r in res.compare if r.side == side] for side in ("before", "after")}
    rate = {side: statistics.median(r.rate for r in got) for side, got in runs.items()}
    cpu = {side: statistics.median(r.cpu_us for r in got) for side, got in runs.items()}
    rows: list[Row] = []
    for side, got in runs.items():
        name = f"{side} ({res.before})" if side == "before" else "after (this tree)"
        rows.append((name, " / ".join(f"{r.rate:,.0f}" for r in got), f"{rate[side]:,.0f}",
                     f"{cpu[side]:.0f}", "yes" if all(r.exact for r in got) else "NO"))  # fmt: skip
    rows.append(("after / before", "", f"{rate['after'] / rate['before']:.2f}x",
                 f"{cpu['after'] / cpu['before']:.2f}x", ""))  # fmt: skip
    return rows


def scenario_peer_live(scratch: Scratch, backend: str, sizes: Sizes) -> PeerAdd:
    """Adds into a running scheduler, as a live bot makes them (a smaller number)."""
    db = scratch.new(backend, "peerlive", migrate=False)
    try:
        say(f"  {backend}: adding {sizes.peer_live:,} APScheduler jobs, scheduler running")
        extra = ["--count", str(sizes.peer_live), "--offset", "0", "--due", "0"]
        return PeerAdd(**run_worker("peer-add", db, *extra))
    finally:
        scratch.drop(db)


# --- report ----------------------------------------------------------------------------


def mib(kib: int) -> float:
    return kib / 1024


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


Row = tuple[str, ...]


def _cells(res: Results, get: Callable[[str], str | None]) -> list[str]:
    cells = []
    for backend in BACKENDS:
        try:
            value = get(backend)
        except (KeyError, IndexError):
            value = None
        cells.append("-" if value is None else value)
    return cells


def _marks(res: Results, ok: Callable[[str], bool | None]) -> list[str]:
    out = []
    for backend in BACKENDS:
        try:
            verdict = ok(backend)
        except (KeyError, IndexError):
            verdict = None
        out.append("" if verdict is None else mark(verdict))
    return out


def remindbot_rows(res: Results, sizes: Sizes) -> list[Row]:
    rows: list[Row] = []

    def add(
        name: str,
        get: Callable[[str], str | None],
        target: str = "",
        ok: Callable[[str], bool | None] | None = None,
    ) -> None:
        verdicts = _marks(res, ok) if ok else ["", ""]
        rows.append((name, *_cells(res, get), target, *verdicts))

    small, large = sizes.stored
    rss, rate, late = res.rss, res.rate, res.late

    def peak(b: str, i: int) -> float:
        return mib(rss[b][i].peak_rss_kib)

    def run(b: str, history: bool, procs: int) -> RateRun:
        return next(r for r in rate[b] if (r.history, r.procs) == (history, procs))

    def rate_ok(b: str, procs: int) -> bool | None:
        # The targets: SQLite with one process, PostgreSQL with two.
        if (b == "sqlite") != (procs == 1):
            return None
        return run(b, True, procs).rate >= TARGET_RATE[b]

    add("RSS after imports (MiB)", lambda b: f"{mib(rss[b][0].import_rss_kib):.1f}")
    add(f"peak RSS, {small:,} stored (MiB)", lambda b: f"{peak(b, 0):.1f}", "< 200",
        lambda b: peak(b, 0) < TARGET_RSS_MIB)  # fmt: skip
    add(f"peak RSS, {large:,} stored (MiB)", lambda b: f"{peak(b, 1):.1f}", "< 200",
        lambda b: peak(b, 1) < TARGET_RSS_MIB)  # fmt: skip
    add(f"RSS growth {small:,} -> {large:,} (MiB)", lambda b: f"{peak(b, 1) - peak(b, 0):+.1f}",
        f"flat (<= {FLAT_MIB:.0f})", lambda b: peak(b, 1) - peak(b, 0) <= FLAT_MIB)  # fmt: skip
    add(f"start + deliver {DUE_IN_STORE:,} due, {small:,} stored (s)",
        lambda b: f"{rss[b][0].start_s:.2f}")  # fmt: skip
    add(f"start + deliver {DUE_IN_STORE:,} due, {large:,} stored (s)",
        lambda b: f"{rss[b][1].start_s:.2f}")  # fmt: skip
    add(f"deliveries/s, {sizes.burst:,} due, in use, 1 process",
        lambda b: f"{run(b, True, 1).rate:,.0f}", ">= 1,000 (sqlite)",
        lambda b: rate_ok(b, 1))  # fmt: skip
    add(f"deliveries/s, {sizes.burst:,} due, in use, 2 processes",
        lambda b: f"{run(b, True, 2).rate:,.0f}", ">= 2,000 (pg)",
        lambda b: rate_ok(b, 2))  # fmt: skip
    add("  split between the 2 processes",
        lambda b: " + ".join(map(str, run(b, True, 2).per_process)))  # fmt: skip
    add(f"deliveries/s, {sizes.burst:,} due, fresh db, 1 process",
        lambda b: f"{run(b, False, 1).rate:,.0f}")  # fmt: skip
    add(f"deliveries/s, {sizes.burst:,} due, fresh db, 2 processes",
        lambda b: f"{run(b, False, 2).rate:,.0f}")  # fmt: skip
    add("  each delivered once (all 4 runs)",
        lambda b: "yes" if all(r.exact for r in rate[b]) else "NO",
        "each once", lambda b: all(r.exact for r in rate[b]))  # fmt: skip
    add("  peak RSS of a rate worker (MiB)",
        lambda b: f"{mib(max(r.peak_rss_kib for r in rate[b])):.1f}")  # fmt: skip
    span = f"{sizes.burst:,} over {sizes.spread_s:.0f} s"
    add(f"lateness p50 (s), {span}", lambda b: f"{late[b].p50_s:.3f}")
    add(
        f"lateness p99 (s), {span}",
        lambda b: f"{late[b].p99_s:.3f}",
        "< 1",
        lambda b: late[b].p99_s < TARGET_P99_S and late[b].delivered == late[b].expected,
    )
    add("lateness max (s)", lambda b: f"{late[b].max_s:.3f}")
    add("  delivered / later than 1 s",
        lambda b: f"{late[b].delivered:,} / {late[b].over_1s:,}")  # fmt: skip
    return rows


def peer_rows(res: Results, sizes: Sizes) -> list[Row]:
    live = res.peer_live
    running = f"add {sizes.peer_live:,} jobs, scheduler running (s)"
    rows: list[Row] = [
        (running, *_cells(res, lambda b: f"{live[b].add_s:,.1f}")),
        (
            "  jobs added per second",
            *_cells(res, lambda b: f"{live[b].added / live[b].add_s:,.0f}"),
        ),
    ]
    for i, n in enumerate(sizes.peer):
        runs = {b: r[i] for b, r in res.peer.items() if i < len(r)}

        def line(name: str, fmt: Callable[[PeerRun], str], runs: dict[str, PeerRun] = runs) -> None:
            rows.append((name, *(fmt(runs[b]) if b in runs else "-" for b in BACKENDS)))

        line(f"add {n:,} jobs, scheduler paused (s)", lambda r: f"{r.add_s:,.1f}")
        line("  jobs added per second", lambda r: f"{r.added / r.add_s:,.0f}")
        line("  peak RSS while adding (MiB)", lambda r: f"{mib(r.add_rss_kib):.1f}")
        line(f"start() with {n:,} stored, returns (s)", lambda r: f"{r.start.start_s:.3f}")
        line(f"  + first wakeup, {DUE_IN_STORE:,} due submitted (s)",
             lambda r: f"{r.start.wakeup_s:.3f}")  # fmt: skip
        line(f"  + all {DUE_IN_STORE:,} due jobs run (s)",
             lambda r: f"{r.start.fired_s:.3f} ({r.start.fired:,})")  # fmt: skip
        line("  peak RSS of the started process (MiB)",
             lambda r: f"{mib(r.start.peak_rss_kib):.1f}")  # fmt: skip
    return rows


def print_table(header: Row, body: list[Row]) -> None:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in body:
        print(line.format(*row))


def machine_facts(postgres: str | None) -> list[str]:
    cpu = "?"
    info = Path("/proc/cpuinfo")
    if info.exists():
        lines = info.read_text().splitlines()
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "?"
        )
    versions = []
    for name in ("SQLAlchemy", "aiosqlite", "asyncpg", "APScheduler", "psycopg"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    server = "not used"
    if postgres is not None:
        server = str(asyncio.run(_admin(postgres, "SHOW server_version")))
    return [
        f"machine: nproc={os.cpu_count()} cpu={cpu!r} {platform.system()} {platform.release()}",
        f"python {platform.python_version()} ({sys.executable}); SQLite {sqlite3.sqlite_version}; "
        f"PostgreSQL {server}",
        ", ".join(versions),
    ]


def report(res: Results, sizes: Sizes, postgres: str | None, cmd: str, took: float) -> None:
    print("\n".join([f"command: {cmd}  ({took:.0f} s)", *machine_facts(postgres)]))
    for what, why in res.skipped.items():
        print(f"skipped: {what}: {why}")
    print()
    header = ("remindbot dispatcher", *BACKENDS, "target", "sqlite", "pg")
    body = [row for row in remindbot_rows(res, sizes) if row[1:3] != ("-", "-")]
    if body:
        print_table(header, body)
    if res.peer:
        print(f"\nPeer: APScheduler {metadata.version('APScheduler')}, one date job per reminder "
              "in SQLAlchemyJobStore (BackgroundScheduler)\n")  # fmt: skip
        print_table(("APScheduler SQLAlchemyJobStore", *BACKENDS), peer_rows(res, sizes))
    missed = [
        f"{row[0].strip()} ({backend})"
        for row in body
        for backend, verdict in zip(BACKENDS, row[4:], strict=True)
        if verdict == "MISS"
    ]
    if res.compare:
        after = statistics.median(r.rate for r in res.compare if r.side == "after")
        exact = all(r.exact for r in res.compare)
        verdict = mark(after >= TARGET_ONE_PROCESS and exact)
        rounds = len(res.compare) // 2
        print(f"\nBefore and after: SQLite, one process, {sizes.burst:,} due, in use; "
              f"{rounds} round(s), alternating; deliveries/s and CPU per delivery\n")  # fmt: skip
        print_table(("tree", "deliveries/s per round", "median", "CPU µs/delivery", "each once"),
                    compare_rows(res))  # fmt: skip
        print(f"\nafter: {after:,.0f}/s, target >= {TARGET_ONE_PROCESS:,.0f}/s from one "
              f"process: {verdict}")  # fmt: skip
        if verdict == "MISS":
            missed.append("one-process rate (compare)")
    print(f"\nremindbot against the issue's targets: {missed or 'ALL PASS'}")


# --- entry point -----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    full = "lateness over 10 minutes, and the peer with 1,000,000 jobs too (about 1 h)"
    ap.add_argument("--full", action="store_true", help=full)
    ap.add_argument("--quick", action="store_true", help="small sizes, a smoke run (~2.5 min)")
    ap.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated "
                    f"({', '.join(SCENARIOS)}, compare)")  # fmt: skip
    ap.add_argument(
        "--before", default=BEFORE, help=f"compare: the older commit (default {BEFORE})"
    )
    ap.add_argument("--rounds", type=int, default=5, help="compare: rounds (default 5)")
    ap.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated")
    postgres = os.environ.get("REMINDBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    ap.add_argument("--postgres", default=postgres, help=f"default {DEFAULT_POSTGRES}")
    worker = ap.add_argument_group("worker (internal)")
    modes = ("rss", "rate", "late", "peer-add", "peer-start")
    worker.add_argument("--worker", choices=modes, help=argparse.SUPPRESS)
    worker.add_argument("--url", help=argparse.SUPPRESS)
    worker.add_argument("--schema", help=argparse.SUPPRESS)
    for name in ("--stored", "--expect", "--count", "--offset", "--due"):
        worker.add_argument(name, type=int, default=0, help=argparse.SUPPRESS)
    worker.add_argument("--paused", action="store_true", help=argparse.SUPPRESS)
    for name in ("--spread", "--last-due"):
        worker.add_argument(name, type=float, default=0.0, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def worker(args: argparse.Namespace) -> None:
    result: Any
    if args.worker == "rss":
        result = asyncio.run(worker_rss(args))
    elif args.worker == "rate":
        result = asyncio.run(worker_rate(args))
    elif args.worker == "late":
        result = asyncio.run(worker_late(args))
    elif args.worker == "peer-add":
        result = worker_peer_add(args)
    else:
        result = worker_peer_start(args)
    print(json.dumps(asdict(result)))


@contextlib.contextmanager
def scratch_space(postgres: str) -> Iterator[Scratch]:
    scratch = Scratch(postgres)
    try:
        yield scratch
    finally:
        scratch.close()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    began = time.perf_counter()
    sizes = Sizes.pick(args.quick, args.full)
    only = [s for s in args.only.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    res = Results()
    postgres: str | None = args.postgres
    if "postgresql" in backends and (problem := postgres_problem(args.postgres)):
        res.skipped["postgresql"] = problem
        backends.remove("postgresql")
    if "postgresql" not in backends:
        postgres = None
    with scratch_space(args.postgres) as scratch:
        for backend in backends:
            if "rss" in only:
                say(f"rss: {backend}")
                res.rss[backend] = scenario_rss(scratch, backend, sizes)
            if "rate" in only:
                say(f"rate: {backend}")
                res.rate[backend] = scenario_rate(scratch, backend, sizes)
            if "late" in only:
                say(f"late: {backend}")
                res.late[backend] = scenario_late(scratch, backend, sizes)
        if "compare" in only:
            say(f"compare: this tree and {args.before}, SQLite, one process")
            res.before = args.before
            before = source_tree(args.before, scratch.dir)
            res.compare = scenario_compare(scratch, sizes, before, args.rounds)
        for backend in backends if "peer" in only else []:
            if backend == "postgresql" and importlib.util.find_spec("psycopg") is None:
                res.skipped["peer on postgresql"] = "needs psycopg: pip install 'psycopg[binary]'"
                continue
            say(f"peer: {backend}")
            res.peer_live[backend] = scenario_peer_live(scratch, backend, sizes)
            res.peer[backend] = scenario_peer(scratch, backend, sizes)
    cmd = " ".join(["python", "bench/dispatch.py", *sys.argv[1:]])
    report(res, sizes, postgres, cmd, time.perf_counter() - began)


if __name__ == "__main__":
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        sys.path[0] = str(ROOT)  # import bot from the checkout, never bench/ modules
    main()
