"""Below the battery's warning level, through the real main loop (SDL's dummy driver) and the real camera
thread: the screen is drawn again once a minute where nothing tells the time, a countdown still counts
every second, the camera reads fewer pictures outside card reading and all of them during it."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pytest

from cinema.app.brightness import FakeDimmer
from cinema.app.devices import Devices
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.core.events import Command, PowerReading, TeacherCommand
from cinema.core.view import AttendanceBody, MediaBody, QuestionBody, Screen, TitleBody, View
from cinema.devices.cards.camera import CameraScanner
from cinema.devices.cards.sources import FakeCamera
from cinema.media.fake_player import FakePlayer

PLAYLIST = """\
version: 1
id: save
title: Save
language: en
items:
  - type: title
    id: hello
    title: Hello
  - type: video
    id: clip
    media: clip.mp4
  - type: break
    id: rest
    title: Breathe
    seconds: 120
  - type: closing
    id: bye
"""


@dataclass
class PaceOnlyCamera:
    """What the loop asks of the camera here: its pace and whether it reads answer cards."""

    rest_between: float = 0.0
    markers: bool = False

    def want_markers(self, wanted: bool) -> None:
        self.markers = wanted

    def preview(self):
        return None


@pytest.fixture
def lesson(project):
    (project / "playlists" / "save.yaml").write_text(PLAYLIST)
    (project / "playlists" / "clip.mp4").write_bytes(b"\0" * 64)
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("source: auto", "source: none"))
    return RunOptions(config=config, playlist=project / "playlists" / "save.yaml", journal=project / "j.sqlite",
                      headless=True)


def run_a_minute(lesson, percent: float, nexts: int) -> tuple[str, int, PaceOnlyCamera]:
    """The lesson `nexts` items on at `percent` on battery; the class window's full draws over the next
    simulated minute, and the camera's pace at its end."""
    clock = FakeClock()
    kiosk = Kiosk(lesson, dimmer=FakeDimmer(), clock=clock, wall=lambda: 1_000_020.0 + clock.monotonic())
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    with kiosk.opened() as loop:
        camera = loop.devices.camera = PaceOnlyCamera()
        t = 0.0
        loop.step(t)
        for _ in range(2):  # a reading far from none is believed once seen twice
            loop.events.put(PowerReading(percent, 60.0, False))
        for _ in range(nexts):
            loop.events.put(TeacherCommand(Command.NEXT))
        for _ in range(120):  # 6 s: the battery's notice comes and goes
            t = round(t + 0.05, 2)
            clock.advance(0.05)
            loop.step(t)
        before = loop.presenter.full_draws
        for _ in range(1200):  # one minute, a turn every 50 ms
            t = round(t + 0.05, 2)
            clock.advance(0.05)
            loop.step(t)
        return loop.view.screen.value, loop.presenter.full_draws - before, camera


def test_a_low_battery_on_a_playing_video_redraws_the_class_window_once_a_minute(lesson):
    screen, draws, camera = run_a_minute(lesson, 15.0, nexts=1)
    assert screen == "video"
    assert draws <= 2  # the clock's minute (was 60: the video's position, drawn nowhere, changed every second)
    assert camera.rest_between > 0  # no cards are read during a video: fewer camera pictures


def test_a_countdown_still_counts_every_second_on_a_low_battery(lesson):
    screen, draws, camera = run_a_minute(lesson, 15.0, nexts=2)
    assert screen == "break"
    assert draws >= 58  # the seconds left are information, not animation
    _, draws_charged, camera_charged = run_a_minute(lesson, 90.0, nexts=2)
    assert draws_charged == pytest.approx(draws, abs=2)
    assert camera_charged.rest_between == 0.0  # well charged: every picture


def view(screen: Screen, body, **kw) -> View:
    return View(screen, body, **kw)


VIDEO = view(Screen.VIDEO, MediaBody("clip.mp4", "Clip"))
ATTENDANCE = view(Screen.ATTENDANCE, AttendanceBody(3, 20))
PAIRING = view(Screen.PAIRING, AttendanceBody(3, 20))
CARD_QUESTION = view(Screen.QUESTION, QuestionBody("2+2?", (), 0, 20, 1, 3, cards=True))
CLICKER_QUESTION = view(Screen.QUESTION, QuestionBody("2+2?", (), 0, 20, 1, 3))
TITLE = view(Screen.TITLE, TitleBody("Hello"))


@pytest.mark.parametrize("shown, rest, markers", [
    (VIDEO, 0.5, False),
    (TITLE, 0.5, False),
    (CLICKER_QUESTION, 0.5, False),
    (ATTENDANCE, 0.0, False),  # children's cards are read here: every picture
    (PAIRING, 0.0, False),
    (CARD_QUESTION, 0.0, True),
])
def test_the_camera_reads_fewer_pictures_on_a_low_battery_except_where_cards_are_read(shown, rest, markers):
    import queue

    devices = Devices(queue.Queue(), FakeClock(), headless=True)
    devices.camera = PaceOnlyCamera()
    devices.set_camera_rest(0.5)
    devices.follow(shown)
    assert (devices.camera.rest_between, devices.camera.markers) == (rest, markers)
    devices.set_camera_rest(0.0)  # power back
    assert devices.camera.rest_between == 0.0


def test_the_camera_thread_reads_a_picture_per_rest_and_every_picture_again_at_once():
    """A generated 30 frames/s source: at a 0.5 s rest a handful of pictures read and decoded a second,
    at none (attendance) the camera's own rate, taken up at once though the thread was resting."""
    frames = [np.full((360, 640), 40 + i, np.uint8) for i in range(30)]
    scanner = CameraScanner(FakeCamera(frames, fps=30).open, lambda e: None, preview_size=None)
    scanner.rest_between = 0.5
    scanner.start()
    try:
        time.sleep(1.5)
        resting = scanner.stats.frames
        assert 2 <= resting <= 5  # one picture, then one every 0.5 s (30 a second without the rest)
        assert scanner.stats.decoded <= resting
        scanner.rest_between = 0.0
        time.sleep(1.0)
        assert scanner.stats.frames - resting >= 15  # the camera's own rate again (30 a second, slow CI allowed)
    finally:
        scanner.stop()
