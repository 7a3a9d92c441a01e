"""Scrape cost of ``/metrics`` with 100,000 stored reminders, beside ``/healthz`` (the peer:
one ``SELECT 1``) in the same app.

Not a timed test: it prints the median milliseconds per request of each, and their ratio.

    .venv/bin/python bench/metrics.py [--stored 100000] [--requests 200]

In one process, through httpx's ASGI transport (no sockets: what is measured is the app
and the database): the bot's HTTP app with ``/metrics`` on a SQLite file filled
beforehand with bulk inserts. "uncached" reads the reminders-by-state COUNT on every
scrape (cache of 0 s), "cached" within the cache's 5 s (as Prometheus scraping every 15 s
from two servers mostly is not: the first scrape of each window pays the COUNT).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STATES = ("scheduled", "scheduled", "scheduled", "completed", "cancelled", "draft", "paused")


def _row(n: int, now: datetime) -> dict[str, Any]:
    due = now + timedelta(days=365, minutes=n)
    return {
        "owner": f"slack:T1:U{n % 1000}",
        "platform": "slack",
        "workspace": "T1",
        "conversation": "D1",
        "target_kind": "me",
        "target_ref": "",
        "target_name": "",
        "message": f"reminder {n}",
        "phrase": "",
        "tz": "UTC",
        "state": STATES[n % len(STATES)],
        "origin": "api",
        "next_due": due,
        "occurrence_due": due,
        "created_by": "slack:T1:U1",
        "created_at": now,
        "updated_at": now,
        "attempts": 0,
    }


async def run(stored: int, requests: int) -> None:
    from sqlalchemy import insert, text

    from bot.http import create_http_app
    from bot.metrics import PromMetrics, ReminderGauge, metrics_route
    from storage import SqlReminderRepository, make_engine, upgrade_async
    from storage.models import REMINDERS

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade_async(engine)
        now = datetime.now(UTC)
        rows = [_row(n, now) for n in range(stored)]
        async with engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                await conn.execute(insert(REMINDERS), rows[start : start + 5000])
        repo = SqlReminderRepository(engine)

        async def health() -> tuple[bool, dict[str, Any]]:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True, {}

        def app(ttl: float) -> Any:
            metrics = PromMetrics()
            for n in range(50):  # series as a day of work leaves them
                metrics.delivered("slack", "chat", "sent")
                metrics.lateness(n / 10)
                metrics.refused("no_time")
            gauge = ReminderGauge(repo.reminders_by_state, ttl=ttl)
            return create_http_app([metrics_route(metrics, gauge)], health=health)

        results: dict[str, float] = {}
        for label, ttl, path in (
            ("/healthz (the peer)", 5.0, "/healthz"),
            ("/metrics, cached", 5.0, "/metrics"),
            ("/metrics, uncached (COUNT each)", 0.0, "/metrics"),
        ):
            transport = httpx.ASGITransport(app=app(ttl))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                await http.get(path)  # warm: the first COUNT, imports
                times: list[float] = []
                for _ in range(requests):
                    began = time.perf_counter()
                    answer = await http.get(path)
                    times.append((time.perf_counter() - began) * 1000)
                    assert answer.status_code == 200
            results[label] = float(statistics.median(times))
        await engine.dispose()

    peer = results["/healthz (the peer)"]
    print(f"{stored:,} reminders, {requests} requests each, median ms per request")
    for label, ms in results.items():
        print(f"  {label:34} {ms:8.2f} ms   {ms / peer:5.1f}x /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.stored, args.requests))


if __name__ == "__main__":
    main()
