"""Every sentence the bot says: one module of words per language (``en``, ``da``) behind
one interface, ``Texts``, that builds the neutral ``Reply`` values.

The use cases return values and raise typed errors; the chat front, the dispatcher and
the CLI turn them into words here, and nowhere else. ``of(...)`` picks the language: the
first of its arguments that names one we speak (the person's setting, then the language
of the phrase), else English.
"""

from __future__ import annotations

from bot.core.texts import da, en
from bot.core.texts.digesting import Digesting
from bot.core.texts.following import Following
from bot.core.texts.listing import Listing
from bot.core.texts.making import Making
from bot.core.texts.problems import Problems
from bot.core.texts.words import Words


class Texts(Making, Listing, Following, Problems, Digesting):
    """Every answer, in one language (``Texts(words)``)."""


ENGLISH = Texts(en.WORDS)
DANISH = Texts(da.WORDS)
LANGUAGES = {"en": ENGLISH, "da": DANISH}


def of(*languages: str | None) -> Texts:
    """The texts of the first language given that we speak; English otherwise."""
    for code in languages:
        if code in LANGUAGES:
            return LANGUAGES[code]
    return ENGLISH


__all__ = ["DANISH", "ENGLISH", "LANGUAGES", "Texts", "Words", "of"]
