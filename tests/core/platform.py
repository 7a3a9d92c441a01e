"""A chat platform stand-in for core tests: records what it is asked to post, fails on cue.

It implements the ``ChatGateway`` port the way a platform would behave; the Slack and
Mattermost adapters are tested against real local servers instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.model import Access, Delivery, Destination, Reach, Reply, TargetKind
from bot.core.ports import DeliveryError

BOT = "BOT"  # the bot's own user id on this platform


@dataclass
class FakePlatform:
    platform: str = "console"
    delivered: list[Delivery] = field(default_factory=list)
    notices: list[tuple[str, Reply]] = field(default_factory=list)
    updates: list[tuple[str, Reply]] = field(default_factory=list)
    faults: list[DeliveryError] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)
    strangers: set[str] = field(default_factory=set)
    zones: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    searched: int = 0

    async def deliver(self, delivery: Delivery) -> str:
        if self.faults:
            raise self.faults.pop(0)
        self.delivered.append(delivery)
        return f"msg-{len(self.delivered)}"

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        self.searched += 1
        for n, done in enumerate(self.delivered, 1):
            if done.occurrence.id == delivery.occurrence.id:
                return f"msg-{n}"
        return None

    async def update(self, message_ref: str, reply: Reply) -> None:
        self.updates.append((message_ref, reply))

    async def notify(self, owner: str, reply: Reply) -> None:
        self.notices.append((owner, reply))

    async def is_member(self, user: str, channel: str) -> bool:
        return user in self.members.get(channel, set())

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        """Channels listed in ``members`` need the person (and ``BOT``) in them; others
        and people are open, unless listed in ``strangers``."""
        if target.kind is TargetKind.USER and target.ref in self.strangers:
            return Reach(access=Access.NO_USER, destination=target)
        members = self.members.get(target.ref)
        if target.kind is not TargetKind.CHANNEL or members is None:
            return Reach(access=Access.OK, destination=target)
        if BOT not in members:
            return Reach(access=Access.BOT_NOT_MEMBER, destination=target)
        ok = not user or user in members
        return Reach(access=Access.OK if ok else Access.NOT_MEMBER, destination=target)

    async def user_zone(self, user: str) -> str | None:
        return self.zones.get(user)

    async def email_of(self, user: str) -> str | None:
        return self.emails.get(user)

    def texts(self) -> list[str]:
        return [d.reply.text for d in self.delivered]
