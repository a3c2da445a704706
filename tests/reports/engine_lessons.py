"""Journals written by the real session engine: a lesson driven through its public API (start,
handle), every Record effect committed with the real Journal, as the kiosk's main loop does."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cinema.config.activities import load_activities
from cinema.config.playlists import load_playlist
from cinema.core.clock import FakeClock
from cinema.core.events import (
    CardAnswer, CardScanned, ClickerPressed, Command, DeviceChanged, DeviceJunk, LaptopKey, MediaFailed, MediaFinished,
    MediaPosition, PinDigit, PlayMedia, PowerReading, Record, TeacherCommand, Tick, UsbExport,
)
from cinema.core.events import HubNote, JournalHealth, JournalState, PhoneAnswer, PhoneCommand, PhoneLink, TakeHomeTaken
from cinema.core.events import DecodingChanged
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.screen_plan import Monitor, display_record, plan_screens
from cinema.core.session import Options, SessionEngine
from cinema.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
KEY = b"engine-lesson-key"
PROGRAM = "LC-TEST"
LEARNERS = ("L1", "L2", "L3", "L4", "L5")


def card(learner: str) -> str:
    return make_token(PROGRAM, learner, KEY)


class Lesson:
    """One engine, its clock and a journal: every event's records are committed as they come."""

    def __init__(self, journal: Journal, playlist, roster: Roster | None = None, options: Options | None = None,
                 session_id: str | None = None) -> None:
        self.clock = FakeClock()
        self.journal = journal
        kw = {"session_id": session_id} if session_id else {}
        self.engine = SessionEngine(playlist, self.clock, options or Options(teacher_pin="4321"), roster, **kw)
        self.records: list[Record] = []
        self.token = 0  # the media play request now running

    def apply(self, effects) -> list[Record]:
        records = [e for e in effects if isinstance(e, Record)]
        for e in effects:
            if isinstance(e, PlayMedia):
                self.token = e.token
        if records:
            self.journal.append(self.engine.session_id, records, self.clock.wall(), self.clock.monotonic())
            self.records += records
        return records

    def start(self) -> Lesson:
        self.apply(self.engine.start())
        return self

    def send(self, *events, wait: float = 1.0) -> Lesson:
        for event in events:
            self.clock.advance(wait)
            self.apply(self.engine.handle(event))
        return self

    def cmd(self, *commands: Command) -> Lesson:
        return self.send(*(TeacherCommand(c) for c in commands))

    def at(self) -> str:
        item = self.engine.playlist.items[self.engine.index]
        return item.id

    def tick_until_not(self, item_id: str, seconds: float = 600) -> Lesson:
        while self.at() == item_id and seconds > 0:
            self.send(Tick(), wait=5.0)
            seconds -= 5.0
        assert self.at() != item_id, f"still on {item_id}"
        return self


def roster() -> Roster:
    return Roster(PROGRAM, (KEY,), tuple(Learner(lid, f"Child {lid}") for lid in LEARNERS))


def demo_playlist():
    """The bundled demo lesson (every item type), its quiz also taking answers by card."""
    activities = load_activities(ROOT / "activities")
    playlist = load_playlist(ROOT / "playlists" / "demo.yaml", activities)
    items = tuple(dataclasses.replace(i, answer_by_card=True) if i.type == "activity" else i for i in playlist.items)
    return dataclasses.replace(playlist, items=items)


