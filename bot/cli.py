"""The ``remindbot`` command. The only place that reads the environment, logs setup, or exits."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TextIO

from pydantic import ValidationError

from bot.config import Settings, default_database_url
from bot.core.ports import Clock
from bot.parsing import Command, Prefs, parse
from bot.parsing.batch import run as run_batch
from bot.parsing.describe import refusal_text, rule_words, summary
from bot.parsing.zones import is_zone, zone

log = logging.getLogger("remindbot")

NO_PLATFORM = (
    "No chat platform is configured, so there is nothing to run.\n"
    "  Slack: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode),\n"
    "         or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode).\n"
    "  To try the bot locally with no tokens: remindbot chat"
)


def _default_zone() -> str:
    tz = os.environ.get("TZ", "")
    return tz if is_zone(tz) else "UTC"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="remindbot",
        description="Natural-language reminders for Slack and Mattermost.",
        epilog=f"Database: REMINDBOT_DATABASE_URL, default {default_database_url()}",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_parse(sub.add_parser("parse", help="show how a phrase is read (or --jsonl batches)"))
    chat = sub.add_parser("chat", help="chat with the bot in this terminal (no tokens needed)")
    chat.add_argument("--user", default=os.environ.get("USER") or "me", help="your name")
    chat.add_argument("--tz", help="your IANA time zone (remembered)")
    sub.add_parser("run", help="run the configured platforms, the scheduler and HTTP")
    db = sub.add_parser("db", help="database administration")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations")
    listing = sub.add_parser("list", help="list scheduled reminders")
    listing.add_argument("--user", help="only this user (key like console:local:ann)")
    listing.add_argument("--json", action="store_true", help="JSON lines")
    add = sub.add_parser("add", help="add a reminder for a user")
    add.add_argument("text")
    add.add_argument("--user", required=True, help="user key or console name")
    add.add_argument("--tz", help="IANA zone to read the phrase in")
    add.add_argument("--yes", action="store_true", help="confirm at once")
    return parser


def _add_parse(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", help='e.g. "remind me Friday 9am about case 123"')
    p.add_argument("--tz", default=_default_zone(), help="IANA zone (default: $TZ or UTC)")
    p.add_argument("--now", help="ISO time to read the phrase at (default: now)")
    p.add_argument("--lang", choices=["en", "da"], help="language (default: detect)")
    p.add_argument("--date-order", choices=["MDY", "DMY"], default="MDY")
    p.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin (spec batch)")


def cmd_parse(args: argparse.Namespace) -> int:
    prefs = Prefs(language=args.lang, date_order=args.date_order)
    if args.jsonl:
        # A line without "now" or "tz" is read at --now (else now), in --tz ($TZ, else UTC).
        default_now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
        for line in run_batch(sys.stdin, prefs, default_now=default_now, default_tz=args.tz):
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


async def _chat(settings: Settings, args: argparse.Namespace, io: _Io) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import build

    if args.tz and not is_zone(args.tz):
        sys.stderr.write(f"remindbot chat: unknown time zone {args.tz!r}\n")
        return 2
    app = await build(settings, io.clock)
    console = ConsoleAdapter(app.service, io.stdin, io.stdout, args.user)
    app.add_gateway(console)
    if args.tz:
        prefs = await app.service.prefs(console.actor)
        await app.repo.save_user(replace(prefs, tz=args.tz, tz_source="user"))
    try:
        await app.start()
        await console.run()
        await app.scheduler.tick()
    finally:
        await app.close()
    return 0


async def _run(settings: Settings) -> int:
    from bot.app import build, start_platforms

    app = await build(settings)
    try:
        servers = await start_platforms(app)
        if not servers:
            print(NO_PLATFORM, file=sys.stderr)
            return 2
        await app.start()
        await asyncio.gather(*servers)
    finally:
        await app.close()
    return 0


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.core.service import UPCOMING

    app = await build(settings)
    try:
        rows = await app.repo.list_for(args.user, UPCOMING, limit=1000)
    finally:
        await app.close()
    for rem in rows:
        if args.json:
            print(json.dumps(_row(rem)))
        else:
            due = rem.next_due.astimezone(zone(rem.tz)) if rem.next_due else None
            print(f"#{rem.id}\t{due:%Y-%m-%d %H:%M %Z}\t{rem.owner}\t{rem.message}")
    return 0


def _row(rem: object) -> dict[str, object]:
    fields = ("id", "owner", "state", "target_kind", "target_ref", "message", "rrule", "tz")
    out: dict[str, object] = {name: str(getattr(rem, name)) for name in fields}
    due = getattr(rem, "next_due", None)
    out["next_due"] = due.isoformat() if due else None
    return out


async def _add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.core import actions
    from bot.core.model import Actor, Conversation, Origin

    platform, workspace, user = _user_key(args.user)
    actor = Actor(platform=platform, workspace=workspace, user=user)
    app = await build(settings)
    try:
        if args.tz:
            prefs = await app.service.prefs(actor)
            await app.repo.save_user(replace(prefs, tz=args.tz, tz_source="user"))
        where = Conversation(id=f"{platform}:{user}", kind="dm")
        reply = await app.service.draft(actor, where, args.text, Origin.API)
        if args.yes and reply.reminder_id is not None and reply.buttons:
            reply = await app.service.press(actor, where, actions.CONFIRM, str(reply.reminder_id))
    finally:
        await app.close()
    print(reply.text)
    for name, value in reply.fields:
        print(f"  {name}: {value}")
    return 0 if reply.reminder_id is not None else 1


def _user_key(text: str) -> tuple[str, str, str]:
    parts = text.split(":")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return "console", "local", text


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from storage import upgrade

    upgrade(settings.database_url)
    print("database is at the newest schema")
    return 0


def _settings() -> Settings | None:
    try:
        return Settings()
    except ValidationError as problems:
        sys.stderr.write("remindbot: the configuration has problems:\n")
        for err in problems.errors():
            where = ".".join(str(part) for part in err["loc"])
            sys.stderr.write(f"  REMINDBOT_{where.upper()}: {err['msg']}\n")
        return None


class _Io:
    """What a command reads the world through: the clock and the terminal.

    ``main`` uses the real ones; tests pass a ``ManualClock`` and string buffers.
    """

    def __init__(self, clock: Clock | None, stdin: TextIO | None, stdout: TextIO | None) -> None:
        self.clock = clock
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout


def main(
    argv: Sequence[str] | None = None,
    *,
    clock: Clock | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the ``remindbot`` command; ``clock`` and the streams default to the real ones."""
    io = _Io(clock, stdin, stdout)
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        return cmd_parse(args)
    settings = _settings()
    if settings is None:
        return 2
    # The terminal chat is for people: keep the log to warnings unless asked for more.
    quiet_chat = args.command == "chat" and "REMINDBOT_LOG_LEVEL" not in os.environ
    logging.basicConfig(
        level="WARNING" if quiet_chat else settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "db":
        return _db(settings, args)
    runners = {
        "chat": lambda: _chat(settings, args, io),
        "run": lambda: _run(settings),
        "list": lambda: _list(settings, args),
        "add": lambda: _add(settings, args),
    }
    try:
        return asyncio.run(runners[args.command]())
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
