"""What the teacher window shows beside the projector (Session.teacher_view), driven with the fake clock."""

from pathlib import Path

import pytest

from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.core.clock import FakeClock
from cinema.core.events import (
    CardScanned, ClickerPressed, Command, DeviceChanged, JournalHealth, JournalState, MediaFailed, MediaPosition,
    PowerReading, TeacherCommand, Tick,
)
from cinema.core.library import LessonEntry, Library
from cinema.core.power import lesson_plan
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.session import Options, SessionEngine
from cinema.core.teacher import MAX_NAMES, MAX_NOTICES
from cinema.core.view import Screen, TeacherItem
from tests.core.test_session import KEY, ROSTER, playlist

TIMED = Activity("timed", "multiple_choice", "Timed", (
    Question("1 + 1?", (Option("A", "2"), Option("B", "3")), correct="A"),
), seconds=20)


def engine_for(items=None, roster=ROSTER):
    clock = FakeClock()
    pl = playlist() if items is None else Playlist("p", "P", "en", tuple(items))
    return SessionEngine(pl, clock, Options(teacher_pin="4321"), roster), clock


def cmd(engine, *commands):
    for c in commands:
        engine.handle(TeacherCommand(c))


def test_now_and_next_name_the_items_with_their_type_and_number():
    engine, _ = engine_for()
    before = engine.teacher_view()
    assert before.now is None and before.next == TeacherItem("Hello", "title", 1)
    engine.start()
    tv = engine.teacher_view()
    assert tv.now == TeacherItem("Hello", "title", 1) and tv.next == TeacherItem("Intro", "video", 2)
    assert tv.class_screen is Screen.TITLE and tv.item_count == 10 and tv.lesson_title == "Demo"


def test_the_calm_item_on_offer_is_never_named_next():
    engine, _ = engine_for()
    engine.start()
    while engine.item.id != "att":
        cmd(engine, Command.SKIP)
    assert engine.teacher_view().next.title == "Break"  # "Breathe" plays only if the teacher takes the offer


def test_a_video_says_what_is_left_of_it_only_once_its_length_is_known():
    engine, clock = engine_for()
    engine.start()
    cmd(engine, Command.NEXT)
    tv = engine.teacher_view()
    assert tv.item_seconds_left is None  # its length is not known yet: no number rather than a wrong one
    engine.handle(MediaPosition(engine.state.media_token, 30.0, 100.0))
    tv = engine.teacher_view()
    assert tv.item_seconds_left == 70
    # The lesson: this video's 70 s and each later item's expected length, as the battery planner counts them.
    rest = lesson_plan(engine.playlist.items, engine.index, 30.0, engine.durations).rest
    assert tv.lesson_seconds_left == pytest.approx(70 + sum(p.minutes for p in rest) * 60, abs=1)
    assert all(p.id != "calm" for p in rest)


@pytest.mark.parametrize("item, wait, left", [
    (Item("slides", "s", slides=(Path("a.png"), Path("b.png"), Path("c.png")), seconds=5), 2, 13),
    (Item("break", "b", title="Break", seconds=30), 12, 18),
    (Item("activity", "q", activity=TIMED), 5, 15),
    (Item("slides", "s", slides=(Path("a.png"),)), 5, None),  # the teacher advances: no timer
    (Item("attendance", "att"), 5, None),
])
def test_time_left_on_timed_items(item, wait, left):
    engine, clock = engine_for([item, Item("closing", "end", title="Bye")])
    engine.start()
    clock.advance(wait)
    tv = engine.teacher_view()
    assert tv.item_seconds_left == left
    assert tv.lesson_seconds_left is not None and tv.lesson_seconds_left >= (left or 0)


def test_time_left_stands_still_while_paused():
    engine, clock = engine_for([Item("break", "b", title="Break", seconds=30), Item("closing", "end")])
    engine.start()
    clock.advance(10)
    cmd(engine, Command.PAUSE)
    clock.advance(100)
    tv = engine.teacher_view()
    assert tv.paused and tv.item_seconds_left == 20


