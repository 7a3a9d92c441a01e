"""What a reminder watches in another system: the status that stops it (``until case
123 is closed``) or fires it (``when case 123 is resolved``, ``when case 123 changes
status``).

A clause names its record (a reference such as ``case 123``, masked by the lexer) or
points at the one the message names (``it``, ``the case``); ``records.watched`` finds it.
Status words are kept as written, lower-case; other languages translate theirs in their
word table (Danish ``lukket`` is ``closed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing.context import Context
from bot.parsing.lexer import MASK
from bot.parsing.parts import Groups, Kind, Part
from bot.parsing.vocab import AND

ANY_CHANGE = "*"
STATUSES = (
    "closed", "resolved", "done", "finished", "completed", "complete", "fixed", "solved",
    "merged", "deployed", "released", "shipped", "approved", "accepted", "rejected",
    "declined", "cancelled", "canceled", "verified", "paid", "delivered", "archived",
    "reopened", "opened", "blocked", "expired",
)  # fmt: skip
_STATUS = "(?:" + "|".join(STATUSES) + ")"
_STATUSES = rf"(?P<statuses>{_STATUS}(?:{AND} {_STATUS}){{0,4}})"
_RECORD = r"(?:case|ticket|task|issue|bug|incident|pr|pull request|record)"
_REF = rf"(?P<ref>{MASK}(?: {MASK}){{0,3}}|it|this|that|the {_RECORD})"
_IS = r"(?:is|gets|has been|becomes|was)(?: marked)?(?: as)?"
_ITS = r"(?:it's|it\u2019s)"
_SUBJECT = rf"(?:{_REF} {_IS}|{_ITS})"
_WHEN = r"(?:when|whenever|as soon as)"
_CHANGES = r"(?:changes(?: its)?(?: status| state)?|(?:is|gets|has been) (?:updated|changed))"


@dataclass(frozen=True, slots=True)
class Clause:
    """A status clause as read: its statuses (``*`` for any change), and whether it
    names its record itself (``case 123``) rather than pointing at one (``it``)."""

    statuses: tuple[str, ...]
    named: bool


def named(g: Groups) -> bool:
    return MASK in g.get("ref", "")


def _statuses(g: Groups, ctx: Context) -> Clause:
    words = [w for w in g["statuses"].split() if w not in (",", "and", "or")]
    return Clause(tuple(dict.fromkeys(words)), named(g))


def _any_change(g: Groups, ctx: Context) -> Clause:
    return Clause((ANY_CHANGE,), named(g))


STOP: Kind[Clause] = Kind(
    "stop",
    (Part("until it is closed", rf"until {_SUBJECT} {_STATUSES}", _statuses),),
)
TRIGGER: Kind[Clause] = Kind(
    "trigger",
    (
        Part("when case 123 is closed", rf"{_WHEN} {_SUBJECT} {_STATUSES}", _statuses),
        Part("when case 123 changes status", rf"{_WHEN} {_REF} {_CHANGES}", _any_change),
    ),
)
