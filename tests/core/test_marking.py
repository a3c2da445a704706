"""Marking children by hand: the picker (cinema.core.marking) and the engine journaling what it does."""

from pathlib import Path

import pytest

from cinema.config.models import Item, Playlist
from cinema.core.clock import FakeClock
from cinema.core.events import (
    CardScanned, ClickerPressed, Command, JournalHealth, JournalState, LaptopKey, MediaPosition, Record,
    TeacherCommand, Tick,
)
from cinema.core.marking import (
    BY_CARD, MARKED, MAX_QUERY, NO_MATCH, NO_ROSTER, NOT_SAVED, ROWS, UNDONE, Marking, Move,
)
from cinema.core.records import resume_point
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.session import MARKING_TIMED_OUT, Options, SessionEngine

KEY = b"k"
CLASS = Roster("P1", (KEY,), (
    Learner("L1", "Émile Dubois"), Learner("L2", "Anne-Marie Curie"), Learner("L3", "أحمد علي"),
    Learner("L4", "Олена Коваль"), Learner("L5", "Said, Amina"), Learner("L6", ""), Learner("L7", "Amina Haddad"),
))


def lesson() -> Playlist:
    return Playlist("p", "P", "en", (
        Item("attendance", "att"),
        Item("video", "v", title="Film", media=Path("film.mp4")),
        Item("closing", "end", title="Bye"),
    ))


def engine_with(roster=CLASS, keyboard_open=True, **options):
    clock = FakeClock()
    engine = SessionEngine(lesson(), clock, Options(teacher_pin="4321", **options), roster)
    engine.start()
    if keyboard_open:
        engine.keyboard.unlock(clock.monotonic())
    return engine, clock


def kinds(effects):
    return [e.kind for e in effects if isinstance(e, Record)]


def typed(engine, text):
    fx = []
    for ch in text:
        fx += engine.handle(LaptopKey(None, text=ch))
    return fx


def labels(engine):
    return [r.label for r in engine.view().picker.rows]


def key(engine, name):
    return engine.handle(LaptopKey(None, key=name))


def enter(engine):
    return engine.handle(LaptopKey(Command.ACCEPT))


def open_picker(engine):
    return engine.handle(LaptopKey(Command.MARK, text="m"))


@pytest.mark.parametrize("query, found", [
    ("emi", ["Émile"]),  # accents and case do not matter
    ("ÉM", ["Émile"]),
    ("marie", ["Anne-Marie"]),  # the start of any word of the first name
    ("ann m", ["Anne-Marie"]),  # a second word narrows
    ("احم", ["أحمد"]),  # Arabic typed without the hamza finds the name written with it
    ("ол", ["Олена"]),  # Ukrainian, lower case
    ("l6", ["L6"]),  # a child with no name: by learner id
    ("l", ["Amina · L5", "Amina · L7", "Anne-Marie", "Émile", "L6", "Олена", "أحمد"]),  # every id starts with L
    ("ami", ["Amina · L5", "Amina · L7"]),  # two Aminas: the id tells them apart
    ("mile", []),  # not the middle of a word
    ("dubois", []),  # the family name is not shown, so it does not match
])
def test_letters_narrow_the_class_list(query, found):
    picker = Marking(CLASS)
    picker.open(0.0)
    picker.type(query, 1.0)
    view = picker.picker(set(), set())
    assert [r.label for r in view.rows] == found
    assert view.message == ("" if found else NO_MATCH)


def test_the_query_and_the_rows_are_bounded():
    many = Roster("P1", (KEY,), tuple(Learner(f"L{n}", f"Name{n}") for n in range(50)))
    picker = Marking(many)
    picker.open(0.0)
    picker.type("x" * 500, 1.0)
    assert len(picker.query) == MAX_QUERY
    picker.open(2.0)
    view = picker.picker(set(), set())
    assert len(view.rows) == ROWS and view.more == 50 - ROWS and view.selected == 0
    for _ in range(30):
        picker.move(Move.DOWN, 3.0)
    view = picker.picker(set(), set())
    assert 0 <= view.selected < ROWS and view.rows[view.selected].label == many.find(picker.chosen()).first_name


