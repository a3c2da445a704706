"""The main loop driven turn by turn in this process (SDL's dummy driver): what the battery's
SetWork effect does, and what is released when the loop raises."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cinema.app.brightness import FakeDimmer
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.core.events import Command, PowerReading, SetWork, TeacherCommand, Tick
from cinema.media.fake_player import FakePlayer

PLAYLIST = """\
version: 1
id: loop
title: Loop
language: en
items:
  - type: title
    id: hello
    title: Hello
  - type: video
    id: clip
    media: clip.mp4
  - type: closing
    id: bye
"""


class CrashingPlayer(FakePlayer):
    """VLC dying under the kiosk: play() raises."""

    def play(self, token, path, start_at=0.0, subtitles=None):
        raise RuntimeError("libvlc crashed")


@pytest.fixture
def lesson(project):
    (project / "playlists" / "loop.yaml").write_text(PLAYLIST)
    (project / "playlists" / "clip.mp4").write_bytes(b"\0" * 64)
    return RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "loop.yaml",
                      journal=project / "j.sqlite", headless=True)


def power_actions(project) -> list[dict]:
    db = sqlite3.connect(project / "j.sqlite")
    return [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind = 'power.action' ORDER BY seq")]


def test_a_crash_mid_lesson_after_dimming_puts_the_brightness_back(lesson, project):
    dimmer = FakeDimmer()
    kiosk = Kiosk(lesson, dimmer=dimmer)
    kiosk.player = CrashingPlayer(kiosk.events.put, lambda t, r: None)
    # The battery is low (the screen dims), then the teacher moves on to the video and VLC dies.
    kiosk.events.put(PowerReading(15.0, 40.0, False))
    kiosk.events.put(TeacherCommand(Command.NEXT))
    with pytest.raises(RuntimeError, match="libvlc crashed"):
        kiosk.run()
    assert dimmer.levels[0] < 1.0  # it had dimmed
    assert dimmer.levels[-1] == 1.0  # and the crash did not leave the laptop dimmed
    dims = [a for a in power_actions(project) if a["action"] == "dim"]
    assert [d["level"] for d in dims][-1] == 1.0  # the restore is journaled too
    assert kiosk.player.closed  # and the player was released


def test_set_work_dims_slows_the_ticks_and_saves_the_place(lesson):
    clock = FakeClock()
    dimmer = FakeDimmer()
    kiosk = Kiosk(lesson, dimmer=dimmer, clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    with kiosk.opened() as loop:
        t = 0.0
        loop.step(t)
        loop.events.put(TeacherCommand(Command.NEXT))  # to the video: a place worth saving
        loop.step(t := t + 0.01)
        ticks = []
        real_put = loop.events.put

        def put(event):
            if isinstance(event, Tick):
                ticks.append(t)
            real_put(event)

        loop.events.put = put
        loop.apply([SetWork(0.6, 2.0, 0.5, save_now=True)])
        assert dimmer.levels == [0.6]
        assert kiosk.journal.resume_position(kiosk.engine.session_id) is not None
        while t < 10.0:
            loop.step(t := round(t + 0.25, 2))
        assert len(ticks) == 5  # every 2 s now, not 4 times a second
        loop.apply([SetWork(1.0, 0.25)])
        assert dimmer.levels == [0.6, 1.0]
        before = len(ticks)
        for _ in range(8):
            loop.step(t := round(t + 0.25, 2))
        assert len(ticks) - before >= 7  # back to 4 a second with the power back


def test_a_receiver_that_cannot_start_is_shown_lost_and_the_lesson_starts(lesson, project, monkeypatch):
    from cinema.devices.clickers import manager

    def broken_start(self):
        raise OSError("the receiver's driver is missing")

    monkeypatch.setattr(manager.PortManager, "start", broken_start)
    (project / "kiosk_config" / "default.yaml").write_text(
        (project / "kiosk_config" / "default.yaml").read_text().replace("\n  clickers: []", "\n  clickers: ['loop://']"))
    kiosk = Kiosk(lesson, clock=FakeClock())
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None)
    with kiosk.opened() as loop:
        loop.step(0.0)
        loop.step(0.3)
        assert kiosk.engine.item is not None and kiosk.engine.item.id == "hello"
        assert ("clickers", False) in [(d.name, d.connected) for d in kiosk.engine.view().status.devices]
    db = sqlite3.connect(project / "j.sqlite")
    lost = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind = 'device.lost'")]
    assert lost and "could not start" in lost[0]["detail"]
