"""Typed commands (``list``, ``delete 3``, ``snooze 2 1h``, settings…) as use cases and
answers; the chat front hands each ``TextCommand`` here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import cast

from bot.core import actions, calendar, texts
from bot.core.asking import LIST_MORE, ask, remember
from bot.core.commands import TextCommand, channel_names, clock, number
from bot.core.digests import Digests, read_plan
from bot.core.drafts import Drafts
from bot.core.errors import InvalidRequest
from bot.core.followups import Delivered, Followups
from bot.core.model import (
    Actor,
    Conversation,
    ListKind,
    Origin,
    PendingPrompt,
    Reminder,
    ReminderState,
    Reply,
    UserPrefs,
)
from bot.core.people import People
from bot.core.ports import ChatGateway, Clock, DeliveryError, ReminderRepository, Replies
from bot.core.stored import PAGE, Stored
from bot.core.wording import templates_for

log = logging.getLogger(__name__)

_KINDS: dict[str | None, ListKind] = {
    None: "upcoming",
    "done": "done",
    "past": "done",
    "all": "all",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Typed:
    """One typed command as a handler sees it."""

    actor: Actor
    where: Conversation
    command: TextCommand
    asked: PendingPrompt | None
    out: Replies
    tx: texts.Texts
    prefs: UserPrefs  # as the command found them

    def arg(self, index: int = 0) -> str | None:
        return self.command.args[index] if index < len(self.command.args) else None


Handler = Callable[[Typed], Awaitable[Reply | None]]


class TypedCommands:
    """The answers to typed commands; each handler returns the reply (``None``: it has
    answered itself, as a question asked)."""

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        people: People,
        drafts: Drafts,
        followups: Followups,
        stored: Stored,
        *,
        calendars: calendar.Calendars | None = None,
        gateways: Mapping[str, ChatGateway] | None = None,
    ) -> None:
        self.repo = repo
        self.calendars = calendars
        # The platforms' gateways (shared: adapters join it later), to put a typed done or
        # snooze in place of the delivered message's buttons, as pressing one does.
        self.gateways: Mapping[str, ChatGateway] = gateways if gateways is not None else {}
        self.clock = clock
        self.people = people
        self.drafts = drafts
        self.followups = followups
        self.stored = stored
        self.digests = Digests(repo, clock, wake=stored.wake)
        self._handlers: dict[str, Handler] = {
            "help": self._help,
            "hello": self._talk,
            "thanks": self._talk,
            "list": self._list,
            "more": self._more,
            "delete": self._delete,
            "edit": self._edit,
            "move": self._edit,
            "undo": self._undo,
            "snooze": self._snooze,
            "done": self._done,
            "zone_question": self._zone,
            "settings": self._settings,
            "tz": self._settings,
            "quiet": self._settings,
            "quiet_off": self._settings,
            "default_time": self._settings,
            "date_order": self._settings,
            "language": self._settings,
            "calendar": self._calendar,
            "calendar_revoke": self._calendar,
            # -- digests
            "digest": self._digest,
            "digest_da": self._digest,
            "digest_off": self._digest_off,
            "digest_off_da": self._digest_off,
            "channels": self._settings,
            "email": self._settings,
            "email_off": self._settings,
        }

    async def run(
        self,
        actor: Actor,
        where: Conversation,
        command: TextCommand,
        asked: PendingPrompt | None,
        out: Replies,
    ) -> None:
        prefs = await self.people.prefs(actor)
        tx = texts.of(prefs.language, command.language)
        typed = Typed(
            actor=actor, where=where, command=command, asked=asked, out=out, tx=tx, prefs=prefs
        )
        reply = await self._handlers[command.name](typed)
        if reply is not None:
            await out.answer(reply)

    # -- talk and lists ---------------------------------------------------------------------

    async def _help(self, t: Typed) -> Reply:
        topic = f"help_{(t.arg() or '').lower()}"
        return t.tx.small_talk(topic if topic in t.tx.w.say else "help")

    async def _talk(self, t: Typed) -> Reply:
        return t.tx.small_talk(t.command.name)

    async def _zone(self, t: Typed) -> Reply:
        return t.tx.zone_is(t.prefs)

    async def _list(self, t: Typed) -> Reply:
        kind = _KINDS.get((t.arg() or "").lower() or None, "upcoming")
        return await self._page(t, kind, 0)

    async def _more(self, t: Typed) -> Reply:
        if t.asked is None or t.asked.action_id != LIST_MORE:
            raise InvalidRequest("no_more")
        kind, _, offset = t.asked.value.partition(":")
        return await self._page(t, cast(ListKind, kind), int(offset))

    async def _page(self, t: Typed, kind: ListKind, offset: int) -> Reply:
        page = await self.stored.page(t.actor, kind, offset)
        if page.more:
            value = f"{kind}:{offset + PAGE}"
            await remember(self.repo, self.clock, t.actor, t.where, LIST_MORE, value)
        return t.tx.listing(page, t.prefs.tz, self.clock.now())

    # -- changing stored reminders ----------------------------------------------------------

    async def _numbered(self, t: Typed) -> Reminder | None:
        n = number(t.arg())
        if n is None:
            return None
        return await self.stored.numbered(t.actor, n)

    async def _delete(self, t: Typed) -> Reply:
        rem = await self._numbered(t)
        if rem is None:
            return t.tx.small_talk("help_delete")
        return t.tx.deleted(await self.drafts.delete(t.actor, rem.id))

    async def _edit(self, t: Typed) -> Reply | None:
        rem = await self._numbered(t)
        if rem is None:
            return t.tx.small_talk("help_edit")
        text = t.arg(1)
        if not text:
            rem = await self.drafts.editable(t.actor, rem.id)
            prompt = t.tx.edit_prompt(rem)
            asking = t.tx.asking(prompt, rem)
            await ask(self.repo, self.clock, t.actor, t.where, prompt, asking, t.out)
            return None
        changed = await self.drafts.edit(t.actor, rem.id, text)
        now = self.clock.now()
        if changed.state is ReminderState.DRAFT:
            return t.tx.draft(changed, now, await self.people.held(changed))
        return t.tx.changed(changed, now)

    async def _undo(self, t: Typed) -> Reply:
        return t.tx.restored(await self.stored.undo_last(t.actor), self.clock.now())

    # -- delivered reminders, by number or the last one ---------------------------------------

    async def _delivered(self, t: Typed, action: str) -> Delivered:
        n = number(t.arg())
        found = (
            await self.stored.delivered_of(t.actor, n)
            if n is not None
            else await self.stored.last_delivered(t.actor, t.where)
        )
        return await self.followups.allowed(t.actor, found, action)

    async def _snooze(self, t: Typed) -> Reply | None:
        done = await self._delivered(t, actions.SNOOZE)
        phrase = t.arg(1)
        if not phrase:
            prompt = t.tx.snooze_prompt(done.reminder, done.occurrence)
            asking = t.tx.asking(prompt, done.reminder)
            await ask(self.repo, self.clock, t.actor, t.where, prompt, asking, t.out)
            return None
        later = await self.followups.snooze(t.actor, done, phrase)
        reply = t.tx.snoozed(later.reminder, later.until, self.clock.now())
        await self._in_place(done, reply)
        return reply

    async def _done(self, t: Typed) -> Reply:
        done = await self._delivered(t, actions.COMPLETE)
        marked = await self.followups.complete(t.actor, done)
        worded = await templates_for(self.repo, marked.reminder)
        reply = t.tx.completed(marked.reminder, marked.occurrence, self.clock.now(), worded)
        await self._in_place(done, reply)
        return reply

    async def _in_place(self, done: Delivered, reply: Reply) -> None:
        """Put ``reply`` where the delivered message was, so that its buttons do not stay
        as if nothing happened (a press does the same). The person is answered anyway: a
        message that cannot be changed (deleted, too old) is logged, not an error."""
        ref = done.occurrence.message_ref
        gateway = self.gateways.get(done.reminder.platform)
        if ref is None or gateway is None:
            return
        try:
            await gateway.update(ref, reply)
        except DeliveryError as error:
            log.warning(
                "could not update the message of occurrence %s: %s",
                done.occurrence.id,
                error.reason,
            )

    # -- the calendar feed (answered to the person alone: the URL opens their reminders) ----

    async def _calendar(self, t: Typed) -> Reply:
        revoke = t.command.name == "calendar_revoke"
        return await calendar.answer(self.calendars, t.actor, t.tx, revoke=revoke)

    # -- settings ---------------------------------------------------------------------------

    async def _settings(self, t: Typed) -> Reply:
        people, actor, args = self.people, t.actor, t.command.args
        name = t.command.name
        if name == "settings":
            prefs = t.prefs
        elif name == "tz":
            prefs = await people.set_timezone(actor, args[0] or "")
        elif name == "quiet_off":
            prefs = await people.set_quiet_hours(actor, None, None)
        elif name == "quiet":
            start, end = clock(*args[:3]), clock(*args[3:])
            if start is None or end is None:
                raise InvalidRequest("quiet_format")
            prefs = await people.set_quiet_hours(actor, start, end)
        elif name == "default_time":
            prefs = await people.set_default_time(actor, clock(*args))
        elif name == "date_order":
            prefs = await people.set_date_order(
                actor, (args[0] or "").lower() in ("day/month", "dmy")
            )
        elif name == "channels":
            prefs = await people.set_channels(actor, channel_names(args[0]))
        elif name == "email":
            prefs = await people.set_email(actor, args[0] or "")
        elif name == "email_off":
            prefs = await people.set_email(actor, None)
        else:
            prefs = await people.set_language(actor, args[0] or "")
        digest = await self.digests.get(actor)
        shown = await people.settings(actor)  # with where each setting came from
        return texts.of(prefs.language, t.command.language).settings(shown, digest)

    # -- digests (bot/core/digests.py) ------------------------------------------------------

    async def _digest(self, t: Typed) -> Reply:
        """``send me a digest every weekday at 8am``; ``digest`` alone shows the one set."""
        phrase = t.arg()
        if not phrase:
            found = await self.digests.get(t.actor)
            if found is None:
                raise InvalidRequest("no_digest")
            return t.tx.digest_set(found)
        plan = read_plan(phrase, t.prefs.default_time)
        made = await self.digests.set(
            t.actor, plan, tz=t.prefs.tz, phrase=phrase, origin=Origin.CHAT
        )
        return t.tx.digest_set(made)

    async def _digest_off(self, t: Typed) -> Reply:
        await self.digests.stop(t.actor)
        return t.tx.digest_stopped()