def test_type_two_letters_enter_marks_present_and_enter_again_takes_it_back():
    engine, _ = engine_with()
    assert open_picker(engine) == [] and engine.view().picker.rows
    typed(engine, "ол")
    assert labels(engine) == ["Олена"]
    fx = enter(engine)
    assert kinds(fx) == ["attendance.scanned"]
    record = next(e for e in fx if isinstance(e, Record))
    assert record.payload == {"learner_id": "L4", "source": "teacher", "index": 0, "via": "teacher"}
    assert "L4" in engine.attendance and engine.view().status.attendance == 1
    assert engine.view().picker.message == MARKED and engine.view().picker.rows[0].state == "teacher"
    fx = enter(engine)
    assert kinds(fx) == ["attendance.undone"] and fx[0].payload == {"learner_id": "L4", "via": "teacher"}
    assert "L4" not in engine.attendance and engine.view().picker.message == UNDONE
    assert engine.view().picker.rows[0].state == "absent"


def test_a_child_here_by_card_is_not_marked_again():
    engine, _ = engine_with()
    engine.handle(CardScanned(make_token("P1", "L1", KEY)))
    open_picker(engine)
    typed(engine, "em")
    assert engine.view().picker.rows[0].state == "card"
    assert kinds(enter(engine)) == [] and engine.view().picker.message == BY_CARD and "L1" in engine.attendance


def test_a_card_after_a_mark_by_hand_makes_the_child_present_by_card_once():
    """The child found the card after all: journaled once, and the fold (report, resume) no longer counts
    the child among those marked by hand; the attendance stays one."""
    from cinema.core.records import RecordFold

    engine, _ = engine_with()
    open_picker(engine)
    typed(engine, "ол")
    written = [e for e in enter(engine) if isinstance(e, Record)]
    key(engine, "escape")
    card = CardScanned(make_token("P1", "L4", KEY))
    later = [e for e in engine.handle(card) if isinstance(e, Record)]
    assert [r.kind for r in later] == ["attendance.scanned"] and later[0].payload.get("via", "card") == "card"
    assert [e for e in engine.handle(card) if isinstance(e, Record)] == []  # the card again: nothing more
    fold = RecordFold().add_all((r.kind, r.payload) for r in written + later)
    assert fold.attendance == ("L4",) and fold.by_hand == ()
    assert "L4" in engine.attendance and engine.register.by_hand == set()


def test_marking_moves_nothing_in_the_lesson_and_keys_go_to_the_list():
    engine, _ = engine_with()
    cmd_next = engine.handle(TeacherCommand(Command.NEXT))  # to the video
    assert kinds(cmd_next)[-1] == "item.started" and engine.item.id == "v"
    engine.handle(MediaPosition(engine.state.media_token, 5.0, 60.0))
    open_picker(engine)
    # S (skip), R (repeat), P (pause), Space (next), N: letters for the name now, not commands.
    fx = [fx for ch in "srpn " for fx in engine.handle(LaptopKey(None, text=ch))]
    for command in (Command.NEXT, Command.BACK, Command.SKIP, Command.REPEAT, Command.SEEK_FORWARD):
        fx += engine.handle(LaptopKey(command))
        fx += engine.handle(TeacherCommand(command))
    assert kinds(fx) == [] and engine.item.id == "v" and not engine.paused
    assert engine.view().picker is not None


def test_a_card_scanned_while_the_list_is_open_is_still_a_card():
    engine, _ = engine_with()
    open_picker(engine)
    fx = engine.handle(CardScanned(make_token("P1", "L2", KEY), "scanner"))
    assert kinds(fx) == ["attendance.scanned"] and fx[0].payload.get("via", "card") == "card"
    typed(engine, "anne")
    assert engine.view().picker.rows[0].state == "card"


def test_escape_closes_the_list_and_the_keys_drive_the_lesson_again():
    engine, _ = engine_with()
    open_picker(engine)
    engine.handle(LaptopKey(Command.QUIT))
    assert engine.view().picker is None and engine.pin is None  # Escape closed the list, it did not ask the PIN
    fx = engine.handle(LaptopKey(Command.NEXT))
    assert engine.item.id == "v" and "item.started" in kinds(fx)


def test_up_down_and_backspace():
    engine, _ = engine_with()
    open_picker(engine)
    typed(engine, "amx")
    assert labels(engine) == [] and engine.view().picker.selected == -1
    assert kinds(enter(engine)) == []  # nothing matches: nothing is marked
    key(engine, "backspace")
    assert labels(engine) == ["Amina · L5", "Amina · L7"]
    key(engine, "down")
    assert kinds(enter(engine)) == ["attendance.scanned"] and engine.attendance == {"L7"}
    key(engine, "up")
    assert engine.view().picker.selected == 0


