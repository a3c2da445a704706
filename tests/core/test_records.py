"""The journal's vocabulary: typed payloads that read any kiosk's JSON, and the one fold over records."""

import json
import random
import subprocess
import sys

import pytest

from cinema.core import records as rec
from cinema.core.records import RecordFold, RecordKind, parse, resume_point

ANSWER = {"index": 4, "item": "quiz", "activity": "water-quiz", "question": 0, "key": "B", "correct": False,
          "clicker": "c1", "learner_id": "L1"}


def answer(voter: str | None = "c1", key: str = "A", question: int = 0, learner: str | None = None,
           kind: str = "answer.recorded", index: int = 4, **extra) -> tuple[str, dict]:
    p = dict(ANSWER, clicker=voter, key=key, question=question, index=index, correct=key == "A", **extra)
    p.pop("learner_id")
    if learner:
        p["learner_id"] = learner
    if voter is None:
        p["via"] = "card"
    return kind, p


def card(learner: str, key: str = "A", kind: str = "answer.recorded", **kw) -> tuple[str, dict]:
    return answer(None, key, learner=learner, kind=kind, **kw)


# ---- payloads ------------------------------------------------------------------------------------

# Payloads exactly as kiosks store them today (and as the engine writes them).
STORED = [
    ("session.started", {"playlist": "demo", "title": "Water", "subject": None, "language": "en", "items": 11}),
    ("session.started", {"playlist": "demo", "title": "Water", "subject": "science", "language": "en", "items": 11,
                         "program": "LC-NORTH"}),
    ("session.resumed", {"index": 3, "position": 42.5}),
    ("session.ended", {"reason": "completed", "attendance": 30, "answers": 300, "index": 10}),
    ("session.abandoned", {"session": "abc", "index": 5}),
    ("item.started", {"index": 0, "item": "welcome", "type": "title", "title": "Hello"}),
    ("item.ended", {"index": 1, "item": "film", "type": "video", "reason": "finished", "seconds": 95.4}),
    ("item.skipped", {"index": 1, "item": "film", "type": "video", "reason": "skip", "seconds": 3.0}),
    ("item.failed", {"index": 1, "item": "film", "type": "video", "reason": "no media file"}),
    ("item.paused", {"index": 1, "item": "film", "position": 12.5}),
    ("item.resumed", {"index": 1, "item": "film"}),
    ("media.seeked", {"index": 1, "item": "film", "from_seconds": 42.5, "to_seconds": 32.5}),
    ("media.decoding", {"decoding": "software", "reason": "no picture after 2 s", "media": "intro.mp4",
                        "position": 12.5, "index": 2, "item": "intro"}),
    ("question.closed", {"index": 4, "item": "quiz", "activity": "water-quiz", "question": 0, "answered": 3,
                         "tally": {"A": 2, "B": 1}, "correct": "A", "prompt": "Where does rain come from?"}),
    ("question.closed", {"index": 4, "item": "poll", "activity": "water-use", "question": 0, "answered": 0,
                         "tally": {}, "correct": None, "prompt": "Which?"}),
    ("answer.recorded", dict(ANSWER)),
    ("answer.recorded", dict(ANSWER, clicker=None, via="card", team=2)),
    ("answer.recorded", {k: v for k, v in ANSWER.items() if k != "learner_id"}),
    ("answer.changed", dict(ANSWER, key="A", correct=True, replaces="B")),
    ("checkin.recorded", {"index": 6, "item": "feel", "face": 4, "replaces": None}),
    ("checkin.changed", {"index": 6, "item": "feel", "face": 1, "replaces": 4}),
    ("checkin.closed", {"index": 6, "item": "feel", "counts": [1, 0, 0, 2, 0], "offer_calm": True}),
    ("checkin.calm_accepted", {"index": 6, "item": "feel", "calm_item": "calm"}),
    ("attendance.scanned", {"learner_id": "L1", "source": "camera", "index": 1}),
    ("attendance.scanned", {"learner_id": "L1", "source": "scanner", "index": 1, "old_key": True}),
    ("attendance.refused", {"reason": "Card from another programme", "source": "camera"}),
    ("handset.paired", {"clicker": "c7", "learner_id": "L3", "replaces": "c3", "was_learner": None}),
    ("pin.refused", {}),
    ("pin.refused", {"purpose": "unlock", "tries": 5, "wait": 30.0}),
    ("pin.changed", {"via": "kiosk"}),
    ("keyboard.locked", {"keys": 37}),
    ("keyboard.unlocked", {"idle_minutes": 10.0}),
    ("power.reading", {"percent": 61.0, "minutes_left": None, "charging": False}),
    ("power.action", {"action": "warn", "percent": 15.0, "minutes_left": 30.0, "estimated": False,
                      "usable_minutes": 20.0, "needs_minutes": None, "advice": ["story"], "enough": True}),
    ("power.action", {"action": "dim", "level": 0.4, "ok": True, "method": "backlight", "detail": "intel_backlight"}),
    ("power.saving", {"step": "camera_rate", "on": True, "level": "low"}),
    ("device.connected", {"device": "clickers /dev/ttyUSB0", "detail": "lcp"}),
    ("device.lost", {"device": "clickers /dev/ttyUSB0", "detail": ""}),
    ("device.noise", {"device": "scanner /dev/ttyUSB1", "junk": 240000, "refused": 12, "accepted": 3,
                      "seconds": 60.0, "noisy": True}),
    ("export.made", {"records": 40, "first_seq": 1, "last_seq": 40, "file": "k-1-40.lcb", "to": "usb"}),
    ("export.failed", {"reason": "the stick is full", "to": "usb"}),
    ("journal.trouble", {"state": "reserve", "free_bytes": 4190208, "pending": 0, "detail": ""}),
    ("journal.trouble", {"state": "set_aside", "free_bytes": None, "pending": 0,
                         "detail": "j.sqlite.damaged-20261206-101500"}),
    ("lesson.chosen", {"playlist": "demo-ar", "file": "demo_ar.yaml", "resume": False}),
    ("lesson.chosen", {"playlist": "demo", "file": "demo.yaml", "resume": True}),
    ("kiosk.language", {"language": "ar", "previous": "en"}),
    ("day.ended", {"lessons": 3}),
    ("attendance.scanned", {"learner_id": "L002", "source": "teacher", "index": 1, "via": "teacher"}),
    ("attendance.undone", {"learner_id": "L002", "via": "teacher"}),
    ("display.changed", {"mode": "presenter", "reason": "plugged", "screens": 2, "class_size": "1024x768",
                         "teacher_size": "1280x800"}),
    ("hub.note", {"what": "refused", "device": "0a1b2c3d", "detail": "old session code", "count": 3}),
    ("hub.command", {"device": "0a1b2c3d", "command": "mark", "learner_id": "L7"}),
    ("takehome.downloaded", {"session": "s1", "playlist": "demo", "file": "water.mp4", "bytes": 1048576}),
]


