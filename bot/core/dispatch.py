"""Deliver what is due: claim -> occurrences -> policy -> gateway -> record -> advance.

The work is batched: per claimed batch, one statement claims, one transaction opens every
occurrence, one query reads the recipients' preferences, and outcomes are written many
per transaction as deliveries finish (``_Journal``). With per-reminder statements the
dispatcher was CPU-bound: two processes took about 110 s for 5,000 due reminders in
tests/core/test_processes.py, against about 2 s now (docs/benchmarks.md, Dispatcher).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.core import digests, escalation, ratelimit, schedule, texts
from bot.core.escalation import Watched
from bot.core.measures import Measured
from bot.core.model import (
    FINISHED_STATES,
    ChannelDelivery,
    Delivery,
    Occurrence,
    OccurrenceState,
    Reminder,
    ReminderKind,
    ReminderState,
    Reply,
    TargetKind,
    UserPrefs,
    UserRef,
    moved,
)
from bot.core.policy import MAX_ATTEMPTS, quiet_until, retry_delay
from bot.core.ports import (
    NO_METRICS,
    ChatGateway,
    Clock,
    DeliveryChannel,
    DeliveryError,
    Metrics,
    Outcome,
    ReminderRepository,
)
from bot.core.preferences import effective_all, workspace_of

log = logging.getLogger(__name__)
_DONE = FINISHED_STATES
_SKIPPED = OccurrenceState.SKIPPED
_Item = tuple[Reminder, Occurrence, datetime]  # a claimed reminder, its occurrence, due time
CHAT_ONLY = ("chat",)
_LATE_NOTE = timedelta(minutes=1)
_FIND_MARGIN = timedelta(minutes=1)  # clocks of the bot and the platform may differ


class Dispatcher:
    """Delivers due reminders exactly once per occurrence, across any number of processes.

    Args:
        repo: storage; its ``claim_due`` is the only thing that hands out work.
        gateways: platform name -> gateway.
        clock: the time source.
        lease: how long a claim is ours; a crashed process's claims come back after it.
            A delivery may take a quarter of it (then it counts as a temporary failure),
            and none starts in the last half: what a slow batch has not reached by then
            is released for the next claim, so nothing is still being delivered here when
            another process may take it.
        batch: reminders claimed per statement.
        late_limit: occurrences later than this are skipped instead of delivered late.
        concurrency: deliveries in flight at once.
        channels: the channels besides chat (``email``, ``webhook``) by name. A reminder
            is told on its own channels, else its recipient's, else its workspace's
            default, else on chat; each channel has its own record per occurrence.
        dry_run: log what would be sent on every channel and record ``dry_run``; nothing
            leaves the process, and the occurrence counts as handled.
        max_per_hour: notifications per person per rolling hour (``None``: no limit);
            beyond it deliveries are held and go out later as one summary (ratelimit.py).
        outcome_patience: how long a batch keeps trying to write outcomes the database
            refuses (an outage), with no new delivery started meanwhile; default half the
            lease, so a write that succeeds is still made under the batch's own claim.
            Written once the database is back, they need no lease to run out and no
            look in the conversations; given up, they do (``_Journal``).
    """

    def __init__(
        self,
        repo: ReminderRepository,
        gateways: Mapping[str, ChatGateway],
        clock: Clock,
        *,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 200,
        late_limit: timedelta | None = None,
        concurrency: int = 16,
        channels: Mapping[str, DeliveryChannel] | None = None,
        dry_run: bool = False,
        max_per_hour: int | None = None,
        metrics: Metrics = NO_METRICS,
        outcome_patience: timedelta | None = None,
    ) -> None:
        self.repo = repo
        self.outcome_patience = outcome_patience if outcome_patience is not None else lease / 2
        self.metrics = metrics  # counted as outcomes are recorded (measures.py)
        self.channels: Mapping[str, DeliveryChannel] = channels or {}
        self.dry_run = dry_run
        self.max_per_hour = max_per_hour
        self.gateways = gateways
        self.clock = clock
        self.lease = lease
        self.batch = batch
        self.late_limit = late_limit
        self._slots = asyncio.Semaphore(concurrency)
        self.delivery_timeout = lease / 4
        # Graceful shutdown (bot/shutdown.py): once stopping, nothing new is claimed or
        # started; what was claimed but not started is released for another process.
        self.stopping = False
        self._unstarted: dict[int, datetime] = {}  # reminder id -> the lease it holds
        self._journals: set[_Journal] = set()
        self._released = 0  # claims given back through the journal since the stop
        # Per person (or channel): the earliest due occurrence that went back to be
        # retried, and when. A later one of theirs waits behind it (``_in_order``), so a
        # platform that recovers gets each person's reminders in order of due time.
        self._behind: dict[str, tuple[datetime, datetime]] = {}

    def stop(self) -> None:
        """Claim nothing more and start no new delivery; those in flight go on."""
        self.stopping = True

    async def release_unstarted(self) -> int:
        """After a stop: wait for outcomes still being written, then give up the claims
        of reminders whose delivery never started (a cancelled batch leaves some); return
        how many were released since the stop, these and those the batches gave back."""
        await asyncio.gather(*(j.written() for j in list(self._journals)))
        held, self._unstarted = list(self._unstarted.items()), {}
        released = await self.repo.release_leases(held, self.clock.now()) if held else 0
        return self._released + released

    async def run_due(self) -> int:
        """Claim one batch of due reminders and handle each; return how many."""
        now = self.clock.now()
        claimed = await self.repo.claim_due(
            now, now + self.lease, self.batch, platforms=tuple(self.gateways)
        )
        if claimed:
            self.metrics.claimed(len(claimed))
            try:
                await self.handle(claimed, now)
            except Exception:
                # Leave the leases to expire so another run retries; never lose a row.
                log.exception("dispatch of %d claimed reminder(s) failed", len(claimed))
        return len(claimed)

    async def drain(self) -> int:
        """Run batches until nothing due is left."""
        total = 0
        while not self.stopping and (count := await self.run_due()) > 0:
            total += count
            if count < self.batch:
                break
        return total

    async def handle(self, claimed: Sequence[Reminder], now: datetime) -> None:
        """Handle a claimed batch: decide each reminder, deliver, record every outcome."""
        dues = [_due(rem) for rem in claimed]
        items = [(rem.id, due) for rem, due in zip(claimed, dues, strict=True)]
        occurrences = await self.repo.open_occurrences(items, now)
        watched = await escalation.watched(self.repo, claimed)
        journal = _Journal(
            self.repo,
            now,
            Measured(self.metrics, occurrences, now),
            patience=self.outcome_patience.total_seconds(),
            stopping=lambda: self.stopping,
        )
        self._journals.add(journal)
        self._unstarted.update((rem.id, rem.lease_until) for rem in claimed if rem.lease_until)
        try:
            batch = zip(claimed, occurrences, dues, strict=True)
            pending = self._settle(journal, batch, now, watched)
            keys = {key for rem, _, _ in pending if (key := _recipient(rem)) is not None}
            workspaces = {_workspace(rem) for rem, _, _ in pending}
            defaults = await self.repo.workspace_defaults(workspaces) if workspaces else {}
            prefs = await self._prefs(keys, defaults)
            ready = self._outside_quiet_hours(journal, pending, prefs, now)
            ready, summaries = await self._within_limit(journal, ready, now)
            told = await self._told_on(ready, prefs, defaults, watched)
            # One person's (or channel's) deliveries one after another, in order of due
            # time; different people's at once (up to ``concurrency``).
            lines: dict[str, list[_Item]] = {}
            for item in sorted(ready, key=lambda each: (each[1].due_at, each[1].id)):
                lines.setdefault(_line_key(item[0]), []).append(item)

            async def in_turn(line: list[_Item]) -> None:
                for index, (rem, occ, due) in enumerate(line):
                    if self._in_order(journal, line[index:]):
                        return
                    tx = _language(rem, prefs)
                    await self._send(journal, rem, occ, due, now, tx, told[occ.id])

            starts = [line[0] for line in lines.values()]
            results = await asyncio.gather(
                *(in_turn(line) for line in lines.values()),
                *(
                    self._summarise(journal, held, now, _language(held[0][0], prefs))
                    for held in summaries
                ),
                return_exceptions=True,
            )
            ready = starts  # for the log of what failed, below: one item per line
        finally:
            if not self.stopping:  # stopping, release_unstarted gives up what is left
                for each in claimed:
                    self._unstarted.pop(each.id, None)
            await journal.close()
            self._journals.discard(journal)
        for rem, result in zip([*ready, *(held[0] for held in summaries)], results, strict=True):
            if isinstance(result, BaseException):
                log.error("reminder %s", rem[0].id, exc_info=result)

    def _in_order(self, journal: _Journal, rest: list[_Item]) -> bool:
        """Whether ``rest`` (one person's next deliveries, in due order) waits behind an
        earlier one of theirs that went back to be retried: each is then deferred to just
        after that retry, in order, and nothing of ``rest`` is tried now."""
        rem, occ, _ = rest[0]
        behind = self._behind.get(_line_key(rem))
        now = self.clock.now()
        if behind is None or behind[1] <= now:
            return False
        earlier, retry = behind
        if not earlier < occ.due_at:
            return False
        for k, (each, each_occ, _) in enumerate(rest, 1):
            later = retry + timedelta(microseconds=k)
            journal.add(
                _outcome(replace(each, next_due=later), each_occ, OccurrenceState.DEFERRED, _WAIT)
            )
        log.info("reminder %s and %d more wait behind an earlier one", rem.id, len(rest) - 1)
        return True

    def _waits_behind(self, rem: Reminder, occ: Occurrence, retry: datetime) -> None:
        """``occ`` goes back to be retried at ``retry``: later ones of the same person wait."""
        key = _line_key(rem)
        known = self._behind.get(key)
        if known is None or known[1] <= self.clock.now() or occ.due_at <= known[0]:
            self._behind[key] = (occ.due_at, retry)
        if len(self._behind) > 10_000:  # forget the ones whose retry has come
            now = self.clock.now()
            self._behind = {k: v for k, v in self._behind.items() if v[1] > now}

    def _settle(
        self,
        journal: _Journal,
        batch: Iterable[_Item],
        now: datetime,
        watched: Mapping[int, Watched],
    ) -> list[_Item]:
        """Record what needs no delivery (already done, too late, an escalation of an
        occurrence completed meanwhile); return the rest."""
        pending = []
        for rem, occ, due in batch:
            if occ.state in _DONE:
                # Recorded before a crash stopped us advancing: do not deliver twice.
                journal.add(_outcome(_advance(rem, due, now), occ, None))
            elif self.late_limit is not None and now - _planned(rem, due) > self.late_limit:
                journal.add(_outcome(_advance(rem, due, now), occ, OccurrenceState.SKIPPED, "late"))
            elif rem.id in watched and watched[rem.id].done:
                journal.add(_outcome(_advance(rem, due, now), occ, OccurrenceState.SKIPPED, "done"))
            else:
                pending.append((rem, occ, due))
        return pending

    def _outside_quiet_hours(
        self,
        journal: _Journal,
        pending: list[_Item],
        prefs: Mapping[str, UserPrefs],
        now: datetime,
    ) -> list[_Item]:
        """Defer deliveries to the end of their recipient's quiet hours (urgent ones pass;
        held ones stay held); return the rest."""
        ready = []
        for rem, occ, due in pending:
            key = _recipient(rem)
            quiet = quiet_until(prefs.get(key), now) if key and not rem.urgent else None
            if quiet is None:
                ready.append((rem, occ, due))
            elif ratelimit.was_held(occ):
                why = ratelimit.held_reason("quiet")
                journal.add(_outcome(replace(rem, next_due=quiet), occ, OccurrenceState.HELD, why))
            else:
                deferred = replace(rem, next_due=quiet)
                journal.add(_outcome(deferred, occ, OccurrenceState.DEFERRED, "quiet"))
        return ready

    async def _within_limit(
        self, journal: _Journal, ready: list[_Item], now: datetime
    ) -> tuple[list[_Item], list[list[_Item]]]:
        """Hold what is over its recipient's rate limit (ratelimit.py): one query counts
        the batch's recipients. Returns what goes out alone, and the summaries due."""
        if not self.max_per_hour or self.dry_run:
            return ready, []
        recipients = {rem.id: _recipient(rem) for rem, _, _ in ready}
        keys = {key for key in recipients.values() if key is not None}
        sent = await self.repo.sent_since(keys, now - ratelimit.WINDOW) if keys else {}
        plan = ratelimit.plan(ready, recipients, sent, self.max_per_hour, now)
        for (rem, occ, _), until in plan.hold:
            deferred = replace(rem, next_due=until)
            journal.add(_outcome(deferred, occ, OccurrenceState.HELD, ratelimit.held_reason()))
        return plan.send, plan.summaries

    async def _summarise(
        self, journal: _Journal, held: list[_Item], now: datetime, tx: texts.Texts
    ) -> None:
        """Deliver one recipient's held occurrences as one message, then record each as
        sent with its reference, in one write. The post is tagged with the first (the
        oldest) occurrence: after a crash between post and record, ``_post`` finds it in
        the conversation instead of sending the summary again."""
        rem, occ, _ = held[0]
        try:
            async with self._slots:
                if not await self._may_start(journal, rem, occ):
                    for other, other_occ, _ in held[1:]:
                        journal.add(_outcome(other, other_occ, None))
                    return
                for other, _, _ in held[1:]:  # in this summary: never released at a stop
                    self._unstarted.pop(other.id, None)
                worded = await self.repo.workspace_templates({_workspace(rem)})
                listed = [(r, o) for r, o, _ in held]
                reply = tx.summary(listed, worded.get(_workspace(rem)), self.clock.now())
                delivery = Delivery(reminder=rem, occurrence=occ, reply=reply, due=occ.due_at)
                try:
                    async with asyncio.timeout(self.delivery_timeout.total_seconds()):
                        ref = await self._post(delivery)
                except TimeoutError:
                    raise DeliveryError("timeout", temporary=True) from None
        except DeliveryError as error:
            await self._summary_failed(journal, held, now, error)
            return
        at = self.clock.now()
        for r, o, due in held:  # no await between: one record_outcomes takes them all
            sent = _outcome(_advance(r, due, now), o, OccurrenceState.SENT, ref=ref)
            journal.add(replace(sent, at=at, action="sent_in_summary"))
        log.info("delivered %d held occurrence(s) in summary %s", len(held), ref)

    async def _summary_failed(
        self, journal: _Journal, held: list[_Item], now: datetime, error: DeliveryError
    ) -> None:
        """A summary that could not go out: held again for a retry, or failed for good."""
        first = held[0][1]
        if error.temporary and first.attempts < MAX_ATTEMPTS:
            retry = self.clock.now() + retry_delay(first.attempts, error.retry_after)
            why = ratelimit.held_reason(error.reason)
            for rem, occ, _ in held:
                journal.add(_outcome(replace(rem, next_due=retry), occ, OccurrenceState.HELD, why))
            log.warning("summary of %d: %s, retry at %s", len(held), error.reason, retry)
            return
        for rem, occ, due in held:
            failed = _outcome(_advance(rem, due, now), occ, OccurrenceState.FAILED, error.reason)
            await journal.commit(failed)
            await self._tell_owner(rem, error.reason)

    async def _prefs(
        self, keys: set[str], defaults: Mapping[str, Mapping[str, object]]
    ) -> dict[str, UserPrefs]:
        """The recipients' preferences as they apply: their own, else their workspace's
        (``bot.core.preferences``); someone never seen has their workspace's, if any."""
        found = await self.repo.get_users(keys) if keys else {}
        unseen = {k: UserPrefs(key=k) for k in keys - found.keys() if defaults.get(_home(k))}
        return effective_all({**found, **unseen}, defaults)

    async def _told_on(
        self,
        ready: Sequence[_Item],
        prefs: Mapping[str, UserPrefs],
        defaults: Mapping[str, Mapping[str, object]],
        watched: Mapping[int, Watched],
    ) -> dict[int, Told]:
        """Each occurrence's channels (and their records so far, beyond chat alone)."""
        worded = await self.repo.workspace_templates({_workspace(rem) for rem, _, _ in ready})
        told = {
            occ.id: Told(
                channels=channels_of(rem, prefs.get(_recipient(rem) or ""), defaults),
                recipient=prefs.get(_recipient(rem) or ""),
                templates=worded.get(_workspace(rem), {}),
                watched=watched.get(rem.id),
            )
            for rem, occ, _ in ready
        }
        many = [occ_id for occ_id, t in told.items() if t.channels != CHAT_ONLY]
        if many:
            records = await self.repo.channel_deliveries(many)
            for occ_id in many:
                told[occ_id] = replace(told[occ_id], records=records.get(occ_id, {}))
        return told

    async def _send(
        self,
        journal: _Journal,
        rem: Reminder,
        occ: Occurrence,
        due: datetime,
        now: datetime,
        tx: texts.Texts,
        told: Told,
    ) -> None:
        try:
            async with self._slots:
                if not await self._may_start(journal, rem, occ):
                    return
                if rem.kind is ReminderKind.DIGEST:  # its message is the day's list
                    composed = await digests.compose(self.repo, rem, occ, tx, told.templates)
                    told = replace(told, reply=composed)
                    if told.reply is None:
                        skip = _outcome(_advance(rem, due, now), occ, _SKIPPED, "empty")
                        journal.add(replace(skip, at=self.clock.now()))
                        return
                if self.dry_run:
                    journal.add(self._dry_run(rem, occ, due, now, told))
                    return
                if told.channels != CHAT_ONLY:
                    await self._send_each(journal, rem, occ, (due, now), tx, told)
                    return
                try:
                    async with asyncio.timeout(self.delivery_timeout.total_seconds()):
                        ref = await self._deliver(rem, occ, due, now, tx, told)
                except TimeoutError:
                    raise DeliveryError("timeout", temporary=True) from None
        except DeliveryError as error:
            await self._failed(journal, rem, occ, (due, now), error)
        except Exception:
            # Not a platform answer but a bug: the lease expires and the delivery is retried.
            log.exception("delivery of reminder %s failed", rem.id)
        else:
            sent = _outcome(_advance(rem, due, now), occ, OccurrenceState.SENT, ref=ref)
            journal.add(_sent_at(sent, rem, occ, self.clock.now()))
            log.info("delivered reminder %s occurrence %s", rem.id, occ.id, extra=_ids(occ))

    async def _may_start(self, journal: _Journal, rem: Reminder, occ: Occurrence) -> bool:
        """Whether a delivery may start now; if not, the claim is given up or left to lapse.

        While an outcome write is failing (and retried) nothing new starts: what would
        be delivered then might never be recorded, and be sent again by the next claim.
        """
        await journal.writable()
        waiting = self._unstarted.pop(rem.id, None) is not None
        if journal.failed:
            return False  # nothing more could be recorded: leave the lease to expire
        assert rem.lease_until is not None
        if self.stopping and waiting:
            journal.add(_outcome(rem, occ, None))  # released: another process takes it
            self._released += 1
            log.info("reminder %s released: shutting down", rem.id)
            return False
        if self.clock.now() < rem.lease_until - 2 * self.delivery_timeout:
            return True
        # A delivery started now might outlive the lease; release it for the next claim.
        journal.add(_outcome(rem, occ, None))
        log.warning("reminder %s released: the batch ran out of lease", rem.id)
        return False

    def _dry_run(
        self, rem: Reminder, occ: Occurrence, due: datetime, now: datetime, told: Told
    ) -> Outcome:
        """What a dry run records: every channel logged as it would be sent, nothing sent."""
        at = self.clock.now()
        for channel in told.channels:
            log.info("dry run: would send reminder %s occurrence %s on %s", rem.id, occ.id, channel)
        records: tuple[ChannelDelivery, ...] = ()
        if told.channels != CHAT_ONLY:
            records = tuple(
                _record(occ, told, channel, OccurrenceState.DRY_RUN, at=at)
                for channel in told.channels
                if not _finished(told, channel)
            )
        dry = _outcome(_advance(rem, due, now), occ, OccurrenceState.DRY_RUN)
        return replace(dry, at=at, channels=records)

    async def _send_each(
        self,
        journal: _Journal,
        rem: Reminder,
        occ: Occurrence,
        times: tuple[datetime, datetime],
        tx: texts.Texts,
        told: Told,
    ) -> None:
        """Deliver on each of the occurrence's channels not yet done: chat first (the
        others may link to its message), then the rest at once; one record each."""
        due, now = times
        todo = [channel for channel in told.channels if not _finished(told, channel)]
        delivery = self._delivery(rem, occ, due, now, tx, told)
        done: dict[str, tuple[ChannelDelivery, float | None]] = {}
        if "chat" in todo:
            chat = replace(delivery, attempt=_nth(told, "chat"))
            done["chat"] = await self._attempt(occ, told, "chat", chat)
        others = [channel for channel in todo if channel != "chat"]
        chat_ref = done["chat"][0].message_ref if "chat" in done else None
        linked = replace(delivery, chat_link=chat_ref or delivery.chat_link)
        attempts = await asyncio.gather(
            *(
                self._attempt(occ, told, c, replace(linked, channel=c, attempt=_nth(told, c)))
                for c in others
            )
        )
        done.update(zip(others, attempts, strict=True))
        records = {**told.records, **{c: record for c, (record, _) in done.items()}}
        waits = [wait for record, wait in done.values() if record.state is OccurrenceState.DEFERRED]
        reasons = ",".join(
            f"{r.channel}:{r.error}" for r, _ in done.values() if r.error is not None
        )
        if waits and occ.attempts < MAX_ATTEMPTS:
            asked = [w for w in waits if w is not None]
            retry = self.clock.now() + retry_delay(occ.attempts, max(asked) if asked else None)
            deferred = _outcome(replace(rem, next_due=retry), occ, OccurrenceState.DEFERRED)
            journal.add(
                replace(deferred, error=reasons, channels=tuple(r for r, _ in done.values()))
            )
            log.warning(
                "reminder %s: %s, retry at %s", rem.id, reasons, retry.isoformat(), extra=_ids(occ)
            )
            return
        final = tuple(
            replace(record, state=OccurrenceState.FAILED)
            if record.state is OccurrenceState.DEFERRED
            else record
            for record, _ in done.values()
        )
        states = {r.state for r in (*final, *(records[c] for c in records if c not in done))}
        sent = OccurrenceState.SENT in states
        ref = records["chat"].message_ref if "chat" in records else None
        state = OccurrenceState.SENT if sent else OccurrenceState.FAILED
        outcome = _outcome(_advance(rem, due, now), occ, state, None if sent else reasons, ref=ref)
        outcome = replace(outcome, channels=final)
        outcome = _sent_at(outcome, rem, occ, self.clock.now()) if sent else outcome
        if sent:
            journal.add(outcome)
            log.info(
                "delivered reminder %s occurrence %s on %s",
                rem.id,
                occ.id,
                ",".join(done),
                extra=_ids(occ),
            )
            return
        await journal.commit(outcome)
        log.warning(
            "reminder %s occurrence %s failed: %s", rem.id, occ.id, reasons, extra=_ids(occ)
        )
        await self._tell_owner(rem, reasons)

    async def _attempt(
        self, occ: Occurrence, told: Told, channel: str, delivery: Delivery
    ) -> tuple[ChannelDelivery, float | None]:
        """One channel's try: its new record, and how long the platform asked us to wait."""
        try:
            async with asyncio.timeout(self.delivery_timeout.total_seconds()):
                if channel == "chat":
                    ref = await self._post(delivery)
                else:
                    sender = self.channels.get(channel)
                    if sender is None:
                        raise DeliveryError(f"{channel}_not_configured", temporary=False)
                    ref = await sender.send(delivery)
        except TimeoutError:
            return _record(occ, told, channel, OccurrenceState.DEFERRED, error="timeout"), None
        except DeliveryError as error:
            state = OccurrenceState.DEFERRED if error.temporary else OccurrenceState.FAILED
            return _record(occ, told, channel, state, error=error.reason), error.retry_after
        return _record(occ, told, channel, OccurrenceState.SENT, ref=ref, at=self.clock.now()), None

    def _delivery(
        self,
        rem: Reminder,
        occ: Occurrence,
        due: datetime,
        now: datetime,
        tx: texts.Texts,
        told: Told,
    ) -> Delivery:
        if rem.kind is ReminderKind.ESCALATION:
            reply = tx.escalation(rem, told.watched)
        elif told.reply is not None:  # composed when it was due (a digest)
            reply = told.reply
        else:
            reply = tx.delivery(rem, occ, now, told.templates)
        chat = told.records.get("chat")
        return Delivery(
            reminder=rem,
            occurrence=occ,
            reply=reply,
            late=now - due > _LATE_NOTE,
            recipient=told.recipient,
            due=occ.due_at,
            late_by=max(0.0, (now - occ.due_at).total_seconds()),
            chat_link=chat.message_ref if chat is not None else None,
        )

    async def _deliver(
        self,
        rem: Reminder,
        occ: Occurrence,
        due: datetime,
        now: datetime,
        tx: texts.Texts,
        told: Told,
    ) -> str:
        return await self._post(self._delivery(rem, occ, due, now, tx, told))

    async def _post(self, delivery: Delivery) -> str:
        """Post on chat: the reminder's platform, unless the post is found there already."""
        rem, occ = delivery.reminder, delivery.occurrence
        gateway = self.gateways.get(rem.platform)
        if gateway is None:
            raise DeliveryError("platform_not_connected", temporary=True)
        if occ.attempts > 1:
            # Opened before: a process may have posted it and died before recording it.
            # Every post carries its occurrence; if the conversation has it, it was sent.
            found = await gateway.find_delivered(delivery, occ.due_at - _FIND_MARGIN)
            if found is not None:
                log.info("occurrence %s was delivered already; recorded, not sent", occ.id)
                return found
        return await gateway.deliver(delivery)

    async def _failed(
        self,
        journal: _Journal,
        rem: Reminder,
        occ: Occurrence,
        times: tuple[datetime, datetime],
        error: DeliveryError,
    ) -> None:
        due, now = times
        if error.temporary and occ.attempts < MAX_ATTEMPTS:
            retry = self.clock.now() + retry_delay(occ.attempts, error.retry_after)
            self._waits_behind(rem, occ, retry)
            journal.add(
                _outcome(replace(rem, next_due=retry), occ, OccurrenceState.DEFERRED, error.reason)
            )
            log.warning(
                "reminder %s: %s, retry at %s",
                rem.id,
                error.reason,
                retry.isoformat(),
                extra=_ids(occ),
            )
            return
        failed = _outcome(_advance(rem, due, now), occ, OccurrenceState.FAILED, error.reason)
        # Recorded before the owner hears of it, as one delivery at a time did.
        await journal.commit(failed)
        log.warning(
            "reminder %s occurrence %s failed: %s", rem.id, occ.id, error.reason, extra=_ids(occ)
        )
        await self._tell_owner(rem, error.reason)

    async def _tell_owner(self, rem: Reminder, reason: str) -> None:
        """In the owner's language: the recipient's (the delivery's) may be another."""
        gateway = self.gateways.get(rem.platform)
        if gateway is None:
            return
        prefs = await self.repo.get_users({rem.owner})
        tx = texts.of(prefs[rem.owner].language if rem.owner in prefs else None, rem.language)
        try:
            await gateway.notify(rem.owner, tx.undeliverable(rem, reason))
        except DeliveryError as error:
            log.warning("could not tell the owner of reminder %s: %s", rem.id, error.reason)


