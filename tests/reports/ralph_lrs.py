"""A real Ralph Learning Record Store on 127.0.0.1 for tests: found, started, queried, stopped."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "kiosk", "s3cret-pass"

# Run with Ralph's own interpreter: its pydantic models are the strict xAPI check (the POST
# endpoint only checks actor, verb and object), plus the video profile for "played".
VALIDATOR = r"""
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement
from ralph.models.xapi.video.statements import VideoPlayed
problems = []
for n, line in enumerate(sys.stdin):
    st = json.loads(line)
    models = [BaseXapiStatement]
    if st["verb"]["id"] == "https://w3id.org/xapi/video/verbs/played":
        models.append(VideoPlayed)
    for model in models:
        try:
            model.model_validate(st)
        except ValidationError as exc:
            problems.append(f"statement {n} ({st['verb']['id']}) as {model.__name__}: {exc.errors()[:2]}")
print(json.dumps(problems))
"""


def find_ralph() -> str | None:
    """CINEMA_RALPH, else the project's .venv-ralph (deploy/setup.sh --test), else `ralph` on PATH."""
    named = os.environ.get("CINEMA_RALPH")
    if named:
        return named if Path(named).is_file() else None
    local = ROOT / ".venv-ralph" / "bin" / "ralph"
    if local.is_file():
        return str(local)
    return shutil.which("ralph")


def ralph_python(ralph: str) -> str | None:
    """The interpreter Ralph's script runs with (its #! line), for checking statements offline."""
    try:
        first = Path(ralph).read_text(errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return None
    if first.startswith("#!") and "python" in first:
        candidate = first[2:].strip().split()[0]
        return candidate if Path(candidate).is_file() else None
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RalphLRS:
    ralph: str
    workdir: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def auth(self) -> tuple[str, str]:
        return USER, PASSWORD

    def _env(self) -> dict[str, str]:
        return {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_APP_DIR": str(self.workdir / "app"),
                "RALPH_AUTH_FILE": str(self.workdir / "auth.json")}

    def start(self, timeout: float = 60.0) -> RalphLRS:
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        # Ralph reads its user file at the first authenticated request, so the (slow, bcrypt) user
        # creation runs while the server starts.
        auth = subprocess.Popen([self.ralph, "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                                 "-M", f"mailto:{USER}@example.org", "-w"],
                                env=self._env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(self.workdir / "ralph.log", "wb") as log:
            self.process = subprocess.Popen(
                [self.ralph, "runserver", "-b", "fs", "-h", "127.0.0.1", "-p", str(self.port),
                 "--fs-default-directory-path", str(data)],
                env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _, err = auth.communicate(timeout=timeout)
            if auth.returncode != 0:
                raise RuntimeError(f"ralph auth failed: {err.decode(errors='replace')[-300:]}")
            self._wait_until_up(timeout)
        except BaseException:
            auth.kill()
            self.stop()
            raise
        return self

    def _wait_until_up(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ralph runserver stopped: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"ralph runserver did not answer in {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return " | ".join((self.workdir / "ralph.log").read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group we started (uvicorn's children with it)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def statements(self, **params: str) -> list[dict]:
        """Every stored statement matching the xAPI query parameters, following `more` links."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        url = f"http://127.0.0.1:{self.port}/xAPI/statements?" + urllib.parse.urlencode({"limit": "500", **params})
        found: list[dict] = []
        while url:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
                page = json.loads(r.read())
            found += page["statements"]
            more = page.get("more")
            url = urllib.parse.urljoin(url, more) if more else ""
        return found

    def check_offline(self, statements: list[dict]) -> list[str] | None:
        """Problems Ralph's strict models find (empty: all valid); None when its interpreter is unknown."""
        python = ralph_python(self.ralph)
        if python is None:
            return None
        text = "".join(json.dumps(st) + "\n" for st in statements)
        done = subprocess.run([python, "-c", VALIDATOR], input=text, capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-500:])
        return json.loads(done.stdout)
