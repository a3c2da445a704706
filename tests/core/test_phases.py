"""The session's phase table: every phase is reachable, and every change goes through the table."""

import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import Command, MediaFinished, PowerReading, TeacherCommand, Tick
from cinema.core.session import TRANSITIONS, Options, Phase, SessionEngine, Step
from tests.core.test_session import ROSTER, playlist


def test_every_phase_is_reachable_from_new_and_can_end():
    reached, frontier = {Phase.NEW}, [Phase.NEW]
    while frontier:
        phase = frontier.pop()
        for (src, _), dst in TRANSITIONS.items():
            if src is phase and dst not in reached:
                reached.add(dst)
                frontier.append(dst)
    assert reached == set(Phase)
    for phase in set(Phase) - {Phase.NEW, Phase.ENDED}:
        assert any(src is phase and dst is Phase.ENDED for (src, _), dst in TRANSITIONS.items()) or \
            phase is Phase.RESUME_OFFER


def engine_at(phase: Phase) -> SessionEngine:
    """A real engine driven (not poked) into `phase`."""
    clock = FakeClock()
    engine = SessionEngine(playlist(), clock, Options(), ROSTER)
    if phase is Phase.NEW:
        return engine
    engine.start()
    engine.handle(TeacherCommand(Command.NEXT))  # the first video
    if phase is Phase.PAUSED:
        engine.handle(TeacherCommand(Command.PAUSE))
    elif phase is Phase.POWER_STOPPED:
        for percent in (50, 40, 30, 20, 15, 10, 7, 6):
            clock.advance(60)
            engine.handle(PowerReading(percent, None, False))
    elif phase is Phase.NOTICE:
        from cinema.core.events import MediaFailed

        engine.handle(MediaFailed(engine.state.media_token, "damaged"))
    assert engine.phase is phase
    return engine


@pytest.mark.parametrize("phase", [Phase.RUNNING, Phase.PAUSED, Phase.POWER_STOPPED, Phase.NOTICE])
def test_the_pin_leaves_from_any_phase_with_an_item(phase):
    from cinema.core.events import PinDigit

    engine = engine_at(phase)
    engine.handle(TeacherCommand(Command.QUIT))
    for digit in "1234":
        engine.handle(PinDigit(digit))
    engine.handle(PinDigit(submit=True))
    assert engine.phase is Phase.ENDED


@pytest.mark.parametrize("phase", [Phase.PAUSED, Phase.POWER_STOPPED])
def test_paused_media_does_not_move_on_but_the_teacher_can(phase):
    engine = engine_at(phase)
    token = engine.state.media_token
    engine.clock.advance(1000)
    assert engine.handle(Tick()) == []
    assert engine.item.id == "v1"
    engine.handle(TeacherCommand(Command.NEXT))
    assert engine.phase is Phase.RUNNING and engine.item.id == "v2" and not engine.power_stopped
    assert engine.handle(MediaFinished(token)) == []  # the old file's end is stale


def test_a_refused_step_is_an_error_not_a_silent_change():
    engine = engine_at(Phase.NEW)
    with pytest.raises(RuntimeError):
        engine._go(Step.PAUSE)
    assert engine.phase is Phase.NEW
