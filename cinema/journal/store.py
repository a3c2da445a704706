"""The journal: an append-only SQLite (WAL) store of records, one file per kiosk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
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


# A file of this size is kept beside the journal and given back when the disk fills up, so the
# lesson goes on being journaled (a lesson writes a few hundred KB; the WAL grows to about 1 MB).
RESERVE_BYTES = 4 * 1024 * 1024
WAL_PAGES = 256  # pages in the WAL before SQLite folds it into the journal (about 1 MB)
# Less free space than this beside the journal when a lesson starts: the teacher is told.
LOW_SPACE_BYTES = 20 * 1024 * 1024
# Less than this left once the reserve is gone: new answers and scans are refused rather than
# shown accepted and then lost (a turn's commit adds a few 4 KB pages to the WAL).
FULL_MARGIN_BYTES = 64 * 1024


SEQ_BASE = "seq_base"  # meta: the sequence number this journal's records follow (after a damaged one)


class JournalError(Exception):
    """The journal could not be written or read; the message says why in plain words.
    `full`: the disk is full (retry once there is room); `damaged`: the file is not a sound journal."""

    def __init__(self, message: str, *, full: bool = False, damaged: bool = False) -> None:
        super().__init__(message)
        self.full = full
        self.damaged = damaged


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
    if _is_full(exc):
        return "the disk is full: free some space (delete old videos or exports)"
    if "readonly" in text or "read-only" in text:
        return "the journal file cannot be written (read-only disk or file)"
    if _is_damaged(exc):
        return "the journal file is damaged"
    return text


def _is_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (28, 122)  # ENOSPC, EDQUOT
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_FULL
    return "disk is full" in str(exc)


def _is_damaged(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc)
    return "not a database" in text or "malformed" in text


def _error(exc: sqlite3.Error | OSError, prefix: str = "") -> JournalError:
    text = _explain(exc) if isinstance(exc, sqlite3.Error) else str(exc)
    return JournalError(prefix + text, full=_is_full(exc), damaged=_is_damaged(exc))


def _private(path: Path) -> None:
    """Owner-only (0600): the journal names children and their answers (like the card key file)."""
    try:
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass  # a file system without modes (FAT on a stick) or someone else's file: nothing to do


def free_bytes(path: Path) -> int | None:
    """Free space for the kiosk's user on the disk that holds `path` (a file or a folder), None if unknown."""
    folder = Path(path)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def set_aside(path: Path, now: float | None = None) -> Path:
    """Move a damaged journal (and its -wal, -shm) out of the way, kept for recovery:
    `journal.sqlite` -> `journal.sqlite.damaged-20260314-101500`. Returns the new name."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def read_last_seq(path: Path) -> int:
    """The last sequence number a (maybe damaged) journal used, as far as it can be read: the
    highest of the records, of the per-session counts (their own pages), of the indexes (which hold
    every record's number apart from the records' pages) and of the last export; 0 when none can be read."""
    try:
        db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    found = 0
    try:
        for sql in ("SELECT MAX(seq) FROM records", "SELECT MAX(max_seq) FROM session_counts",
                    "SELECT MAX(seq) FROM records INDEXED BY records_kind",
                    "SELECT MAX(seq) FROM records INDEXED BY records_session",
                    "SELECT value FROM meta WHERE key='exported_through'"):
            try:
                row = db.execute(sql).fetchone()
                found = max(found, int(row[0])) if row and row[0] is not None else found
            except (sqlite3.Error, ValueError, TypeError):
                continue
        return found
    finally:
        db.close()


def read_kiosk_id(path: Path) -> str | None:
    """The kiosk id kept in a (maybe damaged) journal, if it can still be read."""
    try:
        db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT value FROM meta WHERE key='kiosk_id'").fetchone()
        return row[0] if row and isinstance(row[0], str) and 0 < len(row[0]) <= 200 else None
    except sqlite3.Error:
        return None
    finally:
        db.close()


class Journal:
    """Records are committed durably (WAL + synchronous=FULL) before `append` returns."""

    def __init__(self, path: Path, kiosk_id: str, reserve_bytes: int = RESERVE_BYTES, *, after_seq: int = 0) -> None:
        """`after_seq`: for a journal started in place of a damaged one, the last sequence number the
        damaged file used, so this kiosk's numbers go on (a supervisor's report sees one kiosk whose
        records before this are in the file set aside, not a second laptop with the same id)."""
        self.path = Path(path)
        self.reserve = self.path.with_name(self.path.name + ".reserve")
        self.reserve_bytes = reserve_bytes
        self.reserve_used = False  # the reserve was given back to the disk during this run
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Made owner-only before SQLite opens it; SQLite gives -wal and -shm the same mode.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            # SQLite folds the WAL back every 1000 pages (4 MB) by default: as big as the reserve below, so
            # a WAL growing back after the disk filled could eat all of it (a loaded machine's bigger
            # commits tipped it over). Every 256 pages (1 MB) keeps the reserve for the lesson's records.
            self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
            self._migrate()
            self.kiosk_id = self._meta("kiosk_id") or self._set_meta("kiosk_id", kiosk_id)
            if after_seq > 0 and self._meta(SEQ_BASE) is None and self.last_seq() == 0:
                self._set_meta(SEQ_BASE, str(int(after_seq)))
            self._seq_base = int(self._meta(SEQ_BASE) or 0)
        except (sqlite3.Error, OSError, ValueError) as exc:
            raise _error(exc, f"{self.path}: ") from exc
        for name in ("", "-wal", "-shm"):
            _private(self.path.with_name(self.path.name + name))

    # ---- the reserve --------------------------------------------------------

    def make_reserve(self) -> bool:
        """Keep `reserve_bytes` of real blocks beside the journal, when the disk has room for
        them and as much again; True when a reserve is there."""
        if self.reserve_bytes <= 0:
            return False
        try:
            if self.reserve.exists() and self.reserve.stat().st_size >= self.reserve_bytes:
                return True
        except OSError:
            return False
        free = free_bytes(self.path)
        if free is None or free < 2 * self.reserve_bytes:
            return False
        try:
            fd = os.open(self.reserve, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                block = b"\0" * (64 * 1024)  # written, not a sparse file: the blocks must be taken
                left = self.reserve_bytes
                while left > 0:
                    left -= os.write(fd, block[:left])
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            self.reserve.unlink(missing_ok=True)
            return False
        _private(self.reserve)
        return True

    def has_reserve(self) -> bool:
        return self.reserve.exists()

    def free_bytes(self) -> int | None:
        return free_bytes(self.path)

    def reclaim(self) -> None:
        """Fold the WAL into the database and cut it to nothing: on a small disk the WAL (up to
        about 1 MB before SQLite checkpoints it by itself) is most of what the journal takes."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass

    def _make_room(self, step: int) -> bool:
        """What to try, in order, when a write finds the disk full; False when nothing is left."""
        if step == 0:
            self.reclaim()
            return True
        if step == 1 and self.reserve.exists():
            try:
                self.reserve.unlink()
            except OSError:
                return False
            self.reserve_used = True
            return True
        return False

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

    @property
    def seq_base(self) -> int:
        """The sequence number this journal's records follow: 0, or the last one of a damaged journal it replaced."""
        return self._seq_base

    def last_seq(self) -> int:
        base = getattr(self, "_seq_base", 0)
        return self._db.execute("SELECT COALESCE(MAX(seq), ?) FROM records", (base,)).fetchone()[0]

    def check(self) -> None:
        """Read what a start reads (the newest records, the unfinished session); JournalError with
        `damaged` set when the file is not a sound journal."""
        try:
            self.last_seq()
            self.unfinished_session()
        except sqlite3.Error as exc:
            raise _error(exc, f"{self.path}: ") from exc

    def connection(self) -> sqlite3.Connection:
        """The open database, for copying records out (export) in SQLite's own code."""
        return self._db

    # ---- writing ----------------------------------------------------------

    def append(self, session_id: str, records: list[Record], wall: float, mono: float) -> list[StoredRecord]:
        """Commit records in one transaction; when this returns they survive a power cut.

        A full disk is met by folding the WAL in, then by giving the reserve back, trying again
        after each; `JournalError` with `full` set when none of that made room."""
        step = 0
        while True:
            try:
                return self._append(session_id, records, wall, mono)
            except JournalError as exc:
                if not exc.full or not self._make_room(step):
                    raise
                step += 1

    def _append(self, session_id: str, records: list[Record], wall: float, mono: float) -> list[StoredRecord]:
        if not records:
            return []
        stored: list[StoredRecord] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT COALESCE(MAX(seq), ?) FROM records", (self._seq_base,)).fetchone()
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
            raise _error(exc) from exc
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
