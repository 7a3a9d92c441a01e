"""The ``remindbot`` command. The only place that reads the environment or exits."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.parsing import Command, Prefs, parse
from bot.parsing.batch import run as run_batch
from bot.parsing.describe import refusal_text, rule_words, summary
from bot.parsing.zones import is_zone, zone


def _default_zone() -> str:
    tz = os.environ.get("TZ", "")
    return tz if is_zone(tz) else "UTC"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="remindbot", description="Natural-language reminders for Slack and Mattermost."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="show how a phrase is read (or --jsonl for batches)")
    p.add_argument("text", nargs="?", help='e.g. "remind me Friday 9am about case 123"')
    p.add_argument("--tz", default=_default_zone(), help="IANA zone (default: $TZ or UTC)")
    p.add_argument("--now", help="ISO time to read the phrase at (default: now)")
    p.add_argument("--lang", choices=["en", "da"], help="language (default: detect)")
    p.add_argument("--date-order", choices=["MDY", "DMY"], default="MDY")
    p.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin (spec batch)")
    return parser


def cmd_parse(args: argparse.Namespace) -> int:
    prefs = Prefs(language=args.lang, date_order=args.date_order)
    if args.jsonl:
        for line in run_batch(sys.stdin, prefs):
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        return 0
    if not args.text:
        sys.stderr.write("remindbot parse: give a phrase, or --jsonl to read JSON lines\n")
        return 2
    if not is_zone(args.tz):
        sys.stderr.write(f"remindbot parse: unknown time zone {args.tz!r}\n")
        return 2
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone(args.tz))
    result = parse(args.text, now, args.tz, prefs)
    if not isinstance(result, Command):
        print(refusal_text(result, args.tz, prefs))
        return 1
    print(summary(result, now))
    if result.recurrence is not None:
        print(f"Repeats {rule_words(result.recurrence)}. Next:")
        for when in result.occurrences:
            print(f"  {when:%a %d %b %Y %H:%M %Z}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"parse": cmd_parse}
    return handlers[args.command](args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
