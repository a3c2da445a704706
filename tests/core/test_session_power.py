"""The engine and the power policy: advice at the start, a stop that pauses and saves, power back resumes."""

import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import Command, MediaPosition, PauseMedia, PowerReading, Record, TeacherCommand
from cinema.core.session import Options, SessionEngine
from tests.core.test_session import playlist


def actions(effects):
    return [e.payload["action"] for e in effects if isinstance(e, Record) and e.kind == "power.action"]


def test_a_draining_battery_advises_warns_stops_and_power_back_resumes():
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options(power_warn_percent=20, power_critical_percent=8))
    engine.start()
    assert actions(engine.handle(PowerReading(30.0, 20.0, False))) == ["advise"]
    assert engine.view().power_advice is not None
    engine.handle(TeacherCommand(Command.NEXT))  # the first video
    engine.handle(MediaPosition(engine.state.media_token, 10.0, 600.0))
    seen, percent = [], 30.0
    while not engine.power_stopped and percent > 0:
        clock.advance(30)
        percent -= 0.5
        fx = engine.handle(PowerReading(percent, None, False))
        seen += [(percent, a) for a in actions(fx)]
    assert seen == [(20.0, "warn"), (8.0, "stop")]
    assert engine.paused and PauseMedia(True) in fx
    assert [e.kind for e in fx if isinstance(e, Record)] == ["power.action", "item.paused"]
    assert engine.view().toast == "Saved. Connect power."
    assert engine.status.battery_minutes is not None  # estimated: this battery gives no minutes
    fx = engine.handle(PowerReading(percent, None, True))
    assert actions(fx) == ["restore"] and PauseMedia(False) in fx
    assert not engine.paused and engine.view().toast == "Power is back"


def test_the_teacher_may_go_on_after_a_stop():
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options())
    engine.start()
    for percent in (9.0, 8.0):
        engine.handle(PowerReading(percent, 5.0, False))
        clock.advance(30)
    assert engine.power_stopped and engine.paused
    engine.handle(TeacherCommand(Command.PAUSE))
    assert not engine.paused and not engine.power_stopped and engine.view().toast != "Saved. Connect power."
    assert actions(engine.handle(PowerReading(7.0, 4.0, False))) == []  # the stop fires once


def test_a_stop_while_the_teacher_has_paused_shows_the_notice_and_power_back_leaves_it_paused():
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options())
    engine.start()
    engine.handle(TeacherCommand(Command.PAUSE))
    for percent in (9.0, 8.0):
        engine.handle(PowerReading(percent, 5.0, False))
        clock.advance(30)
    assert engine.view().toast == "Saved. Connect power."
    engine.handle(PowerReading(8.0, None, True))
    assert engine.paused  # the teacher paused it; only the teacher resumes it


def test_plugging_in_takes_the_advice_on_what_to_skip_away():
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options(power_warn_percent=20, power_critical_percent=8))
    engine.start()
    engine.handle(PowerReading(30.0, 20.0, False))
    assert engine.view().power_advice is not None
    clock.advance(5)  # well before the advice would time out
    engine.handle(PowerReading(31.0, None, True))
    assert engine.view().power_advice is None


def test_the_status_bar_and_the_advice_give_the_same_minutes():
    # The battery says 20 min to empty; the kiosk stops at 8% of 30%: the teacher has 20 * 22 / 30 min.
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options(power_warn_percent=20, power_critical_percent=8))
    engine.start()
    engine.handle(PowerReading(30.0, 20.0, False))
    advice = engine.view().power_advice
    assert advice is not None
    assert engine.view().status.battery_minutes == pytest.approx(advice.usable_minutes) == pytest.approx(20 * 22 / 30)


def _lighter_lesson():
    from pathlib import Path

    from cinema.core.content import Item, Playlist

    return Playlist("light", "Light", "en", (
        Item("title", "t", title="Hello"),
        Item("video", "v1", media=Path("intro.mp4"), low_power=Path("intro.low.mp4"), duration=600.0),
        Item("video", "v2", media=Path("lesson.mp4"), low_power=Path("lesson.low.mp4"), duration=900.0),
        Item("video", "v3", media=Path("plain.mp4")),
    ))


def _played(effects):
    from cinema.core.events import PlayMedia, PreloadMedia

    return ([e.path for e in effects if isinstance(e, PlayMedia)], [e.path for e in effects if isinstance(e, PreloadMedia)])


def test_below_the_warning_level_the_lighter_copy_plays_and_otherwise_the_file_itself():
    clock = FakeClock()
    engine = SessionEngine(_lighter_lesson(), clock, Options())
    engine.start()
    # No reading yet (a laptop with no battery to read): the file itself.
    assert _played(engine.handle(TeacherCommand(Command.NEXT)))[0] == ["intro.mp4"]
    engine.handle(PowerReading(70.0, 120.0, False))  # unplugged, well charged: the teacher keeps the full picture
    assert _played(engine.handle(TeacherCommand(Command.BACK)))[0] == []  # (the title)
    assert _played(engine.handle(TeacherCommand(Command.NEXT)))[0] == ["intro.mp4"]
    for _ in range(2):  # a fall this steep is believed once seen twice
        engine.handle(PowerReading(15.0, 20.0, False))  # below the warning level
    played, preloaded = _played(engine.handle(TeacherCommand(Command.NEXT)))
    assert played == ["lesson.low.mp4"]
    assert preloaded == ["plain.mp4"]  # the next video has no lighter copy
    assert _played(engine.handle(TeacherCommand(Command.NEXT)))[0] == ["plain.mp4"]
    engine.handle(TeacherCommand(Command.BACK))
    engine.handle(PowerReading(70.0, None, True))  # plugged back in
    assert _played(engine.handle(TeacherCommand(Command.BACK)))[0] == ["intro.mp4"]


def test_a_measured_duration_counts_in_the_power_plan_before_the_file_has_played():
    from cinema.core.power import lesson_plan

    lesson = _lighter_lesson()
    plan = lesson_plan(lesson.items, 0)
    minutes = [p.minutes for p in plan.rest]
    assert minutes[:2] == [10.0, 15.0]  # 600 s and 900 s, measured on import
    unknown = lesson_plan((lesson.items[0], lesson.items[3]), 0).rest[0]
    assert unknown.minutes != 15.0  # the default guess, for a video nobody measured
