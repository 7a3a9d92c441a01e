"""A dispatcher in its own process, for the crash and multi-process tests.

    python -m tests.engine_worker DB_URL OUT_FILE [--schema S] [--hang] [--ahead SECONDS]

Delivers everything due to a platform stand-in that appends ``reminder:occurrence`` lines
to OUT_FILE (O_APPEND, one write per line). ``--hang`` blocks inside delivery after
printing ``claimed``, so a test can kill the process between claim and record.
``--ahead`` runs the process's clock that many seconds ahead (time is injected), so a
restarted worker sees an expired lease without the test waiting for it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime, timedelta

from bot.clock import SystemClock
from bot.core.dispatch import Dispatcher
from bot.core.model import Access, Delivery, Destination, Reach, Reply
from storage import SqlReminderRepository, make_engine


class AheadClock(SystemClock):
    def __init__(self, ahead: timedelta) -> None:
        self.ahead = ahead

    def now(self) -> datetime:
        return super().now() + self.ahead


class FileGateway:
    platform = "console"

    def __init__(self, path: str, hang: bool) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.hang = hang

    async def deliver(self, delivery: Delivery) -> str:
        if self.hang:
            sys.stdout.write("claimed\n")
            sys.stdout.flush()
            await asyncio.Event().wait()
        os.write(self.fd, f"{delivery.reminder.id}:{delivery.occurrence.id}\n".encode())
        return f"file:{delivery.occurrence.id}"

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        # The file is this stand-in's conversation: a line written is a message posted.
        line = f"{delivery.reminder.id}:{delivery.occurrence.id}"
        found = await asyncio.to_thread(_has_line, self.path, line)
        return f"file:{delivery.occurrence.id}" if found else None

    async def update(self, message_ref: str, reply: Reply) -> None:
        return None

    async def notify(self, owner: str, reply: Reply) -> None:
        return None

    async def is_member(self, user: str, channel: str) -> bool:
        return False

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        return Reach(access=Access.OK, destination=target)

    async def user_zone(self, user: str) -> str | None:
        return None

    async def email_of(self, user: str) -> str | None:
        return None


def _has_line(path: str, line: str) -> bool:
    with open(path, encoding="utf-8") as posted:
        return any(seen.strip() == line for seen in posted)


async def work(args: argparse.Namespace) -> int:
    engine = make_engine(args.db, schema=args.schema)
    clock = AheadClock(timedelta(seconds=args.ahead))
    gateways = {"console": FileGateway(args.out, args.hang)}
    repo = SqlReminderRepository(engine, clock=clock)
    dispatcher = Dispatcher(repo, gateways, clock, lease=timedelta(seconds=30), batch=50)
    try:
        total = await dispatcher.drain()
        while total and await dispatcher.run_due():
            pass
    finally:
        await engine.dispose()
    sys.stdout.write(f"done {total}\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("out")
    parser.add_argument("--schema")
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--ahead", type=float, default=0.0)
    return asyncio.run(work(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
