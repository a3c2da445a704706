"""Helpers for the hub's browser tests: a real kiosk started headless with `--hub 127.0.0.1:0` (its
`hub: <URL>` line read from its standard output), real headless Chromium (Debian's, driven by
Playwright), and the journal read back the way a supervisor reads it (`cinema report`)."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.app.kiosk_project import ROOT, cinema_cmd

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 640}  # a small Android phone's screen, in CSS pixels
HUB_LINE = re.compile(r"^hub: (http://\S+)\s*$")


def need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (bash deploy/setup.sh --test installs it)")


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright's sync API with Debian's browser: nothing downloaded)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class RunningKiosk:
    """`cinema run --headless ... --hub 127.0.0.1:0` in a child process; `url` from its `hub:` line."""

    def __init__(self, project: Path, *args: str, timeout: float = 60.0) -> None:
        self.journal = project / "j.sqlite"
        env = dict(os.environ, CINEMA_LANGUAGE="en")
        self.proc = subprocess.Popen(cinema_cmd(project, "--hub", "127.0.0.1:0", *args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        self.out: list[str] = []
        self.url = self._read_url(timeout)

    def _read_url(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = self.proc.stdout.readline()
            if not line:
                break
            self.out.append(line)
            m = HUB_LINE.match(line)
            if m:
                return m.group(1)
        self.stop()
        raise AssertionError(f"the kiosk printed no `hub: <URL>` line; stdout: {''.join(self.out)!r}; "
                             f"stderr: {self.proc.stderr.read()[-3000:]!r}")

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the journal is committed and closed when it returns."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.poll() is not None else ""


def report(journal: Path, *flags: str) -> str:
    """`cinema report <journal> <flags>` as a supervisor runs it; its standard output."""
    out = subprocess.run([sys.executable, "-m", "cinema", "report", str(journal), *flags], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def records(journal: Path) -> list[dict]:
    """Every record of the journal, from `cinema report --records` (one JSON line each)."""
    return [json.loads(line) for line in report(journal, "--records").splitlines() if line.strip()]


def shots_folder(name: str) -> Path:
    """Where screenshots are kept for a person to look at (printed by the test): not deleted."""
    folder = Path(os.environ.get("CINEMA_SHOTS", "/tmp/cinema-hub-shots")) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Frames:
    """The JSON frames a page's WebSockets received, in order (a page may open several: it reconnects)."""

    def __init__(self, page) -> None:
        self.page = page
        self.got: list[dict] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            try:
                self.got.append(json.loads(payload))
            except ValueError:
                pass

    def wait(self, what: str, seen, timeout: float = 10.0) -> dict:
        """The first frame for which `seen(frame)` holds, waiting for it (Playwright's events go on meanwhile)."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((f for f in self.got if seen(f)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"the page got no {what} frame in {timeout:.0f} s: {self.got[-5:]}")
            self.page.wait_for_timeout(50)


def open_teacher(browser, url: str, pin: str):
    """The teacher's phone: /teacher opened at phone size, the PIN typed once the page is connected (as
    a teacher types it once the page says it is ready: before, the page says it is offline), unlocked."""
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    frames = Frames(page)
    page.goto(url + "teacher")
    frames.wait("welcome", lambda f: f.get("t") == "welcome")
    page.get_by_label("PIN").fill(pin)
    page.get_by_label("PIN").press("Enter")
    ack = frames.wait("login ack", lambda f: f.get("t") == "ack")
    assert ack.get("status") == "ok", ack
    return page
