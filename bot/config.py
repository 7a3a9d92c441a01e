"""Settings: one validated object, built by the CLI from the environment and passed down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.policy import MAX_ATTEMPTS
from bot.core.webhooks import webhook_url_problem
from bot.parsing.zones import is_zone
from storage.urls import normalize_url

DATA_DIR = Path(user_data_dir("remindbot", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'remindbot.db'}"


def _env(name: str) -> AliasChoices:
    return AliasChoices(f"REMINDBOT_{name}", name)


class Settings(BaseSettings):
    """Everything configurable, from ``REMINDBOT_*`` variables (and Slack's usual names).

    With no platform tokens the bot runs the local console on SQLite. The CLI builds it
    through ``bot.environment.load``, which also reads a ``.env`` file and refuses names
    no field has (``extra="ignore"`` here only because that check is done there).
    """

    model_config = SettingsConfigDict(env_prefix="REMINDBOT_", extra="ignore")

    # Every field has a ``description``: docs/configuration.md is generated from them
    # (bot/config_doc.py, ``remindbot config --reference``), and a test keeps it true.
    database_url: str = Field(
        default_factory=default_database_url,
        description="Where the reminders are kept: `sqlite:///path/remindbot.db` or "
        "`postgresql://user@host/db` (plain URLs work; the async drivers are chosen).",
    )
    default_tz: str = Field(
        default="UTC",
        description="The IANA time zone of a person who set none and whose platform tells none.",
    )
    log_level: str = Field(
        default="INFO",
        description="The level of the log lines (`DEBUG`, `INFO`, `WARNING`, `ERROR`); "
        "`remindbot chat` shows warnings only unless this is set.",
    )
    http_host: str = Field(
        default="127.0.0.1",
        description="The address the HTTP app (`/healthz`, callbacks, API) "
        "listens on; the image sets `0.0.0.0`.",
    )
    http_port: int = Field(
        default=8080, ge=0, le=65535, description="The port the HTTP app listens on."
    )
    min_interval_minutes: int = Field(
        default=5, ge=1, description="Recurrences more frequent than this are refused."
    )
    late_limit_hours: float | None = Field(
        default=None,
        gt=0,
        description="Unset: a reminder that came due while the bot was down is delivered "
        "late and says so. Set: occurrences later than this are skipped instead.",
    )
    lease_seconds: int = Field(
        default=120,
        ge=5,
        description="How long a claimed reminder is this process's; a crashed process's "
        "claims come back after it. A delivery may take a quarter of it.",
    )
    sweep_seconds: int = Field(
        default=30,
        ge=1,
        description="How often the scheduler looks for due reminders written by other processes.",
    )
    auto_migrate: bool | None = Field(
        default=None,
        description="Migrate the database at start. Unset: yes on SQLite, no otherwise "
        "(run `remindbot db upgrade` before starting replicas on PostgreSQL).",
    )
    api_enabled: bool = Field(
        default=False, description="Serve the REST API at `/api/v1` from `remindbot run`."
    )
    dry_run: bool = Field(
        default=False,
        description="Send nothing on any channel; record each due occurrence as `dry_run`.",
    )
    # The rate limit: DMs per person per rolling hour; beyond it they are held and go out
    # later as one summary (docs/engine.md, "Rate limit"). 0 turns it off.
    max_per_user_per_hour: int = Field(
        default=5,
        ge=0,
        description="At most this many DMs to one person in any hour; the rest are held "
        "and come together in one summary. `0` turns the limit off.",
    )
    # Where this bot's HTTP app is reached from outside (calendar feeds' URLs start so).
    public_url: str | None = Field(
        default=None,
        description="The bot's public base URL (`https://remindbot.example.com`); set, "
        "calendar feeds are served at `/ical/{token}.ics` under it.",
    )
    # Graceful shutdown (bot/shutdown.py): how long SIGTERM waits for deliveries in flight.
    shutdown_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="On SIGTERM, how long the deliveries in flight may take to finish; "
        "the claimed reminders not started are released at once for another replica.",
    )

    # Operations (bot/environment.py, bot/logs.py): json on a pipe, text on a terminal.
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="`auto`: readable text on a terminal, one JSON object per line "
        "elsewhere; or `json`, `text`. Tokens and secrets are masked.",
    )
    # Health and database outages (bot/startup.py).
    db_start_timeout_seconds: float = Field(
        default=300,
        ge=0,
        description="How long `remindbot run` keeps trying a database that is not there yet "
        "(replicas often start before it) before it gives up; 0 tries once.",
    )

    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=_env("SLACK_BOT_TOKEN"),
        description="Slack's bot token (`xoxb-...`); with `SLACK_APP_TOKEN` or "
        "`SLACK_SIGNING_SECRET` it turns Slack on.",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=_env("SLACK_APP_TOKEN"),
        description="Slack's app-level token (`xapp-...`): Socket Mode, no public URL needed.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=_env("SLACK_SIGNING_SECRET"),
        description="Slack's signing secret: HTTP mode, events at `/slack/events` "
        "(used when `SLACK_APP_TOKEN` is not set).",
    )
    slack_api_url: str | None = Field(
        default=None,
        validation_alias=_env("SLACK_API_URL"),
        description="The Web API base URL (proxies, tests); unset: Slack's own.",
    )
    slack_command: str = Field(
        default="/reminder",
        description="The Slack slash command (must match the app manifest).",
    )

    mattermost_url: str | None = Field(
        default=None,
        validation_alias=_env("MATTERMOST_URL"),
        description="The Mattermost server's URL; with `MATTERMOST_TOKEN` it turns Mattermost on.",
    )
    mattermost_token: SecretStr | None = Field(
        default=None,
        validation_alias=_env("MATTERMOST_TOKEN"),
        description="The Mattermost bot account's access token.",
    )
    mattermost_slash_token: SecretStr | None = Field(
        default=None,
        validation_alias=_env("MATTERMOST_SLASH_TOKEN"),
        description="The token Mattermost sends with the slash command; unset: no slash "
        "command is served.",
    )
    mattermost_actions_url: str | None = Field(
        default=None,
        validation_alias=_env("MATTERMOST_ACTIONS_URL"),
        description="The public URL of `/mattermost/actions` on this bot, as the "
        "Mattermost server reaches it (the buttons post there).",
    )
    mattermost_actions_secret: SecretStr | None = Field(
        default=None,
        validation_alias=_env("MATTERMOST_ACTIONS_SECRET"),
        description="The key that signs button contexts; unset: one is made and kept in "
        "the database for every replica.",
    )
    mattermost_command: str = Field(
        default="/remind", description="The Mattermost slash command's name."
    )

    # Webhooks (bot/adapters/webhook): on when a secret is set; every request is signed.
    webhook_url: str | None = Field(
        default=None,
        description="Where a reminder with no `webhook_url` of its own is POSTed on the "
        "`webhook` channel (needs `REMINDBOT_WEBHOOK_SECRET`).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Turns the `webhook` channel on; every request is signed with it.",
    )
    webhook_attempts: int = Field(
        default=5, ge=1, le=MAX_ATTEMPTS, description="Tries per webhook delivery."
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long one webhook request may take; below a quarter of "
        "`REMINDBOT_LEASE_SECONDS`.",
    )
    # Email as a delivery channel (bot.adapters.email): on when SMTP_HOST is set.
    smtp_host: str | None = Field(
        default=None, description="The SMTP relay; set, reminders can be sent by email."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="The SMTP relay's port.")
    smtp_user: str | None = Field(
        default=None, description="The SMTP login (with `REMINDBOT_SMTP_PASSWORD`)."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="The SMTP password (with `REMINDBOT_SMTP_USER`)."
    )
    smtp_starttls: bool = Field(
        default=True,
        description="`true`: STARTTLS is required; `false` speaks plain SMTP (a relay on "
        "the same host or network).",
    )
    smtp_from: str | None = Field(
        default=None,
        description="The address reminders are sent from; required with `REMINDBOT_SMTP_HOST`.",
    )
    smtp_timeout_seconds: float = Field(
        default=20.0, gt=0, description="How long one SMTP conversation may take."
    )
    smtp_ca_file: Path | None = Field(
        default=None,
        description="A PEM file of certificates to trust as well as the system's (a "
        "private relay's CA).",
    )

    @field_validator("default_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_zone(value):
            raise ValueError(f"unknown IANA time zone {value!r} (try Europe/Copenhagen)")
        return value

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")) or "?" in value or "#" in value:
            raise ValueError(
                f"{value!r} is not a web address: give the bot's public base URL, like "
                "https://remindbot.example.com"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            normalize_url(value)
        except ValueError as error:
            raise ValueError(
                f"{error} (like sqlite:///path/to/remindbot.db or postgresql://user@host/db)"
            ) from None
        return value

    @field_validator(
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "mattermost_token",
        "mattermost_slash_token",
        "mattermost_actions_secret",
        "webhook_secret",
        "smtp_password",
    )
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        # A secret set to "" would otherwise sign (or skip) every check: refuse it.
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("is set but empty: give it a value or unset it")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_address(cls, value: str | None) -> str | None:
        if value is not None and webhook_url_problem(value) is not None:
            raise ValueError("must be an http or https URL with a host")
        return value

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "REMINDBOT_WEBHOOK_URL needs REMINDBOT_WEBHOOK_SECRET: every webhook is signed"
            )
        if self.webhook_timeout_seconds >= self.lease_seconds / 4:
            # The dispatcher gives each delivery a quarter of the lease; past it the
            # attempt would end as its timeout, not the webhook's.
            raise ValueError(
                "REMINDBOT_WEBHOOK_TIMEOUT_SECONDS must be below a quarter of "
                "REMINDBOT_LEASE_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _slack_complete(self) -> Settings:
        if self.slack_bot_token is None and self.slack_app_token is not None:
            raise ValueError("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not")
        if self.slack_bot_token is not None and not (
            self.slack_app_token or self.slack_signing_secret
        ):
            raise ValueError(
                "SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) "
                "or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        return self

    @model_validator(mode="after")
    def _mattermost_complete(self) -> Settings:
        if (self.mattermost_url is None) != (self.mattermost_token is None):
            raise ValueError("MATTERMOST_URL and MATTERMOST_TOKEN go together: set both")
        if self.mattermost_url is not None and not self.mattermost_actions_url:
            raise ValueError(
                "MATTERMOST_ACTIONS_URL is needed for the buttons: the public URL of "
                "/mattermost/actions on this bot, as the Mattermost server reaches it"
            )
        return self

    @model_validator(mode="after")
    def _smtp_complete(self) -> Settings:
        if not self.smtp_host:
            return self
        sender = (self.smtp_from or "").strip()
        if not sender:
            raise ValueError(
                "REMINDBOT_SMTP_FROM is needed with REMINDBOT_SMTP_HOST: "
                "the address reminders are sent from, like remindbot@example.com"
            )
        if "@" not in sender or any(c in sender for c in "\r\n"):
            raise ValueError("REMINDBOT_SMTP_FROM must be one email address on one line")
        if (self.smtp_user is None) != (self.smtp_password is None):
            raise ValueError("REMINDBOT_SMTP_USER and REMINDBOT_SMTP_PASSWORD go together")
        if self.smtp_ca_file is not None and not self.smtp_ca_file.is_file():
            raise ValueError(f"REMINDBOT_SMTP_CA_FILE {self.smtp_ca_file} is not a file")
        return self

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
