"""kill -9 during a burst: every due reminder posted, none twice, after ten hard kills.

Not a timed test: it prints what the platform saw. For each backend (SQLite with one
dispatcher process, PostgreSQL with two), 2,000 reminders are due at once; the real
dispatcher processes (tests/slack_worker.py) post them through the real Slack gateway to
the Slack stand-in (tests/servers/slack.py) over HTTP, served by this process. Ten times,
when the stand-in has received a seeded random number of posts, one process (seeded random
choice) gets SIGKILL and a fresh one starts in its place. The run ends when the database
has nothing left scheduled; then each reminder's posts are counted from the occurrence
tag in the stored messages' metadata.

    .venv/bin/python bench/faults.py [--quick] [--reminders N] [--kills K] [--seed S]
                                     [--backends sqlite,postgresql] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults import Db, KillRun, admin, kill9_run  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
LEASE_S = 6.0  # the workers' lease: a killed process's claims are taken again after this


async def one(backend: str, args: argparse.Namespace, seed: int, scratch: Path) -> KillRun:
    processes = 2 if backend == "postgresql" else 1
    if backend == "sqlite":
        db = Db(f"sqlite:///{scratch / f'faults-{seed}.db'}")
        return await kill9_run(
            db, backend, reminders=args.reminders, kills=args.kills, processes=processes,
            seed=seed, lease=LEASE_S,
        )  # fmt: skip
    schema = f"faults_{os.getpid()}_{seed}"
    await admin(args.postgres, f'CREATE SCHEMA "{schema}"')
    try:
        return await kill9_run(
            Db(args.postgres, schema), backend, reminders=args.reminders, kills=args.kills,
            processes=processes, seed=seed, lease=LEASE_S,
        )  # fmt: skip
    finally:
        await admin(args.postgres, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def show(run: KillRun) -> None:
    tally = run.tally
    assert tally is not None
    verdict = "PASS" if tally.lost == 0 and tally.duplicated == 0 else "FAIL"
    kills = ", ".join(f"{at:.2f}s@{posts}" for at, posts in run.kills)
    print(
        f"{run.backend:<10} processes={run.processes} seed={run.seed} "
        f"reminders={run.reminders}: delivered={tally.delivered} lost={tally.lost} "
        f"duplicated={tally.duplicated} recorded_sent={run.sent_recorded} "
        f"taken_over={run.retried} run={run.seconds:.1f}s {verdict}"
    )
    print(f"{'':<10} kills (s into the run @ posts so far): {kills}", flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--rounds", type=int, default=1, help="runs per backend (seed, seed+1…)")
    parser.add_argument("--quick", action="store_true", help="300 reminders, 3 kills")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default=os.environ.get("REMINDBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.reminders, args.kills = 300, 3
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    failed = False
    print(
        f"kill -9 during a burst: {args.reminders} reminders due at once, {args.kills} kills, "
        f"lease {LEASE_S:.0f} s, Slack stand-in over HTTP"
    )
    with tempfile.TemporaryDirectory(prefix="remindbot-faults-") as scratch:
        for backend in args.backends.split(","):
            for k in range(args.rounds):
                run = asyncio.run(one(backend, args, args.seed + k, Path(scratch)))
                show(run)
                assert run.tally is not None
                failed |= bool(run.tally.lost or run.tally.duplicated)
    print(f"took {time.perf_counter() - began:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
