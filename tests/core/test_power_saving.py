"""Less work below the battery's warning level: the steps the engine takes and journals once, the
lighter copy it plays, the stillness it asks of the screen, and all of it undone when power is back."""

from pathlib import Path

import pytest

from cinema.core.clock import FakeClock
from cinema.core.content import Item, Playlist
from cinema.core.events import Command, PlayMedia, PowerReading, Record, SetWork, TeacherCommand
from cinema.core.power import Level
from cinema.core.power_saving import ALL_STEPS, PowerSaving, Step, steps_at
from cinema.core.session import Options, SessionEngine


def savings(effects) -> list[tuple[str, bool, str]]:
    return [(e.payload["step"], e.payload["on"], e.payload["level"]) for e in effects
            if isinstance(e, Record) and e.kind == "power.saving"]


def lesson(lighter: bool = True) -> Playlist:
    low = Path("story.low.mp4") if lighter else None
    return Playlist("save", "Save", "en", (
        Item("title", "t", title="Hello"),
        Item("video", "v1", media=Path("story.mp4"), low_power=low, duration=600.0),
        Item("video", "v2", media=Path("river.mp4"), low_power=Path("river.low.mp4") if lighter else None),
        Item("closing", "bye"),
    ))


def played(effects) -> list[str]:
    return [e.path for e in effects if isinstance(e, PlayMedia)]


@pytest.mark.parametrize("level, steps", [
    (Level.NORMAL, set()),
    (Level.LOW, {Step.LOW_POWER_VIDEO, Step.CAMERA_RATE, Step.NO_ANIMATIONS}),
    (Level.STOPPED, {Step.LOW_POWER_VIDEO, Step.CAMERA_RATE, Step.NO_ANIMATIONS}),
])
def test_the_steps_at_each_level(level, steps):
    assert steps_at(level) == steps
    assert steps_at(level, ALL_STEPS - {Step.LOW_POWER_VIDEO}) == steps - {Step.LOW_POWER_VIDEO}


def test_each_step_is_journaled_when_taken_and_when_undone_never_in_between():
    saving = PowerSaving()
    taken = saving.follow(Level.LOW)
    assert [(r.payload["step"], r.payload["on"]) for r in taken] == [
        ("low_power_video", True), ("camera_rate", True), ("no_animations", True)]
    assert saving.follow(Level.LOW) == [] and saving.follow(Level.STOPPED) == []  # nothing new: nothing said
    undone = saving.follow(Level.NORMAL)
    assert [(r.payload["step"], r.payload["on"], r.payload["level"]) for r in undone] == [
        ("low_power_video", False, "normal"), ("camera_rate", False, "normal"), ("no_animations", False, "normal")]
    assert saving.follow(Level.NORMAL) == []


def test_a_battery_falling_below_the_warning_level_takes_each_step_once_and_power_back_undoes_them():
    clock = FakeClock()
    engine = SessionEngine(lesson(), clock, Options(power_warn_percent=20, power_critical_percent=8))
    engine.start()
    journal: list = []
    journal += engine.handle(PowerReading(90.0, 200.0, False))  # on battery, well charged: full work
    assert played(engine.handle(TeacherCommand(Command.NEXT))) == ["story.mp4"]  # the full picture
    assert not engine.view().still
    works, percent = [], 90.0
    while percent > 12.0:
        clock.advance(60)
        percent -= 1.0
        fx = engine.handle(PowerReading(percent, None, False))
        journal += fx
        works += [e for e in fx if isinstance(e, SetWork)]
    assert savings(journal) == [("low_power_video", True, "low"), ("camera_rate", True, "low"),
                                ("no_animations", True, "low")]  # once, at 20 %, not at every reading below
    assert len(works) == 1 and works[0].camera_rest > 0  # the camera told to read fewer pictures
    assert engine.view().still  # the screen told to stop what moves for nothing
    # The video playing goes on with its file; the next one starts from its lighter copy.
    assert played(engine.handle(TeacherCommand(Command.NEXT))) == ["river.low.mp4"]
    fx = engine.handle(PowerReading(percent, None, True))  # plugged in
    assert savings(fx) == [("low_power_video", False, "normal"), ("camera_rate", False, "normal"),
                           ("no_animations", False, "normal")]
    assert [e.camera_rest for e in fx if isinstance(e, SetWork)] == [0.0]
    assert not engine.view().still
    assert savings(engine.handle(PowerReading(percent + 1, None, True))) == []
    engine.handle(TeacherCommand(Command.BACK))
    assert played(engine.handle(TeacherCommand(Command.NEXT))) == ["river.mp4"]  # the full picture again


def test_a_battery_critical_at_once_takes_the_steps_at_the_stop_and_journals_them_once():
    engine = SessionEngine(lesson(), FakeClock(), Options(power_warn_percent=20, power_critical_percent=8))
    engine.start()
    fx = engine.handle(PowerReading(5.0, 4.0, False))
    assert [s[2] for s in savings(fx)] == ["stopped"] * 3
    assert savings(engine.handle(PowerReading(5.0, 4.0, False))) == []


def test_a_lesson_without_lighter_copies_journals_no_lighter_copy_step():
    engine = SessionEngine(lesson(lighter=False), FakeClock(), Options(power_warn_percent=20))
    engine.start()
    fx = engine.handle(PowerReading(15.0, 30.0, False))
    assert [s[0] for s in savings(fx)] == ["camera_rate", "no_animations"]
    assert played(engine.handle(TeacherCommand(Command.NEXT))) == ["story.mp4"]


def test_a_video_playing_as_the_battery_falls_below_the_warning_level_goes_on_from_its_lighter_copy_where_it_is():
    from cinema.core.events import MediaFinished, MediaPosition, PreloadMedia

    clock = FakeClock()
    engine = SessionEngine(lesson(), clock, Options(power_warn_percent=20))
    engine.start()
    engine.handle(PowerReading(22.0, 30.0, False))
    engine.handle(TeacherCommand(Command.NEXT))
    full = engine.state.media_token
    engine.handle(MediaPosition(full, 125.4, 600.0))
    fx = engine.handle(PowerReading(20.0, 28.0, False))
    switched = [e for e in fx if isinstance(e, PlayMedia)]
    assert [(e.path, e.start_at) for e in switched] == [("story.low.mp4", 125.4)]  # same place, lighter file
    assert [e.path for e in fx if isinstance(e, PreloadMedia)] == ["river.low.mp4"]  # the next one, lighter too
    assert engine.handle(MediaFinished(full)) == []  # the full file's end is old news
    engine.handle(MediaPosition(switched[0].token, 130.0, 600.0))
    assert engine.view().body.position == 130.0
    # Power back: no second gap in the middle of the video; the next item has the full picture.
    fx = engine.handle(PowerReading(20.0, None, True))
    assert not [e for e in fx if isinstance(e, PlayMedia)]
    assert [e.path for e in fx if isinstance(e, PreloadMedia)] == ["river.mp4"]
    assert played(engine.handle(TeacherCommand(Command.NEXT))) == ["river.mp4"]


def test_a_paused_video_is_not_switched_to_its_lighter_copy():
    engine = SessionEngine(lesson(), FakeClock(), Options(power_warn_percent=20))
    engine.start()
    engine.handle(TeacherCommand(Command.NEXT))
    engine.handle(TeacherCommand(Command.PAUSE))
    assert engine.paused
    assert not [e for e in engine.handle(PowerReading(15.0, 20.0, False)) if isinstance(e, PlayMedia)]
    assert engine.saving.on(Step.LOW_POWER_VIDEO)  # the next item starts from its lighter copy
