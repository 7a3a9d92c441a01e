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
UNDO = "reminder.undo"
# The answer to "when?" after a message shortcut ("Remind me about this" in Slack).
ABOUT = "reminder.shortcut"

ALL = (CONFIRM, EDIT, CANCEL, COMPLETE, SNOOZE, SKIP, STOP, DELETE, UNDO)
# Buttons that name a stored reminder (a draft, or one in a list), not a delivery.
ON_DRAFTS = (CONFIRM, EDIT, CANCEL, DELETE, UNDO)
ON_DELIVERIES = (COMPLETE, SNOOZE, SKIP, STOP)

# Snooze menu values (their labels are in the texts); any other value is read as a phrase
# ("until 4pm", "in 20 minutes").
SNOOZE_CODES = ("15m", "1h", "3h", "tomorrow", "nextweek", "custom")
