"""The bounds of a workspace template (``bot.core.templates``), which the sandbox that
renders it (``bot.core.sandbox``, loaded with Jinja2 only when a template is used) holds
to as well: here so that neither module imports the other for them."""

from __future__ import annotations

MAX_SOURCE = 4000  # characters of a template's source
MAX_OUTPUT = 3000  # characters a rendered template may have; beyond, cut (or refused)
MAX_ITEMS = 50  # items a summary or digest template is given at most
CUT = "\u2026"  # what ends an output that was cut
