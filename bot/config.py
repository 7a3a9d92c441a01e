"""Settings: one validated object, built by the CLI from the environment and passed down.

Plain Python on purpose: pydantic and pydantic-settings cost ``remindbot run`` about
11 MiB of its idle memory for one object read once at start (docs/benchmarks.md, Start-up
and memory). Each field declares its type, default, bounds and description; values are
read from text (the environment, a ``.env`` file) or given as Python values (tests), and
every value that cannot be used is reported, each in one sentence (``InvalidSettings``).
``bot.environment`` reads the variables and the file; ``bot.config_doc`` writes
docs/configuration.md from the fields.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import UnionType
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

from bot.core.policy import MAX_ATTEMPTS
from bot.core.webhooks import webhook_url_problem
from bot.parsing.zones import is_zone
from storage.urls import normalize_url

PREFIX = "REMINDBOT_"


def data_dir() -> Path:
    """This user's data directory (platformdirs), where the default database lives."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("remindbot", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'remindbot.db'}"


class Secret:
    """A token or password: ``get_secret_value()`` gives it; ``str`` and ``repr`` do not."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "**********"

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Problem:
    """One value that cannot be used: the field at fault (``None`` for a rule about
    several) and the sentence that says why."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return self.message if self.field is None else f"{self.field}: {self.message}"


class InvalidSettings(ValueError):
    """The values cannot make ``Settings``; ``problems`` holds every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(slots=True)
class Field:
    """What a setting is: read by ``Settings``, ``bot.environment`` and ``bot.config_doc``.

    ``kind`` is ``str``, ``int``, ``float``, ``bool``, ``Secret`` or ``Path``, or the
    choices of a ``Literal``; ``optional`` fields may be unset (``None``). ``names`` are
    the variables it is read from, the first found winning (``REMINDBOT_<NAME>``, and for
    Slack's and Mattermost's settings their usual names too).
    """

    description: str | None
    default: Any = None
    factory: Callable[[], Any] | None = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    bare: bool = False  # also read without the REMINDBOT_ prefix
    check: Callable[[Any], Any] | None = None  # a field's own rule, after its type
    # Filled in from the annotation when the class is made:
    name: str = ""
    kind: Any = None
    optional: bool = False
    names: tuple[str, ...] = ()

    def default_value(self) -> Any:
        return self.factory() if self.factory is not None else self.default


_UNSET: Any = object()  # a field not given: its default


# Upper bounds of the durations: each must fit a timedelta (and mean something); a value
# beyond one is refused with the others' problems, never an OverflowError at start.
SECONDS_A_DAY = 24 * 3600
MINUTES_A_YEAR = 366 * 24 * 60
HOURS_A_YEAR = 366 * 24


def setting(description: str | None, default: Any = None, **rules: Any) -> Any:
    """A ``Settings`` field: its description (docs/configuration.md), default and rules."""
    return dataclasses.field(
        default=_UNSET, metadata={"field": Field(description, default, **rules)}
    )


# The words read as true and false, in any case (as pydantic read them before).
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})
_INT = re.compile(r"[+-]?[0-9](?:_?[0-9])*(?:\.0*)?", re.ASCII)
_FLOAT = re.compile(
    r"[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
    r"(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)",
    re.ASCII | re.IGNORECASE,
)


def _shown(value: object) -> str:
    """A value in a sentence: quoted and short."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _convert(field: Field, value: Any) -> Any:
    """``value`` (text from the environment, or a Python value) as the field's type.

    Raises:
        ValueError: the sentence that says why it cannot be.
    """
    if value is None:
        if field.optional:
            return None
        raise ValueError("must be set (it cannot be unset)")
    kind = field.kind
    if isinstance(kind, tuple):  # a Literal's choices
        if value in kind:
            return value
        choices = ", ".join(repr(c) for c in kind[:-1]) + f" or {kind[-1]!r}"
        raise ValueError(f"must be {choices}, not {_shown(value)}")
    if kind is bool:
        return _boolean(value)
    if kind is int:
        return _bounded(field, _integer(value))
    if kind is float:
        return _bounded(field, _number(value))
    if kind is Secret:
        if isinstance(value, Secret):
            return value
        if hasattr(value, "get_secret_value"):  # pydantic's SecretStr, as callers had it
            value = value.get_secret_value()
        if not isinstance(value, str):
            raise ValueError("must be text")
        return Secret(value)
    if kind is Path:
        if isinstance(value, Path):
            return value
        if isinstance(value, str) and "\x00" not in value:
            return Path(value)
        raise ValueError(f"must be a file path, not {_shown(value)}")
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {_shown(value)}")
    return value


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise ValueError(f"must be true or false (or yes/no, on/off, 1/0), not {_shown(value)}")


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) <= 100 and _INT.fullmatch(value.strip()):
        return int(value.strip().partition(".")[0])
    raise ValueError(f"must be a whole number, not {_shown(value)}")


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and len(value) <= 100 and _FLOAT.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        raise ValueError(f"must be a number, not {_shown(value)}")
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, not {_shown(value)}")
    return number


