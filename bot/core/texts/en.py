"""English: every sentence the bot says, and how it says times (``bot.parsing.describe``)."""

from __future__ import annotations

from datetime import datetime

from bot.core.texts.words import Words
from bot.parsing.describe import (
    EXAMPLES,
    moment,
    refusal_text,
    relative,
    rule_words,
    spans_words,
)

_EXAMPLES = "\n".join(f"  {e}" for e in EXAMPLES)

SAY: dict[str, str] = {
    # -- making reminders
    "you": "you",
    "no_message": "(no message)",
    "when": "{moment} ({tz}), {relative}",
    "remind": "Remind {to}: {when}?",
    "field_when": "When",
    "field_repeats": "Repeats",
    "field_to": "To",
    "field_message": "Message",
    "field_quiet": "Quiet hours",
    "repeats": "{rule}; next: {dates}",
    "quiet_yours": "That is in your quiet hours ({hours}), so it will arrive {moment}.",
    "quiet_theirs": "That is in {who}'s quiet hours ({hours}), so it will arrive {moment}.",
    "confirm": "Confirm",
    "edit": "Edit",
    "cancel": "Cancel",
    "scheduled": "Scheduled {numbers}: {when}",
    "scheduled_for": " for {targets}",
    "cancelled": "Cancelled. Nothing was scheduled.",
    "edit_title": "Edit reminder",
    "edit_label": "New phrase",
    "edit_label_stored": "New time or phrase",
    "snooze_title": "Snooze",
    "snooze_label": "Snooze until",
    "ask_snooze": "Until when? (e.g. 4pm, in 20 minutes)",
    "ask_edit": "Send the new phrase for {number}.",
    "ask_edit_stored": "Send the new time (or the whole new phrase) for {number}.",
    "ask_was": "\n  (was: {phrase})",
    "deleted": "Deleted reminder {number}.",
    "deleted_undo": (
        "Deleted reminder {number} ({message}). Undo within a minute: press Undo or type 'undo'."
    ),
    "undo": "Undo",
    "restored": "Restored reminder {number}: {when} \u2014 {message}",
    "changed": "Changed {number}: {when} \u2014 {message}",
    # -- lists
    "list_upcoming": "Your upcoming reminders (times in {tz}):",
    "list_done": "Your past reminders (times in {tz}):",
    "list_all": "All your reminders (times in {tz}):",
    "empty_upcoming": "You have no upcoming reminders.",
    "empty_done": "You have no past reminders.",
    "empty_all": "You have no reminders.",
    "list_line": "  {number}  {when}  to {to} \u2014 {message}",
    "list_series": "{rule}, next {day}",
    "list_unscheduled": "not scheduled",
    "list_more": "Showing {first}\u2013{last}. Type 'more' for the next ones.",
    "delete_n": "Delete {number}",
    "edit_n": "Edit {number}",
    "state_draft": "draft",
    "state_scheduled": "scheduled",
    "state_paused": "paused",
    "state_completed": "completed",
    "state_cancelled": "cancelled",
    "listed_completed": "completed",
    "listed_cancelled": "stopped",
    # -- settings and small talk
    "settings": "Your settings",
    "field_zone": "Time zone",
    "field_default_time": "Default time",
    "field_date_order": "Date order",
    "field_language": "Language",
    "off": "off",
    "day_month": "day/month",
    "month_day": "month/day",
    "language_en": "English",
    "language_da": "Danish",
    "language_auto": "as you write",
    "zone_is": "Your time zone is {tz} ({source}); 'set my timezone to \u2026' changes it.",
    "zone_user": "you set it",
    "zone_platform": "from your profile",
    "zone_default": "the default",
    "zone_taken": "Your time zone is {tz}; 'set my timezone to \u2026' changes it.",
    "hello_console": "Hello {name}. Type a reminder, or 'help'. Ctrl-D to quit.",
    "hello": "Hello! Tell me what to remind you of and when, or type 'help'.",
    "thanks": "You're welcome!",
    "no_choices": (
        "There is nothing to choose just now: a number picks one of the choices of the"
        " message right above. Type 'help' for more."
    ),
    "no_such_choice": (
        "{n} is not one of the choices of the message right above ([1] to [{last}]);"
        " 'done 2' or 'snooze 2 1h' reach an earlier reminder by its number."
    ),
    "help": (
        "Tell me what to remind you of and when, for example:\n"
        + _EXAMPLES
        + "\nOther commands: list, edit N, delete N, undo, snooze, done, settings, help.\n"
        "Settings: 'set my timezone to Europe/Copenhagen', 'quiet hours 22:00-07:00',"
        " 'quiet hours off', 'default time 8:30', 'date order day/month',"
        " 'set my language to danish'."
    ),
    "help_delete": (
        "To delete a reminder, write 'delete' and its number, like 'delete 3'; 'list' shows"
        " the numbers, and 'undo' brings back what you deleted in the last minute."
    ),
    "help_edit": (
        "To change a reminder, write 'edit' with its number and the new time or phrase, like"
        " 'edit 3 Friday 10am' or 'move #3 to 4pm'; 'edit 3' alone asks for it."
    ),
    "help_list": (
        "'list' shows what is coming, 'list done' what is past, 'list all' both;"
        " 'more' shows the next ones."
    ),
    "help_snooze": (
        "After a reminder fires: 'snooze 20m' or 'snooze until Friday 9am' moves the last"
        " one; 'snooze 2 1h' moves reminder #2."
    ),
    "help_done": (
        "After a reminder fires: 'done' marks the last one done; 'done 2' marks reminder #2."
    ),
    # -- delivered reminders
    "reminder": "Reminder: {message}",
    "with_status": "{line} \u2014 {status}",
    "late": " (due at {time}{day})",
    "late_day": " on {day}",
    "complete": "Complete",
    "skip": "Skip next",
    "stop": "Stop",
    "snooze": "Snooze",
    "snooze_15m": "15 minutes",
    "snooze_1h": "1 hour",
    "snooze_3h": "3 hours",
    "snooze_tomorrow": "Tomorrow",
    "snooze_nextweek": "Next week",
    "snooze_custom": "Custom\u2026",
    "completed": "Completed",
    "snoozed": "Snoozed until {day}{time}",
    "skipped": "Skipped {skipped}; next on {following}",
    "stopped": "Stopped, no more reminders",
    "undeliverable": "I could not deliver reminder {number} ({reason}): {message}",
    "fired_to": "To: {to}",
    "fired_by": "Set by {who}",
    "fired_later": "This is {number}: 'done {n}' or 'snooze {n} 1h' still reach it later.",
    # -- what went wrong
    "not_found": "That reminder no longer exists.",
    "no_number": "You have no reminder {number}.",
    "not_allowed": "Only the person who set this reminder (or its recipient) can do that.",
    "stale": "That button is not valid any more.",
    "already": "Reminder {number} is already {state}.",
    "already_plain": "That reminder is already {state}.",
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
    "unknown_language": "I can answer in English or Danish: 'set my language to danish'.",
    "nothing_to_undo": "There is nothing to undo: only a delete of the last minute can be undone.",
    "undo_expired": "That delete is more than a minute old, so it can no longer be undone.",
    "no_more": "There is no list to continue. Type 'list' to start one.",
    "nothing_delivered": (
        "No reminder has come to you yet, so there is nothing to snooze or mark done."
    ),
    "series_needs_rule": (
        "{number} repeats ({rule}). To change it give a repeating time, like 'every Tuesday"
        " at 10'; to move only the next one, snooze it when it comes."
    ),
    "one_target": (
        "A stored reminder goes to one person or channel: set a new reminder for the others."
    ),
    "not_delivered_yet": (
        "Reminder {number} has not come yet, so there is nothing to snooze or mark done."
    ),
    "no_channel": "I can't find {target}, or I'm not allowed to see it.",
    "not_member": "You can only set reminders in channels you are a member of ({target}).",
    "bot_not_member": "I'm not a member of {target}, so I can't post there. Invite me first.",
    "no_user": "I can't send reminders to {target}: they are not someone you can message here.",
    # -- records of other systems, offsets before an event
    "field_before": "Before",
    "field_stops": "Stops",
    "the_record": "the record",
    "on_status": "when {what} is {status}",
    "on_change": "when {what} changes status",
    "before": "{spans} before {moment}: {dates}",
    "stopped_by_status": "Stopped: {what} is {status} ({line})",
    # -- what the REST API and assistants can get wrong
    "token_name": "A token needs a name.",
    "token_name_digits": "A token's name needs a letter: {name} alone would read as token #{name}.",
    "token_name_taken": (
        "There is already an active token named {name}; revoke it or choose another name."
    ),
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
    "draft_pause": "Reminder #{ident} is a draft: confirm it first, then pause or resume it.",
    "at_on_series": "Reminder #{ident} repeats: change its rule or event, not its time.",
    "no_offsets": "Reminder #{ident} has no offsets before an event to move.",
    "no_rule": "Reminder #{ident} does not repeat: change its time instead.",
    "nothing_to_snooze": "Reminder #{ident} has nothing due to snooze.",
    "bad_status": "An entity's type, id and status must be 1 to 255 characters.",
    "key_reused": "That Idempotency-Key was used with another request body.",
    "key_busy": "The first request with that Idempotency-Key is still running; try again.",
    "bad_cursor": "That cursor is not one I gave.",
    "naive_time": "Give times with their offset (2026-12-04T09:00:00+01:00).",
    # -- webhooks: a reminder's own webhook URL (bot/core/webhooks.py)
    "bad_webhook_url": (
        "A webhook_url must be an http or https address with a host, "
        "like https://example.com/hooks/remindbot."
    ),
    # -- email channel (bot.adapters.email): the email's lines, and why it could not go
    "email_due": "It was due {when}.",
    "email_late": "It went out {late} after that.",
    "email_days": "{n} d",
    "email_hours": "{n} h",
    "email_minutes": "{n} min",
    "email_about": "About: {entity}",
    "email_chat_link": "See it in chat",
    "email_also_in_chat": "It was also posted in chat.",
    "email_footer": (
        "Sent by remindbot. Mark it done or snooze it in chat; replies to this email are not read."
    ),
    "reason_no_email_address": (
        "there is no email address for that person: they can set one in their "
        "preferences or on their chat profile"
    ),
    "reason_starttls_unsupported": (
        "the mail server does not offer STARTTLS, and I do not send email unencrypted"
    ),
    "reason_bad_email_address": "the email address for that person is not one I can send to",
    "reason_email_not_configured": "email is not set up on this bot",
    # -- rate limit: the summary of reminders held back by the hourly limit
    "summary_one": "You have 1 reminder:",
    "summary": "You have {count} reminders:",
    "summary_line": "{which} {message} (due {due})",
    "summary_complete": "Complete {which}",
    "summary_snooze": "Snooze {which} 1 hour",
    "summary_more": (
        "Buttons are on the first {shown}; 'done N' or 'snooze N 1h' reach the others."
    ),
    # -- calendar feed, history and statistics (ical)
    "calendar_name": "Reminders",
    "calendar_feed": (
        "Your private calendar feed: {url}\n"
        "Add it to your calendar app as a subscription (from a URL). Anyone with this link"
        " can see your upcoming reminders: 'revoke my calendar feed' turns it off, and asking"
        " again gives a new link in place of this one."
    ),
    "calendar_revoked": "Your calendar feed is off: its link no longer works.",
    "calendar_none": "You have no calendar feed to revoke.",
    "help_calendar": (
        "'calendar feed' (or 'my calendar') gives you a private link to your upcoming"
        " reminders for a calendar app; 'revoke my calendar feed' turns it off."
    ),
    "feed_needs_url": (
        "A calendar feed needs this bot's public address: an administrator sets"
        " REMINDBOT_PUBLIC_URL."
    ),
    "system_calendar": "A system account has no reminders of its own, so it has no calendar feed.",
    "bad_period": "The period must end after it begins: give since before until.",
    # -- digests (bot/core/digests.py)
    "digest_head": "Your digest for {day} (times in {tz}):",
    "digest_line": "  {time}  {message}",
    "digest_line_to": "  {time}  to {to} \u2014 {message}",
    "digest_more": "  \u2026and {n} more.",
    "digest_nothing": "Your digest for {day}: nothing is due today.",
    "digest_set": (
        "Your digest will come {rule} ({tz}); the next on {next}. 'stop my digest' ends it."
    ),
    "digest_even_empty": " (even when empty)",
    "digest_stopped": "Your digest is stopped.",
    "field_digest": "Digest",
    "no_digest": "You have no digest. Try 'send me a digest every weekday at 8am'.",
    "digest_format": (
        "I could not read when to send your digest. Try 'send me a digest every weekday"
        " at 8am' or 'send me a digest on mondays and thursdays at 9'."
    ),
    "digest_time": "A digest time looks like 08:00 (hours and minutes, 24-hour clock).",
    "digest_days": (
        "Digest days are 'weekdays', 'daily', 'weekends' or a list of mon, tue, wed, thu,"
        " fri, sat and sun."
    ),
    "no_digest_api": "You have no digest: PUT /api/v1/users/me/digest sets one.",
    "digest_snooze": "A digest cannot be snoozed; 'send me a digest …' gives it another time.",
    "digest_system": "A system account has no chat of its own, so it cannot have a digest.",
    # -- message templates per workspace (bot/core/templates.py, docs/templates.md)
    "template_name": "There is no template called '{name}': the templates are {names}.",
    "template_workspace": "Name the workspace as platform:workspace, e.g. slack:T1.",
    "template_long": "A template may be at most {limit} characters long.",
    "template_syntax": "The template has a syntax error on line {line}: {detail}.",
    "template_field": "Line {line} uses '{field}', which is not a field here: use {fields}.",
    "template_unsafe": "Line {line} reaches for what a template may not: {detail}.",
    "template_error": "The template fails on line {line}: {detail}.",
    "template_output": "The template's text comes out longer than {limit} characters.",
    "template_empty": "The template gives no text: a message needs something to say.",
    "template_filter": (
        "Line {line} uses the filter '{filter}', which templates do not have: use {filters}."
    ),
    "template_tag": (
        "Line {line} uses '{tag}', which templates may not: write the fields, if and for."
    ),
    "template_loop": (
        "Line {line}: a for may only go over items, at most {depth} deep, not recursively."
    ),
    "template_system_only": "Only a system token may read or change message templates.",
    "template_missing": "Workspace {workspace} has no {name} template.",
    "template_late_minutes": "{m} min",
    "template_late_hours": "{h} h {m} min",
    "template_late_days": "{d} d {h} h",
    # -- escalation and nags
    "field_escalate": "Escalation",
    "escalate_by": "If not done by {time}: tell {to}",
    "escalate_within": "If not done within {span}: tell {to}",
    "field_until_done": "Until done",
    "until_done": "It repeats until someone completes it.",
    "escalated": "Not done yet: {who} was reminded {when}: {message}",
    "until_done_repeat": "\u201cUntil done\u201d needs a repeat: say how often, like "
    "every 30 minutes.",
    "escalate_minutes": "An escalation needs a time after the reminder: at least 1 minute.",
    # -- preferences: channels, email, sources, workspace defaults, App Home (prefs)
    "field_channels": "Channels",
    "field_email": "Email",
    "field_urgent": "Urgent",
    "urgent_yes": "yes, it passes quiet hours",
    "channel_chat": "chat",
    "channel_email": "email",
    "channel_webhook": "webhook",
    "setting_shown": "{value} ({source})",
    "source_yours": "yours",
    "source_platform": "from your profile",
    "source_workspace": "workspace default",
    "source_default": "built-in default",
    "email_profile": "the one in your chat profile",
    "unknown_channel": "I don't know the channel '{name}': use chat, email or webhook.",
    "no_channels": "Name at least one channel: chat, email or webhook.",
    "bad_email": "'{email}' is not an email address; write one like ann@example.com.",
    "unknown_default": "A workspace default can be set for {names}, and '{name}' is none of them.",
    "bad_default": "That value is not one a workspace default can have.",
    "unknown_workspace": "A workspace is written platform:workspace, like slack:T1.",
    "system_only": "Only a system token can read or change a workspace's defaults.",
    "unknown_preference": "The preferences are {names}, and '{name}' is none of them.",
    "system_preferences": "A system account has no preferences of its own: use a person's token.",
    "workspace_defaults": "Defaults of {workspace}:",
    "workspace_none": "{workspace} has no defaults: everyone gets the built-in ones.",
    "workspace_set": "{workspace}: {name} is now {value}.",
    "workspace_unset": "{workspace}: {name} is back to the built-in default.",
    "home_settings": "Your settings",
    "home_channels": "Remind me on",
    "home_quiet_start": "Quiet from",
    "home_quiet_end": "Quiet until",
    "home_quiet_off": "No quiet hours",
    "home_default_time": "Default time",
    "home_saved": "Saved.",
    # Health and database outages: the storage did not answer while handling a message.
    "try_again": "I cannot reach my database right now. Please try again in a moment.",
}


def date(when: datetime, year: bool) -> str:
    return f"{when:%a %d %b %Y}" if year else f"{when:%a %d %b}"


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


WORDS = Words(
    code="en",
    say=SAY,
    moment=moment,
    relative=relative,
    date=date,
    rule=rule_words,
    refusal=refusal_text,
    join=join,
    spans=spans_words,
)
