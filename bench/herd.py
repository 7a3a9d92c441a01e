"""The 09:00 herd: thousands of reminders due at once, each to its own user, against the
Slack stand-in enforcing Slack-like limits (or, ``--platform mattermost``, the Mattermost
stand-in enforcing its server's limiter), through the real Dispatcher and the real
gateway over real HTTP, on SQLite.

Not a timed test: it prints figures and PASS/MISS against the goals of the issue (last
arrival within 110% of the least time the limits allow; < 2% of calls answered 429; none
lost, none twice), and beside them the peer: the same run without the pacer (a 429 goes back
to the dispatcher, which retries after Retry-After, as before this change).

    .venv/bin/python bench/herd.py [--users 2000] [--app-rate 200] [--app-burst 20]
                                   [--platform slack|mattermost]

The stand-in's buckets (``tests/servers/limits.py``): on Slack per channel 1 message/s
with a burst of 3 (chat.postMessage) and app-wide ``--app-rate``/s with a burst of
``--app-burst``; on Mattermost only the latter, for the bot as a whole (its rate limiter is
per user, with ``X-Ratelimit-*`` on every answer), as ``RateLimitSettings`` sets it. The
pacer is given the same numbers. The ManualClock follows the wall clock, so retries the
dispatcher schedules come due as they would in production.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import ManualClock  # noqa: E402
from bot.core.dispatch import Dispatcher  # noqa: E402
from bot.pacing import Limits, Pacer  # noqa: E402
from storage import SqlReminderRepository, make_engine, upgrade_async  # noqa: E402
from tests.factories import DUE  # noqa: E402
from tests.herd import (  # noqa: E402
    Seen,
    add_herd,
    mattermost_gateway,
    mattermost_seen,
    slack_gateway,
    slack_seen,
)
from tests.servers.limits import RateLimiter  # noqa: E402
from tests.servers.mattermost import FakeMattermost  # noqa: E402
from tests.servers.slack import FakeSlack  # noqa: E402

STALL_S = 60.0


async def run(users: int, limits: Limits, paced: bool, platform: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bot.db'}")
        await upgrade_async(engine)
        clock = ManualClock(DUE)
        repo = SqlReminderRepository(engine, clock=clock)
        limiter = RateLimiter(
            per_channel=limits.per_conversation,
            channel_burst=limits.conversation_burst,
            app=limits.app,
            app_burst=limits.app_burst,
        )
        pacer = Pacer(limits) if paced else None
        if platform == "slack":
            names = [f"U{i}" for i in range(1, users + 1)]
            await add_herd(repo, clock, "slack", names, 1)
            async with FakeSlack() as slack:
                slack.limiter = limiter
                gateway = slack_gateway(slack, pacer)
                await _deliver(repo, clock, gateway, users, lambda: _stored(slack))
                seen = slack_seen(slack)
        else:
            async with FakeMattermost() as mm:
                names = [mm.add_user(f"user{i}") for i in range(1, users + 1)]
                await add_herd(repo, clock, "mattermost", names, 1)
                mm.recorder.limiter = limiter
                mm_gateway = await mattermost_gateway(mm, clock, pacer)
                dms = [mm.dm_with(name) for name in names]
                await _deliver(repo, clock, mm_gateway, users, lambda: _posts(mm, dms))
                seen = mattermost_seen(mm, dms)
                await mm_gateway.client.close()
        await engine.dispose()
    delivered = len(seen.occurrences)
    return {
        "last_s": _last(seen),
        "calls": seen.calls,
        "share_429": seen.share_429,
        "lost": users - delivered,
        "duplicated": seen.duplicated,
    }


async def _deliver(
    repo: SqlReminderRepository,
    clock: ManualClock,
    gateway: Any,
    users: int,
    arrived: Callable[[], int],
) -> None:
    """The real Dispatcher, its clock following the wall clock, until all arrived or
    nothing more did for ``STALL_S`` (the rest failed for good)."""
    dispatcher = Dispatcher(repo, {gateway.platform: gateway}, clock)
    base = clock.now()
    started = time.monotonic()
    progress, count = started, 0
    while time.monotonic() - progress < STALL_S:
        clock.set(base + timedelta(seconds=time.monotonic() - started))
        await dispatcher.drain()
        now_count = arrived()
        if now_count >= users:
            break
        if now_count > count:
            progress, count = time.monotonic(), now_count
        await asyncio.sleep(0.1)


def _stored(slack: FakeSlack) -> int:
    return sum(len(m) for m in slack.web.messages.values())


def _posts(mm: FakeMattermost, dms: list[str]) -> int:
    return sum(1 for dm in dms for post in mm.posts_in(dm) if post.get("user_id") == mm.bot_id)


def _last(seen: Seen) -> float:
    """Seconds from the first post call to the last stored post."""
    return seen.seconds if seen.calls else float("nan")


def main() -> None:
    logging.disable(logging.WARNING)  # the peer's retry lines, one per 429
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--app-rate", type=float, default=200.0)
    parser.add_argument("--app-burst", type=int, default=20)
    parser.add_argument("--platform", choices=("slack", "mattermost"), default="slack")
    args = parser.parse_args()
    if args.platform == "slack":
        limits = Limits(
            per_conversation=1.0, conversation_burst=3, app=args.app_rate, app_burst=args.app_burst
        )
        per_channel = "1/s per channel (burst 3), "
    else:
        limits = Limits(app=args.app_rate, app_burst=args.app_burst, rate_limited="app")
        per_channel = ""
    least = limits.least_seconds(args.users, args.users)
    print(
        f"herd on {args.platform}: {args.users} reminders due at once to {args.users} users; "
        f"stand-in limits {per_channel}{args.app_rate:g}/s app-wide (burst {args.app_burst})"
    )
    print(f"least time the limits allow: {least:.2f} s")
    for name, paced in (("paced (this change)", True), ("peer: no pacer", False)):
        got = asyncio.run(run(args.users, limits, paced, args.platform))
        ratio = got["last_s"] / least if least else float("nan")
        print(
            f"{name:>20}: last arrived {got['last_s']:.2f} s, ratio {ratio:.0%}, "
            f"{got['calls']:.0f} calls, 429 share {got['share_429']:.2%}, "
            f"lost {got['lost']:.0f}, duplicated {got['duplicated']:.0f}"
        )
        if paced:
            verdicts = [
                ("ratio <= 110%", ratio <= 1.10),
                ("429 share < 2%", got["share_429"] < 0.02),
                ("lost 0", got["lost"] == 0),
                ("duplicated 0", got["duplicated"] == 0),
            ]
            print("    " + ", ".join(f"{'PASS' if ok else 'MISS'} {what}" for what, ok in verdicts))


if __name__ == "__main__":
    main()
