"""The one sentence for each error a person caused (``bot.core.errors``)."""

from __future__ import annotations

from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.model import Reach, Reminder, Reply
from bot.core.schedule import recurrence
from bot.core.texts.pieces import Pieces, number


class Problems(Pieces):
    def problem(self, error: Exception) -> Reply:
        """What to tell the person; a ``NotFound`` of a typed number names the number."""
        if isinstance(error, NotFound):
            if error.what == "number":
                return self.plain(self.say("no_number", number=f"#{error.ident}"))
            return self.plain(self.say("not_found"))
        if isinstance(error, NotAllowed):
            return self.plain(self.say("not_allowed"))
        if isinstance(error, PhraseRefused):
            return self.plain(self.w.refusal(error.refusal, error.tz, error.prefs))
        if isinstance(error, InvalidRequest):
            return self._invalid(error)
        raise TypeError(f"not a user's error: {error!r}")

    def try_again(self) -> Reply:
        """The storage did not answer (a database outage): nothing was done, ask later."""
        return self.plain(self.say("try_again"))

    def _invalid(self, error: InvalidRequest) -> Reply:
        params = error.params
        rem = params.get("reminder")
        ident = rem.id if isinstance(rem, Reminder) else None
        if error.code == "unreachable":
            return self.plain(self.unreachable(params["reach"]))
        if error.code == "already":
            state = self.say(f"state_{params['state'].value}")
            if isinstance(rem, Reminder) and rem.number is not None:
                return self.plain(self.say("already", number=number(rem), state=state), ident)
            return self.plain(self.say("already_plain", state=state), ident)
        if isinstance(rem, Reminder):
            rec = recurrence(rem)
            rule = self.w.rule(rec) if rec else ""
            return self.plain(self.say(error.code, number=number(rem), rule=rule), ident)
        return self.plain(self.say(error.code, **_shown(error)), ident)

    def sentence(self, error: Exception) -> str:
        """The sentence alone (for the REST API's answers)."""
        try:
            return self.problem(error).text
        except (KeyError, TypeError, IndexError):
            return self.say("stale")

    def unreachable(self, reach: Reach) -> str:
        return self.say(reach.access.value, target=self.target(reach.destination))


def _shown(error: InvalidRequest) -> dict[str, object]:
    """The error's parameters as a sentence shows them (a state by its value)."""
    shown: dict[str, object] = {"ident": error.ident}
    for name, value in error.params.items():
        shown[name] = getattr(value, "value", value)
    return shown
