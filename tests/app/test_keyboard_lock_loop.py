"""The laptop keyboard in the real main loop (SDL dummy driver, real keys posted to pygame's queue, the
real journal): a child typing at random changes nothing but a `keyboard.locked` hint; the configured
presenter remote (read through the evdev adapter) still moves the lesson; Escape held and the PIN
open the keyboard; 5 wrong PINs then a wait; a fullscreen kiosk refuses the shipped PIN."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import time
import types

import pygame
import pytest

from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.core.events import Command, TeacherCommand
from cinema.media.fake_player import FakePlayer

PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
ARROWS = [pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN]


class Driver:
    """The kiosk's main loop turned by hand: keys go into pygame's event queue as a keyboard's would,
    and the engine's clock moves with the loop's."""

    def __init__(self, loop, clock: FakeClock) -> None:
        self.loop, self.clock, self.t = loop, clock, 0.0
        loop.step(self.t)

    def step(self, seconds: float = 0.05) -> None:
        self.clock.advance(seconds)
        self.t = round(self.t + seconds, 3)
        self.loop.step(self.t)

    def key(self, key: int, unicode: str = "", gap: float = 0.12, hold: float = 0.0) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=unicode, mod=0, scancode=0))
        self.step(0.01)
        while hold > 0:
            self.step(0.25)
            hold -= 0.25
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, unicode=unicode, mod=0, scancode=0))
        self.step(gap)

    def type(self, text: str) -> None:
        for ch in text:
            self.key(pygame.K_RETURN if ch == "\r" else ord(ch), ch)

    @property
    def item(self) -> str:
        return self.loop.engine.item.id


def char_key(ch: str) -> int:
    lower = ch.lower()  # "İ".lower() is two characters: no key of its own
    return pygame.K_SPACE if ch == " " else ord(lower) if ch.isalnum() and len(lower) == 1 else pygame.K_UNKNOWN


def records(journal) -> list[tuple[str, dict]]:
    db = sqlite3.connect(journal)
    try:
        return [(k, json.loads(p)) for k, p in db.execute("SELECT kind, payload FROM records ORDER BY seq")]
    finally:
        db.close()


@pytest.fixture
def kiosk(project):
    clock = FakeClock()
    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=project / "j.sqlite", headless=True)
    k = Kiosk(opts, clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
    return k, clock


def test_a_child_typing_hundreds_of_random_keys_changes_nothing_but_the_hint(kiosk, project):
    k, clock = kiosk
    rng = random.Random(12)
    with k.opened() as loop:
        d = Driver(loop, clock)
        loop.events.put(TeacherCommand(Command.NEXT))  # the teacher's remote: the register
        d.step()
        assert d.item == "register"
        before = len(records(project / "j.sqlite"))
        hints = 0
        for _ in range(400):  # every printable key, Space, arrows, Enter, Escape, at a child's pace
            pick = rng.random()
            gap = rng.uniform(0.07, 0.5)
            if pick < 0.7:
                ch = rng.choice(PRINTABLE)
                d.key(char_key(ch), ch, gap)
            elif pick < 0.8:
                d.key(rng.choice(ARROWS), "", gap)
            elif pick < 0.9:
                d.key(pygame.K_RETURN, "\r", gap)
            else:
                d.key(pygame.K_ESCAPE, "\x1b", gap)
            hints += loop.view.keyboard_locked
        assert d.item == "register" and loop.engine.pin is None and loop.exit_code is None
        assert hints > 300  # the hint was up while the keys came
        for _ in range(20):
            d.step(0.25)
        assert not loop.view.keyboard_locked  # and it went a few seconds after the last
    new = records(project / "j.sqlite")[before:]
    kinds = {kind for kind, _ in new if not kind.startswith(("power.", "device."))}
    assert kinds == {"keyboard.locked"}
    locked = [p for kind, p in new if kind == "keyboard.locked"]
    assert 1 <= len(locked) <= 3  # about 2 minutes of typing: one record a minute at most


class FakeRemote:
    """evdev's InputDevice for one presenter remote: key events the test queues, through a pipe."""

    def __init__(self, path):
        self.path, self.name, self.pending = path, "fake presenter", []
        self._r, self._w = os.pipe()
        self.fd = self._r

    def grab(self):
        pass

    def press(self, code):
        self.pending += [types.SimpleNamespace(type=1, code=code, value=1),
                         types.SimpleNamespace(type=1, code=code, value=0)]
        os.write(self._w, b"xx")

    def read_one(self):
        if not self.pending:
            return None
        os.read(self._r, 1)
        return self.pending.pop(0)

    def close(self):
        os.close(self._r), os.close(self._w)


