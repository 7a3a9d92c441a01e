"""``remindbot db copy --to URL`` and ``remindbot db backup FILE``: the CLI side of
``storage.copy``, each problem one sentence."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.environment import masked_url as shown_url
from bot.terminal import Io, Stop
from storage import make_engine
from storage.copy import CopyRefused, backup_sqlite, copy_database


async def run(settings: Settings, args: argparse.Namespace, io: Io) -> int:
    if args.action == "backup":
        try:
            await asyncio.to_thread(backup_sqlite, settings.database_url, args.file)
        except CopyRefused as refused:
            raise Stop(str(refused)) from None
        io.say(f"backed up {shown_url(settings.database_url)} to {args.file}")
        return 0
    return await _copy(settings, args.to, io)


async def _copy(settings: Settings, to: str, io: Io) -> int:
    try:
        target = make_engine(to)
    except ValueError as error:
        raise Stop(f"--to {shown_url(to)}: {error}") from None
    if target.dialect.name != "postgresql":
        await target.dispose()
        raise Stop("--to takes a PostgreSQL URL, like postgresql://user@host/remindbot.")
    source = make_engine(settings.database_url)
    try:
        counts = await copy_database(source, target)
    except CopyRefused as refused:
        raise Stop(str(refused)) from None
    except (OSError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise Stop(f"The copy to {shown_url(to)} stopped ({reason}); nothing was kept.") from None
    finally:
        await source.dispose()
        await target.dispose()
    width = max(len(c.table) for c in counts)
    for c in counts:
        io.say(f"{c.table:<{width}}  {c.target:>8} row(s)")
    io.say(f"copied {sum(c.target for c in counts)} row(s) to {shown_url(to)}; counts match")
    return 0
