"""Configuration at start: unknown ``REMINDBOT_*`` names and invalid values all reported in
one message, the optional ``.env`` file (the real environment wins), and ``remindbot
config`` naming where each value came from, with secrets masked. Each test runs on a
scrubbed copy of the environment (monkeypatched) in its own directory."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from bot import environment
from bot.cli import main
from bot.config import InvalidSettings, Secret, Settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No remindbot or platform variable from the machine, and a working directory of
    the test's own (so no stray ``.env``)."""
    settings_names = environment.known_names() - environment.OTHER_NAMES
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith(environment.PREFIX) or upper in settings_names:
            monkeypatch.delenv(name)
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    out = io.StringIO()
    code = main(["config"], stdout=out)
    return code, out.getvalue().splitlines(), capsys.readouterr().err


def test_unknown_names_and_invalid_values_are_listed_together(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABSE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("REMINDBOT_HTTP_PORT", "eighty")
    monkeypatch.setenv("REMINDBOT_COLOUR", "blue")
    (tmp_path / ".env").write_text("REMINDBOT_LOG_FORMT=json\nOTHER_TOOL_SETTING=1\n")
    code, out, err = config(capsys)
    assert code == 2 and out == []
    assert err.splitlines() == [
        "remindbot: the configuration has problems:",
        "  REMINDBOT_COLOUR: not a remindbot setting",
        "  REMINDBOT_DATABSE_URL: not a remindbot setting (did you mean REMINDBOT_DATABASE_URL?)",
        f"  REMINDBOT_LOG_FORMT: not a remindbot setting (in {tmp_path / '.env'}) "
        "(did you mean REMINDBOT_LOG_FORMAT?)",
        "  REMINDBOT_HTTP_PORT: must be a whole number, not 'eighty'",
    ]


def test_a_bad_log_format_is_a_problem_like_any_other(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMINDBOT_LOG_FORMAT", "xml")
    code, _, err = config(capsys)
    assert code == 2
    assert "  REMINDBOT_LOG_FORMAT: must be 'auto', 'json' or 'text', not 'xml'" in err


def test_the_env_file_is_read_the_environment_wins_and_secrets_are_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("REMINDBOT_DATABASE_URL")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# production\n"
        "REMINDBOT_DATABASE_URL=postgresql://ann:pa55word@db.internal/remindbot\n"
        "REMINDBOT_HTTP_PORT=7000\n"
        "SLACK_BOT_TOKEN=xoxb-1234-5678-abcdef\n"
        "SLACK_SIGNING_SECRET='signing-9f8e7d'\n"
    )
    monkeypatch.setenv("REMINDBOT_HTTP_PORT", "9000")
    code, out, err = config(capsys)
    assert code == 0, err
    assert (
        f"REMINDBOT_DATABASE_URL=postgresql://ann:***@db.internal/remindbot  (.env file {env_file})"
        in out
    )
    assert "REMINDBOT_HTTP_PORT=9000  (environment)" in out
    assert f"SLACK_BOT_TOKEN=***  (.env file {env_file})" in out
    assert f"SLACK_SIGNING_SECRET=***  (.env file {env_file})" in out
    assert "REMINDBOT_DEFAULT_TZ=UTC  (default)" in out
    assert "SLACK_APP_TOKEN=  (default)" in out
    printed = "\n".join(out)
    for secret in ("pa55word", "xoxb-1234", "signing-9f8e7d"):
        assert secret not in printed
    # One line per setting, each named once.
    assert len(out) == len(Settings.fields)


def test_remindbot_env_file_names_the_file_and_a_missing_one_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "etc" / "remindbot.env"
    elsewhere.parent.mkdir()
    elsewhere.write_text("REMINDBOT_DEFAULT_TZ=Europe/Copenhagen\n")
    (tmp_path / ".env").write_text("REMINDBOT_DEFAULT_TZ=Asia/Tokyo\n")  # not read
    monkeypatch.setenv("REMINDBOT_ENV_FILE", str(elsewhere))
    code, out, _ = config(capsys)
    assert code == 0
    assert f"REMINDBOT_DEFAULT_TZ=Europe/Copenhagen  (.env file {elsewhere})" in out
    monkeypatch.setenv("REMINDBOT_ENV_FILE", str(tmp_path / "missing.env"))
    code, out, err = config(capsys)
    assert code == 2 and out == []
    assert f"  REMINDBOT_ENV_FILE: there is no file at {tmp_path / 'missing.env'}\n" in err


def test_masked_url_keeps_urls_without_a_password() -> None:
    assert (
        environment.masked_url("postgresql://u:p%40ss@h:5432/db") == "postgresql://u:***@h:5432/db"
    )
    assert environment.masked_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert environment.masked_url("sqlite:////data/remindbot.db") == "sqlite:////data/remindbot.db"


def test_the_operations_page_example_prints_what_it_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text()
    (env_text,) = re.findall(r"```ini\n(.*?)```", page, re.DOTALL)
    shown = next(b for b in re.findall(r"```text\n(.*?)```", page, re.DOTALL) if ".env file" in b)
    (command,) = [line for line in page.splitlines() if line.endswith(" remindbot config")]
    monkeypatch.delenv("REMINDBOT_DATABASE_URL")
    (tmp_path / ".env").write_text(env_text)
    name, _, value = command.split()[0].partition("=")
    monkeypatch.setenv(name, value)
    code, out, err = config(capsys)
    assert code == 0, err
    expected = shown.replace("/srv/remindbot/", f"{tmp_path}/").splitlines()
    assert [line for line in out if line in expected] == expected


def test_the_log_filter_is_given_every_configured_secret() -> None:
    settings = Settings(
        database_url="postgresql://ann:db-pa55@h/db",
        slack_bot_token=Secret("xoxb-1-2"),
        slack_signing_secret=Secret("signing-xyz"),
    )
    assert sorted(environment.secrets_of(settings)) == ["db-pa55", "signing-xyz", "xoxb-1-2"]
    assert environment.secrets_of(Settings(database_url="sqlite:////data/a.db")) == []


def test_each_value_is_read_from_its_first_name_set_in_any_case_and_problems_name_it(
    tmp_path: Path,
) -> None:
    loaded = environment.load(
        {
            "remindbot_http_port": " 9000 ",
            "REMINDBOT_API_ENABLED": "YES",
            "REMINDBOT_SLACK_BOT_TOKEN": "xoxb-first",
            "SLACK_BOT_TOKEN": "xoxb-second",
            "SLACK_SIGNING_SECRET": "signing",
            "REMINDBOT_SHUTDOWN_SECONDS": "1e1",
        },
        tmp_path,
    )
    settings = loaded.settings
    assert (settings.http_port, settings.api_enabled, settings.shutdown_seconds) == (9000, True, 10)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-first"
    assert settings.given == {"http_port", "api_enabled", "slack_bot_token", "slack_signing_secret",
                              "shutdown_seconds"}  # fmt: skip
    with pytest.raises(environment.ConfigProblems) as refused:
        environment.load(
            {
                "SLACK_BOT_TOKEN": "",
                "remindbot_lease_seconds": "4",
                "REMINDBOT_LATE_LIMIT_HOURS": "inf",
                "REMINDBOT_DRY_RUN": "maybe",
            },
            tmp_path,
        )
    assert refused.value.problems == [
        "REMINDBOT_LATE_LIMIT_HOURS: must be a finite number, not 'inf'",
        "remindbot_lease_seconds: must be at least 5, not 4",
        "REMINDBOT_DRY_RUN: must be true or false (or yes/no, on/off, 1/0), not 'maybe'",
        "SLACK_BOT_TOKEN: is set but empty: give it a value or unset it",
    ]


def test_settings_check_python_values_too_and_a_replaced_value_is_checked_again() -> None:
    settings = Settings(database_url="sqlite:////data/a.db", slack_command="/remind-me")
    assert settings.given == {"database_url", "slack_command"}
    assert settings.db_start_timeout_seconds == 300.0 and settings.auto_migrate is None
    assert "log_level" not in settings.given  # `remindbot chat` stays quiet unless it is set
    migrating = settings.replace(auto_migrate=True)
    assert migrating.auto_migrate is True and migrating.slack_command == "/remind-me"
    with pytest.raises(InvalidSettings, match="http_port: must be at most 65535, not 70000"):
        settings.replace(http_port=70000)
    secret = Settings(webhook_secret=Secret("s3cret"), webhook_url="https://h.example/x")
    assert "s3cret" not in repr(secret) and "s3cret" not in str(secret.webhook_secret)