class _Journal:
    """Writes outcomes as they arrive, as many per transaction as arrived meanwhile.

    Group commit: while one ``record_outcomes`` runs, new outcomes wait and go together
    in the next. A fast platform gets a whole batch into one transaction; a slow one
    gets each outcome written about one round trip after its delivery, so a crash
    between delivering and recording repeats no more deliveries than one write at a
    time did. A failed write is retried (``RETRIES``); if it keeps failing, ``failed``
    is set, and the dispatcher starts no more deliveries of the batch.
    """

    RETRIES = (0.2, 0.5, 1.0, 2.0)  # seconds between attempts of one write; then the last

    def __init__(
        self,
        repo: ReminderRepository,
        now: datetime,
        measured: Measured | None = None,
        *,
        patience: float = 0.0,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self._repo = repo
        # A failing write is tried again after each of RETRIES, then every RETRIES[-1]
        # seconds while it has been failing for less than ``patience`` seconds (real
        # time, as the pauses are), and not once the process is stopping.
        self._patience = patience
        self._stopping = stopping
        self._measured = measured
        self._now = now
        self._pending: list[Outcome] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self.failed: BaseException | None = None
        self._flowing = asyncio.Event()  # clear while a write is failing and retried
        self._flowing.set()
        self._writer = asyncio.create_task(self._write())

    async def written(self) -> None:
        """Return once the writer has stopped (after ``close``, or after a cancelled
        batch whose ``close`` was interrupted): the outcomes queued are in the database."""
        self._closing = True
        self._wake.set()
        await asyncio.gather(asyncio.shield(self._writer), return_exceptions=True)

    async def writable(self) -> None:
        """Return once outcomes are being written (or writing has given up)."""
        await self._flowing.wait()

    def add(self, outcome: Outcome) -> None:
        """Queue ``outcome`` for the next write (dropped, and logged, once ``failed``)."""
        if self.failed is not None:
            log.error("outcome of reminder %s not recorded", outcome.reminder.id)
            return
        self._pending.append(outcome)
        self._wake.set()

    async def commit(self, outcome: Outcome) -> None:
        """Queue ``outcome`` and wait until it is committed; raises if it cannot be."""
        if self.failed is not None:
            raise self.failed
        self.add(outcome)
        done = asyncio.get_running_loop().create_future()
        self._waiters.append(done)
        await done

    async def close(self) -> None:
        """Write what is queued and stop; raises if writing failed.

        Shielded: a cancelled batch still records what it delivered.
        """
        self._closing = True
        self._wake.set()
        await asyncio.shield(self._writer)
        if self.failed is not None:
            raise self.failed

    async def _write(self) -> None:
        while not (self._closing and not self._pending):
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            waiters, self._waiters = self._waiters, []
            error = await self._record(batch) if batch else None
            if error is not None:
                self.failed = error
                waiters += self._waiters
                lost = batch + self._pending
                self._pending, self._waiters = [], []
                self._flowing.set()  # let waiting deliveries see the failure and stop
                for outcome in lost:
                    # Their leases run out and the next claim looks again: one that was
                    # delivered is found in its conversation, not sent twice.
                    log.error(
                        "outcome of reminder %s occurrence %s not recorded",
                        outcome.reminder.id,
                        outcome.occurrence_id,
                    )
            for done in waiters:
                if done.done():  # its waiter was cancelled
                    continue
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)
            if error is not None:
                return

    async def _record(self, batch: list[Outcome]) -> Exception | None:
        """Write ``batch``, retrying; the last error if every attempt failed."""
        failing_since: float | None = None
        tries = 0
        while True:
            try:
                await self._repo.record_outcomes(batch, self._now)
            except Exception as error:
                now = time.monotonic()
                failing_since = now if failing_since is None else failing_since
                pause = self._pause(tries, now - failing_since)
                tries += 1
                if pause is None:
                    log.exception("could not record %d outcome(s)", len(batch))
                    return error
                self._flowing.clear()  # no new delivery starts while this is failing
                log.warning("recording %d outcome(s) failed, retrying: %s", len(batch), error)
                await asyncio.sleep(pause)
            else:
                self._flowing.set()
                if self._measured is not None:
                    self._measured.recorded(batch)
                if tries:
                    log.info("recorded %d outcome(s) after %d failed tries", len(batch), tries)
                return None

    def _pause(self, tries: int, failing_for: float) -> float | None:
        """The wait before the next try, or ``None``: give up."""
        if tries < len(self.RETRIES):
            return self.RETRIES[tries]
        last = self.RETRIES[-1] if self.RETRIES else 1.0
        if self._stopping() or failing_for + last > self._patience:
            return None
        return last


