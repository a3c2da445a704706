"""The home screen's library as a state machine: keys in, a view and effects out (no pygame, no journal)."""

from __future__ import annotations

import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import Command, Exit, JournalHealth, JournalState, PinDigit, PowerReading, Record, TeacherCommand
from cinema.core.library import Fit, LessonEntry, Library, ListAgain, Move, StartLesson, Unfinished
from cinema.core.view import Screen

ALPHA = LessonEntry("alpha.yaml", "alpha", "Alpha", "health", "en", 30.0)
BETA = LessonEntry("beta.yaml", "beta", "Beta", "science", "ar", 60.0)
BROKEN = LessonEntry("broken.yaml", "broken", "Broken", problems=("playlists/broken.yaml:5: items[0]: unknown key",
                                                                    "playlists/broken.yaml:9: items[1].media: missing"))
GONE = Unfinished("s-old", "beta", "Beta", item_index=2, item_count=9)


def library(*entries: LessonEntry, unfinished: Unfinished | None = None, first: str = "", **kw) -> Library:
    return Library(entries or (ALPHA, BETA, BROKEN), FakeClock(), languages=("en", "ar", "uk"),
                   teacher_pin="2468", unfinished=unfinished, first=first, **kw)


def press(lib: Library, *commands: Command) -> list:
    out: list = []
    for c in commands:
        out += lib.handle(TeacherCommand(c))
    return out


def chosen(lib: Library) -> str:
    body = lib.view().body
    return body.rows[body.selected].kind + ":" + body.rows[body.selected].title


def kinds(effects: list) -> list[str]:
    return [e.kind if isinstance(e, Record) else type(e).__name__ for e in effects]


def test_the_list_has_every_lesson_then_the_language_and_the_end_of_the_day():
    view = library().view()
    assert view.screen is Screen.LIBRARY
    assert [(r.kind, r.title) for r in view.body.rows] == [
        ("lesson", "Alpha"), ("lesson", "Beta"), ("lesson", "Broken"), ("language", ""), ("end_day", "")]
    assert [r.minutes for r in view.body.rows[:3]] == [30, 60, None]
    assert [r.broken for r in view.body.rows[:3]] == [False, False, True]


def test_the_cursor_starts_on_the_configs_lesson_and_wraps_both_ways():
    lib = library(first="beta.yaml")
    assert chosen(lib) == "lesson:Beta"
    lib.handle(Move(+1))
    press(lib, Command.NEXT, Command.NEXT, Command.NEXT)  # the remote's next moves down too
    assert chosen(lib) == "lesson:Alpha"  # past the end of the day: back to the top
    press(lib, Command.BACK)
    assert chosen(lib) == "end_day:"


def test_enter_starts_the_chosen_lesson_with_its_record():
    lib = library()
    lib.handle(Move(+1))
    [start] = press(lib, Command.ACCEPT)
    assert isinstance(start, StartLesson) and start.key == "beta.yaml" and start.resume is None
    assert [r.kind for r in start.records] == ["lesson.chosen"]
    assert start.records[0].payload == {"playlist": "beta", "file": "beta.yaml", "resume": False}


def test_a_broken_lesson_shows_its_problems_and_never_starts():
    lib = library()
    lib.handle(Move(+2))
    assert press(lib, Command.ACCEPT) == []
    body = lib.view().body
    assert body.mode == "problems" and body.problems == BROKEN.problems and body.problems_title == "Broken"
    press(lib, Command.NEXT)
    assert lib.view().body.problems_offset == 1  # down reads on
    press(lib, Command.NEXT)
    assert lib.view().body.problems_offset == 1  # not past the last one
    assert press(lib, Command.ACCEPT) == []  # Enter goes back, it does not start it
    assert lib.view().body.mode == "browse" and chosen(lib) == "lesson:Broken"


