"""One reminder as an email: a plain-text and an HTML part from the package's Jinja2
templates, and the headers that make it safe to send and to recognise.

Every line of it is words from ``bot.core.texts`` in the reminder's language; the HTML
environment escapes everything it is given, so a message like ``<script>`` shows as
text and is never stripped. The plain-text part carries the same words unescaped.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.core import texts
from bot.core.model import Delivery

_SUBJECT_LIMIT = 200  # characters of the reminder's line in the Subject header
_TEXT = Environment(
    loader=PackageLoader("bot.adapters.email", "templates"),
    autoescape=False,  # plain text: nothing to escape, the words as they are
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
_HTML = Environment(
    loader=PackageLoader("bot.adapters.email", "templates"),
    autoescape=True,  # every value escaped: user text shows, never runs
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def compose(delivery: Delivery, *, sender: str, to: str, link: str | None) -> EmailMessage:
    """The email for ``delivery``, addressed ``sender`` → ``to``.

    Args:
        link: a real URL of the chat message, if the platform gave one; without it the
            email says it was also posted in chat (when it was), never a made-up URL.
    """
    rem = delivery.reminder
    tx = texts.of(delivery.recipient.language if delivery.recipient else None, rem.language)
    due = delivery.due or delivery.occurrence.due_at
    values = {
        "language": tx.language,
        "title": tx.line(rem),
        "due": tx.say("email_due", when=f"{tx.day(due, rem.tz)} ({rem.tz})"),
        "late": tx.say("email_late", late=_duration(tx, delivery.late_by)) if delivery.late else "",
        "about": tx.say("email_about", entity=f"{rem.entity_type} {rem.entity_id}")
        if rem.entity_type and rem.entity_id
        else "",
        "link": link if link and link.startswith(("https://", "http://")) else "",
        "link_label": tx.say("email_chat_link"),
        "also_in_chat": tx.say("email_also_in_chat") if delivery.chat_link else "",
        "footer": tx.say("email_footer"),
    }
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = header_safe(tx.line(rem))
    msg["Date"] = format_datetime(due + timedelta(seconds=delivery.late_by))
    msg["Message-ID"] = message_id(delivery, sender)
    msg["X-Remindbot-Delivery"] = delivery.delivery_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it, please
    msg.set_content(_TEXT.get_template("reminder.txt.j2").render(values))
    msg.add_alternative(_HTML.get_template("reminder.html.j2").render(values), subtype="html")
    return msg


def header_safe(text: str) -> str:
    """``text`` on one line for a header: every run of whitespace (newlines included)
    one space, control characters dropped, at most ``_SUBJECT_LIMIT`` characters."""
    kept = "".join(c for c in text if not unicodedata.category(c).startswith("C") or c.isspace())
    line = " ".join(kept.split())
    return line if len(line) <= _SUBJECT_LIMIT else line[: _SUBJECT_LIMIT - 1] + "\u2026"


def message_id(delivery: Delivery, sender: str) -> str:
    """A Message-ID that is the same on every retry of this delivery, so a message the
    server took before the connection broke, sent again, is one message to mail clients;
    the hash keeps two bots (or databases) with the same occurrence ids apart."""
    rem, occ = delivery.reminder, delivery.occurrence
    seed = f"{rem.owner}|{rem.id}|{rem.created_at.isoformat()}|{occ.due_at.isoformat()}"
    digest = hashlib.sha256(seed.encode()).hexdigest()[:16]
    domain = sender.rpartition("@")[2].strip(" >") or "remindbot.invalid"
    return f"<{delivery.delivery_id}.{digest}@{domain}>"


def _duration(tx: texts.Texts, seconds: float) -> str:
    """``1 h 5 min`` (``2 d 3 h``, ``0 min``): how late, to the minute, two units at most."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        tx.say(key, n=n)
        for key, n in (("email_days", days), ("email_hours", hours), ("email_minutes", minutes))
        if n
    ]
    return " ".join(parts[:2]) or tx.say("email_minutes", n=0)
