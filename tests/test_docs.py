"""The README and docs claim what is built: their commands parse, the terminal example
runs as shown, Docker lines pass tokens and publish the port, and nothing points outside
the repository."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.clock import ManualClock

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The parser engineer's files, which point at the phrase spec until they are rewritten.
OUTSIDE_ALLOWED = {"docs/parsing.md", "bench/parse.py"}
_BLOCK = re.compile(r"```(?:sh|console)\n(.*?)```", re.DOTALL)


def _blocks(path: Path) -> list[str]:
    return _BLOCK.findall(path.read_text())


def _commands() -> list[list[str]]:
    found = []
    for path in DOCS:
        for block in _blocks(path):
            for line in block.replace("\\\n", " ").splitlines():
                for part in line.removeprefix("$ ").split("&&"):
                    part = part.strip()
                    if part.startswith((".venv/bin/remindbot", "remindbot ")):
                        found.append(shlex.split(part)[1:])
    return found


def test_every_remindbot_command_in_the_docs_parses() -> None:
    commands = _commands()
    assert len(commands) >= 4
    for args in commands:
        build_parser().parse_args(args)


def test_the_readme_terminal_example_runs_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [example] = [b for b in _blocks(ROOT / "README.md") if b.startswith("$ .venv/bin/remindbot")]
    lines = example.splitlines()
    args = shlex.split(lines[0].removeprefix("$ "))[1:]
    typed = [lines[3], lines[9]]  # the phrase, then "1"
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    # The example's own moment: Monday 23 November 2026, 10:35:30 in Copenhagen.
    example_time = ManualClock(datetime(2026, 11, 23, 9, 35, 30, tzinfo=UTC))
    out = io.StringIO()
    code = main(args, clock=example_time, stdin=io.StringIO("\n".join(typed) + "\n"), stdout=out)
    assert code == 0
    shown = [line for line in lines[1:11] if line not in typed]
    assert out.getvalue().splitlines() == shown


def test_docker_lines_pass_tokens_and_publish_the_port_for_http() -> None:
    runs = [
        line
        for path in DOCS
        for block in _blocks(path)
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith("docker run")
    ]
    assert runs
    for line in runs:
        if " remindbot db " in line:
            continue  # a one-off database command (docs/operations.md) needs no platform
        assert "-e " in line and ("TOKEN=" in line), line
        if "SIGNING_SECRET" in line or "MATTERMOST_URL" in line:
            assert "-p 8080:8080" in line, line
    froms = re.findall(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert froms and all(
        re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:\w+)?", f) for f in froms
    )


def test_slack_docs_say_to_invite_the_bot_to_channels() -> None:
    assert "/invite @remindbot" in (ROOT / "docs" / "slack.md").read_text()


def test_nothing_points_outside_the_repository() -> None:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    pointing = []
    for name in listed:
        if (
            name.startswith("bot/parsing/")
            or name in OUTSIDE_ALLOWED
            or name == "tests/test_docs.py"
        ):
            continue
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".yml", ".yaml", "") or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        if re.search(r"(?<![\w/])(?:\.\./)*shared/", text):
            pointing.append(name)
    assert pointing == []
