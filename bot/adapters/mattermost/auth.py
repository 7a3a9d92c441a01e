"""Signed action contexts: how we know a button call came from a button we made.

Mattermost does not sign the calls its server makes to an integration; it keeps each
action's ``context`` out of what clients see. So every context carries an HMAC over the
action, the value (reminder, occurrence, choice), the user it was made for and an
expiry, keyed with a secret only the bot holds. A call whose context is missing,
altered, expired or made for someone else is refused before anything is read from it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core.ports import Clock

TTL = timedelta(days=30)


class Refused(Exception):
    """A call that is not one of ours (``reason`` is for the log, never the user)."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


@dataclass(frozen=True, slots=True, kw_only=True)
class Signed:
    """What a verified context says: our action id and the value the button carried."""

    action_id: str
    value: str


class Signer:
    """Makes and checks contexts with ``secret``.

    ``user`` is the Mattermost user id the button is for, or ``""`` for a post anyone in
    the channel may press (then the use case decides who may act).
    """

    def __init__(self, secret: str, clock: Clock, ttl: timedelta = TTL) -> None:
        self._key = secret.encode()
        self._clock = clock
        self._ttl = ttl

    def context(self, action_id: str, value: str, user: str) -> dict[str, Any]:
        expires = int((self._clock.now() + self._ttl).timestamp())
        sig = self._sign(action_id, value, user, expires)
        return {"action": action_id, "value": value, "user": user, "exp": expires, "sig": sig}

    def verify(self, context: Any, user_id: str) -> Signed:
        """The action a context names, if we made it for ``user_id`` and it is current.

        Raises:
            Refused: forged, altered, for someone else, or expired (``expired``).
        """
        if not isinstance(context, dict):
            raise Refused("no context")
        fields = [context.get(k) for k in ("action", "value", "user", "sig")]
        expires = context.get("exp")
        if not all(isinstance(f, str) for f in fields) or not isinstance(expires, int):
            raise Refused("a context without our fields")
        action, value, user, sig = (str(f) for f in fields)
        if not sig.isascii() or not hmac.compare_digest(
            self._sign(action, value, user, expires), sig
        ):
            raise Refused("a context with a bad signature")
        if user and user != user_id:
            raise Refused("a button made for someone else")
        if expires < self._clock.now().timestamp():
            raise Refused("an expired button", expired=True)
        return Signed(action_id=action, value=value)

    def _sign(self, action: str, value: str, user: str, expires: int) -> str:
        # "surrogatepass": a context's JSON may hold lone surrogates; they must fail the
        # signature check, not the encoding.
        message = "\x1f".join((action, value, user, str(expires))).encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
