"""CSV tables for spreadsheets: UTF-8 with a BOM, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable

from cinema.atomic import open_replacing
from cinema.core.records import RecordKind as K
from cinema.reports.model import Report

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a tab or
# carriage return at the start hides one. Such cells get a leading apostrophe, shown as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Which tables show what each record kind says (through the report and its fold); the contract
# test holds every kind to be named here or in IGNORED_KINDS.
TABLE_KINDS: dict[str, tuple[K, ...]] = {
    "sessions.csv": (K.SESSION_STARTED, K.SESSION_RESUMED, K.SESSION_ENDED, K.SESSION_ABANDONED, K.ITEM_ENDED,
                     K.ITEM_FAILED, K.ITEM_SKIPPED, K.ATTENDANCE_SCANNED, K.ATTENDANCE_UNDONE, K.ANSWER_RECORDED, K.ANSWER_CHANGED,
                     K.CHECKIN_RECORDED, K.POWER_READING),
    "items.csv": (K.ITEM_STARTED, K.ITEM_ENDED, K.ITEM_SKIPPED, K.ITEM_FAILED),
    "attendance.csv": (K.ATTENDANCE_SCANNED, K.ATTENDANCE_UNDONE),
    "learners.csv": (K.ATTENDANCE_SCANNED, K.ATTENDANCE_UNDONE, K.ANSWER_RECORDED, K.ANSWER_CHANGED),
    "learner_quizzes.csv": (K.ANSWER_RECORDED, K.ANSWER_CHANGED),
    "questions.csv": (K.QUESTION_CLOSED, K.ANSWER_RECORDED, K.ANSWER_CHANGED),
    "checkins.csv": (K.CHECKIN_RECORDED, K.CHECKIN_CHANGED, K.CHECKIN_CLOSED, K.CHECKIN_CALM_ACCEPTED),
    "take_home.csv": (K.TAKE_HOME,),
    "events.csv": (K.ITEM_FAILED, K.POWER_ACTION, K.POWER_SAVING, K.DEVICE_CONNECTED, K.DEVICE_LOST, K.ATTENDANCE_REFUSED,
                   K.SESSION_ABANDONED, K.EXPORT_MADE, K.EXPORT_FAILED, K.JOURNAL_TROUBLE, K.DEVICE_NOISE,
                   K.MEDIA_DECODING),
}
# The kiosk's own business, in no table (counted among the records of kiosks.csv).
IGNORED_KINDS = (K.ITEM_PAUSED, K.ITEM_RESUMED, K.MEDIA_SEEKED, K.HANDSET_PAIRED, K.PIN_REFUSED,
                 K.PIN_CHANGED, K.KEYBOARD_LOCKED, K.KEYBOARD_UNLOCKED)
IGNORED_KINDS += (K.LESSON_CHOSEN, K.KIOSK_LANGUAGE, K.DAY_ENDED)  # the home screen's own doings
IGNORED_KINDS += (K.DISPLAY_CHANGED,)  # which screens the kiosk drew on: the kiosk's business, not the class's
IGNORED_KINDS += (K.HUB_NOTE, K.HUB_COMMAND)  # the hub's doings and a teacher phone's commands: the kiosk's log


def safe_cell(value: Any) -> Any:
    """Numbers stay numbers (a negative number is not a formula); text that could run is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_table(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
    """One table, written whole or not at all; returns the number of rows."""
    n = 0
    # utf-8-sig writes the BOM that tells Excel and LibreOffice the file is UTF-8 (Arabic, Ukrainian).
    with open_replacing(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows:
            w.writerow([safe_cell(v) for v in row])
            n += 1
    return n


def _iso(wall: float | None) -> str:
    if wall is None:
        return ""
    import datetime as dt

    return dt.datetime.fromtimestamp(wall, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def write_csv(report: Report, folder: Path) -> dict[str, int]:
    """One file per table: sessions, items, attendance, learners, questions, checkins, events, kiosks, sources."""
    folder = Path(folder)
    out: dict[str, int] = {}
    out["sources.csv"] = write_table(folder / "sources.csv", ["file", "kind", "status", "kiosk_id", "records",
                                                                "first_seq", "last_seq", "reason"],
                                     ([s.name, s.kind, s.status, s.kiosk_id, s.records, s.first_seq, s.last_seq,
                                       s.reason] for s in report.sources))
    out["kiosks.csv"] = write_table(folder / "kiosks.csv", ["kiosk_id", "sessions", "records", "first_seq",
                                                              "last_seq", "missing_records", "clock_suspect_sessions"],
                                    ([k.kiosk_id, k.sessions, k.records, k.first_seq, k.last_seq, k.missing_seqs,
                                      k.clock_suspect] for k in report.kiosks))
    out["sessions.csv"] = write_table(
        folder / "sessions.csv",
        ["kiosk_id", "session_id", "first_seq", "last_seq", "laptop_clock_start_utc", "laptop_clock_end_utc",
         "clock_suspect", "minutes", "playlist", "title", "subject", "language", "outcome", "resumed",
         "attendance", "items_played", "items_failed", "items_skipped", "answers", "correct", "checkins",
         "min_battery", "disk_full_minutes", "records_held", "journals_set_aside", "device_junk_lines",
         "noisy_devices"],
        ([s.kiosk_id, s.session_id, s.first_seq, s.last_seq, _iso(s.started_wall), _iso(s.ended_wall),
          s.clock_suspect, s.minutes, s.playlist, s.title, s.subject, s.language, s.outcome, s.resumed,
          s.attendance, s.items_played, s.items_failed, s.items_skipped, s.answers, s.correct, s.checkins,
          s.min_battery, round(s.disk_full_minutes, 1), s.records_held, s.journals_set_aside,
          sum(n.junk for n in s.noise), " | ".join(n.device for n in s.noise if n.noisy_minutes)]
         for s in report.sessions))
    out["items.csv"] = write_table(
        folder / "items.csv", ["kiosk_id", "session_id", "index", "item", "title", "type", "status", "seconds",
                               "reason"],
        ([s.kiosk_id, s.session_id, i.index, i.item, i.title, i.type, i.status, i.seconds, i.reason]
         for s in report.sessions for i in s.items))
    out["attendance.csv"] = write_table(
        folder / "attendance.csv", ["kiosk_id", "session_id", "first_seq", "laptop_clock_start_utc", "title",
                                    "subject", "learner_id"],
        ([s.kiosk_id, s.session_id, s.first_seq, _iso(s.started_wall), s.title, s.subject, lid]
         for s in report.sessions for lid in s.learners))
    out["learners.csv"] = write_table(
        folder / "learners.csv", ["learner_id", "kiosks", "sessions_attended", "lessons", "subjects", "answered",
                                  "correct"],
        ([lr.learner_id, " ".join(lr.kiosks), len(lr.sessions), " | ".join(lr.lessons),
          "; ".join(f"{k}: {v}" for k, v in sorted(lr.subjects.items())), lr.answered, lr.correct]
         for lr in report.learners))
    out["learner_quizzes.csv"] = write_table(
        folder / "learner_quizzes.csv", ["learner_id", "activity", "answered", "correct"],
        ([lr.learner_id, act, a, c] for lr in report.learners for act, (a, c) in sorted(lr.quizzes.items())))
    keys = sorted({k for q in report.questions for k in q.tally})
    out["questions.csv"] = write_table(
        folder / "questions.csv", ["activity", "question", "prompt", "correct_key", "asked", "answered", "right",
                                   *[f"answers_{k}" for k in keys]],
        ([q.activity, q.question + 1, q.prompt, q.correct_key, q.asked, q.answered, q.right,
          *[q.tally.get(k, 0) for k in keys]] for q in report.questions))
    out["checkins.csv"] = write_table(
        folder / "checkins.csv", ["kiosk_id", "session_key", "seq", "laptop_clock_utc", "clock_suspect",
                                  "very_sad", "sad", "neutral", "happy", "very_happy", "calm_offered",
                                  "calm_accepted", "fewer_than_5_answers"],
        ([c.kiosk_id, c.session_key, c.seq, _iso(c.wall), c.clock_suspect, *(c.shown() or [""] * 5), c.offer_calm,
          c.calm_accepted, c.shown() is None] for c in report.checkins))
    out["take_home.csv"] = write_table(
        folder / "take_home.csv", ["playlist", "title", "file", "downloads"],
        ([t.playlist, t.title, t.file, t.downloads] for t in report.take_home))
    out["events.csv"] = write_table(
        folder / "events.csv", ["kiosk_id", "session_key", "seq", "laptop_clock_utc", "kind", "detail"],
        ([e.kiosk_id, e.session_key, e.seq, _iso(e.wall), e.kind, e.detail] for e in report.events))
    return out
