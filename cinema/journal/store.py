"""The journal: an append-only SQLite (WAL) store of records, one file per kiosk."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from cinema.core.events import Record

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY,          -- per-kiosk sequence number, gap-free
        id TEXT NOT NULL UNIQUE,          -- globally unique record id
        kiosk_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        wall REAL NOT NULL,               -- laptop clock, may be years off
        mono REAL NOT NULL,               -- monotonic clock of this run
        kind TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX records_session ON records(session_id, seq);
    CREATE INDEX records_kind ON records(kind);
    CREATE TABLE resume (
        session_id TEXT PRIMARY KEY,
        item_index INTEGER NOT NULL,
        position REAL NOT NULL,
        saved_mono REAL NOT NULL
    );
    """,
    # Reports count records per session and kind without reading them: the counts are kept as
    # records are written (same transaction), and the index counts any part of the sequence.
    # A year of a programme (millions of records) is summarised in seconds.
    2: """
    CREATE INDEX records_session_kind ON records(session_id, kind);
    CREATE TABLE session_counts (
        session_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, min_seq INTEGER NOT NULL,
        max_seq INTEGER NOT NULL, PRIMARY KEY (session_id, kind)) WITHOUT ROWID;
    INSERT INTO session_counts SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records
        GROUP BY session_id, kind;
    """,
}


class JournalError(Exception):
    """The journal could not be written or read; the message says why in plain words."""


@dataclass(frozen=True)
class StoredRecord:
    seq: int
    id: str
    kiosk_id: str
    session_id: str
    wall: float
    mono: float
    kind: str
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "kiosk_id": self.kiosk_id, "session_id": self.session_id,
                "wall": self.wall, "mono": self.mono, "kind": self.kind, "payload": self.payload}


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full: free some space (delete old videos or exports)"
    if "readonly" in text or "read-only" in text:
        return "the journal file cannot be written (read-only disk or file)"
    if "not a database" in text or "malformed" in text:
        return "the journal file is damaged"
    return text


class Journal:
    """Records are committed durably (WAL + synchronous=FULL) before `append` returns."""

    def __init__(self, path: Path, kiosk_id: str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
            self.kiosk_id = self._meta("kiosk_id") or self._set_meta("kiosk_id", kiosk_id)
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(f"{self.path}: {_explain(exc) if isinstance(exc, sqlite3.Error) else exc}") from exc

    # ---- schema -----------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise JournalError(f"{self.path}: made by a newer Learning Cinema (schema {version}); update this kiosk")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={target}")
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> str:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
        return value

    def meta(self, key: str) -> str | None:
        """A setting kept in the journal itself (kiosk id, what was last exported)."""
        try:
            return self._meta(key)
        except sqlite3.Error as exc:
            raise JournalError(_explain(exc)) from exc

    def set_meta(self, key: str, value: str) -> None:
        try:
            self._set_meta(key, value)
        except sqlite3.Error as exc:
            raise JournalError(_explain(exc)) from exc

    def last_seq(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]

    def connection(self) -> sqlite3.Connection:
        """The open database, for copying records out (export) in SQLite's own code."""
        return self._db

    # ---- writing ----------------------------------------------------------

    def append(self, session_id: str, records: list[Record], wall: float, mono: float) -> list[StoredRecord]:
        """Commit records in one transaction; when this returns they survive a power cut."""
        if not records:
            return []
        stored: list[StoredRecord] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()
                seq = row[0]
                for record in records:
                    seq += 1
                    rec = StoredRecord(seq, uuid.uuid4().hex, self.kiosk_id, session_id, wall, mono,
                                       record.kind, dict(record.payload))
                    self._db.execute(
                        "INSERT INTO records(seq, id, kiosk_id, session_id, wall, mono, kind, payload)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (rec.seq, rec.id, rec.kiosk_id, rec.session_id, rec.wall, rec.mono, rec.kind,
                         json.dumps(rec.payload, ensure_ascii=False, sort_keys=True)))
                    stored.append(rec)
                self._db.executemany(
                    "INSERT INTO session_counts(session_id, kind, n, min_seq, max_seq) VALUES (?, ?, 1, ?, ?)"
                    " ON CONFLICT(session_id, kind) DO UPDATE SET n = n + 1, max_seq = excluded.max_seq",
                    [(r.session_id, r.kind, r.seq, r.seq) for r in stored])
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise JournalError(_explain(exc)) from exc
        except (TypeError, ValueError) as exc:
            raise JournalError(f"a record could not be stored: {exc}") from exc
        return stored

    def save_resume(self, session_id: str, item_index: int, position: float, mono: float) -> None:
        """Where the lesson is (item, second of media); not a record, overwritten in place."""
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO resume(session_id, item_index, position, saved_mono) VALUES (?, ?, ?, ?)",
                (session_id, item_index, position, mono))
        except sqlite3.Error as exc:
            raise JournalError(_explain(exc)) from exc

    # ---- reading ------------------------------------------------------------

    def records(self, session_id: str | None = None, after_seq: int = 0) -> Iterator[StoredRecord]:
        if session_id is None:
            cur = self._db.execute("SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload FROM records"
                                   " WHERE seq > ? ORDER BY seq", (after_seq,))
        else:
            cur = self._db.execute("SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload FROM records"
                                   " WHERE session_id = ? AND seq > ? ORDER BY seq", (session_id, after_seq))
        for row in cur:
            yield StoredRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]))

    def unfinished_session(self) -> str | None:
        """The newest session that started and never ended (crash, power cut), if any."""
        row = self._db.execute(
            "SELECT session_id FROM records WHERE kind IN ('session.started', 'session.resumed')"
            " ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        session_id = row[0]
        ended = self._db.execute(
            "SELECT 1 FROM records WHERE session_id = ? AND kind = 'session.ended' LIMIT 1", (session_id,)).fetchone()
        abandoned = self._db.execute(
            "SELECT 1 FROM records WHERE kind = 'session.abandoned' AND json_extract(payload, '$.session') = ?"
            " LIMIT 1", (session_id,)).fetchone()
        return None if ended or abandoned else session_id

    def resume_position(self, session_id: str) -> tuple[int, float] | None:
        row = self._db.execute("SELECT item_index, position FROM resume WHERE session_id = ?",
                               (session_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass
