"""Build the supervisor's Report from merged sources, one kiosk at a time, in bounded memory.

Speed comes from letting SQLite count: records per session and kind come from the
(session_id, kind) index without reading a payload; only the records a report shows one by one
(sessions, items, attendance, check-ins, power and device events, and in a full report the
answers) are read and parsed. Kiosks are independent, so they are read in parallel processes.
"""

from __future__ import annotations

import gc
import json
import math
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from cinema.core.records import (
    AttendanceRefused, CheckinCalmAccepted, CheckinClosed, DeviceConnected, DeviceLost, DeviceNoise, ExportFailed,
    ExportMade, ItemEnded, JournalTrouble, ItemFailed, ItemSkipped, ItemStarted, Payload, PowerAction, PowerReadingRecord,
    PowerSavingRecord,
    QuestionClosed, RecordFold, RecordKind, ScreenDimmed, SessionAbandoned, SessionEnded, SessionResumed,
    SessionStarted, TakeHomeDownloaded, Unknown, item_index, parse,
)
from cinema.core.records import MediaDecoding
from cinema.locale.runtime import gettext as _
from cinema.reports.merge import Plan, Segment, plan_merge
from cinema.reports.model import (CheckinRow, EventRow, ItemRow, KioskRow, LearnerRow, NoiseRow, QuestionRow, Report,
                                  SessionRow, SourceInfo, TakeHomeRow, TOTAL_FIELDS)
from cinema.reports.sources import Source, connect, has, open_sources

K = RecordKind
# Records read one by one for a summary: sessions and their items (a few percent of all records).
SESSION_RECORD_KINDS = (K.SESSION_STARTED, K.SESSION_RESUMED, K.SESSION_ENDED, K.SESSION_ABANDONED)
ITEM_KINDS = (K.ITEM_STARTED, K.ITEM_ENDED, K.ITEM_SKIPPED, K.ITEM_FAILED)
SESSION_KINDS = SESSION_RECORD_KINDS + ITEM_KINDS
EVENT_KINDS = (K.ITEM_FAILED, K.POWER_ACTION, K.POWER_SAVING, K.DEVICE_CONNECTED, K.DEVICE_LOST, K.ATTENDANCE_REFUSED,
               K.SESSION_ABANDONED, K.EXPORT_MADE, K.EXPORT_FAILED, K.JOURNAL_TROUBLE, K.DEVICE_NOISE,
               K.MEDIA_DECODING)
# The kiosk's own troubles (a full disk, a device sending junk): few (one a minute at most), read for
# a summary too, so that `cinema report --json` says them per session.
TROUBLE_KINDS = (K.JOURNAL_TROUBLE, K.DEVICE_NOISE, K.TAKE_HOME)  # (and take-home downloads: few, per lesson)
# ...and for a full report, everything else but answers, attendance and check-in votes (the many).
STRUCTURE_KINDS = tuple(dict.fromkeys(SESSION_KINDS + (
    K.QUESTION_CLOSED, K.CHECKIN_CLOSED, K.CHECKIN_CALM_ACCEPTED, K.POWER_READING, K.TAKE_HOME) + EVENT_KINDS))
# The many, read in a full report and folded per session (final answers, attendance, check-in counts).
ANSWER_KINDS = RecordFold.ANSWER_KINDS
ATTENDANCE_KINDS = RecordFold.ATTENDANCE_KINDS
CHECKIN_KINDS = RecordFold.CHECKIN_KINDS
# Kinds counted per session (and in the totals) from the counts alone: kind -> SessionRow field.
# A changed answer or vote is its own kind, and the kiosk journals a child once per session, so
# these counts are what the fold would give for the kiosk's own records (the engine counts alike).
COUNTED = {K.ANSWER_RECORDED: "answers", K.CHECKIN_RECORDED: "checkins", K.ITEM_ENDED: "items_played",
           K.ITEM_FAILED: "items_failed", K.ITEM_SKIPPED: "items_skipped", K.ATTENDANCE_SCANNED: "attendance"}
