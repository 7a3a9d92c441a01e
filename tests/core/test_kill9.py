"""kill -9 at random moments during a burst, then a restart: every reminder posted once.

Real worker processes (tests/slack_worker.py) post through the real Slack gateway to the
Slack stand-in over HTTP; SQLite with one process, PostgreSQL with two. bench/faults.py
runs the same code with 2,000 reminders and ten kills.
"""

from __future__ import annotations

from tests.conftest import Database
from tests.faults import Db, kill9_run


async def test_kill9_during_a_burst_loses_nothing_and_posts_nothing_twice(
    database: Database,
) -> None:
    backend = "postgresql" if database.schema else "sqlite"
    processes = 2 if database.schema else 1
    db = Db(database.url, database.schema)
    run = await kill9_run(db, backend, reminders=300, kills=3, processes=processes, seed=7)
    assert run.tally is not None
    assert len(run.kills) == 3
    # Each kill landed inside the burst: some posts made, not all.
    assert all(0 < posts < 300 for _, posts in run.kills), run.kills
    assert (run.tally.lost, run.tally.duplicated, run.tally.delivered) == (0, 0, 300)
    assert run.sent_recorded == 300
