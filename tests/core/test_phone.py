"""Phones on the kiosk's hub, as the engine sees them (cinema/core/phone.py): children answer the open
question (one answer per phone, the last before the close wins), a phone is linked to a child by the
code on the child's card, a teacher's phone drives the lesson; every message gets exactly one reply,
after the records it depends on."""

import json

from cinema.core.events import (
    ClickerPressed, Command, HubNote, JournalHealth, JournalState, PhoneAnswer, PhoneChoose, PhoneCommand, PhoneLink, PhoneMark,
    PhoneReply, Record, ReplyStatus, TakeHomeTaken,
)
from cinema.core.library import LessonEntry, Library, StartLesson
from cinema.core.clock import FakeClock
from cinema.core.phone import student_json
from cinema.core.view import Screen
from tests.reports.engine_lessons import Lesson, card, demo_playlist, roster


def at_quiz(journal) -> Lesson:
    lesson = Lesson(journal, demo_playlist(), roster()).start()
    while lesson.at() != "quiz":
        lesson.cmd(Command.SKIP)
    return lesson


def replies(effects) -> list[PhoneReply]:
    return [e for e in effects if isinstance(e, PhoneReply)]


def send(lesson: Lesson, event) -> list:
    effects = lesson.engine.handle(event)
    lesson.apply(effects)
    return effects


def check_of(learner: str) -> str:
    code = card(learner).rsplit(".", 1)[1]
    return f"{code[:4].lower()} {code[4:]}"  # as a child types it from the card: lower case, a space


