"""Merging journals and bundles into one report: every record once, in each kiosk's own order."""

import json
import sqlite3
import subprocess
import sys

import pytest

from cinema.core.events import Record
from cinema.journal import Journal
from cinema.journal.bundle import export_bundle
from cinema.reports.build import iter_records, report_from_paths
from tests.reports.journals import DAY, join_bundle, lesson, split_bundle, two_lessons

KEY = b"k" * 32
NOW = 1.8e9


def report(paths, keys=(KEY,), detail=True, workers=1):
    return report_from_paths(paths, keys, detail=detail, now=NOW, workers=workers)


def test_totals_sessions_and_items(tmp_path):
    r = report([two_lessons(tmp_path / "j.sqlite")])
    assert r.totals == {"sessions": 2, "attendance": 5, "answers": 4, "checkins": 5, "items_played": 7,
                        "items_failed": 1, "records": r.totals["records"], "take_home": 0}
    first, second = r.sessions
    assert (first.title, first.subject, first.outcome, first.attendance) == ("Water", "science", "completed", 3)
    assert [(i.item, i.status) for i in second.items] == [("att", "played"), ("film", "failed"),
                                                          ("quiz", "played"), ("feel", "played")]
    assert second.items[1].reason == "damaged file" and second.items_failed == 1
    assert first.minutes == round(460 / 60, 1) and first.min_battery == 61.0


def test_passport_quiz_and_wellbeing(tmp_path):
    r = report([two_lessons(tmp_path / "j.sqlite")])
    l1 = next(lr for lr in r.learners if lr.learner_id == "L1")
    assert l1.lessons == ["Water", "Plants"] and l1.subjects == {"science": 1, "biology": 1}
    assert (l1.answered, l1.correct, l1.quizzes) == (2, 2, {"water-quiz": [2, 2]})
    (q,) = r.questions
    assert (q.prompt, q.correct_key, q.asked, q.answered, q.right, q.tally) == (
        "Where does rain come from?", "A", 2, 4, 3, {"A": 3, "B": 1})
    # 3 and 2 answers: fewer than 5, so no counts (no child singled out)
    assert [(c.counts, c.few_answers) for c in r.checkins] == [(None, True), (None, True)]


