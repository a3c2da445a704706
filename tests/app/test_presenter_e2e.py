"""Presenter mode from the real main loop on a real two-monitor X server (Xorg's dummy driver): the
projector shows the class view only, the laptop the teacher's; a projector unplugged, plugged back
or switched to another resolution mid-lesson is followed, and journaled, and the lesson goes on."""

from __future__ import annotations

import json
import shutil

import pytest

from cinema.core.events import CardScanned, Command, PinDigit, TeacherCommand
from cinema.core.roster import make_token
from cinema.devices.simulated_class import DEMO_KEY, DEMO_PROGRAM
from cinema.core.view import Screen
from cinema.display.virtual_x import XvfbError, virtual_monitors
from tests.app.kiosk_project import ROOT

PLAYLIST = """\
version: 1
id: presenter
title: Water
language: en
items:
  - type: title
    id: hello
    title: Hello
  - type: attendance
    id: register
    title: Who is here
  - type: activity
    id: quiz
    activity: water-quiz
  - type: closing
    id: bye
    title: Goodbye
"""


@pytest.fixture
def screens(monkeypatch):
    """A laptop screen (1280x800) with a projector (1024x768) right of it; the kiosk draws there."""
    try:
        with virtual_monitors("1280x800", "1024x768") as vm:
            for name, value in vm.env.items():
                if name in ("DISPLAY", "SDL_VIDEODRIVER", "SDL_FRAMEBUFFER_ACCELERATION", "SDL_AUDIODRIVER"):
                    monkeypatch.setenv(name, value)
            yield vm
    except XvfbError as exc:
        pytest.skip(str(exc))


def make_kiosk(tmp_path, display: int = 0):
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.media.fake_player import FakePlayer

    (tmp_path / "kiosk_config").mkdir()
    config = (ROOT / "kiosk_config" / "default.yaml").read_text()
    for old, new in (("playlist: playlists/demo.yaml", "playlist: playlists/presenter.yaml"),
                     ("  source: auto", "  source: none"), ("usb_stick: /media/cinema-usb", "usb_stick: null"),
                     ("  display: 0", f"  display: {display}")):
        config = config.replace(old, new)
    (tmp_path / "kiosk_config" / "default.yaml").write_text(config)
    shutil.copytree(ROOT / "activities", tmp_path / "activities")
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "presenter.yaml").write_text(PLAYLIST)
    # Fullscreen as a lesson runs (training: the shipped PIN is kept, as `cinema demo` may).
    opts = RunOptions(config=tmp_path / "kiosk_config" / "default.yaml", playlist=tmp_path / "playlists" / "presenter.yaml",
                      journal=tmp_path / "j.sqlite", simulate_class=6, training=True, exit_at_end=True)
    clock = FakeClock()
    kiosk = Kiosk(opts, clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None)
    return kiosk, clock


class Turns:
    """Turns of the real loop on a fake clock; every text each window was drawn with, kept."""

    def __init__(self, loop, clock) -> None:
        self.loop, self.clock = loop, clock
        self.class_texts: set[str] = set()
        self.class_boxes: set[str] = set()

    def __call__(self, seconds: float = 0.3, *events) -> None:
        for event in events:
            self.loop.events.put(event)
        self.clock.advance(seconds)
        self.loop.step(self.clock.monotonic())
        layout = self.loop.presenter.last_layout
        if layout is not None:
            self.class_texts |= {b.text for b in layout if b.text}
            self.class_boxes |= {b.name for b in layout}

    def teacher(self):
        return self.loop.screens.teacher.last_layout


def texts(layout) -> list[str]:
    return [b.text for b in layout if b.text]


def display_records(journal) -> list[dict]:
    import sqlite3

    with sqlite3.connect(journal) as db:
        return [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind = 'display.changed' "
                                                     "ORDER BY seq")]


