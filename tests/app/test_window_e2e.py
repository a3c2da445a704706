"""The real kiosk in a real X window (Xvfb), looked at from the X server: what the projector shows."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pygame
import pytest

from cinema.core.view import AttendanceBody, Screen, View
from cinema.display.renderer import Renderer
from cinema.display.samples import sample_frame
from cinema.display.theme import Theme
from tests.app.kiosk_project import ROOT, cinema_cmd
from tests.app.xvfb import grab, xvfb_display

SIZE = (800, 600)
ATTENDANCE = """\
version: 1
id: e2e
title: Attendance
language: en
items:
  - type: attendance
    id: register
    title: Who is here
  - type: closing
    id: bye
"""


def quiet(project) -> None:
    """No battery to read and no USB stick to watch: the test's machine has neither."""
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("  source: auto", "  source: none").replace(
        "usb_stick: /media/cinema-usb", "usb_stick: null"))


def windowed_env(project, xvfb: dict) -> dict:
    quiet(project)
    return xvfb


def windowed(project, playlist: str) -> list[str]:
    """`cinema run` in an 800x600 window."""
    quiet(project)
    (project / "playlists" / "e2e.yaml").write_text(playlist)
    cmd = cinema_cmd(project, "--windowed", "--size", f"{SIZE[0]}x{SIZE[1]}", "--trace")
    cmd.remove("--headless")
    return cmd


def stop(kiosk: subprocess.Popen) -> None:
    kiosk.send_signal(signal.SIGTERM)
    try:
        kiosk.wait(20)
    except subprocess.TimeoutExpired:
        kiosk.kill()
        kiosk.wait(10)


def share(surface: pygame.Surface, rect: pygame.Rect, colors: set) -> float:
    """The share of pixels in `rect` that are exactly one of `colors`."""
    pixels = [surface.get_at((x, y))[:3] for x in range(rect.left, rect.right, 2) for y in range(rect.top, rect.bottom, 2)]
    return sum(p in colors for p in pixels) / len(pixels)


@pytest.fixture
def xvfb():
    """An X screen the size of the window: the window sits at its top-left corner."""
    with xvfb_display(f"{SIZE[0]}x{SIZE[1]}x24") as env:
        yield env


def test_the_camera_preview_never_covers_the_count_or_the_prompt(project, tmp_path, xvfb):
    kiosk = subprocess.Popen(windowed(project, ATTENDANCE) + ["--simulate-class", "8"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, env=xvfb)
    try:
        scanned = 0
        deadline = time.monotonic() + 60
        while scanned < 2 and time.monotonic() < deadline:  # the camera is reading the class's cards
            line = kiosk.stdout.readline()
            if not line:
                pytest.fail(kiosk.stderr.read())
            scanned += json.loads(line)["kind"] == "attendance.scanned"
        shots = grab(xvfb, SIZE, tmp_path / "grabs", frames=6)  # 1.5 s of new camera pictures
    finally:
        stop(kiosk)
    # Where the screen module puts things at this size (the count's digits may differ: the box is
    # taken from a one-digit count, which sits in the middle of the count's column).
    theme = Theme()
    layout = Renderer(SIZE).draw(pygame.Surface(SIZE), View(Screen.ATTENDANCE, AttendanceBody(5, 8)),
                                 sample_frame((320, 180)))
    hint, count, preview = (layout.get(n).rect for n in ("attendance.hint", "attendance.count",
                                                           "attendance.preview"))
    plain = {theme.background, theme.text, theme.muted, theme.accent}
    for shot in shots:
        picture = pygame.image.load(str(shot))
        assert share(picture, hint, plain) > 0.7, f"{shot.name}: the prompt is covered"
        assert share(picture, count, plain) > 0.7, f"{shot.name}: the count is covered"
        assert share(picture, preview, {theme.background}) < 0.3, f"{shot.name}: no camera picture"


RESIZE_RUN = """
import json, sys
from pathlib import Path
import pygame
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.media.fake_player import FakePlayer

class Player(FakePlayer):
    sizes = []
    def set_frame_size(self, size):
        self.sizes.append(list(size))

project = Path(sys.argv[1])
opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                  journal=project / "j.sqlite", windowed=True, size=(800, 600))
kiosk = Kiosk(opts)
kiosk.player = Player(kiosk.events.put, lambda t, r: None)
with kiosk.opened() as loop:
    t = 0.0
    for _ in range(5):
        loop.step(t := t + 0.05)
    # The projector is replugged at another resolution: the X server resizes the window.
    pygame.Window.from_display_module().size = (1280, 720)
    for turn in range(250):  # the X server's resize event may take a while on a busy machine
        loop.step(t := t + 0.05)
        pygame.time.wait(20)
        if turn >= 20 and list(loop.renderer.size) == list(pygame.display.get_surface().get_size()):
            break
    shown = pygame.display.get_surface()
    status = loop.renderer.status_rect
    print(json.dumps({"window": shown.get_size(), "renderer": loop.renderer.size,
                      "video": list(loop.renderer.content_rect.size), "frame_sizes": Player.sizes,
                      "status_right": list(shown.get_at((status.right - 2, status.centery))[:3]),
                      "status_bg": list(loop.renderer.theme.status_bg)}))
"""


def test_a_replugged_projector_at_another_size_relays_the_screen_out(project, xvfb):
    big = subprocess.run([sys.executable, "-c", RESIZE_RUN, str(project)], capture_output=True, text=True,
                         cwd=ROOT, env=windowed_env(project, xvfb), timeout=120)
    assert big.returncode == 0, big.stderr
    seen = json.loads(big.stdout.splitlines()[-1])
    assert seen["window"] == [1280, 720]
    assert seen["renderer"] == [1280, 720]  # the layout is for the new size
    assert seen["frame_sizes"][-1] == seen["video"]  # videos are decoded to fit the new video area
    assert seen["video"][0] > 1000
    assert seen["status_right"] == seen["status_bg"]  # and the screen was drawn again, edge to edge