def test_a_lesson_that_stopped_loading_is_marked_with_why():
    lib = library()
    lib.refused("alpha.yaml", ("playlists/alpha.yaml:3: title: is missing",))
    body = lib.view().body
    assert body.mode == "problems" and body.problems == ("playlists/alpha.yaml:3: title: is missing",)
    assert body.rows[0].broken


def test_an_unfinished_session_is_offered_first_and_resumed():
    lib = library(unfinished=GONE)
    assert chosen(lib) == "resume:Beta"
    row = lib.view().body.rows[0]
    assert (row.item_number, row.item_count, row.broken) == (3, 9, False)
    [start] = press(lib, Command.ACCEPT)
    assert start.key == "beta.yaml" and start.resume == GONE and start.abandon is None
    assert start.records[0].payload["resume"] is True


def test_throwing_an_unfinished_session_away_needs_a_second_yes():
    lib = library(unfinished=GONE)
    lib.handle(Move(+1))  # Alpha
    assert press(lib, Command.ACCEPT) == []
    body = lib.view().body
    assert body.mode == "confirm" and body.discard_title == "Beta" and body.chosen_title == "Alpha"
    assert press(lib, Command.DECLINE) == [] and lib.view().body.mode == "browse"
    press(lib, Command.ACCEPT)
    [start] = press(lib, Command.ACCEPT)
    assert start.key == "alpha.yaml" and start.abandon == GONE and start.resume is None


@pytest.mark.parametrize("back", [Command.QUIT, Command.BACK, Command.DECLINE])
def test_every_way_back_from_the_question_keeps_the_session(back):
    lib = library(unfinished=GONE)
    lib.handle(Move(+1))
    press(lib, Command.ACCEPT)
    assert press(lib, back) == []
    assert lib.view().body.mode == "browse" and lib.unfinished == GONE


def test_an_unfinished_session_whose_lesson_is_gone_cannot_be_resumed_but_is_said():
    lib = library(ALPHA, unfinished=GONE)
    row = lib.view().body.rows[0]
    assert row.kind == "resume" and row.broken
    assert press(lib, Command.ACCEPT) == []


def test_the_language_row_steps_through_the_catalogs_and_is_journaled():
    lib = library()
    lib.handle(Move(+3))
    effects = press(lib, Command.ACCEPT)
    assert kinds(effects) == ["kiosk.language", "ListAgain"]
    assert effects[0].payload == {"language": "ar", "previous": "en"}
    assert lib.view().language == "ar"
    press(lib, Command.ACCEPT, Command.ACCEPT)
    assert lib.view().language == "en"
    assert isinstance(effects[1], ListAgain)


def test_ending_the_day_takes_the_pin():
    lib = library()
    lib.handle(Move(-1))
    press(lib, Command.ACCEPT)
    assert lib.view().pin is not None
    wrong = [fx for d in "1111" for fx in lib.handle(PinDigit(d))] + lib.handle(PinDigit(submit=True))
    assert kinds(wrong) == ["pin.refused"]
    for d in "2468":
        lib.handle(PinDigit(d))
    effects = lib.handle(PinDigit(submit=True))
    assert kinds(effects) == ["day.ended", "Exit"] and effects[-1] == Exit("day ended")
    assert effects[0].payload == {"lessons": 0}


def test_escape_asks_for_the_pin_and_escape_again_closes_it():
    lib = library()
    press(lib, Command.QUIT)
    assert lib.view().pin is not None
    press(lib, Command.QUIT)
    assert lib.view().pin is None


# ---- whether the battery lasts: the power planner's figures ----------------------------------------

@pytest.mark.parametrize("reading, fits", [
    (None, Fit.UNKNOWN),
    (PowerReading(90.0, 300.0, False), Fit.LASTS),  # 5 h on the battery: both lessons
    (PowerReading(40.0, 50.0, False), Fit.SHORT),  # 50 min to empty, 40 to the critical 8 %: short of an hour
    (PowerReading(30.0, 20.0, True), Fit.PLUGGED),
    (PowerReading(50.0, None, False), Fit.UNKNOWN),  # no minutes yet (the planner needs 3 minutes of readings)
])
def test_whether_the_battery_lasts_each_lesson(reading, fits):
    lib = library()
    if reading is not None:
        lib.handle(reading)
    beta = lib.view().body.rows[1]
    assert beta.battery == fits.value
    assert lib.view().body.rows[2].battery == ""  # a broken lesson says nothing of the battery