def test_the_projector_never_shows_what_only_the_teacher_may_see(screens, tmp_path):
    kiosk, clock = make_kiosk(tmp_path, display=1)
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        assert loop.screens.plan.mode == "presenter"
        assert loop.screens.class_window.size == (1024, 768) and loop.screens.teacher_window.size == (1280, 800)
        turn(0.3, TeacherCommand(Command.NEXT))
        for learner in ("L001", "L002", "L003", "L004"):  # four children show their cards
            turn(0.3, CardScanned(make_token(DEMO_PROGRAM, learner, DEMO_KEY)))
        assert len(loop.engine.attendance) == 4
        turn(0.3, TeacherCommand(Command.NEXT))
        assert loop.view.screen is Screen.QUESTION
        # (The attendance screen greets each card by its first name, as it always did: from here on,
        # a question is open and the room must not see who has not answered.)
        turn.class_texts.clear()
        for _ in range(6):  # some handsets answer, not all
            turn(0.4)
        answers = loop.engine.teacher_view().answers
        assert answers is not None and answers.waiting, "someone has still to answer"
        turn(0.6)
        teacher = texts(turn.teacher())
        # The teacher window names who has not answered; the projector never does.
        assert all(any(label in t for t in teacher) for label in answers.waiting), (answers.waiting, teacher)
        # The PIN prompt (Escape, or closing a window) is on the laptop, not on the projector.
        turn(0.3, TeacherCommand(Command.QUIT))
        turn(0.6, PinDigit("1"))
        pin_boxes = {b.name for b in turn.teacher() if "pin" in b.name}
        pin_texts = set(texts(turn.teacher())) - set(teacher)
        assert pin_boxes, turn.teacher().names()
        turn(0.6, PinDigit(cancel=True))
        turn(0.6)
        assert loop.view.screen is Screen.QUESTION  # the lesson went on
    names = set(answers.waiting) | set(answers.answered)
    assert not {t for t in turn.class_texts if any(name in t for name in names)}, turn.class_texts
    assert not pin_boxes & turn.class_boxes and not pin_texts & turn.class_texts
    assert display_records(tmp_path / "j.sqlite")[0] == {
        "mode": "presenter", "reason": "start", "screens": 2, "class_size": "1024x768", "teacher_size": "1280x800"}


def test_a_projector_unplugged_mid_lesson_moves_the_class_to_the_laptop_and_back_when_plugged(screens, tmp_path):
    kiosk, clock = make_kiosk(tmp_path, display=1)
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        turn(0.3, TeacherCommand(Command.NEXT))
        assert loop.view.screen is Screen.ATTENDANCE and loop.screens.plan.mode == "presenter"
        screens.unplug()
        turn(2.1)  # the next look at the monitors
        turn()
        assert loop.screens.teacher_window is None
        assert loop.screens.class_window.size == (1280, 800) == loop.renderer.size
        assert turn.loop.presenter.last_layout.width == 1280  # drawn again for the laptop's screen
        turn(0.3, TeacherCommand(Command.NEXT))  # the lesson goes on, on the one screen
        assert loop.view.screen is Screen.QUESTION
        screens.plug()
        turn(2.1)
        turn()
        assert loop.screens.plan.mode == "presenter"
        assert loop.screens.class_window.size == (1024, 768) and loop.screens.teacher_window.size == (1280, 800)
        screens.resize("800x600")
        turn(2.1)
        turn()
        assert loop.screens.class_window.size == (800, 600) == loop.renderer.size
        assert turn.loop.presenter.last_layout.width == 800
        # the player decodes video for the new picture box
        assert kiosk.player.calls[-1] == ("set_frame_size", tuple(loop.renderer.content_rect.size))
        assert loop.renderer.content_rect.width <= 800
        assert loop.view.screen is Screen.QUESTION
    records = display_records(tmp_path / "j.sqlite")
    assert [(r["mode"], r["reason"], r["class_size"], r["teacher_size"]) for r in records] == [
        ("presenter", "start", "1024x768", "1280x800"),
        ("single", "unplugged", "1280x800", ""),
        ("presenter", "plugged", "1024x768", "1280x800"),
        ("presenter", "resized", "800x600", "1280x800"),
    ]


def test_with_the_teacher_screen_off_one_window_as_before(screens, tmp_path):
    kiosk, clock = make_kiosk(tmp_path, display=1)
    config = tmp_path / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("teacher_screen: auto", "teacher_screen: off"))
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        assert loop.screens.teacher_window is None
    assert [r["mode"] for r in display_records(tmp_path / "j.sqlite")] == ["single"]


