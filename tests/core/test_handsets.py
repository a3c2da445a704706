"""Handsets: pairing by card then key press, the teacher's handset, per-learner answers, team mode."""

import pytest

from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.core.clock import FakeClock
from cinema.core.events import CardScanned, ClickerPressed, Command, Record, TeacherCommand
from cinema.core.roster import Handsets, Learner, Roster, make_token
from cinema.core.session import Options, SessionEngine
from cinema.core.view import Screen

KEY = b"k"
ROSTER = Roster("P1", (KEY,), tuple(Learner(f"L{i}", f"Child{i}") for i in range(1, 7)))
QUIZ = Activity("q", "multiple_choice", "Quiz", (
    Question("1+1?", (Option("A", "1"), Option("B", "2")), correct="B"),
    Question("2+2?", (Option("A", "4"), Option("B", "5")), correct="A"),
))


def engine(teams=None, teacher=frozenset({"T1"})):
    playlist = Playlist("p", "P", "en", (
        Item("pairing", "pair"), Item("activity", "quiz", activity=QUIZ, teams=teams), Item("closing", "end"),
    ))
    eng = SessionEngine(playlist, FakeClock(), Options(teacher_clickers=teacher), ROSTER)
    eng.start()
    return eng


def card(learner):
    return CardScanned(make_token("P1", learner, KEY))


def records(fx, kind):
    return [e.payload for e in fx if isinstance(e, Record) and e.kind == kind]


def test_scan_then_press_pairs_and_marks_attendance():
    eng = engine()
    fx = eng.handle(card("L1"))
    assert records(fx, "attendance.scanned")
    assert eng.view().screen is Screen.PAIRING and eng.view().body.waiting == "Child1"
    fx = eng.handle(ClickerPressed("C9", "A"))
    assert records(fx, "handset.paired") == [{"clicker": "C9", "learner_id": "L1", "replaces": None,
                                              "was_learner": None}]
    assert eng.handsets.learner("C9") == "L1"
    assert eng.view().body.count == 1 and eng.view().body.waiting == ""
    assert eng.handle(ClickerPressed("C8", "A")) == []  # no card waiting: a stray press pairs nothing


def test_the_pairing_screen_lists_each_paired_child_once():
    eng = engine()
    for learner, clicker in (("L1", "C1"), ("L2", "C2")):
        eng.handle(card(learner))  # not yet present: marked present now, listed when paired
        eng.handle(ClickerPressed(clicker, "A"))
    eng.handle(CardScanned("not a card"))
    assert [(line.label, line.accepted) for line in eng.view().body.recent] == [
        ("", False), ("Child2", True), ("Child1", True)]


def test_broken_handset_is_swapped_by_scanning_again():
    eng = engine()
    eng.handle(card("L1"))
    eng.handle(ClickerPressed("OLD", "A"))
    eng.handle(card("L1"))
    fx = eng.handle(ClickerPressed("NEW", "B"))
    assert records(fx, "handset.paired")[0]["replaces"] == "OLD"
    assert eng.handsets.learner("NEW") == "L1" and eng.handsets.learner("OLD") is None


def test_pairing_waits_only_a_while(monkeypatch):
    eng = engine()
    eng.handle(card("L2"))
    eng.clock.advance(25)
    assert eng.handle(ClickerPressed("C1", "A")) == []


@pytest.mark.parametrize("key, expect", [("OK", "quiz"), ("B", "quiz"), ("DOWN", "quiz")])
def test_teacher_handset_drives_the_lesson_and_never_answers(key, expect):
    eng = engine()
    eng.handle(ClickerPressed("T1", key))
    assert eng.item.id == expect
    fx = eng.handle(ClickerPressed("T1", "A"))  # A = back on a teacher handset, not an answer
    assert records(fx, "answer.recorded") == [] and eng.item.id == "pair"


def test_teacher_pause_from_handset():
    eng = engine()
    eng.handle(ClickerPressed("T1", "UP"))
    assert eng.view().paused


