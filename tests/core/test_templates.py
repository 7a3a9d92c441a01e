"""The template core on its own: what is refused when saved and why (in English and
Danish), what the sandbox keeps out, bounded output, and the fall back of ``apply``."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.core import template_limits, templates, texts
from bot.core.errors import InvalidRequest
from bot.core.texts import da, en


def check(name: str, source: str, language: str | None = None) -> str | None:
    """The sentence that says why ``source`` is refused as ``name`` (``None``: it is not)."""
    found = templates.problem(name, source)
    return None if found is None else texts.of(language).sentence(found)


def _refusal(name: str, source: str) -> InvalidRequest:
    found = templates.problem(name, source)
    assert found is not None, f"{source!r} was not refused"
    return found


def test_a_syntax_error_is_refused_with_its_line() -> None:
    error = _refusal("reminder", "Reminder:\n{{ message }")
    assert (error.code, error.params["line"]) == ("template_syntax", 2)
    assert check("reminder", "Reminder:\n{{ message }") == (
        "The template has a syntax error on line 2: unexpected '}'."
    )
    assert check("reminder", "Reminder:\n{{ message }", "da") == (
        "Skabelonen har en syntaksfejl i linje 2: unexpected '}'."
    )


def test_an_unknown_field_is_refused_naming_it_and_the_fields_there_are() -> None:
    source = "{{ message }}\n{{ mesage }}"
    assert check("reminder", source) == (
        "Line 2 uses 'mesage', which is not a field here: use message, entity, due, late_by, owner."
    )
    assert check("late", "{{ message.nope }}") == (
        "Line 1 uses 'nope', which is not a field here: use message, entity, due, late_by, owner."
    )
    # Only summaries and digests have a list of items.
    assert _refusal("reminder", "{% for i in items %}{{ i.message }}{% endfor %}").code == (
        "template_field"
    )
    assert check("digest", "{% for i in items %}{{ i.message }}{% endfor %}") is None
    assert _refusal("digest", "{% for i in items %}{{ i.mesage }}{% endfor %}").params["field"] == (
        "mesage"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ message.__class__.__mro__[1].__subclasses__() }}",
        "{{ items.append(1) }}",
        "{{ '{0.__class__}'.format(message) }}",
    ],
)
def test_what_leads_out_of_the_sandbox_is_refused_as_unsafe(source: str) -> None:
    name = "digest" if "items" in source else "reminder"
    error = _refusal(name, source)
    assert error.code == "template_unsafe", error
    sentence = check(name, source)
    assert sentence is not None and sentence.startswith("Line 1 reaches for what a template")
    assert "unsafe" in sentence


def test_globals_and_huge_values_are_kept_out() -> None:
    assert _refusal("reminder", "{{ range(10) }}").params["field"] == "range"
    assert _refusal("reminder", "{{ message * 100000 }}").code == "template_unsafe"
    assert _refusal("reminder", "{{ 10 ** 100000 }}").code == "template_unsafe"
    assert templates.render("{{ message * 2 }}", {"message": "ab"}) == "abab"


def test_output_is_bounded_refused_when_saved_and_cut_when_delivered() -> None:
    loop = "{% for i in items %}{% for j in items %}" + "x" * 1000 + "{% endfor %}{% endfor %}"
    assert _refusal("digest", loop).code == "template_output"
    items = [templates.SAMPLE] * 5
    cut = templates.render(loop, {**templates.SAMPLE, "items": items})
    assert len(cut) == template_limits.MAX_OUTPUT and cut.endswith("\u2026")
    long_source = "x" * (template_limits.MAX_SOURCE + 1)
    assert _refusal("reminder", long_source).code == "template_long"


def test_other_refusals_name_and_emptiness_and_errors() -> None:
    assert check("footer", "x") == (
        "There is no template called 'footer': the templates are reminder, late, summary, digest."
    )
    assert _refusal("reminder", "{% if false %}x{% endif %}").code == "template_empty"
    assert templates.problem("late", "") is None  # a late note may say nothing
    error = _refusal("reminder", "a\nb\n{{ message + 1 }}")
    assert (error.code, error.params["line"]) == ("template_error", 3)


def test_render_gives_the_fields_as_plain_text() -> None:
    source = "{{ owner }}: {{ message }}{% if entity %} ({{ entity }}){% endif %} at {{ due }}"
    fields = {**templates.SAMPLE, "message": "<!channel> & @here"}
    assert templates.render(source, fields) == (
        "U1: <!channel> & @here (case 123) at Mon 23 Nov 10:00"
    )  # no HTML escaping: the adapters escape for their platform


def test_apply_falls_back_to_the_built_in_text_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fields = dict(templates.SAMPLE)
    assert templates.apply("reminder", {}, fields, "Reminder: x") == "Reminder: x"
    assert templates.apply("reminder", {"reminder": "!{{ message }}"}, fields, "d") == (
        "!call the vet"
    )
    with caplog.at_level(logging.WARNING, logger="bot.core.templates"):
        broken = {"reminder": "{{ message }", "late": "{{ nope }}"}
        assert templates.apply("reminder", broken, fields, "Reminder: x") == "Reminder: x"
        assert templates.apply("late", broken, fields, " (late)") == " (late)"
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
    assert "template 'reminder' failed" in caplog.records[0].getMessage()


DOC = Path(__file__).parents[2] / "docs" / "templates.md"
_EXAMPLE = re.compile(r"```jinja (\w+)\n(.*?)```\s*\ngives\s*\n```text\n(.*?)```", re.S)


def test_every_example_in_the_docs_renders_as_shown() -> None:
    examples = _EXAMPLE.findall(DOC.read_text(encoding="utf-8"))
    assert [name for name, _, _ in examples] == ["reminder", "late", "digest"]
    for name, source, shown in examples:
        source = source.removesuffix("\n")
        assert templates.problem(name, source) is None, source
        rendered = templates.render(source, templates.sample(name))
        assert rendered.rstrip("\n") == shown.removesuffix("\n"), name


def test_every_template_sentence_is_in_english_and_danish() -> None:
    english = {key for key in en.SAY if key.startswith("template_")}
    danish = {key for key in da.SAY if key.startswith("template_")}
    assert english == danish and len(english) >= 10
    for code in ("template_syntax", "template_field", "template_unsafe"):
        assert en.SAY[code] != da.SAY[code]


def test_listing_gives_every_field_of_a_summary_or_digest() -> None:
    source = "{{ owner }}: {{ items | length }}\n{% for i in items %}{{ i.message }};{% endfor %}"
    items = [{**templates.SAMPLE, "message": f"m{n}"} for n in range(template_limits.MAX_ITEMS + 5)]
    assert templates.problem("summary", source) is None
    fields = templates.listing(items, owner="U9")
    text = templates.apply("summary", {"summary": source}, fields, "default")
    assert text.startswith(f"U9: {template_limits.MAX_ITEMS}\nm0;m1;") and text.endswith("m49;")
    empty = templates.apply("digest", {"digest": source}, templates.listing([]), "default")
    assert empty == ": 0\n"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{% set a = message ~ message %}{{ a }}", "template_tag"),
        ("{% with a = message %}{{ a }}{% endwith %}", "template_tag"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template_tag"),
        ("{% include 'other' %}", "template_tag"),
        ("{% for c in message %}{{ c }}{% endfor %}", "template_loop"),
        ("{% for c in [message, message] %}{{ c }}{% endfor %}", "template_loop"),
        ("{% for i in items recursive %}{{ loop(items) }}{% endfor %}", "template_loop"),
        (
            "{% for a in items %}{% for b in items %}{% for c in items %}"
            "{% endfor %}{% endfor %}{% endfor %}",
            "template_loop",
        ),
        ("{{ message|center(100000) }}", "template_filter"),
        ("{{ message|replace('', message) }}", "template_filter"),
        ("{{ message|format }}", "template_filter"),
        ("{{ message.ljust(100000) }}", "template_unsafe"),
        ("{{ message.replace('', message) }}", "template_unsafe"),
        ("{{ '{:>100000}'.format(message) }}", "template_unsafe"),
        ("{{ '%100000s' % message }}", "template_unsafe"),
    ],
)
def test_what_could_make_a_template_slow_or_huge_is_refused(source: str, code: str) -> None:
    """Time and memory grow with a template's length and data, never exponentially:
    no ``set``/``with``/macros, loops over ``items`` two deep, nothing that pads."""
    error = _refusal("digest", source)
    assert error.code == code, error
    sentence = check("digest", source)
    assert sentence is not None and "Line 1" in sentence
    assert check("digest", source, "da") != sentence


def test_a_stored_template_past_the_check_is_held_to_the_same_rules() -> None:
    stored = {"reminder": "{% set a = message %}{{ a }}"}
    assert templates.apply("reminder", stored, templates.SAMPLE, "built in") == "built in"


def test_what_a_template_may_use_works() -> None:
    source = (
        "{{ message|upper }} {{ message.title() }} {{ message|truncate(7, true, '…', 0) }} "
        "{% for i in items|sort(attribute='message') %}{{ loop.index }}:{{ i.message }} "
        "{% endfor %}{{ items|map(attribute='message')|join(', ') }} {{ 7 % 3 }}"
    )
    assert templates.problem("digest", source) is None
    assert templates.render(source, templates.sample("digest")) == (
        "CALL THE VET Call The Vet call t… 1:call the vet 2:send the report "
        "call the vet, send the report 1"
    )