@pytest.mark.parametrize("kind, stored", STORED, ids=[f"{k}-{i}" for i, (k, _p) in enumerate(STORED)])
def test_a_stored_payload_reads_typed_and_writes_back_the_same_json(kind, stored):
    typed = parse(kind, json.loads(json.dumps(stored)))
    assert typed.KIND == kind and RecordKind(kind) is typed.KIND
    assert typed.to_json() == stored
    assert typed.record().kind == kind and typed.record().payload == stored
    assert type(typed).from_json(typed.to_json()) == typed


def test_every_kind_has_a_payload_class():
    assert {k for k, _p in STORED} == set(RecordKind)
    assert set(rec.PAYLOADS) == {k.value for k in RecordKind}


def test_the_engine_builds_a_record_by_keyword():
    made = rec.AnswerChanged(index=4, item="quiz", activity="water-quiz", question=0, key="A", correct=True,
                             clicker=None, learner_id="L2", via="card", replaces="C").record()
    assert made.kind == "answer.changed" == RecordKind.ANSWER_CHANGED
    assert made.payload == {"index": 4, "item": "quiz", "activity": "water-quiz", "question": 0, "key": "A",
                            "correct": True, "clicker": None, "learner_id": "L2", "via": "card", "replaces": "C"}
    with pytest.raises(TypeError):
        rec.AnswerRecorded(index=4, item="quiz")  # a field forgotten is an error in the engine, not a default