# Kinds that take a count back: a mark by hand undone (the engine undoes only a mark it journaled, so
# scanned minus undone is the children present, as the fold says).
UNCOUNTED = {K.ATTENDANCE_UNDONE: "attendance"}
# Kept in the journal for the kiosk, not shown in a report (only counted among its records).
IGNORED_KINDS = (K.ITEM_PAUSED, K.ITEM_RESUMED, K.MEDIA_SEEKED, K.HANDSET_PAIRED, K.PIN_REFUSED,
                 K.PIN_CHANGED, K.KEYBOARD_LOCKED, K.KEYBOARD_UNLOCKED)
IGNORED_KINDS += (K.LESSON_CHOSEN, K.KIOSK_LANGUAGE, K.DAY_ENDED)  # the home screen's own doings
IGNORED_KINDS += (K.DISPLAY_CHANGED,)  # which screens the kiosk drew on: the kiosk's business, not the class's
IGNORED_KINDS += (K.HUB_NOTE, K.HUB_COMMAND)  # the hub's doings and a teacher phone's commands: the kiosk's log
HANDLED_KINDS = (frozenset(STRUCTURE_KINDS + ANSWER_KINDS + ATTENDANCE_KINDS + CHECKIN_KINDS) | set(COUNTED)
                 | set(UNCOUNTED))
_EVENT = frozenset(k.value for k in EVENT_KINDS)  # plain strings: tested once per record
_SESSION = frozenset(k.value for k in SESSION_KINDS)
_CHECKIN = frozenset(k.value for k in CHECKIN_KINDS)
ITEM_STATUS = {K.ITEM_ENDED: "played", K.ITEM_SKIPPED: "skipped", K.ITEM_FAILED: "failed"}
MAX_EVENTS = 5000  # events listed one by one in a report; all are counted
MAX_TAKE_HOME_ROWS = 500  # (lesson, file) rows per kiosk
MAX_NOISY_DEVICES = 20  # devices summed per session: a hostile journal cannot grow a session without bound
EARLIEST_PLAUSIBLE = 1577836800.0  # 2020-01-01: a laptop clock before this has been reset
Progress = Callable[[int, int], None]  # (records done, records in all)


# ---- one kiosk ----------------------------------------------------------------------


@dataclass
class KioskPart:
    """What one kiosk contributes; learners and questions are added up across kiosks afterwards."""

    row: KioskRow
    sessions: list[SessionRow] = field(default_factory=list)
    checkins: list[CheckinRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    events_total: dict[str, int] = field(default_factory=dict)
    learners: dict[str, LearnerRow] = field(default_factory=dict)
    questions: dict[tuple[str, int], QuestionRow] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=lambda: {k: 0 for k in TOTAL_FIELDS})
    take_home: dict[tuple[str, str], int] = field(default_factory=dict)  # (playlist, file) -> downloads


def _where(seg: Segment) -> tuple[str, tuple]:
    # Filtering by kiosk id would make SQLite read every row; only needed in a mixed file.
    if seg.other_kiosks:
        return "seq BETWEEN ? AND ? AND kiosk_id = ?", (seg.lo, seg.hi, seg.kiosk_id)
    return "seq BETWEEN ? AND ?", (seg.lo, seg.hi)


def _rows(db: sqlite3.Connection, kinds: tuple[str, ...], seg: Segment, payload: bool = True) -> list[tuple]:
    marks = ",".join("?" * len(kinds))
    where, args = _where(seg)
    column = "payload" if payload else "'{}'"
    rows = db.execute(f"SELECT seq, session_id, wall, mono, kind, {column} FROM records INDEXED BY records_kind"
                      f" WHERE kind IN ({marks}) AND {where}", (*kinds, *args)).fetchall()
    rows.sort()
    return rows




_scan_json = json.JSONDecoder().scan_once  # json.loads less its wrapper: 40 % less time per record


