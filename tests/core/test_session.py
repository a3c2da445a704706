"""The session engine: transitions, teacher commands, timers, failures, answers, scans."""

from pathlib import Path

import pytest

from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.core.clock import FakeClock
from cinema.core.events import (
    CardAnswer, CardScanned, ClickerPressed, Command, Exit, MediaFailed, MediaFinished, PauseMedia, PinDigit,
    PlayMedia, PlaySound, PreloadMedia, Record, StopMedia, TeacherCommand, Tick,
)
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.records import ResumePoint, resume_point
from cinema.core.session import Options, Phase, SessionEngine
from cinema.core.view import Screen

QUIZ = Activity("quiz", "multiple_choice", "Quiz", (
    Question("2 + 2?", (Option("A", "3"), Option("B", "4"), Option("C", "5")), correct="B"),
    Question("Sky colour?", (Option("A", "Blue"), Option("B", "Green")), correct="A"),
))
KEY = b"k"
ROSTER = Roster("P1", (KEY,), (Learner("L1", "Amina Said"), Learner("L2", "Olena")))


def playlist() -> Playlist:
    return Playlist("demo", "Demo", "en", (
        Item("title", "t", title="Hello"),
        Item("video", "v1", title="Intro", media=Path("intro.mp4")),
        Item("video", "v2", title="Lesson", media=Path("lesson.mp4")),
        Item("slides", "s", slides=(Path("a.png"), Path("b.png")), seconds=5),
        Item("activity", "q", activity=QUIZ),
        Item("checkin", "c", prompt="How do you feel?", calm_item="calm", calm_threshold=0.4),
        Item("attendance", "att"),
        Item("break", "calm", title="Breathe", seconds=30),
        Item("break", "pause", title="Break", seconds=30),
        Item("closing", "end", title="Bye"),
    ))


def kinds(effects):
    return [e.kind for e in effects if isinstance(e, Record)]


def cmd(engine, command):
    return engine.handle(TeacherCommand(command))


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def engine(clock):
    return SessionEngine(playlist(), clock, Options(failure_notice_seconds=4, teacher_pin="4321"), ROSTER)


def goto(engine, item_id):
    engine.start()
    for _ in engine.playlist.items:
        if engine.item.id == item_id:
            return
        cmd(engine, Command.SKIP)
    raise AssertionError(f"never reached {item_id}")


def test_start_records_session_and_first_item(engine):
    fx = engine.start()
    assert kinds(fx) == ["session.started", "item.started"]
    assert engine.view().screen is Screen.TITLE
    assert engine.view().item_number == 1


def test_video_plays_and_next_video_is_preloaded(engine):
    engine.start()
    fx = cmd(engine, Command.NEXT)
    play = [e for e in fx if isinstance(e, PlayMedia)]
    assert play and play[0].path == "intro.mp4"
    assert PreloadMedia("lesson.mp4") in fx
    assert engine.view().screen is Screen.VIDEO


def test_media_finished_moves_to_next_item_stale_token_ignored(engine):
    engine.start()
    cmd(engine, Command.NEXT)
    token = engine.state.media_token
    assert engine.handle(MediaFinished(token + 5)) == []
    fx = engine.handle(MediaFinished(token))
    assert StopMedia() in fx
    assert kinds(fx) == ["item.ended", "item.started"]
    assert engine.item.id == "v2"


def test_media_failure_shows_notice_then_moves_on(engine, clock):
    engine.start()
    cmd(engine, Command.NEXT)
    fx = engine.handle(MediaFailed(engine.state.media_token, "file is damaged"))
    assert "item.failed" in kinds(fx)
    view = engine.view()
    assert view.screen is Screen.NOTICE
    assert view.body.msg == "This video could not be played."
    assert view.body.detail == "Intro"  # the item as the class knows it, not its file name
    clock.advance(2)
    assert engine.handle(Tick()) == []
    clock.advance(2.1)
    fx = engine.handle(Tick())
    assert engine.phase is Phase.RUNNING and engine.item.id == "v2"
    assert "item.started" in kinds(fx)