@pytest.mark.parametrize("kind, old, expected", [
    # What older kiosks wrote: fields that came later read as their defaults.
    ("session.started", {"playlist": "demo", "title": "Water", "language": "en", "items": 4},
     {"subject": None, "program": None}),
    ("question.closed", {"index": 2, "item": "quiz", "activity": "q", "question": 0, "answered": 2, "tally": {},
                         "correct": "A"}, {"prompt": ""}),
    ("item.ended", {"index": 1, "item": "film", "type": "video", "reason": "finished"}, {"seconds": 0.0}),
    ("checkin.recorded", {"index": 3, "item": "feel", "face": 2, "replaces": 5}, {"replaces": 5}),
    # A newer kiosk's extra fields are ignored.
    ("item.started", {"index": 0, "item": "t", "type": "title", "title": "T", "colour": "red"}, {"index": 0}),
])
def test_older_and_newer_payloads_read_leniently(kind, old, expected):
    typed = parse(kind, old)
    for name, value in expected.items():
        assert getattr(typed, name) == value


@pytest.mark.parametrize("junk", [
    None, [], "text", 7, {"index": "x", "question": [1], "key": {"a": 1}, "correct": "yes", "clicker": 3.5},
    {"index": 1e300, "tally": {"A": "many", 3: 4}, "counts": "12345", "percent": float("inf")},
    {"learner_id": "L" * 1_000_000, "advice": list(range(100_000))},
])
def test_junk_never_raises_and_reads_as_defaults(junk):
    for kind in list(RecordKind) + ["no.such.kind", 42, None, ["list"]]:
        typed = parse(kind, junk)
        json.dumps(typed.to_json())  # whatever came in, what goes out is JSON again
    assert isinstance(parse("no.such.kind", {"a": 1}), rec.Unknown)
    assert parse("no.such.kind", {"a": 1}).to_json() == {"a": 1}
    long = parse("attendance.scanned", {"learner_id": "L" * 1_000_000})
    assert len(long.learner_id) <= rec.MAX_TEXT
    assert len(parse("power.action", {"advice": ["x"] * 100_000}).advice) <= rec.MAX_ENTRIES


def test_random_payloads_never_raise():
    rnd = random.Random(7)
    atoms = [None, True, 0, -1, 2**70, 1.5, float("nan"), "", "A", "x" * 300, [], {}, [1, "a"], {"k": [None]}]
    for _ in range(3000):
        payload = {rnd.choice(["index", "question", "key", "clicker", "learner_id", "face", "replaces", "tally",
                               "counts", "percent", "advice", "title", "via"]): rnd.choice(atoms)
                   for _ in range(rnd.randint(0, 6))}
        kind = rnd.choice(list(RecordKind))
        parse(kind, payload)
        RecordFold().add(kind, payload)


