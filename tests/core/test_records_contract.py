"""The contract between the engine and every reader of its journal: what the real engine writes is
the typed vocabulary, field for field, and the fold, the report, the CSV and xAPI agree on it.
A new record kind fails here until each consumer says what it does with it."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from cinema.core.records import RecordFold, RecordKind, Unknown, parse
from cinema.journal import Journal
from cinema.reports import build, csv_out, xapi
from cinema.reports.build import iter_records, report_from_paths
from tests.reports.engine_lessons import a_day_at_the_home_screen, after_a_power_cut, cut_short, demo_lesson

ALL = frozenset(RecordKind)
XAPI_SESSION = "https://learningcinema.org/xapi/extensions/session"


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    """The demo lesson in full, one resumed after a power cut, one whose resume was declined."""
    path = tmp_path_factory.mktemp("contract") / "journal.sqlite"
    j = Journal(path, "kiosk-1")
    demo_lesson(j)
    a_day_at_the_home_screen(j)
    cut_short(j, "cut-then-resumed", learners=("L1", "L2", "L3"))
    after_a_power_cut(j, "cut-then-resumed", resume=True)
    cut_short(j, "cut-then-declined")
    after_a_power_cut(j, "cut-then-declined", resume=False)
    j.close()
    return path


@pytest.fixture(scope="module")
def stored(journal) -> list:
    return list(Journal(journal, "kiosk-1").records())


# ---- (a) the engine writes the vocabulary ----------------------------------------------------------

def test_the_engine_writes_every_kind_and_only_known_kinds(stored):
    kinds = Counter(r.kind for r in stored)
    assert set(kinds) == {k.value for k in ALL}, "drive the engine to every kind, or remove the kind"


def test_every_record_reads_into_its_payload_with_nothing_lost(stored):
    for r in stored:
        typed = parse(r.kind, r.payload)
        assert not isinstance(typed, Unknown), r.kind
        assert typed.KIND == r.kind
        assert typed.to_json() == r.payload, f"{r.kind}: a field was lost or changed"
        assert type(typed).from_json(typed.to_json()) == typed


# ---- (b) the readers agree -----------------------------------------------------------------------

def folds(stored) -> dict[str, RecordFold]:
    out: dict[str, RecordFold] = {}
    for r in stored:
        if r.session_id:  # records of no session (the home screen's, exports) are no lesson's
            out.setdefault(r.session_id, RecordFold()).add(r.kind, r.payload)
    return out


def test_report_and_fold_agree_on_answers_attendance_and_check_ins(journal, stored):
    f = folds(stored)
    report = report_from_paths([journal], detail=True, now=1.8e9, workers=1)
    # Attendance: each session's children, once, in order of arrival.
    assert {s.session_id: tuple(s.learners) for s in report.sessions} == {sid: x.attendance for sid, x in f.items()}
    # Quizzes: the chart of final answers per question (a vote per handset or card) ...
    tally: Counter = Counter()
    for x in f.values():
        tally.update((a.activity, a.question, a.key) for a in x.answers)
    assert {(q.activity, q.question, k): n for q in report.questions for k, n in q.tally.items()} == dict(tally)
    # ... and each child's own final answers.
    per_learner: Counter = Counter()
    right: Counter = Counter()
    for x in f.values():
        for a in x.learner_answers().values():
            per_learner[a.learner_id] += 1
            right[a.learner_id] += a.correct is True
    assert {lr.learner_id: (lr.answered, lr.correct) for lr in report.learners if lr.answered} == {
        lid: (n, right[lid]) for lid, n in per_learner.items()}
    # Check-ins: the faces after every change; with fewer than 5 answers the report shows none
    # (no child can be singled out), and says so.
    checkins = {(c.session_key.split("/", 1)[1], tuple(c.counts) if c.counts is not None else "few")
                for c in report.checkins}
    assert checkins == {(sid, counts if sum(counts) >= 5 else "few")
                        for sid, x in f.items() for counts in x.checkins.values()}
    assert any(counts != (0, 0, 0, 0, 0) for x in f.values() for counts in x.checkins.values())


def test_xapi_and_fold_agree_on_each_childs_final_answers_and_attendance(journal, stored):
    f = folds(stored)
    tally = xapi.Tally()
    stmts = list(xapi.statements(iter_records([journal]), program="LC-TEST", tally=tally))
    said = {(st["context"]["extensions"][XAPI_SESSION], st["object"]["id"].rsplit("/activity/", 1)[1],
             st["actor"]["account"]["name"]): (st["result"]["response"], st["result"].get("success"))
            for st in stmts if st["verb"]["display"]["en-US"] == "answered"}
    expected = {(sid, f"{a.activity}/question/{a.question + 1}", a.learner_id): (a.key, a.correct)
                for sid, x in f.items() for a in x.learner_answers().values()}
    assert said == expected and len(said) > 5
    voided = {st["object"]["id"] for st in stmts if st["verb"]["display"]["en-US"] == "voided"}
    assert voided  # the demo's slip: a mark by hand taken back voids its "attended"
    attended = Counter(st["context"]["extensions"][XAPI_SESSION] for st in stmts
                       if st["verb"]["display"]["en-US"] == "attended" and st["id"] not in voided)
    assert attended == {sid: len(x.attendance) for sid, x in f.items() if x.attendance}
    anonymous = sum(1 for x in f.values() for a in x.answers if a.learner_id is None)
    assert tally.anonymous_answers == anonymous > 0
    assert tally.checkins == sum(r.kind == "checkin.recorded" for r in stored)


# ---- (c) every consumer names every kind ----------------------------------------------------------

CONSUMERS = {
    "resume fold": (RecordFold.HANDLED, RecordFold.IGNORED),
    "report": (build.HANDLED_KINDS, frozenset(build.IGNORED_KINDS)),
    "CSV": (frozenset(k for kinds in csv_out.TABLE_KINDS.values() for k in kinds), frozenset(csv_out.IGNORED_KINDS)),
    "xAPI": (xapi.HANDLED_KINDS, xapi.IGNORED_KINDS),
}


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_every_consumer_handles_or_deliberately_ignores_every_kind(consumer):
    handled, ignored = CONSUMERS[consumer]
    assert not handled & ignored, f"{consumer}: both handled and ignored: {sorted(handled & ignored)}"
    assert handled | ignored == ALL, f"{consumer} says nothing about {sorted(ALL - handled - ignored)}"


def test_each_csv_table_shows_the_kinds_it_claims(journal, stored, tmp_path):
    report = report_from_paths([journal], detail=True, now=1.8e9, workers=1)
    csv_out.write_csv(report, tmp_path)
    present = {r.kind for r in stored}
    for table, kinds in csv_out.TABLE_KINDS.items():
        with open(tmp_path / table, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        assert rows or not present & set(kinds), f"{table} is empty though the journal has {set(kinds) & present}"
