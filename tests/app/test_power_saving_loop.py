"""Below the battery's warning level, through the real main loop (SDL's dummy driver) and the real camera
thread: the screen is drawn again once a minute where nothing tells the time, a countdown still counts
every second, the camera reads fewer pictures outside card reading and all of them during it."""

from __future__ import annotations

import dataclasses
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
    preview_every: float = 0.0

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
    assert devices.camera.preview_every == 0.0  # the screen is not still: every picture previewed
    devices.follow(dataclasses.replace(shown, still=True))
    assert (devices.camera.rest_between, devices.camera.preview_every) == (rest, 0.5)  # the live picture twice a second
    devices.set_camera_rest(0.0)  # power back
    devices.follow(shown)
    assert (devices.camera.rest_between, devices.camera.preview_every) == (0.0, 0.0)


def test_the_camera_thread_reads_a_picture_per_rest_and_every_picture_again_at_once():
    """A generated 30 frames/s source: at a 0.5 s rest a handful of pictures read and decoded a second,
    at none (attendance) the camera's own rate, taken up at once though the thread was resting."""
    frames = [np.full((360, 640), 40 + i, np.uint8) for i in range(30)]
    scanner = CameraScanner(FakeCamera(frames, fps=30).open, lambda e: None)
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
        # A still screen: every picture decoded, a preview of one twice a second (no card in these pictures).
        scanner.preview_every = 0.5
        decoded, previews = scanner.stats.decoded, scanner.stats.previews
        time.sleep(1.0)
        assert scanner.stats.decoded - decoded >= 15
        assert scanner.stats.previews - previews <= 3
    finally:
        scanner.stop()


def test_a_lesson_started_on_a_low_battery_works_less_from_its_start_and_the_next_on_a_charger_does_not(project):
    """From the home screen: the battery's last reading goes to the lesson, which journals its steps at
    once; a later lesson started on a charger puts the screen, ticks and camera back (nothing else would:
    a lesson that starts on a charger has no change of level to say)."""
    import json
    import sqlite3

    import pygame

    folder = project / "playlists"
    (folder / "e2e.yaml").write_text(PLAYLIST.replace("id: save", "id: e2e"))
    (folder / "clip.mp4").write_bytes(b"\0" * 64)
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("  source: auto", "  source: none"))
    clock = FakeClock()
    dimmer = FakeDimmer()
    opts = RunOptions(config=config, journal=project / "j.sqlite", headless=True, library=True)
    kiosk = Kiosk(opts, dimmer=dimmer, clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    t = 0.0

    def turns(seconds: float) -> None:
        nonlocal t
        for _ in range(round(seconds / 0.1)):
            t = round(t + 0.1, 2)
            clock.advance(0.1)
            loop.step(t)

    def press(key: int, unicode: str) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=unicode, mod=0, scancode=0))
        turns(0.3)  # a typed key is held a moment (a card scanner's burst looks like typing)

    def start_lesson() -> None:
        press(pygame.K_RETURN, "\r")
        turns(0.5)
        assert loop.view.screen is Screen.TITLE

    def quit_lesson() -> None:
        loop.events.put(TeacherCommand(Command.QUIT))
        turns(0.1)
        for digit in "1234":
            press(ord(digit), digit)
        press(pygame.K_RETURN, "\r")
        assert loop.view.screen is Screen.LIBRARY

    with kiosk.opened() as loop:
        camera = loop.devices.camera = PaceOnlyCamera()
        turns(0.2)
        for _ in range(2):
            loop.events.put(PowerReading(15.0, 30.0, False))  # read at home, before the lesson
        turns(0.5)
        assert dimmer.levels == []  # the home screen does not dim
        start_lesson()
        assert loop.view.still and loop.tick_seconds == 0.5 and dimmer.levels == [0.6]
        loop.events.put(TeacherCommand(Command.NEXT))  # the video: no cards read
        turns(0.5)
        assert camera.rest_between == 0.5
        quit_lesson()
        loop.events.put(PowerReading(16.0, None, True))  # plugged in at home
        turns(0.5)
        start_lesson()
        assert not loop.view.still and loop.tick_seconds == 0.25 and dimmer.levels == [0.6, 1.0]
        loop.events.put(TeacherCommand(Command.NEXT))
        turns(0.5)
        assert camera.rest_between == 0.0
    db = sqlite3.connect(project / "j.sqlite")
    rows = [(s, json.loads(p)) for s, p in db.execute(
        "SELECT session_id, payload FROM records WHERE kind = 'power.saving' ORDER BY seq")]
    first = rows[0][0]
    assert [(p["step"], p["on"]) for s, p in rows if s == first] == [("camera_rate", True), ("no_animations", True)]
    assert all(s == first for s, _p in rows)  # the second lesson, on a charger, took no step


def test_on_a_still_screen_a_card_in_view_is_previewed_at_once_with_its_outline():
    from tests.devices.cards.test_camera import EMPTY, frame_with

    frames = [EMPTY] * 5 + [frame_with("amal")] * 25
    scanner = CameraScanner(FakeCamera(frames, fps=30, loop=False).open, lambda e: None)
    scanner.preview_every = 60.0  # only the first picture would be previewed, but for cards
    scanner.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (scanner.preview() and scanner.preview().codes):
            time.sleep(0.02)
        assert scanner.preview() is not None and scanner.preview().codes  # the card, outlined, not a minute later
    finally:
        scanner.stop()
