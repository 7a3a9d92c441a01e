"""The email channel's words: every key in English and Danish, and the owner told in
words why an email could not go."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from bot.core import texts
from bot.core.model import Reminder
from bot.core.texts import da, en
from tests.factories import new_reminder


def _keys(words: dict[str, str]) -> set[str]:
    return {key for key in words if key.startswith(("email_", "reason_"))}


def test_every_email_sentence_is_in_english_and_danish() -> None:
    assert _keys(en.SAY) == _keys(da.SAY)
    assert {"email_due", "reason_no_email_address", "reason_starttls_unsupported"} <= _keys(en.SAY)


def _reminder() -> Reminder:
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    new = new_reminder()
    given = {f.name: getattr(new, f.name) for f in fields(new)}
    return Reminder(**given, id=7, number=3, created_at=at, updated_at=at)


def test_the_owner_is_told_the_reason_in_their_language() -> None:
    rem = _reminder()
    english = texts.ENGLISH.undeliverable(rem, "email:no_email_address").text
    assert english == (
        "I could not deliver reminder #3 (email: there is no email address for that person: "
        "they can set one in their preferences or on their chat profile): call the vet"
    )
    danish = texts.DANISH.undeliverable(rem, "chat:channel_not_found,email:starttls_unsupported")
    assert danish.text == (
        "Jeg kunne ikke levere påmindelse #3 (chat:channel_not_found; email: mailserveren "
        "tilbyder ikke STARTTLS, og jeg sender ikke e-mail ukrypteret): call the vet"
    )
