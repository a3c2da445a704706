"""End to end: `cinema run` fullscreen in Xvfb, typed at through the X server's test extension (real
key presses and releases, as a USB keyboard makes them). The shipped PIN is refused and a new one
chosen; a child's random typing writes nothing but the hint; Escape held and the PIN unlock the
keyboard; Escape and the PIN end the lesson."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import random
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from tests.app.kiosk_project import cinema_cmd
from tests.app.xvfb import xvfb_display


class Keyboard:
    """Key presses through XTest (libXtst), into whatever window has the focus."""

    def __init__(self, display: str) -> None:
        names = (ctypes.util.find_library("X11"), ctypes.util.find_library("Xtst"))
        if None in names:
            pytest.skip("needs libX11 and libXtst")
        self.x11, self.xtst = ctypes.cdll.LoadLibrary(names[0]), ctypes.cdll.LoadLibrary(names[1])
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.dpy = self.x11.XOpenDisplay(display.encode())
        assert self.dpy, f"cannot open {display}"

    def press(self, name: str, hold: float = 0.0, gap: float = 0.12) -> None:
        code = self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(name.encode()))
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 1, 0)
        self.x11.XFlush(self.dpy)
        time.sleep(0.03 + hold)
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 0, 0)
        self.x11.XFlush(self.dpy)
        time.sleep(gap)

    def type(self, text: str) -> None:
        for ch in text:
            self.press("Return" if ch == "\n" else ch)

    def close(self) -> None:
        self.x11.XCloseDisplay(self.dpy)


def kinds(journal) -> list[str]:
    db = sqlite3.connect(journal)
    try:
        return [k for (k,) in db.execute("SELECT kind FROM records ORDER BY seq")]
    finally:
        db.close()


def wait_for(check, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_real_keyboard_on_the_fullscreen_kiosk(project):
    journal = project / "j.sqlite"
    config = project / "kiosk_config" / "default.yaml"
    # No battery or USB stick on the test machine's side: only what the keys do reaches the journal.
    config.write_text(config.read_text().replace("  source: auto", "  source: none")
                      .replace("usb_stick: /media/cinema-usb", "usb_stick: null"))
    cmd = [a for a in cinema_cmd(project) if a != "--headless"]  # fullscreen: the installed kiosk's way
    with xvfb_display("1024x768x24") as env:
        kiosk = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        keys = Keyboard(env["DISPLAY"])
        try:
            wait_for(lambda: (project / "j.sqlite").exists())
            time.sleep(1.5)  # the window is up and has the focus
            keys.type("1234\n")  # the shipped PIN: refused
            keys.type("4821\n4821\n")
            wait_for(lambda: "session.started" in kinds(journal))
            before = len(kinds(journal))
            rng = random.Random(5)
            names = list("abcdefghijklmnopqrstuvwxyz0123456789") + [
                "space", "Left", "Right", "Up", "Down", "Return", "Escape", "period", "slash"]
            for _ in range(40):
                keys.press(rng.choice(names), gap=rng.uniform(0.07, 0.14))
            time.sleep(0.5)
            typed = kinds(journal)[before:]
            keys.press("Escape", hold=2.4)  # held: the prompt to unlock
            keys.type("4821\n")
            keys.press("Right")  # now the keyboard moves the lesson on
            keys.press("Escape")
            keys.type("4821\n")  # and ends it
            assert kiosk.wait(timeout=20) == 0
        finally:
            keys.close()
            if kiosk.poll() is None:
                kiosk.kill()
            stderr = kiosk.communicate()[1]
    assert "Traceback" not in stderr
    all_kinds = kinds(journal)
    assert all_kinds.index("pin.changed") < all_kinds.index("session.started")
    assert set(typed) == {"keyboard.locked"}, typed
    tail = all_kinds[before + len(typed):]
    assert tail == ["keyboard.unlocked", "item.ended", "item.started", "session.ended"], tail
    stored = project / "teacher-pin.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and "4821" not in stored.read_text()
    assert json.loads(stored.read_text())["scheme"] == "scrypt"


if sys.platform != "linux":
    pytest.skip("X11 only", allow_module_level=True)
