"""The Dockerfile's commands, proven where no Docker engine runs.

The test reads the Dockerfile and runs its steps on this machine: the build stage's
``COPY`` lines and ``pip wheel`` (into a wheel directory in tmp_path), the runtime stage's
``pip install`` into a fresh virtual environment, then the image's ``ENTRYPOINT``/``CMD``
from that environment with the image's ``ENV`` lines (``/data``, the ``VOLUME``, mapped
into tmp_path). A Slack stand-in server is the configured platform (HTTP mode). It checks
``/healthz`` answers 200, that the image's own ``HEALTHCHECK`` command says healthy, that
stderr is JSON lines with no token in them, and that SIGTERM (``docker stop``) ends the
process with status 0 and the health check then says unhealthy.

Only root's user set-up (``useradd``, ``chown``) is not run; pip may use its local cache
(``--no-cache-dir`` dropped) to keep the test's time reasonable.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot import healthcheck
from bot.config import Settings
from bot.environment import load
from bot.healthcheck import DEFAULT_PORT
from tests.servers.slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
ROOT_ONLY = ("useradd ", "mkdir /data", "chown ")  # the non-root user set-up


@dataclass
class Stage:
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [args for name, args in self.steps if name == instruction]


def stages(path: Path) -> list[Stage]:
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments), continuation
    lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    found: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, args = line.partition(" ")
        if name.upper() == "FROM":
            found.append(Stage())
        found[-1].steps.append((name.upper(), args.strip()))
    return found


def env_lines(stage: Stage) -> dict[str, str]:
    values: dict[str, str] = {}
    for args in stage.all("ENV"):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            values[key] = value
    return values


def local(command: str, mapping: dict[str, Path], python: Path) -> str:
    """A RUN line with the image's paths mapped into tmp_path and ``pip`` as ``python``'s."""
    for image_path, here in mapping.items():
        command = re.sub(rf"(?<![\w/]){re.escape(image_path)}(?=[/\s]|$)", str(here), command)
    command = command.replace("--no-cache-dir ", "")
    return re.sub(r"(^|&& )pip ", rf"\1{python} -m pip ", command)


async def sh(command: str, cwd: Path) -> None:
    process = await asyncio.create_subprocess_shell(
        command, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, f"{command}\n{out.decode()[-3000:]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def build(tmp_path: Path) -> tuple[Path, Stage]:
    """Run the build stage and the runtime stage's installs; the new venv's bin and the
    runtime stage."""
    build_stage, runtime = stages(ROOT / "Dockerfile")
    (workdir,) = build_stage.all("WORKDIR")
    src, wheels, venv = tmp_path / "src", tmp_path / "wheels", tmp_path / "venv"
    for args in build_stage.all("COPY"):
        *sources, dest = shlex.split(args)
        target = src / (Path(dest).relative_to(workdir) if dest.startswith("/") else dest)
        for name in sources:
            at = ROOT / name
            if at.is_dir():  # COPY dir dest: the directory's contents into dest
                ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
                shutil.copytree(at, target, ignore=ignore)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(at, target / at.name)
    (building,) = build_stage.all("RUN")
    await sh(local(building, {"/wheels": wheels}, Path(sys.executable)), src)
    assert list(wheels.glob("remindbot-*.whl")), "pip wheel made no remindbot wheel"
    assert runtime.all("COPY") == ["--from=build /wheels /wheels"]
    await sh(f"{sys.executable} -m venv {venv}", tmp_path)
    for step in runtime.all("RUN"):
        if step.startswith(ROOT_ONLY[0]):
            assert all(part in step for part in ROOT_ONLY), step
            continue
        assert "pip " in step, f"a RUN step this test does not know how to run: {step}"
        await sh(local(step, {"/wheels": wheels}, venv / "bin" / "python"), tmp_path)
    assert not wheels.exists(), "the runtime stage removes the wheels after installing"
    return venv / "bin", runtime


async def test_the_dockerfile_builds_installs_and_serves_healthz(tmp_path: Path) -> None:
    bin_dir, runtime = await build(tmp_path)
    (user,) = runtime.all("USER")
    assert user == "app"  # not root
    image_env = env_lines(runtime)
    (volume,) = runtime.all("VOLUME")
    assert json.loads(volume) == ["/data"]
    assert image_env["REMINDBOT_DATABASE_URL"].startswith("sqlite:////data/")  # in the volume
    assert runtime.all("EXPOSE") == [str(Settings.fields["http_port"].default)]
    assert str(Settings.fields["http_port"].default) == DEFAULT_PORT
    data, port = tmp_path / "data", free_port()
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        **{k: v.replace("/data/", f"{data}/") for k, v in image_env.items()},
        "REMINDBOT_HTTP_PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-docker-1234",
        "SLACK_SIGNING_SECRET": "docker-signing-secret",
    }
    (entrypoint,) = runtime.all("ENTRYPOINT")
    (cmd,) = runtime.all("CMD")
    (check,) = runtime.all("HEALTHCHECK")
    check_cmd = json.loads(check.partition("CMD ")[2])
    assert check_cmd[0] == "python"
    health = [str(bin_dir / "python"), *check_cmd[1:]]
    async with FakeSlack() as slack:
        env["SLACK_API_URL"] = slack.api_url
        bot = await asyncio.create_subprocess_exec(
            *[str(bin_dir / json.loads(entrypoint)[0]), *json.loads(cmd)],
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            answer = await _healthz(port, bot)
            assert answer.status_code == 200
            assert answer.json()["checks"] == {
                "process": {"ok": True},
                "database": {"ok": True},
                "slack": {"ok": True},
            }
            assert await _run(health, env, tmp_path) == 0
            assert (data / "remindbot.db").is_file()
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(bot.communicate(), 30)
    assert bot.returncode == 0, err.decode()[-3000:]
    records = [json.loads(line) for line in err.decode().splitlines()]
    assert {"ts", "level", "logger", "msg"} <= set(records[0])
    assert not [r for r in records if "/healthz" in str(r["msg"])]  # healthy checks unlogged
    assert "xoxb-docker" not in err.decode() and "docker-signing-secret" not in err.decode()
    assert await _run(health, env, tmp_path) == 1


async def _healthz(port: int, bot: asyncio.subprocess.Process) -> httpx.Response:
    async with httpx.AsyncClient() as client, asyncio.timeout(60):
        while True:
            if bot.returncode is not None:
                _, err = await bot.communicate()
                raise AssertionError(f"remindbot run ended: {err.decode()[-3000:]}")
            try:
                return await client.get(f"http://127.0.0.1:{port}/healthz")
            except httpx.TransportError:
                await asyncio.sleep(0.2)  # still starting (migrating the new database)


async def _run(command: list[str], env: dict[str, str], cwd: Path) -> int | None:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), 30)


def test_the_healthcheck_finds_the_port_where_the_bot_does(tmp_path: Path) -> None:
    assert healthcheck.port({"REMINDBOT_HTTP_PORT": "9001"}, tmp_path) == "9001"
    assert healthcheck.port({}, tmp_path) == DEFAULT_PORT
    (tmp_path / ".env").write_text("REMINDBOT_HTTP_PORT=9002\n")
    assert healthcheck.port({}, tmp_path) == "9002"
    other = tmp_path / "other.env"
    other.write_text("REMINDBOT_HTTP_PORT=9003\n")
    assert healthcheck.port({"REMINDBOT_ENV_FILE": str(other)}, tmp_path) == "9003"
    # Names in any case, as the settings read them.
    lower = {"remindbot_http_port": "9004"}
    assert healthcheck.port(lower, tmp_path) == "9004"
    assert load(lower, tmp_path).settings.http_port == 9004
    (tmp_path / ".env").write_text("Remindbot_Http_Port=9005\n")
    assert healthcheck.port({}, tmp_path) == "9005"
    assert load({}, tmp_path).settings.http_port == 9005
    assert healthcheck.check(f"http://127.0.0.1:{free_port()}/healthz") == 1  # nobody there
