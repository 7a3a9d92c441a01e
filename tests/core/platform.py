"""A chat platform stand-in for core tests: records what it is asked to post, fails on cue.

It implements the ``ChatGateway`` port the way a platform would behave; the Slack and
Mattermost adapters are tested against real local servers instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.model import Delivery, Reply
from bot.core.ports import DeliveryError


@dataclass
class FakePlatform:
    platform: str = "console"
    delivered: list[Delivery] = field(default_factory=list)
    notices: list[tuple[str, Reply]] = field(default_factory=list)
    updates: list[tuple[str, Reply]] = field(default_factory=list)
    faults: list[DeliveryError] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)

    async def deliver(self, delivery: Delivery) -> str:
        if self.faults:
            raise self.faults.pop(0)
        self.delivered.append(delivery)
        return f"msg-{len(self.delivered)}"

    async def update(self, message_ref: str, reply: Reply) -> None:
        self.updates.append((message_ref, reply))

    async def notify(self, owner: str, reply: Reply) -> None:
        self.notices.append((owner, reply))

    async def is_member(self, user: str, channel: str) -> bool:
        return user in self.members.get(channel, set())

    def texts(self) -> list[str]:
        return [d.reply.text for d in self.delivered]
