"""API tokens: random, shown once, stored only as their SHA-256.

A token acts for one owner: a chat user (their key), or a system account of its own name
(``system::nightly-import``), which can set reminders for people and channels but has no
chat of its own.
"""

from __future__ import annotations

import hashlib
import secrets

from bot.core.errors import InvalidRequest
from bot.core.model import ApiToken, UserRef
from bot.core.ports import ApiRepository, Clock

PREFIX = "rb_"
SYSTEM = "system"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def system_account(name: str) -> UserRef:
    return UserRef(platform=SYSTEM, workspace="", user=name)


def is_system(person: UserRef) -> bool:
    return person.platform == SYSTEM


class Tokens:
    def __init__(self, repo: ApiRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def create(self, name: str, owner: UserRef | None = None) -> tuple[ApiToken, str]:
        """A new token for ``owner`` (a system account called ``name`` if none): the
        stored record, and the token itself, which is never stored or shown again."""
        name = name.strip()
        if not name:
            raise InvalidRequest("token_name")
        if name.isdigit():  # ``revoke 5`` means the token #5
            raise InvalidRequest("token_name_digits", name=name)
        if any(t.name == name and t.revoked_at is None for t in await self.repo.tokens()):
            raise InvalidRequest("token_name_taken", name=name)  # so a name names one
        token = PREFIX + secrets.token_urlsafe(32)  # 32 random bytes
        who = owner or system_account(name)
        record = await self.repo.add_token(name, who.key, digest(token), self.clock.now())
        return record, token

    async def check(self, token: str) -> ApiToken | None:
        """The live token this is, or ``None`` (unknown or revoked)."""
        if not token.startswith(PREFIX):
            return None
        found = await self.repo.token_by_hash(digest(token))
        return found if found is not None and found.revoked_at is None else None

    async def revoke(self, ident: int | str) -> ApiToken | None:
        return await self.repo.revoke_token(ident, self.clock.now())

    async def all(self) -> list[ApiToken]:
        return await self.repo.tokens()