@dataclass(frozen=True, slots=True, kw_only=True)
class Told:
    """How one occurrence is told: its channels, and what each has done so far."""

    channels: tuple[str, ...]
    recipient: UserPrefs | None = None
    records: Mapping[str, ChannelDelivery] = field(default_factory=dict)
    reply: Reply | None = None  # composed at delivery time (a digest's), else the reminder's
    templates: Mapping[str, str] = field(default_factory=dict)  # the workspace's, by name
    watched: Watched | None = None  # an escalation's: what it tells about


def channels_of(
    rem: Reminder, prefs: UserPrefs | None, defaults: Mapping[str, Mapping[str, object]]
) -> tuple[str, ...]:
    """The reminder's channels, else its recipient's, else its workspace's, else chat."""
    if rem.channels:
        return rem.channels
    if prefs is not None and prefs.channels:
        return prefs.channels
    default = defaults.get(_workspace(rem), {}).get("channels")
    if isinstance(default, list) and default and all(isinstance(c, str) for c in default):
        return tuple(default)
    return CHAT_ONLY


def _home(key: str) -> str:
    """The workspace key of a person's key (``slack:T1:U1`` -> ``slack:T1``)."""
    return workspace_of(UserRef.of(key))


def _workspace(rem: Reminder) -> str:
    """The key workspace settings are stored under (``slack:T1``)."""
    return f"{rem.platform}:{rem.workspace}"


