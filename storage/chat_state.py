"""The chat front's state besides reminders: events seen, prompts asked, secrets, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select

from bot.core.model import PendingPrompt
from storage.base import Store
from storage.models import AuditRow, InboundEventRow, PromptRow, SecretRow

EVENT_MEMORY = timedelta(hours=24)


class ChatState(Store):
    # -- events and audit --------------------------------------------------------------

    async def mark_event_seen(self, platform: str, event_id: str, now: datetime) -> bool:
        forget = delete(InboundEventRow).where(InboundEventRow.seen_at < now - EVENT_MEMORY)
        remember = (
            self._upsert(InboundEventRow)
            .values(platform=platform, event_id=event_id, seen_at=now)
            .on_conflict_do_nothing(
                index_elements=[InboundEventRow.platform, InboundEventRow.event_id]
            )
            .returning(InboundEventRow.id)
        )
        async with self._write_session() as session:
            # Cheap with the seen_at index, and keeps the table at about a day of events.
            await session.execute(forget.execution_options(synchronize_session=False))
            inserted = await session.scalar(remember)
        return inserted is not None

    async def save_prompt(self, prompt: PendingPrompt) -> None:
        values = {
            "conversation": prompt.conversation,
            "action_id": prompt.action_id,
            "value": prompt.value,
            "expires_at": prompt.expires_at,
        }
        stmt = (
            self._upsert(PromptRow)
            .values(user_key=prompt.user, **values)
            .on_conflict_do_update(index_elements=[PromptRow.user_key], set_=values)
        )
        async with self._write_session() as session:
            await session.execute(stmt)

    async def take_prompt(
        self, user: str, conversation: str, now: datetime
    ) -> PendingPrompt | None:
        stmt = (
            delete(PromptRow)
            .where(PromptRow.user_key == user, PromptRow.conversation == conversation)
            .returning(PromptRow)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            row = (await session.scalars(stmt)).one_or_none()
        if row is None or row.expires_at <= now:
            return None
        return PendingPrompt(
            user=row.user_key,
            conversation=row.conversation,
            action_id=row.action_id,
            value=row.value,
            expires_at=row.expires_at,
        )

    async def shared_secret(self, name: str, make: Callable[[], str]) -> str:
        stmt = (
            self._upsert(SecretRow)
            .values(name=name, value=make())
            .on_conflict_do_nothing(index_elements=[SecretRow.name])
        )
        async with self._write_session() as session:
            await session.execute(stmt)
            # Whoever inserted first, this is the value every replica now reads.
            return (
                await session.scalars(select(SecretRow.value).where(SecretRow.name == name))
            ).one()

    async def audit(
        self,
        actor: str,
        action: str,
        now: datetime,
        reminder_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        row = {"at": now, "actor": actor, "action": action, "reminder_id": reminder_id}
        async with self._write_session() as session:
            await session.execute(insert(AuditRow).values(**row, detail=detail))
