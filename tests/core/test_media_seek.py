"""Video control in the engine: 10 s and 30 s back and on, clamped at the start and the end,
every seek journaled as `media.seeked`, the time bar shown while paused or just after a seek."""

import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import (
    ClickerPressed, Command, LaptopKey, MediaPosition, PauseMedia, Record, SeekMedia, TeacherCommand,
)
from cinema.core.records import MediaSeeked, RecordKind, parse
from cinema.core.session import Options, SessionEngine
from tests.core.test_session import ROSTER, goto, playlist


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def engine(clock):
    e = SessionEngine(playlist(), clock, Options(teacher_pin="4321", teacher_clickers=frozenset({"t1"})), ROSTER)
    goto(e, "v1")
    return e


def at(engine, seconds, duration=100.0):
    engine.handle(MediaPosition(engine.handler.media_token, seconds, duration))


def seeks(effects):
    return [parse(e.kind, e.payload) for e in effects if isinstance(e, Record) and e.kind == RecordKind.MEDIA_SEEKED]


def cmd(engine, command):
    return engine.handle(TeacherCommand(command))


def test_back_and_forward_move_the_player_and_are_journaled(engine):
    at(engine, 42.0)
    fx = cmd(engine, Command.SEEK_BACK)
    assert SeekMedia(32.0) in fx
    assert seeks(fx) == [MediaSeeked(index=engine.index, item="v1", from_seconds=42.0, to_seconds=32.0)]
    fx = cmd(engine, Command.SEEK_FORWARD_LONG)
    assert SeekMedia(62.0) in fx and seeks(fx)[0].from_seconds == 32.0
    assert SeekMedia(52.0) in cmd(engine, Command.SEEK_BACK)
    assert SeekMedia(62.0) in cmd(engine, Command.SEEK_FORWARD)
    assert SeekMedia(32.0) in cmd(engine, Command.SEEK_BACK_LONG)
    assert engine.item.id == "v1"  # seeking never leaves the item


def test_seek_clamps_at_the_start_and_short_of_the_end(engine, clock):
    at(engine, 4.0)
    fx = cmd(engine, Command.SEEK_BACK_LONG)
    assert SeekMedia(0.0) in fx and seeks(fx)[0].to_seconds == 0.0
    assert cmd(engine, Command.SEEK_BACK) == []  # at the start already: nothing moves, nothing journaled
    clock.advance(60)
    at(engine, 95.0)
    fx = cmd(engine, Command.SEEK_FORWARD_LONG)
    assert SeekMedia(99.0) in fx  # a second short of the end: the player still ends the file itself
    assert cmd(engine, Command.SEEK_FORWARD) == []
    assert engine.item.id == "v1"


def test_forward_waits_for_the_length_and_back_does_not(engine):
    engine.handle(MediaPosition(engine.handler.media_token, 20.0, None))
    assert cmd(engine, Command.SEEK_FORWARD) == []
    assert SeekMedia(10.0) in cmd(engine, Command.SEEK_BACK)


def test_seeking_while_paused_stays_paused_and_the_time_bar_shows(engine, clock):
    at(engine, 50.0)
    assert not engine.view().body.seeking
    assert cmd(engine, Command.PAUSE)[-1] == PauseMedia(True)
    fx = cmd(engine, Command.SEEK_BACK)
    assert SeekMedia(40.0) in fx and not any(isinstance(e, PauseMedia) for e in fx)
    view = engine.view()
    assert view.paused and view.body.position == 40.0
    cmd(engine, Command.PAUSE)
    clock.advance(1.0)
    assert engine.view().body.seeking and not engine.view().paused
    clock.advance(3.0)
    assert not engine.view().body.seeking


def test_a_teacher_handset_seeks_and_a_locked_laptop_key_does_not(engine):
    at(engine, 30.0)
    assert SeekMedia(20.0) in engine.handle(ClickerPressed("t1", "4"))
    assert SeekMedia(50.0) in engine.handle(ClickerPressed("t1", "9"))
    fx = engine.handle(LaptopKey(Command.SEEK_BACK))  # a child at the locked keyboard
    assert not any(isinstance(e, SeekMedia) for e in fx)
    assert [e.kind for e in fx if isinstance(e, Record)] in ([], ["keyboard.locked"])


def test_seek_on_an_item_that_is_not_media_does_nothing(engine):
    while engine.item.id != "s":
        cmd(engine, Command.SKIP)
    assert cmd(engine, Command.SEEK_FORWARD) == []


def test_captions_toggle_for_this_video_and_the_next_with_a_toast(engine):
    from cinema.core.events import ShowCaptions

    assert cmd(engine, Command.CAPTIONS) == [ShowCaptions(False)]
    assert engine.view().toast == "Captions off"
    assert engine.handle(ClickerPressed("t1", "5")) == [ShowCaptions(True)]
    assert engine.view().toast == "Captions on"


def test_a_position_reported_from_before_the_seek_does_not_move_the_time_bar_back(engine, clock):
    at(engine, 50.0)
    cmd(engine, Command.SEEK_FORWARD)
    at(engine, 50.2)  # the player's old place, read before it got there
    assert engine.view().body.position == 60.0
    clock.advance(0.5)
    at(engine, 60.4)
    assert engine.view().body.position == 60.0  # whole seconds
    clock.advance(3.0)
    at(engine, 20.0)  # long after: the player's word is taken again
    assert engine.view().body.position == 20.0
