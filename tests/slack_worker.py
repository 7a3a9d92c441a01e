"""A dispatcher process posting to a Slack stand-in over real HTTP, for the fault runs.

    python -m tests.slack_worker DB_URL API_URL [--schema S] [--token T] [--lease S] [--scheduler]

The real ``Dispatcher`` and ``SqlReminderRepository`` deliver through the real
``SlackGateway`` and the app's ``web_client`` at API_URL (usually ``FakeSlack``), so every
post carries its occurrence in the message metadata and a restarted process finds what a
killed one posted but never recorded. Each replica posts with its own ``--token``,
so the stand-in can tell who did the work.

Without ``--scheduler`` it claims batches in a loop (what a busy bot does during a burst);
with it, the app's ``Scheduler`` (started when a line arrives on stdin) wakes at each due
time in real time. It prints ``ready`` once connected and runs until SIGTERM (or SIGKILL,
which is the point).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from datetime import timedelta

from bot.adapters.slack import web_client
from bot.adapters.slack.gateway import SlackGateway
from bot.clock import SystemClock
from bot.core.dispatch import Dispatcher
from bot.pacing import Limits, Pacer
from bot.scheduler import Scheduler
from storage import SqlReminderRepository, make_engine

IDLE = 0.05  # seconds between claims when nothing was due (loop mode)


async def _loop(dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if not await dispatcher.run_due():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), IDLE)


async def work(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    engine = make_engine(args.db, schema=args.schema)
    clock = SystemClock()
    client = web_client(args.token, args.api)  # the app's client: retries 429s and 5xx
    repo = SqlReminderRepository(engine, clock=clock)
    # The stand-in here enforces no rate limits (this proves kills, not pacing): the
    # pacer keeps only its order and its retries, not Slack's budgets.
    gateway = SlackGateway(client, pacer=Pacer(Limits()))
    dispatcher = Dispatcher(repo, {"slack": gateway}, clock, lease=timedelta(seconds=args.lease))
    try:
        await repo.next_due()  # connected before saying ready
        if args.scheduler:
            sys.stdout.write("ready\n")
            sys.stdout.flush()
            # Started on "go", once the reminders are stored: the app's Scheduler arms its
            # timer at start and when a reminder is added through it, not for rows that
            # appear in the database behind its back (those wait for the 30 s sweep).
            await asyncio.to_thread(sys.stdin.readline)
            scheduler = Scheduler(dispatcher, repo, clock)
            await scheduler.start()
            await stop.wait()
            await scheduler.stop()
        else:
            sys.stdout.write("ready\n")
            sys.stdout.flush()
            await _loop(dispatcher, stop)
    finally:
        await engine.dispose()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("api")
    parser.add_argument("--schema")
    parser.add_argument("--token", default="xoxb-worker")
    parser.add_argument("--lease", type=float, default=120.0)
    parser.add_argument("--scheduler", action="store_true")
    return asyncio.run(work(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
