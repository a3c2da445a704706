"""The engine while the journal's disk is full: answers, votes and cards refused on screen (not
shown accepted), the teacher told, and everything taken again once records reach the disk."""

from cinema.core.events import (
    CardScanned, ClickerPressed, Command, JournalHealth, JournalState, PlaySound, Record, TeacherCommand, Tick,
)
from cinema.core.messages import DISK_BACK, DISK_FULL, DISK_NOT_SAVED, DISK_RESERVE, JOURNAL_SET_ASIDE
from cinema.core.roster import make_token
from cinema.core.view import Screen
from tests.core.test_session import KEY, engine, clock, goto, kinds  # noqa: F401  (fixtures)


def card(learner):
    return make_token("P1", learner, KEY)


def test_a_full_disk_refuses_answers_on_screen_and_takes_them_again_when_it_has_room(engine):
    goto(engine, "q")
    assert kinds(engine.handle(ClickerPressed("c1", "B"))) == ["answer.recorded"]
    fx = engine.handle(JournalState(JournalHealth.FULL, 0, 2, "the disk is full"))
    assert kinds(fx) == ["journal.trouble"]
    trouble = [e for e in fx if isinstance(e, Record)][0].payload
    assert trouble["state"] == "full" and trouble["pending"] == 2
    # A child presses while nothing can be saved: no record, the count on screen does not move.
    assert engine.handle(ClickerPressed("c2", "A")) == []
    assert engine.handle(ClickerPressed("c1", "C")) == []  # nor does a changed answer
    view = engine.view()
    assert view.screen is Screen.QUESTION and view.body.answered == 1
    assert view.toast == DISK_FULL and view.status.disk == "full"
    engine.handle(Tick())
    assert engine.view().toast == DISK_FULL  # it stays up while the disk is full
    # The teacher still drives the lesson.
    assert kinds(engine.handle(TeacherCommand(Command.NEXT))) == ["question.closed"]
    engine.handle(TeacherCommand(Command.NEXT))  # reveal
    engine.handle(TeacherCommand(Command.NEXT))
    # Room again: answers are taken, the teacher is told once.
    assert kinds(engine.handle(JournalState(JournalHealth.OK, 10_000_000))) == ["journal.trouble"]
    assert engine.view().toast == DISK_BACK and engine.view().status.disk == ""
    assert kinds(engine.handle(ClickerPressed("c2", "A"))) == ["answer.recorded"]
    assert engine.view().body.answered == 1


def test_cards_are_refused_with_a_line_on_the_attendance_screen_while_the_disk_is_full(engine):
    goto(engine, "att")
    engine.handle(JournalState(JournalHealth.FULL, 0))
    fx = engine.handle(CardScanned(card("L1")))
    assert kinds(fx) == [] and PlaySound("scan_refused") in fx
    body = engine.view().body
    assert body.count == 0 and body.recent[0].accepted is False and body.recent[0].msg == DISK_NOT_SAVED
    assert engine.attendance == set()
    engine.handle(JournalState(JournalHealth.OK, 10_000_000))
    assert kinds(engine.handle(CardScanned(card("L1")))) == ["attendance.scanned"]
    assert engine.view().body.count == 1


def test_the_reserve_in_use_warns_but_takes_answers(engine):
    goto(engine, "q")
    assert kinds(engine.handle(JournalState(JournalHealth.RESERVE, 3_000_000))) == ["journal.trouble"]
    assert engine.view().toast == DISK_RESERVE and engine.view().status.disk == "reserve"
    assert kinds(engine.handle(ClickerPressed("c1", "B"))) == ["answer.recorded"]
    assert engine.handle(JournalState(JournalHealth.RESERVE, 2_000_000)) == []  # said once


def test_a_damaged_journal_set_aside_is_said_on_screen(engine):
    engine.start()
    fx = engine.handle(JournalState(JournalHealth.SET_ASIDE, detail="j.sqlite.damaged-20261206-101500"))
    assert [e.payload["detail"] for e in fx if isinstance(e, Record)] == ["j.sqlite.damaged-20261206-101500"]
    assert engine.view().toast == JOURNAL_SET_ASIDE
