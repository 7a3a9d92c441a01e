"""Asking a person for free text: in the platform's own way, or in the conversation."""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import Actor, Conversation, PendingPrompt, Prompt, Reply
from bot.core.ports import Clock, ReminderRepository, Replies

PROMPT_TTL = timedelta(minutes=15)
LIST_MORE = "reminder.list_more"  # not a button: "more" after a list that has more


async def ask(
    repo: ReminderRepository,
    clock: Clock,
    actor: Actor,
    where: Conversation,
    prompt: Prompt,
    asking: Reply,
    out: Replies,
) -> None:
    """Ask with a modal where the platform has one; else say ``asking`` and keep the
    question, so the person's next message in ``where`` answers it (on any replica)."""
    if await out.prompt(prompt):
        return
    await remember(repo, clock, actor, where, prompt.action_id, prompt.value)
    await out.answer(asking)


async def remember(
    repo: ReminderRepository,
    clock: Clock,
    actor: Actor,
    where: Conversation,
    action_id: str,
    value: str,
) -> None:
    asked = PendingPrompt(
        user=actor.key,
        conversation=where.id,
        action_id=action_id,
        value=value,
        expires_at=clock.now() + PROMPT_TTL,
    )
    await repo.save_prompt(asked)
