"""The sentences a refused phrase gets: the word that looked like a time and the nearest
form that works (``no_time``), the other date order (``invalid_date``), and what one rule
cannot hold (``unsupported``).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pytest

from bot.parsing import Prefs, hints, typos
from bot.parsing.describe import EXAMPLES, refusal_text
from bot.parsing.lexer import SCAN_WORDS
from tests.parsing.reading import CPH, command, refusal

NEAR_MISSES = [
    pytest.param("remind me in 10 minuts to stretch", "10 minuts", "in 10 minutes", id="unit_typo"),
    pytest.param("remind me in 10 to stretch", "in 10", "in 10 minutes", id="no_unit"),
    pytest.param("remind me on fridy to call Bo", "fridy", "on friday", id="weekday_typo"),
    pytest.param("remind me at noone to call Bo", "noone", "at noon", id="noon_typo"),
    pytest.param("remind me in novembr to call Bo", "novembr", "november 1", id="month_alone"),
    pytest.param("remind me junee 3 to call Bo", "junee", "june 3", id="month_typo"),
    pytest.param("remind me this evenning to call Bo", "evenning", "this evening", id="pod_typo"),
    pytest.param(
        "remind me evenning to call Bo", "evenning", "tomorrow evening", id="pod_typo_alone"
    ),
    pytest.param("remind me at half 9 to call Bo", "half 9", "half past 9", id="half_nine"),
    pytest.param("remind me at 9ish to call Bo", "9ish", "at 9", id="ish"),
    pytest.param("remind me 1715 to call Bo", "1715", "at 1715", id="bare_number"),
    pytest.param(
        "påmind mig om 10 minuter om vand", "10 minuter", "om 10 minutter", id="da_unit_typo"
    ),
    pytest.param("påmind mig på fredga om vand", "fredga", "på fredag", id="da_weekday_typo"),
    pytest.param("påmind mig om 10 om vand", "om 10", "om 10 minutter", id="da_no_unit"),
]


@pytest.mark.parametrize(("text", "shown", "hint"), NEAR_MISSES)
def test_no_time_names_the_word_and_the_nearest_form(text: str, shown: str, hint: str) -> None:
    result = refusal(text)
    assert (result.code, result.detail, result.hint) == ("no_time", shown, hint)
    assert refusal_text(result, CPH) == (
        f"I could not find a time in that: \u201c{shown}\u201d looks like one, but I could "
        f"not read it. Try for example \u201c{hint}\u201d."
    )


@pytest.mark.parametrize(("text", "shown", "hint"), NEAR_MISSES)
def test_the_suggested_form_is_read(text: str, shown: str, hint: str) -> None:
    head = "påmind mig" if text.startswith("påmind") else "remind me"
    assert command(f"{head} {hint} to call Bo").when is not None


@pytest.mark.parametrize(
    "text",
    [
        "remind me whenever",
        "remind me to send the 1500 invoices",
        "remind me about case 1715",
        "remind me @channel 1715 to ping",
    ],
)
def test_no_time_without_a_near_miss_shows_the_examples(text: str) -> None:
    result = refusal(text)
    assert (result.code, result.detail, result.hint) == ("no_time", "", "")
    sentence = refusal_text(result, CPH)
    assert sentence.startswith("I could not find a time in that. Try for example:")
    assert all(example in sentence for example in EXAMPLES)


def test_a_long_message_is_looked_at_for_slips_only_near_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 500 words that are no time and no known word: each would be compared with every
    # known word. Only the first few dozen are, and each (language, word) only once.
    words = ["".join(w) for w in itertools.islice(itertools.product("bcdfg", repeat=5), 500)]
    text = "remind me to " + " ".join(words)
    looked: list[str] = []

    def counted(word: str, known: Iterable[str]) -> str | None:
        looked.append(word)
        return typos.nearest(word, known)

    monkeypatch.setattr(hints, "nearest", counted)
    prefs = Prefs(max_message=len(text))
    first = refusal(text, prefs)
    assert (first.code, first.detail) == ("no_time", "")
    assert 0 < len(looked) <= SCAN_WORDS
    seen = len(looked)
    assert refusal(text, prefs) == first
    assert len(looked) == seen


DATE_ORDER = [
    pytest.param("DMY", "remind me on 12/25 to open gifts", "day/month", "25/12", id="dmy"),
    pytest.param("MDY", "remind me on 25/12 to open gifts", "month/day", "12/25", id="mdy"),
    pytest.param(
        "DMY", "remind me on 12/25/2027 to open gifts", "day/month", "25/12/2027", id="dmy_year"
    ),
    pytest.param(
        "DMY", "remind me every year on 12/25 to open gifts", "day/month", "25/12", id="yearly"
    ),
    pytest.param(
        "MDY", "remind me every year on 25/12 to open gifts", "month/day", "12/25", id="yearly_mdy"
    ),
]


@pytest.mark.parametrize(("order", "text", "detail", "hint"), DATE_ORDER)
def test_invalid_numeric_date_suggests_the_other_order(
    order: str, text: str, detail: str, hint: str
) -> None:
    prefs = Prefs(date_order="DMY" if order == "DMY" else "MDY")
    result = refusal(text, prefs)
    assert (result.code, result.detail, result.hint) == ("invalid_date", detail, hint)
    assert refusal_text(result, CPH, prefs) == (
        "That date or time does not exist (like 30 February or 25:00). Please check it. "
        f"Your date order is {detail}: did you mean {hint}?"
    )


@pytest.mark.parametrize("text", ["remind me on 13/13 to x", "remind me on Feb 30 to x"])
def test_invalid_date_with_no_other_reading_has_no_suggestion(text: str) -> None:
    result = refusal(text, Prefs(date_order="DMY"))
    assert refusal_text(result, CPH) == (
        "That date or time does not exist (like 30 February or 25:00). Please check it."
    )


UNSUPPORTED = [
    pytest.param(
        "remind me tomorrow at 9:30 and 5pm to check mail",
        "Those times cannot share one repeat: I can keep several times only when they have the "
        "same minutes (like 9:30 and 17:30). Set one reminder for each time. Nothing was saved.",
        id="times_rule",
    ),
    pytest.param(
        "remind me twice a day to drink",
        "\u201cTwice a day\u201d needs 2 times of day, like \u201ctwice a day at 9 and "
        "17\u201d. Nothing was saved.",
        id="per_day",
    ),
    pytest.param(
        "remind me every day except holidays to stretch",
        "I could not read what comes after \u201cexcept\u201d: I can leave out days of the "
        "week (\u201cexcept Friday\u201d, \u201cexcept weekends\u201d), nothing else. "
        "Nothing was saved.",
        id="except",
    ),
    pytest.param(
        "remind me every month except Friday to pay",
        "I can leave days out only of a daily or weekly repeat, like \u201cevery weekday except "
        "Friday\u201d. Nothing was saved.",
        id="except_rule",
    ),
    pytest.param(
        "remind me every Monday except Mondays to pay",
        "That leaves out every day the reminder repeats on. Nothing was saved.",
        id="except_all",
    ),
    pytest.param(
        "remind me every monday at 9 and tuesday at 10 to x",
        "I read a repeat and also a date or time that does not fit into it. Say when it starts "
        "with \u201cstarting \u2026\u201d, or set one reminder for each. Nothing was saved.",
        id="date_in_repeat",
    ),
    pytest.param(
        "remind me every friday at 10 minutes to 12am to x",
        "That time falls on another day than the one it is counted from (10 minutes to 12am "
        "is 23:50 the day before), which a repeat cannot follow. Write the time itself, like "
        "\u201cevery Thursday at 23:50\u201d. Nothing was saved.",
        id="shift_day",
    ),
]


@pytest.mark.parametrize(("text", "sentence"), UNSUPPORTED)
def test_what_one_rule_cannot_hold_is_refused_with_a_sentence(text: str, sentence: str) -> None:
    result = refusal(text)
    assert result.code == "unsupported"
    assert refusal_text(result, CPH) == sentence
