"""The first report: totals from journals, merged without duplicates, ordered by sequence."""

import json
import subprocess
import sys

from cinema.core.events import Record
from cinema.journal import Journal
from cinema.reports.summary import merge, read_journal, summarise


def make_journal(path, kiosk):
    j = Journal(path, kiosk)
    j.append("s1", [Record("session.started", {"playlist": "demo", "title": "Demo"}),
                    Record("item.started", {"index": 0})], wall=1.5e9, mono=1)
    j.append("s1", [Record("attendance.scanned", {"learner_id": "L1"}),
                    Record("answer.recorded", {"index": 1, "question": 0, "clicker": "c1", "key": "A"}),
                    Record("answer.recorded", {"index": 1, "question": 0, "clicker": "c1", "key": "B"}),
                    Record("answer.recorded", {"index": 1, "question": 0, "clicker": "c2", "key": "B"}),
                    Record("checkin.recorded", {"face": 2, "replaces": None}),
                    Record("checkin.recorded", {"face": 3, "replaces": 2}),
                    Record("item.ended", {"index": 0}), Record("item.failed", {"index": 1}),
                    Record("session.ended", {"reason": "completed"})], wall=1.2e9, mono=2)  # clock went back
    j.close()


def test_totals_count_final_answers_and_voters(tmp_path):
    make_journal(tmp_path / "a.sqlite", "k1")
    summary = summarise(merge([read_journal(tmp_path / "a.sqlite")]))
    assert summary["totals"] == {"sessions": 1, "attendance": 1, "answers": 2, "checkins": 1,
                                 "items_played": 1, "items_failed": 1, "records": 11}


def test_same_journal_twice_changes_nothing_and_order_follows_sequence(tmp_path):
    make_journal(tmp_path / "a.sqlite", "k1")
    once = merge([read_journal(tmp_path / "a.sqlite")])
    twice = merge([read_journal(tmp_path / "a.sqlite"), read_journal(tmp_path / "a.sqlite")])
    assert once == twice
    assert [r["seq"] for r in twice] == sorted(r["seq"] for r in twice)


def test_cli_report_json_and_records(tmp_path):
    make_journal(tmp_path / "a.sqlite", "k1")
    make_journal(tmp_path / "b.sqlite", "k2")
    out = subprocess.run([sys.executable, "-m", "cinema", "report", str(tmp_path / "a.sqlite"),
                          str(tmp_path / "b.sqlite"), "--json"], capture_output=True, text=True, check=True)
    totals = json.loads(out.stdout)["totals"]
    assert totals["sessions"] == 2 and totals["answers"] == 4
    out = subprocess.run([sys.executable, "-m", "cinema", "report", str(tmp_path / "a.sqlite"), "--records"],
                         capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 11 and lines[0]["kind"] == "session.started"


def test_cli_report_bad_input_is_one_line_not_a_traceback(tmp_path):
    bad = tmp_path / "junk.sqlite"
    bad.write_text("not a journal")
    out = subprocess.run([sys.executable, "-m", "cinema", "report", str(bad), "--json"], capture_output=True,
                         text=True)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "junk.sqlite" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