def test_the_presenter_remote_still_moves_the_locked_lesson(kiosk):
    from cinema.devices.clickers.hid import KEY_PAGEDOWN, HidDevice, HidMapper
    from cinema.devices.clickers.hid_reader import HidReader

    k, clock = kiosk
    remotes = {}

    def input_device(path):
        remotes[path] = FakeRemote(path)
        return remotes[path]

    with k.opened() as loop:
        d = Driver(loop, clock)
        reader = HidReader(HidMapper([HidDevice("/dev/input/by-id/remote")]), loop.events.put,
                           evdev=types.SimpleNamespace(InputDevice=input_device))
        reader.start()
        try:
            d.key(pygame.K_RIGHT)  # the laptop's own arrow: locked
            assert d.item == "hello" and loop.view.keyboard_locked
            deadline = time.monotonic() + 5
            while "/dev/input/by-id/remote" not in remotes and time.monotonic() < deadline:
                time.sleep(0.02)
            remotes["/dev/input/by-id/remote"].press(KEY_PAGEDOWN)
            while d.item == "hello" and time.monotonic() < deadline:
                time.sleep(0.02)
                d.step()
            assert d.item == "register"  # the remote's PageDown moved it on
        finally:
            reader.stop()


def test_escape_held_then_the_pin_opens_the_keyboard_and_five_wrong_pins_make_a_wait(kiosk, project):
    k, clock = kiosk
    with k.opened() as loop:
        d = Driver(loop, clock)
        d.key(pygame.K_ESCAPE, "\x1b")  # a tap: only the hint
        assert loop.view.pin is None and loop.view.keyboard_locked
        d.key(pygame.K_ESCAPE, "\x1b", hold=2.25)  # held: the prompt to unlock
        assert loop.view.pin is not None and loop.view.pin.purpose == "unlock"
        for _ in range(5):
            d.type("0000\r")
        assert loop.view.pin.wait_seconds == 30
        d.type("1234\r")  # the right PIN during the wait is not taken
        assert loop.view.pin is not None and d.item == "hello"
        for _ in range(int(31 / 0.25)):
            d.step(0.25)
        assert loop.view.pin is not None  # still there after the wait, not closed silently
        d.type("1234\r")
        assert loop.view.pin is None and "Keyboard unlocked" in loop.view.toast
        d.key(pygame.K_RIGHT)
        assert d.item == "register"  # the open keyboard drives the lesson
    new = records(project / "j.sqlite")
    refused = [p for kind, p in new if kind == "pin.refused"]
    assert [p["tries"] for p in refused] == [1, 2, 3, 4, 5] and refused[-1]["wait"] == 30.0
    assert all(p["purpose"] == "unlock" for p in refused)
    assert [kind for kind, _ in new].count("keyboard.unlocked") == 1