def _bounded(field: Field, number: Any) -> Any:
    if field.ge is not None and not number >= field.ge:
        raise ValueError(f"must be at least {field.ge:g}, not {_shown(number)}")
    if field.gt is not None and not number > field.gt:
        raise ValueError(f"must be more than {field.gt:g}, not {_shown(number)}")
    if field.le is not None and not number <= field.le:
        raise ValueError(f"must be at most {field.le:g}, not {_shown(number)}")
    return number


def _known_zone(value: str) -> str:
    if not is_zone(value):
        raise ValueError(f"unknown IANA time zone {value!r} (try Europe/Copenhagen)")
    return value


def _web_address(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")) or "?" in value or "#" in value:
        raise ValueError(
            f"{value!r} is not a web address: give the bot's public base URL, like "
            "https://remindbot.example.com"
        )
    return value


def _supported_database(value: str) -> str:
    try:
        normalize_url(value)
    except ValueError as error:
        raise ValueError(
            f"{error} (like sqlite:///path/to/remindbot.db or postgresql://user@host/db)"
        ) from None
    return value


def _not_blank(value: Secret | None) -> Secret | None:
    # A secret set to "" would otherwise sign (or skip) every check: refuse it.
    if value is not None and not value.get_secret_value().strip():
        raise ValueError("is set but empty: give it a value or unset it")
    return value


def _webhook_address(value: str | None) -> str | None:
    if value is not None and webhook_url_problem(value) is not None:
        raise ValueError("must be an http or https URL with a host")
    return value


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Settings:
    """Everything configurable, from ``REMINDBOT_*`` variables (and Slack's usual names).

    With no platform tokens the bot runs the local console on SQLite. The CLI builds it
    through ``bot.environment.load``, which also reads a ``.env`` file and refuses names
    no field has. ``Settings(**values)`` takes text or Python values by field name and
    raises ``InvalidSettings`` with every problem; ``given`` names the fields that were
    given rather than defaulted.
    """

    # Every field has a description: docs/configuration.md is generated from them
    # (bot/config_doc.py, ``remindbot config --reference``), and a test keeps it true.
    database_url: str = setting(
        "Where the reminders are kept: `sqlite:///path/remindbot.db` or "
        "`postgresql://user@host/db` (plain URLs work; the async drivers are chosen).",
        factory=default_database_url,
        check=_supported_database,
    )
    default_tz: str = setting(
        "The IANA time zone of a person who set none and whose platform tells none.",
        "UTC",
        check=_known_zone,
    )
    log_level: str = setting(
        "The level of the log lines (`DEBUG`, `INFO`, `WARNING`, `ERROR`); "
        "`remindbot chat` shows warnings only unless this is set.",
        "INFO",
    )
    http_host: str = setting(
        "The address the HTTP app (`/healthz`, callbacks, API) "
        "listens on; the image sets `0.0.0.0`.",
        "127.0.0.1",
    )
    http_port: int = setting("The port the HTTP app listens on.", 8080, ge=0, le=65535)
    min_interval_minutes: int = setting(
        "Recurrences more frequent than this are refused.", 5, ge=1, le=MINUTES_A_YEAR
    )
    late_limit_hours: float | None = setting(
        "Unset: a reminder that came due while the bot was down is delivered "
        "late and says so. Set: occurrences later than this are skipped instead.",
        None,
        gt=0,
        le=HOURS_A_YEAR,
    )
    lease_seconds: int = setting(
        "How long a claimed reminder is this process's; a crashed process's "
        "claims come back after it. A delivery may take a quarter of it.",
        120,
        ge=5,
        le=SECONDS_A_DAY,
    )
    sweep_seconds: int = setting(
        "How often the scheduler looks for due reminders written by other processes.",
        30,
        ge=1,
        le=SECONDS_A_DAY,
    )
    auto_migrate: bool | None = setting(
        "Migrate the database at start. Unset: yes on SQLite, no otherwise "
        "(run `remindbot db upgrade` before starting replicas on PostgreSQL).",
        None,
    )
    api_enabled: bool = setting("Serve the REST API at `/api/v1` from `remindbot run`.", False)
    dry_run: bool = setting(
        "Send nothing on any channel; record each due occurrence as `dry_run`.", False
    )
    # The rate limit: DMs per person per rolling hour; beyond it they are held and go out
    # later as one summary (docs/engine.md, "Rate limit"). 0 turns it off.
    max_per_user_per_hour: int = setting(
        "At most this many DMs to one person in any hour; the rest are held "
        "and come together in one summary. `0` turns the limit off.",
        5,
        ge=0,
        le=1_000_000,
    )
    # Where this bot's HTTP app is reached from outside (calendar feeds' URLs start so).
    public_url: str | None = setting(
        "The bot's public base URL (`https://remindbot.example.com`); set, "
        "calendar feeds are served at `/ical/{token}.ics` under it.",
        None,
        check=_web_address,
    )
    # Graceful shutdown (bot/shutdown.py): how long SIGTERM waits for deliveries in flight.
    shutdown_seconds: float = setting(
        "On SIGTERM, how long the deliveries in flight may take to finish; "
        "the claimed reminders not started are released at once for another replica.",
        5.0,
        gt=0,
        le=300,
    )

    # Operations (bot/environment.py, bot/logs.py): json on a pipe, text on a terminal.
    log_format: Literal["auto", "json", "text"] = setting(
        "`auto`: readable text on a terminal, one JSON object per line "
        "elsewhere; or `json`, `text`. Tokens and secrets are masked.",
        "auto",
    )
    # Health and database outages (bot/startup.py).
    db_start_timeout_seconds: float = setting(
        "How long `remindbot run` keeps trying a database that is not there yet "
        "(replicas often start before it) before it gives up; 0 tries once.",
        300,
        ge=0,
        le=SECONDS_A_DAY * 7,
    )

    slack_bot_token: Secret | None = setting(
        "Slack's bot token (`xoxb-...`); with `SLACK_APP_TOKEN` or "
        "`SLACK_SIGNING_SECRET` it turns Slack on.",
        bare=True,
        check=_not_blank,
    )
    slack_app_token: Secret | None = setting(
        "Slack's app-level token (`xapp-...`): Socket Mode, no public URL needed.",
        bare=True,
        check=_not_blank,
    )
    slack_signing_secret: Secret | None = setting(
        "Slack's signing secret: HTTP mode, events at `/slack/events` "
        "(used when `SLACK_APP_TOKEN` is not set).",
        bare=True,
        check=_not_blank,
    )
    slack_api_url: str | None = setting(
        "The Web API base URL (proxies, tests); unset: Slack's own.", bare=True
    )
    slack_command: str = setting(
        "The Slack slash command (must match the app manifest).", "/reminder"
    )
    slack_app_rate: float = setting(
        "Messages per second the bot posts to Slack in all (besides 1 a second per "
        "conversation). Slack publishes no number for its app-wide limit; a 429 "
        "slows the bot down whatever this says.",
        10.0,
        gt=0,
        le=1000,
    )
    slack_app_burst: int = setting(
        "How many messages may go at once to Slack after a quiet spell.", 30, ge=1, le=10_000
    )

    mattermost_url: str | None = setting(
        "The Mattermost server's URL; with `MATTERMOST_TOKEN` it turns Mattermost on.",
        bare=True,
    )
    mattermost_token: Secret | None = setting(
        "The Mattermost bot account's access token.", bare=True, check=_not_blank
    )
    mattermost_slash_token: Secret | None = setting(
        "The token Mattermost sends with the slash command; unset: no slash command is served.",
        bare=True,
        check=_not_blank,
    )
    mattermost_actions_url: str | None = setting(
        "The public URL of `/mattermost/actions` on this bot, as the "
        "Mattermost server reaches it (the buttons post there).",
        bare=True,
    )
    mattermost_actions_secret: Secret | None = setting(
        "The key that signs button contexts; unset: one is made and kept in "
        "the database for every replica.",
        bare=True,
        check=_not_blank,
    )
    mattermost_command: str = setting("The Mattermost slash command's name.", "/remind")
    mattermost_rate: float = setting(
        "Calls per second to the Mattermost server: its `RateLimitSettings.PerSec` "
        "(per user, so the bot's own budget).",
        10.0,
        gt=0,
        le=10_000,
    )
    mattermost_burst: int = setting(
        "The Mattermost server's `RateLimitSettings.MaxBurst`.", 100, ge=1, le=100_000
    )

    # Webhooks (bot/adapters/webhook): on when a secret is set; every request is signed.
    webhook_url: str | None = setting(
        "Where a reminder with no `webhook_url` of its own is POSTed on the "
        "`webhook` channel (needs `REMINDBOT_WEBHOOK_SECRET`).",
        check=_webhook_address,
    )
    webhook_secret: Secret | None = setting(
        "Turns the `webhook` channel on; every request is signed with it.", check=_not_blank
    )
    webhook_attempts: int = setting("Tries per webhook delivery.", 5, ge=1, le=MAX_ATTEMPTS)
    webhook_timeout_seconds: float = setting(
        "How long one webhook request may take; below a quarter of `REMINDBOT_LEASE_SECONDS`.",
        10.0,
        gt=0,
        le=300,
    )
    # Email as a delivery channel (bot.adapters.email): on when SMTP_HOST is set.
    smtp_host: str | None = setting("The SMTP relay; set, reminders can be sent by email.")
    smtp_port: int = setting("The SMTP relay's port.", 587, ge=1, le=65535)
    smtp_user: str | None = setting("The SMTP login (with `REMINDBOT_SMTP_PASSWORD`).")
    smtp_password: Secret | None = setting(
        "The SMTP password (with `REMINDBOT_SMTP_USER`).", check=_not_blank
    )
    smtp_starttls: bool = setting(
        "`true`: STARTTLS is required; `false` speaks plain SMTP (a relay on "
        "the same host or network).",
        True,
    )
    smtp_from: str | None = setting(
        "The address reminders are sent from; required with `REMINDBOT_SMTP_HOST`."
    )
    smtp_timeout_seconds: float = setting(
        "How long one SMTP conversation may take.", 20.0, gt=0, le=300
    )
    smtp_ca_file: Path | None = setting(
        "A PEM file of certificates to trust as well as the system's (a private relay's CA)."
    )

    # Not a setting: the fields given rather than defaulted.
    given: frozenset[str] = dataclasses.field(default=frozenset(), init=False, compare=False)
    fields: ClassVar[Mapping[str, Field]]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        given = []
        for name, field in self.fields.items():
            value = getattr(self, name)
            if value is _UNSET:
                value = field.default_value()  # checked too (a default of 300 is 300.0)
            else:
                given.append(name)
            try:
                value = _convert(field, value)
                if field.check is not None:
                    value = field.check(value)
            except ValueError as why:
                problems.append(Problem(name, str(why)))
                continue
            object.__setattr__(self, name, value)
        object.__setattr__(self, "given", frozenset(given))
        if not problems:
            problems = [Problem(None, rule) for rule in self._whole()]
        if problems:
            raise InvalidSettings(problems)

    def _whole(self) -> Iterator[str]:
        """The rules about several fields, each broken one a sentence."""
        if self.webhook_url is not None and self.webhook_secret is None:
            yield "REMINDBOT_WEBHOOK_URL needs REMINDBOT_WEBHOOK_SECRET: every webhook is signed"
        if self.webhook_timeout_seconds >= self.lease_seconds / 4:
            # The dispatcher gives each delivery a quarter of the lease; past it the
            # attempt would end as its timeout, not the webhook's.
            yield (
                "REMINDBOT_WEBHOOK_TIMEOUT_SECONDS must be below a quarter of "
                "REMINDBOT_LEASE_SECONDS"
            )
        if self.slack_bot_token is None and self.slack_app_token is not None:
            yield "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"
        if self.slack_bot_token is not None and not (
            self.slack_app_token or self.slack_signing_secret
        ):
            yield (
                "SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) "
                "or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        if (self.mattermost_url is None) != (self.mattermost_token is None):
            yield "MATTERMOST_URL and MATTERMOST_TOKEN go together: set both"
        if self.mattermost_url is not None and not self.mattermost_actions_url:
            yield (
                "MATTERMOST_ACTIONS_URL is needed for the buttons: the public URL of "
                "/mattermost/actions on this bot, as the Mattermost server reaches it"
            )
        yield from self._smtp()

    def _smtp(self) -> Iterator[str]:
        if not self.smtp_host:
            return
        sender = (self.smtp_from or "").strip()
        if not sender:
            yield (
                "REMINDBOT_SMTP_FROM is needed with REMINDBOT_SMTP_HOST: "
                "the address reminders are sent from, like remindbot@example.com"
            )
        elif "@" not in sender or any(c in sender for c in "\r\n"):
            yield "REMINDBOT_SMTP_FROM must be one email address on one line"
        if (self.smtp_user is None) != (self.smtp_password is None):
            yield "REMINDBOT_SMTP_USER and REMINDBOT_SMTP_PASSWORD go together"
        if self.smtp_ca_file is not None and not self.smtp_ca_file.is_file():
            yield f"REMINDBOT_SMTP_CA_FILE {self.smtp_ca_file} is not a file"

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Settings:
        """``Settings(**values)`` for values of any type (the environment's text, a
        test's values), checked alike.

        Raises:
            InvalidSettings: every value that cannot be used.
        """
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """These settings with ``changes``, checked like the rest; still ``given``."""
        values = {name: getattr(self, name) for name in self.given}
        return Settings.of(values | changes)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in sorted(self.given))
        return f"Settings({shown})"

    @property
    def min_interval(self) -> timedelta:
        return timedelta(minutes=self.min_interval_minutes)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    @property
    def shutdown(self) -> timedelta:
        return timedelta(seconds=self.shutdown_seconds)

    @property
    def sweep(self) -> timedelta:
        return timedelta(seconds=self.sweep_seconds)

    @property
    def late_limit(self) -> timedelta | None:
        return timedelta(hours=self.late_limit_hours) if self.late_limit_hours else None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migrate_on_start(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    @property
    def mattermost_enabled(self) -> bool:
        return self.mattermost_url is not None and self.mattermost_token is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )


def _fields() -> dict[str, Field]:
    """Each field's ``Field``, its kind and names read from the class, in order."""
    hints = get_type_hints(Settings)
    found = {}
    for dc_field in dataclasses.fields(Settings):
        field = dc_field.metadata.get("field")
        if field is None:
            continue
        kind, optional = hints[dc_field.name], False
        if get_origin(kind) in (Union, UnionType):
            rest = [a for a in get_args(kind) if a is not type(None)]
            kind, optional = rest[0], True
        if get_origin(kind) is Literal:
            kind = get_args(kind)
        upper = dc_field.name.upper()
        field.name, field.kind, field.optional = dc_field.name, kind, optional
        field.names = (PREFIX + upper, upper) if field.bare else (PREFIX + upper,)
        found[dc_field.name] = field
    return found


Settings.fields = _fields()