def test_an_activity_is_named_by_its_title_and_a_failed_item_adds_nothing_to_the_lesson_time():
    engine, clock = engine_for([Item("video", "v", title="Film", media=Path("f.mp4")),
                                Item("activity", "q", activity=TIMED), Item("closing", "end")])
    engine.start()
    assert engine.teacher_view().next == TeacherItem("Timed", "activity", 2)
    engine.handle(MediaPosition(engine.state.media_token, 10.0, 600.0))
    engine.handle(MediaFailed(engine.state.media_token, "broken"))
    tv = engine.teacher_view()
    rest = lesson_plan(engine.playlist.items, 0, 0.0, engine.durations).rest
    assert tv.class_screen is Screen.NOTICE and tv.item_seconds_left is None
    assert tv.lesson_seconds_left == pytest.approx(sum(p.minutes for p in rest) * 60, abs=1)  # not the film's 590 s


def test_no_lesson_time_after_the_end():
    engine, _ = engine_for([Item("closing", "end")])
    engine.start()
    cmd(engine, Command.NEXT)
    tv = engine.teacher_view()
    assert tv.now is None and tv.item_seconds_left is None and tv.lesson_seconds_left is None


def test_who_has_and_has_not_answered_the_open_question_by_first_name():
    roster = Roster("P1", (KEY,), (Learner("L1", "Amina Said"), Learner("L2", "Olena"), Learner("L3", "Zoe")))
    engine, _ = engine_for([Item("activity", "q", activity=TIMED), Item("closing", "end")], roster)
    engine.handsets.pair("c1", "L1")
    engine.handsets.pair("c2", "L2")
    engine.start()
    for lid in ("L1", "L2"):
        engine.handle(CardScanned(make_token("P1", lid, KEY)))
    engine.handle(ClickerPressed("c1", "A"))
    engine.handle(ClickerPressed("0000C9", "B"))  # a handset given to nobody
    answers = engine.teacher_view().answers
    assert answers.answered == ("Amina", "#00C9") and answers.waiting == ("Olena",)
    assert answers.unpaired == 1  # Olena may have been the one on the handset given to nobody
    cmd(engine, Command.NEXT)  # closed: nothing is open, nobody is waited for
    assert engine.teacher_view().answers is None


def test_before_anyone_is_marked_present_every_child_given_a_handset_is_waited_for():
    engine, _ = engine_for([Item("checkin", "c", prompt="How?"), Item("closing", "end")])
    engine.handsets.pair("c1", "L1")
    engine.handsets.pair("c2", "L2")
    engine.start()
    engine.handle(ClickerPressed("c2", "4"))
    answers = engine.teacher_view().answers
    assert answers.answered == ("Olena",) and answers.waiting == ("Amina",)


def test_the_lists_are_bounded_and_say_how_many_more():
    learners = tuple(Learner(f"L{n:03d}", f"Child{n:03d}") for n in range(100))
    roster = Roster("P1", (KEY,), learners)
    engine, _ = engine_for([Item("activity", "q", activity=TIMED), Item("closing", "end")], roster)
    engine.start()
    for learner in learners:
        engine.handle(CardScanned(make_token("P1", learner.learner_id, KEY)))
    answers = engine.teacher_view().answers
    assert len(answers.waiting) == MAX_NAMES and answers.more_waiting == 100 - MAX_NAMES
    assert answers.answered == () and answers.more_answered == 0


def checkin_engine(faces):
    engine, clock = engine_for()
    engine.start()
    while engine.item.id != "c":
        cmd(engine, Command.SKIP)
    for n, face in enumerate(faces):
        engine.handle(ClickerPressed(f"h{n}", face))
    return engine


def test_the_calm_note_counts_the_saddest_faces_only_with_five_answers():
    few = checkin_engine("112")
    assert few.teacher_view().calm is None  # open: no note yet
    cmd(few, Command.NEXT)
    note = few.teacher_view().calm
    assert note.answers == 3 and note.low is None and note.offered and note.calm_title == "Breathe"
    many = checkin_engine("11255")
    cmd(many, Command.NEXT)
    note = many.teacher_view().calm
    assert note.answers == 5 and note.low == 3 and note.offered


def test_a_happy_room_is_offered_nothing():
    engine = checkin_engine("55554")
    cmd(engine, Command.NEXT)
    note = engine.teacher_view().calm
    assert note.low == 0 and not note.offered


