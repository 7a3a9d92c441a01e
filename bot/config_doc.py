"""docs/configuration.md, written from ``Settings`` itself.

A hand-kept table drifts: a field added without a line, a default changed in one place.
Here every field's variable names (aliases included), type, default, range and
``description`` are read from the model, so ``remindbot config --reference`` writes the
page and tests/test_config_doc.py fails when the committed page and ``Settings`` differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Field, Secret, Settings
from bot.environment import OTHER_NAMES, field_names

PAGE = Path("docs") / "configuration.md"
_WORDS: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "`true` or `false`",
    Secret: "secret (masked in logs and `remindbot config`)",
    Path: "file path",
}
# Shown for a default that depends on the machine (the user's data directory).
_FACTORY_DEFAULTS = {"database_url": "`sqlite:///<user data dir>/remindbot.db`"}

HEADER = """\
# Configuration reference

Every setting of `remindbot`, read from the environment or a `.env` file
([operations.md](operations.md#configuration) says how, and how typos are refused).
`remindbot config` prints the values in effect and where each came from.

This page is generated from `bot/config.py` by `remindbot config --reference`; a test
fails when the two differ, so change the field (its description) and run the command
again rather than editing the page.

| variable | type | default | what it does |
|---|---|---|---|
"""


def reference() -> str:
    """The whole page, one table row per ``Settings`` field in declaration order."""
    rows = [_row(name, info) for name, info in Settings.fields.items()]
    return HEADER + "".join(rows) + _others()


def write(root: Path) -> Path:
    """Write the page under ``root`` (the checkout); return its path."""
    path = root / PAGE
    path.write_text(reference(), encoding="utf-8")
    return path


def _row(name: str, info: Field) -> str:
    if not info.description:
        raise ValueError(f"Settings.{name} has no description for docs/configuration.md")
    names = " or ".join(f"`{n}`" for n in field_names(name))
    cells = (names, _type(info), _default(name, info), _cell(info.description))
    return "| " + " | ".join(cells) + " |\n"


def _type(info: Field) -> str:
    if isinstance(info.kind, tuple):  # a Literal's choices
        words = ", ".join(f"`{choice}`" for choice in info.kind)
        kind = f"one of {words}"
    else:
        kind = _WORDS.get(info.kind, getattr(info.kind, "__name__", str(info.kind)))
    limits = _limits(info)
    return kind + (f", {limits}" if limits else "") + (", may be unset" if info.optional else "")


def _limits(info: Field) -> str:
    rules = ((">=", info.ge), (">", info.gt), ("<=", info.le))
    return " and ".join(f"{word} {bound}" for word, bound in rules if bound is not None)


def _default(name: str, info: Field) -> str:
    if info.factory is not None:
        return _FACTORY_DEFAULTS[name]
    value = info.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def _cell(text: str) -> str:
    if "|" in text or "\n" in text:
        raise ValueError(f"a description cannot hold '|' or a line break: {text!r}")
    return text


def _others() -> str:
    """The names read outside ``Settings`` (known, so never refused as typos)."""
    names = ", ".join(f"`{n}`" for n in sorted(OTHER_NAMES))
    return (
        "\nAlso known, and read elsewhere (never refused as typos): "
        f"{names}. `REMINDBOT_ENV_FILE` names the `.env` file; `REMINDBOT_API_TOKEN` is "
        "`remindbot mcp --token`'s default; the others are for the test suite.\n"
    )
