"""Every sentence the bot says, in one place, as neutral ``Reply`` values.

The use cases return values and raise typed errors; the chat front and the dispatcher
turn them into words here, and nowhere else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import actions, schedule, values
from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.model import (
    Access,
    Button,
    Destination,
    Menu,
    Occurrence,
    Prompt,
    Reach,
    Reminder,
    Reply,
    StatusChange,
    TargetKind,
    UserPrefs,
    UserRef,
)
from bot.parsing import Command, Target, occurrences_after
from bot.parsing.describe import (
    EXAMPLES,
    before_words,
    moment,
    offset_words,
    refusal_text,
    relative,
    rule_words,
    status_words,
    stop_words,
    trigger_words,
)
from bot.parsing.model import Recurrence
from bot.parsing.zones import zone

_LATE = timedelta(minutes=1)
DASH = "\u2014"
HELP = (
    "Tell me what to remind you of and when, for example:\n"
    + "\n".join(f"  {e}" for e in EXAMPLES)
    + "\nOther commands: list, delete N, settings, help.\n"
    "Settings: 'set my timezone to Europe/Copenhagen', 'quiet hours 22:00-07:00',"
    " 'quiet hours off', 'default time 8:30', 'date order day/month'."
)
NOT_FOUND = "That reminder no longer exists."
NOT_ALLOWED = "Only the person who set this reminder (or its recipient) can do that."
CANCELLED = "Cancelled. Nothing was scheduled."
_PROBLEMS = {
    "stale": "That button is not valid any more.",
    "already": "Reminder #{ident} is already {state}.",
    "expired": "That draft has expired. Send the phrase again.",
    "time_passed": "That time has passed while waiting. Press Edit to change it.",
    "snooze_time": "I could not read that snooze time. Try '4pm' or 'in 20 minutes'.",
    "not_recurring": "Only a repeating reminder has a next time to skip.",
    "platform_unavailable": (
        "I could not check that with the chat platform just now. Try again in a moment."
    ),
    "unknown_zone": "I don't know that time zone. Use a name like Europe/Copenhagen.",
    "quiet_format": "Quiet hours need two different times, like 22:00-07:00.",
    "default_time_format": "A default time looks like 8:30 or 9am.",
    # What the REST API and assistants can get wrong.
    "token_name": "A token needs a name.",
    "system_phrase": "A system account has no chat of its own: give the fields, not a phrase.",
    "bad_zone": "I don't know the time zone {tz}. Use a name like Europe/Copenhagen.",
    "entity_needed": "A stop condition or a trigger needs the entity it watches.",
    "one_time": "Give one kind of time: at, rrule, event_at with offsets, or a trigger.",
    "no_time": "Give a time: at, rrule (with dtstart), event_at with offsets, or a trigger.",
    "past": "That time has already passed ({when}).",
    "rule_over": "That rule has no occurrence after now.",
    "bad_rule": "That is not a recurrence rule I can use (RFC 5545 RRULE, without DTSTART).",
    "too_frequent": "That repeats too often: the shortest interval is every {minutes} minutes.",
    "draft_needs_chat": "A system account cannot confirm a draft in chat: leave confirm on.",
    "platform_needed": "Say which platform the target is on (target.platform).",
    "unknown_platform": "I don't know the platform {platform}.",
    "system_target": "A system account has no chat: give a user or a channel as the target.",
    "bad_offsets": "Offsets are minutes before the event, zero or more, at least one.",
    "offsets_past": "Every offset before {when} has already passed.",
    "not_active": "Reminder #{ident} is {state}, so it cannot be changed.",
    "at_on_series": "Reminder #{ident} repeats: change its rule or event, not its time.",
    "no_offsets": "Reminder #{ident} has no offsets before an event to move.",
    "no_rule": "Reminder #{ident} does not repeat: change its time instead.",
    "nothing_to_snooze": "Reminder #{ident} has nothing due to snooze.",
    "bad_status": "An entity's type, id and status must be 1 to 255 characters.",
    "key_reused": "That Idempotency-Key was used with another request body.",
    "key_busy": "The first request with that Idempotency-Key is still running; try again.",
    "bad_cursor": "That cursor is not one I gave.",
    "naive_time": "Give times with their offset (2026-12-04T09:00:00+01:00).",
}
_UNREACHABLE = {
    Access.NO_CHANNEL: "I can't find {target}, or I'm not allowed to see it.",
    Access.NOT_MEMBER: "You can only set reminders in channels you are a member of ({target}).",
    Access.BOT_NOT_MEMBER: "I'm not a member of {target}, so I can't post there. Invite me first.",
    Access.NO_USER: (
        "I can't send reminders to {target}: they are not someone you can message here."
    ),
}


# -- pieces ----------------------------------------------------------------------------


def target_words(dest: Destination) -> str:
    if dest.kind is TargetKind.ME:
        return "you"
    if dest.kind is TargetKind.USER:
        return f"@{dest.name or dest.ref}"
    return f"#{dest.name.lstrip('#') or dest.ref}"


def when_words(when: datetime, tz: str, now: datetime) -> str:
    local = when.astimezone(zone(tz))
    return f"{moment(local)} ({tz}), {relative(local, now)}"


def next_dates(rec: Recurrence, after: datetime) -> str:
    return ", ".join(f"{d:%a %d %b %H:%M}" for d in occurrences_after(rec, after, 3))


def message_of(rem: Reminder) -> str:
    return rem.message or "(no message)"


def reminder_line(rem: Reminder, status: str = "") -> str:
    """``Reminder: call Bo``, or with what became of it: ``Reminder: call Bo — Completed``."""
    line = f"Reminder: {message_of(rem)}"
    return f"{line} {DASH} {status}" if status else line


def _recurrence(rem: Reminder) -> Recurrence | None:
    if rem.rrule is None or rem.dtstart is None:
        return None
    return Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz)


def plain(text: str, reminder_id: int | None = None) -> Reply:
    return Reply(text=text, reminder_id=reminder_id)


# -- making reminders ---------------------------------------------------------------------


def _when(rem: Reminder, now: datetime) -> str:
    if rem.trigger_status is not None:
        what = entity_words(rem.entity_type, rem.entity_id)
        return "when " + status_words(what, [rem.trigger_status])
    assert rem.next_due is not None
    return when_words(rem.next_due, rem.tz, now)


def _timing(rem: Reminder, now: datetime) -> list[tuple[str, str]]:
    """The When line, and how it repeats, counts back from an event or stops."""
    fields = [("When", _when(rem, now))]
    rec = _recurrence(rem)
    if rec is not None:
        fields.append(("Repeats", f"{rule_words(rec)}; next: {next_dates(rec, now)}"))
    if rem.event_at is not None and rem.offsets:
        times = [t for t in schedule.offset_times(rem.event_at, rem.offsets) if t > now]
        dates = ", ".join(f"{t.astimezone(zone(rem.tz)):%a %d %b %H:%M}" for t in times)
        fields.append(("Before", f"{before_words(rem.offsets, rem.event_at, rem.tz)}: {dates}"))
    if rem.stop_statuses:
        what = entity_words(rem.entity_type, rem.entity_id)
        fields.append(("Stops", "when " + status_words(what, list(rem.stop_statuses))))
    return fields


def draft(rem: Reminder, now: datetime) -> Reply:
    """The confirmation: what was read, with Confirm / Edit / Cancel."""
    fields = _timing(rem, now)
    to = ", ".join(target_words(d) for d in rem.destinations)
    fields += [("To", to), ("Message", message_of(rem))]
    value = values.encode(rem.id)
    buttons = (
        Button(action_id=actions.CONFIRM, label="Confirm", value=value, style="primary"),
        Button(action_id=actions.EDIT, label="Edit", value=value),
        Button(action_id=actions.CANCEL, label="Cancel", value=value, style="danger"),
    )
    text = f"Remind {to}: {fields[0][1]}?"
    return Reply(text=text, fields=tuple(fields), buttons=buttons, reminder_id=rem.id)


def scheduled(made: list[Reminder], now: datetime) -> Reply:
    """The answer to Confirm: the reminder, and the copies made for its other targets."""
    rem = made[0]
    numbers = ", ".join(f"#{r.id}" for r in made)
    text = f"Scheduled {numbers}: {_when(rem, now)}"
    if len(made) > 1:
        text += " for " + ", ".join(target_words(r.destination) for r in made)
    rec = _recurrence(rem)
    if rec is not None:
        text += f", {rule_words(rec)}"
    return Reply(text=f"{text} {DASH} {message_of(rem)}", reminder_id=rem.id)


def edit_prompt(rem: Reminder) -> Prompt:
    return Prompt(
        action_id=actions.EDIT,
        value=values.encode(rem.id),
        title="Edit reminder",
        label="New phrase",
        initial=rem.phrase,
    )


def snooze_prompt(rem: Reminder, occ: Occurrence) -> Prompt:
    return Prompt(
        action_id=actions.SNOOZE,
        value=values.encode(rem.id, occ.id),
        title="Snooze",
        label="Snooze until",
    )


def asking(prompt: Prompt) -> Reply:
    """A prompt asked in the conversation: the next message answers it."""
    if prompt.action_id == actions.SNOOZE:
        return plain("Until when? (e.g. 4pm, in 20 minutes)")
    ident = values.decode(prompt.value).reminder
    shown = f"\n  (was: {prompt.initial})" if prompt.initial else ""
    return plain(f"Send the new phrase for #{ident}.{shown}", ident)


def deleted(rem: Reminder) -> Reply:
    return plain(f"Deleted reminder #{rem.id}.", rem.id)


def listing(reminders: list[Reminder]) -> Reply:
    if not reminders:
        return plain("You have no upcoming reminders.")
    lines = ["Your upcoming reminders:"]
    for rem in reminders:
        due = rem.next_due.astimezone(zone(rem.tz)) if rem.next_due else None
        when = f"{due:%a %d %b %Y %H:%M}" if due else "not scheduled"
        repeat = " (repeats)" if schedule.repeats(rem) else ""
        to = target_words(rem.destination)
        lines.append(f"  #{rem.id}  {when}{repeat}  to {to} {DASH} {message_of(rem)}")
    buttons = tuple(
        Button(action_id=actions.DELETE, label=f"Delete #{r.id}", value=values.encode(r.id))
        for r in reminders[:10]
    )
    return Reply(text="\n".join(lines), buttons=buttons)


def settings(prefs: UserPrefs) -> Reply:
    quiet = (
        f"{prefs.quiet_start:%H:%M}-{prefs.quiet_end:%H:%M}"
        if prefs.quiet_start and prefs.quiet_end
        else "off"
    )
    fields = (
        ("Time zone", prefs.tz),
        ("Quiet hours", quiet),
        ("Default time", f"{prefs.default_time:%H:%M}"),
        ("Date order", "day/month" if prefs.date_order == "DMY" else "month/day"),
    )
    return Reply(text="Your settings", fields=fields)


# -- delivered reminders ------------------------------------------------------------------


def delivery(rem: Reminder, occ: Occurrence, now: datetime) -> Reply:
    """A due reminder as delivered: its message (and lateness), with its buttons."""
    local_due = occ.due_at.astimezone(zone(rem.tz))
    text = reminder_line(rem)
    if now - occ.due_at > _LATE:
        day = f" on {local_due:%a %d %b}" if (now - occ.due_at).days >= 1 else ""
        text += f" (due at {local_due:%H:%M}{day})"
    recipient = rem.recipient or rem.owner_ref  # a channel's: its owner's own doing
    set_by = None
    setter = UserRef.of(rem.created_by) if rem.created_by else None
    if setter is not None and rem.created_by != recipient.key and setter.platform == rem.platform:
        set_by = setter.user  # a person of the same platform: named, and mentioned
    value = values.encode(rem.id, occ.id)
    buttons = [Button(action_id=actions.COMPLETE, label="Complete", value=value, style="primary")]
    if schedule.repeats(rem):
        buttons.append(Button(action_id=actions.SKIP, label="Skip next", value=value))
        buttons.append(Button(action_id=actions.STOP, label="Stop", value=value, style="danger"))
    menu = Menu(
        action_id=actions.SNOOZE,
        label="Snooze",
        options=tuple(
            (label, values.encode(rem.id, occ.id, code)) for label, code in actions.SNOOZE_CHOICES
        ),
    )
    return Reply(
        text=text, buttons=tuple(buttons), menus=(menu,), reminder_id=rem.id, set_by=set_by
    )


def completed(rem: Reminder, occ: Occurrence, now: datetime) -> Reply:
    if rem.target_kind is TargetKind.CHANNEL:
        # Every member may mark it done: keep the buttons and show who has.
        who = tuple(UserRef.of(key).user for key in occ.completed_by)
        delivered = delivery(rem, occ, now)
        return Reply(
            text=delivered.text,
            buttons=delivered.buttons,
            menus=delivered.menus,
            reminder_id=rem.id,
            set_by=delivered.set_by,
            done_by=who,
        )
    return plain(reminder_line(rem, "Completed"), rem.id)


def snoozed(rem: Reminder, until: datetime, now: datetime) -> Reply:
    local = until.astimezone(zone(rem.tz))
    day = "" if local.date() == now.astimezone(local.tzinfo).date() else f"{local:%a %d %b} "
    return plain(reminder_line(rem, f"Snoozed until {day}{local:%H:%M}"), rem.id)


def skipped(rem: Reminder, skipped_at: datetime, following: datetime) -> Reply:
    tz = zone(rem.tz)
    skipped_local, next_local = skipped_at.astimezone(tz), following.astimezone(tz)
    status = f"Skipped {skipped_local:%a %d %b %H:%M}; next on {next_local:%a %d %b %H:%M}"
    return plain(reminder_line(rem, status), rem.id)


def stopped(rem: Reminder) -> Reply:
    return plain(reminder_line(rem, "Stopped, no more reminders"), rem.id)


def entity_words(entity_type: str | None, entity_id: str | None) -> str:
    return f"{entity_type} {entity_id}" if entity_type and entity_id else "the record"


def stopped_by_status(rem: Reminder, change: StatusChange) -> Reply:
    """To the owner, once, when a status ends a reminder."""
    what = entity_words(change.entity_type, change.entity_id)
    return plain(f"Stopped: {what} is {change.new} ({reminder_line(rem)})", rem.id)


def status_message(trigger: Reminder, change: StatusChange) -> str:
    """The message a trigger fires with: its own, and what changed."""
    what = entity_words(change.entity_type, change.entity_id)
    moved = f"{change.old} → {change.new}" if change.old else change.new
    return f"{trigger.message} ({what}: {moved})".strip() if trigger.message else f"{what}: {moved}"


def undeliverable(rem: Reminder, reason: str) -> Reply:
    """To the owner, when a delivery failed for good."""
    return plain(f"I could not deliver reminder #{rem.id} ({reason}): {rem.message}", rem.id)


# -- what went wrong ------------------------------------------------------------------------


def unreachable(reach: Reach) -> str:
    return _UNREACHABLE[reach.access].format(target=target_words(reach.destination))


def api_problem(code: str) -> str:
    return _PROBLEMS.get(code, "That request cannot be carried out.")


def confirmation(cmd: Command, now: datetime) -> str:
    """What a phrase was read as, in the words of a confirmation (nothing stored)."""
    dests = [target_words(_dest(t)) for t in cmd.targets]
    when = trigger_words(cmd) if cmd.when is None else when_words(cmd.when, cmd.tz, now)
    text = f"Remind {', '.join(dests)}: {when}"
    if cmd.recurrence is not None:
        text += f", {rule_words(cmd.recurrence)}"
    if cmd.event_at is not None:
        text += f", {offset_words(cmd)}"
    if cmd.stop_statuses:
        text += f", {stop_words(cmd)}"
    return f"{text} {DASH} {cmd.message or '(no message)'}"


def _dest(target: Target) -> Destination:
    kind = TargetKind.ME if target.kind in ("me", "here") else TargetKind(target.kind)
    return Destination(kind=kind, ref=target.ref, name=target.name)


def problem(error: Exception) -> Reply:
    """The one sentence for an error a person caused."""
    if isinstance(error, NotFound):
        return plain(NOT_FOUND)
    if isinstance(error, NotAllowed):
        return plain(NOT_ALLOWED)
    if isinstance(error, PhraseRefused):
        return plain(refusal_text(error.refusal, error.tz, error.prefs))
    if isinstance(error, InvalidRequest):
        if error.code == "unreachable":
            return plain(unreachable(error.params["reach"]))
        params = {"ident": error.ident, **error.params}
        state = params.get("state")
        params["state"] = getattr(state, "value", state)
        ident = error.ident if isinstance(error.ident, int) else None
        return plain(_PROBLEMS[error.code].format(**params), ident)
    raise TypeError(f"not a user's error: {error!r}")
