"""A PostgreSQL server of a test's own, to stop, start and freeze without touching the
machine's shared one (127.0.0.1:5432, which every teammate's tests use).

``initdb`` into a fresh directory, trust auth, listening on a free 127.0.0.1 port with its
socket in the same directory. ``stop()`` is ``pg_ctl stop -m immediate`` (a crash, as an
outage is), ``start()`` brings it back on the same port with the same data; ``freeze()`` (SIGSTOP to
the server and its backends) makes a database that holds connections and never answers.

PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` account,
in a directory under /tmp that account can reach (pytest's ``tmp_path`` sits under a
root-only directory).

Use the ``private_pg`` fixture (``tests/test_outage.py`` imports it), or
``PrivatePostgres`` directly for a server started later than the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psutil
import pytest

BIN = Path("/usr/lib/postgresql/15/bin")
RUN_AS = "postgres"  # when the tests run as root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    """One private server: ``url`` (database ``postgres``, user ``postgres``)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="remindbot-pg-"))
        self.data = self.root / "data"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            account = pwd.getpwnam(RUN_AS)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._initialised = False
        self._frozen = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        line = [str(BIN / command[0]), *command[1:]]
        if self._as_root:
            line = ["runuser", "-u", RUN_AS, "--", *line]
        done = subprocess.run(line, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        """Start (``initdb`` first, the first time); returns once it accepts connections."""
        if not self._initialised:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")
            self._initialised = True
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop at once, as a crash would (``-m immediate``: no checkpoint, no goodbye)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def freeze(self) -> None:
        """SIGSTOP the server and every backend: connections stay open, nothing answers."""
        self._signal(psutil.Process.suspend)
        self._frozen = True

    def thaw(self) -> None:
        self._signal(psutil.Process.resume)
        self._frozen = False

    def _signal(self, send: Callable[[psutil.Process], None]) -> None:
        for process in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):  # a backend that just ended
                send(process)

    def _processes(self) -> list[psutil.Process]:
        """The postmaster (its pid is the first line of postmaster.pid) and its children."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        postmaster = psutil.Process(pid)
        return [postmaster, *postmaster.children(recursive=True)]

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self._frozen:
            self.thaw()
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A running private server, removed (stopped first if need be) after the test."""
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never says anything: a frozen database."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # keep it open, answer nothing

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        for writer in held:
            writer.close()
        await server.wait_closed()
