"""Settings values of any shape: ``environment.load`` gives a ``Settings`` or
``ConfigProblems`` whose problems are one-line sentences naming the variable, never
another exception; ``Settings(**values)`` gives a ``Settings`` or its
``InvalidSettings``, nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from bot.config import InvalidSettings, Settings
from bot.environment import ConfigProblems, known_names, load
from tests.fuzzing import FUZZ

NAMES = sorted(known_names())
# Text an environment can hold: no NUL, nothing that cannot be encoded.
ENV_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
SHAPED = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "65536",
        "1e309",
        "nan",
        "inf",
        "true",
        "no",
        "maybe",
        "UTC",
        "Mars/Olympus",
        "sqlite:///",
        "sqlite:////tmp/x.db",
        "postgresql://u:p@h/db",
        "mysql://h/db",
        "http://",
        "https://example.com/?q#x",
        "xoxb-1",
        "xapp-1",
        "/nonexistent/ca.pem",
        "a@b",
        "json",
        "text",
        "💥",
    ]
)
VALUES = st.one_of(SHAPED, ENV_TEXT)
TYPOS = ["REMINDBOT_DATABSE_URL", "REMINDBOT_X"]
MENTIONABLE = [*NAMES, *TYPOS, *(n.removeprefix("REMINDBOT_") for n in NAMES)]
ENVIRON = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.sampled_from(TYPOS)),
    VALUES,
    max_size=8,
)


def _sentences(problems: list[str]) -> None:
    assert problems
    for problem in problems:
        assert isinstance(problem, str) and problem.strip()
        assert "\n" not in problem and "Traceback" not in problem
        # Each names the variable at fault (or those that go together).
        assert any(name in problem for name in MENTIONABLE), problem


def _usable(settings: Settings) -> None:
    """Every derived value (the durations as timedeltas…) can be read: a value accepted
    but out of a timedelta's range would be a traceback at start."""
    for name, attribute in vars(Settings).items():
        if isinstance(attribute, property):
            getattr(settings, name)


def _load(environ: dict[str, str], cwd: Path) -> None:
    with mock.patch.dict(os.environ, environ, clear=True):
        try:
            loaded = load(environ, cwd)
        except ConfigProblems as found:
            _sentences(found.problems)
        else:
            assert isinstance(loaded.settings, Settings)
            _usable(loaded.settings)


NUMBERS = sorted(
    f"REMINDBOT_{name.upper()}"
    for name, field in Settings.fields.items()
    if name.endswith(("_seconds", "_minutes", "_hours", "_per_hour", "_port", "_attempts"))
)


def test_numbers_too_big_for_their_meaning_are_refused_in_one_sentence_each(
    tmp_path: Path,
) -> None:
    assert "REMINDBOT_LEASE_SECONDS" in NUMBERS and "REMINDBOT_LATE_LIMIT_HOURS" in NUMBERS
    environ = dict.fromkeys(NUMBERS, "9" * 30)
    with mock.patch.dict(os.environ, environ, clear=True):
        try:
            load(environ, tmp_path)
        except ConfigProblems as found:
            _sentences(found.problems)
            named = {name for name in NUMBERS if any(name in p for p in found.problems)}
            assert named == set(NUMBERS)
        else:
            raise AssertionError("30 nines were accepted")


@FUZZ
@given(environ=st.dictionaries(st.sampled_from(NUMBERS), st.integers().map(str), max_size=4))
def test_any_whole_numbers_give_usable_settings_or_sentences(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    _load(environ, tmp_path)


@FUZZ
@given(environ=ENVIRON)
def test_any_environment_loads_or_says_why(tmp_path: Path, environ: dict[str, str]) -> None:
    _load(environ, tmp_path)


@FUZZ
@given(lines=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6), junk=ENV_TEXT)
def test_any_env_file_loads_or_says_why(
    tmp_path: Path, lines: list[tuple[str, str]], junk: str
) -> None:
    body = "".join(f"{name}={value}\n" for name, value in lines) + junk
    (tmp_path / ".env").write_text(body, encoding="utf-8")
    _load({}, tmp_path)


FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    VALUES,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@FUZZ
@given(values=st.dictionaries(st.sampled_from(sorted(Settings.fields)), FIELD_VALUES))
def test_settings_of_any_values_are_settings_or_a_validation_error(values: dict[str, Any]) -> None:
    with mock.patch.dict(os.environ, {}, clear=True):
        try:
            made = Settings(**values)
        except InvalidSettings as invalid:
            assert invalid.problems
        else:
            assert isinstance(made, Settings)
            _usable(made)
