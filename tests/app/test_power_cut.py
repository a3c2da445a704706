"""A kiosk killed with SIGKILL mid-session loses no traced record and resumes where it was."""

import json
import signal
import sqlite3
import subprocess

from tests.app.kiosk_project import ROOT, cinema_cmd, run_kiosk


def journal_ids(path):
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT id FROM records")}
    finally:
        db.close()


def kinds(path):
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT kind FROM records ORDER BY seq")]
    finally:
        db.close()


def test_a_whole_session_runs_headless_with_a_simulated_class(project):
    out = run_kiosk(project, "--simulate-class", "6", "--speed", "20", "--exit-at-end", "--trace")
    assert out.returncode == 0, out.stderr
    traced = [json.loads(line) for line in out.stdout.splitlines()]
    seen = [t["kind"] for t in traced]
    assert seen[0] == "session.started" and seen[-1] == "session.ended"
    assert seen.count("attendance.scanned") == 6  # the two late children are counted too
    assert "answer.recorded" in seen and "checkin.recorded" in seen, " ".join(seen)
    assert [t["seq"] for t in traced] == sorted(t["seq"] for t in traced)


def test_sigkill_loses_no_traced_record_and_resume_continues(project):
    journal = project / "j.sqlite"
    proc = subprocess.Popen(cinema_cmd(project, "--simulate-class", "8", "--speed", "10", "--trace"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    traced = []
    try:
        for line in proc.stdout:
            traced.append(json.loads(line))
            if traced[-1]["kind"] == "answer.recorded" and len(traced) > 20:
                proc.send_signal(signal.SIGKILL)  # the power button, in the middle of a quiz
                break
    finally:
        proc.kill()
        proc.wait(10)
    assert traced, "the kiosk traced nothing"
    on_disk = journal_ids(journal)
    lost = [t for t in traced if t["id"] not in on_disk]
    assert lost == []
    last_item = max(t["seq"] for t in traced if t["kind"] == "item.started")

    out = run_kiosk(project, "--resume", "--simulate-class", "8", "--speed", "20", "--exit-at-end", "--trace")
    assert out.returncode == 0, out.stderr
    after = [json.loads(line) for line in out.stdout.splitlines()]
    assert after[0]["kind"] == "session.resumed"
    db = sqlite3.connect(journal)
    (index_before,) = db.execute("SELECT json_extract(payload, '$.index') FROM records WHERE seq = ?",
                                 (last_item,)).fetchone()
    (index_after,) = db.execute("SELECT json_extract(payload, '$.index') FROM records WHERE id = ?",
                                (after[1]["id"],)).fetchone()
    sessions = {row[0] for row in db.execute("SELECT session_id FROM records")}
    db.close()
    assert index_after == index_before  # the same item, not the start of the lesson
    assert len(sessions) == 1  # the same session goes on
    assert kinds(journal)[-1] == "session.ended"
