"""The real kiosk (`cinema run`, headless, a simulated class) with its journal on a real small disk
that fills up mid-lesson: every answer and card the screen took is in the journal afterwards, and
a damaged journal is set aside instead of stopping the lesson."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from cinema.journal.spill import find_spills
from tests.app.kiosk_project import ROOT, cinema_cmd, run_kiosk
from tests.journal.small_disk import fill, resize, small_disk


def rows(path, sql, *args):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def shown_and_kept(journal) -> list[tuple[str, int, int, int, int]]:
    """Per session: what its closing screen counted (children present, answers) against the
    attendance and first answers in the journal."""
    out = []
    for (session, payload) in rows(journal, "SELECT session_id, payload FROM records WHERE kind = 'session.ended'"):
        ended = json.loads(payload)
        (present,) = rows(journal, "SELECT COUNT(*) FROM records WHERE session_id = ? AND kind = 'attendance.scanned'",
                          session)[0]
        (answered,) = rows(journal, "SELECT COUNT(*) FROM records WHERE session_id = ? AND kind = 'answer.recorded'",
                           session)[0]
        out.append((session, ended["attendance"], present, ended["answers"], answered))
    return out


def test_a_disk_filled_mid_lesson_uses_the_reserve_and_loses_nothing(project, tmp_path):
    with small_disk(tmp_path / "disk", "12m") as disk:
        journal = disk / "j.sqlite"
        cmd = cinema_cmd(project, "--simulate-class", "8", "--speed", "50", "--exit-at-end", "--trace")
        cmd[cmd.index("--journal") + 1] = str(journal)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        traced = []
        try:
            for line in proc.stdout:
                traced.append(json.loads(line))
                if len(traced) == 3:
                    assert (disk / "j.sqlite.reserve").exists()
                    fill(disk)  # the teacher copies videos onto the laptop during the lesson
            err = proc.stderr.read()
        finally:
            proc.kill()
            code = proc.wait(60)
        assert code == 0, err
        assert "reserve space is in use" in err
        kept = {i for (i,) in rows(journal, "SELECT id FROM records")}
        assert [t for t in traced if t["id"] not in kept] == []
        assert traced[-1]["kind"] == "session.ended"
        kinds = [t["kind"] for t in traced]
        assert kinds.count("attendance.scanned") == 8 and kinds.count("answer.recorded") > 8
        [(_session, shown_present, present, shown_answers, answered)] = shown_and_kept(journal)
        assert (shown_present, shown_answers) == (present, answered)
        states = [json.loads(p)["state"] for (p,) in rows(journal, "SELECT payload FROM records"
                                                             " WHERE kind = 'journal.trouble'")]
        assert states == ["low", "reserve"]  # 12 MB is little: said before the lesson too
        assert not (disk / "j.sqlite.reserve").exists()


def test_a_full_disk_with_no_reserve_refuses_exits_1_and_keeps_every_record_for_the_next_start(project, tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        journal = disk / "j.sqlite"
        cmd = cinema_cmd(project, "--simulate-class", "8", "--speed", "50", "--exit-at-end", "--max-seconds", "60",
                         "--trace")
        cmd[cmd.index("--journal") + 1] = str(journal)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        traced = []
        try:
            for line in proc.stdout:
                traced.append(json.loads(line))
                if len(traced) == 3:
                    fill(disk)  # no room for a reserve on this disk, and now none at all
            err = proc.stderr.read()
        finally:
            proc.kill()
            code = proc.wait(60)
        first = subprocess.CompletedProcess(cmd, code, "", err)
        try:
            assert first.returncode == 1, first.stderr
            assert "MB free beside" in first.stderr  # said before the lesson
            assert "answers and card scans are refused" in first.stderr
            assert "records are kept in" in first.stderr  # and where the rest went
            assert "Traceback" not in first.stderr
            assert find_spills(journal)
            resize(disk, "8m")  # the teacher makes room and starts the kiosk again
            second_cmd = cinema_cmd(project, "--max-seconds", "1")  # just long enough to start
            second_cmd[second_cmd.index("--journal") + 1] = str(journal)
            second = subprocess.run(second_cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
            assert second.returncode == 2, second.stderr  # stopped by --max-seconds
            assert "are now in the journal" in second.stderr
        finally:
            for spill in find_spills(journal):
                spill.unlink()
        sessions = shown_and_kept(journal)
        assert len(sessions) == 1  # the first lesson, ended; the second was only started
        for _session, shown_present, present, shown_answers, answered in sessions:
            assert (shown_present, shown_answers) == (present, answered)
        states = [json.loads(p)["state"] for (p,) in rows(journal, "SELECT payload FROM records"
                                                             " WHERE kind = 'journal.trouble' ORDER BY seq")]
        assert "full" in states


def test_a_damaged_journal_is_set_aside_and_the_lesson_goes_on_with_the_same_kiosk_id(project):
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.core.events import Record
    from cinema.core.messages import JOURNAL_SET_ASIDE
    from cinema.journal import Journal
    from cinema.media.fake_player import FakePlayer

    journal = project / "j.sqlite"
    old = Journal(journal, "kiosk-7")
    for _ in range(40):
        old.append("old", [Record("answer.recorded", {"key": "A" * 200})] * 5, 1.0, 1.0)
    old.reclaim()
    old.close()
    data = bytearray(journal.read_bytes())
    data[-3 * 4096:] = b"DAMAGED!" * (3 * 512)  # the records' last pages overwritten (a bad sector)
    journal.write_bytes(bytes(data))
    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=journal, headless=True)
    kiosk = Kiosk(opts, clock=FakeClock())
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None)
    with kiosk.opened() as loop:
        loop.step(0.0)
        loop.step(0.3)
        seen = loop.view
    assert seen.toast == JOURNAL_SET_ASIDE  # what the teacher reads over the first screen
    [aside] = [p for p in project.glob("j.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == bytes(data)  # kept whole for recovery
    kinds = [k for (k,) in rows(journal, "SELECT kind FROM records ORDER BY seq")]
    assert kinds[:2] == ["session.started", "item.started"] and "journal.trouble" in kinds
    assert {k for (k,) in rows(journal, "SELECT kiosk_id FROM records")} == {"kiosk-7"}


def test_a_disk_too_full_to_open_the_journal_is_said_on_the_teachers_screen(project, tmp_path, monkeypatch):
    from cinema.app.kiosk import JOURNAL_NO_ROOM, Kiosk, RunOptions
    from cinema.core.view import Screen
    from cinema.display.renderer import Renderer

    shown = []
    real_draw = Renderer.draw

    def draw(self, surface, view, *args, **kwargs):
        shown.append(view)
        return real_draw(self, surface, view, *args, **kwargs)

    monkeypatch.setattr(Renderer, "draw", draw)
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    with small_disk(tmp_path / "disk", "200k") as disk:
        fill(disk)
        opts = RunOptions(config=project / "kiosk_config" / "default.yaml",
                          playlist=project / "playlists" / "e2e.yaml", journal=disk / "j.sqlite", windowed=True,
                          size=(800, 600), max_seconds=0.2)
        assert Kiosk(opts).run() == 1
    [view] = shown
    assert view.screen is Screen.CONTENT_ERROR and view.body.problems[0] == JOURNAL_NO_ROOM


def _old_journal(path, kiosk="kiosk-7", records=200):
    from cinema.core.events import Record
    from cinema.journal import Journal

    old = Journal(path, kiosk)
    for _ in range(records // 5):
        old.append("old", [Record("answer.recorded", {"key": "A" * 200})] * 5, 1.0, 1.0)
    old.reclaim()
    old.close()


def test_numbers_go_on_after_a_damaged_journal_so_the_report_sees_one_kiosk(project, tmp_path):
    """The new journal's records follow the damaged one's (read from its own counts when the
    records' last pages are gone): a report given both sees one kiosk, not two laptops."""
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.journal.bundle import export_bundle
    from cinema.media.fake_player import FakePlayer
    from cinema.reports.build import report_from_paths

    journal = project / "j.sqlite"
    _old_journal(journal)
    data = bytearray(journal.read_bytes())
    data[-3 * 4096:] = b"DAMAGED!" * (3 * 512)
    journal.write_bytes(bytes(data))
    kiosk = Kiosk(RunOptions(config=project / "kiosk_config" / "default.yaml",
                             playlist=project / "playlists" / "e2e.yaml", journal=journal, headless=True),
                  clock=FakeClock())
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None)
    with kiosk.opened() as loop:
        loop.step(0.0)
        loop.step(0.3)
    assert min(s for (s,) in rows(journal, "SELECT seq FROM records")) == 201
    bundle = export_bundle(journal, tmp_path / "out.lcb").path
    [aside] = [p for p in project.glob("j.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    report = report_from_paths([aside, bundle], now=2e9)
    assert [k.kiosk_id for k in report.kiosks] == ["kiosk-7"]
    assert not any("Two laptops" in p for p in report.problems), report.problems


def test_a_journal_found_damaged_mid_lesson_is_set_aside_and_the_lesson_goes_on_journaled(project):
    """Not "Disk full" with 80 GB free: the damaged file is kept aside, a new one takes what was
    being written (numbers going on), the teacher is told, and answers are still taken."""
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.core.events import Command, JournalHealth, TeacherCommand
    from cinema.core.messages import DISK_FULL, JOURNAL_SET_ASIDE
    from cinema.journal import JournalError
    from cinema.media.fake_player import FakePlayer

    journal = project / "j.sqlite"
    _old_journal(journal)
    kiosk = Kiosk(RunOptions(config=project / "kiosk_config" / "default.yaml",
                             playlist=project / "playlists" / "e2e.yaml", journal=journal, headless=True),
                  clock=FakeClock())
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None)
    with kiosk.opened() as loop:
        loop.step(0.0)
        damaged = kiosk.journal

        def broken(*args, **kwargs):
            raise JournalError("the journal file is damaged", damaged=True)

        damaged._append = broken  # the next write finds the file damaged (a bad sector under it)
        kiosk.events.put(TeacherCommand(Command.NEXT))  # the teacher's remote: records to write
        loop.step(1.0)
        loop.step(1.3)
        seen = loop.view
        assert kiosk.journal is not damaged
        assert loop.engine.journal_health is not JournalHealth.FULL
    assert seen.toast == JOURNAL_SET_ASIDE and seen.toast != DISK_FULL
    [aside] = [p for p in project.glob("j.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    (before,) = rows(aside, "SELECT MAX(seq) FROM records")[0]
    assert before > 200 and "session.started" in [k for (k,) in rows(aside, "SELECT kind FROM records")]
    seqs = [s for (s,) in rows(journal, "SELECT seq FROM records ORDER BY seq")]
    assert seqs[0] == before + 1 and seqs == list(range(before + 1, before + 1 + len(seqs)))
    kinds = [k for (k,) in rows(journal, "SELECT kind FROM records ORDER BY seq")]
    assert "item.ended" in kinds and "journal.trouble" in kinds
