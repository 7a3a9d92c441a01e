"""Phrase-parser benchmark: remindbot's ``parse`` beside dateparser's ``search_dates``.

Not a timed test: it prints figures and PASS/MISS against the parser's targets
(>= 5,000 phrases/s on one core, p99 < 2 ms, cold start < 1.5 s).

    .venv/bin/python bench/parse.py [--rounds N] [--quick] [--corpus FILE ...]

The phrases are the labelled corpora (by default the dev corpus and the corpus of the
forms read beyond it, both under tests/parsing/data/) plus every message x time phrase
below in two seeded shapes. Each side runs in its own fresh subprocess (pinned to one
CPU) so that its imports and peak RSS never mix with the other side's; cold start is
timed in further fresh processes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPORA = (ROOT / "tests/parsing/data/dev.jsonl", ROOT / "tests/parsing/data/forms.jsonl")
SEED = 20261120
SIDES = ("remindbot", "dateparser")
TARGET_RATE = 5000.0  # phrases/s
TARGET_P99_MS = 2.0
TARGET_COLD_S = 1.5
SLOW_MS = 5.0  # a phrase slower than this on every round is reported
DP_LANGUAGES = ["en"]

MESSAGES = (
    "call Bob", "send the weekly report", "water the plants", "renew the passport",
    "check the build", "pay the invoice", "book the restaurant", "back up the laptop",
    "call mum", "review the pull request", "take out the recycling", "stretch",
    "feed the cat", "submit the expense report", "order coffee beans",
    "update the project status", "call the dentist", "pick up the dry cleaning",
    "rotate the keys", "post standup notes", "buy milk", "prepare the demo",
    "reply to Alice", "join the call", "start the upload", "lock the door",
    "read chapter 4", "ship the release notes", "check the oven", "plan meals",
)  # fmt: skip
TIMES = (
    "in 10 minutes", "in 2 hours", "in 3 days", "tomorrow at 9am", "tomorrow", "at 5pm",
    "at 17:30", "on friday", "next monday at 10:00", "this saturday", "every day at 8am",
    "every weekday at 9:45am", "every monday at 7:32am", "every other wednesday",
    "on June 1st", "on 12/22", "on march 17 at 5:41pm", "tonight at 8", "this evening",
    "at noon", "at midnight", "in 1.5 hours", "the day after tomorrow",
    "on the 20th of next month", "every first friday of the month", "in 45 minutes",
    "next week", "at half past 3 pm", "tomorrow morning", "friday at 4pm",
    "on 24 October at 9 am", "every 2 hours", "in one minute", "at 7:12pm",
    "on thursday at 3pm", "every july 4th", "in 24 hours", "tomorrow 10 PM",
    "every 2 weeks on tuesday", "at a quarter past 1pm",
    # forms read beyond the dev corpus
    "at 1715", "at 845am", "at quarter to midnight", "on thursday of next week",
    "on the second thursday of july", "every monday 6x", "every weekday except friday at 9",
    "tomorrow at 9 and 5pm", "on the last day of every month", "in a week's time",
    "end of next week", "every 2nd and 4th tuesday",
)  # fmt: skip
SHAPES = (
    "remind me to {m} {t}",
    "remind me {t} to {m}",
    '/remind #ops "{m}" {t}',
    "remind @alice {t} to {m}",
    "me {t} to {m}",
)
CLOCKS = (
    ("2026-05-20T12:00:00", "Europe/Copenhagen"),
    ("2026-03-08T01:30:00", "America/New_York"),
    ("2026-10-25T01:30:00", "Europe/Berlin"),
    ("2026-12-31T23:55:00", "UTC"),
    ("2026-06-15T10:00:00", "Asia/Kolkata"),
    ("2026-04-05T02:30:00", "Australia/Sydney"),
)

COLD_REMINDBOT = """
import json, resource, time
from datetime import datetime, timezone
now = datetime(2026, 5, 20, 10, 0, tzinfo=timezone.utc)
t0 = time.perf_counter()
from bot.parsing import parse
t1 = time.perf_counter()
parse("remind me tomorrow at 9am to call Bob", now, "Europe/Berlin")
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": t1 - t0, "first_s": t2 - t1, "rss_kib": rss}))
"""
COLD_DATEPARSER = """
import json, resource, time
from datetime import datetime
base = datetime(2026, 5, 20, 12, 0)
t0 = time.perf_counter()
from dateparser.search import search_dates
t1 = time.perf_counter()
search_dates("remind me tomorrow at 9am to call Bob", languages=["en"],
             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"})
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": t1 - t0, "first_s": t2 - t1, "rss_kib": rss}))
"""


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase to read: the text, the naive local wall time "now", the IANA zone."""

    text: str
    now: str
    tz: str
    expect: tuple[str, ...] | None = None  # corpus items only: expected occurrences
    record: str | None = None  # corpus items only: the expected answer (JSON)


@dataclass(slots=True)
class SideResult:
    """What one side's worker measured (JSON across the process boundary)."""

    side: str
    phrases: int
    rounds: int
    rate: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    peak_rss_kib: int
    right: int = 0
    scored: int = 0
    whole_right: int = 0  # remindbot only: corpus answers right in every key (refusals too)
    whole_scored: int = 0
    error_count: int = 0
    errors: list[str] = field(default_factory=list)
    slow_count: int = 0
    slowest: list[tuple[str, float]] = field(default_factory=list)  # by best-of-rounds time


@dataclass(frozen=True, slots=True)
class Cold:
    """Import + first call in a fresh interpreter (median of several processes)."""

    import_s: float
    first_s: float
    total_s: float  # median of per-process (import + first call)
    process_s: float  # whole ``python -c`` process as the parent saw it, startup included
    rss_kib: int


# --- phrases ---------------------------------------------------------------------------


def corpus_phrases(paths: Sequence[Path]) -> list[Phrase]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                occ = item["expect"].get("occurrences")
                expect = tuple(occ) if occ else None
                record = json.dumps(item["expect"], sort_keys=True)
                out.append(Phrase(item["text"], item["now"], item["tz"], expect, record))
    return out


def generated_phrases(quick: bool) -> list[Phrase]:
    """Every message x time phrase, each in two seeded shapes and one seeded clock."""
    rng = random.Random(SEED)
    out = []
    for m in MESSAGES:
        for t in TIMES:
            for shape in rng.sample(SHAPES, 2):
                now, tz = rng.choice(CLOCKS)
                out.append(Phrase(shape.format(m=m, t=t), now, tz))
    return out[::4] if quick else out


def all_phrases(corpora: Sequence[Path], quick: bool) -> list[Phrase]:
    return corpus_phrases(corpora) + generated_phrases(quick)


# --- timing ----------------------------------------------------------------------------


@dataclass(slots=True)
class Timing:
    samples: list[int]
    mins: list[int]
    wall_ns: int


def time_rounds(call: Callable[[int], object], n: int, rounds: int) -> Timing:
    """Call ``call(i)`` for every phrase index, ``rounds`` times, timing each call."""
    clock = time.perf_counter_ns
    samples: list[int] = []
    mins = [sys.maxsize] * n
    wall = 0
    for _ in range(rounds):
        start = clock()
        for i in range(n):
            t0 = clock()
            call(i)
            dt = clock() - t0
            samples.append(dt)
            mins[i] = min(mins[i], dt)
        wall += clock() - start
    return Timing(samples, mins, wall)


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# --- the two sides (run inside a worker process) -----------------------------------------


def remindbot_call(phrases: Sequence[Phrase]) -> tuple[Callable[[int], object], list[str]]:
    """A guarded ``parse`` call per phrase index; arguments are built before timing."""
    from zoneinfo import ZoneInfo

    from bot.parsing import parse

    args = [
        (p.text, datetime.fromisoformat(p.now).replace(tzinfo=ZoneInfo(p.tz)), p.tz)
        for p in phrases
    ]
    errors: list[str] = []

    def call(i: int) -> object:
        try:
            return parse(*args[i])
        except Exception as exc:  # the parser promises never to raise
            errors.append(f"{args[i][0]!r}: {type(exc).__name__}: {exc}")
            return None

    return call, errors


def dateparser_call(phrases: Sequence[Phrase]) -> tuple[Callable[[int], object], list[str]]:
    """A guarded ``search_dates`` call per phrase (English only, naive base, future)."""
    from dateparser.search import search_dates

    args = [(p.text, dp_settings(p.now)) for p in phrases]
    errors: list[str] = []

    def call(i: int) -> object:
        try:
            return search_dates(args[i][0], languages=DP_LANGUAGES, settings=args[i][1])
        except Exception as exc:
            errors.append(f"{args[i][0]!r}: {type(exc).__name__}: {exc}")
            return None

    return call, errors


def dp_settings(now: str) -> dict[str, object]:
    return {"RELATIVE_BASE": datetime.fromisoformat(now), "PREFER_DATES_FROM": "future"}


def remindbot_right(p: Phrase, result: object) -> bool:
    """Right when the first instant has the expected ISO form (instant and offset)."""
    when = getattr(result, "when", None)
    ok = getattr(result, "ok", False)
    return bool(ok and p.expect and when is not None and when.isoformat() == p.expect[0])


def dateparser_right(p: Phrase, result: object) -> bool:
    """Right when the first hit, placed in the user's zone, is the expected instant."""
    from zoneinfo import ZoneInfo

    if not p.expect or not isinstance(result, list) or not result:
        return False
    first: datetime = result[0][1]
    if first.tzinfo is None:
        first = first.replace(tzinfo=ZoneInfo(p.tz))
    # Compare in UTC: PEP 495 makes == False across zones for a wall time in a DST gap.
    return first.astimezone(UTC) == datetime.fromisoformat(p.expect[0]).astimezone(UTC)


def accuracy(
    phrases: Sequence[Phrase],
    call: Callable[[int], object],
    judge: Callable[[Phrase, object], bool],
) -> tuple[int, int]:
    """(right, scored) over corpus items that expect a time; refusals are not scored."""
    scored = [i for i, p in enumerate(phrases) if p.expect]
    return sum(judge(phrases[i], call(i)) for i in scored), len(scored)


def whole_answers(phrases: Sequence[Phrase], call: Callable[[int], object]) -> tuple[int, int]:
    """(right, scored): remindbot's batch answer against every key a corpus item expects."""
    from bot.parsing.batch import record

    right = scored = 0
    for i, p in enumerate(phrases):
        if p.record is None:
            continue
        expect, result = json.loads(p.record), call(i)
        if str(expect.get("target", "")).startswith("~"):  # channels are written #name
            expect["target"] = "#" + expect["target"][1:]
        got = record(result) if result is not None else {}  # type: ignore[arg-type]
        scored += 1
        right += all(got.get(k) == v for k, v in expect.items())
    return right, scored


def run_side(side: str, phrases: Sequence[Phrase], rounds: int) -> SideResult:
    pin_one_core()
    rb = side == "remindbot"
    call, errors = remindbot_call(phrases) if rb else dateparser_call(phrases)
    for i in range(len(phrases)):  # warm-up: one untimed pass over every phrase
        call(i)
    right, scored = accuracy(phrases, call, remindbot_right if rb else dateparser_right)
    result = summarize(side, phrases, rounds, time_rounds(call, len(phrases), rounds))
    result.right, result.scored = right, scored
    if rb:
        result.whole_right, result.whole_scored = whole_answers(phrases, call)
    result.error_count, result.errors = len(set(errors)), sorted(set(errors))[:20]
    return result


def summarize(side: str, phrases: Sequence[Phrase], rounds: int, timing: Timing) -> SideResult:
    """Throughput, latency percentiles, peak RSS and the slowest phrases of one side."""
    cuts = statistics.quantiles(timing.samples, n=100, method="inclusive")
    best = sorted(((p.text, m / 1e6) for p, m in zip(phrases, timing.mins, strict=True)),
                  key=lambda s: -s[1])  # fmt: skip
    return SideResult(
        side=side,
        phrases=len(phrases),
        rounds=rounds,
        rate=len(timing.samples) / (timing.wall_ns / 1e9),
        p50_ms=statistics.median(timing.samples) / 1e6,
        p99_ms=cuts[98] / 1e6,
        max_ms=max(timing.samples) / 1e6,
        peak_rss_kib=peak_rss_kib(),
        slow_count=sum(ms > SLOW_MS for _, ms in best),
        slowest=best[:10],
    )


# --- subprocess orchestration ----------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def run_python(args: list[str]) -> dict[str, Any]:
    """Run a fresh interpreter and read the JSON object on its last stdout line."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[:2]} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def cold_start(code: str, runs: int) -> Cold:
    """Median over ``runs`` fresh processes of import time, first-call time and RSS."""
    got = []
    for _ in range(runs):
        start = time.perf_counter()
        got.append(run_python(["-c", code]) | {"process_s": time.perf_counter() - start})
    return Cold(
        import_s=statistics.median(g["import_s"] for g in got),
        first_s=statistics.median(g["first_s"] for g in got),
        total_s=statistics.median(g["import_s"] + g["first_s"] for g in got),
        process_s=statistics.median(g["process_s"] for g in got),
        rss_kib=int(statistics.median(g["rss_kib"] for g in got)),
    )


def measure_side(side: str, rounds: int, args: argparse.Namespace) -> SideResult:
    cmd = [__file__, "--worker", side, "--rounds", str(rounds), "--corpus", *map(str, args.corpus)]
    data = run_python(cmd + (["--quick"] if args.quick else []))
    data["slowest"] = [tuple(s) for s in data["slowest"]]
    return SideResult(**data)


def baseline_rss_kib(args: argparse.Namespace) -> int:
    """Peak RSS of a worker that builds the phrase list and imports neither parser."""
    cmd = [__file__, "--worker", "baseline", "--corpus", *map(str, args.corpus)]
    return int(run_python(cmd + (["--quick"] if args.quick else []))["peak_rss_kib"])


# --- report ----------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine_facts() -> list[str]:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in _cpuinfo() if ln.startswith("model name")), "?"
    )
    return [
        f"machine: nproc={os.cpu_count()} cpu={cpu!r} {platform.system()} {platform.release()}",
        f"python {platform.python_version()} ({sys.executable})",
        f"dateparser {metadata.version('dateparser')}",
    ]


def _cpuinfo() -> list[str]:
    path = Path("/proc/cpuinfo")
    return path.read_text().splitlines() if path.exists() else []


Row = tuple[str, str, str, str, str, str]


def row(name: str, a: str, b: str, target: str = "", ok: tuple[bool, bool] | None = None) -> Row:
    return (name, a, b, target, *((mark(ok[0]), mark(ok[1])) if ok else ("", "")))


def speed_rows(r: SideResult, d: SideResult) -> list[Row]:
    return [
        row("phrases/s (1 core)", f"{r.rate:,.0f}", f"{d.rate:,.0f}", ">= 5,000",
            (r.rate >= TARGET_RATE, d.rate >= TARGET_RATE)),
        row("p50 latency (ms)", f"{r.p50_ms:.3f}", f"{d.p50_ms:.3f}"),
        row("p99 latency (ms)", f"{r.p99_ms:.3f}", f"{d.p99_ms:.3f}", "< 2",
            (r.p99_ms < TARGET_P99_MS, d.p99_ms < TARGET_P99_MS)),
        row("max latency (ms)", f"{r.max_ms:.2f}", f"{d.max_ms:.2f}"),
        row("peak RSS, full run (MiB)", mib(r.peak_rss_kib), mib(d.peak_rss_kib)),
        row("timed rounds x phrases", f"{r.rounds} x {r.phrases}", f"{d.rounds} x {d.phrases}"),
    ]  # fmt: skip


def cold_rows(r: Cold, d: Cold) -> list[Row]:
    return [
        row("cold: import (s)", f"{r.import_s:.3f}", f"{d.import_s:.3f}"),
        row("cold: first call (s)", f"{r.first_s:.3f}", f"{d.first_s:.3f}"),
        row("cold: import + first (s)", f"{r.total_s:.3f}", f"{d.total_s:.3f}", "< 1.5",
            (r.total_s < TARGET_COLD_S, d.total_s < TARGET_COLD_S)),
        row("cold: whole process (s)", f"{r.process_s:.3f}", f"{d.process_s:.3f}"),
        row("RSS after cold start (MiB)", mib(r.rss_kib), mib(d.rss_kib)),
    ]  # fmt: skip


def print_table(header: Row, body: list[Row]) -> None:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in body:
        print(line.format(*row))


def print_accuracy(res: dict[str, SideResult]) -> None:
    r, d = res["remindbot"], res["dateparser"]
    print("\nPeer accuracy (corpus items that expect a time; refusals not scored):")
    print(f"  remindbot parse   right first instant (exact ISO): {r.right}/{r.scored}")
    print(f"  dateparser search right first instant (first hit, zoneinfo): {d.right}/{d.scored}")
    print(f"  remindbot parse   right in every expected key, refusals included: "
          f"{r.whole_right}/{r.whole_scored}")  # fmt: skip


def print_problems(res: dict[str, SideResult]) -> None:
    for side in SIDES:
        s = res[side]
        print(f"\n{side}: {s.error_count} distinct phrase(s) raised; {s.slow_count} took more")
        print(f"than {SLOW_MS} ms on every round. Slowest phrases (best of rounds):")
        for err in s.errors[:10]:
            print(f"  raised: {err}")
        for text, ms in s.slowest[:5]:
            print(f"  {ms:6.2f} ms  {text!r}")


def report(res: dict[str, SideResult], cold: dict[str, Cold], base_kib: int, cmd: str) -> None:
    r, d = res["remindbot"], res["dateparser"]
    print("\n".join([f"command: {cmd}", *machine_facts()]))
    print(f"phrases: {r.phrases} (corpus + generated, seed {SEED}); "
          f"worker RSS with neither parser imported: {base_kib / 1024:.1f} MiB\n")  # fmt: skip
    header = ("measure", "remindbot parse", "dateparser search_dates", "target", "rb", "dp")
    body = speed_rows(r, d) + cold_rows(cold["remindbot"], cold["dateparser"])
    print_table(header, body)
    print_accuracy(res)
    print_problems(res)
    missed = [b[0] for b in body if b[4] == "MISS"]
    print(f"\nremindbot against the issue's targets: {missed or 'ALL PASS'}")


# --- entry point -----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds for remindbot (default 5)")
    ap.add_argument("--quick", action="store_true", help="a quarter of the phrases, fewer runs")
    ap.add_argument(
        "--corpus", type=Path, nargs="+", default=list(CORPORA), help="labelled JSON lines"
    )
    ap.add_argument("--worker", choices=[*SIDES, "baseline"], help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def worker(args: argparse.Namespace) -> None:
    phrases = all_phrases(args.corpus, args.quick)
    if args.worker == "baseline":
        print(json.dumps({"peak_rss_kib": peak_rss_kib()}))
        return
    print(json.dumps(asdict(run_side(args.worker, phrases, args.rounds))))


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    rounds = 2 if args.quick and args.rounds == 5 else max(1, args.rounds)
    dp_rounds = max(1, rounds // 2)  # search_dates is slower; fewer rounds, said in the table
    cold_runs = 1 if args.quick else 3
    res = {"remindbot": measure_side("remindbot", rounds, args)}
    res["dateparser"] = measure_side("dateparser", dp_rounds, args)
    cold = {
        "remindbot": cold_start(COLD_REMINDBOT, cold_runs),
        "dateparser": cold_start(COLD_DATEPARSER, cold_runs),
    }
    report(res, cold, baseline_rss_kib(args), " ".join(["python", "bench/parse.py", *sys.argv[1:]]))


if __name__ == "__main__":
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        sys.path[0] = str(ROOT)  # import bot from the checkout; never shadow a module "parse"
    main()
