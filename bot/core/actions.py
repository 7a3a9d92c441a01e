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

# Settings controls (Slack's App Home): the value is the choice (channels joined by
# commas, a time as HH:MM); each changes only the clicking person's own settings.
SET_CHANNELS = "reminder.settings.channels"
SET_QUIET_START = "reminder.settings.quiet_start"
SET_QUIET_END = "reminder.settings.quiet_end"
SET_QUIET_OFF = "reminder.settings.quiet_off"
SET_DEFAULT_TIME = "reminder.settings.default_time"
ON_SETTINGS = (SET_CHANNELS, SET_QUIET_START, SET_QUIET_END, SET_QUIET_OFF, SET_DEFAULT_TIME)

# Snooze menu values (their labels are in the texts); any other value is read as a phrase
# ("until 4pm", "in 20 minutes").
SNOOZE_CODES = ("15m", "1h", "3h", "tomorrow", "nextweek", "custom")
