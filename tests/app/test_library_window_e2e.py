"""`cinema run` as the installed service starts it (no --playlist) in a real X window (Xvfb): a
broken lesson in the folder, even the config's own, no longer stops the kiosk on the content-error
screen; the home screen lists the lessons, the broken one marked, and the kiosk waits for the teacher."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pygame
import pytest

from cinema.display.theme import Theme
from tests.app.kiosk_project import ROOT
from tests.app.xvfb import grab, xvfb_display

SIZE = (800, 600)
GOOD = """\
version: 1
id: {id}
title: {title}
subject: health
items:
  - type: title
    id: hello
  - type: closing
    id: bye
"""
BROKEN = """\
version: 1
id: broken
title: Broken lesson
items:
  - type: activity
    activity: no-such-quiz
"""


@pytest.fixture
def xvfb():
    with xvfb_display(f"{SIZE[0]}x{SIZE[1]}x24") as env:
        yield env


def test_the_service_opens_on_the_home_screen_even_when_the_configs_lesson_is_broken(tmp_path, xvfb):
    import shutil

    (tmp_path / "kiosk_config").mkdir()
    (tmp_path / "playlists").mkdir()
    shutil.copytree(ROOT / "activities", tmp_path / "activities")
    config = (ROOT / "kiosk_config" / "default.yaml").read_text()
    for old, new in (("playlist: playlists/demo.yaml", "playlist: playlists/broken.yaml"),
                     ("  source: auto", "  source: none"), ("usb_stick: /media/cinema-usb", "usb_stick: null")):
        config = config.replace(old, new)
    (tmp_path / "kiosk_config" / "default.yaml").write_text(config)
    (tmp_path / "playlists" / "broken.yaml").write_text(BROKEN)
    (tmp_path / "playlists" / "water.yaml").write_text(GOOD.format(id="water", title="Water"))
    shots = tmp_path / "shots"
    # --windowed as a trainer tries it (a fullscreen kiosk first asks for a new PIN: not this test's part)
    cmd = [sys.executable, "-m", "cinema", "run", "--config", str(tmp_path / "kiosk_config" / "default.yaml"),
           "--journal", str(tmp_path / "j.sqlite"), "--windowed", "--size", f"{SIZE[0]}x{SIZE[1]}",
           "--screenshots", str(shots)]
    kiosk = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=xvfb)
    try:
        deadline = time.monotonic() + 60
        while not list(shots.glob("*.png")) and time.monotonic() < deadline and kiosk.poll() is None:
            time.sleep(0.2)
        time.sleep(1.0)
        assert kiosk.poll() is None, f"the kiosk stopped: {kiosk.stderr.read()[-2000:]}"
        [picture] = grab(xvfb, SIZE, tmp_path / "grabs")
    finally:
        kiosk.send_signal(signal.SIGTERM)
        try:
            kiosk.wait(20)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            kiosk.wait(10)
    assert [p.name for p in sorted(shots.glob("*.png"))][0] == "001-library.png"
    assert not (shots / "001-content_error.png").exists()
    # What the X server shows is a drawn home screen: the status bar, the chosen row's accent edge
    # and the broken lesson's warning yellow.
    theme = Theme()
    screen = pygame.image.load(str(picture))
    colors = {screen.get_at((x, y))[:3] for x in range(0, SIZE[0], 4) for y in range(0, SIZE[1], 4)}
    assert {theme.status_bg, theme.accent, theme.warn} <= colors
    assert kiosk.returncode == 128 + signal.SIGTERM  # stopped by us, cleanly, not by the broken lesson