def test_wellbeing_counts_only_with_five_answers_or_more_in_json_too(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k1")
    lesson(j, "s1", wall=1.79e9, learners=["L1"], faces=[1, 1, 4])  # two very sad of three: would single out
    lesson(j, "s2", wall=1.79e9 + DAY, learners=["L1"], faces=[1, 2, 4, 5, 5])
    j.close()
    rows = report([tmp_path / "j.sqlite"]).as_json()["checkins"]
    assert [(c["counts"], c["few_answers"]) for c in rows] == [(None, True), ([1, 1, 0, 1, 2], False)]


def test_summary_only_counts_the_same_as_the_full_report(tmp_path):
    path = two_lessons(tmp_path / "j.sqlite")
    assert report([path], detail=False).totals == report([path]).totals


def test_last_answer_counts_and_changed_votes_move(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k1")
    lesson(j, "s1", wall=1.79e9, learners=["L1"], answers={"L1": "B"}, faces=[1, 3, 3, 3, 3])  # 5: counts shown
    j.append("s1", [Record("answer.changed", {"index": 2, "item": "quiz", "activity": "water-quiz", "question": 0,
                                              "key": "A", "correct": True, "learner_id": "L1", "clicker": "CL1",
                                              "replaces": "B"}),
                    Record("checkin.changed", {"index": 3, "item": "feel", "face": 5, "replaces": 1})], 1.79e9, 999)
    j.close()
    r = report([tmp_path / "j.sqlite"])
    assert r.totals["answers"] == 1 and r.questions[0].tally == {"A": 1} and r.learners[0].correct == 1
    assert r.totals["checkins"] == 5 and r.checkins[0].counts == [0, 0, 4, 0, 1]


def test_same_bundle_twice_and_journal_with_its_bundle_change_nothing(tmp_path):
    path = two_lessons(tmp_path / "j.sqlite")
    bundle = export_bundle(path, tmp_path / "b.lcb", (KEY,)).path
    once = report([bundle])
    again = report([bundle, bundle, path])
    assert again.totals == once.totals and len(again.sessions) == len(once.sessions)
    assert [s.status for s in again.sources] == ["ok", "repeated", "repeated"]
    assert list(iter_records([bundle, path], (KEY,))) == list(iter_records([path], (KEY,)))


def test_bundles_in_any_order_join_into_one_sequence(tmp_path):
    path = tmp_path / "j.sqlite"
    j = Journal(path, "k1")
    lesson(j, "s1", wall=1.79e9, learners=["L1"], end=None)  # the export happens during a lesson
    j.close()
    early = export_bundle(path, tmp_path / "early.lcb", (KEY,)).path
    j = Journal(path, "k1")
    j.append("s1", [Record("item.ended", {"index": 3, "item": "feel", "type": "checkin", "reason": "next"}),
                    Record("session.ended", {"reason": "completed"})], 1.79e9 + 500, 600)
    lesson(j, "s2", wall=1.79e9 + DAY, learners=["L2"])
    j.close()
    late = export_bundle(path, tmp_path / "late.lcb", (KEY,)).path
    r = report([late, early])
    assert [s.session_id for s in r.sessions] == ["s1", "s2"]
    assert r.sessions[0].outcome == "completed" and r.kiosks[0].missing_seqs == 0
    seqs = [rec["seq"] for rec in iter_records([late, early], (KEY,))]
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_missing_bundle_is_named(tmp_path):
    path = tmp_path / "j.sqlite"
    j = Journal(path, "k1")
    lesson(j, "s1", wall=1.79e9, learners=["L1"])
    j.close()
    export_bundle(path, tmp_path / "first.lcb", (KEY,))
    j = Journal(path, "k1")
    lesson(j, "s2", wall=1.79e9 + DAY, learners=["L2"])
    j.close()
    second = export_bundle(path, tmp_path / "second.lcb", (KEY,))
    r = report([second.path])
    assert r.kiosks[0].missing_seqs == second.first_seq - 1
    assert any("missing" in p and "k1" in p for p in r.problems)


def test_wrong_wall_clocks_are_shown_but_order_follows_sequence(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k1")
    lesson(j, "monday", wall=1.79e9, learners=["L1"])
    lesson(j, "tuesday", wall=946684800.0, learners=["L1"])  # the clock was reset to 2000-01-01
    lesson(j, "wednesday", wall=1.79e9 - 30 * DAY, learners=["L1"])  # ...then set a month wrong
    j.close()
    r = report([tmp_path / "j.sqlite"])
    assert [s.session_id for s in r.sessions] == ["monday", "tuesday", "wednesday"]
    assert [s.clock_suspect for s in r.sessions] == [False, True, True]
    assert r.kiosks[0].clock_suspect == 2 and any("clock" in p for p in r.problems)


def test_many_kiosks_in_parallel_give_the_same_report(tmp_path):
    paths = [two_lessons(tmp_path / f"k{i}.sqlite", kiosk=f"k{i}") for i in range(4)]
    one = report(paths, workers=1)
    two = report(paths, workers=2)
    assert one.as_json() == two.as_json()
    assert [k.kiosk_id for k in one.kiosks] == ["k0", "k1", "k2", "k3"] and one.totals["sessions"] == 8
    l1 = next(lr for lr in one.learners if lr.learner_id == "L1")
    assert l1.kiosks == ["k0", "k1", "k2", "k3"] and len(l1.sessions) == 8


def test_two_laptops_with_one_kiosk_id_are_kept_apart(tmp_path):
    a = two_lessons(tmp_path / "a.sqlite", kiosk="school")
    b = two_lessons(tmp_path / "b.sqlite", kiosk="school")  # same id, different records
    r = report([a, b])
    assert [k.kiosk_id for k in r.kiosks] == ["school", "school~2"] and r.totals["sessions"] == 4
    assert any("Two laptops" in p for p in r.problems)


def test_tampered_bundle_is_refused_and_the_good_ones_still_count(tmp_path):
    good = export_bundle(two_lessons(tmp_path / "a.sqlite", kiosk="a"), tmp_path / "a.lcb", (KEY,)).path
    other = export_bundle(two_lessons(tmp_path / "b.sqlite", kiosk="b"), tmp_path / "b.lcb", (KEY,)).path
    db_bytes, manifest, signature = split_bundle(other)
    (tmp_path / "x.sqlite").write_bytes(db_bytes)
    db = sqlite3.connect(tmp_path / "x.sqlite")
    db.execute("DELETE FROM records WHERE kind = 'item.failed'")  # hide a failure
    db.commit()
    db.close()
    bad = join_bundle(tmp_path / "bad.lcb", (tmp_path / "x.sqlite").read_bytes(), manifest, signature)
    r = report([good, bad])
    assert [s.status for s in r.sources] == ["ok", "refused"] and "checksum" in r.sources[1].reason
    assert r.totals["sessions"] == 2 and [k.kiosk_id for k in r.kiosks] == ["a"]


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "cinema", *map(str, args)], capture_output=True, text=True, env=env)


def test_cli_export_then_report(tmp_path):
    journal = two_lessons(tmp_path / "j.sqlite")
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"version": 1, "keys": [{"key": "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=",
                                                         "created": "2026-01-01", "valid_until": None}]}))
    out = run("export", "--journal", journal, "--keys", keys, "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    (bundle,) = tmp_path.glob("*.lcb")
    again = run("export", "--journal", journal, "--keys", keys, "-o", tmp_path)
    assert again.returncode == 1 and "nothing new" in again.stderr and "Traceback" not in again.stderr
    out = run("report", bundle, bundle, "--keys", keys, "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["totals"]["sessions"] == 2 and "already given" in out.stderr
    unsigned_check = run("report", bundle, "--keys", tmp_path / "missing.json", "--json")
    assert unsigned_check.returncode == 1 and "card key file is missing" in unsigned_check.stderr
    nothing = run("report", tmp_path / "nope.lcb", "--json")
    assert nothing.returncode == 1 and "no such file" in nothing.stderr
    records = run("report", journal, "--records")
    lines = [json.loads(x) for x in records.stdout.splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, len(lines) + 1))


def test_cli_csv_tables(tmp_path):
    journal = two_lessons(tmp_path / "j.sqlite")
    out = run("report", journal, "--csv", tmp_path / "csv")
    assert out.returncode == 0, out.stderr
    sessions = (tmp_path / "csv" / "sessions.csv").read_bytes()
    assert sessions.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for UTF-8
    assert len(sessions.decode("utf-8-sig").splitlines()) == 3
    attendance = (tmp_path / "csv" / "attendance.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(attendance) == 1 + 5


def test_a_bundle_cut_short_on_the_usb_stick_is_refused_not_read_in_part(tmp_path):
    bundle = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "week 3 #1.lcb", (KEY,)).path
    data = bundle.read_bytes()
    cut = tmp_path / "cut.lcb"
    cut.write_bytes(data[: len(data) * 2 // 3])
    r = report([bundle, cut])
    assert [s.status for s in r.sources] == ["ok", "refused"] and "cut short" in r.sources[1].reason
    assert r.totals["sessions"] == 2


def test_cli_xapi_file_twice_gives_the_same_statements(tmp_path):
    journal = two_lessons(tmp_path / "j.sqlite")
    for name in ("a.jsonl", "b.jsonl"):
        out = run("report", journal, "--xapi", tmp_path / name)
        assert out.returncode == 0, out.stderr
    first = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    again = [json.loads(x) for x in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert first and [s["id"] for s in first] == [s["id"] for s in again]
    verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in first}
    assert {"attended", "answered", "completed"} <= verbs


def test_a_damaged_payload_does_not_stop_the_report(tmp_path):
    path = two_lessons(tmp_path / "j.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE records SET payload = '{\"learner_id\": ' WHERE kind = 'attendance.scanned' AND seq = "
               "(SELECT MIN(seq) FROM records WHERE kind = 'attendance.scanned')")
    db.execute("UPDATE records SET payload = 'null' WHERE kind = 'session.ended'")
    db.commit()
    db.close()
    r = report([path])
    assert r.totals["sessions"] == 2 and len(r.sessions[0].learners) == 2  # the damaged scan is left out


def test_a_journal_on_a_read_only_stick_is_read(tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(stick)], capture_output=True).returncode:
        pytest.skip("a read-only stand-in stick needs root (mount -t tmpfs)")
    try:
        two_lessons(stick / "j.sqlite")
        db = sqlite3.connect(stick / "j.sqlite")
        db.execute("PRAGMA journal_mode=WAL")  # as a kiosk leaves it
        db.close()
        for leftover in stick.glob("j.sqlite-*"):
            leftover.unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
        r = report([stick / "j.sqlite"])
        assert [s.status for s in r.sources] == ["ok"] and r.totals["sessions"] == 2
    finally:
        subprocess.run(["umount", "-l", str(stick)], capture_output=True)