def _nth(told: Told, channel: str) -> int:
    """Which attempt on ``channel`` the next one is."""
    before = told.records.get(channel)
    return (before.attempts if before is not None else 0) + 1


def _finished(told: Told, channel: str) -> bool:
    record = told.records.get(channel)
    return record is not None and record.state in FINISHED_STATES


def _record(
    occ: Occurrence,
    told: Told,
    channel: str,
    state: OccurrenceState,
    *,
    ref: str | None = None,
    error: str | None = None,
    at: datetime | None = None,
) -> ChannelDelivery:
    return ChannelDelivery(
        occurrence_id=occ.id,
        channel=channel,
        state=state,
        attempts=_nth(told, channel),
        message_ref=ref,
        error=error,
        at=at,
    )


def _sent_at(outcome: Outcome, rem: Reminder, occ: Occurrence, at: datetime) -> Outcome:
    """A sent outcome, stamped, with the escalations it makes (stored with it)."""
    return replace(outcome, at=at, escalations=escalation.steps_for(rem, occ, at))


def _due(rem: Reminder) -> datetime:
    due = rem.occurrence_due or rem.next_due
    assert due is not None
    return due


def _planned(rem: Reminder, due: datetime) -> datetime:
    """When this delivery was last planned for: its due time, or where quiet hours or a
    retry moved it. Lateness is measured from here, so a reminder deferred past the quiet
    hours is not skipped as late when they end."""
    return rem.next_due or due


