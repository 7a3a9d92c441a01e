"""The chat front: one place where every chat platform's events become use cases.

For each inbound event it drops what was handled before (the platform's event id, in
storage, so replicas agree), refreshes the person's zone from the platform once a day,
answers a question it asked in the conversation, calls the use case, and turns the
value or the typed error into words (``texts``, in the person's language) that go back
through the adapter's ``Replies``: in place of the pressed message, to the person
alone, or as a prompt. Typed commands (``list``, ``delete 3``…) are ``typed.py``'s.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.core import actions, texts, values
from bot.core.asking import LIST_MORE, ask
from bot.core.calendar import Calendars
from bot.core.commands import read_command
from bot.core.directory import Directories
from bot.core.drafts import Drafts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.followups import Followups, Skipped
from bot.core.inbound import Answer, Event, Message, Press
from bot.core.model import Actor, Origin, Page, Reminder, ReminderState, Reply
from bot.core.people import People
from bot.core.ports import (
    NO_METRICS,
    ChatGateway,
    Clock,
    Metrics,
    ReminderRepository,
    Replies,
)
from bot.core.preferences import SettingsForm
from bot.core.setting_actions import change_setting
from bot.core.stored import Stored
from bot.core.typed import TypedCommands
from bot.core.wording import templates_for
from bot.parsing.lexer import detect_language, tokenize

log = logging.getLogger(__name__)
ZONE_REFRESH = timedelta(days=1)


class ChatFront:
    """Takes inbound events from every adapter and answers through their ``Replies``.

    Args:
        repo: storage (event dedupe and prompts asked in a conversation).
        clock: the time source.
        people, directories, drafts, followups, stored: the use cases.
        commands: slash command names (``/reminder``) a message may begin with; they
            are configuration, not words the parser knows.
        calendars: the calendar feeds, for ``calendar feed``; ``None``: not served.
        metrics: counts refused phrases (by code) and repeated events.
        unavailable: whether an exception means the storage is not answering (a database
            outage); the person then hears "try again in a moment" instead of silence.
            Core cannot know the storage's exception types, so the wiring says.
    """

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        people: People,
        directories: Directories,
        drafts: Drafts,
        followups: Followups,
        stored: Stored,
        *,
        commands: Sequence[str] = (),
        calendars: Calendars | None = None,
        metrics: Metrics = NO_METRICS,
        unavailable: Callable[[Exception], bool] | None = None,
        gateways: Mapping[str, ChatGateway] | None = None,
    ) -> None:
        self.repo = repo
        self.metrics = metrics
        self.unavailable = unavailable or _never
        self.clock = clock
        self.people = people
        self.directories = directories
        self.drafts = drafts
        self.followups = followups
        self.stored = stored
        self.commands = tuple(c.lower() for c in commands)
        self.typed = TypedCommands(
            repo, clock, people, drafts, followups, stored, calendars=calendars, gateways=gateways
        )
        self._zones_seen: dict[str, datetime] = {}

    # -- the three ways in ------------------------------------------------------------------

    async def message(self, event: Message, out: Replies) -> None:
        """A DM, a mention or a slash command.

        A command (``list``, ``snooze 20m``…) is never taken as the answer to a question
        asked before: it drops the question (``more`` continues the list it belongs to).
        """
        hint = detect_language(tokenize(self._without_command(event.text)))
        await self._reachable(out, self._message(event, out), hint)

    async def _message(self, event: Message, out: Replies) -> None:
        if not await self._arrived(event):
            return
        text = self._without_command(event.text)
        asked = await self.repo.take_prompt(
            event.actor.key, event.conversation.id, self.clock.now()
        )
        command = read_command(text or "help")
        if command is not None:
            work = self.typed.run(event.actor, event.conversation, command, asked, out)
            await self._guarded(event.actor, out, work, command.language)
        elif asked is not None and asked.action_id != LIST_MORE:
            answer = Answer(
                event_id=None,
                actor=event.actor,
                conversation=event.conversation,
                action_id=asked.action_id,
                value=asked.value,
                text=text,
            )
            await self._guarded(event.actor, out, self._answer(answer, out))
        else:
            language = detect_language(tokenize(text))
            await self._guarded(event.actor, out, self._phrase(event, text, out), language)

    async def press(self, event: Press, out: Replies) -> None:
        """A button or menu choice."""
        await self._reachable(out, self._pressed(event, out))

    async def _pressed(self, event: Press, out: Replies) -> None:
        if await self._arrived(event):
            await self._guarded(event.actor, out, self._press(event, out))

    async def answer(self, event: Answer, out: Replies) -> None:
        """The text given for a prompt the platform asked itself (a modal)."""
        hint = detect_language(tokenize(event.text))
        await self._reachable(out, self._answered(event, out), hint)

    async def _answered(self, event: Answer, out: Replies) -> None:
        if await self._arrived(event):
            await self._guarded(event.actor, out, self._answer(event, out))

    async def overview(self, actor: Actor) -> tuple[Reply, Reply]:
        """The person's upcoming reminders and settings (Slack's App Home)."""
        await self._observe(actor, None)
        settings = await self.people.settings(actor)
        prefs = settings.prefs
        tx = texts.of(prefs.language)
        # Home shows the first page without the "more" line: there is nowhere to type it.
        first = Page(reminders=(await self.stored.page(actor)).reminders)
        return tx.listing(first, prefs.tz, self.clock.now()), tx.settings(settings)

    async def settings_form(self, actor: Actor) -> SettingsForm:
        """The controls that change the person's settings (Slack's App Home)."""
        settings = await self.people.settings(actor)
        return texts.of(settings.prefs.language).settings_form(settings)

    async def texts_for(self, actor: Actor, *hints: str | None) -> texts.Texts:
        """The texts to speak to ``actor`` in (for what an adapter says itself)."""
        return await self._texts(actor, *hints)

    async def greeting(self, actor: Actor, name: str) -> str:
        """What a terminal says first: hello, and the zone it reads their times in."""
        await self._observe(actor, None)
        prefs = await self.people.prefs(actor)
        return texts.of(prefs.language).hello_console(name, prefs.tz)

    # -- on the way in ----------------------------------------------------------------------

    async def _arrived(self, event: Event) -> bool:
        """Whether the event is new (then the person's zone is fresh too)."""
        if event.event_id is not None:
            seen = not await self.repo.mark_event_seen(
                event.actor.platform, event.event_id, self.clock.now()
            )
            if seen:
                self.metrics.duplicate_event(event.actor.platform)
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

    async def _reachable(
        self, out: Replies, work: Awaitable[None], language: str | None = None
    ) -> None:
        """Run ``work``; if the storage stops answering, say "try again in a moment".

        The person's language setting is in the storage too, so the sentence is in the
        language of what they wrote. Nothing of the message is kept: they send it again.
        Any other error (a bug) raises, as before, to the adapter's error path.
        """
        try:
            await work
        except Exception as error:
            if not self.unavailable(error):
                raise
            log.warning("the storage did not answer (%s); asked to try again", _named(error))
            await out.answer(texts.of(language).try_again())

    async def _guarded(
        self, actor: Actor, out: Replies, work: Awaitable[None], language: str | None = None
    ) -> None:
        try:
            await work
        except (NotFound, NotAllowed, InvalidRequest) as error:
            if isinstance(error, PhraseRefused):
                self.metrics.refused(error.refusal.code.value)
            await out.answer((await self._texts(actor, language)).problem(error))

    async def _texts(self, actor: Actor, *hints: str | None) -> texts.Texts:
        """Their chosen language, else the one of what they wrote (``hints``)."""
        return texts.of((await self.people.prefs(actor)).language, *hints)

    async def _phrase(self, event: Message, text: str, out: Replies) -> None:
        rem = await self.drafts.draft(event.actor, event.conversation, text, event.origin)
        await out.answer(await self._draft_reply(event.actor, rem))

    async def _draft_reply(self, actor: Actor, rem: Reminder) -> Reply:
        tx = await self._texts(actor, rem.language)
        return tx.draft(rem, self.clock.now(), await self.people.held(rem))

    # -- buttons ----------------------------------------------------------------------------

    async def _press(self, event: Press, out: Replies) -> None:
        if event.action_id in actions.ON_DRAFTS:
            await self._on_draft(event, out)
        elif event.action_id in actions.ON_DELIVERIES:
            await self._on_delivery(event, out)
        elif event.action_id in actions.ON_SETTINGS:
            settings = await change_setting(self.people, event)
            await out.replace(texts.of(settings.prefs.language).settings(settings))
        else:
            raise InvalidRequest("stale")

    async def _on_draft(self, event: Press, out: Replies) -> None:
        actor, action = event.actor, event.action_id
        rid = values.decode(event.value).reminder
        now = self.clock.now()
        if action == actions.CONFIRM:
            made = await self.drafts.confirm(actor, rid)
            held = [hold for rem in made for hold in await self.people.held(rem)]
            tx = await self._texts(actor, made[0].language)
            await out.replace(tx.scheduled(made, now, held))
        elif action == actions.EDIT:
            rem = await self.drafts.editable(actor, rid)
            tx = await self._texts(actor, rem.language)
            prompt = tx.edit_prompt(rem)
            await ask(
                self.repo,
                self.clock,
                actor,
                event.conversation,
                prompt,
                tx.asking(prompt, rem),
                out,
            )
        elif action == actions.CANCEL:
            rem = await self.drafts.cancel(actor, rid)
            await out.replace((await self._texts(actor, rem.language)).cancelled())
        elif action == actions.UNDO:
            rem = await self.stored.undelete(actor, rid)
            await out.replace((await self._texts(actor, rem.language)).restored(rem, now))
        else:
            rem = await self.drafts.delete(actor, rid)
            await out.answer((await self._texts(actor, rem.language)).deleted(rem))

    async def _on_delivery(self, event: Press, out: Replies) -> None:
        actor, action = event.actor, event.action_id
        pressed = values.decode(event.value, occurrence=True)
        summary, choice = values.from_summary(pressed.choice)
        say = out.answer if summary else out.replace  # a summary keeps the others' buttons
        done = await self.followups.delivered(actor, pressed, action)
        tx = await self._texts(actor, done.reminder.language)
        now = self.clock.now()
        if action == actions.COMPLETE:
            marked = await self.followups.complete(actor, done)
            worded = await templates_for(self.repo, marked.reminder)
            await say(tx.completed(marked.reminder, marked.occurrence, now, worded))
        elif action == actions.SNOOZE and choice == "custom":
            prompt = tx.snooze_prompt(done.reminder, done.occurrence)
            asking = tx.asking(prompt, done.reminder)
            await ask(self.repo, self.clock, actor, event.conversation, prompt, asking, out)
        elif action == actions.SNOOZE:
            later = await self.followups.snooze(actor, done, choice)
            await say(tx.snoozed(later.reminder, later.until, now))
        elif action == actions.SKIP:
            result = await self.followups.skip(actor, done)
            if isinstance(result, Skipped):
                await out.replace(tx.skipped(result.reminder, result.skipped, result.following))
            else:
                await out.replace(tx.stopped(result))
        else:
            await out.replace(tx.stopped(await self.followups.stop(actor, done)))

    # -- answers to prompts -----------------------------------------------------------------

    async def _answer(self, event: Answer, out: Replies) -> None:
        actor = event.actor
        if event.action_id == actions.EDIT:
            rem = await self.drafts.edit(actor, values.decode(event.value).reminder, event.text)
            await out.replace(await self._edited(actor, rem))
        elif event.action_id == actions.SNOOZE:
            pressed = values.decode(event.value, occurrence=True)
            done = await self.followups.delivered(actor, pressed, actions.SNOOZE)
            later = await self.followups.snooze(actor, done, event.text)
            tx = await self._texts(actor, done.reminder.language)
            await out.replace(tx.snoozed(later.reminder, later.until, self.clock.now()))
        elif event.action_id == actions.ABOUT:
            rem = await self.drafts.draft(
                actor, event.conversation, event.text, Origin.CHAT, note=event.note
            )
            await out.answer(await self._draft_reply(actor, rem))
        else:
            raise InvalidRequest("stale")

    async def _edited(self, actor: Actor, rem: Reminder) -> Reply:
        """A draft read again shows its confirmation; a stored reminder, its change."""
        if rem.state is ReminderState.DRAFT:
            return await self._draft_reply(actor, rem)
        return (await self._texts(actor, rem.language)).changed(rem, self.clock.now())


def _never(_error: Exception) -> bool:
    return False


def _named(error: Exception) -> str:
    """The exception's class only: its text may quote the person's message or a URL."""
    return type(error).__name__
