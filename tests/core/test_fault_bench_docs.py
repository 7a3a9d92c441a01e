"""docs/benchmarks.md's fault and replica commands are the benchmarks' real flags."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(script: str) -> list[list[str]]:
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    lines = re.findall(rf"^\.venv/bin/python bench/{script}\.py(.*)$", text, re.MULTILINE)
    return [shlex.split(line.split("#")[0]) for line in lines]


def test_the_documented_fault_commands_parse_to_the_documented_sizes() -> None:
    faults = _bench("faults")
    commands = _commands("faults")
    assert commands == [[], ["--quick"]]
    full, quick = (faults.parse_args(args) for args in commands)
    assert (full.reminders, full.kills, full.seed) == (2000, 10, 20261201)
    assert (quick.reminders, quick.kills) == (300, 3)


def test_the_documented_replica_commands_parse_to_the_documented_sizes() -> None:
    replicas = _bench("replicas")
    commands = _commands("replicas")
    assert commands == [[], ["--quick"], ["--window", "0"]]
    full, quick, instant = (replicas.parse_args(args) for args in commands)
    assert (full.reminders, full.replicas, full.window) == (20_000, 4, 60.0)
    assert (quick.reminders, quick.window) == (2000, 10.0)
    assert instant.window == 0.0
