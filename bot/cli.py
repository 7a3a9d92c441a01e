"""The ``remindbot`` command. The only place that reads the environment, logs setup, or exits.

Every problem a person can cause (a bad zone, a database not there or not migrated) ends
the command with one line on stderr and a non-zero status, never a traceback.

``remindbot parse`` is a tool people run in a loop and in scripts, so it starts with
the parser alone: this module imports nothing heavier at the top, and the settings,
storage (SQLAlchemy), templates (Jinja2) and the app are imported
by ``main`` only for the other commands (tests/test_startup.py holds it to that).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.parsing import Command, Prefs, parse
from bot.parsing.batch import run as run_batch
from bot.parsing.describe import refusal_text, rule_words, summary
from bot.parsing.zones import is_zone, zone

if TYPE_CHECKING:
    from bot import environment
    from bot.config import Settings
    from bot.core.ports import Clock
    from bot.terminal import Io

log = logging.getLogger("remindbot")

PLATFORM_SETTINGS = (
    "Slack, Socket Mode: SLACK_BOT_TOKEN and SLACK_APP_TOKEN.\n"
    "Slack, HTTP mode (/slack/events): SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.\n"
    "Mattermost: MATTERMOST_URL, MATTERMOST_TOKEN and MATTERMOST_ACTIONS_URL (the public\n"
    "  URL of /mattermost/actions), and MATTERMOST_SLASH_TOKEN for the /remind command.\n"
    "Both may be set: one process runs both. The tokens are checked at start (Slack\n"
    "auth.test, Mattermost users/me); HTTP listens on REMINDBOT_HTTP_HOST:REMINDBOT_HTTP_PORT."
)
NO_PLATFORM = (
    "No chat platform is configured, so there is nothing to run.\n"
    "  Slack: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode),\n"
    "         or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode).\n"
    "  Mattermost: set MATTERMOST_URL, MATTERMOST_TOKEN and MATTERMOST_ACTIONS_URL.\n"
    "  To try the bot locally with no tokens: remindbot chat"
)


def local_zone() -> str:
    """This machine's zone, as ``parse`` and ``chat`` read times: ``$TZ``, else the
    system's (``/etc/localtime``, ``/etc/timezone``), else UTC."""
    tz = os.environ.get("TZ", "").removeprefix(":")
    if is_zone(tz):
        return tz
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        _, found, name = str(localtime.resolve()).partition("zoneinfo/")
        if found and is_zone(name):
            return name
    try:
        name = Path("/etc/timezone").read_text().strip()
    except OSError:
        name = ""
    return name if is_zone(name) else "UTC"


