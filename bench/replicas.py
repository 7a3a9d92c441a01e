"""Four replicas on one PostgreSQL database: 20,000 reminders due within the same minute.

Not a timed test: it prints what the platform saw. Four bot processes
(tests/slack_worker.py ``--scheduler``: the real ``Scheduler`` + ``Dispatcher`` +
``SqlReminderRepository`` + ``SlackGateway``) share one PostgreSQL schema. Once they are
up, 20,000 one-off reminders are stored, due evenly over the next minute (``--window``;
``--window 0`` puts them all on the same instant), and the schedulers start. Each replica
posts to the Slack stand-in (tests/servers/slack.py, served by this process over HTTP)
with a token of its own, so the stand-in can tell which replica did the work. Lateness is
the time the stand-in received a reminder's post minus its due time.

    .venv/bin/python bench/replicas.py [--quick] [--reminders N] [--replicas R]
                                       [--window S] [--rounds N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults import Db, ReplicaRun, admin, replicas_run  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_S = 10.0  # every reminder posted within this long of its due time


async def one(args: argparse.Namespace, k: int) -> ReplicaRun:
    schema = f"replicas_{os.getpid()}_{k}"
    await admin(args.postgres, f'CREATE SCHEMA "{schema}"')
    try:
        return await replicas_run(
            Db(args.postgres, schema), "postgresql", reminders=args.reminders,
            replicas=args.replicas, window=args.window,
        )  # fmt: skip
    finally:
        await admin(args.postgres, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def show(run: ReplicaRun) -> bool:
    tally = run.tally
    assert tally is not None
    exact = tally.lost == 0 and tally.duplicated == 0
    on_time = run.within(TARGET_S)
    ok = exact and on_time == run.reminders
    spread = ", ".join(f"{name}={n}" for name, n in sorted(run.per_replica.items()))
    shares = [n / run.reminders for n in run.per_replica.values()]
    print(
        f"{run.replicas} replicas, {run.reminders} reminders due over {run.window:.0f} s: "
        f"delivered={tally.delivered} lost={tally.lost} duplicated={tally.duplicated}"
    )
    print(f"  per replica: {spread} (share {min(shares):.1%} .. {max(shares):.1%})")
    print(
        f"  lateness s: p50={run.median:.2f} p90={run.quantile(0.9):.2f} "
        f"p99={run.quantile(0.99):.2f} max={max(run.lateness):.2f}; "
        f"within {TARGET_S:.0f} s: {on_time}/{run.reminders} "
        f"({run.reminders / max(run.seconds, 1e-9):.0f} posts/s from first due to last post)"
    )
    print(
        f"  CPU s while delivering: stand-in {run.cpu_stand_in:.1f}, replicas together "
        f"{run.cpu_replicas:.1f} (including their start-up), over {run.seconds:.1f} s of wall time"
    )
    print(f"  target: all within {TARGET_S:.0f} s, 0 duplicates: {'PASS' if ok else 'MISS'}")
    return ok


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=20_000)
    parser.add_argument("--replicas", type=int, default=4)
    parser.add_argument("--window", type=float, default=60.0, help="due times spread (s)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2,000 reminders over 10 s")
    parser.add_argument(
        "--postgres", default=os.environ.get("REMINDBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.reminders, args.window = 2000, 10.0
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    runs = []
    for k in range(args.rounds):
        run = asyncio.run(one(args, k))
        runs.append((show(run), run))
    if len(runs) > 1:
        p99 = statistics.median(run.quantile(0.99) for _, run in runs)
        worst = statistics.median(max(run.lateness) for _, run in runs)
        print(f"median over {len(runs)} rounds: p99 lateness {p99:.2f} s, max {worst:.2f} s")
    print(f"took {time.perf_counter() - began:.0f} s")
    return 0 if all(ok for ok, _ in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
