"""A room of answer cards read by the camera (MarkersInView, one event a frame): a card counts once seen
with the same letter in two frames, one answer a child (the latest letter held up), the same voter as
the child's QR card; a number that is nobody's is no answer and the teacher is told; the teacher sees
every child read or not yet, the class only how many."""

import pytest

from cinema.cards.numbers import CODES
from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.core.clock import FakeClock
from cinema.core.events import CardAnswer, CardScanned, Command, MarkersInView, Record, TeacherCommand
from cinema.core.items.activity import CARD_NUMBERS, CardSightings
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.session import SessionEngine
from cinema.core.view import Screen

KEY = b"k"
NAMES = ["Amina", "Olena", "Omar", "Yusuf"]
# Cards 1..3 belong to one child each; two groups share card 4 (the kiosk tells them apart by who is present).
LEARNERS = tuple(Learner(f"L{i}", name, card=i) for i, name in enumerate(NAMES[:3], 1)) + (
    Learner("L4", "Yusuf", group="a", card=4), Learner("L5", "Zara", group="b", card=4))
ROSTER = Roster("P1", (KEY,), LEARNERS)
ANSWERS = ("answer.recorded", "answer.changed")
QUIZ = Activity("q", "multiple_choice", "Quiz", (
    Question("1+1?", (Option("A", "1"), Option("B", "2"), Option("C", "3"), Option("D", "4")), correct="B"),
    Question("Yes or no?", (Option("A", "Yes"), Option("B", "No"))),
))


def engine(answer_by_card=True, items=()):
    playlist = Playlist("p", "P", "en", (*items, Item("activity", "quiz", activity=QUIZ, answer_by_card=answer_by_card),
                                         Item("closing", "end")))
    eng = SessionEngine(playlist, FakeClock(), roster=ROSTER)
    eng.start()
    return eng


def frames(eng, *frames_):
    """Feed frames; the answers they journal as (kind, learner, key, via)."""
    out = []
    for markers in frames_:
        out += [(fx.kind, fx.payload["learner_id"], fx.payload["key"], fx.payload["via"])
                for fx in eng.handle(MarkersInView(tuple(markers))) if isinstance(fx, Record) and fx.kind in ANSWERS]
    return out


@pytest.mark.parametrize("seen, counted", [
    ([("A",)], None),  # waved past once: no answer
    ([("A",), ("A",)], "A"),
    ([("A",), (None,), ("A",)], "A"),  # a frame at a slant in between neither counts nor resets
    ([("A",), ("B",)], None),  # turning: each letter glimpsed once
    ([("A",), ("A",), ("B",), ("B",)], "B"),  # the latest letter held up wins
    ([("A",), ("A",), ("B",)], "A"),  # a letter glimpsed once while turning does not change the answer
    ([("A",), ("B",), ("A",)], None),
])
def test_a_card_counts_once_it_shows_the_same_letter_in_two_frames(seen, counted):
    sightings = CardSightings()
    answer = None
    for (letter,) in seen:
        answer = sightings.seen(7, letter) or answer
    assert answer == counted


def test_every_child_answers_once_with_their_latest_letter_as_the_qr_card_voter():
    eng = engine()
    records = frames(eng, [(1, "A"), (2, "C")], [(1, "A"), (2, "C"), (3, "D")], [(1, "A"), (2, "C"), (3, "D")])
    assert records == [("answer.recorded", "L1", "A", "card"), ("answer.recorded", "L2", "C", "card"),
                       ("answer.recorded", "L3", "D", "card")]
    assert eng.view().body.answered == 3
    # Olena turns her card to B: one changed answer, still one voter
    changed = frames(eng, [(2, "B")], [(2, "B")], [(2, "B")])
    assert changed == [("answer.changed", "L2", "B", "card")]
    # her QR card turned to D is the same child: it changes her answer, it is not a second one
    eng.handle(CardAnswer(make_token("P1", "L2", KEY), "D"))
    assert eng.view().body.answered == 3
    assert eng.handler.box.answers["card:L2"] == "D"


def test_a_card_number_on_nobody_is_no_answer_and_the_teacher_is_told_once():
    eng = engine()
    assert frames(eng, [(9, "A")], [(9, "A"), (4, "B")], [(9, "A"), (4, "B")], [(9, "B"), (9, "B")]) == []
    teacher = eng.teacher_view().answers
    # card 4 is in two groups and nobody is marked present: it cannot be told apart; card 9 is nobody's
    assert teacher.unknown_cards == (9, 4)
    assert teacher.grid
    # once Zara is marked present, the next question knows card 4 is hers
    eng.handle(CardScanned(make_token("P1", "L5", KEY)))
    eng.handle(TeacherCommand(Command.NEXT))
    eng.handle(TeacherCommand(Command.NEXT))
    eng.handle(TeacherCommand(Command.NEXT))
    assert eng.view().body.question_number == 2
    assert frames(eng, [(4, "B")], [(4, "B")]) == [("answer.recorded", "L5", "B", "card")]
    # a C held up to a yes/no question is no answer (no option C)
    assert frames(eng, [(1, "C")], [(1, "C")]) == []


def test_numbers_outside_the_cards_are_never_tracked():
    assert CARD_NUMBERS == CODES
    sightings = CardSightings()
    for number in (*range(-5, 1), *range(CODES + 1, CODES + 500)):
        assert sightings.seen(number, "A") is None
        assert sightings.seen(number, "A") is None
    for number in range(1, CODES + 1):
        sightings.seen(number, "A")
    assert len(sightings) == CODES


def test_cards_count_only_in_a_question_that_takes_them_and_only_while_it_is_open():
    plain = engine(answer_by_card=False)
    assert frames(plain, [(1, "A")], [(1, "A")]) == []
    eng = engine()
    frames(eng, [(1, "A")])
    eng.handle(TeacherCommand(Command.NEXT))  # closed with card 1 seen once
    assert frames(eng, [(1, "A")], [(1, "A")]) == []
    assert eng.view().screen is Screen.RESULTS


def test_the_teacher_sees_every_child_read_or_not_the_class_only_how_many():
    eng = engine()
    frames(eng, [(1, "A"), (3, "B")], [(1, "A"), (3, "B")])
    body = eng.view().body
    assert body.cards and body.answered == 2
    assert body.voters == ()  # no chips on the class window: cards are not handsets, and never names
    answers = eng.teacher_view().answers
    assert answers.grid
    assert answers.answered == ("Amina", "Omar")
    assert answers.waiting == ("Olena", "Yusuf", "Zara")  # nobody marked present: every child with a card


def test_in_the_teacher_grid_children_with_the_same_first_name_are_told_apart_by_their_card():
    roster = Roster("P1", (KEY,), (Learner("L1", "Amina Said", card=1), Learner("L2", "Amina Noor", card=12),
                                   Learner("L3", "Omar", card=3)))
    playlist = Playlist("p", "P", "en", (Item("activity", "quiz", activity=QUIZ, answer_by_card=True),))
    eng = SessionEngine(playlist, FakeClock(), roster=roster)
    eng.start()
    eng.handle(MarkersInView(((12, "A"),)))
    eng.handle(MarkersInView(((12, "A"),)))
    answers = eng.teacher_view().answers
    assert answers.answered == ("Amina 12",) and answers.waiting == ("Amina 1", "Omar")