def test_back_next_pause_repeat_skip(engine, clock):
    engine.start()
    cmd(engine, Command.NEXT)
    assert engine.item.id == "v1"
    assert cmd(engine, Command.PAUSE)[-1] == PauseMedia(True)
    assert engine.view().paused
    assert cmd(engine, Command.PAUSE)[-1] == PauseMedia(False)
    fx = cmd(engine, Command.REPEAT)
    assert kinds(fx) == ["item.ended", "item.started"] and engine.item.id == "v1"
    assert any(isinstance(e, PlayMedia) for e in fx)
    fx = cmd(engine, Command.SKIP)
    assert kinds(fx) == ["item.skipped", "item.started"] and engine.item.id == "v2"
    cmd(engine, Command.BACK)
    assert engine.item.id == "v1"
    cmd(engine, Command.BACK)
    cmd(engine, Command.BACK)  # at the first item: stays
    assert engine.item.id == "t"


def test_slides_advance_by_timer_and_teacher_and_pause_freezes_timer(engine, clock):
    goto(engine, "s")
    assert engine.view().body.index == 0
    assert engine.view().body.seconds_left == 5
    clock.advance(3)
    cmd(engine, Command.PAUSE)
    clock.advance(100)
    engine.handle(Tick())
    assert engine.view().body.index == 0  # paused: the timer did not run
    cmd(engine, Command.PAUSE)
    clock.advance(2.01)
    engine.handle(Tick())
    assert engine.view().body.index == 1
    cmd(engine, Command.BACK)
    assert engine.view().body.index == 0
    cmd(engine, Command.NEXT)
    cmd(engine, Command.NEXT)
    assert engine.item.id == "q"


def test_quiz_one_answer_per_clicker_last_wins_then_results(engine):
    goto(engine, "q")
    assert engine.view().screen is Screen.QUESTION
    engine.handle(ClickerPressed("c1", "A"))
    engine.handle(ClickerPressed("c1", "b"))  # changes mind: last wins
    engine.handle(ClickerPressed("c2", "B"))
    assert engine.handle(ClickerPressed("c3", "Z")) == []  # not an option
    view = engine.view()
    assert view.body.answered == 2
    assert all(o.count == 0 for o in view.body.options)  # who answered what is hidden while open
    fx = cmd(engine, Command.NEXT)
    assert kinds(fx) == ["question.closed"]
    assert engine.handle(ClickerPressed("c4", "A")) == []  # closed
    view = engine.view()
    assert view.screen is Screen.RESULTS
    assert {o.key: o.count for o in view.body.options} == {"A": 0, "B": 2, "C": 0}
    assert [o.key for o in view.body.options if o.correct] == ["B"]
    assert not view.body.revealed  # the counts first; the teacher moves on to reveal the right answer
    cmd(engine, Command.NEXT)
    assert engine.view().screen is Screen.RESULTS and engine.view().body.revealed
    cmd(engine, Command.NEXT)
    assert engine.view().screen is Screen.QUESTION and engine.view().body.question_number == 2
    cmd(engine, Command.NEXT)
    cmd(engine, Command.NEXT)
    cmd(engine, Command.NEXT)
    assert engine.item.id == "c"


def test_answer_records_carry_correctness(engine):
    goto(engine, "q")
    rec = engine.handle(ClickerPressed("c1", "B"))[0]
    assert rec.kind == "answer.recorded" and rec.payload["correct"] is True and rec.payload["clicker"] == "c1"


def test_checkin_is_anonymous_and_offers_calm(engine):
    goto(engine, "c")
    fx = engine.handle(ClickerPressed("c1", "1"))
    assert kinds(fx) == ["checkin.recorded"]
    assert "c1" not in str(fx[0].payload)  # handset id never journaled
    engine.handle(ClickerPressed("c2", "2"))
    engine.handle(ClickerPressed("c3", "5"))
    fx = engine.handle(ClickerPressed("c3", "1"))  # changed vote replaces, still anonymous
    assert fx[0].payload == {"index": engine.index, "item": "c", "face": 1, "replaces": 5}
    assert engine.view().body.answered == 3
    cmd(engine, Command.NEXT)
    view = engine.view()
    assert view.screen is Screen.CHECKIN_RESULTS
    assert view.body.counts == (2, 1, 0, 0, 0) and view.body.offer_calm
    assert view.body.calm_title == "Breathe"
    fx = cmd(engine, Command.ACCEPT)
    assert "checkin.calm_accepted" in kinds(fx)
    assert engine.item.id == "calm"
    # after the calm break the lesson goes on after the check-in
    cmd(engine, Command.NEXT)
    assert engine.item.id == "att"


