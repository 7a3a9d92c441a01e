"""Preferences with their sources: a person's own choice, else their workspace's default
(an admin setting), else the built-in value. Pure, apart from nothing: storage is read
by the callers (``People``, the dispatcher), once, and handed here.

Workspace defaults are stored as JSON under ``platform:workspace`` (``slack:T1``):

- ``channels``: a non-empty list of ``chat``, ``email``, ``webhook``;
- ``quiet_hours``: ``{"start": "22:00", "end": "07:00"}`` or ``null`` (none);
- ``default_time``: ``"08:30"``;
- ``tz``: an IANA zone, for people who set none and whose platform gave none;
- ``language``: ``"en"`` or ``"da"``.

Every check raises ``InvalidRequest`` with a code that is one sentence in
``bot.core.texts``; nothing is stored when one fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any, Literal

from bot.core.errors import InvalidRequest
from bot.core.model import CHANNELS, UserPrefs, UserRef
from bot.parsing.zones import find_zone

Source = Literal["yours", "platform", "workspace", "default"]
# What a workspace may set a default for, in the order they are shown.
DEFAULT_NAMES = ("channels", "quiet_hours", "default_time", "tz", "language")
# Every preference shown with its source.
SHOWN = ("channels", "email", "quiet_hours", "default_time", "tz", "language")
BUILT_IN = UserPrefs(key="")
_CHANNEL_WORDS = {
    "chat": "chat",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "webhook": "webhook",
}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[^@\s<>()\[\],;:\"]+@{_LABEL}(?:\.{_LABEL})+$")
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
_LANGUAGES = ("en", "da")


def workspace_of(person: UserRef) -> str:
    """The key a person's workspace settings are stored under (``slack:T1``)."""
    return f"{person.platform}:{person.workspace}"


def channels(names: Iterable[str]) -> tuple[str, ...]:
    """Channel names checked and in a stable order (``E-mail`` is ``email``).

    Raises:
        InvalidRequest: ``unknown_channel`` (with ``name``), ``no_channels``.
    """
    found: list[str] = []
    for raw in names:
        name = _CHANNEL_WORDS.get(raw.strip().lower())
        if name is None:
            raise InvalidRequest("unknown_channel", name=raw.strip())
        found.append(name)
    if not found:
        raise InvalidRequest("no_channels")
    chosen = set(found)
    return tuple(c for c in CHANNELS if c in chosen)


def email(text: str) -> str:
    """An email address as given, checked to be one address.

    Raises:
        InvalidRequest: ``bad_email`` (with ``email``).
    """
    address = text.strip().removeprefix("<").removesuffix(">")
    # Slack writes an address as <mailto:ann@example.com|ann@example.com>.
    if address.startswith("mailto:"):
        address = address.removeprefix("mailto:").split("|", 1)[0]
    if len(address) > 254 or not _EMAIL.match(address):
        raise InvalidRequest("bad_email", email=text.strip())
    return address


def clock_time(text: str) -> time:
    """``08:30`` (or ``8.30``) as a time.

    Raises:
        InvalidRequest: ``default_time_format``.
    """
    m = _HHMM.match(text.strip())
    if m is None:
        raise InvalidRequest("default_time_format")
    return time(int(m.group(1)), int(m.group(2)))


def quiet_hours(start: time | None, end: time | None) -> tuple[time | None, time | None]:
    """Quiet hours checked: both or neither, and not equal.

    Raises:
        InvalidRequest: ``quiet_format``.
    """
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidRequest("quiet_format")
    return start, end


def zone_name(text: str) -> str:
    """A zone as a person writes it (Copenhagen, CET, Europe/Copenhagen), as IANA.

    Raises:
        InvalidRequest: ``unknown_zone`` (with ``name``).
    """
    found = find_zone(text)
    if found is None:
        raise InvalidRequest("unknown_zone", name=text)
    return found


def language(text: str) -> str:
    """``en`` or ``da`` (also ``english``, ``dansk``…).

    Raises:
        InvalidRequest: ``unknown_language`` (with ``name``).
    """
    key = text.strip().lower()
    words = {"english": "en", "engelsk": "en", "danish": "da", "dansk": "da"}
    code = words.get(key, key)
    if code not in _LANGUAGES:
        raise InvalidRequest("unknown_language", name=text)
    return code


