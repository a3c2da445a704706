"""Journals kiosks wrote before today's vocabulary (schema 1 and 2, older payloads) still read into
the same report, the same resume point and the same xAPI as the same records written today."""

import json
import sqlite3

import pytest

from cinema.core.events import Record
from cinema.core.records import resume_point
from cinema.journal import Journal
from cinema.reports import xapi
from cinema.reports.build import iter_records, report_from_paths

# The tables as kiosks in the field created them (kept here, not imported: they must not follow
# later changes to the journal code).
SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,
    session_id TEXT NOT NULL, wall REAL NOT NULL, mono REAL NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX records_session ON records(session_id, seq);
CREATE INDEX records_kind ON records(kind);
CREATE TABLE resume (session_id TEXT PRIMARY KEY, item_index INTEGER NOT NULL, position REAL NOT NULL,
    saved_mono REAL NOT NULL);
"""
SCHEMA_2 = SCHEMA_1 + """
CREATE INDEX records_session_kind ON records(session_id, kind);
CREATE TABLE session_counts (session_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,
    min_seq INTEGER NOT NULL, max_seq INTEGER NOT NULL, PRIMARY KEY (session_id, kind)) WITHOUT ROWID;
"""

QUIZ = {"index": 2, "item": "quiz", "activity": "water-quiz", "question": 0}
# A lesson as an older kiosk wrote it: no subject, no prompt, no item seconds; a changed answer was
# another answer.recorded and a changed face another checkin.recorded with `replaces`.
OLD_LESSON = [
    ("session.started", {"playlist": "water", "title": "Water", "language": "en", "items": 4}),
    ("item.started", {"index": 0, "item": "att", "type": "attendance", "title": "Attendance"}),
    ("attendance.scanned", {"learner_id": "L1", "source": "camera", "index": 0}),
    ("attendance.scanned", {"learner_id": "L2", "source": "camera", "index": 0}),
    ("item.ended", {"index": 0, "item": "att", "type": "attendance", "reason": "next"}),
    ("item.started", {"index": 2, "item": "quiz", "type": "activity", "title": "Quiz"}),
    ("answer.recorded", dict(QUIZ, key="B", correct=False, clicker="c1", learner_id="L1")),
    ("answer.recorded", dict(QUIZ, key="A", correct=True, clicker="c2", learner_id="L2")),
    ("answer.recorded", dict(QUIZ, key="A", correct=True, clicker="c1", learner_id="L1")),  # L1 changed B -> A
    ("question.closed", dict(QUIZ, answered=2, tally={"A": 2}, correct="A")),
    ("item.ended", {"index": 2, "item": "quiz", "type": "activity", "reason": "next"}),
    ("item.started", {"index": 3, "item": "feel", "type": "checkin", "title": ""}),
    ("checkin.recorded", {"index": 3, "item": "feel", "face": 2, "replaces": None}),
    ("checkin.recorded", {"index": 3, "item": "feel", "face": 5, "replaces": None}),
    ("checkin.recorded", {"index": 3, "item": "feel", "face": 4, "replaces": 2}),  # a changed face
    ("checkin.closed", {"index": 3, "item": "feel", "counts": [0, 0, 0, 1, 1], "offer_calm": False}),
]


def raw_journal(path, schema: str, version: int, records=OLD_LESSON, session="s1"):
    """A journal file as a kiosk of that schema left it, written with plain sqlite3."""
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.execute(f"PRAGMA user_version={version}")
    db.execute("INSERT INTO meta VALUES ('kiosk_id', 'old-kiosk')")
    for seq, (kind, payload) in enumerate(records, start=1):
        db.execute("INSERT INTO records VALUES (?, ?, 'old-kiosk', ?, ?, ?, ?, ?)",
                   (seq, f"id-{seq}", session, 1.79e9 + seq, 100.0 + seq, kind, json.dumps(payload, sort_keys=True)))
    if version >= 2:
        db.execute("INSERT INTO session_counts SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records"
                   " GROUP BY session_id, kind")
    db.commit()
    db.close()
    return path


def journal_of_today(path, records=OLD_LESSON, session="s1"):
    j = Journal(path, "old-kiosk")
    for n, (kind, payload) in enumerate(records, start=1):
        j.append(session, [Record(kind, payload)], 1.79e9 + n, 100.0 + n)
    j.close()
    return path


def comparable(report):
    data = report.as_json()
    for s in data["sources"]:
        s["name"] = s["kind"] = ""  # the files differ, the contents must not
    return data


@pytest.mark.parametrize("schema, version", [(SCHEMA_1, 1), (SCHEMA_2, 2)], ids=["schema-1", "schema-2"])
def test_an_old_journal_reports_like_the_same_records_written_today(tmp_path, schema, version):
    old = raw_journal(tmp_path / "old.sqlite", schema, version)
    today = journal_of_today(tmp_path / "today.sqlite")
    for detail in (True, False):
        got = report_from_paths([old], detail=detail, now=1.8e9, workers=1)
        assert comparable(got) == comparable(report_from_paths([today], detail=detail, now=1.8e9, workers=1))
    r = report_from_paths([old], detail=True, now=1.8e9, workers=1)
    (q,) = r.questions
    assert (q.answered, q.right, q.tally) == (2, 2, {"A": 2})  # L1's change counts, once
    assert {lr.learner_id: (lr.answered, lr.correct) for lr in r.learners} == {"L1": (1, 1), "L2": (1, 1)}
    assert r.sessions[0].learners == ["L1", "L2"]
    assert r.checkins[0].counts is None and r.checkins[0].few_answers  # two faces: too few to show


def test_an_old_journal_gives_the_final_answers_to_xapi(tmp_path):
    old = raw_journal(tmp_path / "old.sqlite", SCHEMA_2, 2)
    said = {st["actor"]["account"]["name"]: st["result"] for st in xapi.statements(iter_records([old]))
            if st["verb"]["display"]["en-US"] == "answered"}
    assert said == {"L1": {"response": "A", "success": True}, "L2": {"response": "A", "success": True}}


def test_an_old_journal_is_opened_by_the_kiosk_and_resumes_where_it_was(tmp_path):
    path = raw_journal(tmp_path / "old.sqlite", SCHEMA_2, 2, OLD_LESSON[:9])  # the power went mid-quiz
    j = Journal(path, "another-id")
    assert j.kiosk_id == "old-kiosk" and j.unfinished_session() == "s1"
    point = resume_point("s1", ((r.kind, r.payload) for r in j.records("s1")))
    assert (point.item_index, point.attendance, point.answers) == (2, ("L1", "L2"), 2)
