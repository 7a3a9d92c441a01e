"""The 09:00 herd: thousands of reminders due at once, each to its own user, against the
Slack stand-in enforcing Slack-like limits, through the real Dispatcher and the real Slack
gateway over real HTTP, on SQLite.

Not a timed test: it prints figures and PASS/MISS against the goals of the issue (last
arrival within 110% of the least time the limits allow; < 2% of calls answered 429; none
lost, none twice), and beside them the peer: the same run without the pacer (a 429 goes back
to the dispatcher, which retries after Retry-After, as before this change).

    .venv/bin/python bench/herd.py [--users 2000] [--app-rate 200] [--app-burst 20]

The stand-in's buckets (``tests/servers/limits.py``): per channel 1 message/s with a burst
of 3 (chat.postMessage), app-wide ``--app-rate``/s with a burst of ``--app-burst``. The
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import ManualClock  # noqa: E402
from bot.core.dispatch import Dispatcher  # noqa: E402
from bot.pacing import Limits, Pacer  # noqa: E402
from storage import SqlReminderRepository, make_engine, upgrade_async  # noqa: E402
from tests.factories import DUE  # noqa: E402
from tests.herd import add_herd, slack_gateway, slack_seen  # noqa: E402
from tests.servers.limits import RateLimiter  # noqa: E402
from tests.servers.slack import FakeSlack  # noqa: E402

STALL_S = 60.0


async def run(users: int, limits: Limits, paced: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bot.db'}")
        await upgrade_async(engine)
        clock = ManualClock(DUE)
        repo = SqlReminderRepository(engine, clock=clock)
        names = [f"U{i}" for i in range(1, users + 1)]
        await add_herd(repo, clock, "slack", names, 1)
        async with FakeSlack() as slack:
            assert limits.per_conversation is not None and limits.app is not None
            slack.limiter = RateLimiter(
                per_channel=limits.per_conversation,
                channel_burst=limits.conversation_burst,
                app=limits.app,
                app_burst=limits.app_burst,
            )
            gateway = slack_gateway(slack, Pacer(limits) if paced else None)
            dispatcher = Dispatcher(repo, {"slack": gateway}, clock)
            base = clock.now()
            started = time.monotonic()
            progress, count = started, 0
            # Until all arrived, or nothing more did for STALL_S (the rest failed for good).
            while time.monotonic() - progress < STALL_S:
                clock.set(base + timedelta(seconds=time.monotonic() - started))
                await dispatcher.drain()
                now_count = sum(len(m) for m in slack.web.messages.values())
                if now_count >= users:
                    break
                if now_count > count:
                    progress, count = time.monotonic(), now_count
                await asyncio.sleep(0.1)
            seen = slack_seen(slack)
            calls = slack.calls_to("chat.postMessage")
            stored = [c.at for c in calls if c.status == 200]
            last = (max(stored) - started) if stored else float("nan")
        await engine.dispose()
    delivered = len(seen.occurrences)
    return {
        "last_s": last,
        "calls": seen.calls,
        "share_429": seen.share_429,
        "lost": users - delivered,
        "duplicated": seen.duplicated,
    }


def main() -> None:
    logging.disable(logging.WARNING)  # the peer's retry lines, one per 429
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--app-rate", type=float, default=200.0)
    parser.add_argument("--app-burst", type=int, default=20)
    args = parser.parse_args()
    limits = Limits(
        per_conversation=1.0, conversation_burst=3, app=args.app_rate, app_burst=args.app_burst
    )
    least = limits.least_seconds(args.users, args.users)
    print(
        f"herd: {args.users} reminders due at once to {args.users} users; stand-in limits "
        f"1/s per channel (burst 3), {args.app_rate:g}/s app-wide (burst {args.app_burst})"
    )
    print(f"least time the limits allow: {least:.2f} s")
    for name, paced in (("paced (this change)", True), ("peer: no pacer", False)):
        got = asyncio.run(run(args.users, limits, paced))
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