def _language(rem: Reminder, prefs: Mapping[str, UserPrefs]) -> texts.Texts:
    """The recipient's chosen language, else the language the reminder was written in."""
    key = _recipient(rem)
    chosen = prefs[key].language if key is not None and key in prefs else None
    return texts.of(chosen, rem.language)


# The reason of a delivery that waits behind an earlier one of the same person's.
_WAIT = "behind_earlier"


def _line_key(rem: Reminder) -> str:
    """Whose deliveries go one after another: the person's (a DM) or the channel's, as
    the gateways take their turns."""
    return _recipient(rem) or f"{rem.platform}:{rem.workspace}:#{rem.target_ref}"


def _recipient(rem: Reminder) -> str | None:
    """The key of the user whose quiet hours apply; none for channels.

    ``Reminder.recipient``'s key, spelled out: the dispatcher asks for it several times
    per delivery, and building the ``UserRef`` values each time cost more than the rest.
    """
    if rem.target_kind is TargetKind.USER:
        return f"{rem.platform}:{rem.workspace}:{rem.target_ref}"
    return rem.owner if rem.target_kind is TargetKind.ME else None


def _outcome(
    rem: Reminder,
    occ: Occurrence,
    state: OccurrenceState | None,
    error: str | None = None,
    *,
    ref: str | None = None,
) -> Outcome:
    return Outcome(reminder=rem, occurrence_id=occ.id, state=state, message_ref=ref, error=error)


def _advance(rem: Reminder, due: datetime, now: datetime) -> Reminder:
    """The reminder moved past the occurrence just handled (or completed)."""
    nxt = schedule.next_after(rem, max(due, now))
    if nxt is None:
        return moved(rem, None, None, ReminderState.COMPLETED)
    return moved(rem, nxt, nxt)


def _ids(occ: Occurrence) -> dict[str, int]:
    """The ids a log line carries as fields (bot/logs.py puts them in the JSON object)."""
    return {"reminder_id": occ.reminder_id, "occurrence_id": occ.id}
