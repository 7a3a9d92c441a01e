"""The settings controls of App Home (``bot.core.actions.SET_*``): a click changes the
clicking person's own settings, never anyone else's (the person is the platform's
verified actor of the click; the value carries only the choice)."""

from __future__ import annotations

from datetime import time

from bot.core import actions, preferences
from bot.core.commands import channel_names
from bot.core.errors import InvalidRequest
from bot.core.inbound import Press
from bot.core.people import People
from bot.core.preferences import Settings

# When only one end of quiet hours is picked and none are set, the other is this.
_QUIET = (time(22, 0), time(7, 0))


async def change_setting(people: People, event: Press) -> Settings:
    """Apply one click; the settings after it.

    Raises:
        InvalidRequest: the value fails its check (``no_channels``, ``quiet_format``…),
            or the action is none of the settings' (``stale``).
    """
    person, action, value = event.actor, event.action_id, event.value
    if action == actions.SET_CHANNELS:
        await people.set_channels(person, channel_names(value))
    elif action == actions.SET_QUIET_OFF:
        await people.set_quiet_hours(person, None, None)
    elif action in (actions.SET_QUIET_START, actions.SET_QUIET_END):
        now = (await people.settings(person)).prefs
        start, end = now.quiet_start or _QUIET[0], now.quiet_end or _QUIET[1]
        picked = preferences.clock_time(value) if value else None
        if picked is None:
            raise InvalidRequest("quiet_format")
        if action == actions.SET_QUIET_START:
            start = picked
        else:
            end = picked
        await people.set_quiet_hours(person, start, end)
    elif action == actions.SET_DEFAULT_TIME:
        await people.set_default_time(person, preferences.clock_time(value))
    else:
        raise InvalidRequest("stale")
    return await people.settings(person)