def test_a_phone_answers_the_open_question_and_is_told_received_after_the_record(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    qid = lesson.engine.phone_state().question.id
    effects = send(lesson, PhoneAnswer("0a0a0a0a", qid, "b", 7))
    kinds = [e.record().kind if hasattr(e, "record") else type(e).__name__ for e in effects
             if isinstance(e, (Record, PhoneReply))]
    assert isinstance(effects[-1], PhoneReply) and effects[-1].status is ReplyStatus.RECEIVED
    assert effects[-1].request == 7 and effects[-1].device == "0a0a0a0a"
    answer = [e for e in effects if isinstance(e, Record)][0]
    assert answer.kind == "answer.recorded" and effects.index(answer) < effects.index(effects[-1]), kinds
    assert answer.payload["via"] == "phone" and answer.payload["key"] == "B"
    assert answer.payload["clicker"] == "phone:0a0a0a0a" and "learner_id" not in answer.payload

    # The same answer again (a phone that did not hear the reply sends it again): received, nothing new journaled.
    again = send(lesson, PhoneAnswer("0a0a0a0a", qid, "B", 7))
    assert [type(e) for e in again] == [PhoneReply] and again[0].status is ReplyStatus.RECEIVED
    # Changed: the last one counts.
    changed = send(lesson, PhoneAnswer("0a0a0a0a", qid, "C", 8))
    assert [e.kind for e in changed if isinstance(e, Record)] == ["answer.changed"]
    lesson.cmd(Command.NEXT)  # the teacher closes the question
    closed = [r for r in lesson.records if r.kind == "question.closed"][-1]
    assert closed.payload["tally"]["C"] == 1 and closed.payload["answered"] == 1


def test_an_answer_to_another_question_or_not_an_option_adds_nothing(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    qid = lesson.engine.phone_state().question.id
    for event, status in ((PhoneAnswer("0a", "0000.1.0.1", "A", 1), ReplyStatus.CLOSED),  # an old question's id
                          (PhoneAnswer("0a", qid, "Z", 2), ReplyStatus.REFUSED),  # not one of its options
                          (PhoneAnswer("0a", qid, "", 3), ReplyStatus.REFUSED)):
        effects = send(lesson, event)
        assert replies(effects)[0].status is status and not [e for e in effects if isinstance(e, Record)]
    lesson.cmd(Command.NEXT)  # closed: a late answer is refused as closed
    late = send(lesson, PhoneAnswer("0a", qid, "A", 4))
    assert replies(late)[0].status is ReplyStatus.CLOSED and len(late) == 1


def test_the_same_question_opened_again_has_a_new_id(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    first = lesson.engine.phone_state().question.id
    lesson.cmd(Command.REPEAT)
    again = lesson.engine.phone_state().question
    assert again is not None and again.id != first
    assert replies(send(lesson, PhoneAnswer("0a", first, "A", 1)))[0].status is ReplyStatus.CLOSED


def test_a_full_disk_refuses_phone_answers_instead_of_saying_received(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    qid = lesson.engine.phone_state().question.id
    lesson.send(JournalState(JournalHealth.FULL, 0, 1, "disk full"))
    effects = send(lesson, PhoneAnswer("0a", qid, "A", 1))
    assert replies(effects)[0].status is ReplyStatus.NOT_SAVED
    assert not [e for e in effects if isinstance(e, Record)]


def test_a_phone_linked_by_the_card_code_answers_for_that_child_and_no_name_reaches_it(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    assert replies(send(lesson, PhoneLink("0a", "L3 AAAA AAAA", 1)))[0].status is ReplyStatus.REFUSED
    linked = send(lesson, PhoneLink("0a", f"L3 {check_of('L3')}", 2))
    assert replies(linked)[0].status is ReplyStatus.RECEIVED
    paired = [e for e in linked if isinstance(e, Record)][0]
    assert paired.kind == "handset.paired" and paired.payload["clicker"] == "phone:0a"
    assert "Child" not in json.dumps([str(e) for e in replies(linked)])
    state = lesson.engine.phone_state()
    effects = send(lesson, PhoneAnswer("0a", state.question.id, "A", 3))
    answer = [e for e in effects if isinstance(e, Record)][0]
    assert answer.payload["learner_id"] == "L3" and answer.payload["via"] == "phone"
    # What a child's phone is sent never holds a name (the roster's are "Child L1" ...).
    assert "Child" not in json.dumps(student_json(lesson.engine.phone_state()), ensure_ascii=False)
    # The teacher sees who answered, by first name (a linked phone is not an unknown handset).
    answers = lesson.engine.phone_state().teacher.answers
    assert answers.answered == ("Child",) and answers.unpaired == 0
    # Another phone linked to the same card takes over: the first one answers anonymously again.
    send(lesson, PhoneLink("0b", card("L3"), 4))
    assert lesson.engine.phones == {"0b": "L3"}


def test_a_check_in_from_a_phone_is_anonymous(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    send(lesson, PhoneLink("0a", card("L2"), 1))
    while lesson.at() != "feelings":
        lesson.cmd(Command.SKIP)
    question = lesson.engine.phone_state().question
    assert question.kind == "checkin" and [o.key for o in question.options] == ["1", "2", "3", "4", "5"]
    effects = send(lesson, PhoneAnswer("0a", question.id, "2", 2))
    record = [e for e in effects if isinstance(e, Record)][0]
    assert replies(effects)[0].status is ReplyStatus.RECEIVED
    assert record.kind == "checkin.recorded" and set(record.payload) <= {"index", "item", "face", "replaces"}
    assert "0a" not in json.dumps(record.payload) and "L2" not in json.dumps(record.payload)


def test_a_teachers_phone_drives_the_lesson_and_each_command_names_the_phone(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    effects = send(lesson, PhoneCommand("7e", Command.NEXT, 5))  # closes the question
    records = [e for e in effects if isinstance(e, Record)]
    assert records[0].kind == "hub.command" and records[0].payload == {"device": "7e", "command": "next"}
    assert "question.closed" in [r.kind for r in records]
    assert replies(effects)[0].status is ReplyStatus.RECEIVED
    assert lesson.engine.view().screen is Screen.RESULTS
    # Closing the kiosk or opening its keyboard is not a phone's to ask.
    for command in (Command.QUIT, Command.UNLOCK, Command.MARK):
        refused = send(lesson, PhoneCommand("7e", command, 6))
        assert replies(refused)[0].status is ReplyStatus.REFUSED and len(refused) == 1
    assert lesson.engine.pinpad.is_open is False


def test_a_teachers_phone_marks_a_child_present_and_takes_it_back(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    marked = send(lesson, PhoneMark("7e", "L4", request=1))
    assert [e.kind for e in marked if isinstance(e, Record)] == ["hub.command", "attendance.scanned"]
    assert "L4" in lesson.engine.attendance
    row = next(r for r in lesson.engine.phone_state().marks if r.learner_id == "L4")
    assert row.state == "teacher" and row.label == "Child · L4"  # five children called Child: the id tells them apart
    undone = send(lesson, PhoneMark("7e", "L4", undo=True, request=2))
    assert [e.kind for e in undone if isinstance(e, Record)] == ["hub.command", "attendance.undone"]
    assert "L4" not in lesson.engine.attendance
    unknown = send(lesson, PhoneMark("7e", "L99", request=3))
    assert replies(unknown)[0].status is ReplyStatus.REFUSED and len(unknown) == 1


def test_hub_notes_and_take_home_downloads_are_journaled(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    effects = send(lesson, HubNote("refused", "0a", "old session code", 4))
    effects += send(lesson, TakeHomeTaken(lesson.engine.session_id, "demo", "water.mp4", 123))
    assert [(e.kind, e.payload.get("count", e.payload.get("bytes"))) for e in effects] == [
        ("hub.note", 4), ("takehome.downloaded", 123)]


def test_at_home_a_teachers_phone_chooses_the_lesson():
    playlist = demo_playlist()
    library = Library((LessonEntry("demo.yaml", playlist.id, playlist.title, minutes=30.0),
                       LessonEntry("broken.yaml", "broken", "Broken", problems=("x: wrong",))), FakeClock())
    state = library.phone_state()
    assert state.question is None and [c.key for c in state.lessons] == ["demo.yaml", "broken.yaml"]
    assert replies(library.handle(PhoneAnswer("0a", "x", "A", 1)))[0].status is ReplyStatus.CLOSED
    assert replies(library.handle(PhoneChoose("7e", "broken.yaml", 2)))[0].status is ReplyStatus.REFUSED
    assert replies(library.handle(PhoneChoose("7e", "../../etc/passwd", 3)))[0].status is ReplyStatus.REFUSED
    effects = library.handle(PhoneChoose("7e", "demo.yaml", 4))
    starts = [e for e in effects if isinstance(e, StartLesson)]
    assert len(starts) == 1 and starts[0].key == "demo.yaml"
    assert replies(effects)[0].status is ReplyStatus.RECEIVED
    # A second choice while the first lesson is starting is refused, not a second lesson.
    assert replies(library.handle(PhoneChoose("7f", "demo.yaml", 5)))[0].status is ReplyStatus.REFUSED


def test_the_teacher_counts_anonymous_phones_apart_from_handsets_given_to_nobody(tmp_path):
    from cinema.journal import Journal

    lesson = at_quiz(Journal(tmp_path / "j.sqlite", "k"))
    qid = lesson.engine.phone_state().question.id
    send(lesson, PhoneAnswer("0a0a0a0a", qid, "A", 1))
    send(lesson, PhoneAnswer("0b0b0b0b", qid, "B", 1))
    lesson.send(ClickerPressed("c9", "C"))  # a handset given to nobody
    answers = lesson.engine.phone_state().teacher.answers
    assert answers.phones == 2 and answers.unpaired == 1
    assert answers.answered == ("#c9",)  # phones are not listed as handsets
