"""Answers that show what a person has: their list of reminders, settings and zone."""

from __future__ import annotations

from datetime import datetime

from bot.core import actions, schedule, values
from bot.core.model import CHANNELS, Button, Page, Reminder, ReminderState, Reply, UserPrefs
from bot.core.preferences import Settings, SettingsForm
from bot.core.schedule import recurrence
from bot.core.texts.digesting import digest_rule
from bot.core.texts.pieces import Pieces, number

_UPCOMING = (ReminderState.SCHEDULED, ReminderState.PAUSED, ReminderState.DRAFT)


class Listing(Pieces):
    def listing(self, page: Page, tz: str, now: datetime) -> Reply:
        """A page of ``list``: each reminder's number, time in ``tz``, target, message;
        a series in words with its next date; Edit and Delete for each."""
        if not page.reminders and page.offset == 0:
            return self.plain(self.say(f"empty_{page.kind}"))
        lines = [self.say(f"list_{page.kind}", tz=tz)]
        lines += [self._line(rem, tz, now) for rem in page.reminders]
        if page.more:
            first, last = page.offset + 1, page.offset + len(page.reminders)
            lines.append(self.say("list_more", first=first, last=last))
        buttons: list[Button] = []
        for rem in page.reminders:
            value = values.encode(rem.id)
            if rem.state in _UPCOMING:
                label = self.say("edit_n", number=number(rem))
                buttons.append(Button(action_id=actions.EDIT, label=label, value=value))
            label = self.say("delete_n", number=number(rem))
            buttons.append(Button(action_id=actions.DELETE, label=label, value=value))
        return Reply(text="\n".join(lines), buttons=tuple(buttons))

    def _line(self, rem: Reminder, tz: str, now: datetime) -> str:
        return self.say(
            "list_line",
            number=number(rem),
            when=self._when(rem, tz, now),
            to=self.target(rem.destination),
            message=self.message(rem),
        )

    def _when(self, rem: Reminder, tz: str, now: datetime) -> str:
        if rem.state in (ReminderState.COMPLETED, ReminderState.CANCELLED):
            return f"{self.say(f'listed_{rem.state.value}')} {self.day(rem.updated_at, tz)}"
        rec = recurrence(rem)
        if rec is not None:
            due = rem.next_due or schedule.next_after(rem, now)
            day = self.day(due, tz, False) if due else self.say("list_unscheduled")
            return self.say("list_series", rule=self.w.rule(rec), day=day)
        if rem.next_due is None:
            return self.say("list_unscheduled")
        shown = self.day(rem.next_due, tz)
        if rem.state is not ReminderState.SCHEDULED:
            shown += f" ({self.say(f'state_{rem.state.value}')})"
        return shown

    def settings(self, settings: Settings, digest: Reminder | None = None) -> Reply:
        """``settings``: each preference as it applies, and whose it is (yours, the
        workspace's, the built-in default)."""
        prefs, sources = settings.prefs, settings.sources

        def shown(value: str, name: str) -> str:
            source = sources.get(name)
            if source is None:
                return value
            return self.say("setting_shown", value=value, source=self.say(f"source_{source}"))

        order = "day_month" if prefs.date_order == "DMY" else "month_day"
        fields = (
            (self.say("field_zone"), shown(prefs.tz, "tz")),
            (self.say("field_quiet"), shown(self.quiet_words(prefs), "quiet_hours")),
            (self.say("field_default_time"), shown(f"{prefs.default_time:%H:%M}", "default_time")),
            (self.say("field_date_order"), self.say(order)),
            (self.say("field_language"), shown(self.language_words(prefs.language), "language")),
            (self.say("field_digest"), digest_rule(self, digest)),
            (self.say("field_channels"), shown(self.channel_words(prefs.channels), "channels")),
            (self.say("field_email"), shown(prefs.email or self.say("email_profile"), "email")),
        )
        return Reply(text=self.say("settings"), fields=fields)

    def settings_form(self, settings: Settings) -> SettingsForm:
        """The controls of App Home: channels to tick, quiet hours and the default time."""
        prefs = settings.prefs
        chosen = prefs.channels or ("chat",)
        return SettingsForm(
            title=self.say("home_settings"),
            channels_label=self.say("home_channels"),
            channels=tuple((self.say(f"channel_{c}"), c, c in chosen) for c in CHANNELS),
            quiet_start_label=self.say("home_quiet_start"),
            quiet_end_label=self.say("home_quiet_end"),
            quiet_start=prefs.quiet_start,
            quiet_end=prefs.quiet_end,
            quiet_off_label=self.say("home_quiet_off"),
            default_time_label=self.say("home_default_time"),
            default_time=prefs.default_time,
        )

    def quiet_words(self, prefs: UserPrefs) -> str:
        if prefs.quiet_start is None or prefs.quiet_end is None:
            return self.say("off")
        return f"{prefs.quiet_start:%H:%M}-{prefs.quiet_end:%H:%M}"

    def language_words(self, language: str | None) -> str:
        return self.say(f"language_{language or 'auto'}")

    def zone_is(self, prefs: UserPrefs) -> Reply:
        """The answer to "what's my timezone?"."""
        return self.plain(
            self.say("zone_is", tz=prefs.tz, source=self.say(f"zone_{prefs.tz_source}"))
        )

    def zone_taken(self, tz: str) -> str:
        return self.say("zone_taken", tz=tz)

    def hello_console(self, name: str, tz: str) -> str:
        return f"{self.say('hello_console', name=name)}\n{self.zone_taken(tz)}"

    def small_talk(self, what: str) -> Reply:
        """``hello``, ``thanks``, ``help`` and ``help_<command>``."""
        return self.plain(self.say(what))

    def no_choices(self, n: int, last: int) -> str:
        """A number typed in a terminal that picks none of the choices shown."""
        return self.say("no_such_choice", n=n, last=last) if last else self.say("no_choices")
