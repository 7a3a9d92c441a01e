"""Action ids of every button and menu: the one place adapters and core agree on them."""

from __future__ import annotations

CONFIRM = "reminder.confirm"
EDIT = "reminder.edit"
CANCEL = "reminder.cancel"
COMPLETE = "reminder.complete"
SNOOZE = "reminder.snooze"
SKIP = "reminder.skip"
STOP = "reminder.stop"
DELETE = "reminder.delete"
# The answer to "when?" after a message shortcut ("Remind me about this" in Slack).
ABOUT = "reminder.shortcut"

ALL = (CONFIRM, EDIT, CANCEL, COMPLETE, SNOOZE, SKIP, STOP, DELETE)
ON_DRAFTS = (CONFIRM, EDIT, CANCEL, DELETE)
ON_DELIVERIES = (COMPLETE, SNOOZE, SKIP, STOP)

# Snooze menu values; any other value is read as a phrase ("until 4pm", "in 20 minutes").
SNOOZE_CHOICES = (
    ("15 minutes", "15m"),
    ("1 hour", "1h"),
    ("3 hours", "3h"),
    ("Tomorrow", "tomorrow"),
    ("Next week", "nextweek"),
    ("Custom\u2026", "custom"),
)
