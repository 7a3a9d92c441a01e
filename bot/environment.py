"""Reading the settings for a start: the environment, an optional ``.env`` file, and
every problem in one list.

Each setting is read from the first of its variables that is set (``REMINDBOT_<NAME>``,
and Slack's and Mattermost's usual names), in any case, from the environment, else from
the file. A ``REMINDBOT_*`` name no setting has would otherwise go unnoticed, so a typo
(``REMINDBOT_DATABSE_URL``) would quietly run the bot on the default database: here an
unknown name is a problem like an invalid value, and all of them are reported together,
each naming the variable it is about. ``remindbot config`` prints what came out, where
each value came from, secrets masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import PREFIX as PREFIX
from bot.config import InvalidSettings, Secret, Settings

ENV_FILE = "REMINDBOT_ENV_FILE"
# Names read outside ``Settings``: known, so never reported as typos.
OTHER_NAMES = frozenset(
    {
        ENV_FILE,
        "REMINDBOT_API_TOKEN",  # remindbot mcp --token's default
        "REMINDBOT_TEST_POSTGRES_URL",  # the test suite's database
        "REMINDBOT_REQUIRE_POSTGRES",
        "REMINDBOT_FUZZ_SECONDS",
        "REMINDBOT_FUZZ_REPORT",
        "REMINDBOT_FUZZ_EXAMPLES",  # tests/fuzzing.py: examples per boundary fuzz test
    }
)
MASK = "***"


class ConfigProblems(Exception):
    """The settings cannot be used; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Loaded:
    """The settings, and what they were read from (for ``remindbot config``)."""

    settings: Settings
    environ: Mapping[str, str]
    env_file: Path | None
    file_values: Mapping[str, str]


def field_names(name: str) -> tuple[str, ...]:
    """The variables a field is read from, upper case, in the order they are tried."""
    return Settings.fields[name].names


def known_names() -> frozenset[str]:
    found = {n for field in Settings.fields for n in field_names(field)}
    return frozenset(found | OTHER_NAMES)


def unknown_names(names: list[str], where: str) -> list[str]:
    """A sentence for each ``REMINDBOT_*`` name no setting has, with the nearest known one."""
    known = known_names()
    problems = []
    for name in sorted(dict.fromkeys(names)):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known:
            continue
        import difflib

        near = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {near[0]}?)" if near else ""
        problems.append(f"{name}: not a remindbot setting{where}{hint}")
    return problems


def env_file_path(environ: Mapping[str, str], cwd: Path) -> tuple[Path | None, list[str]]:
    """``$REMINDBOT_ENV_FILE`` (which must exist), else ``.env`` here if there is one."""
    given = next((v for k, v in environ.items() if k.upper() == ENV_FILE), None)
    if given:
        path = Path(given).expanduser()
        path = path if path.is_absolute() else cwd / path
        if not path.is_file():
            return None, [f"{ENV_FILE}: there is no file at {path}"]
        return path, []
    default = cwd / ".env"
    return (default if default.is_file() else None), []


def load(environ: Mapping[str, str], cwd: Path) -> Loaded:
    """Settings from ``environ`` and the ``.env`` file; the environment wins over the file.

    Raises:
        ConfigProblems: every unknown name and invalid value, each in its own sentence.
    """
    path, problems = env_file_path(environ, cwd)
    file_values: dict[str, str] = {}
    if path is not None:
        from dotenv import dotenv_values

        file_values = {k: v for k, v in dotenv_values(path).items() if v is not None}
    problems += unknown_names(list(environ), "")
    problems += unknown_names(list(file_values), f" (in {path})")
    values, read_from = _values(environ, file_values)
    settings = None
    try:
        settings = Settings.of(values)
    except InvalidSettings as invalid:
        problems += [
            p.message
            if p.field is None
            else f"{read_from.get(p.field, PREFIX + p.field.upper())}: {p.message}"
            for p in invalid.problems
        ]
    if problems or settings is None:
        raise ConfigProblems(problems)
    return Loaded(settings, environ, path, file_values)


def _values(
    environ: Mapping[str, str], file_values: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each field's text, from the first of its names set in the environment (in any
    case), else in the file; and the variable each came from, as written there."""
    values, read_from = {}, {}
    for source in (environ, file_values):
        by_name = {k.upper(): k for k in source}
        for field in Settings.fields.values():
            if field.name in values:
                continue  # the environment wins over the file
            found = next((by_name[n] for n in field.names if n in by_name), None)
            if found is not None:
                values[field.name], read_from[field.name] = source[found], found
    return values, read_from


def masked_url(url: str) -> str:
    """A database URL as written, its password (if any) shown as ``***``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url if "@" not in url else MASK
    if parsed.password is None:
        return url
    return parsed.render_as_string(hide_password=True)


def describe(loaded: Loaded) -> list[str]:
    """One line per setting: ``NAME=value  (from where)``, secrets masked."""
    env = {k.upper(): k for k in loaded.environ}
    in_file = {k.upper() for k in loaded.file_values}
    lines = []
    for field in Settings.fields:
        names = field_names(field)
        used_env = next((n for n in names if n in env), None)
        used_file = next((n for n in names if n in in_file), None)
        if used_env is not None:
            name, source = used_env, "environment"
        elif used_file is not None:
            name, source = used_file, f".env file {loaded.env_file}"
        else:
            name = names[-1] if field.startswith("slack_") else names[0]
            source = "default"
        lines.append(f"{name}={_shown(field, getattr(loaded.settings, field))}  ({source})")
    return lines


def _shown(field: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Secret):
        return MASK
    if isinstance(value, bool):
        return "true" if value else "false"
    if field == "database_url":
        return masked_url(str(value))
    return str(value)


def secrets_of(settings: Settings) -> list[str]:
    """The configured secret values, for the log filter to mask wherever they appear."""
    found = [
        value.get_secret_value()
        for field in Settings.fields
        if isinstance(value := getattr(settings, field), Secret)
    ]
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    return [s for s in [*found, password] if isinstance(s, str) and s]
