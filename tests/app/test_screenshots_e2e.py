"""scripts/screenshots.py takes its pictures from the real main loop in a real X window: every
screen of the lesson is reached by driving the kiosk, and each picture is the window's content."""

from __future__ import annotations

import subprocess
import sys

import pygame

from cinema.display.theme import Theme
from tests.app.kiosk_project import ROOT
from tests.app.xvfb import xvfb  # noqa: F401  (a fixture)

SCREENS = ("title", "attendance", "pairing", "video", "paused", "pin", "pin_wrong", "slides", "question_quiz",
           "results_quiz", "checkin", "toast", "audio", "notice", "break", "closing", "resume", "content_error")


def test_screenshots_of_every_screen_come_from_the_real_loop(tmp_path, xvfb):  # noqa: F811
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, "scripts/screenshots.py", str(out), "--sizes", "800x600",
                           "--languages", "ar", "--media", str(tmp_path / "media")],
                          capture_output=True, text=True, cwd=ROOT, env=xvfb, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    names = {p.stem.removeprefix("ar_800x600_") for p in out.glob("*.png")}
    assert set(SCREENS) <= names, sorted(set(SCREENS) - names)
    assert names & {"checkin_results", "checkin_results_calm"}
    status_bg = Theme().status_bg
    for name in SCREENS:
        picture = pygame.image.load(str(out / f"ar_800x600_{name}.png"))
        assert picture.get_size() == (800, 600)
        # a drawn screen, not an empty window: the status bar on top, things on the screen
        colors = {picture.get_at((x, y))[:3] for x in range(0, 800, 16) for y in range(0, 600, 16)}
        assert status_bg in colors and len(colors) > 3, name
