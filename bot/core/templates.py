"""Workspace message templates: Jinja2 in a sandbox, checked when saved, plain text out.

A workspace may word its delivered reminders (``reminder``), the note a late one gets
(``late``), the summary of held reminders (``summary``) and the digest (``digest``) its
own way. Templates are written by whoever holds a system token, yet the text they are
given (a reminder's message) is anyone's, and a template runs on every delivery of its
workspace: so it may neither reach out of its data nor take long or much memory.

- Jinja2's immutable sandbox: no attribute that leads out of the data, no mutating calls;
  on top of it only a few harmless string methods (``upper``, ``strip``…) and filters
  (``upper``, ``join``, ``length``…), nothing that pads or repeats (``center``,
  ``ljust``, ``replace``, ``format``, ``%``), and ``*`` and ``**`` only for small values.
- Every name that is not a field is an error (``StrictUndefined``); no globals (``range``).
- No ``set``, ``with``, macros, includes or imports; a ``for`` goes over ``items`` only,
  at most two deep: so a template's time and memory grow with its length and its data,
  never exponentially.
- The output is cut at ``MAX_OUTPUT`` characters.

The result is plain text, never markup: the adapters escape it for their platform as
they escape every reply, so a template cannot ping ``@channel`` any more than a message
can. A template is refused when saved (``problem``) with the reason; one that
still fails when a reminder is delivered (odd data) falls back to the built-in text
(``apply``), with a warning in the log, and never fails the delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.errors import InvalidRequest
from bot.core.template_limits import MAX_ITEMS, MAX_SOURCE

log = logging.getLogger(__name__)

NAMES = ("reminder", "late", "summary", "digest")
FIELDS = ("message", "entity", "due", "late_by", "owner")
LISTED = frozenset({"summary", "digest"})  # these also get ``items``: one dict per reminder
MAY_BE_EMPTY = frozenset({"late"})  # an empty late note leaves the lateness unsaid

SAMPLE: dict[str, str] = {
    "message": "call the vet",
    "entity": "case 123",
    "due": "Mon 23 Nov 10:00",
    "late_by": "5 min",
    "owner": "U1",
}

# Jinja2 and the sandbox (bot/core/sandbox.py) are imported when a template is first
# saved or rendered: a bot whose workspaces keep the built-in texts never loads them.


def fields_of(name: str) -> tuple[str, ...]:
    """The names a template called ``name`` may use."""
    return (*FIELDS, "items") if name in LISTED else FIELDS


def sample(name: str) -> dict[str, Any]:
    """The fields a template is rendered against once when saved."""
    if name in LISTED:
        other = {**SAMPLE, "message": "send the report", "entity": ""}
        return {**SAMPLE, "items": [dict(SAMPLE), other]}
    return dict(SAMPLE)


def listing(items: Sequence[Mapping[str, str]], **top: str) -> dict[str, Any]:
    """The fields of a ``summary`` or ``digest``: its ``items`` (one reminder's fields
    each, at most ``MAX_ITEMS``), and at the top the fields ``top`` gives, else the first
    item's (else empty), so every field a template may name is there."""
    first = items[0] if items else dict.fromkeys(FIELDS, "")
    return {**{f: first.get(f, "") for f in FIELDS}, **top, "items": list(items[:MAX_ITEMS])}


def problem(name: str, source: str) -> InvalidRequest | None:
    """Why the template ``source`` cannot be saved as ``name``, or ``None`` if it can.

    It is compiled, then rendered once against sample fields: a syntax error, a name
    that is no field, an unsafe attribute and an error while rendering are all found
    here rather than when a reminder is due.
    """
    if name not in NAMES:
        return InvalidRequest("template_name", name=name, names=", ".join(NAMES))
    if len(source) > MAX_SOURCE:
        return InvalidRequest("template_long", limit=MAX_SOURCE)
    try:
        text = render(source, sample(name), strict=True)
    except InvalidRequest as error:
        if error.code == "template_field":
            error.params["fields"] = ", ".join(fields_of(name))
        return error
    if not text.strip() and name not in MAY_BE_EMPTY:
        return InvalidRequest("template_empty")
    return None


def render(source: str, fields: Mapping[str, Any], *, strict: bool = False) -> str:
    """``source`` rendered with ``fields``; raises ``InvalidRequest`` saying why not.

    The output stops at ``MAX_OUTPUT`` characters: cut with an ellipsis, or, when
    ``strict`` (the check on saving), refused.
    """
    from bot.core import sandbox

    return sandbox.render(source, fields, strict=strict)


def apply(
    name: str, templates: Mapping[str, str], fields: Mapping[str, Any], default_text: str
) -> str:
    """The text of ``name`` from the workspace's ``templates``, else ``default_text``.

    For the delivered reminder, the late note, the summary and the digest. A stored
    template that fails now (it passed when saved; the data may be odd) gives the
    built-in text and a warning: a template never costs a delivery.
    """
    source = templates.get(name)
    if source is None:
        return default_text
    try:
        return render(source, fields)
    except Exception as error:
        log.warning("template %r failed, the built-in text is used: %s", name, error)
        return default_text
