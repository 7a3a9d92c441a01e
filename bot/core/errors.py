"""Errors the use cases raise; each names what it is about. Only the chat front (and the
REST API) turn them into words."""

from __future__ import annotations

from typing import Any

from bot.parsing import Prefs, Refusal


class NotFound(LookupError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident


class NotAllowed(PermissionError):
    def __init__(self, actor: str, action: str, ident: object) -> None:
        super().__init__(f"{actor} may not {action} {ident}")
        self.actor = actor
        self.action = action
        self.ident = ident


class InvalidRequest(ValueError):
    """A request that cannot be carried out as asked.

    Attributes:
        code: what is wrong (``already``, ``stale``, ``unreachable``…), a key of the
            sentences in ``bot.core.texts``.
        ident: the reminder (or other thing) it is about, if any.
        params: what the sentence needs (``state="scheduled"``).
    """

    def __init__(self, code: str, ident: object = None, **params: Any) -> None:
        super().__init__(f"{code} {ident}" if ident is not None else code)
        self.code = code
        self.ident = ident
        self.params = params


class PhraseRefused(InvalidRequest):
    """The parser refused a phrase; ``refusal`` says why and what it read, in ``tz``,
    with the ``prefs`` it was read with (their limits are part of the answer)."""

    def __init__(self, refusal: Refusal, tz: str, prefs: Prefs) -> None:
        super().__init__(f"phrase_{refusal.code.value}", refusal=refusal, tz=tz)
        self.refusal = refusal
        self.tz = tz
        self.prefs = prefs