def demo_lesson(journal: Journal) -> Lesson:
    """The demo lesson with every kind of thing a class does: cards (one refused), handsets paired and
    swapped, a paused video sought back, answers changed by handset and by card, a sad check-in whose calm offer
    is taken, a failed audio, a wrong PIN, battery low, critical and back, a receiver lost and back,
    a USB export that worked and one that failed, a child who forgot the card marked by hand (a wrong
    mark taken back on the way)."""
    # A new kiosk: the teacher chooses the PIN (typed twice) before the lesson starts.
    lesson = Lesson(journal, demo_playlist(), roster(), Options(teacher_pin="1234", choose_pin=True)).start()
    lesson.send(*(PinDigit(d) for d in "4321"), PinDigit(submit=True), *(PinDigit(d) for d in "4321"),
                PinDigit(submit=True))
    lesson.send(PowerReading(90.0, 200.0, False), DeviceChanged("clickers /dev/ttyUSB0", True, "lcp"))
    # The kiosk's windows, as its main loop journals them: a projector beside the laptop at the start,
    # its cable pulled out and plugged back in (cinema/app/presenter.py Screens).
    laptop, projector = Monitor("eDP-1", 0, 0, 1366, 768, True), Monitor("HDMI-1", 1366, 0, 1024, 768)
    lesson.apply([display_record(plan_screens((laptop, projector)), "start").record(),
                  display_record(plan_screens((laptop,)), "unplugged").record(),
                  display_record(plan_screens((laptop, projector)), "plugged").record()])
    lesson.send(DeviceJunk("scanner /dev/ttyUSB1", 5000, 2))  # a noisy scanner: summed up a minute later
    lesson.cmd(Command.NEXT)
    assert lesson.at() == "attendance"
    lesson.send(*(CardScanned(card(lid)) for lid in LEARNERS[:-1]), CardScanned("LC1.OTHER.L9.AAAAAAAA"))
    lesson.send(CardScanned(card("L1")))  # shown twice: counts once
    lesson.cmd(Command.NEXT)
    assert lesson.at() == "pairing"
    # A phone on the hub is linked to L4 by the number and letters printed on L4's card.
    lesson.send(PhoneLink("0d0d0d0d", f"L4 {card('L4').rsplit('.', 1)[1]}", 1))
    lesson.send(HubNote("started", detail="http://10.42.0.1:8080/"), HubNote("refused", "0e0e0e0e", "old code", 3))
    for n, lid in enumerate(("L1", "L2", "L3"), start=1):
        lesson.send(CardScanned(card(lid)), ClickerPressed(f"c{n}", "A"))
    lesson.send(CardScanned(card("L3")), ClickerPressed("c7", "A"))  # L3's handset broke: swapped for c7
    lesson.cmd(Command.NEXT)
    assert lesson.at() == "intro"
    lesson.send(MediaPosition(lesson.token, 3.0, 10.0))
    # The graphics chip gave no picture: the player goes on decoding in software (journaled once).
    lesson.send(DecodingChanged(lesson.token, "intro.mp4", 0.0, "no picture after 2 s"))
    # L5 forgot the card: the teacher's remote opens the class list, goes up to the last child (L5), marks
    # them, takes the mark back (a slip), marks them again and closes the list. The video plays on.
    lesson.cmd(Command.MARK, Command.BACK, Command.ACCEPT, Command.ACCEPT, Command.ACCEPT, Command.DECLINE)
    assert lesson.engine.attendance == set(LEARNERS) and lesson.at() == "intro"
    lesson.cmd(Command.PAUSE, Command.SEEK_BACK, Command.PAUSE)  # paused, back to the start, played again
    lesson.send(MediaFinished(lesson.token))
    assert lesson.at() == "where-water"
    lesson.tick_until_not("where-water")
    assert lesson.at() == "quiz"
    questions = len(lesson.engine.playlist.items[lesson.engine.index].activity.questions)
    for q in range(questions):
        lesson.send(ClickerPressed("c1", "B"), ClickerPressed("c1", "A"))  # L1 changes B -> A
        lesson.send(ClickerPressed("c2", "C"), ClickerPressed("c7", "A"), ClickerPressed("c9", "D"))  # c9: nobody's
        lesson.send(CardAnswer(card("L4"), "A"), CardAnswer(card("L4"), "A"), CardAnswer(card("L4"), "C"))
        lesson.send(CardAnswer(card("L5"), "B"))
        if q == 0:
            lesson.send(CardAnswer(card("L2"), "A"))  # L2 answers by card too: later, so it is L2's answer
            # Two phones on the hub answer (one changes its mind); a teacher's phone closes the question.
            qid = lesson.engine.phone_question_id()
            lesson.send(PhoneAnswer("0b0b0b0b", qid, "B", 1), PhoneAnswer("0b0b0b0b", qid, "D", 2),
                        PhoneAnswer("0c0c0c0c", qid, "A", 1), PhoneAnswer("0c0c0c0c", "old-question", "C", 2))
            lesson.send(PhoneCommand("7e7e7e7e", Command.NEXT, 1))
        else:
            lesson.cmd(Command.NEXT)  # closes the question
        lesson.cmd(Command.NEXT)  # reveals the right answer
        if q + 1 < questions:
            lesson.cmd(Command.NEXT)  # the next question
    lesson.cmd(Command.NEXT)
    assert lesson.at() == "feelings"
    lesson.send(ClickerPressed("c1", "1"), ClickerPressed("c2", "2"), ClickerPressed("c9", "4"),
                ClickerPressed("c9", "1"))  # c9 changes its face
    lesson.cmd(Command.NEXT)  # results: most are sad, the calm item is offered
    lesson.cmd(Command.ACCEPT)
    assert lesson.at() == "calm"
    lesson.tick_until_not("calm")
    assert lesson.at() == "story"
    lesson.send(MediaFailed(lesson.token, "damaged file"))
    lesson.tick_until_not("story")
    assert lesson.at() == "lesson"
    # Each drop is read twice: the battery policy believes a sudden jump only when it is seen again.
    lesson.send(*[PowerReading(15.0, 30.0, False)] * 2, *[PowerReading(5.0, 10.0, False)] * 2,
                PowerReading(6.0, 10.0, True))
    lesson.send(DeviceChanged("clickers /dev/ttyUSB0", False, "unplugged"))
    # The disk fills up: the reserve is given back, then nothing more fits, then the teacher makes room.
    lesson.send(JournalState(JournalHealth.RESERVE, 4_000_000), JournalState(JournalHealth.FULL, 0, 3, "disk full"),
                JournalState(JournalHealth.OK, 9_000_000))
    # A child at the laptop keyboard: locked, the hint; the teacher holds Escape and opens it with the PIN.
    lesson.send(LaptopKey(None), LaptopKey(Command.SKIP), LaptopKey(Command.UNLOCK), *(PinDigit(d) for d in "4321"),
                PinDigit(submit=True))
    lesson.cmd(Command.QUIT)
    lesson.send(PinDigit("9"), PinDigit(submit=True), PinDigit(cancel=True))
    lesson.send(UsbExport("done", records=40, first_seq=1, last_seq=40, file="k-1-40.lcb"),
                UsbExport("failed", reason="the stick is full"))
    lesson.send(TakeHomeTaken(lesson.engine.session_id, "demo", "water.mp4", 1_048_576))
    lesson.cmd(Command.SKIP)
    assert lesson.at() == "goodbye"
    lesson.cmd(Command.NEXT)
    return lesson