def test_broken_content_is_said_on_the_teachers_screen_not_the_projector(screens, tmp_path):
    import subprocess
    import sys

    import pygame

    # The laptop's screen (1280x800, the X server's primary) is the teacher's whatever display is configured.
    make_kiosk(tmp_path, display=0)
    playlist = tmp_path / "playlists" / "presenter.yaml"
    playlist.write_text(playlist.read_text().replace("activity: water-quiz", "activity: no-such-quiz"))
    shots = tmp_path / "shots"
    run = subprocess.run([sys.executable, "-m", "cinema", "run", "--config", str(tmp_path / "kiosk_config" / "default.yaml"),
                          "--journal", str(tmp_path / "j.sqlite"), "--playlist", str(playlist), "--screenshots",
                          str(shots), "--max-seconds", "1"], capture_output=True, text=True, env=screens.env,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 1 and "no-such-quiz" in run.stderr
    [shot] = sorted(shots.glob("*-content_error.png"))
    assert pygame.image.load(str(shot)).get_size() == (1280, 800)  # the teacher's screen, not the projector's 1024x768


def test_keys_typed_on_the_laptop_reach_the_lesson_with_two_windows(screens, tmp_path):
    """Real key presses through the X server's XTest extension, into the window that has the focus
    (no window manager on a kiosk: the kiosk gives it to the teacher window)."""
    from Xlib import XK, display as xdisplay
    from Xlib.ext import xtest

    kiosk, clock = make_kiosk(tmp_path, display=1)
    x = xdisplay.Display(screens.display)
    try:
        with kiosk.opened() as loop:
            turn = Turns(loop, clock)
            turn()
            assert loop.screens.presenting
            for _ in range(5):
                turn(0.1)
            code = x.keysym_to_keycode(XK.string_to_keysym("s"))  # S skips... on an opened keyboard only
            xtest.fake_input(x, 2, code)  # KeyPress
            xtest.fake_input(x, 3, code)  # KeyRelease
            x.sync()
            for _ in range(20):
                turn(0.05)
                if loop.view.keyboard_locked:
                    break
            assert loop.view.keyboard_locked  # the key reached the loop: the lock's hint, nothing skipped
            assert loop.view.screen is Screen.TITLE
            assert loop.screens.teacher.last is not None and loop.screens.teacher.last.keyboard_locked is True
    finally:
        x.close()


# ---- headless (SDL's dummy driver): two off-screen windows, monitors set by hand --------------------

def headless_kiosk(tmp_path, monitors):
    from cinema.display.monitors import FixedMonitors

    kiosk, clock = make_kiosk(tmp_path, display=1)
    kiosk.opts.headless = True
    kiosk.monitors = FixedMonitors(monitors)
    return kiosk, clock


def test_headless_two_off_screen_windows_and_a_window_that_cannot_be_made_is_one_window(tmp_path, monkeypatch):
    import pygame

    from cinema.core.screen_plan import Monitor
    from cinema.display import window as window_module

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    laptop, projector = Monitor("eDP-1", 0, 0, 1366, 768, True), Monitor("HDMI-1", 1366, 0, 800, 600)
    kiosk, clock = headless_kiosk(tmp_path, (laptop, projector))
    real_open = window_module.open_on_monitor
    refused = []

    def open_on_monitor(title, monitor, headless=False):
        if refused and monitor is projector:
            raise pygame.error("no more windows")  # as a driver out of video memory says
        return real_open(title, monitor, headless)

    monkeypatch.setattr(window_module, "open_on_monitor", open_on_monitor)
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        assert loop.screens.class_window.size == (800, 600) and loop.screens.teacher_window.size == (1366, 768)
        assert turn.teacher() is not None and turn.loop.presenter.last_layout.width == 800
        kiosk.monitors.monitors = (laptop,)
        turn(2.1)
        assert loop.screens.teacher_window is None and loop.screens.class_window.size == (1366, 768)
        refused.append(True)  # the projector is back, but its window cannot be made
        kiosk.monitors.monitors = (laptop, projector)
        turn(2.1)
        turn(0.3, TeacherCommand(Command.NEXT))
        assert loop.screens.teacher_window is None and loop.screens.class_window.size == (1366, 768)
        # the lesson goes on, on the laptop's screen (headless, the simulated teacher moves it on too)
        assert loop.exit_code is None and loop.view.item_number >= 2
    records = display_records(tmp_path / "j.sqlite")
    assert [(r["mode"], r["reason"], r["class_size"]) for r in records] == [
        ("presenter", "start", "800x600"), ("single", "unplugged", "1366x768"), ("single", "failed", "1366x768")]


def test_vlc_window_mode_draws_the_video_on_the_projector_only(screens, tmp_path):
    """`video: window`: VLC draws straight into the class window, which in presenter mode is the
    projector's; what the X server shows on each monitor is read back (ffmpeg x11grab)."""
    import subprocess
    import time

    import pygame

    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.media.factory import vlc_available

    if shutil.which("ffmpeg") is None or vlc_available() is not None:
        pytest.skip("needs ffmpeg and libvlc")
    video = tmp_path / "red.mp4"
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
                    "color=c=red:s=320x240:r=25:d=8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    str(video)], check=True, timeout=60)
    make_kiosk(tmp_path, display=1)
    config = tmp_path / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("video: frames", "video: window")
                      + f"\nmedia_dirs:\n  - {json.dumps(str(tmp_path))}\n")
    playlist = tmp_path / "playlists" / "presenter.yaml"
    playlist.write_text(PLAYLIST.replace("  - type: title\n    id: hello\n    title: Hello\n",
                                         f"  - type: video\n    id: red\n    title: Red\n    media: {video}\n"))
    kiosk = Kiosk(RunOptions(config=config, playlist=playlist, journal=tmp_path / "j.sqlite", training=True),
                  open("/dev/null", "w"), dimmer=FakeDimmer())
    with kiosk.opened() as loop:
        assert loop.screens.presenting
        start = time.monotonic()
        while time.monotonic() - start < 2.5:
            loop.step(time.monotonic())
            loop.wait()
        assert loop.view.screen is Screen.VIDEO
        desk = grab_desk(screens, tmp_path / "desk.png", 2304)
        assert red_share(desk, 1280, 2304, 768) > 0.3  # the projector: the video
        assert red_share(desk, 0, 1280, 800) == 0  # the laptop: the teacher's view, no video over it
        # The projector's cable comes out mid-video: the video goes on, on the laptop's screen.
        screens.unplug()
        start = time.monotonic()
        while time.monotonic() - start < 3.5:
            loop.step(time.monotonic())
            loop.wait()
        assert loop.view.screen is Screen.VIDEO and not loop.screens.presenting
        desk = grab_desk(screens, tmp_path / "unplugged.png", 1280)
        assert red_share(desk, 0, 1280, 800) > 0.3


