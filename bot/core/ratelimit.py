"""The rate limit, pure: at most N notifications per person per rolling hour.

Deliveries beyond it are held, never dropped: the occurrence is recorded ``held`` and its
reminder deferred to the moment the person's window has room again (the oldest counted
send of the last hour turning one hour old). When that moment comes, every held
occurrence of that person that is due goes out together as one summary, which counts
as one notification. Urgent reminders and channel reminders pass; urgent ones still
count, as they reach the person all the same.

A held occurrence is known again when it is claimed next by its ``error``: the reason
recorded with ``held`` (``rate_limit``, perhaps followed by why a summary could not go
out yet: ``rate_limit,timeout``), which reopening an occurrence leaves as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.model import Occurrence, Reminder

WINDOW = timedelta(hours=1)
HELD_REASON = "rate_limit"
Item = tuple[Reminder, Occurrence, datetime]  # a claimed reminder, its occurrence, due time


def was_held(occ: Occurrence) -> bool:
    """Whether ``occ`` was held by the limit (and so belongs in its person's summary)."""
    return occ.error is not None and occ.error.split(",", 1)[0] == HELD_REASON


def held_reason(why: str | None = None) -> str:
    """The ``error`` a held occurrence is recorded with, keeping it known as held."""
    return HELD_REASON if not why else f"{HELD_REASON},{why}"


def notifications(sent: Iterable[tuple[datetime, str | None]]) -> list[datetime]:
    """The moments of the notifications among ``(sent_at, message_ref)`` rows, in order:
    occurrences that went out in one message (a summary) share its reference and count
    once; every other row is a message of its own."""
    seen: dict[str, datetime] = {}
    moments: list[datetime] = []
    for at, ref in sent:
        if ref is None:
            moments.append(at)
        elif ref not in seen or at < seen[ref]:
            seen[ref] = at
    return sorted([*moments, *seen.values()])


def reopens(moments: Sequence[datetime], limit: int) -> datetime:
    """When a window full with ``moments`` (sorted, all within the last hour, at least
    ``limit`` of them) has room again: when all but ``limit - 1`` have aged out."""
    return moments[len(moments) - limit] + WINDOW


@dataclass(slots=True)
class Plan:
    """What the limit makes of a batch.

    Attributes:
        send: delivered now, each on its own, as if there were no limit.
        hold: recorded ``held``, each with when its person's window has room again.
        summaries: per person, the held occurrences that go out now as one message,
            oldest occurrence first (its post is tagged with the first one's).
    """

    send: list[Item] = field(default_factory=list)
    hold: list[tuple[Item, datetime]] = field(default_factory=list)
    summaries: list[list[Item]] = field(default_factory=list)


def plan(
    items: Sequence[Item],
    recipients: Mapping[int, str | None],
    sent: Mapping[str, Iterable[tuple[datetime, str | None]]],
    limit: int | None,
    now: datetime,
) -> Plan:
    """Split a batch by the limit.

    Args:
        items: the deliveries that would go out now, in the batch's order.
        recipients: each reminder's recipient key by reminder id (``None``: a channel).
        sent: each recipient's sends after ``now - WINDOW`` (``ReminderRepository.sent_since``).
        limit: notifications per person per hour; ``None`` or 0: no limit.
        now: the batch's time; what this batch sends counts as sent now.
    """
    result = Plan()
    if not limit:
        result.send = list(items)
        return result
    window = {
        key: [t for t in notifications(rows) if t > now - WINDOW] for key, rows in sent.items()
    }
    counted: dict[str, list[datetime]] = defaultdict(list, window)
    waiting: dict[str, list[Item]] = defaultdict(list)
    fresh: list[Item] = []
    for item in items:
        rem, occ, _ = item
        key = recipients.get(rem.id)
        if key is not None and not rem.urgent and was_held(occ):
            waiting[key].append(item)
        else:
            fresh.append(item)
    # What waited longest goes first: a summary takes one place, before new deliveries.
    for key, held in waiting.items():
        held.sort(key=lambda item: item[1].id)
        if len(counted[key]) < limit:
            result.summaries.append(held)
            counted[key].append(now)
        else:
            until = reopens(counted[key], limit)
            result.hold += [(item, until) for item in held]
    for item in fresh:
        rem = item[0]
        key = recipients.get(rem.id)
        if key is None:
            result.send.append(item)
        elif rem.urgent or len(counted[key]) < limit:
            result.send.append(item)
            counted[key].append(now)
        else:
            result.hold.append((item, reopens(counted[key], limit)))
    return result