def checked_changes(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Preferences given as JSON (the API's PATCH), each checked, as the ``UserPrefs``
    fields it sets, by preference; ``None`` is "none" (no quiet hours, the profile's
    email, answers in the language written).

    Raises:
        InvalidRequest: the first value's code that fails (``unknown_preference`` for a
            name that is none).
    """
    found: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if name == "channels":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InvalidRequest("no_channels")
            found[name] = {"channels": channels(value)}
        elif name == "email":
            found[name] = {"email": None if value is None else email(_text(value, "bad_email"))}
        elif name == "quiet_hours":
            start = end = None
            if value is not None:
                if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
                    raise InvalidRequest("quiet_format")
                start, end = (clock_time(_text(value[k], "quiet_format")) for k in ("start", "end"))
            start, end = quiet_hours(start, end)
            found[name] = {"quiet_start": start, "quiet_end": end}
        elif name == "default_time":
            found[name] = {"default_time": clock_time(_text(value, "default_time_format"))}
        elif name == "tz":
            found[name] = {"tz": zone_name(_text(value, "unknown_zone")), "tz_source": "user"}
        elif name == "language":
            auto = value is None or (isinstance(value, str) and value.lower() == "auto")
            found[name] = {"language": None if auto else language(_text(value, "bad_default"))}
        else:
            raise InvalidRequest("unknown_preference", name=name, names=", ".join(SHOWN))
    return found


def _text(value: Any, code: str) -> str:
    if not isinstance(value, str):
        raise InvalidRequest(code, email=str(value), name=str(value))
    return value


# -- workspace defaults -------------------------------------------------------------------


def default_value(name: str, value: Any) -> Any:
    """A workspace default given as JSON (the API), checked and in its stored form;
    ``None`` removes the default (for ``quiet_hours``: none is the default).

    Raises:
        InvalidRequest: ``unknown_default`` (with ``name``) or the value's own code.
    """
    if name not in DEFAULT_NAMES:
        raise InvalidRequest("unknown_default", name=name, names=", ".join(DEFAULT_NAMES))
    if value is None:
        return None
    if name == "channels":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidRequest("no_channels")
        return list(channels(value))
    if name == "quiet_hours":
        if not isinstance(value, dict) or set(value) != {"start", "end"}:
            raise InvalidRequest("quiet_format")
        start, end = (clock_time(str(value[k])) for k in ("start", "end"))
        quiet_hours(start, end)
        return {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if not isinstance(value, str):
        raise InvalidRequest(f"{name}_format" if name == "default_time" else "bad_default")
    if name == "default_time":
        return f"{clock_time(value):%H:%M}"
    if name == "tz":
        return zone_name(value)
    return language(value)


def default_from_text(name: str, text: str) -> Any:
    """A workspace default as typed on the command line (``chat,email``, ``22:00-07:00``,
    ``off``, ``08:30``, ``Europe/Copenhagen``, ``da``), checked; ``unset`` removes it.

    Raises:
        InvalidRequest: as ``default_value``.
    """
    text = text.strip()
    if name not in DEFAULT_NAMES:
        raise InvalidRequest("unknown_default", name=name, names=", ".join(DEFAULT_NAMES))
    if text.lower() == "unset":
        return None
    if name == "channels":
        return default_value(name, [p for p in re.split(r"[,\s]+", text) if p])
    if name == "quiet_hours":
        if text.lower() in ("off", "none"):
            return None
        start, sep, end = text.replace("\u2013", "-").partition("-")
        if not sep:
            raise InvalidRequest("quiet_format")
        return default_value(name, {"start": start, "end": end})
    return default_value(name, text)


# -- the effective preferences ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """A person's preferences as they apply (``prefs``), and where each came from."""

    prefs: UserPrefs
    sources: Mapping[str, Source] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingsForm:
    """The controls that change settings where a platform can show them (Slack's App
    Home), neutral: each with its label and the value it shows now. The action ids are
    ``bot.core.actions.SET_*``."""

    title: str
    channels_label: str
    channels: tuple[tuple[str, str, bool], ...]  # (label, value, chosen) for each channel
    quiet_start_label: str
    quiet_end_label: str
    quiet_start: time | None
    quiet_end: time | None
    quiet_off_label: str
    default_time_label: str
    default_time: time


def _own(prefs: UserPrefs, name: str) -> bool:
    """They chose it: they said so, or it differs from the built-in value (a row stored
    before choices were recorded)."""
    if name in prefs.own:
        return True
    if name == "quiet_hours":
        return prefs.quiet_start is not None
    return bool(getattr(prefs, name) != getattr(BUILT_IN, name))


def effective(prefs: UserPrefs, defaults: Mapping[str, Any] | None) -> Settings:
    """``prefs`` with the workspace's ``defaults`` where they chose nothing themselves.

    A default stored that no longer passes its check (written by hand) is ignored.
    """
    defaults = defaults or {}
    changes: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    for name in SHOWN:
        if name == "tz":
            sources[name] = "yours" if prefs.tz_source == "user" else prefs.tz_source
            if prefs.tz_source == "default" and _usable(name, defaults):
                changes["tz"] = defaults["tz"]
                sources[name] = "workspace"
            continue
        if _own(prefs, name):
            sources[name] = "yours"
        elif name != "email" and _usable(name, defaults):
            changes.update(_applied(name, defaults[name]))
            sources[name] = "workspace"
        else:
            sources[name] = "default"
    return Settings(prefs=replace(prefs, **changes) if changes else prefs, sources=sources)


def _usable(name: str, defaults: Mapping[str, Any]) -> bool:
    if name not in defaults or defaults[name] is None:
        return False
    value = defaults[name]
    try:
        return bool(default_value(name, value) == value)
    except InvalidRequest:
        return False


def _applied(name: str, value: Any) -> dict[str, Any]:
    """The ``UserPrefs`` fields a stored default sets."""
    if name == "channels":
        return {"channels": tuple(value)}
    if name == "quiet_hours":
        return {"quiet_start": clock_time(value["start"]), "quiet_end": clock_time(value["end"])}
    if name == "default_time":
        return {"default_time": clock_time(value)}
    if name == "language":
        return {"language": value}
    return {}


def effective_all(
    prefs: Mapping[str, UserPrefs], defaults: Mapping[str, Mapping[str, Any]]
) -> dict[str, UserPrefs]:
    """Many people's effective preferences (the dispatcher's batch), by key."""
    return {
        key: effective(p, defaults.get(workspace_of(UserRef.of(key)))).prefs
        for key, p in prefs.items()
    }
