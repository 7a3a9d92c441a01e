"""A database outage under load, in real time: how the bot rides it out.

A private PostgreSQL server (tests/pg_private.py) under a real app (``build`` +
``start_platforms``, the system clock) with the Mattermost stand-in. Reminders fall due
every ``--every`` seconds throughout; after a warm-up the server is stopped
(``pg_ctl stop -m immediate``) for ``--outage`` seconds and started again. Meanwhile a
person writes to the bot every second and ``/healthz`` is asked every 0.5 s.

Printed: ``/healthz`` latency and status during the outage, how long after the restart
it says 200, how long until every due reminder is posted, posts per occurrence (the
target is exactly one), and how many messages were answered "try again".

    .venv/bin/python bench/outage.py            # --outage 30 --every 0.2 --lease 120
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

from bot.config import Secret

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.mattermost.gateway import OCCURRENCE_PROP
from bot.app import build, start_platforms
from bot.clock import SystemClock
from bot.config import Settings
from bot.core import texts
from bot.core.model import TargetKind
from tests.factories import new_reminder
from tests.pg_private import PrivatePostgres
from tests.servers.asgi import listening
from tests.servers.mattermost import FakeMattermost


async def main(outage: float, every: float, lease: int) -> None:
    pg = PrivatePostgres()
    pg.start()
    clock = SystemClock()
    try:
        async with FakeMattermost() as mm:
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
            )
            app = await build(settings, clock, wait=True)
            tasks = [t for t in await start_platforms(app) if isinstance(t, asyncio.Task)]
            await app.start()
            port = await listening(app.extras["http"])
            await mm.wait_connected()
            dm = mm.dm_with(alice)
            # Everything due from 2 s from now until 10 s after the outage, every `every` s.
            first = clock.now() + timedelta(seconds=2)
            count = int((5 + outage + 10) / every)
            for i in range(count):
                rem = new_reminder(
                    owner=f"mattermost::{alice}",
                    platform="mattermost",
                    workspace="",
                    conversation=dm,
                    target_kind=TargetKind.USER,
                    target_ref=alice,
                    target_name="alice",
                    message=f"bench {i:05d}",
                    created_by=f"mattermost::{alice}",
                    next_due=first + timedelta(seconds=i * every),
                )
                await app.repo.add(rem, clock.now())
            app.scheduler.arm(first)
            await asyncio.sleep(5)

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
                tags = ((p.get("props") or {}).get(OCCURRENCE_PROP) for p in mm.posts_in(dm))
                return Counter(tag for tag in tags if tag)

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
    print(
        f"outage {outage:g} s, a reminder due every {every:g} s ({count} in all), lease {lease} s"
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=0.2)
    parser.add_argument("--lease", type=int, default=120)
    args = parser.parse_args()
    asyncio.run(main(args.outage, args.every, args.lease))
