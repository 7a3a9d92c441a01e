"""What a command reads the world through (the clock and the terminal), and how it stops."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.ports import Clock


class Io:
    """What a command reads the world through: the clock and the terminal.

    ``main`` uses the real ones; tests pass a ``ManualClock`` and string buffers.
    """

    def __init__(self, clock: Clock | None, stdin: TextIO | None, stdout: TextIO | None) -> None:
        self.clock = clock
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


class Stop(Exception):
    """The command cannot go on; ``str()`` is the sentence, ``code`` the exit status."""

    def __init__(self, sentence: str, code: int = 2) -> None:
        super().__init__(sentence)
        self.code = code