def test_paired_answers_carry_the_learner_unpaired_are_anonymous():
    eng = engine()
    eng.handle(card("L3"))
    eng.handle(ClickerPressed("C3", "A"))
    eng.handle(TeacherCommand(Command.NEXT))
    paired = records(eng.handle(ClickerPressed("C3", "B")), "answer.recorded")[0]
    anon = records(eng.handle(ClickerPressed("C4", "B")), "answer.recorded")[0]
    assert paired["learner_id"] == "L3" and paired["correct"] is True
    assert "learner_id" not in anon
    assert eng.handle(ClickerPressed("C5", "OK")) == []  # navigation keys on a child's handset


def test_team_mode_scores_right_answers_per_team_across_questions():
    eng = engine(teams=2)
    eng.handle(TeacherCommand(Command.NEXT))
    for clicker, key in (("a", "B"), ("b", "B"), ("c", "A"), ("d", "B")):  # round robin: a,c -> 1; b,d -> 2
        fx = eng.handle(ClickerPressed(clicker, key))
        assert records(fx, "answer.recorded")[0]["team"] in (1, 2)
    eng.handle(TeacherCommand(Command.NEXT))
    teams = eng.view().body.teams
    assert [(t.team, t.correct, t.answered) for t in teams] == [(1, 1, 2), (2, 2, 2)]
    eng.handle(TeacherCommand(Command.NEXT))  # reveal
    eng.handle(TeacherCommand(Command.NEXT))
    eng.handle(ClickerPressed("a", "A"))
    eng.handle(TeacherCommand(Command.NEXT))
    assert [(t.team, t.correct) for t in eng.view().body.teams] == [(1, 2), (2, 2)]


def test_team_from_pairing_file_wins_over_round_robin():
    h = Handsets(team_by_learner={"L1": 2})
    h.pair("C1", "L1")
    assert h.team("C1", 2) == 2
    assert [h.team(c, 3) for c in ("x", "y", "z", "w")] == [1, 2, 3, 1]


def test_answer_by_card_one_per_learner_last_wins_repeats_ignored():
    from cinema.core.events import CardAnswer

    eng = engine()
    eng.handle(TeacherCommand(Command.NEXT))
    token = make_token("P1", "L4", KEY)
    first = records(eng.handle(CardAnswer(token, "A")), "answer.recorded")
    assert first[0]["learner_id"] == "L4" and first[0]["via"] == "card" and first[0]["correct"] is False
    assert eng.handle(CardAnswer(token, "A")) == []  # seen again in the next frame: nothing new
    changed = records(eng.handle(CardAnswer(token, "B")), "answer.changed")
    assert changed[0]["correct"] is True and changed[0]["replaces"] == "A"
    assert eng.handle(CardAnswer(make_token("OTHER", "L4", KEY), "A")) == []  # not our card
    assert eng.view().body.answered == 1


def test_cards_in_view_count_only_on_questions_that_take_card_answers():
    from cinema.core.events import CardsInView

    playlist = Playlist("p", "P", "en", (
        Item("activity", "plain", activity=QUIZ), Item("activity", "cards", activity=QUIZ, answer_by_card=True),
    ))
    eng = SessionEngine(playlist, FakeClock(), Options(), ROSTER)
    eng.start()
    seen = CardsInView(((make_token("P1", "L1", KEY), "B"), (make_token("P1", "L2", KEY), None)))
    assert eng.handle(seen) == []  # this question is for clickers only
    eng.handle(TeacherCommand(Command.SKIP))
    answers = records(eng.handle(seen), "answer.recorded")
    assert [(a["learner_id"], a["key"]) for a in answers] == [("L1", "B")]  # L2 held it at a slant


def test_card_with_a_retired_key_is_accepted_and_flagged_for_reprint():
    old, new = b"old", b"new"
    roster = Roster("P1", (new, old), ROSTER.learners)
    playlist = Playlist("p", "P", "en", (Item("attendance", "att"),))
    eng = SessionEngine(playlist, FakeClock(), Options(), roster)
    eng.start()
    fx = eng.handle(CardScanned(make_token("P1", "L1", old)))
    assert records(fx, "attendance.scanned")[0]["old_key"] is True
    line = eng.view().body.recent[0]
    assert line.accepted and line.msg == "Print a new card for this child"
    assert "old_key" not in records(eng.handle(CardScanned(make_token("P1", "L2", new))), "attendance.scanned")[0]
