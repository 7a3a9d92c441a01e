"""The hypothesis budget of the boundary fuzz tests (tests/test_fuzz_*.py,
tests/adapters/*/test_fuzz_*.py, tests/api/test_fuzz_bodies.py).

Bounded so that all of them together stay under a minute in CI: a fixed number of
examples, no per-example deadline (the machine is shared; a slow example is not a bug),
and the function-scoped fixtures allowed (each example uses the test's own servers and
database, and asserts against their state). ``REMINDBOT_FUZZ_EXAMPLES`` raises the count
for a longer local run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("REMINDBOT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # the same examples every run: a CI failure reproduces locally
    derandomize=True,
)
# Over real HTTP and a database per example, on each backend: fewer examples.
FUZZ_HTTP = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))
