"""The journal on a real disk that fills up: the reserve given back so records still go in, a
clear error (and nothing half written) once nothing is left, held records spilled and added back
at the next start, owner-only files, and a damaged journal moved aside."""

from __future__ import annotations

import io
import os
import stat

import pytest

from cinema.app.recorder import Recorder
from cinema.core.clock import FakeClock
from cinema.core.events import JournalHealth, Record
from cinema.journal import Journal, JournalError
from cinema.journal.spill import find_spills
from cinema.journal.store import read_kiosk_id, set_aside
from tests.journal.small_disk import fill, resize, small_disk

MB = 1024 * 1024


def answers(n: int, start: int = 0) -> list[Record]:
    return [Record("answer.recorded", {"index": 2, "item": "quiz", "activity": "water", "question": 0,
                                       "key": "A", "correct": True, "clicker": f"c{start + i}"}) for i in range(n)]


def count(journal: Journal) -> int:
    return sum(1 for _ in journal.records())


class Engine:
    """What the recorder asks of the engine."""

    session_id = "s1"
    index = 0

    def resume_state(self):
        return 0, 0.0


def test_the_reserve_is_given_back_when_the_disk_fills_and_the_lesson_goes_on_being_journaled(tmp_path):
    with small_disk(tmp_path / "disk", "12m") as disk:
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=4 * MB)
        assert journal.make_reserve()
        assert os.path.getsize(disk / "j.sqlite.reserve") == 4 * MB
        journal.append("s1", answers(5), 1.0, 1.0)
        fill(disk)
        for n in range(40):  # a lesson's worth of turns on a disk with no free byte
            journal.append("s1", answers(5, 10 * n), 2.0 + n, 2.0 + n)
        assert journal.reserve_used and not (disk / "j.sqlite.reserve").exists()
        assert count(journal) == 205
        journal.close()


def test_with_nothing_left_to_give_a_write_fails_whole_and_works_once_there_is_room(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=4 * MB)
        assert not journal.make_reserve()  # no room for it: not made, not half made
        assert not (disk / "j.sqlite.reserve").exists()
        journal.append("s1", answers(3), 1.0, 1.0)
        videos = fill(disk)
        with pytest.raises(JournalError) as caught:
            for n in range(200):
                journal.append("s1", answers(20, 100 * n), 2.0, 2.0)
        assert caught.value.full and "disk is full" in str(caught.value)
        before = count(journal)
        assert before % 20 == 3  # every batch is in whole or not at all
        videos.unlink()
        journal.append("s1", answers(20, 99_000), 3.0, 3.0)
        assert count(journal) == before + 20
        journal.close()


def test_records_held_at_the_end_are_spilled_and_added_back_at_the_next_start(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        clock = FakeClock()
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=0)
        err = io.StringIO()
        recorder = Recorder(journal, Engine(), clock, err=err)
        recorder.commit(answers(2))
        fill(disk)
        for n in range(100):
            clock.advance(1.0)
            recorder.commit(answers(20, 100 * n))
            if recorder.pending:
                break
        assert recorder.pending and recorder.health is JournalHealth.FULL
        held = len(recorder.pending)
        in_journal = count(journal)
        spill = recorder.finish()
        journal.close()
        assert spill is not None and spill.exists() and "records are kept in" in err.getvalue()
        assert stat.S_IMODE(spill.stat().st_mode) == 0o600  # children's answers: owner-only
        resize(disk, "8m")  # the teacher made room
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=0)
        assert Recorder(journal, Engine(), clock, err=io.StringIO()).restore_spills() == held
        assert count(journal) == in_journal + held
        assert not spill.exists() and find_spills(disk / "j.sqlite") == []
        journal.close()


