"""Errors core raises; each names the id it is about."""

from __future__ import annotations


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
    """A request core cannot carry out; ``str(error)`` is safe to show the user."""
