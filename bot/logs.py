"""Log output: one JSON object per line for a log collector, readable lines on a terminal,
and no secret in either.

A container's stderr goes to a collector that wants one parseable record per line;
a person at a terminal wants to read it. ``REMINDBOT_LOG_FORMAT=auto`` picks by whether
stderr is a terminal. Whatever the format, the ``Redact`` filter masks anything that
looks like a platform token or a Bearer header, and the configured secrets themselves,
before a line is written: a token pasted into an error message must not end up in a
log store that more people read than the bot's settings.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

MASK = "***"
# Slack bot/user/app tokens, and the value of an Authorization: Bearer header.
TOKEN_PATTERN = re.compile(r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+|(?<=Bearer )[^\s\"',]+", re.I)
# The log call's extra= fields that go into the JSON object (the dispatcher passes them).
EXTRA_FIELDS = ("reminder_id", "occurrence_id", "channel")


class Redact(logging.Filter):
    """Masks token-like strings and the given secrets in the message and the traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TOKEN_PATTERN.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        record.exc_info = None  # formatted (and masked) above; not formatted again
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


class QuietHealth(logging.Filter):
    """Drops uvicorn's access line for a healthy ``/healthz``: a container's health check
    asks every 30 seconds, 2,880 lines a day that say nothing. A failing one is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name != "uvicorn.access" or not isinstance(args, tuple) or len(args) < 5:
            return True
        return not (str(args[2]).startswith("/healthz") and args[4] == 200)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg"}`` plus the ids a call passed, one line each."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if (value := record.__dict__.get(name)) is not None:
                entry[name] = value
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def formatter_for(fmt: str, stream: TextIO) -> logging.Formatter:
    """``json`` or ``text``; ``auto`` is text on a terminal, JSON anywhere else."""
    if fmt == "auto":
        fmt = "text" if _is_terminal(stream) else "json"
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so a second ``setup`` replaces it and leaves other handlers alone."""


class _StderrHandler(_Handler):
    """Writes to whatever ``sys.stderr`` is at the time (as ``logging.lastResort``
    does), so a replaced stderr (a test's capture) never leaves it writing to a closed one."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup(level: str, fmt: str, stream: TextIO, *, secrets: Iterable[str] = ()) -> None:
    """Route every logger (uvicorn's too, which the app hands no config of its own) to
    one handler on ``stream``, in place of the one an earlier ``setup`` installed."""
    handler = _StderrHandler() if stream is sys.stderr else _Handler(stream)
    handler.setFormatter(formatter_for(fmt, stream))
    handler.addFilter(QuietHealth())  # before Redact, which formats the arguments away
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # A uvicorn started with its own log config (a library default) gave these
        # loggers handlers of their own and stopped them propagating: ours is the one.
        # uvicorn's Config also sets their levels (to its log_level): the root's decides.
        own = logging.getLogger(name)
        own.handlers.clear()
        own.propagate = True
        own.disabled = False
        own.setLevel(logging.NOTSET)
