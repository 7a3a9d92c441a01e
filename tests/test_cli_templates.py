"""``remindbot template set | show | reset``: the real script in a subprocess on a SQLite
file, each problem one line without a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli_new_user import _one_line, remindbot

SOURCE = "{{ owner }}: {{ message }}{% if entity %} ({{ entity }}){% endif %}"


def test_set_show_and_reset_a_template_from_a_file_and_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "reminder.j2"
    path.write_text(SOURCE + "\n", encoding="utf-8")
    saved = remindbot(tmp_path, "template", "set", "slack:T1", "reminder", str(path))
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout == "saved the reminder template of slack:T1\n"
    late = remindbot(tmp_path, "template", "set", "slack:T1", "late", "-", stdin=" (late)")
    assert late.returncode == 0, late.stderr

    one = remindbot(tmp_path, "template", "show", "slack:T1", "reminder")
    assert one.stdout == SOURCE + "\n\n"  # the source as saved, its newline kept
    every = remindbot(tmp_path, "template", "show", "slack:T1")
    assert every.stdout.splitlines() == [
        "# reminder",
        SOURCE,
        "",
        "# late",
        " (late)",
        "# summary (built in)",
        "# digest (built in)",
    ]
    other = remindbot(tmp_path, "template", "show", "slack:T2")
    assert "# reminder (built in)" in other.stdout

    reset = remindbot(tmp_path, "template", "reset", "slack:T1", "reminder")
    assert reset.returncode == 0, reset.stderr
    assert "built-in one again" in reset.stdout
    again = remindbot(tmp_path, "template", "reset", "slack:T1", "reminder")
    assert again.returncode == 1
    assert _one_line(again) == ("remindbot template: Workspace slack:T1 has no reminder template.")
    gone = remindbot(tmp_path, "template", "show", "slack:T1", "reminder")
    assert gone.returncode == 1 and "has no reminder template" in _one_line(gone)


def test_an_invalid_template_is_refused_in_one_line_with_the_reason(tmp_path: Path) -> None:
    bad = remindbot(tmp_path, "template", "set", "slack:T1", "reminder", "-", stdin="a\n{{ x }}")
    assert bad.returncode == 2
    assert _one_line(bad) == (
        "remindbot template: Line 2 uses 'x', which is not a field here: "
        "use message, entity, due, late_by, owner."
    )
    unsafe = remindbot(
        tmp_path, "template", "set", "slack:T1", "digest", "-", stdin="{{ ''.__class__ }}"
    )
    assert unsafe.returncode == 2 and "unsafe" in _one_line(unsafe)
    nowhere = remindbot(tmp_path, "template", "set", "T1", "reminder", "-", stdin="x")
    assert _one_line(nowhere) == (
        "remindbot template: Name the workspace as platform:workspace, e.g. slack:T1."
    )
    missing = remindbot(tmp_path, "template", "set", "slack:T1", "reminder", "nope.j2")
    assert missing.returncode == 2
    assert _one_line(missing) == (
        "remindbot template: cannot read nope.j2: No such file or directory"
    )
    shown = remindbot(tmp_path, "template", "show", "slack:T1")
    assert "# reminder (built in)" in shown.stdout and "# digest (built in)" in shown.stdout