def test_notices_newest_first_with_the_failed_items_title_and_bounded():
    engine, clock = engine_for()
    engine.start()
    cmd(engine, Command.NEXT)
    engine.handle(DeviceChanged("clickers", False, "unplugged"))
    engine.handle(JournalState(JournalHealth.RESERVE, 1000))
    engine.handle(MediaFailed(engine.state.media_token, "broken"))
    tv = engine.teacher_view()
    assert tv.notices[0] == "This video could not be played." and tv.notice_detail == "Intro"
    assert "Disk full: the reserve space is in use" in tv.notices and "A device is disconnected" in tv.notices
    clock.advance(10)
    engine.handle(Tick())  # the notice is over; the teacher screen still lists it for a while
    tv = engine.teacher_view()
    assert tv.class_screen is Screen.VIDEO and "This video could not be played." in tv.notices
    assert tv.notice_detail == "Intro"
    for command in (Command.CAPTIONS,) * 3 + (Command.QUIT,):
        cmd(engine, command)
    engine.handle(TeacherCommand(Command.DECLINE))  # the PIN prompt cancelled: "PIN cancelled."
    tv = engine.teacher_view()
    assert tv.notices.index("PIN cancelled.") < tv.notices.index("Captions on")
    assert len(tv.notices) <= MAX_NOTICES


def test_the_pin_prompt_the_roster_size_and_present():
    engine, _ = engine_for()
    engine.start()
    engine.handle(CardScanned(make_token("P1", "L1", KEY)))
    cmd(engine, Command.QUIT)
    tv = engine.teacher_view()
    assert tv.pin is not None and tv.present == 1 and tv.expected == 2


def test_the_battery_advice_stays_on_the_teacher_screen_while_it_holds():
    engine, clock = engine_for()
    engine.start()
    engine.handle(PowerReading(30.0, 20.0, False))
    advice = engine.teacher_view().power_advice
    assert advice is not None and advice.needs_minutes > advice.usable_minutes  # "the lesson needs N min"
    clock.advance(20)
    engine.handle(Tick())
    assert engine.view().power_advice is None  # gone from the projector's strip after 15 s ...
    kept = engine.teacher_view().power_advice  # ... kept where only the teacher sees it
    assert kept.skip == advice.skip and kept.needs_minutes < advice.needs_minutes  # 20 s of the lesson gone
    engine.handle(PowerReading(30.0, 20.0, True))
    assert engine.teacher_view().power_advice is None  # plugged in: nothing to skip


def test_the_teachers_advice_follows_the_battery_and_goes_once_the_battery_lasts():
    engine, clock = engine_for()
    engine.start()
    engine.handle(PowerReading(30.0, 20.0, False))
    first = engine.teacher_view().power_advice
    clock.advance(60)
    engine.handle(PowerReading(30.0, 15.0, False))
    later = engine.teacher_view().power_advice
    assert later.skip == first.skip and later.usable_minutes < first.usable_minutes  # today's numbers
    assert later.usable_minutes == pytest.approx(engine.view().status.battery_minutes)  # as the status bar says
    engine.handle(PowerReading(30.0, 600.0, False))  # a fresh battery pack: ten hours
    cmd(engine, Command.NEXT)  # the next item compares again: the lesson fits
    assert engine.teacher_view().power_advice is None


def test_the_battery_advice_is_shown_at_most_once_per_item_however_many_readings_come():
    engine, clock = engine_for()
    engine.start()
    cmd(engine, Command.NEXT)
    engine.handle(MediaPosition(engine.state.media_token, 0.0, 1200.0))
    appeared, shown, percent = 0, False, 40.0
    for _ in range(120):  # a reading every 10 s for 20 minutes of the same video
        clock.advance(10)
        percent -= 0.05
        engine.handle(PowerReading(percent, 25.0, False))
        engine.handle(Tick())
        now_shown = engine.view().power_advice is not None
        appeared += now_shown and not shown
        shown = now_shown
    assert engine.item.id == "v1" and appeared == 1


def test_the_home_screen_has_no_teacher_view():
    library = Library((LessonEntry("demo.yaml", "demo", "Demo", minutes=30.0),), FakeClock(), teacher_pin="4321")
    assert library.teacher_view() is None


def test_the_teacher_window_speaks_the_kiosks_menu_language_not_the_lessons():
    """An Arabic lesson run by a team whose menus are in English: the lesson is in Arabic on the
    projector, the teacher's own window in English."""
    lesson = Playlist("p", "P", "ar", (Item("title", "t", title="مرحبا"), Item("closing", "end")))
    engine = SessionEngine(lesson, FakeClock(), Options(teacher_pin="4321", menu_language="en"), ROSTER)
    engine.start()
    assert engine.view().language == "ar" and engine.teacher_view().language == "en"
    plain = SessionEngine(lesson, FakeClock(), Options(teacher_pin="4321"), ROSTER)
    assert plain.teacher_view().language == "ar"  # no menus known: the lesson's