def _payload(text: str) -> dict[str, Any]:
    """A record's payload; a damaged one reads as empty rather than stopping the report."""
    if text == "{}":
        return {}
    try:
        value = _scan_json(text, 0)[0]
    except (StopIteration, ValueError, TypeError, RecursionError):  # a hand-made payload nested past any limit
        return {}
    return value if isinstance(value, dict) else {}


def _bounded(value: object, top: float) -> Any:
    """A count or a length of time from a record, as a number between 0 and `top` (a hostile or
    damaged record cannot make the report say a negative, infinite or absurd amount)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0
    return min(max(value, 0), top)


class _KioskScan:
    def __init__(self, label: str, detail: bool, now: float) -> None:
        self.part = KioskPart(KioskRow(label))
        self.detail = detail
        self.now = now
        self.sessions: dict[str, SessionRow] = {}
        self.item_rows: dict[str, dict[int, ItemRow]] = {}  # session -> item index -> latest row
        self.run_start: dict[str, float] = {}  # session -> monotonic time its current run started
        self.run_last: dict[str, float] = {}
        self.checkin_rows: dict[tuple[str, int], CheckinRow] = {}
        self.full_since: dict[str, float] = {}  # session -> monotonic time its disk filled up
        self.last_mono: dict[str, float] = {}  # session -> its latest record read one by one
        self.folds: dict[str, RecordFold] = {}  # session -> its answers, attendance and check-in votes
        self.last_wall: float | None = None

    def session(self, sid: str, seq: int) -> SessionRow:
        row = self.sessions.get(sid)
        if row is None:
            label = self.part.row.kiosk_id
            row = self.sessions[sid] = SessionRow(f"{label}/{sid}", label, sid, seq, seq)
            self.part.sessions.append(row)
        return row

    # -- counting from the index --

    def count(self, db: sqlite3.Connection, seg: Segment) -> None:
        totals = self.part.totals
        where, args = _where(seg)
        if seg.whole and has(db, "table", "session_counts") and db.execute(
                "SELECT COALESCE(SUM(n), 0) FROM session_counts").fetchone()[0] == seg.size:
            # A file read whole: the counts kept as the records were written (or made at export).
            # (A kiosk still writing adds records after the report began; then count the range.)
            query, args = "SELECT session_id, kind, n, min_seq, max_seq FROM session_counts", ()
        else:
            # Journals older than schema 2 lack the index (a kiosk adds it when it next starts).
            hint = "INDEXED BY records_session_kind" if has(db, "index", "records_session_kind") else ""
            query = (f"SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records {hint}"
                     f" WHERE {where} GROUP BY session_id, kind")
        for sid, kind, n, lo, hi in db.execute(query, args):
            totals["records"] += n
            if kind in _EVENT:
                self.part.events_total[kind] = self.part.events_total.get(kind, 0) + n
            if not sid:
                continue  # records of no session (exports)
            row = self.session(sid, lo)
            row.first_seq, row.last_seq = min(row.first_seq, lo), max(row.last_seq, hi)
            field_name, sign = (COUNTED[kind], 1) if kind in COUNTED else (UNCOUNTED.get(kind), -1)
            if field_name is not None:
                setattr(row, field_name, getattr(row, field_name) + sign * n)
                if field_name in totals:
                    totals[field_name] += sign * n

    # -- records read one by one --

    def structure(self, rows: list[tuple]) -> None:
        for seq, sid, wall, mono, kind, text in rows:
            if not self.detail and kind.startswith("item."):
                if sid in self.run_start:
                    self.run_last[sid] = mono
                continue  # a summary takes item counts from the index, and only their times from here
            p = parse(kind, _payload(text))
            if kind in _EVENT:
                self.event(seq, sid, wall, kind, p)
            if isinstance(p, TakeHomeDownloaded):
                self.take_home(p)  # journaled in a lesson or at home: the payload names the lesson
                continue
            if not sid:
                continue
            s = self.session(sid, seq)
            self.last_mono[sid] = mono
            if sid in self.run_start and kind in _SESSION:  # the same records in a summary or in full
                self.run_last[sid] = mono
            self.apply(s, seq, wall, mono, p)

    def apply(self, s: SessionRow, seq: int, wall: float, mono: float, p: Payload | Unknown) -> None:
        """What one record of a session's structure changes in the report."""
        sid = s.session_id
        match p:
            case SessionStarted():
                s.playlist, s.title, s.subject, s.language = p.playlist, p.title, p.subject, p.language
                s.started_wall = wall
                s.clock_suspect = self._suspect(wall)
                self._new_run(s, mono)
            case SessionResumed():
                s.resumed += 1
                self._new_run(s, mono)
            case SessionEnded():
                s.outcome = "completed" if p.reason == "completed" else "ended"
                s.ended_wall = wall
                self._close_run(sid)
            case SessionAbandoned():
                old = self.sessions.get(p.session)
                if old is not None and old.outcome == "unfinished":
                    old.outcome = "abandoned"
            case ItemStarted():
                item = ItemRow(p.index, p.item, p.title or "", p.type, "started")
                s.items.append(item)
                self.item_rows.setdefault(sid, {})[item.index] = item
            case ItemEnded() | ItemSkipped() | ItemFailed():
                item = self.item_rows.get(sid, {}).get(p.index)
                if item is not None:
                    item.status = ITEM_STATUS[p.KIND]
                    item.seconds = p.seconds if isinstance(p, (ItemEnded, ItemSkipped)) else None
                    item.reason = p.reason if isinstance(p, ItemFailed) else ""
            case QuestionClosed():
                q = self.question(p.activity, p.question)
                q.asked += 1
                q.prompt = q.prompt or p.prompt
                q.correct_key = p.correct if q.correct_key is None else q.correct_key
                if not self.detail:  # a full report counts the answers themselves
                    q.answered += p.answered
                    for key, n in p.tally.items():
                        q.tally[key] = q.tally.get(key, 0) + n
                        if key == p.correct:
                            q.right += n
            case CheckinClosed():
                self.checkin(s, p.index, seq, wall).offer_calm = p.offer_calm
            case CheckinCalmAccepted():
                self.checkin(s, p.index, seq, wall).calm_accepted = True
            case PowerReadingRecord(percent=float() | int() as pct):
                s.min_battery = pct if s.min_battery is None else min(s.min_battery, pct)
            case JournalTrouble():
                self._trouble(s, mono, p)
            case DeviceNoise():
                row = next((n for n in s.noise if n.device == p.device), None)
                if row is None:
                    if len(s.noise) >= MAX_NOISY_DEVICES:
                        return
                    row = NoiseRow(p.device[:200])
                    s.noise.append(row)
                minutes = _bounded(p.seconds, 3600.0) / 60.0
                row.junk += _bounded(p.junk, 10**9)
                row.refused += _bounded(p.refused, 10**9)
                row.changes += _bounded(p.changes, 10**9)
                row.minutes += minutes
                row.noisy_minutes += minutes if p.noisy else 0.0

    def take_home(self, p: TakeHomeDownloaded) -> None:
        counts = self.part.take_home
        key = (p.playlist[:200], p.file[:200])
        if key not in counts and len(counts) >= MAX_TAKE_HOME_ROWS:
            return  # a hostile journal cannot grow the table without bound (the total still counts)
        counts[key] = counts.get(key, 0) + 1
        self.part.totals["take_home"] += 1
        lesson = self.sessions.get(p.session)
        if lesson is not None:
            lesson.take_home += 1

    def _trouble(self, s: SessionRow, mono: float, p: JournalTrouble) -> None:
        """The disk filling up and coming back, as the kiosk wrote it (late: with the records it held)."""
        sid = s.session_id
        s.records_held = max(s.records_held, _bounded(p.pending, 10**9))
        if p.state == "full":
            self.full_since.setdefault(sid, mono)
        elif p.state == "set_aside":
            s.journals_set_aside += 1
        else:
            if p.state in ("low", "reserve"):
                s.disk_low = True
            self._disk_back(sid, mono)

    def _disk_back(self, sid: str, mono: float) -> None:
        start = self.full_since.pop(sid, None)
        if start is not None and math.isfinite(mono - start) and mono >= start:
            self.sessions[sid].disk_full_minutes += min(mono - start, 7 * 86400.0) / 60.0

    def _suspect(self, wall: float) -> bool:
        # Wall clocks on these laptops are often wrong: a reset clock, one in the future, or one
        # that runs backwards against the sequence numbers.
        bad = wall < EARLIEST_PLAUSIBLE or wall > self.now + 2 * 86400 or (
            self.last_wall is not None and wall < self.last_wall - 300)
        self.last_wall = wall if self.last_wall is None else max(self.last_wall, wall)
        return bad

    def _new_run(self, s: SessionRow, mono: float) -> None:
        self._close_run(s.session_id)
        self.run_start[s.session_id] = self.run_last[s.session_id] = mono

    def _close_run(self, sid: str) -> None:
        if sid in self.run_start:
            start, last = self.run_start.pop(sid), self.run_last.pop(sid)
            if last >= start:
                self.sessions[sid].minutes += (last - start) / 60.0

    def event(self, seq: int, sid: str, wall: float, kind: str, p: Payload | Unknown) -> None:
        if not self.detail or len(self.part.events) >= MAX_EVENTS:
            return
        facts: dict = {}
        match p:
            case ItemFailed():
                detail = f"{p.item}: {p.reason}"
            case DeviceConnected() | DeviceLost():
                detail = f"{p.device} {p.detail}".strip()
            case PowerAction():
                detail = " ".join(f"{k}={v}" for k, v in (("action", p.action), ("percent", p.percent),
                                                          ("minutes_left", p.minutes_left)) if v is not None)
            case PowerSavingRecord():
                detail = f"step={p.step} on={str(p.on).lower()} level={p.level}"
            case MediaDecoding():
                detail = f"{p.item or p.media}: decoding={p.decoding} at {p.position} s ({p.reason})"
            case ScreenDimmed():
                detail = f"action={p.action} level={p.level} ok={p.ok} {p.method} {p.detail}".strip()
            case AttendanceRefused() | ExportFailed():
                detail = p.reason
            case ExportMade():
                detail = f"{p.first_seq}–{p.last_seq}"
            case JournalTrouble():
                facts = {"state": p.state, "pending": _bounded(p.pending, 10**9)}
                detail = " ".join(f"{k}={v}" for k, v in (("state", p.state), ("pending", p.pending),
                                                          ("free_bytes", p.free_bytes)) if v is not None)
                detail = f"{detail} {p.detail[:200]}".strip()
            case DeviceNoise():
                facts = {"device": p.device[:200], "junk": _bounded(p.junk, 10**9),
                         "refused": _bounded(p.refused, 10**9), "changes": _bounded(p.changes, 10**9),
                         "seconds": _bounded(p.seconds, 3600.0), "noisy": bool(p.noisy)}
                detail = (f"{p.device[:200]} junk={facts['junk']} refused={facts['refused']} "
                          f"accepted={p.accepted} seconds={p.seconds} noisy={str(bool(p.noisy)).lower()}")
            case _:
                detail = json.dumps(p.to_json(), ensure_ascii=False)[:200]
        key = f"{self.part.row.kiosk_id}/{sid}" if sid else None
        self.part.events.append(EventRow(self.part.row.kiosk_id, key, seq, wall, kind, detail, facts))

    def question(self, activity: str, index: int) -> QuestionRow:
        key = (activity, index)
        q = self.part.questions.get(key)
        if q is None:
            q = self.part.questions[key] = QuestionRow(activity, index)
        return q

    def checkin(self, s: SessionRow, index: int, seq: int, wall: float) -> CheckinRow:
        key = (s.session_id, index)
        row = self.checkin_rows.get(key)
        if row is None:
            row = self.checkin_rows[key] = CheckinRow(s.key, s.kiosk_id, seq, wall, s.clock_suspect)
            self.part.checkins.append(row)
        return row

    def learner(self, learner_id: str) -> LearnerRow:
        row = self.part.learners.get(learner_id)
        if row is None:
            row = self.part.learners[learner_id] = LearnerRow(learner_id, kiosks=[self.part.row.kiosk_id])
        return row

    def many(self, rows: list[tuple]) -> None:
        """Answers, attendance or check-in votes: folded per session (kinds apart, each in sequence order)."""
        folds, last_sid, add = self.folds, None, None
        for seq, sid, wall, _mono, kind, text in rows:
            if sid != last_sid:  # a session's records come together: look its fold up once
                if not sid:
                    continue
                fold = folds.get(sid)
                if fold is None:
                    fold = folds[sid] = RecordFold()
                last_sid, add = sid, fold.add
            p = _payload(text)
            add(kind, p)
            if kind in _CHECKIN:  # the row is dated by the check-in's first record, even with no checkin.closed
                self.checkin(self.session(sid, seq), item_index(p), seq, wall)

    def harvest(self) -> None:
        """What the folds say: learners present, check-in counts, and each voter's final answer."""
        for sid, fold in self.folds.items():
            s = self.sessions[sid]
            s.learners = list(fold.attendance)
            s.by_hand = len(fold.by_hand)
            s.attendance = fold.attendance_count  # exact, even for a hostile journal (undos never marked)
            for index, counts in fold.checkins.items():
                row = self.checkin_rows.get((sid, index))
                if row is not None:
                    row.counts = list(counts)
            question, learner = self.question, self.learner  # (per answer of a year: kept to one loop)
            for a in fold.iter_answers():
                q = question(a.activity, a.question)
                q.tally[a.key] = q.tally.get(a.key, 0) + 1
                q.answered += 1
                right = a.correct is True
                q.right += right
                s.correct += right
                if a.for_learner:  # a learner is credited when known, once per question
                    row = learner(a.learner_id)
                    row.answered += 1
                    row.correct += right
                    scores = row.quizzes.setdefault(a.activity, [0, 0])
                    scores[0] += 1
                    scores[1] += right
        self.folds.clear()

    def finish(self) -> KioskPart:
        self.harvest()
        for sid in list(self.full_since):  # still full at the session's last record
            self._disk_back(sid, self.last_mono.get(sid, self.full_since[sid]))
        for sid in list(self.run_start):
            self._close_run(sid)
        part, row = self.part, self.part.row
        part.sessions.sort(key=lambda s: s.first_seq)
        # A summary counts scanned minus undone: a hostile journal's undos with no marks before them
        # cannot take a session below none.
        for s in part.sessions:
            s.attendance = max(0, s.attendance)
        part.totals["attendance"] = sum(s.attendance for s in part.sessions)
        started = [s for s in part.sessions if s.started_wall is not None]
        row.sessions = len(started)
        part.totals["sessions"] = len(started)
        row.clock_suspect = sum(s.clock_suspect for s in started)
        walls = [s.started_wall for s in started if not s.clock_suspect]
        row.first_wall, row.last_wall = (min(walls), max(walls)) if walls else (None, None)
        for s in part.sessions:
            s.minutes = round(s.minutes, 1)
            for learner in s.learners:
                lr = self.learner(learner)
                lr.sessions.append(s.key)
                if s.title and s.title not in lr.lessons:
                    lr.lessons.append(s.title)
                if s.subject:
                    lr.subjects[s.subject] = lr.subjects.get(s.subject, 0) + 1
        return part