def test_happy_room_is_not_offered_calm(engine):
    goto(engine, "c")
    for i in range(5):
        engine.handle(ClickerPressed(f"c{i}", "5"))
    engine.handle(ClickerPressed("c9", "1"))
    cmd(engine, Command.NEXT)
    assert not engine.view().body.offer_calm


@pytest.mark.parametrize("accept", [
    TeacherCommand(Command.ACCEPT),  # Enter on the keyboard
    ClickerPressed("T1", "E"),  # a letter-only teacher handset's accept key
])
def test_a_happy_room_accepting_goes_on_and_never_plays_the_calm_item(clock, accept):
    engine = SessionEngine(playlist(), clock, Options(teacher_clickers=frozenset({"T1"})), ROSTER)
    goto(engine, "c")
    engine.handle(ClickerPressed("c1", "5"))
    cmd(engine, Command.NEXT)
    assert engine.view().screen is Screen.CHECKIN_RESULTS and not engine.view().body.offer_calm
    fx = engine.handle(accept)
    assert "checkin.calm_accepted" not in kinds(fx)
    assert engine.item.id == "att"


def test_the_calm_offer_is_decided_once_at_the_close(engine):
    goto(engine, "c")
    engine.handle(ClickerPressed("c1", "1"))
    cmd(engine, Command.NEXT)
    assert engine.view().body.offer_calm
    engine.handle(ClickerPressed("c2", "5"))  # too late: the check-in is closed
    engine.handle(ClickerPressed("c3", "5"))
    assert engine.view().body.counts == (1, 0, 0, 0, 0) and engine.view().body.offer_calm
    fx = cmd(engine, Command.DECLINE)
    assert "checkin.calm_accepted" not in kinds(fx) and engine.item.id == "att"


def test_attendance_card_twice_counts_once_refused_cards_and_late_scans(engine):
    goto(engine, "att")
    good = make_token("P1", "L1", KEY)
    fx = engine.handle(CardScanned(good))
    assert kinds(fx) == ["attendance.scanned"] and PlaySound("scan_ok") in fx
    assert engine.handle(CardScanned(good)) == []
    fx = engine.handle(CardScanned(make_token("OTHER", "L1", KEY)))
    assert kinds(fx) == ["attendance.refused"] and fx[0].payload["reason"] == "Card from another programme"
    forged = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert kinds(engine.handle(CardScanned(forged))) == ["attendance.refused"]
    view = engine.view()
    assert view.body.count == 1 and view.status.attendance == 1
    assert view.body.recent[-1].label == "Amina" and view.body.recent[-1].accepted
    cmd(engine, Command.NEXT)  # a late child scans during the next item
    assert kinds(engine.handle(CardScanned(make_token("P1", "L2", KEY)))) == ["attendance.scanned"]
    assert engine.view().status.attendance == 2


def test_a_card_seen_again_during_a_quiz_says_nothing(engine):
    goto(engine, "att")
    engine.handle(CardScanned(make_token("P1", "L1", KEY)))
    engine.handle(CardScanned(make_token("P1", "L1", KEY)))
    assert engine.view().toast == "Already marked"
    engine.handle(TeacherCommand(Command.BACK))
    engine.handle(TeacherCommand(Command.BACK))  # the quiz, where cards are held up as answers
    assert engine.item.id == "q"
    engine.clock.advance(3)
    engine.handle(Tick())
    assert engine.handle(CardScanned(make_token("P1", "L1", KEY))) == []
    assert engine.view().toast == ""