def cut_short(journal: Journal, session_id: str, learners=("L1", "L2")) -> Lesson:
    """The demo lesson up to its quiz, where the power goes: the session is left unfinished."""
    lesson = Lesson(journal, demo_playlist(), roster(), session_id=session_id).start()
    lesson.cmd(Command.NEXT)
    lesson.send(*(CardScanned(card(lid)) for lid in learners))
    while lesson.at() != "quiz":
        lesson.cmd(Command.SKIP)
    lesson.send(*(CardAnswer(card(lid), "A") for lid in learners))
    return lesson


def after_a_power_cut(journal: Journal, session_id: str, *, resume: bool) -> Lesson:
    """The kiosk starts again on an unfinished session: the teacher resumes it, or declines."""
    from cinema.core.records import resume_point

    point = resume_point(session_id, ((r.kind, r.payload) for r in journal.records(session_id)))
    lesson = Lesson(journal, demo_playlist(), roster())
    if resume:
        lesson.apply(lesson.engine.resume(point))
    else:
        lesson.apply(lesson.engine.offer_resume(point))
        lesson.cmd(Command.DECLINE)
    return lesson


def a_day_at_the_home_screen(journal: Journal) -> Lesson:
    """The home screen as a teacher uses it (cinema.core.library): the menus' language changed, a
    lesson chosen (its session opens with lesson.chosen), taught and ended, then the day ended with the PIN."""
    from cinema.core.library import LessonEntry, Library, StartLesson

    playlist = demo_playlist()
    clock = FakeClock()
    library = Library((LessonEntry("demo.yaml", playlist.id, playlist.title, minutes=30.0),), clock,
                      languages=("en", "ar"), teacher_pin="4321")

    def at_home(*events) -> list:
        out = []
        for event in events:
            clock.advance(1.0)
            effects = library.handle(event)
            records = [e for e in effects if isinstance(e, Record)]
            if records:
                journal.append(library.session_id, records, clock.wall(), clock.monotonic())
            out += effects
        return out

    at_home(TeacherCommand(Command.NEXT), TeacherCommand(Command.ACCEPT))  # the language row: Arabic menus
    start = at_home(TeacherCommand(Command.BACK), TeacherCommand(Command.ACCEPT))[-1]
    assert isinstance(start, StartLesson)
    lesson = Lesson(journal, playlist, roster())
    lesson.apply(list(start.records))
    lesson.start().cmd(Command.QUIT).send(*(PinDigit(d) for d in "4321"), PinDigit(submit=True))
    at_home(TeacherCommand(Command.QUIT), *(PinDigit(d) for d in "4321"), PinDigit(submit=True))
    return lesson
