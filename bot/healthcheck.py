"""``python -m bot.healthcheck``: the container's HEALTHCHECK. Exit 0 when ``/healthz`` on
this machine answers 200, 1 otherwise.

The slim image has no curl, so this asks with the standard library. It reads only the
port (``REMINDBOT_HTTP_PORT``, from the environment or the ``.env`` file the bot reads)
and imports nothing heavy: it runs every half minute beside the bot.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_PORT = "8080"  # bot.config.Settings.http_port's default (a test checks they agree)
TIMEOUT_S = 4


def port(environ: dict[str, str], cwd: Path) -> str:
    """The port, as the bot reads it: the environment first, then the ``.env`` file;
    names in any case, as the settings take them."""
    if found := _named(environ, "REMINDBOT_HTTP_PORT"):
        return found
    env_file = Path(_named(environ, "REMINDBOT_ENV_FILE") or cwd / ".env")
    if env_file.is_file():
        values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
        return _named(values, "REMINDBOT_HTTP_PORT") or DEFAULT_PORT
    return DEFAULT_PORT


def _named(values: dict[str, str], name: str) -> str | None:
    return next((v for k, v in values.items() if k.upper() == name and v), None)


def check(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:
            return 0 if answer.status == 200 else 1
    except (OSError, urllib.error.URLError) as problem:
        sys.stderr.write(f"remindbot healthcheck: {url}: {problem}\n")
        return 1


def main() -> int:
    return check(f"http://127.0.0.1:{port(dict(os.environ), Path.cwd())}/healthz")


if __name__ == "__main__":
    sys.exit(main())
