"""What the dispatcher tells ``Metrics`` about a batch, once its outcomes are recorded.

Counted after the write commits, so the numbers say what the database says: an
outcome whose write failed (and is retried by the next claim) is not counted twice.
Kept out of ``dispatch.py`` so that module only calls in here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.core.model import Occurrence, OccurrenceState
from bot.core.ports import Metrics, Outcome

log = logging.getLogger(__name__)
CHAT = "chat"


class Measured:
    """One claimed batch's outcomes, as ``Metrics`` hears of them.

    Args:
        metrics: where the counts go.
        occurrences: the batch's occurrences (their ``due_at`` is what lateness is
            measured from: the time the occurrence was due, not a retry's time).
        now: the batch's time, for a sent outcome without its own ``at``.
    """

    def __init__(self, metrics: Metrics, occurrences: Sequence[Occurrence], now: datetime) -> None:
        self.metrics = metrics
        self.dues = {occ.id: occ.due_at for occ in occurrences}
        self.now = now

    def recorded(self, batch: Sequence[Outcome]) -> None:
        """Count ``batch``, just committed: one per channel tried (an occurrence told
        on chat alone, or skipped or held before any channel was tried, counts as
        ``chat``), and the lateness of each one sent. Never raises: a counting bug must
        not stop outcomes being written."""
        try:
            self._count(batch)
        except Exception:
            log.exception("counting %d recorded outcome(s) failed", len(batch))

    def _count(self, batch: Sequence[Outcome]) -> None:
        for outcome in batch:
            if outcome.state is None:
                continue  # released or only advanced: nothing happened to it now
            platform = outcome.reminder.platform
            if outcome.channels:
                for record in outcome.channels:
                    self.metrics.delivered(platform, record.channel, record.state.value)
            else:
                self.metrics.delivered(platform, CHAT, outcome.state.value)
            due = self.dues.get(outcome.occurrence_id)
            if outcome.state is OccurrenceState.SENT and due is not None:
                sent = outcome.at or self.now
                self.metrics.lateness(max(0.0, (sent - due).total_seconds()))
