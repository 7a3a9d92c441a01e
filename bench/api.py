"""REST API benchmark: create and list with 100,000 stored reminders, beside a plain
FastAPI "hello" route served by the same process (the ceiling).

Not a timed test: it prints requests per second and latency (p50, p99) for each.

    .venv/bin/python bench/api.py [--stored 100000] [--requests 2000] [--concurrency 16]

The server is one process (uvicorn, the bot's HTTP app with the API mounted, and the
hello app beside it), started fresh on a SQLite file filled beforehand with bulk inserts;
the load comes from this process over loopback with keep-alive connections. The machine
is shared and noisy: each figure is the median of --rounds runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OWNER = "slack:T1:U1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def fill(url: str, stored: int) -> str:
    """Migrate, store ``stored`` reminders of OWNER (a tenth due in a year, the rest
    spread), and make a token; returns the token."""
    from sqlalchemy import insert

    from bot.clock import SystemClock
    from bot.core.tokens import Tokens
    from storage import SqlReminderRepository, make_engine, upgrade_async
    from storage.models import REMINDERS

    engine = make_engine(url)
    await upgrade_async(engine)
    now = datetime.now(UTC)
    rows = [_row(n, now) for n in range(stored)]
    async with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            await conn.execute(insert(REMINDERS), rows[start : start + 5000])
    _record, token = await Tokens(SqlReminderRepository(engine), SystemClock()).create(
        "bench", _ann()
    )
    await engine.dispose()
    return token


def _ann() -> Any:
    from bot.core.model import UserRef

    return UserRef.of(OWNER)


def _row(n: int, now: datetime) -> dict[str, Any]:
    due = now + timedelta(days=365, minutes=n)
    return {
        "owner": OWNER if n % 10 == 0 else f"slack:T1:U{n % 1000}",
        "platform": "slack",
        "workspace": "T1",
        "conversation": "api",
        "target_kind": "me",
        "target_ref": "",
        "target_name": "",
        "message": f"reminder {n}",
        "phrase": "",
        "tz": "Europe/Copenhagen",
        "state": "scheduled",
        "origin": "api",
        "next_due": due,
        "occurrence_due": due,
        "created_by": OWNER,
        "created_at": now,
        "updated_at": now,
        "attempts": 0,
    }


def serve(url: str, port: int) -> None:
    """The server process: the bot's HTTP app with the API, and /hello beside it."""
    import uvicorn
    from fastapi import FastAPI
    from starlette.routing import Mount

    from bot import api
    from bot.app import build
    from bot.config import Settings
    from bot.http import create_http_app

    hello = FastAPI()

    @hello.get("/hello")
    async def say() -> dict[str, str]:
        return {"hello": "world"}

    async def main() -> None:
        app = await build(Settings(database_url=url, api_enabled=True, log_level="WARNING"))
        use = api.services(app.repo, app.clock, app.engine, app.gateways)
        asgi = create_http_app([api.mount(use), Mount("/plain", app=hello)], health=app.health)
        config = uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning")
        await uvicorn.Server(config).serve()

    asyncio.run(main())


async def load(
    call: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    base: str,
    requests: int,
    concurrency: int,
) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency (ms) of ``requests`` calls."""
    latencies: list[float] = []
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

        async def worker() -> None:
            for n in queue:
                started = time.perf_counter()
                answer = await call(http, n)
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code >= 300:
                    raise RuntimeError(f"{answer.status_code}: {answer.text[:200]}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return requests / elapsed, statistics.median(latencies), cuts[98]


async def measure(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="remindbot-api-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    token = await fill(url, args.stored)
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve",
        url,
        "--port",
        str(port),
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_up(base)
        await _report(base, token, args)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)


async def _wait_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(200):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("the server did not start")


async def _report(base: str, token: str, args: argparse.Namespace) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    at = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    async def hello(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get("/plain/hello")

    async def create(http: httpx.AsyncClient, n: int) -> httpx.Response:
        body = {"message": f"bench {n}", "at": at}
        return await http.post("/api/v1/reminders", json=body, headers=auth)

    async def listing(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get("/api/v1/reminders", params={"limit": 50}, headers=auth)

    print(
        f"stored reminders: {args.stored:,}; requests per round: {args.requests:,}; "
        f"concurrency {args.concurrency}; rounds {args.rounds} (medians shown)"
    )
    print(f"{'route':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'of hello':>10}")
    ceiling = None
    for name, call in (
        ("GET /hello (FastAPI, peer)", hello),
        ("POST /api/v1/reminders", create),
        ("GET /api/v1/reminders", listing),
    ):
        runs = [await load(call, base, args.requests, args.concurrency) for _ in range(args.rounds)]
        rate, p50, p99 = (statistics.median(r[i] for r in runs) for i in range(3))
        ceiling = ceiling or rate
        print(f"{name:<28}{rate:>10,.0f}{p50:>10.2f}{p99:>10.2f}{rate / ceiling:>10.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