def test_half_an_hour_lasts_where_an_hour_does_not():
    lib = library()
    lib.handle(PowerReading(40.0, 60.0, False))  # 48 usable minutes before the critical level
    rows = lib.view().body.rows
    assert (rows[0].battery, rows[1].battery) == ("lasts", "short")


def test_little_disk_space_is_said_on_the_list_and_journaled_once():
    lib = library()
    effects = lib.handle(JournalState(JournalHealth.LOW, 12 * 1024 * 1024))
    assert kinds(effects) == ["journal.trouble"]
    assert lib.handle(JournalState(JournalHealth.LOW, 11 * 1024 * 1024)) == []
    body = lib.view().body
    assert body.disk == "low" and body.free_mb == 11
    lib.handle(JournalState(JournalHealth.FULL, 0))
    assert lib.view().body.disk == "full" and lib.view().toast


def test_a_usb_stick_at_the_end_of_the_day_is_said_and_journaled():
    from cinema.core.events import UsbExport, Tick

    lib = library()
    assert lib.handle(UsbExport("started")) == [] and lib.view().toast == "Saving: leave the USB stick in"
    done = lib.handle(UsbExport("done", records=40, first_seq=1, last_seq=40, file="k-1-40.lcb"))
    assert kinds(done) == ["export.made", "PlaySound"]
    assert done[0].payload["file"] == "k-1-40.lcb" and lib.view().toast.startswith("Saved")
    lib.clock.advance(9.0)
    lib.handle(Tick())
    assert lib.view().toast == ""
    assert kinds(lib.handle(UsbExport("failed", reason="the stick is full"))) == ["export.failed", "PlaySound"]


def test_devices_seen_at_home_are_on_its_status_bar():
    from cinema.core.events import DeviceChanged

    lib = library()
    lib.handle(DeviceChanged("clickers", True, "lcp"))
    lib.handle(DeviceChanged("camera", False))
    assert [(d.name, d.connected) for d in lib.view().status.devices] == [("camera", False), ("clickers", True)]
    assert set(lib.devices) == {"camera", "clickers"}  # handed to the lesson's engine when one starts


# ---- the battery line: minutes the battery gives each lesson, its own items in order ------------

def test_on_battery_each_lesson_says_the_minutes_the_battery_gives_it():
    from cinema.core.energy import EnergyRates
    from cinema.core.power import PowerPolicy

    clock = FakeClock()
    rates = EnergyRates(cpu={"video_720p": 60.0, "slides": 0.0, "hub_idle": 0.0}, idle_watts=10.0, watts_per_core=10.0)
    videos = LessonEntry("films.yaml", "films", "Films", minutes=60.0, schedule=(("video_720p", 60.0),))
    pictures = LessonEntry("pictures.yaml", "pictures", "Pictures", minutes=60.0, schedule=(("slides", 60.0),))
    lib = Library((videos, pictures), clock, power=PowerPolicy(clock, energy=rates))
    assert [r.battery_minutes for r in lib.view().body.rows[:2]] == [None, None]  # no reading yet
    # The home screen (10 W) falls 1 % a minute by the battery's own figure: 80 usable points.
    lib.handle(PowerReading(88.0, 88.0, False))
    films, slides = lib.view().body.rows[:2]
    assert (films.battery_minutes, films.battery) == (40, "short")  # videos draw twice the home screen
    assert (slides.battery_minutes, slides.battery) == (80, "lasts")
    lib.handle(PowerReading(88.0, None, True))
    assert lib.view().body.rows[0].battery_minutes is None  # on a charger: nothing to say
