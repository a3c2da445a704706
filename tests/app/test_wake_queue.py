"""While VLC draws a playing video the loop sleeps until something happens (a device's event, a key or a
window event from the X server, the next tick) instead of waking four times a second to look."""

from __future__ import annotations

import os
import select
import threading

import pytest

from cinema.app import loop as loop_module
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.app.wake_queue import WakingQueue
from cinema.core.clock import FakeClock
from cinema.core.events import Command, TeacherCommand
from cinema.core.view import Screen
from cinema.media.fake_player import FakePlayer


def readable(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0)[0])


def test_a_put_from_any_thread_wakes_a_sleeper_until_the_loop_clears_it():
    events = WakingQueue()
    try:
        assert not readable(events.fd)
        thread = threading.Thread(target=events.put, args=("a clicker press",))
        thread.start()
        thread.join()
        assert readable(events.fd)  # a select() on it returns at once
        events.clear_wake()
        assert not readable(events.fd) and events.get_nowait() == "a clicker press"
        for n in range(100_000):  # a flood: the pipe fills up, puts never block
            events.put(n)
        assert events.qsize() == 100_000 and readable(events.fd)
    finally:
        events.close()


PLAYLIST = """\
version: 1
id: wake
title: Wake
language: en
items:
  - type: video
    id: clip
    media: clip.mp4
  - type: closing
    id: bye
"""


@pytest.fixture
def playing(project, monkeypatch):
    """The loop with a video playing that VLC draws, the X server's connection played by a pipe."""
    (project / "playlists" / "wake.yaml").write_text(PLAYLIST)
    (project / "playlists" / "clip.mp4").write_bytes(b"\0" * 64)
    options = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "wake.yaml",
                         journal=project / "j.sqlite", headless=True)
    clock = FakeClock()
    kiosk = Kiosk(options, clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    x_read, x_write = os.pipe()
    slept = []

    def fake_select(rlist, wlist, xlist, timeout):
        slept.append((list(rlist), timeout))
        return [], [], []

    monkeypatch.setattr(loop_module.select, "select", fake_select)
    with kiosk.opened() as loop:
        loop.step(0.0)
        assert loop.view.screen is Screen.VIDEO and loop.frame is None
        loop.headless = False  # as in a real window
        loop._x_fd = x_read
        yield loop, slept, x_read
    os.close(x_read)
    os.close(x_write)


def test_a_playing_video_sleeps_on_the_x_connection_and_the_queue_until_the_next_tick(playing):
    loop, slept, x_fd = playing
    loop.wait()
    assert slept == [([x_fd, loop.events.fd], loop_module.VIDEO_TICK_SECONDS)]
    # Something queued already: no sleep at all.
    loop.events.put(TeacherCommand(Command.PAUSE))
    loop.wait()
    assert len(slept) == 1


def test_a_held_escape_or_an_open_pin_prompt_wakes_it_often(playing):
    loop, slept, _x_fd = playing
    loop.keyboard.escape_down = 0.0  # the teacher holds Escape: its 2 s are counted by the loop's turns
    loop.wait()
    assert slept[-1][1] == loop_module.KEY_SLICE_SECONDS
    loop.keyboard.escape_down = None
    loop.keyboard.wedge.feed("7", 0.0)  # a scanner's burst is being typed: its keys are held back briefly
    loop.wait()
    assert slept[-1][1] == loop_module.KEY_SLICE_SECONDS
