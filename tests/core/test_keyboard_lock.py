"""The laptop keyboard during a lesson: locked against a child's key press, opened by the teacher's
PIN, with the hint and its journal record bounded; the remote and teacher handsets keep working."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from cinema.core.clock import FakeClock
from cinema.core.content import Item, Playlist
from cinema.core.events import ClickerPressed, Command, LaptopKey, PinDigit, Record, SavePin, TeacherCommand, Tick
from cinema.core.keyboard_lock import HINT_SECONDS, OPEN_IDLE_SECONDS, RECORD_EVERY
from cinema.core.session import Options, Phase, SessionEngine
from tests.budget import budget

ITEMS = tuple(Item(type="title", id=f"t{i}", title=f"Slide {i}") for i in range(4))
ANY_KEY = st.sampled_from([None, *Command])


def engine(**options) -> tuple[SessionEngine, FakeClock]:
    clock = FakeClock()
    e = SessionEngine(Playlist(id="p", title="P", language="en", items=ITEMS), clock,
                      Options(teacher_pin="4821", teacher_clickers=frozenset({"T1"}), **options))
    e.start()
    return e, clock


def kinds(effects) -> list[str]:
    return [e.kind for e in effects if isinstance(e, Record)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ANY_KEY, st.floats(0.01, 3.0)), max_size=300))
def test_a_child_typing_anything_moves_nothing_and_writes_only_the_hint(keys):
    e, clock = engine()
    e.handle(TeacherCommand(Command.NEXT))
    written = []
    with budget(seconds=2, megabytes=64):
        for command, gap in keys:
            clock.advance(gap)
            if command is Command.UNLOCK:
                continue  # Escape held 2 s is not a child's tap: it opens the PIN prompt (tested below)
            written += kinds(e.handle(LaptopKey(command)))
            written += kinds(e.handle(Tick()))
    assert e.index == 1 and e.phase is Phase.RUNNING and e.pin is None
    assert set(written) <= {"keyboard.locked"}
    # Bounded: at most one record a minute, however many keys.
    assert len(written) <= 1 + sum(gap for _, gap in keys) / RECORD_EVERY


def test_the_hint_shows_while_keys_come_and_goes_a_little_after():
    e, clock = engine()
    assert not e.view().keyboard_locked
    assert kinds(e.handle(LaptopKey(Command.SKIP))) == ["keyboard.locked"]
    assert e.view().keyboard_locked and e.index == 0
    for _ in range(30):  # a child hammering the space bar for 15 s: the hint stays, one record
        clock.advance(0.5)
        assert kinds(e.handle(LaptopKey(Command.NEXT))) == []
    clock.advance(HINT_SECONDS + 0.1)
    assert not e.view().keyboard_locked


def test_the_remote_and_the_teacher_handset_still_drive_the_lesson():
    e, clock = engine()
    e.handle(LaptopKey(Command.NEXT))
    e.handle(TeacherCommand(Command.NEXT))  # the configured presenter remote
    assert e.index == 1
    e.handle(ClickerPressed("T1", "OK"))  # a teacher handset
    assert e.index == 2


def test_escape_held_and_the_pin_open_the_keyboard_for_a_while():
    e, clock = engine()
    e.handle(LaptopKey(Command.UNLOCK))
    assert e.view().pin.purpose == "unlock"
    for d in "4821":
        e.handle(PinDigit(d))
    assert kinds(e.handle(PinDigit(submit=True))) == ["keyboard.unlocked"]
    e.handle(LaptopKey(Command.NEXT))
    assert e.index == 1  # the open keyboard works as before
    clock.advance(OPEN_IDLE_SECONDS - 1)
    e.handle(LaptopKey(Command.NEXT))  # used: open a while longer
    assert e.index == 2
    clock.advance(OPEN_IDLE_SECONDS + 1)
    assert kinds(e.handle(LaptopKey(Command.NEXT))) == ["keyboard.locked"] and e.index == 2  # locked again


def test_every_wrong_try_is_journaled_and_the_fifth_starts_a_wait():
    e, clock = engine()
    e.handle(LaptopKey(Command.UNLOCK))
    refused = []
    for _ in range(7):
        clock.advance(1.0)
        for d in "1111":
            e.handle(PinDigit(d))
        refused += [r.payload for r in e.handle(PinDigit(submit=True)) if isinstance(r, Record)]
    assert [p["tries"] for p in refused] == [1, 2, 3, 4, 5]  # tries during the wait are not taken
    assert [p.get("wait", 0) for p in refused] == [0, 0, 0, 0, 30.0] and {p["purpose"] for p in refused} == {"unlock"}
    assert e.view().pin.wait_seconds > 0


def test_the_prompt_says_when_it_closes_by_itself_or_is_cancelled():
    e, clock = engine()
    e.handle(TeacherCommand(Command.QUIT))
    clock.advance(25.0)
    e.handle(Tick())
    assert e.pin is None and "no key" in e.view().toast
    e.handle(TeacherCommand(Command.QUIT))
    e.handle(PinDigit(cancel=True))
    assert e.pin is None and e.view().toast == "PIN cancelled."


def test_the_keyboard_works_before_the_lesson_on_the_resume_offer():
    from cinema.core.records import ResumePoint

    e = SessionEngine(Playlist(id="p", title="P", language="en", items=ITEMS), FakeClock(), Options())
    e.offer_resume(ResumePoint("old", 2, 0.0, (), 0))
    fx = e.handle(LaptopKey(Command.ACCEPT))  # the teacher at the laptop before the class: Enter resumes
    assert kinds(fx)[0] == "session.resumed" and e.index == 2


def test_a_real_kiosk_chooses_its_pin_before_the_lesson():
    clock = FakeClock()
    e = SessionEngine(Playlist(id="p", title="P", language="en", items=ITEMS), clock, Options(teacher_pin="1234", choose_pin=True))
    assert e.start() == [] and e.phase is Phase.NEW and e.view().pin.purpose == "choose"
    assert e.handle(TeacherCommand(Command.NEXT)) == [] and e.phase is Phase.NEW  # the remote cannot skip it
    for pin in ("1234", "4821", "4821"):
        for d in pin:
            e.handle(PinDigit(d))
        fx = e.handle(PinDigit(submit=True))
    assert kinds(fx)[:2] == ["pin.changed", "session.started"] and e.phase is Phase.RUNNING
    saved = [x for x in fx if isinstance(x, SavePin)]
    assert len(saved) == 1 and b"4821" not in saved[0].digest
    e.handle(TeacherCommand(Command.QUIT))
    for d in "1234":
        e.handle(PinDigit(d))
    assert kinds(e.handle(PinDigit(submit=True))) == ["pin.refused"]  # the shipped PIN no longer opens it


def test_leaving_instead_of_choosing_starts_no_lesson():
    e = SessionEngine(Playlist(id="p", title="P", language="en", items=ITEMS), FakeClock(), Options(choose_pin=True))
    e.start()
    fx = e.handle(PinDigit(cancel=True))
    assert [type(x).__name__ for x in fx] == ["Exit"] and e.phase is Phase.NEW
