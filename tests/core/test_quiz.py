"""Quizzes as a class expects them: sounds when a question opens and closes, a tick in the last five
seconds, a cue when everyone present has answered, the answered grid (handset numbers, never names),
a reveal step before the right answer, and team names."""

from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.core.clock import FakeClock
from cinema.core.events import CardScanned, ClickerPressed, Command, PlaySound, TeacherCommand, Tick
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.session import Options, SessionEngine
from cinema.core.view import Screen

KEY = b"k"
ROSTER = Roster("P1", (KEY,), tuple(Learner(f"L{i}", f"Child{i}") for i in range(1, 5)))
QUIZ = Activity("q", "multiple_choice", "Quiz", (
    Question("1+1?", (Option("A", "1"), Option("B", "2")), correct="B"),
    Question("Favourite?", (Option("A", "Red"), Option("B", "Blue"))),  # a poll
))
TIMED = Activity("t", "energizer", "Quick", (Question("1+1?", (Option("A", "1"), Option("B", "2")), correct="B"),),
                 seconds=12)


def engine(activity=QUIZ, teams=None, team_names=(), expected=None):
    clock = FakeClock()
    playlist = Playlist("p", "P", "en", (
        Item("pairing", "pair"),
        Item("activity", "quiz", activity=activity, teams=teams, team_names=team_names),
        Item("closing", "end"),
    ))
    eng = SessionEngine(playlist, clock, Options(expected_handsets=expected), ROSTER)
    eng.start()
    return eng, clock


def pair(eng, clicker, learner):
    eng.handle(CardScanned(make_token("P1", learner, KEY)))
    eng.handle(ClickerPressed(clicker, "A"))


def sounds(fx):
    return [e.name for e in fx if isinstance(e, PlaySound)]


def nxt(eng):
    return eng.handle(TeacherCommand(Command.NEXT))


def test_a_question_sounds_when_it_opens_and_closes_and_the_answer_is_revealed_in_a_step():
    eng, _ = engine()
    assert "question_open" in sounds(nxt(eng))  # pairing -> the first question
    eng.handle(ClickerPressed("h1", "B"))
    closed = nxt(eng)
    assert sounds(closed) == ["question_close"]
    body = eng.view().body
    assert eng.view().screen is Screen.RESULTS and not body.revealed
    assert {o.key: o.count for o in body.options} == {"A": 0, "B": 1}
    assert sounds(nxt(eng)) == ["reveal"]
    assert eng.view().body.revealed and eng.view().screen is Screen.RESULTS
    assert sounds(nxt(eng)) == ["question_open"]  # the poll
    assert eng.view().body.question_number == 2
    nxt(eng)
    assert eng.view().body.revealed  # a poll has no right answer: nothing to reveal
    nxt(eng)
    assert eng.item.id == "end"


def test_the_last_five_seconds_tick_once_each_then_time_up_closes_the_question():
    eng, clock = engine(TIMED)
    nxt(eng)
    assert eng.view().body.seconds_left == 12 and eng.view().body.seconds_total == 12
    heard = []
    for _ in range(24):  # the main loop ticks about twice a second
        clock.advance(0.5)
        heard += sounds(eng.handle(Tick()))
    assert heard == ["countdown"] * 5 + ["question_close"]
    assert eng.view().screen is Screen.RESULTS


def test_everyone_present_answered_cues_once_and_the_grid_shows_handset_numbers_not_names():
    eng, _ = engine()
    pair(eng, "0A11", "L1")
    pair(eng, "0A12", "L2")
    pair(eng, "0A13", "L3")
    nxt(eng)
    body = eng.view().body
    assert body.expected == 3 and not body.everyone
    assert [(v.label, v.answered) for v in body.voters] == [("0A11", False), ("0A12", False), ("0A13", False)]
    assert sounds(eng.handle(ClickerPressed("0A11", "A"))) == []
    assert sounds(eng.handle(ClickerPressed("0A12", "B"))) == []
    assert sounds(eng.handle(ClickerPressed("0A13", "B"))) == ["everyone"]
    assert sounds(eng.handle(ClickerPressed("0A13", "A"))) == []  # a changed answer: no second cue
    body = eng.view().body
    assert body.everyone and body.answered == 3
    assert all(v.answered for v in body.voters)
    assert "Child" not in repr(body)  # the projector never gets a name


def test_without_pairing_the_expected_handsets_decide_when_everyone_has_answered():
    eng, _ = engine(expected=2)
    nxt(eng)
    eng.handle(ClickerPressed("77", "A"))
    assert not eng.view().body.everyone
    assert [(v.label, v.answered) for v in eng.view().body.voters] == [("77", True)]
    assert sounds(eng.handle(ClickerPressed("78", "B"))) == ["everyone"]
    assert eng.view().body.everyone


def test_team_names_and_colours_reach_the_question_and_results():
    eng, _ = engine(teams=2, team_names=("Eagles", "Lions"))
    pair(eng, "0A11", "L1")
    pair(eng, "0A12", "L2")
    nxt(eng)
    body = eng.view().body
    assert body.team_names == ("Eagles", "Lions")
    assert sorted(v.team for v in body.voters) == [1, 2]
    eng.handle(ClickerPressed("0A11", "B"))
    nxt(eng)
    results = eng.view().body
    assert results.team_names == ("Eagles", "Lions") and sum(t.correct for t in results.teams) == 1


def test_a_question_read_aloud_is_spoken_when_it_opens():
    read = Playlist("p", "P", "en", (Item("title", "t"), Item("activity", "quiz", activity=QUIZ)), read_aloud=True)
    eng = SessionEngine(read, FakeClock(), Options())
    eng.start()
    assert sounds(nxt(eng)) == ["question_open", "speech:q:0"]
    nxt(eng), nxt(eng)  # close, reveal
    assert sounds(nxt(eng)) == ["question_open", "speech:q:1"]
    quiet = Playlist("p", "P", "en", (Item("title", "t"), Item("activity", "quiz", activity=QUIZ, read_aloud=False)),
                     read_aloud=True)
    eng = SessionEngine(quiet, FakeClock(), Options())
    eng.start()
    assert sounds(nxt(eng)) == ["question_open"]  # the item's own read_aloud wins
