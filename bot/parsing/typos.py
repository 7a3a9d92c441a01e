"""Words close to the ones we know: restricted edit distance, for typos only."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), capped at
    ``limit + 1`` so that far words cost little."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def allowed(word: str) -> int:
    """How many slips a word of this length may carry and still be recognised."""
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def nearest(word: str, known: Iterable[str]) -> str | None:
    """The one known word within ``allowed`` slips of ``word`` (``None`` if none or a tie)."""
    limit = allowed(word)
    if limit == 0:
        return None
    best: list[str] = []
    best_cost = limit + 1
    for candidate in known:
        cost = distance(word, candidate, limit)
        if 0 < cost < best_cost:
            best, best_cost = [candidate], cost
        elif cost == best_cost and cost <= limit:
            best.append(candidate)
    return best[0] if len(best) == 1 else None


def is_slip_of(word: str, known: Iterable[str], real: Iterable[str] = ()) -> bool:
    """``word`` is a typo of one of ``known`` (same first letter, within ``allowed``
    slips) and not a real word of its own (``real``)."""
    limit = allowed(word)
    if limit == 0 or word in real:
        return False
    return any(
        len(k) >= 5 and k[0] == word[0] and 0 < distance(word, k, limit) <= limit for k in known
    )