def fullscreen(project, **kw) -> Kiosk:
    clock = FakeClock()
    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=project / "j.sqlite", size=(800, 600), **kw)
    k = Kiosk(opts, clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
    return k, clock


def test_a_fullscreen_kiosk_refuses_the_shipped_pin_and_asks_for_one_first(project):
    k, clock = fullscreen(project)
    with k.opened() as loop:
        d = Driver(loop, clock)
        assert loop.view.pin.purpose == "choose"  # no lesson yet
        d.key(pygame.K_RIGHT)
        d.type("1234\r")
        assert loop.view.pin.problem and loop.view.pin.purpose == "choose"  # the shipped PIN is refused
        d.type("4821\r")
        assert loop.view.pin.purpose == "confirm"
        d.type("4821\r")
        assert loop.view.pin is None and d.item == "hello"
    kinds = [kind for kind, _ in records(project / "j.sqlite")]
    assert kinds.index("pin.changed") < kinds.index("session.started")
    stored = project / "teacher-pin.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert "4821" not in stored.read_text() and json.loads(stored.read_text())["scheme"] == "scrypt"
    # The next start asks nothing, and only the chosen PIN ends the lesson.
    k, clock = fullscreen(project, resume=True)
    with k.opened() as loop:
        d = Driver(loop, clock)
        assert loop.view.pin is None
        loop.events.put(TeacherCommand(Command.QUIT))  # Escape on the remote-less laptop, or the window closed
        d.step()
        d.type("1234\r")
        assert loop.exit_code is None
        d.type("4821\r")
        assert loop.exit_code is not None


@pytest.mark.parametrize("mode", [{"windowed": True}, {"headless": True}])
def test_training_runs_keep_the_shipped_pin(project, mode):
    k, clock = fullscreen(project, **mode)
    with k.opened() as loop:
        Driver(loop, clock)
        assert loop.view.pin is None and loop.engine.item.id == "hello" and loop.view.training_pin
    assert not (project / "teacher-pin.json").exists()


def test_the_demo_is_training_even_fullscreen(project):
    k, clock = fullscreen(project, training=True)  # what `cinema demo` runs on a laptop with a screen
    with k.opened() as loop:
        Driver(loop, clock)
        assert loop.view.pin is None and loop.engine.item.id == "hello"


def test_a_hand_slapped_on_the_keyboard_is_not_a_card(kiosk, project):
    """Seven keys at once and Enter arrive as fast as a bar-code scanner types: not a card's shape, so
    not a refused card in the journal either; a real card typed by a scanner still counts."""
    k, clock = kiosk
    with k.opened() as loop:
        d = Driver(loop, clock)
        before = len(records(project / "j.sqlite"))
        for _ in range(5):
            for ch in "sdfjkl;\r":
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN if ch == "\r" else ord(ch),
                                                     unicode=ch, mod=0, scancode=0))
            d.step(0.3)
        assert d.item == "hello" and loop.view.keyboard_locked
    new = [kind for kind, _ in records(project / "j.sqlite")[before:]]
    assert set(new) == {"keyboard.locked"}


def test_restarting_the_kiosk_keeps_the_wrong_pin_tries_and_their_wait(project):
    """A child who pulls the plug after 5 wrong PINs does not get 5 new tries: the count and the wait's
    end are in the PIN file, read by the next run; a clock set back a year waits no longer than due."""
    wall = [1_800_000_000.0]

    def run(**kw):
        clock = FakeClock()
        opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                          journal=project / "j.sqlite", headless=True, **kw)
        k = Kiosk(opts, clock=clock, wall=lambda: wall[0])
        k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
        return k, clock

    def unlock_prompt(d):
        d.key(pygame.K_ESCAPE, "\x1b", hold=2.25)
        assert d.loop.view.pin is not None and d.loop.view.pin.purpose == "unlock"

    k, clock = run()
    with k.opened() as loop:
        d = Driver(loop, clock)
        unlock_prompt(d)
        for _ in range(3):
            d.type("0000\r")
        assert loop.view.pin.tries_left == 2
    stored = json.loads((project / "teacher-pin.json").read_text())
    assert stored["wrong_tries"] == 3 and "1234" not in json.dumps(stored)
    assert stat.S_IMODE((project / "teacher-pin.json").stat().st_mode) == 0o600

    k, clock = run(resume=True)  # the power pulled and the laptop started again
    with k.opened() as loop:
        d = Driver(loop, clock)
        unlock_prompt(d)
        assert loop.view.pin.tries_left == 2  # not 5 again
        d.type("0000\r")
        d.type("0000\r")
        assert loop.view.pin.wait_seconds == 30

    wall[0] += 10  # restarted 10 s later: the wait goes on where it was
    k, clock = run(resume=True)
    with k.opened() as loop:
        d = Driver(loop, clock)
        unlock_prompt(d)
        assert 0 < loop.view.pin.wait_seconds <= 20
        d.type("1234\r")  # the right PIN is not taken during the wait
        assert loop.view.pin is not None and loop.view.pin.wait_seconds > 0 and "unlocked" not in loop.view.toast

    wall[0] -= 365 * 86400  # the laptop's clock set back a year: never more than the wait that was due
    k, clock = run(resume=True)
    with k.opened() as loop:
        d = Driver(loop, clock)
        unlock_prompt(d)
        assert 0 < loop.view.pin.wait_seconds <= 30
        for _ in range(int(31 / 0.25)):
            d.step(0.25)
        d.type("1234\r")
        assert loop.view.pin is None and "Keyboard unlocked" in loop.view.toast
    assert json.loads((project / "teacher-pin.json").read_text())["wrong_tries"] == 0
    refused = [p["tries"] for kind, p in records(project / "j.sqlite") if kind == "pin.refused"]
    assert refused == [1, 2, 3, 4, 5]
