"""The settings controls of App Home, in Block Kit. Pure.

Core says what the controls are (``SettingsForm``); here they become Slack's
``checkboxes`` (https://api.slack.com/reference/block-kit/block-elements#checkboxes) and
``timepicker`` elements (…#timepicker), whose clicks come back as ``block_actions`` with
``selected_options`` and ``selected_time`` (read in ``payloads.press``).
"""

from __future__ import annotations

from datetime import time

from bot.adapters.slack.blocks import Block, plain
from bot.core import actions
from bot.core.preferences import SettingsForm


def _hhmm(when: time) -> str:
    return f"{when:%H:%M}"


def _picker(action_id: str, label: str, when: time | None) -> Block:
    picker: Block = {"type": "timepicker", "action_id": action_id, "placeholder": plain(label)}
    if when is not None:
        picker["initial_time"] = _hhmm(when)
    return picker


def settings_blocks(form: SettingsForm) -> list[Block]:
    """One ``actions`` block each, under its label: channels, quiet hours, default time
    (below the settings themselves, whose title they share)."""
    options = [{"text": plain(label), "value": value} for label, value, _ in form.channels]
    chosen = [o for o, (_, _, on) in zip(options, form.channels, strict=True) if on]
    boxes: Block = {"type": "checkboxes", "action_id": actions.SET_CHANNELS, "options": options}
    if chosen:
        boxes["initial_options"] = chosen
    off: Block = {
        "type": "button",
        "action_id": actions.SET_QUIET_OFF,
        "text": plain(form.quiet_off_label),
        "value": "off",
    }
    return [
        _labelled(form.channels_label),
        {"type": "actions", "block_id": "settings.channels", "elements": [boxes]},
        _labelled(f"{form.quiet_start_label} / {form.quiet_end_label}"),
        {
            "type": "actions",
            "block_id": "settings.quiet",
            "elements": [
                _picker(actions.SET_QUIET_START, form.quiet_start_label, form.quiet_start),
                _picker(actions.SET_QUIET_END, form.quiet_end_label, form.quiet_end),
                off,
            ],
        },
        _labelled(form.default_time_label),
        {
            "type": "actions",
            "block_id": "settings.default_time",
            "elements": [
                _picker(actions.SET_DEFAULT_TIME, form.default_time_label, form.default_time)
            ],
        },
    ]


def _labelled(text: str) -> Block:
    return {"type": "context", "elements": [plain(text, 2000)]}
