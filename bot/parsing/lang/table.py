"""The shape of a per-language word table."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class WordTable:
    """Words of one language mapped onto the grammar's canonical English words.

    Attributes:
        code: ISO 639-1 code.
        words: one lower-case word -> canonical word(s) (space separated, may be empty).
        numbers: number words -> value.
        phrases: several words read as one (``i morgen`` -> ``tomorrow``).
        guarded: short forms read as weekdays only in a weekday context.
        triggers: words that start a command (``remind``).
        addressed: words that start a command only when a target follows (``tell
            #ops``), so that a message may still begin with them (``tell Bo ...``).
        near_triggers: real words a slip away from a trigger (``resend``), never read as
            a mistyped trigger, even before a target (``resend @bob the invoice``).
        me / here: words meaning the speaker / this channel.
        connectors: words dropped at the start of the message (``to``, ``about``).
        strong: words that show a phrase is in this language (for detection).
        half_to: ``halv 3`` means 2:30 in this language (Danish), not 3:30.
        say: canonical words -> how this language writes them in a suggestion
            (``in`` -> ``om``); words not listed are written as they are.
        commands: the words of the chat's text commands in this language, by command
            (``help`` -> ``("hjælp",)``), that the chat front reads before a phrase.
    """

    code: str
    words: dict[str, str]
    numbers: dict[str, int]
    phrases: dict[str, str] = field(default_factory=dict)
    guarded: dict[str, str] = field(default_factory=dict)
    triggers: tuple[str, ...] = ()
    addressed: tuple[str, ...] = ()
    near_triggers: tuple[str, ...] = ()
    me: tuple[str, ...] = ()
    here: tuple[str, ...] = ()
    connectors: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()
    half_to: bool = False
    say: dict[str, str] = field(default_factory=dict)
    commands: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def said(self, canonical: str) -> str:
        return self.say.get(canonical, canonical)
