"""docs/preferences.md's workspace example runs as shown, in-process, on a SQLite file."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from bot.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "preferences.md"
_CONSOLE = re.compile(r"```console\n(.*?)```", re.DOTALL)


def test_the_workspace_example_prints_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    assert main(["db", "upgrade"], stdout=io.StringIO()) == 0
    [example] = _CONSOLE.findall(DOC.read_text(encoding="utf-8"))
    steps: list[tuple[list[str], list[str]]] = []
    for line in example.splitlines():
        if line.startswith("$ "):
            steps.append((shlex.split(line.removeprefix("$ "))[1:], []))
        else:
            steps[-1][1].append(line)
    assert len(steps) >= 6
    for args, shown in steps:
        out = io.StringIO()
        assert main(args, stdout=out) == 0, args
        assert out.getvalue().splitlines() == shown, args
