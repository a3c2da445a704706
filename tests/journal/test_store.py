"""The journal: durable, ordered, resumable, and clear when the disk cannot take a record."""

import sqlite3

import pytest

from cinema.core.events import Record
from cinema.journal import Journal, JournalError


def test_records_get_gap_free_sequence_and_unique_ids(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "kiosk-1")
    a = j.append("s1", [Record("session.started"), Record("item.started", {"index": 0})], 10.0, 1.0)
    b = j.append("s1", [Record("answer.recorded", {"key": "A"})], 11.0, 2.0)
    assert [r.seq for r in a + b] == [1, 2, 3]
    assert len({r.id for r in a + b}) == 3
    stored = list(j.records())
    assert [r.kind for r in stored] == ["session.started", "item.started", "answer.recorded"]
    assert stored[2].payload == {"key": "A"} and stored[2].kiosk_id == "kiosk-1"


def test_journal_uses_wal_and_keeps_kiosk_id(tmp_path):
    path = tmp_path / "j.sqlite"
    Journal(path, "first").close()
    j = Journal(path, "second")
    assert j.kiosk_id == "first"  # a kiosk keeps its id across restarts
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_unfinished_session_found_and_cleared_by_end(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k")
    assert j.unfinished_session() is None
    j.append("s1", [Record("session.started"), Record("item.started", {"index": 2})], 0, 0)
    assert j.unfinished_session() == "s1"
    j.save_resume("s1", 2, 37.5, 5.0)
    assert j.resume_position("s1") == (2, 37.5)
    j.append("s1", [Record("session.ended", {"reason": "teacher"})], 0, 0)
    assert j.unfinished_session() is None


def test_abandoned_session_is_not_offered_again(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k")
    j.append("old", [Record("session.started")], 0, 0)
    j.append("new", [Record("session.abandoned", {"session": "old"}), Record("session.started")], 0, 0)
    assert j.unfinished_session() == "new"
    j.append("new", [Record("session.ended")], 0, 0)
    assert j.unfinished_session() is None


def test_a_failed_write_commits_nothing_and_says_why(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k")
    j.append("s", [Record("session.started")], 0, 0)
    with pytest.raises(JournalError):
        j.append("s", [Record("a"), Record("b", {"bad": object()})], 0, 0)  # not JSON: the batch fails whole
    assert [r.kind for r in j.records()] == ["session.started"]


def test_full_disk_gives_a_plain_message(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k")
    j._db.execute("PRAGMA max_page_count=1")  # simulate a full disk: no page may be added
    with pytest.raises(JournalError, match="disk is full"):
        j.append("s", [Record("x", {"blob": "y" * 100_000})], 0, 0)


def test_unreadable_journal_path_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalError, match="damaged|not a database"):
        Journal(bad, "k")


def test_counts_per_session_and_kind_are_kept_with_the_records(tmp_path):
    import sqlite3

    j = Journal(tmp_path / "j.sqlite", "k1")
    j.append("s1", [Record("session.started", {}), Record("answer.recorded", {"key": "A"})], 1.0, 1.0)
    j.append("s1", [Record("answer.recorded", {"key": "B"})], 2.0, 2.0)
    j.append("s2", [Record("session.started", {})], 3.0, 3.0)
    j.close()
    db = sqlite3.connect(tmp_path / "j.sqlite")
    kept = sorted(db.execute("SELECT session_id, kind, n, min_seq, max_seq FROM session_counts"))
    counted = sorted(db.execute("SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records"
                                " GROUP BY session_id, kind"))
    assert kept == counted == [("s1", "answer.recorded", 2, 2, 3), ("s1", "session.started", 1, 1, 1),
                               ("s2", "session.started", 1, 4, 4)]


def test_a_journal_from_the_first_schema_is_upgraded_with_its_counts(tmp_path):
    import sqlite3

    from cinema.journal.store import MIGRATIONS

    db = sqlite3.connect(tmp_path / "old.sqlite")
    db.executescript(MIGRATIONS[1] + "; PRAGMA user_version=1;")
    db.execute("INSERT INTO meta VALUES ('kiosk_id', 'k1')")
    db.execute("INSERT INTO records VALUES (1, 'a', 'k1', 's1', 1, 1, 'session.started', '{}')")
    db.commit()
    db.close()
    j = Journal(tmp_path / "old.sqlite", "ignored")
    j.append("s1", [Record("session.ended", {})], 2.0, 2.0)
    j.close()
    db = sqlite3.connect(tmp_path / "old.sqlite")
    assert sorted(db.execute("SELECT kind, n FROM session_counts")) == [("session.ended", 1), ("session.started", 1)]
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