def test_the_next_letter_after_a_choice_starts_a_new_search():
    engine, _ = engine_with()
    open_picker(engine)
    typed(engine, "ол")
    enter(engine)
    typed(engine, "em")
    assert labels(engine) == ["Émile"]


def test_with_no_class_list_the_picker_says_so_and_marks_nothing():
    for roster in (None, Roster("P1", (KEY,), ())):
        engine, _ = engine_with(roster)
        open_picker(engine)
        typed(engine, "ab")
        picker = engine.view().picker
        assert picker.rows == () and picker.message == NO_ROSTER and picker.query == ""
        assert kinds(enter(engine)) == []


def test_on_a_locked_keyboard_m_and_letters_only_show_the_hint():
    engine, _ = engine_with(keyboard_open=False)
    fx = open_picker(engine) + typed(engine, "ол") + enter(engine)
    assert kinds(fx) == ["keyboard.locked"] and engine.view().picker is None and engine.view().keyboard_locked


def test_the_remote_opens_the_list_and_marks_while_a_childs_typing_on_the_locked_keyboard_does_nothing():
    engine, _ = engine_with(keyboard_open=False)
    engine.handle(TeacherCommand(Command.MARK))  # the presenter remote's mark key
    fx = typed(engine, "ол")
    assert kinds(fx) == ["keyboard.locked"] and engine.view().picker.query == ""
    engine.handle(TeacherCommand(Command.BACK))  # up, round to the last child
    fx = engine.handle(TeacherCommand(Command.ACCEPT))
    assert kinds(fx) == ["attendance.scanned"] and engine.item.id == "att"
    engine.handle(TeacherCommand(Command.PAUSE))  # the remote's Esc / blank key closes it
    assert engine.view().picker is None and not engine.paused


def test_a_teacher_handset_marks_with_ok_and_closes_with_back():
    engine, _ = engine_with(keyboard_open=False, teacher_clickers=frozenset({"T1"}))
    engine.handle(ClickerPressed("T1", "F"))
    assert engine.view().picker is not None
    engine.handle(ClickerPressed("T1", "DOWN"))
    fx = engine.handle(ClickerPressed("T1", "OK"))
    assert kinds(fx) == ["attendance.scanned"] and engine.item.id == "att"  # OK marked, it did not go on
    engine.handle(ClickerPressed("C1", "A"))  # a child's handset is no teacher's: the list stays
    engine.handle(ClickerPressed("T1", "BACK"))
    assert engine.view().picker is None


def test_a_full_disk_marks_nothing_and_says_so():
    engine, _ = engine_with()
    engine.handle(JournalState(JournalHealth.FULL, 0))
    open_picker(engine)
    typed(engine, "ол")
    assert kinds(enter(engine)) == [] and engine.attendance == set()
    assert engine.view().picker.message == NOT_SAVED


def test_left_alone_the_list_closes_and_says_so():
    engine, clock = engine_with()
    open_picker(engine)
    clock.advance(30)
    typed(engine, "o")
    clock.advance(59)
    engine.handle(Tick())
    assert engine.view().picker is not None  # a key 59 s ago
    clock.advance(2)
    engine.handle(Tick())
    assert engine.view().picker is None and engine.view().toast == MARKING_TIMED_OUT


def test_resume_after_a_power_cut_keeps_marks_by_hand_and_their_undo():
    engine, clock = engine_with()
    records = []
    def run(fx):
        records.extend((e.kind, e.payload) for e in fx if isinstance(e, Record))
    open_picker(engine)
    for name in ("em", "ол", "em"):  # Émile marked, Olena marked, Émile's mark taken back
        run(typed(engine, name))
        run(enter(engine))
    point = resume_point(engine.session_id, records)
    assert set(point.attendance) == {"L4"} and point.by_hand == ("L4",)
    again = SessionEngine(lesson(), clock, Options(teacher_pin="4321"), CLASS)
    again.resume(point)
    assert again.attendance == {"L4"}
    again.keyboard.unlock(clock.monotonic())
    open_picker(again)
    typed(again, "ол")
    assert again.view().picker.rows[0].state == "teacher"
    assert kinds(enter(again)) == ["attendance.undone"] and again.attendance == set()
