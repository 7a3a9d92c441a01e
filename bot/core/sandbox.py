"""The Jinja2 sandbox that workspace message templates run in (bot/core/templates.py
says what a template may do, and why). Imported by ``templates.render`` when a template
is first saved or rendered, so a process whose workspaces keep the built-in texts never
loads Jinja2."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.core.errors import InvalidRequest
from bot.core.template_limits import CUT, MAX_OUTPUT

# What a template may use of its values besides their fields: nothing that pads, repeats
# or formats (``ljust``, ``replace``, ``format``), which could build huge strings.
_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        [
            "upper",
            "lower",
            "title",
            "capitalize",
            "casefold",
            "swapcase",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "removeprefix",
            "removesuffix",
            "split",
            "rsplit",
            "splitlines",
            "isdigit",
            "isalpha",
            "isspace",
            "isupper",
            "islower",
            "find",
            "count",
        ]
    ),
    dict: frozenset({"get", "keys", "values", "items"}),
    LoopContext: frozenset(
        {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem"}
        | {"nextitem"}
    ),
}
FILTERS = frozenset(
    [
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "truncate",
        "length",
        "count",
        "first",
        "last",
        "join",
        "map",
        "select",
        "reject",
        "selectattr",
        "rejectattr",
        "default",
        "d",
        "sort",
        "reverse",
        "unique",
        "list",
        "wordcount",
        "striptags",
        "dictsort",
        "groupby",
        "max",
        "min",
        "string",
    ]
)
_TAGS: dict[type[nodes.Node], str] = {
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.With: "with",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
    nodes.Block: "block",
}
MAX_LOOP_DEPTH = 2


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, narrowed: few methods, no formatting, bounded ``*``/``**``."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        allowed = next((names for kind, names in _METHODS.items() if isinstance(obj, kind)), None)
        return allowed is not None and attr in allowed

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``: a width in its format string pads without bound, so the
        method is left to ``is_safe_attribute``, which refuses it."""
        return None

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "%":
            if isinstance(left, str):
                raise SecurityError("'%' formatting is not allowed: write the fields with {{ }}")
            return operator.mod(left, right)
        if op == "**":
            if not (_number(left) and _number(right) and abs(right) <= 64 and abs(left) <= 10**6):
                raise SecurityError("'**' is limited to small numbers")
            return operator.pow(left, right)
        sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
        times = [v for v in (left, right) if _number(v)]
        if sizes and times and sizes[0] * max(0, int(times[0])) > MAX_OUTPUT:
            raise SecurityError(f"'*' may not build more than {MAX_OUTPUT} characters")
        return operator.mul(left, right)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_ENV = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
_ENV.globals.clear()  # no range(), lipsum(), cycler(): a template has its fields, no more
_ENV.filters = {name: f for name, f in _ENV.filters.items() if name in FILTERS}


def render(source: str, fields: Mapping[str, Any], *, strict: bool = False) -> str:
    """``bot.core.templates.render``: ``source`` compiled (once) in the sandbox and
    rendered with ``fields``; raises ``InvalidRequest`` saying why not."""
    try:
        template = _compile(source)
        return _bounded(template.generate(**fields), strict)
    except TemplateAssertionError as error:
        found = _NO_FILTER.match(error.message or "")
        if found is None:
            raise InvalidRequest(
                "template_syntax", line=error.lineno, detail=error.message
            ) from None
        raise InvalidRequest(
            "template_filter", line=error.lineno, filter=found.group(1), filters=_FILTER_LIST
        ) from None
    except TemplateSyntaxError as error:
        raise InvalidRequest("template_syntax", line=error.lineno, detail=error.message) from None
    except SecurityError as error:
        line = _line(error.__traceback__)
        raise InvalidRequest("template_unsafe", line=line, detail=_detail(error)) from None
    except UndefinedError as error:
        field = _field(str(error))
        line = _line(error.__traceback__)
        if field is None:
            raise InvalidRequest("template_error", line=line, detail=_detail(error)) from None
        raise InvalidRequest("template_field", line=line, field=field, fields="") from None
    except InvalidRequest:
        raise
    except Exception as error:  # what a template can do wrong is open-ended (1 + "a")
        line = _line(error.__traceback__)
        raise InvalidRequest("template_error", line=line, detail=_detail(error)) from None


@lru_cache(maxsize=256)
def _compile(source: str) -> Template:
    """Compiled once per source: a batch renders the same few templates many times.

    Its tags are checked here, so a template stored past ``problem`` is refused too."""
    tree = _ENV.parse(source)
    _allowed(tree, 0)
    return _ENV.from_string(tree)


def _allowed(node: nodes.Node, depth: int) -> None:
    """Refuse the tags that could make a template slow or huge (see the module)."""
    tag = _TAGS.get(type(node))
    if tag is not None:
        raise InvalidRequest("template_tag", line=node.lineno, tag=tag)
    if isinstance(node, nodes.For):
        if node.recursive or depth >= MAX_LOOP_DEPTH or not _over_items(node.iter):
            raise InvalidRequest("template_loop", line=node.lineno, depth=MAX_LOOP_DEPTH)
        depth += 1
    for child in node.iter_child_nodes():
        _allowed(child, depth)


def _over_items(expr: nodes.Node) -> bool:
    """``items``, or ``items`` through filters (``items|sort(attribute='due')``)."""
    while isinstance(expr, nodes.Filter) and expr.node is not None:
        expr = expr.node
    return isinstance(expr, nodes.Name) and expr.name == "items"


def _bounded(chunks: Iterator[str], strict: bool) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT:
            if strict:
                raise InvalidRequest("template_output", limit=MAX_OUTPUT)
            return "".join(out)[: MAX_OUTPUT - 1] + CUT
    return "".join(out)


_NO_FILTER = re.compile(r"^No filter named '([^']+)'")
_FILTER_LIST = ", ".join(sorted(FILTERS - {"d"}))
_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")


def _field(message: str) -> str | None:
    """The name an ``UndefinedError`` is about: ``nope`` in ``'nope' is undefined``."""
    found = _UNDEFINED.match(message) or _NO_ATTRIBUTE.search(message)
    return found.group(1) if found else None


def _detail(error: Exception) -> str:
    return str(error).strip().rstrip(".")[:200] or type(error).__name__


def _line(tb: TracebackType | None) -> int:
    """The template's line an error was raised on (Jinja2 rewrites its frames so)."""
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