def test_the_journal_and_its_reserve_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        journal = Journal(tmp_path / "j.sqlite", "kiosk-1", reserve_bytes=64 * 1024)
        journal.make_reserve()
        journal.append("s1", answers(1), 1.0, 1.0)
        for name in ("j.sqlite", "j.sqlite-wal", "j.sqlite-shm", "j.sqlite.reserve"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
        journal.close()
    finally:
        os.umask(old)


def test_an_old_world_readable_journal_is_made_owner_only_when_opened(tmp_path):
    Journal(tmp_path / "j.sqlite", "kiosk-1").close()
    os.chmod(tmp_path / "j.sqlite", 0o644)
    Journal(tmp_path / "j.sqlite", "kiosk-1").close()
    assert stat.S_IMODE((tmp_path / "j.sqlite").stat().st_mode) == 0o600


def test_a_damaged_journal_is_named_as_such_and_moved_aside_whole(tmp_path):
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database " * 100)
    with pytest.raises(JournalError) as caught:
        Journal(path, "kiosk-1").check()
    assert caught.value.damaged
    aside = set_aside(path)
    assert not path.exists() and aside.read_bytes().startswith(b"this is not a database")
    assert aside.name.startswith("j.sqlite.damaged-")
    assert read_kiosk_id(aside) is None


def test_a_spill_file_planted_by_another_user_adds_nothing(tmp_path):
    from cinema.journal.spill import Pending, spill_patterns, write_spill

    journal = Journal(tmp_path / "j.sqlite", "kiosk-1")
    forged = [Pending("s1", 1.0, 1.0, r) for r in answers(3)]
    ours = write_spill(journal.path, forged, "20261206-1")
    planted = [ours.with_name(ours.name.replace("-1.jsonl", "-2.jsonl")),
               ours.with_name(ours.name.replace("-1.jsonl", "-3.jsonl"))]
    planted[0].write_text(ours.read_text())
    os.chmod(planted[0], 0o666)  # anyone may write it
    planted[1].write_text(ours.read_text())
    os.chmod(planted[1], 0o600)
    if os.geteuid() == 0:
        os.chown(planted[1], 65534, 65534)  # somebody else's (nobody)
    else:
        planted[1].unlink()
        planted[1].symlink_to(planted[0])  # or a link to one
    assert find_spills(journal.path) == [ours]
    assert Recorder(journal, Engine(), FakeClock(), err=io.StringIO()).restore_spills() == 3
    assert count(journal) == 3
    for p in planted:
        p.unlink()
    assert spill_patterns(journal.path)[0].startswith(str(tmp_path))
    journal.close()


def test_records_held_while_the_disk_is_full_survive_a_crash_and_go_in_at_the_next_start(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        clock = FakeClock()
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=0)
        recorder = Recorder(journal, Engine(), clock, err=io.StringIO())
        recorder.commit(answers(2))
        videos = fill(disk)
        for n in range(100):
            clock.advance(1.0)
            recorder.commit(answers(20, 100 * n))
            if recorder.pending:
                break
        held = list(recorder.pending)
        assert held and recorder.spill is not None and recorder.spill.exists()  # kept before any exit
        in_journal = count(journal)
        journal.close()  # the kiosk is killed here: no finish(), no last words
        videos.unlink()
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=0)
        assert Recorder(journal, Engine(), clock, err=io.StringIO()).restore_spills() == len(held)
        assert count(journal) == in_journal + len(held)
        assert find_spills(disk / "j.sqlite") == []
        journal.close()


def test_the_spill_file_goes_once_the_held_records_are_in_the_journal(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        clock = FakeClock()
        journal = Journal(disk / "j.sqlite", "kiosk-1", reserve_bytes=0)
        recorder = Recorder(journal, Engine(), clock, err=io.StringIO())
        videos = fill(disk)
        for n in range(100):
            recorder.commit(answers(20, 100 * n))
            if recorder.pending:
                break
        assert recorder.spill is not None
        videos.unlink()  # room again: the next retry puts them in
        clock.advance(2.0)
        recorder.poll()
        assert recorder.pending == [] and recorder.spill is None and find_spills(disk / "j.sqlite") == []
        assert recorder.finish() is None
        journal.close()


def test_a_disk_low_at_the_start_that_gets_room_stops_saying_almost_full(tmp_path):
    """The teacher deletes old videos during the lesson: the warning goes (it used to stay till the end)."""
    with small_disk(tmp_path / "disk", "12m") as disk:
        clock = FakeClock()
        journal = Journal(disk / "j.sqlite", "kiosk-1")
        recorder = Recorder(journal, Engine(), clock, err=io.StringIO())
        recorder.check_space()
        assert [s.health for s in recorder.take_news()] == [JournalHealth.LOW]
        resize(disk, "64m")
        clock.advance(11.0)
        recorder.poll()
        assert [s.health for s in recorder.take_news()] == [JournalHealth.OK]
        assert journal.has_reserve()
        journal.close()
