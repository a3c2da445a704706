"""Video control in the real main loop (SDL dummy driver, the real journal): the presenter remote's
rewind key moves the video 10 s back, a child's J or L on the locked keyboard moves nothing, the
opened keyboard's Shift+L moves it 30 s on; each seek is journaled with where it was and went,
and the time bar shows while paused."""

from __future__ import annotations

import os
import time
import types

import pygame
import pytest

from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.media.fake_player import FakePlayer
from tests.app.test_keyboard_lock_loop import Driver, FakeRemote, records

PLAYLIST = """\
version: 1
id: e2e
title: Video
language: en
items:
  - type: video
    id: film
    title: Rain
    media: film.mp4
  - type: closing
    id: bye
"""


@pytest.fixture
def kiosk(project):
    (project / "playlists" / "film.mp4").write_bytes(b"\x00" * 64)  # the fake player never opens it
    (project / "playlists" / "e2e.yaml").write_text(PLAYLIST)
    clock = FakeClock()
    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=project / "j.sqlite", headless=True)
    k = Kiosk(opts, clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock,
                          durations={str(project / "playlists" / "film.mp4"): 120.0})
    return k, clock


def test_the_remote_seeks_a_child_cannot_and_every_seek_is_journaled(kiosk, project):
    from cinema.devices.clickers.hid import KEY_REWIND, HidDevice, HidMapper
    from cinema.devices.clickers.hid_reader import HidReader

    k, clock = kiosk
    remotes = {}

    def input_device(path):
        remotes[path] = FakeRemote(path)
        return remotes[path]

    with k.opened() as loop:
        d = Driver(loop, clock)
        assert d.item == "film"
        for _ in range(80):
            d.step(0.25)  # 20 s of the film
        player = k.player
        assert player.position() == pytest.approx(20.0, abs=0.5)
        for ch in "jJlL":  # a child at the locked keyboard
            d.key(ord(ch.lower()), ch)
        assert not [c for c in player.calls if c[0] == "seek"] and loop.view.keyboard_locked

        reader = HidReader(HidMapper([HidDevice("/dev/input/by-id/remote")]), loop.events.put,
                           evdev=types.SimpleNamespace(InputDevice=input_device))
        reader.start()
        try:
            deadline = time.monotonic() + 5
            while "/dev/input/by-id/remote" not in remotes and time.monotonic() < deadline:
                time.sleep(0.02)
            remotes["/dev/input/by-id/remote"].press(KEY_REWIND)
            while not [c for c in player.calls if c[0] == "seek"] and time.monotonic() < deadline:
                time.sleep(0.02)
                d.step(0.01)
        finally:
            reader.stop()
        seeks = [c[1] for c in player.calls if c[0] == "seek"]
        assert len(seeks) == 1 and seeks[0] == pytest.approx(11.0, abs=1.0)  # ~21 s, 10 back
        assert loop.view.body.seeking  # the time bar shows a moment after a seek...
        for _ in range(16):
            d.step(0.25)
        assert not loop.view.body.seeking

        d.key(pygame.K_ESCAPE, "\x1b", hold=2.25)  # the teacher opens the keyboard
        d.type("1234\r")
        assert loop.view.pin is None
        d.key(pygame.K_p, "p")  # paused: the time bar shows while paused
        assert loop.view.paused
        d.key(pygame.K_l, "L")  # Shift+L: 30 s on, still paused
        assert loop.view.paused and loop.view.body.position >= 40
        assert player.paused and player.position() == pytest.approx(loop.view.body.position, abs=1.0)
    seeked = [p for kind, p in records(project / "j.sqlite") if kind == "media.seeked"]
    assert [p["item"] for p in seeked] == ["film", "film"]
    assert seeked[0]["to_seconds"] == pytest.approx(seeked[0]["from_seconds"] - 10, abs=0.01)
    assert seeked[1]["to_seconds"] == pytest.approx(seeked[1]["from_seconds"] + 30, abs=0.01)
