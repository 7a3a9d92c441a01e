"""A herd of due reminders through the real Dispatcher and a real adapter, over real HTTP
to a stand-in that enforces rate limits, and what the stand-in saw (tests and bench/herd.py).

Each user gets ``per_user`` reminders due one second apart; the clock is set past the last,
so all are due at once, and ``Dispatcher.drain()`` delivers them. The stand-in's record is
the truth: posts stored per conversation (in order), occurrence ids (duplicates), statuses.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.mattermost.auth import Signer
from bot.adapters.mattermost.client import MattermostClient
from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.slack import web_client
from bot.adapters.slack.gateway import SlackGateway
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.ports import ChatGateway, ReminderRepository
from bot.pacing import Limits, Pacer
from tests.factories import DUE, new_reminder
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack


@dataclass(frozen=True, slots=True)
class Seen:
    """What arrived: ``posts`` per conversation in arrival order (the reminder's text),
    ``occurrences`` stored per occurrence id, and the statuses of every post call."""

    posts: dict[str, list[str]]
    occurrences: Counter[str]
    statuses: Counter[int]
    seconds: float  # from the first post call to the last stored post

    @property
    def calls(self) -> int:
        return sum(self.statuses.values())

    @property
    def share_429(self) -> float:
        return self.statuses[429] / self.calls if self.calls else 0.0

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.occurrences.values() if n > 1)


def text(user: int, n: int) -> str:
    return f"herd {user:05d}-{n}"


async def add_herd(
    repo: ReminderRepository,
    clock: ManualClock,
    platform: str,
    users: Sequence[str],
    per_user: int,
) -> int:
    """``per_user`` reminders for each of ``users``, due ``DUE``, ``DUE + 1 s``, ...; the
    clock is set past the last; returns how many."""
    for i, user in enumerate(users):
        for n in range(per_user):
            new = new_reminder(
                owner=f"{platform}:T1:{user}",
                created_by=f"{platform}:T1:{user}",
                platform=platform,
                target_ref=user,
                conversation="",
                message=text(i, n),
                next_due=DUE + timedelta(seconds=n),
            )
            await repo.add(new, DUE - timedelta(hours=1))
    clock.set(DUE + timedelta(seconds=per_user))
    return len(users) * per_user


def expected_order(per_user: int, user: int) -> list[str]:
    return [text(user, n) for n in range(per_user)]


def slack_gateway(slack: FakeSlack, pacer: Pacer | None, timeout: int = 30) -> SlackGateway:
    """The real gateway on the real Web API client of ``SlackAdapter`` (its retries)."""
    client: AsyncWebClient = web_client("xoxb-test", slack.api_url)
    client.timeout = timeout
    gateway = SlackGateway(client, pacer=pacer)
    if pacer is None:
        gateway.pacer = Pacer(_UNPACED)
    return gateway


async def mattermost_gateway(
    mm: FakeMattermost, clock: ManualClock, pacer: Pacer | None, http_timeout: float = 10.0
) -> MattermostGateway:
    client = MattermostClient(mm.url, mm.bot_token, timeout=http_timeout, pacer=pacer)
    if pacer is None:
        client.pacer = Pacer(_UNPACED)
    gateway = MattermostGateway(client, Signer("herd-secret", clock), f"{mm.url}/actions")
    await gateway.start()
    return gateway


# The peer: no buckets, and a 429 goes straight back to the dispatcher (no patience).
_UNPACED = Limits(patience=0.0)


async def drain(repo: ReminderRepository, clock: ManualClock, gateway: ChatGateway) -> float:
    """Deliver everything due with the real Dispatcher; wall seconds it took."""
    dispatcher = Dispatcher(repo, {gateway.platform: gateway}, clock)
    started = time.monotonic()
    await dispatcher.drain()
    return time.monotonic() - started


def slack_seen(slack: FakeSlack) -> Seen:
    calls = slack.calls_to("chat.postMessage")
    posts: dict[str, list[str]] = {}
    occurrences: Counter[str] = Counter()
    for channel, messages in slack.web.messages.items():
        for message in messages:
            posts.setdefault(channel, []).append(_name(message.get("text")))
            meta = message.get("metadata") or {}
            if "occurrence" in (meta.get("event_payload") or {}):
                occurrences[str(meta["event_payload"]["occurrence"])] += 1
    stored = [c.at for c in calls if c.status == 200]
    seconds = (max(stored) - calls[0].at) if stored else 0.0
    return Seen(posts, occurrences, Counter(c.status for c in calls), seconds)


def mattermost_seen(mm: FakeMattermost, channels: Sequence[str]) -> Seen:
    calls = mm.calls_to("create_post")
    posts: dict[str, list[str]] = {}
    occurrences: Counter[str] = Counter()
    for channel in channels:
        for post in mm.posts_in(channel):
            if post.get("user_id") != mm.bot_id:
                continue
            posts.setdefault(channel, []).append(_name(post.get("message")))
            occ = (post.get("props") or {}).get("remindbot_occurrence")
            if occ is not None:
                occurrences[str(occ)] += 1
    stored = [c.at for c in calls if c.status in (200, 201)]
    seconds = (max(stored) - calls[0].at) if stored else 0.0
    return Seen(posts, occurrences, Counter(c.status for c in calls), seconds)


def _name(message: object) -> str:
    """The herd name in a post ("Reminder: herd 00007-1 (due at ...)" -> "herd 00007-1")."""
    found = re.search(r"herd \d{5}-\d+", str(message))
    return found.group(0) if found else str(message)
