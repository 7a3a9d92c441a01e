"""Four replicas on one PostgreSQL database: each reminder posted once, the work shared.

The app's own ``Scheduler`` in each of four worker processes (tests/slack_worker.py
``--scheduler``), 2,000 reminders falling due over 10 s, posted to the Slack stand-in over
HTTP. bench/replicas.py runs the same code with 20,000 due in one minute. PostgreSQL only:
SQLite is for one process.
"""

from __future__ import annotations

from tests.faults import Db, replicas_run


async def test_four_replicas_deliver_each_reminder_once_and_share_the_work(
    postgres_db: str,
) -> None:
    run = await replicas_run(Db(postgres_db), "postgresql", reminders=2000, replicas=4, window=10.0)
    assert run.tally is not None
    assert (run.tally.lost, run.tally.duplicated, run.tally.delivered) == (0, 0, 2000)
    assert sorted(run.per_replica) == ["r1", "r2", "r3", "r4"], run.per_replica
    assert all(count > 0 for count in run.per_replica.values()), run.per_replica
    assert sum(run.per_replica.values()) == 2000
    assert len(run.lateness) == 2000
    assert min(run.lateness) >= 0, "nothing is posted before it is due"
