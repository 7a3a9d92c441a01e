"""Every sentence the bot says, in one place, as neutral ``Reply`` values."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import actions, values
from bot.core.model import (
    Access,
    Button,
    Destination,
    Menu,
    Occurrence,
    Reach,
    Reminder,
    Reply,
    UserPrefs,
)
from bot.parsing import Command, occurrences_after
from bot.parsing.describe import EXAMPLES, moment, relative, rule_words
from bot.parsing.model import Recurrence
from bot.parsing.zones import zone

_LATE = timedelta(minutes=1)
HELP = (
    "Tell me what to remind you of and when, for example:\n"
    + "\n".join(f"  {e}" for e in EXAMPLES)
    + "\nOther commands: list, delete N, settings, help.\n"
    "Settings: 'set my timezone to Europe/Copenhagen', 'quiet hours 22:00-07:00',"
    " 'quiet hours off', 'default time 8:30', 'date order day/month'."
)


PLATFORM_UNAVAILABLE = (
    "I could not check that with the chat platform just now. Try again in a moment."
)
_UNREACHABLE = {
    Access.NO_CHANNEL: "I can't find {target}, or I'm not allowed to see it.",
    Access.NOT_MEMBER: "You can only set reminders in channels you are a member of ({target}).",
    Access.BOT_NOT_MEMBER: "I'm not a member of {target}, so I can't post there. Invite me first.",
    Access.NO_USER: (
        "I can't send reminders to {target}: they are not someone you can message here."
    ),
}


def target_words(kind: str, ref: str, name: str) -> str:
    if kind == "me":
        return "you"
    if kind == "here":
        return "this channel"
    return f"@{ref}" if kind == "user" else f"#{name or ref}"


def destination_words(dest: Destination) -> str:
    return target_words(dest.kind, dest.ref, dest.name)


def unreachable(reach: Reach) -> str:
    return _UNREACHABLE[reach.access].format(target=destination_words(reach.destination))


def when_words(when: datetime, tz: str, now: datetime) -> str:
    local = when.astimezone(zone(tz))
    return f"{moment(local)} ({tz}), {relative(local, now)}"


def next_dates(rec: Recurrence, after: datetime) -> str:
    return ", ".join(f"{d:%a %d %b %H:%M}" for d in occurrences_after(rec, after, 3))


def draft(rem: Reminder, cmd: Command, now: datetime) -> Reply:
    fields = [("When", when_words(cmd.when, cmd.tz, now))]
    if cmd.recurrence is not None:
        repeats = f"{rule_words(cmd.recurrence)}; next: {next_dates(cmd.recurrence, now)}"
        fields.append(("Repeats", repeats))
    fields.append(("To", ", ".join(destination_words(d) for d in rem.destinations)))
    fields.append(("Message", rem.message or "(no message)"))
    value = values.encode(rem.id)
    buttons = (
        Button(action_id=actions.CONFIRM, label="Confirm", value=value, style="primary"),
        Button(action_id=actions.EDIT, label="Edit", value=value),
        Button(action_id=actions.CANCEL, label="Cancel", value=value, style="danger"),
    )
    return Reply(
        text=f"Remind {fields[-2][1]}: {fields[0][1]}?",
        fields=tuple(fields),
        buttons=buttons,
        reminder_id=rem.id,
    )


def scheduled(made: list[Reminder], now: datetime) -> Reply:
    """The answer to Confirm: the reminder, and the copies made for its other targets."""
    rem = made[0]
    assert rem.next_due is not None
    numbers = ", ".join(f"#{r.id}" for r in made)
    text = f"Scheduled {numbers}: {when_words(rem.next_due, rem.tz, now)}"
    if len(made) > 1:
        text += " for " + ", ".join(destination_words(r.destination) for r in made)
    if rem.rrule and rem.dtstart:
        text += f", {rule_words(Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz))}"
    return Reply(text=f"{text} \u2014 {rem.message or '(no message)'}", reminder_id=rem.id)


def delivery(rem: Reminder, occ: Occurrence, now: datetime) -> Reply:
    local_due = occ.due_at.astimezone(zone(rem.tz))
    late = now - occ.due_at > _LATE
    text = f"Reminder: {rem.message or '(no message)'}"
    if late:
        text += f" (due at {local_due:%H:%M}" + (
            f" on {local_due:%a %d %b})" if (now - occ.due_at).days >= 1 else ")"
        )
    set_by = None
    if rem.created_by and rem.created_by != _recipient_key(rem):
        set_by = rem.created_by.rsplit(":", 1)[-1]
    value = values.encode(rem.id, occ.id)
    buttons = [Button(action_id=actions.COMPLETE, label="Complete", value=value, style="primary")]
    if rem.recurring:
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


def _recipient_key(rem: Reminder) -> str:
    if rem.target_kind == "user":
        return f"{rem.platform}:{rem.workspace}:{rem.target_ref}"
    return rem.owner


def listing(reminders: list[Reminder], now: datetime) -> Reply:
    if not reminders:
        return Reply(text="You have no upcoming reminders.", ephemeral=True)
    lines = ["Your upcoming reminders:"]
    for rem in reminders:
        due = rem.next_due.astimezone(zone(rem.tz)) if rem.next_due else None
        when = f"{due:%a %d %b %Y %H:%M}" if due else "not scheduled"
        repeat = " (repeats)" if rem.recurring else ""
        to = target_words(rem.target_kind, rem.target_ref, rem.target_name)
        lines.append(f"  #{rem.id}  {when}{repeat}  to {to} \u2014 {rem.message or '(no message)'}")
    buttons = tuple(
        Button(
            action_id=actions.DELETE,
            label=f"Delete #{r.id}",
            value=values.encode(r.id),
            style="danger",
        )
        for r in reminders[:10]
    )
    return Reply(text="\n".join(lines), buttons=buttons, ephemeral=True)


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
    return Reply(text="Your settings", fields=fields, ephemeral=True)


def plain(text: str, reminder_id: int | None = None) -> Reply:
    return Reply(text=text, ephemeral=True, reminder_id=reminder_id)