def test_the_vocabulary_imports_nothing_heavy():
    code = ("import sys, cinema.core.records; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('yaml', 'babel', 'pygame', 'vlc', 'serial', 'cv2', 'sqlite3', '_sqlite3', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- the fold ------------------------------------------------------------------------------------


def fold(*records) -> RecordFold:
    return RecordFold().add_all(records)


def finals(f: RecordFold) -> dict:
    return {(a.question, a.voter): a.key for a in f.answers}


def test_a_changed_answer_replaces_the_first():
    f = fold(answer("c1", "A"), answer("c1", "B", kind="answer.changed", replaces="A"), answer("c2", "C"))
    assert finals(f) == {(0, "c1"): "B", (0, "c2"): "C"}
    assert f.answered == 2  # a change is not a second answer


def test_an_older_kiosks_change_was_another_answer_recorded():
    f = fold(answer("c1", "A"), answer("c1", "B"))
    assert finals(f) == {(0, "c1"): "B"} and f.answered == 1


def test_card_answers_are_one_voter_per_child():
    f = fold(card("L1", "A"), card("L2", "B"), card("L1", "C", kind="answer.changed", replaces="A"))
    assert finals(f) == {(0, "card:L1"): "C", (0, "card:L2"): "B"}


def test_a_child_answering_by_handset_and_by_card_has_one_answer_the_later():
    f = fold(answer("c1", "A", learner="L1"), card("L1", "B"))
    assert len(f.answers) == 2  # two votes on the chart, as the kiosk counted them
    assert {k: a.key for k, a in f.learner_answers().items()} == {(4, 0, "L1"): "B"}


def test_a_question_asked_again_later_in_the_lesson_is_a_new_question():
    f = fold(answer("c1", "A", index=4), ("item.started", {"index": 8}), answer("c1", "B", index=8))
    assert {(a.index, a.key) for a in f.answers} == {(4, "A"), (8, "B")}


def test_a_repeated_quiz_is_answered_again_as_the_kiosk_counts():
    run = [("item.started", {"index": 4}), answer("c1", "A"), answer("c1", "B", kind="answer.changed")]
    f = fold(*run, *run)
    assert finals(f) == {(0, "c1"): "B"}  # the last answer counts
    assert f.answered == 2  # the kiosk counted the repeat as answered again


def test_attendance_is_each_child_once_in_order_of_arrival():
    scans = [("attendance.scanned", {"learner_id": lid}) for lid in ("L2", "L1", "L2", "L3")]
    f = fold(*scans, ("attendance.scanned", {"learner_id": None}))
    assert f.attendance == ("L2", "L1", "L3") and f.last_arrival == "L3"


def test_a_changed_check_in_vote_moves():
    votes = [("checkin.recorded", {"index": 6, "face": 4}), ("checkin.recorded", {"index": 6, "face": 5}),
             ("checkin.changed", {"index": 6, "face": 1, "replaces": 4}),
             ("checkin.recorded", {"index": 9, "face": 3}), ("checkin.recorded", {"index": 9, "face": 7})]
    assert fold(*votes).checkins == {6: (1, 0, 0, 0, 1), 9: (0, 0, 1, 0, 0)}


def test_bounds_hold_for_a_hostile_session():
    f = RecordFold()
    for n in range(rec.MAX_VOTERS + 50):
        f.add(*answer(f"c{n}", "A"))
    assert len(f.answers) == rec.MAX_VOTERS and f.dropped == 50


# ---- resuming: bug 3 -------------------------------------------------------------------------------

def test_five_children_answering_by_card_resume_as_five_answers():
    journal = [("item.started", {"index": 4, "item": "quiz", "type": "activity"})]
    journal += [("attendance.scanned", {"learner_id": f"L{n}"}) for n in range(1, 6)]
    journal += [card(f"L{n}", "A") for n in range(1, 6)]
    point = resume_point("s1", journal)
    assert (point.item_index, point.answers, point.attendance) == (4, 5, ("L1", "L2", "L3", "L4", "L5"))


def test_resume_point_is_the_last_item_started_or_resumed():
    assert resume_point("s", [("item.started", {"index": 2}), ("session.resumed", {"index": 5})]).item_index == 5
    assert resume_point("s", [("session.resumed", {"index": 5}), ("item.started", {"index": 6})]).item_index == 6
    assert resume_point("s", []) == rec.ResumePoint("s", 0)
