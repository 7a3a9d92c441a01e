"""The chat front: one place where every chat platform's events become use cases.

For each inbound event it drops what was handled before (the platform's event id, in
storage, so replicas agree), refreshes the person's zone from the platform once a day,
answers a question it asked in the conversation, calls the use case, and turns the
value or the typed error into words (``texts``) that go back through the adapter's
``Replies``: in place of the pressed message, to the person alone, or as a prompt.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.core import actions, texts, values
from bot.core.commands import TextCommand, clock, read_command
from bot.core.directory import Directories
from bot.core.drafts import Drafts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.followups import Followups, Skipped
from bot.core.inbound import Answer, Event, Message, Press
from bot.core.model import Actor, Origin, PendingPrompt, Prompt, Reply, UserPrefs
from bot.core.people import People
from bot.core.ports import Clock, ReminderRepository, Replies

log = logging.getLogger(__name__)
ZONE_REFRESH = timedelta(days=1)
PROMPT_TTL = timedelta(minutes=15)
Command = Callable[[Actor, TextCommand], Awaitable[Reply]]


class ChatFront:
    """Takes inbound events from every adapter and answers through their ``Replies``.

    Args:
        repo: storage (event dedupe and prompts asked in a conversation).
        clock: the time source.
        people, directories, drafts, followups: the use cases.
        commands: slash command names (``/reminder``) a message may begin with; they
            are configuration, not words the parser knows.
    """

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        people: People,
        directories: Directories,
        drafts: Drafts,
        followups: Followups,
        *,
        commands: Sequence[str] = (),
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.people = people
        self.directories = directories
        self.drafts = drafts
        self.followups = followups
        self.commands = tuple(c.lower() for c in commands)
        self._zones_seen: dict[str, datetime] = {}
        self._text_commands: dict[str, Command] = {
            "help": self._help,
            "list": self._list,
            "delete": self._delete,
            "settings": self._settings,
            "tz": self._set_zone,
            "quiet": self._set_quiet,
            "quiet_off": self._set_quiet,
            "default_time": self._set_default_time,
            "date_order": self._set_date_order,
        }

    # -- the three ways in ------------------------------------------------------------------

    async def message(self, event: Message, out: Replies) -> None:
        """A DM, a mention or a slash command."""
        if not await self._arrived(event):
            return
        text = self._without_command(event.text)
        now = self.clock.now()
        asked = await self.repo.take_prompt(event.actor.key, event.conversation.id, now)
        if asked is not None and text:
            answer = Answer(
                event_id=None,
                actor=event.actor,
                conversation=event.conversation,
                action_id=asked.action_id,
                value=asked.value,
                text=text,
            )
            await self._guarded(out, self._answer(answer, out))
            return
        await self._guarded(out, self._message(event, text, out))

    async def press(self, event: Press, out: Replies) -> None:
        """A button or menu choice."""
        if await self._arrived(event):
            await self._guarded(out, self._press(event, out))

    async def answer(self, event: Answer, out: Replies) -> None:
        """The text given for a prompt the platform asked itself (a modal)."""
        if await self._arrived(event):
            await self._guarded(out, self._answer(event, out))

    async def overview(self, actor: Actor) -> tuple[Reply, Reply]:
        """The person's upcoming reminders and settings (Slack's App Home)."""
        await self._observe(actor, None)
        upcoming = await self.drafts.upcoming(actor)
        return texts.listing(upcoming), texts.settings(await self.people.prefs(actor))

    # -- on the way in ----------------------------------------------------------------------

    async def _arrived(self, event: Event) -> bool:
        """Whether the event is new (then the person's zone is fresh too)."""
        if event.event_id is not None:
            seen = not await self.repo.mark_event_seen(
                event.actor.platform, event.event_id, self.clock.now()
            )
            if seen:
                log.info("dropped a repeated %s event", event.actor.platform)
                return False
        await self._observe(event.actor, event.tz_hint)
        return True

    async def _observe(self, actor: Actor, hint: str | None) -> None:
        """Take the zone the platform has for them on first contact, then once a day."""
        now = self.clock.now()
        seen = self._zones_seen.get(actor.key)
        if seen is not None and now - seen < ZONE_REFRESH:
            return
        zone = hint or await self.directories.user_zone(actor)
        if zone:
            await self.people.observe_timezone(actor, zone)
        # Marked after the lookup: a second event meanwhile looks again rather than
        # going on without the zone.
        self._zones_seen[actor.key] = now

    def _without_command(self, text: str) -> str:
        head, _, rest = text.strip().partition(" ")
        return rest.strip() if head.lower() in self.commands else text.strip()

    async def _guarded(self, out: Replies, work: Awaitable[None]) -> None:
        try:
            await work
        except (NotFound, NotAllowed, InvalidRequest) as error:
            await out.answer(texts.problem(error))

    # -- messages ---------------------------------------------------------------------------

    async def _message(self, event: Message, text: str, out: Replies) -> None:
        command = read_command(text or "help")
        if command is not None:
            await out.answer(await self._text_commands[command.name](event.actor, command))
            return
        rem = await self.drafts.draft(event.actor, event.conversation, text, event.origin)
        await out.answer(texts.draft(rem, self.clock.now()))

    async def _help(self, _actor: Actor, _command: TextCommand) -> Reply:
        return texts.plain(texts.HELP)

    async def _list(self, actor: Actor, _command: TextCommand) -> Reply:
        return texts.listing(await self.drafts.upcoming(actor))

    async def _delete(self, actor: Actor, command: TextCommand) -> Reply:
        return texts.deleted(await self.drafts.delete(actor, int(command.args[0] or 0)))

    async def _settings(self, actor: Actor, _command: TextCommand) -> Reply:
        return texts.settings(await self.people.prefs(actor))

    async def _set_zone(self, actor: Actor, command: TextCommand) -> Reply:
        return texts.settings(await self.people.set_timezone(actor, command.args[0] or ""))

    async def _set_quiet(self, actor: Actor, command: TextCommand) -> Reply:
        args = command.args
        if command.name == "quiet_off":
            prefs = await self.people.set_quiet_hours(actor, None, None)
        else:
            start, end = clock(*args[:3]), clock(*args[3:])
            if start is None or end is None:
                raise InvalidRequest("quiet_format")
            prefs = await self.people.set_quiet_hours(actor, start, end)
        return texts.settings(prefs)

    async def _set_default_time(self, actor: Actor, command: TextCommand) -> Reply:
        return _shown(await self.people.set_default_time(actor, clock(*command.args)))

    async def _set_date_order(self, actor: Actor, command: TextCommand) -> Reply:
        day_first = command.args[0] in ("day/month", "dmy")
        return _shown(await self.people.set_date_order(actor, day_first))

    # -- buttons ----------------------------------------------------------------------------

    async def _press(self, event: Press, out: Replies) -> None:
        if event.action_id in actions.ON_DRAFTS:
            await self._on_draft(event, out)
        elif event.action_id in actions.ON_DELIVERIES:
            await self._on_delivery(event, out)
        else:
            raise InvalidRequest("stale")

    async def _on_draft(self, event: Press, out: Replies) -> None:
        actor, action = event.actor, event.action_id
        rid = values.decode(event.value).reminder
        now = self.clock.now()
        if action == actions.CONFIRM:
            await out.replace(texts.scheduled(await self.drafts.confirm(actor, rid), now))
        elif action == actions.EDIT:
            await self._ask(event, texts.edit_prompt(await self.drafts.editable(actor, rid)), out)
        elif action == actions.CANCEL:
            await self.drafts.cancel(actor, rid)
            await out.replace(texts.plain(texts.CANCELLED))
        else:
            await out.answer(texts.deleted(await self.drafts.delete(actor, rid)))

    async def _on_delivery(self, event: Press, out: Replies) -> None:
        actor, action = event.actor, event.action_id
        pressed = values.decode(event.value, occurrence=True)
        done = await self.followups.delivered(actor, pressed, action)
        now = self.clock.now()
        if action == actions.COMPLETE:
            marked = await self.followups.complete(actor, done)
            await out.replace(texts.completed(marked.reminder, marked.occurrence, now))
        elif action == actions.SNOOZE and pressed.choice == "custom":
            await self._ask(event, texts.snooze_prompt(done.reminder, done.occurrence), out)
        elif action == actions.SNOOZE:
            later = await self.followups.snooze(actor, done, pressed.choice)
            await out.replace(texts.snoozed(later.reminder, later.until, now))
        elif action == actions.SKIP:
            result = await self.followups.skip(actor, done)
            if isinstance(result, Skipped):
                await out.replace(texts.skipped(result.reminder, result.skipped, result.following))
            else:
                await out.replace(texts.stopped(result))
        else:
            await out.replace(texts.stopped(await self.followups.stop(actor, done)))

    async def _ask(self, event: Press, prompt: Prompt, out: Replies) -> None:
        """Ask in the platform's own way, or in the conversation: then the person's next
        message there is the answer."""
        if await out.prompt(prompt):
            return
        asked = PendingPrompt(
            user=event.actor.key,
            conversation=event.conversation.id,
            action_id=prompt.action_id,
            value=prompt.value,
            expires_at=self.clock.now() + PROMPT_TTL,
        )
        await self.repo.save_prompt(asked)
        await out.answer(texts.asking(prompt))

    # -- answers to prompts -----------------------------------------------------------------

    async def _answer(self, event: Answer, out: Replies) -> None:
        actor, now = event.actor, self.clock.now()
        if event.action_id == actions.EDIT:
            rem = await self.drafts.edit(actor, values.decode(event.value).reminder, event.text)
            await out.replace(texts.draft(rem, now))
        elif event.action_id == actions.SNOOZE:
            pressed = values.decode(event.value, occurrence=True)
            done = await self.followups.delivered(actor, pressed, actions.SNOOZE)
            later = await self.followups.snooze(actor, done, event.text)
            await out.replace(texts.snoozed(later.reminder, later.until, now))
        elif event.action_id == actions.ABOUT:
            rem = await self.drafts.draft(
                actor, event.conversation, event.text, Origin.CHAT, note=event.note
            )
            await out.answer(texts.draft(rem, now))
        else:
            raise InvalidRequest("stale")


def _shown(prefs: UserPrefs) -> Reply:
    return texts.settings(prefs)