def scan_kiosk(label: str, segments: list[Segment], detail: bool, now: float) -> KioskPart:
    """Everything one kiosk contributes, read from its segments in sequence order."""
    with _collector_paused():
        return _scan_kiosk(label, segments, detail, now)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a kiosk is read: the scan makes hundreds of thousands of
    payloads and rows that live until the kiosk is done and form no cycles, and the collector
    would walk them all again and again (a fifth of a full report's time). Memory is freed by
    reference counting as usual; anything cyclic is collected when the collector is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _scan_kiosk(label: str, segments: list[Segment], detail: bool, now: float) -> KioskPart:
    scan = _KioskScan(label, detail, now)
    row = scan.part.row
    row.first_seq, row.last_seq = segments[0].lo, segments[-1].hi
    row.records = sum(s.size for s in segments)
    for seg in segments:  # in sequence order: sessions may run across two bundles
        db = connect(seg.uri)
        try:
            scan.count(db, seg)
            if detail:
                scan.structure(_rows(db, STRUCTURE_KINDS, seg))
            else:  # a summary needs the sessions' own records, and of their items only the times
                scan.structure(sorted(_rows(db, SESSION_RECORD_KINDS + TROUBLE_KINDS, seg)
                                      + _rows(db, ITEM_KINDS, seg, False)))
            if detail:
                scan.many(_rows(db, ATTENDANCE_KINDS, seg))
                scan.many(_rows(db, CHECKIN_KINDS, seg))
                scan.many(_rows(db, ANSWER_KINDS, seg))
        finally:
            db.close()
    return scan.finish()


# ---- all kiosks ----------------------------------------------------------------------


def _scan_all(plan: Plan, detail: bool, now: float, workers: int, progress: Progress | None) -> Iterator[KioskPart]:
    total, done = plan.records, 0
    jobs = list(plan.kiosks.items())
    if progress:
        progress(0, total)
    if workers <= 1 or len(jobs) <= 1:
        for label, segs in jobs:
            yield scan_kiosk(label, segs, detail, now)
            done += sum(s.size for s in segs)
            if progress:
                progress(done, total)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [(pool.submit(scan_kiosk, label, segs, detail, now), sum(s.size for s in segs))
                   for label, segs in jobs]
        for future, size in futures:  # in kiosk order, so the report is the same every time
            yield future.result()
            done += size
            if progress:
                progress(done, total)


def build_report(sources: list[Source], infos: list[SourceInfo], *, detail: bool = True, now: float,
                 workers: int | None = None, progress: Progress | None = None) -> Report:
    plan = plan_merge(sources)
    report = Report(generated=now, sources=infos, problems=list(plan.problems))
    learners: dict[str, LearnerRow] = {}
    questions: dict[tuple[str, int], QuestionRow] = {}
    take_home: dict[tuple[str, str], int] = {}
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if plan.records > 200_000 else 1
    for part in _scan_all(plan, detail, now, workers, progress):
        gaps = plan.missing.get(part.row.kiosk_id, [])
        part.row.missing_seqs = sum(b - a + 1 for a, b in gaps)
        report.kiosks.append(part.row)
        report.sessions.extend(part.sessions)
        for checkin in part.checkins:
            checkin.hide_if_few()  # the same rule as the kiosk's screens: no child singled out
        report.checkins.extend(part.checkins)
        room = MAX_EVENTS - len(report.events)
        report.events.extend(part.events[:max(room, 0)])
        for kind, n in part.events_total.items():
            report.events_total[kind] = report.events_total.get(kind, 0) + n
        for k, v in part.totals.items():
            report.totals[k] += v
        for key, n in part.take_home.items():
            take_home[key] = take_home.get(key, 0) + n
        for lid, row in part.learners.items():
            _add_learner(learners, row)
        for key, q in part.questions.items():
            _add_question(questions, key, q)
    report.learners = [learners[k] for k in sorted(learners)]
    report.questions = [questions[k] for k in sorted(questions)]
    titles = {s.playlist: s.title for s in report.sessions if s.playlist and s.title}
    report.take_home = [TakeHomeRow(playlist, titles.get(playlist, ""), file, n)
                        for (playlist, file), n in sorted(take_home.items())]
    report.signed_records = plan.signed_records
    for info in infos:
        if info.unreadable and info.status in ("ok", "unsigned"):
            report.problems.append(_("{file}: the journal is damaged; {n} records could not be read (the others "
                                     "are in this report).").format(file=info.name, n=info.unreadable))
    unsigned = [i.name for i in infos if i.status == "unsigned"]
    if unsigned:
        report.problems.append(_("Not checked for changes (no signature check): {files}.").format(
            files=", ".join(unsigned)))
    suspect = sum(k.clock_suspect for k in report.kiosks)
    if suspect:
        report.problems.append(_("{n} session(s) have a laptop clock that looks wrong; they are kept in the "
                                 "order the kiosk recorded them.").format(n=suspect))
    return report


def _add_learner(into: dict[str, LearnerRow], row: LearnerRow) -> None:
    have = into.get(row.learner_id)
    if have is None:
        into[row.learner_id] = row
        return
    have.kiosks += [k for k in row.kiosks if k not in have.kiosks]
    have.sessions += row.sessions
    have.lessons += [t for t in row.lessons if t not in have.lessons]
    for subject, n in row.subjects.items():
        have.subjects[subject] = have.subjects.get(subject, 0) + n
    have.answered += row.answered
    have.correct += row.correct
    for activity, (a, c) in row.quizzes.items():
        scores = have.quizzes.setdefault(activity, [0, 0])
        scores[0] += a
        scores[1] += c


def _add_question(into: dict[tuple[str, int], QuestionRow], key: tuple[str, int], q: QuestionRow) -> None:
    have = into.get(key)
    if have is None:
        into[key] = q
        return
    have.prompt = have.prompt or q.prompt
    have.correct_key = have.correct_key if have.correct_key is not None else q.correct_key
    have.asked += q.asked
    have.answered += q.answered
    have.right += q.right
    for k, n in q.tally.items():
        have.tally[k] = have.tally.get(k, 0) + n


def report_from_paths(paths: list[Path], card_keys: tuple[bytes, ...] = (), *, detail: bool = True, now: float,
                      workers: int | None = None, progress: Progress | None = None,
                      require_signed: bool = False) -> Report:
    """Open, check, merge and report: the whole of `cinema report` but the output."""
    with opened(paths, card_keys, require_signed) as (sources, infos):
        return build_report(sources, infos, detail=detail, now=now, workers=workers, progress=progress)


@contextmanager
def opened(paths: list[Path], card_keys: tuple[bytes, ...] = (),
           require_signed: bool = False) -> Iterator[tuple[list[Source], list[SourceInfo]]]:
    """The usable sources and what became of every file given; private copies removed afterwards."""
    sources, infos = open_sources([Path(p) for p in paths], card_keys, require_signed=require_signed)
    try:
        yield sources, infos
    finally:
        for s in sources:
            s.close()


def source_records(sources: list[Source]) -> Iterator[dict[str, Any]]:
    """Every record of these sources once, per kiosk in sequence order, streamed."""
    plan = plan_merge(sources)
    for segs in plan.kiosks.values():
        for seg in segs:
            db = connect(seg.uri)
            try:
                for seq, rid, kiosk, session, wall, mono, kind, payload in db.execute(
                        "SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload FROM records"
                        " WHERE seq BETWEEN ? AND ? AND kiosk_id = ? ORDER BY seq", (seg.lo, seg.hi, seg.kiosk_id)):
                    yield {"id": rid, "seq": seq, "kiosk_id": kiosk, "session_id": session, "wall": wall,
                           "mono": mono, "kind": kind, "payload": _payload(payload)}
            finally:
                db.close()


def iter_records(paths: list[Path], card_keys: tuple[bytes, ...] = (),
                 require_signed: bool = False) -> Iterator[dict[str, Any]]:
    """Every record once, per kiosk in sequence order (`cinema report --records`), streamed."""
    with opened(paths, card_keys, require_signed) as (sources, _infos):
        yield from source_records(sources)