def grab_desk(screens, out, width: int):
    import subprocess

    import pygame

    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-draw_mouse", "0", "-video_size",
                    f"{width}x800", "-i", screens.display + "+0,0", "-frames:v", "1", str(out)], check=True, timeout=60)
    return pygame.image.load(str(out))


def red_share(desk, x0: int, x1: int, y1: int) -> float:
    points = [desk.get_at((x, y))[:3] for x in range(x0, x1, 16) for y in range(0, y1, 16)]
    return sum(1 for r, g, b in points if r > 200 and g < 60 and b < 60) / len(points)


def test_at_home_the_laptop_lists_the_lessons_and_the_projector_only_welcomes(screens, tmp_path):
    kiosk, clock = make_kiosk(tmp_path, display=1)
    kiosk.opts.playlist, kiosk.opts.exit_at_end, kiosk.opts.library = None, False, True
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        turn(0.6)
        assert loop.view.screen is Screen.LIBRARY
        teacher = texts(turn.teacher())
        assert "Water" in teacher  # the lesson to choose, on the laptop
        assert "Water" not in turn.class_texts and turn.loop.presenter.last_layout.width == 1024
        assert loop.screens.class_view(loop.view).screen is Screen.TITLE


def test_the_teacher_window_is_drawn_only_when_it_changes_and_at_most_twice_a_second(tmp_path, monkeypatch):
    from cinema.core.screen_plan import Monitor

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    kiosk, clock = headless_kiosk(tmp_path, (Monitor("eDP-1", 0, 0, 1280, 800, True),
                                             Monitor("HDMI-1", 1280, 0, 1024, 768)))
    kiosk.opts.simulate_class = 0  # no simulated teacher moving the lesson on
    (tmp_path / "playlists" / "presenter.yaml").write_text(PLAYLIST.replace(
        "  - type: attendance\n    id: register\n    title: Who is here\n",
        "  - type: break\n    id: rest\n    title: Rest\n    seconds: 60\n"))
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        teacher = loop.screens.teacher
        assert loop.view.screen is Screen.TITLE
        before = teacher.draws
        for _ in range(100):  # 10 s on a title: nothing on the teacher's screen changes
            turn(0.1)
        assert teacher.draws - before <= 1
        turn(0.3, TeacherCommand(Command.NEXT))
        assert loop.view.screen is Screen.BREAK  # a timed break: its time left changes every second
        before = teacher.draws
        for _ in range(100):  # 10 s
            turn(0.1)
        assert 8 <= teacher.draws - before <= 11  # once a second, as the countdown the teacher reads


@pytest.mark.parametrize("which", ["class_window", "teacher_window"])
def test_closing_either_window_asks_for_the_pin(tmp_path, monkeypatch, which):
    import pygame

    from cinema.core.screen_plan import Monitor

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    kiosk, clock = headless_kiosk(tmp_path, (Monitor("eDP-1", 0, 0, 1280, 800, True),
                                             Monitor("HDMI-1", 1280, 0, 1024, 768)))
    kiosk.opts.simulate_class = 0
    with kiosk.opened() as loop:
        turn = Turns(loop, clock)
        turn()
        assert loop.view.pin is None
        pygame.event.post(pygame.event.Event(pygame.WINDOWCLOSE, window=getattr(loop.screens, which).win))
        turn(0.1)
        turn(0.1)
        assert loop.view.pin is not None and loop.view.pin.purpose == "quit"
        assert loop.exit_code is None  # nothing closed: a child cannot close the kiosk
        assert "overlay.pin" in turn.teacher().names()
