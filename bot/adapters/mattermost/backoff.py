"""Jittered exponential backoff for reconnecting, with its randomness injectable."""

from __future__ import annotations

import random as _random
from collections.abc import Callable


class Backoff:
    """Delays for attempt 0, 1, 2, ...: the n-th is uniform in ``[cap/2, cap]`` with
    ``cap = min(most, first * factor ** (n + 1))`` ("equal jitter"). With the defaults:
    1-2 s, 2-4 s, 4-8 s, ... up to 30-60 s, so replicas that lost the server together do
    not come back together, and no delay is under ``first`` or over ``most``.

    Args:
        first: the least delay, in seconds.
        most: the greatest delay, in seconds.
        factor: how much the cap grows per attempt.
        random: a source of floats in ``[0, 1)``; tests pass a fixed one.
    """

    def __init__(
        self,
        first: float = 1.0,
        most: float = 60.0,
        factor: float = 2.0,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if not 0 < first <= most / 2 or factor <= 1:
            raise ValueError("Backoff needs 0 < first <= most / 2 and factor > 1")
        self.first, self.most, self.factor = first, most, factor
        self._random = random
        self._attempt = 0

    def bounds(self, attempt: int) -> tuple[float, float]:
        """The interval the delay of ``attempt`` (0-based) is drawn from."""
        exponent = min(attempt + 1, 64)  # past that the cap is `most` anyway; no overflow
        cap = min(self.most, self.first * self.factor**exponent)
        return cap / 2, cap

    def next_delay(self) -> float:
        low, high = self.bounds(self._attempt)
        self._attempt += 1
        return low + (high - low) * self._random()

    def reset(self) -> None:
        """Start again from the first delay (after a connection proved healthy)."""
        self._attempt = 0
