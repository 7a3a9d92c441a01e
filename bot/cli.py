"""The ``remindbot`` command. The only place that reads the environment, logs setup, or exits."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
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
    _add_token(sub.add_parser("token", help="API tokens: create, list, revoke"))
    mcp = sub.add_parser("mcp", help="serve the reminder tools to an AI assistant over stdio")
    mcp.add_argument(
        "--token",
        default=os.environ.get("REMINDBOT_API_TOKEN"),
        help="the API token of the owner the tools act for (default: $REMINDBOT_API_TOKEN)",
    )
    add = sub.add_parser("add", help="add a reminder for a user")
    add.add_argument("text")
    add.add_argument("--user", required=True, help="user key or console name")
    add.add_argument("--tz", help="IANA zone to read the phrase in")
    add.add_argument("--yes", action="store_true", help="confirm at once")
    return parser


def _add_token(p: argparse.ArgumentParser) -> None:
    verbs = p.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", help="make a token; it is printed once, last")
    create.add_argument("--name", required=True, help="what the token is for")
    create.add_argument(
        "--user", help="act for this chat user (slack:T1:U1); default: a system account"
    )
    verbs.add_parser("list", help="the tokens (never the tokens themselves)")
    revoke = verbs.add_parser("revoke", help="revoke a token by id or name")
    revoke.add_argument("token", help="its id or name")


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
    console = ConsoleAdapter(app.engine.front, io.stdin, io.stdout, args.user)
    app.add_gateway(console)
    if args.tz:
        await app.engine.people.set_timezone(console.actor, args.tz)
    try:
        await app.start()
        await console.run()
        await app.scheduler.tick()
    finally:
        await app.close()
    return 0


async def _run(settings: Settings) -> int:
    from bot.app import StartError, build, start_platforms

    app = await build(settings)
    try:
        try:
            servers = await start_platforms(app)
        except StartError as problem:
            print(f"remindbot run: {problem}", file=sys.stderr)
            return 2
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
    from bot.core.model import UserRef

    app = await build(settings)
    try:
        owner = UserRef.of(args.user) if args.user else None
        rows = await app.engine.drafts.upcoming(owner, limit=1000)
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
    from bot.core import texts
    from bot.core.errors import InvalidRequest, NotAllowed, NotFound
    from bot.core.model import Actor, Conversation, Origin, Reply, UserRef

    person = UserRef.of(args.user)
    actor = Actor(platform=person.platform, workspace=person.workspace, user=person.user)
    where = Conversation(id=person.key, kind="dm")
    app = await build(settings)
    try:
        if args.tz:
            await app.engine.people.set_timezone(actor, args.tz)
        rem = await app.engine.drafts.draft(actor, where, args.text, Origin.API)
        now = app.clock.now()
        reply: Reply = texts.draft(rem, now)
        if args.yes:
            reply = texts.scheduled(await app.engine.drafts.confirm(actor, rem.id), now)
    except (NotFound, NotAllowed, InvalidRequest) as error:
        print(texts.problem(error).text)
        return 1
    finally:
        await app.close()
    print(reply.text)
    for name, value in reply.fields:
        print(f"  {name}: {value}")
    return 0


async def _token(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.core.errors import InvalidRequest
    from bot.core.model import UserRef
    from bot.core.tokens import Tokens

    app = await build(settings)
    tokens = Tokens(app.repo, app.clock)
    try:
        if args.verb == "create":
            owner = UserRef.of(args.user) if args.user else None
            try:
                record, secret = await tokens.create(args.name, owner)
            except InvalidRequest:
                sys.stderr.write("remindbot token create: give the token a --name\n")
                return 2
            print(f"token #{record.id} {record.name!r} acts for {record.owner}")
            print("Keep it now: it is stored only as a hash and cannot be shown again.")
            print(secret)
            return 0
        if args.verb == "list":
            for t in await tokens.all():
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                print(f"#{t.id}\t{t.name}\t{t.owner}\t{t.created_at:%Y-%m-%d}\t{state}")
            return 0
        ident: int | str = int(args.token) if args.token.isdigit() else args.token
        revoked = await tokens.revoke(ident)
    finally:
        await app.close()
    if revoked is None:
        sys.stderr.write(f"remindbot token revoke: no active token {args.token!r}\n")
        return 1
    print(f"revoked token #{revoked.id} {revoked.name!r}")
    return 0


async def _mcp(settings: Settings, args: argparse.Namespace) -> int:
    from bot import api
    from bot.api.app import Caller
    from bot.api.mcp import server
    from bot.app import build
    from bot.core.model import Actor, UserRef

    app = await build(settings)
    try:
        use = api.services(app.repo, app.clock, app.engine, app.gateways)
        token = await use.tokens.check(args.token or "")
        if token is None:
            sys.stderr.write(
                "remindbot mcp: give a valid API token (--token or REMINDBOT_API_TOKEN)\n"
            )
            return 2
        ref = UserRef.of(token.owner)
        owner = Actor(platform=ref.platform, workspace=ref.workspace, user=ref.user)
        await server(use, Caller(token=token, owner=owner)).run_stdio_async()
    finally:
        await app.close()
    return 0


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
            sys.stderr.write(
                f"  {_setting_name(err['loc'])}{err['msg'].removeprefix('Value error, ')}\n"
            )
        return None


class _Io:
    """What a command reads the world through: the clock and the terminal.

    ``main`` uses the real ones; tests pass a ``ManualClock`` and string buffers.
    """

    def __init__(self, clock: Clock | None, stdin: TextIO | None, stdout: TextIO | None) -> None:
        self.clock = clock
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout


def _setting_name(loc: tuple[int | str, ...]) -> str:
    """The variable a validation error is about (``REMINDBOT_HTTP_PORT: ``), or nothing
    for a problem that spans several."""
    where = ".".join(str(part) for part in loc).upper()
    if not where:
        return ""
    if where.startswith("REMINDBOT_SLACK_"):
        return f"{where.removeprefix('REMINDBOT_')}: "  # Slack's own names are the usual ones
    return f"{where}: " if where.startswith(("REMINDBOT_", "SLACK_")) else f"REMINDBOT_{where}: "


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
        "token": lambda: _token(settings, args),
        "mcp": lambda: _mcp(settings, args),
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
