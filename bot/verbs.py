"""What each ``remindbot`` subcommand does with the app; ``bot.cli`` parses, reads the
environment and exits. A ``Stop`` is the one line a command ends with."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

from bot.app import App, StartError, build, ready_database, start_platforms
from bot.config import Settings
from bot.core import texts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import Actor, Conversation, Origin, Reminder, Reply, UserRef
from bot.core.policy import usable_zone
from bot.core.ports import Clock
from bot.core.tallies import HistoryEntry
from bot.parsing.zones import find_zone
from bot.terminal import Io, Stop
from storage import make_engine


async def _app(
    settings: Settings,
    clock: Clock | None = None,
    *,
    wait: bool = False,
    waiting: Callable[[str], Awaitable[None]] | None = None,
) -> App:
    try:
        return await build(settings, clock, wait=wait, waiting=waiting)
    except StartError as problem:
        raise Stop(str(problem)) from None


def _zone_given(name: str | None) -> None:
    if name and find_zone(name) is None:
        raise Stop(f"unknown time zone {name!r}: use a name like Europe/Copenhagen")


async def chat(settings: Settings, args: argparse.Namespace, io: Io, here: str) -> int:
    """The terminal chat; a new user starts in ``here`` (the machine's zone)."""
    from bot.adapters.console import ConsoleAdapter

    _zone_given(args.tz)
    app = await _app(settings, io.clock)
    console = ConsoleAdapter(app.engine.front, io.stdin, io.stdout, args.user, zone=here)
    app.add_gateway(console)
    try:
        if args.tz:
            await app.engine.people.set_timezone(console.actor, args.tz)
        await app.start()
        await console.run()
        await app.scheduler.tick()
    finally:
        await app.close()
    return 0


async def run(settings: Settings, no_platform: str) -> int:
    app = await _ready_app(settings)
    try:
        try:
            servers = await start_platforms(app)
        except StartError as problem:
            raise Stop(str(problem)) from None
        if not servers:
            raise Stop(no_platform)
        await app.start(catch_up_now=False)  # catching up in the runner: SIGTERM stops it
        _stop_on_sigterm(app)
        await asyncio.gather(*servers)
    finally:
        await app.close()
    return 0


async def _ready_app(settings: Settings) -> App:
    """The app, once its database answers: replicas often start before their database.
    Meanwhile (from the first failed attempt), if the process will serve HTTP, ``/healthz``
    answers 503 with the reason (bot/waiting.py), so that a probe sees "unhealthy" rather
    than a refused connection."""
    from bot.waiting import Waiting

    serves = settings.slack_enabled or settings.mattermost_enabled or settings.api_enabled
    if not (serves or settings.public_url is not None):
        return await _app(settings, wait=True)
    waiting = Waiting(settings.http_host, settings.http_port)  # opens at a failed attempt
    try:
        return await _app(settings, wait=True, waiting=waiting.heard)
    finally:
        await waiting.close()


def _stop_on_sigterm(app: App) -> None:
    """``docker stop`` sends SIGTERM: stop taking events, finish the deliveries in flight
    (``REMINDBOT_SHUTDOWN_SECONDS``), release the other claims, stop serving; ``run``
    then closes the app (clients, scheduler, database) and exits 0. A second SIGTERM
    exits at once (bot/shutdown.py)."""
    from bot.shutdown import stop_on_sigterm

    stop_on_sigterm(app)


async def db(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """``db upgrade``: migrate, whatever ``REMINDBOT_AUTO_MIGRATE`` says; ``db copy`` and
    ``db backup`` are in ``bot.dbcopy`` (operations)."""
    if args.action != "upgrade":
        from bot import dbcopy

        return await dbcopy.run(settings, args, io)
    engine = make_engine(settings.database_url)
    try:
        await ready_database(engine, settings.replace(auto_migrate=True))
    except StartError as problem:
        raise Stop(str(problem)) from None
    finally:
        await engine.dispose()
    io.say("database is at the newest schema")
    return 0


async def list_(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """Upcoming reminders, of everyone or of ``--user`` (the key ``add --user`` made)."""
    app = await _app(settings)
    try:
        owner = UserRef.of(args.user) if args.user else None
        rows = await app.engine.drafts.upcoming(owner, limit=1000)
    finally:
        await app.close()
    for rem in rows:
        io.say(json.dumps(row(rem)) if args.json else _line(rem))
    return 0


def _line(rem: Reminder) -> str:
    due = rem.next_due.astimezone(usable_zone(rem.tz)).isoformat() if rem.next_due else "-"
    return f"#{rem.number}\t{due}\t{rem.owner}\t{rem.message}"


def row(rem: Reminder) -> dict[str, Any]:
    """A reminder as ``list --json`` prints it: numbers as numbers, ``null`` for none,
    times with their offset in the reminder's zone."""
    tz = usable_zone(rem.tz)

    def at(when: Any) -> str | None:
        return None if when is None else when.astimezone(tz).isoformat()

    entity = {"type": rem.entity_type, "id": rem.entity_id} if rem.entity_type else None
    target = {"kind": rem.target_kind.value, "ref": rem.target_ref, "name": rem.target_name}
    return {
        "id": rem.id,
        "number": rem.number,
        "owner": rem.owner,
        "state": rem.state.value,
        "target": target,
        "message": rem.message,
        "entity": entity,
        "next_due": at(rem.next_due),
        "rrule": rem.rrule,
        "dtstart": at(rem.dtstart),
        "tz": rem.tz,
        "created_at": at(rem.created_at),
    }


async def add(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """Read the phrase for ``--user`` and schedule it: with ``--yes``, or when the person
    at the terminal says yes. Nothing is stored for a refused phrase or a "no"."""
    _zone_given(args.tz)
    person = UserRef.of(args.user)
    actor = Actor(platform=person.platform, workspace=person.workspace, user=person.user)
    app = await _app(settings, io.clock)
    tx = texts.ENGLISH
    try:
        if args.tz:
            await app.engine.people.set_timezone(actor, args.tz)
        tx = texts.of((await app.engine.people.prefs(actor)).language)
        await app.engine.drafts.read(actor, args.text)
        if not args.yes and not io.stdin.isatty():
            raise Stop("not a terminal, so I cannot ask: add --yes to schedule it (nothing stored)")
        return await _drafted(app, actor, args, io)
    except (NotFound, NotAllowed, InvalidRequest) as error:
        io.say(tx.problem(error).text)
        return 1
    finally:
        await app.close()


async def _drafted(app: App, actor: Actor, args: argparse.Namespace, io: Io) -> int:
    engine, now = app.engine, app.clock.now()
    where = Conversation(id=actor.key, kind="dm")
    rem = await engine.drafts.draft(actor, where, args.text, Origin.API)
    tx = texts.of((await engine.people.prefs(actor)).language, rem.language)
    held = await engine.people.held(rem)
    if not args.yes:
        _show(io, tx.draft(rem, now, held))
        io.stdout.write("Schedule it? [y/N] ")
        io.stdout.flush()
        if io.stdin.readline().strip().lower() not in ("y", "yes", "j", "ja"):
            await engine.drafts.cancel(actor, rem.id)
            _show(io, tx.cancelled())
            return 1
    _show(io, tx.scheduled(await engine.drafts.confirm(actor, rem.id), now, held))
    return 0


def _show(io: Io, reply: Reply) -> None:
    io.say(reply.text)
    for name, value in reply.fields:
        io.say(f"  {name}: {value}")


async def workspace(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """``workspace set WORKSPACE NAME VALUE | show WORKSPACE``: an admin's defaults."""
    from bot.core.workspaces import Workspaces, shown

    app = await _app(settings)
    places = Workspaces(app.repo, app.clock)
    tx = texts.ENGLISH
    try:
        if args.verb == "set":
            value = await places.set_text(args.workspace, args.name, args.value, "cli")
            key = "workspace_unset" if value is None else "workspace_set"
            io.say(
                tx.say(key, workspace=args.workspace, name=args.name, value=shown(args.name, value))
            )
            return 0
        found = await places.defaults(args.workspace)
    except InvalidRequest as error:
        raise Stop(tx.problem(error).text, 1) from None
    finally:
        await app.close()
    if not found:
        io.say(tx.say("workspace_none", workspace=args.workspace))
        return 0
    io.say(tx.say("workspace_defaults", workspace=args.workspace))
    for name in sorted(found):
        io.say(f"  {name}: {shown(name, found[name])}")
    return 0


async def token(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """``token create | list | revoke``: the token itself is printed once, last."""
    from bot.core.tokens import Tokens

    app = await _app(settings)
    tokens = Tokens(app.repo, app.clock)
    try:
        if args.verb == "create":
            return await _new_token(tokens, args, io)
        if args.verb == "list":
            for t in await tokens.all():
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                io.say(f"#{t.id}\t{t.name}\t{t.owner}\t{t.created_at:%Y-%m-%d}\t{state}")
            return 0
        ident: int | str = int(args.token) if args.token.isdigit() else args.token
        revoked = await tokens.revoke(ident)
    finally:
        await app.close()
    if revoked is None:
        raise Stop(f"remindbot token revoke: no active token {args.token!r}", 1)
    io.say(f"revoked token #{revoked.id} {revoked.name!r}")
    return 0


async def _new_token(tokens: Any, args: argparse.Namespace, io: Io) -> int:
    owner = UserRef.of(args.user) if args.user else None
    try:
        record, secret = await tokens.create(args.name, owner)
    except InvalidRequest as error:
        raise Stop(f"remindbot token create: {texts.ENGLISH.sentence(error)}") from None
    io.say(f"token #{record.id} {record.name!r} acts for {record.owner}")
    io.say("Keep it now: it is stored only as a hash and cannot be shown again.")
    io.say(secret)
    return 0


async def template(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """``template set | show | reset``: a workspace's message templates, as its operator
    (the command has the database's own access, as a system token has over the API)."""
    from bot.core.wording import Wording

    source = _template_source(args, io) if args.verb == "set" else ""
    app = await _app(settings, io.clock)
    wording = Wording(app.repo, app.clock)
    try:
        if args.verb == "set":
            await wording.save(None, args.workspace, args.name, source)
            io.say(f"saved the {args.name} template of {args.workspace}")
        elif args.verb == "reset":
            await wording.reset(None, args.workspace, args.name)
            io.say(f"the {args.name} template of {args.workspace} is the built-in one again")
        elif args.name:
            io.say(await wording.one(None, args.workspace, args.name))
        else:
            _show_all(io, await wording.show(None, args.workspace))
    except NotFound:
        english = texts.ENGLISH
        missing = english.say("template_missing", workspace=args.workspace, name=args.name)
        raise Stop(missing, 1) from None
    except InvalidRequest as error:
        raise Stop(texts.ENGLISH.sentence(error)) from None
    finally:
        await app.close()
    return 0


def _template_source(args: argparse.Namespace, io: Io) -> str:
    """The template to save: the file named, or standard input for ``-``."""
    if args.file == "-":
        return io.stdin.read()
    try:
        with open(args.file, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "not UTF-8 text"
        raise Stop(f"cannot read {args.file}: {why}") from None


def _show_all(io: Io, found: dict[str, str]) -> None:
    from bot.core.templates import NAMES

    for name in NAMES:
        if name in found:
            io.say(f"# {name}")
            io.say(found[name])
        else:
            io.say(f"# {name} (built in)")


async def mcp(settings: Settings, args: argparse.Namespace) -> int:
    """The reminder tools over stdio, for the owner of ``--token``."""
    from bot import api
    from bot.api.deps import Caller
    from bot.api.mcp import server

    app = await _app(settings)
    try:
        use = api.services(app.repo, app.clock, app.engine, app.gateways)
        found = await use.tokens.check(args.token or "")
        if found is None:
            raise Stop("remindbot mcp: give a valid API token (--token or REMINDBOT_API_TOKEN)")
        ref = UserRef.of(found.owner)
        owner = Actor(platform=ref.platform, workspace=ref.workspace, user=ref.user)
        await server(use, Caller(token=found, owner=owner)).run_stdio_async()
    finally:
        await app.close()
    return 0


async def history(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    """``history``: the latest audit lines, oldest first, one a line: time (UTC), actor,
    action, the reminder (``#number`` and ``id``), channel and reason (``-`` for none)."""
    from bot.core.reports import Reports

    if not 1 <= args.limit <= 10_000:
        raise Stop("--limit takes a number from 1 to 10000")
    user = UserRef.of(args.user).key if args.user else None
    app = await _app(settings)
    try:
        found = await Reports(app.repo, app.clock).history(
            reminder_id=args.reminder, user=user, limit=args.limit
        )
    finally:
        await app.close()
    for entry in found:
        io.say(history_line(entry))
    return 0


def history_line(entry: HistoryEntry) -> str:
    number = f"#{entry.number}" if entry.number is not None else "-"
    ident = f"id {entry.reminder_id}" if entry.reminder_id is not None else "-"
    return "\t".join(
        (
            entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            entry.actor,
            entry.action,
            number,
            ident,
            entry.channel or "-",
            entry.reason or "-",
        )
    )