def test_calm_item_is_only_played_when_offered(engine):
    goto(engine, "att")
    cmd(engine, Command.NEXT)
    assert engine.item.id == "pause"
    cmd(engine, Command.BACK)
    assert engine.item.id == "att"


def test_break_timer_ends_item(engine, clock):
    goto(engine, "pause")
    assert engine.view().body.seconds_left == 30
    clock.advance(30)
    fx = engine.handle(Tick())
    assert PlaySound("timer_done") in fx and engine.item.id == "end"


def test_leaving_needs_the_pin(engine):
    engine.start()
    cmd(engine, Command.QUIT)
    assert engine.view().pin is not None
    for d in "1111":
        engine.handle(PinDigit(d))
    assert kinds(engine.handle(PinDigit(submit=True))) == ["pin.refused"]
    assert engine.view().pin.wrong and engine.phase is Phase.RUNNING
    cmd(engine, Command.NEXT)  # keys other than digits do nothing while the PIN is asked
    assert engine.item.id == "t"
    for d in "4321":
        engine.handle(PinDigit(d))
    fx = engine.handle(PinDigit(submit=True))
    assert kinds(fx) == ["session.ended"] and Exit("teacher") in fx
    assert engine.phase is Phase.ENDED


def test_children_pressing_keys_cannot_quit(engine):
    engine.start()
    for command in Command:
        if command is not Command.QUIT:
            cmd(engine, command)
    assert engine.phase is not Phase.ENDED


def test_end_of_playlist_ends_session_without_exit_unless_asked(clock):
    eng = SessionEngine(playlist(), clock, Options(exit_at_end=True))
    goto(eng, "end")
    fx = cmd(eng, Command.NEXT)
    assert kinds(fx)[-1] == "session.ended" and Exit("completed") in fx


def test_resume_continues_at_item_and_position(engine):
    records = [("session.started", {}), ("item.started", {"index": 0}), ("item.started", {"index": 2}),
               ("attendance.scanned", {"learner_id": "L1"})]
    point = resume_point("old-session", records)
    assert point.item_index == 2 and point.attendance == ("L1",)
    fx = engine.resume(ResumePoint("old-session", 2, 42.5, ("L1",)))
    assert engine.session_id == "old-session"
    assert kinds(fx) == ["session.resumed", "item.started"]
    play = [e for e in fx if isinstance(e, PlayMedia)][0]
    assert play.path == "lesson.mp4" and play.start_at == 42.5
    assert engine.view().status.attendance == 1


def test_resume_offer_accept_and_decline(clock):
    eng = SessionEngine(playlist(), clock)
    eng.offer_resume(ResumePoint("old", 3))
    view = eng.view()
    assert view.screen is Screen.RESUME and view.body.item_number == 4
    cmd(eng, Command.ACCEPT)
    assert eng.item.id == "s" and eng.session_id == "old"
    eng2 = SessionEngine(playlist(), clock)
    eng2.offer_resume(ResumePoint("old", 3))
    fx = cmd(eng2, Command.DECLINE)
    assert kinds(fx)[:2] == ["session.abandoned", "session.started"] and eng2.item.id == "t"


def test_card_answers_survive_a_power_cut_one_per_child(clock):
    """Five children answer by card; after a power cut the resumed lesson still counts five (bug 3)."""
    quiz = Playlist("p", "P", "en", (Item("activity", "q", activity=QUIZ, answer_by_card=True),
                                     Item("closing", "end")))
    roster = Roster("P1", (KEY,), tuple(Learner(f"L{n}", f"Child{n}") for n in range(5)))
    engine = SessionEngine(quiz, clock, Options(), roster)
    journal = [e for e in engine.start() if isinstance(e, Record)]
    for n in range(5):
        journal += [e for e in engine.handle(CardAnswer(make_token("P1", f"L{n}", KEY), "B")) if isinstance(e, Record)]
    assert engine.answers == 5
    again = SessionEngine(quiz, clock, Options(), roster)
    again.resume(resume_point(engine.session_id, [(r.kind, r.payload) for r in journal]))
    cmd(again, Command.SKIP)
    assert again.view().body.answers == 5
