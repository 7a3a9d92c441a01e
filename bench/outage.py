"""A database outage under load, in real time: how the bot rides it out.

A private PostgreSQL server (tests/pg_private.py) under a real app (``build`` +
``start_platforms``, the system clock) with the Mattermost stand-in. Reminders fall due
every ``--every`` seconds throughout; after a warm-up the server is stopped
(``pg_ctl stop -m immediate``) for ``--outage`` seconds and started again. Meanwhile a
person writes to the bot every second and ``/healthz`` is asked every 0.5 s.

``--burst N`` is the issue's attack instead: N reminders due at once to ``--users``
people, and the server stopped ``--stop-after`` seconds into their delivery (while posts
are being made and outcomes written), for ``--outage`` seconds.

Printed: ``/healthz`` latency and status during the outage, how long after the restart
it says 200, how long until every due reminder is posted, posts per occurrence (the
target is exactly one), and how many messages were answered "try again".

    .venv/bin/python bench/outage.py            # --outage 30 --every 0.2 --lease 120
    .venv/bin/python bench/outage.py --burst 3000 --users 300 --stop-after 1
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from bot.config import Secret

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.mattermost.gateway import OCCURRENCE_PROP
from bot.app import build, start_platforms
from bot.clock import SystemClock
from bot.config import Settings
from bot.core import texts
from bot.core.model import TargetKind
from storage.models import REMINDERS
from tests.factories import new_reminder
from tests.pg_private import PrivatePostgres
from tests.servers.asgi import listening
from tests.servers.mattermost import FakeMattermost


async def main(
    outage: float, every: float, lease: int, burst: int = 0, users: int = 1, stop_after: float = 1
) -> None:
    pg = PrivatePostgres()
    pg.start()
    clock = SystemClock()
    try:
        async with FakeMattermost() as mm:
            mm.world.wall_clock = True  # the bot's clock is the system's: posts found by it
            alice = mm.add_user("alice")
            settings = Settings(
                database_url=pg.url,
                auto_migrate=True,
                mattermost_url=mm.url,
                mattermost_token=Secret(mm.bot_token),
                mattermost_actions_url="http://remindbot.test/mattermost/actions",
                http_port=0,
                sweep_seconds=1,
                lease_seconds=lease,
                max_per_user_per_hour=0,
                log_level="ERROR",
                # A burst goes as fast as the stand-in takes it (it enforces no limit).
                mattermost_rate=10_000.0 if burst else 10.0,
                mattermost_burst=10_000 if burst else 100,
            )
            app = await build(settings, clock, wait=True)
            tasks = [t for t in await start_platforms(app) if isinstance(t, asyncio.Task)]
            await app.start()
            port = await listening(app.extras["http"])
            await mm.wait_connected()
            dm = mm.dm_with(alice)
            people = [alice] + [mm.add_user(f"user{n}") for n in range(1, users)]
            # Everything due from 2 s from now until 10 s after the outage, every `every`
            # s; or (--burst) all at once, spread over the people.
            first = clock.now() + timedelta(seconds=2 if not burst else 5)
            count = burst or int((5 + outage + 10) / every)
            for i in range(count):
                who = people[i % len(people)]
                rem = new_reminder(
                    owner=f"mattermost::{who}",
                    platform="mattermost",
                    workspace="",
                    conversation=mm.dm_with(who),
                    target_kind=TargetKind.USER,
                    target_ref=who,
                    target_name=who,
                    message=f"bench {i:05d}",
                    created_by=f"mattermost::{who}",
                    # A burst is stored first and made due at once below.
                    next_due=first + timedelta(seconds=3600 if burst else i * every),
                )
                await app.repo.add(rem, clock.now())
            if burst:
                first = clock.now() + timedelta(seconds=1)
                async with app.db.begin() as conn:
                    await conn.execute(
                        update(REMINDERS)
                        .where(REMINDERS.c.message.startswith("bench "))
                        .values(next_due=first, occurrence_due=first)
                    )
            app.scheduler.arm(first)
            if burst:  # stop the server while the burst is being delivered
                await asyncio.sleep((first - clock.now()).total_seconds() + stop_after)
                delivered_before = len(_posted(mm, people))
            else:
                await asyncio.sleep(5)
                delivered_before = 0

            latencies: list[float] = []
            statuses: Counter[int] = Counter()
            async with httpx.AsyncClient(timeout=10) as http:
                healthz = f"http://127.0.0.1:{port}/healthz"
                await asyncio.to_thread(pg.stop)
                stopped = time.monotonic()
                asked = 0
                while time.monotonic() - stopped < outage:
                    started = time.monotonic()
                    statuses[(await http.get(healthz)).status_code] += 1
                    latencies.append(time.monotonic() - started)
                    if len(latencies) % 2 == 0:
                        mm.user_posts_dm(alice, f"help {asked}")
                        asked += 1
                    await asyncio.sleep(0.5)
                await asyncio.to_thread(pg.start)
                restarted = time.monotonic()
                while (await http.get(healthz)).status_code != 200:  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
                healthy_after = time.monotonic() - restarted

            def posted() -> Counter[str]:
                return _posted(mm, people)

            deadline = restarted + lease + 60
            while len(posted()) < count and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            all_after = time.monotonic() - restarted
            await asyncio.sleep(3)
            per_occurrence = posted()
            sentence = texts.ENGLISH.try_again().text
            answered = sum(1 for p in mm.posts_in(dm) if p["message"] == sentence)
            up = not any(task.done() for task in tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.close()
    finally:
        pg.remove()

    delivered = len(per_occurrence)
    twice = sum(1 for n in per_occurrence.values() if n > 1)
    if burst:
        print(
            f"outage {outage:g} s from {stop_after:g} s into a burst of {count} due at once "
            f"to {users} people ({delivered_before} posted before the stop), lease {lease} s"
        )
    else:
        print(
            f"outage {outage:g} s, a reminder due every {every:g} s ({count} in all), "
            f"lease {lease} s"
        )
    print(f"process up throughout:                {up}")
    print(f"/healthz during the outage:           {dict(statuses)} (target: all 503)")
    median_ms, max_ms = statistics.median(latencies) * 1000, max(latencies) * 1000
    print(
        f"/healthz latency during the outage:   median {median_ms:.0f} ms,"
        f" max {max_ms:.0f} ms (target: < 2,000 ms)"
    )
    print(f"/healthz 200 after the restart:       {healthy_after:.1f} s")
    print(f"messages answered 'try again':        {answered} of {asked}")
    print(f"every reminder posted after restart:  {all_after:.1f} s ({delivered} of {count})")
    print(f"occurrences posted more than once:    {twice} (target: 0)")


def _posted(mm: FakeMattermost, people: list[str]) -> Counter[str]:
    """Posts per occurrence tag in the people's DMs (what they see)."""
    tags = (
        (post.get("props") or {}).get(OCCURRENCE_PROP)
        for who in people
        for post in mm.posts_in(mm.dm_with(who))
    )
    return Counter(tag for tag in tags if tag)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=0.2)
    parser.add_argument("--lease", type=int, default=120)
    parser.add_argument("--burst", type=int, default=0, help="reminders due at once")
    parser.add_argument("--users", type=int, default=1, help="people the burst goes to")
    parser.add_argument("--stop-after", type=float, default=1.0, help="s into the burst")
    args = parser.parse_args()
    asyncio.run(main(args.outage, args.every, args.lease, args.burst, args.users, args.stop_after))