def _root(epilog: str | None) -> tuple[argparse.ArgumentParser, Any]:
    """The ``remindbot`` parser and its subcommands, with ``parse`` (the one both share)."""
    parser = argparse.ArgumentParser(
        prog="remindbot",
        description="Natural-language reminders for Slack and Mattermost.",
        epilog=epilog,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_parse(sub.add_parser("parse", help="show how a phrase is read (or --jsonl batches)"))
    return parser, sub


def parse_parser() -> argparse.ArgumentParser:
    """``remindbot parse`` alone: the same arguments and help as in ``build_parser``,
    without the imports the other subcommands' help needs (the settings, templates)."""
    return _root(None)[0]


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand; the help texts name the defaults, so this imports the settings."""
    from bot.config import default_database_url
    from bot.core.preferences import DEFAULT_NAMES
    from bot.core.templates import NAMES

    parser, sub = _root(f"Database: REMINDBOT_DATABASE_URL, default {default_database_url()}")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal (no tokens needed)")
    chat.add_argument("--user", default=os.environ.get("USER") or "me", help="your name")
    chat.add_argument("--tz", help="your IANA time zone, kept as your own setting")
    sub.add_parser(
        "run",
        help="run the configured platforms, the scheduler and HTTP (/healthz)",
        description="Run the platforms the environment configures, the scheduler and HTTP.",
        epilog=PLATFORM_SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_db(sub.add_parser("db", help="database administration"))
    # Operations: the effective settings.
    config = sub.add_parser("config", help="the effective settings and where each came from")
    config.add_argument(
        "--reference",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the configuration reference (docs/configuration.md) instead, "
        "or write it to FILE",
    )
    listing = sub.add_parser("list", help="list scheduled reminders")
    listing.add_argument("--user", help="only this user: a key (slack:T1:U1) or console name")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    _add_token(sub.add_parser("token", help="API tokens: create, list, revoke"))
    _add_history(sub.add_parser("history", help="the audit log: deliveries, snoozes, changes"))
    _add_template(sub.add_parser("template", help="a workspace's message templates"), NAMES)
    _add_workspace(
        sub.add_parser("workspace", help="a workspace's default preferences"), DEFAULT_NAMES
    )
    mcp = sub.add_parser("mcp", help="serve the reminder tools to an AI assistant over stdio")
    mcp.add_argument(
        "--token",
        default=os.environ.get("REMINDBOT_API_TOKEN"),
        help="the API token of the owner the tools act for (default: $REMINDBOT_API_TOKEN)",
    )
    add = sub.add_parser("add", help="add a reminder for a user")
    add.add_argument("text")
    add.add_argument("--user", required=True, help="a user key (slack:T1:U1) or console name")
    add.add_argument("--tz", help="the user's IANA zone, kept as their setting")
    add.add_argument(
        "--yes", action="store_true", help="schedule it at once (otherwise asked on a terminal)"
    )
    return parser


def _add_db(p: argparse.ArgumentParser) -> None:
    """``db upgrade``, and (operations) ``db copy --to URL`` and ``db backup FILE``."""
    verbs = p.add_subparsers(dest="action", required=True)
    verbs.add_parser("upgrade", help="apply migrations")
    copy = verbs.add_parser("copy", help="copy everything into a new, empty PostgreSQL database")
    copy.add_argument("--to", required=True, help="the target, postgresql://user@host/db")
    backup = verbs.add_parser("backup", help="a consistent copy of the SQLite file, while running")
    backup.add_argument("file", type=Path, help="where the copy goes (must not exist)")


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


def _add_history(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--reminder", type=int, metavar="ID", help="only this reminder (its id)")
    which.add_argument(
        "--user", metavar="KEY", help="what this user did or was done to their reminders"
    )
    p.add_argument(
        "--limit", type=int, default=50, metavar="N", help="the latest N lines (default 50)"
    )


def _add_template(p: argparse.ArgumentParser, templates: Sequence[str]) -> None:
    verbs = p.add_subparsers(dest="verb", required=True)
    names = ", ".join(templates)
    put = verbs.add_parser("set", help="check and save a template (docs/templates.md)")
    put.add_argument("workspace", help="platform:workspace, e.g. slack:T1")
    put.add_argument("name", help=names)
    put.add_argument("file", help="the Jinja2 source, or - for standard input")
    show = verbs.add_parser("show", help="the workspace's templates, or one of them")
    show.add_argument("workspace", help="platform:workspace, e.g. slack:T1")
    show.add_argument("name", nargs="?", help=names)
    reset = verbs.add_parser("reset", help="forget a template: the built-in text again")
    reset.add_argument("workspace", help="platform:workspace, e.g. slack:T1")
    reset.add_argument("name", help=names)


def _add_workspace(p: argparse.ArgumentParser, defaults: Sequence[str]) -> None:
    verbs = p.add_subparsers(dest="verb", required=True)
    names = ", ".join(defaults)
    set_ = verbs.add_parser(
        "set",
        help="set one default (a person's own setting still wins)",
        epilog=(
            f"NAME is one of {names}. Examples: channels chat,email; quiet_hours 22:00-07:00"
            " (or off); default_time 08:30; tz Europe/Copenhagen; language da. The VALUE"
            " unset removes the default."
        ),
    )
    set_.add_argument("workspace", help="platform:workspace, e.g. slack:T1 or console:local")
    set_.add_argument("name", help=names)
    set_.add_argument("value")
    show = verbs.add_parser("show", help="the workspace's defaults")
    show.add_argument("workspace", help="platform:workspace, e.g. slack:T1")


def _add_parse(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", help='e.g. "remind me Friday 9am about case 123"')
    p.add_argument("--tz", default=local_zone(), help="IANA zone (default: $TZ or the system's)")
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
        return _fail("remindbot parse: give a phrase, or --jsonl to read JSON lines")
    if not is_zone(args.tz):
        return _fail(f"remindbot parse: unknown time zone {args.tz!r}")
    try:
        now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        return _fail(
            f"remindbot parse: --now takes an ISO time like 2026-11-23T10:00, not {args.now!r}"
        )
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


def _fail(sentence: str, code: int = 2) -> int:
    sys.stderr.write(sentence + "\n")
    return code


def _reference(where: str, io: Io) -> int:
    """``config --reference``: the page from ``Settings``, whatever the environment holds."""
    from bot import config_doc

    page = config_doc.reference()
    if where == "-":
        io.stdout.write(page)
        return 0
    try:
        Path(where).write_text(page, encoding="utf-8")
    except OSError as error:
        return _fail(f"remindbot config: cannot write {where}: {error.strerror}")
    io.say(f"wrote the configuration reference to {where}")
    return 0


def _loaded() -> environment.Loaded | None:
    from bot import environment

    try:
        return environment.load(os.environ, Path.cwd())
    except environment.ConfigProblems as found:
        sys.stderr.write("remindbot: the configuration has problems:\n")
        for problem in found.problems:
            sys.stderr.write(f"  {problem}\n")
        return None


def _logging(settings: Settings, command: str) -> None:
    """Warnings only in the terminal chat; the configured level elsewhere. Alembic's
    INFO lines ("Context impl SQLiteImpl", "Will assume transactional DDL") are for
    ``db upgrade`` and debugging, not every command."""
    from bot import environment, logs

    quiet_chat = command == "chat" and "log_level" not in settings.given
    level = "WARNING" if quiet_chat else settings.log_level.upper()
    logs.setup(level, settings.log_format, sys.stderr, secrets=environment.secrets_of(settings))
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)


def main(
    argv: Sequence[str] | None = None,
    *,
    clock: Clock | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the ``remindbot`` command; ``clock`` and the streams default to the real ones."""
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["parse"]:
        return cmd_parse(parse_parser().parse_args(words))
    import asyncio

    from bot import environment, verbs
    from bot.terminal import Io, Stop

    io = Io(clock, stdin, stdout)
    args = build_parser().parse_args(words)
    if args.command == "parse":  # only when spelled so the fast path misses it
        return cmd_parse(args)
    if args.command == "config" and args.reference:
        return _reference(args.reference, io)
    loaded = _loaded()
    if loaded is None:
        return 2
    settings = loaded.settings
    if args.command == "config":
        for line in environment.describe(loaded):
            io.say(line)
        return 0
    _logging(settings, args.command)
    runners: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "chat": lambda: verbs.chat(settings, args, io, local_zone()),
        "run": lambda: verbs.run(settings, NO_PLATFORM),
        "list": lambda: verbs.list_(settings, args, io),
        "add": lambda: verbs.add(settings, args, io),
        "db": lambda: verbs.db(settings, args, io),
        "token": lambda: verbs.token(settings, args, io),
        "history": lambda: verbs.history(settings, args, io),
        "template": lambda: verbs.template(settings, args, io),
        "workspace": lambda: verbs.workspace(settings, args, io),
        "mcp": lambda: verbs.mcp(settings, args),
    }
    try:
        return asyncio.run(runners[args.command]())
    except Stop as stop:
        return _fail(f"remindbot {args.command}: {stop}", stop.code)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
