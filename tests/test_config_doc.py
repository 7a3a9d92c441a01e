"""docs/configuration.md is ``Settings`` written out: regenerated and compared here, so a
field added, renamed, re-defaulted or re-described without running
``remindbot config --reference docs/configuration.md`` fails this test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot import config_doc
from bot.cli import main
from bot.config import Settings
from bot.environment import field_names

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_page_is_the_generated_one() -> None:
    committed = (ROOT / config_doc.PAGE).read_text(encoding="utf-8")
    assert committed == config_doc.reference(), (
        "docs/configuration.md is out of date: run "
        "`remindbot config --reference docs/configuration.md`"
    )


def test_every_field_has_a_row_with_all_its_names_and_its_description() -> None:
    page = config_doc.reference()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(Settings.fields)
    for (name, info), row in zip(Settings.fields.items(), rows, strict=True):
        assert all(f"`{variable}`" in row for variable in field_names(name))
        assert info.description and info.description in row
    slack = next(row for row in rows if "`SLACK_BOT_TOKEN`" in row)
    assert slack.startswith("| `REMINDBOT_SLACK_BOT_TOKEN` or `SLACK_BOT_TOKEN` | secret")
    port = next(row for row in rows if row.startswith("| `REMINDBOT_HTTP_PORT`"))
    assert "integer, >= 0 and <= 65535 | `8080` |" in port
    shutdown = next(row for row in rows if row.startswith("| `REMINDBOT_SHUTDOWN_SECONDS`"))
    assert "| number, > 0 and <= 300 | `5.0` |" in shutdown


def test_a_changed_description_makes_the_page_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    before = config_doc.reference()
    monkeypatch.setattr(Settings.fields["sweep_seconds"], "description", "changed")
    assert config_doc.reference() != before


def test_a_field_without_description_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Settings.fields["dry_run"], "description", None)
    with pytest.raises(ValueError, match="Settings.dry_run has no description"):
        config_doc.reference()


def test_the_command_prints_and_writes_the_page(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["config", "--reference"], stdout=out) == 0
    assert out.getvalue() == config_doc.reference()
    target = tmp_path / "configuration.md"
    said = io.StringIO()
    assert main(["config", "--reference", str(target)], stdout=said) == 0
    assert target.read_text(encoding="utf-8") == config_doc.reference()
    assert said.getvalue() == f"wrote the configuration reference to {target}\n"


def test_the_command_says_why_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = tmp_path / "missing" / "configuration.md"
    assert main(["config", "--reference", str(where)]) == 2
    assert capsys.readouterr().err.startswith(f"remindbot config: cannot write {where}: ")
