"""The files given to `cinema report`: journals and export bundles, opened read-only and checked.

Any file may be hostile (hand-made to stop the report or to slip records in) or damaged (a
kiosk that lost power, a stick pulled out). Each file is opened read-only, with no code from
its schema run, its tables and columns checked against what Learning Cinema writes (no views,
no triggers, nothing extra), and a time budget for SQLite's work on it (a progress handler):
one bad file is refused with its reason and the others are reported. A damaged journal is read
as far as it can be, and the report says how many records could not be read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from cinema.journal.bundle import (
    RECORDS_SCHEMA, BundleError, OpenedBundle, check_contents, check_schema, connect_checked, explain_sqlite,
    journal_schema, open_bundle, read_trailer, sqlite_uri,
)
from cinema.locale.runtime import gettext as _
from cinema.reports.model import SourceInfo

OPEN_SECONDS = 60.0  # SQLite's time for checking one file (a year of one kiosk takes a few seconds)
_SALVAGE_BATCH = 2000


@dataclass
class KioskRange:
    kiosk_id: str
    first_seq: int
    last_seq: int
    records: int


@dataclass
class Source:
    """One usable input: a SQLite file with a `records` table, and which kiosk ranges it holds."""

    info: SourceInfo
    uri: str  # read-only SQLite URI of the records
    ranges: list[KioskRange] = field(default_factory=list)
    bundle: OpenedBundle | None = None
    scratch: Path | None = None  # a private copy (a journal with its WAL on a read-only stick, salvaged records)

    def close(self) -> None:
        """Remove the private copy, if one was made; the files given are never written."""
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def connect(uri: str, deadline: float | None = None) -> sqlite3.Connection:
    # Read-only: a kiosk may be writing to the journal while a report is made from it.
    return connect_checked(uri, deadline)


def open_sources(paths: list[Path], card_keys: tuple[bytes, ...] = (), *, require_signed: bool = False,
                 seconds: float = OPEN_SECONDS) -> tuple[list[Source], list[SourceInfo]]:
    """The usable sources (signed ones first), and a SourceInfo for every path (refused ones say why).

    `require_signed`: only bundles whose signature was checked with one of `card_keys` are used;
    journals and unsigned bundles are refused with the reason (a supervisor's `--keys`).
    """
    usable: list[Source] = []
    infos: list[SourceInfo] = []
    # Checking a bundle is mostly hashing, which runs outside Python's lock: check several at once.
    workers = min(len(paths), os.cpu_count() or 1, 4) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        opened = list(pool.map(lambda p: _open_guarded(Path(p), card_keys, seconds), paths))
    for source in opened:
        infos.append(source.info)
        if source.info.status in ("ok", "unsigned") and require_signed and not source.info.signed:
            source.close()
            source.info.status = "refused"
            if source.info.kind == "journal":
                source.info.reason = _("a journal is never signed (only export bundles are).")
            policy = _("With --keys only signed bundles are used; add --allow-unsigned to use this file too.")
            source.info.reason = f"{source.info.reason.rstrip('.')}. {policy}" if source.info.reason else policy
        if source.info.status in ("ok", "unsigned"):
            usable.append(source)
        else:
            source.close()
    # Signed files first: where a signed bundle and an unsigned file hold the same records, the
    # signed copy is the one read (the merge takes the first file that holds a record).
    usable.sort(key=lambda s: not s.info.signed)
    return usable, infos


def _open_guarded(path: Path, card_keys: tuple[bytes, ...], seconds: float) -> Source:
    """open_source, and whatever else goes wrong with one file stays with that file."""
    try:
        return open_source(path, card_keys, seconds=seconds)
    except (sqlite3.Error, OSError, ValueError, RecursionError, MemoryError, BundleError) as exc:
        reason = explain_sqlite(exc, _("not a journal or bundle Learning Cinema can read ({error})")) \
            if isinstance(exc, sqlite3.Error) else _("the file could not be read ({error})").format(error=exc)
        return Source(SourceInfo(path.name, "?", "refused", reason=reason), sqlite_uri(path))


def has(db: sqlite3.Connection, type_: str, name: str) -> bool:
    """The file has this table or index (older journals and other files may lack them)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (type_, name)).fetchone() is not None


def _wal(path: Path) -> Path | None:
    """The journal's write-ahead log, when it holds anything: its last records may be only there."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal if wal.stat().st_size > 0 else None
    except OSError:
        return None


def _cut_short(path: Path) -> bool:
    """A SQLite file (journal, or a bundle's start) shorter than its own header says."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
            size = f.seek(0, 2)
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return False
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the page count is kept up to date (SQLite 3.7+)
    return valid and pages * page_size > size


def _kiosk_ranges(db: sqlite3.Connection) -> list[tuple[str, int, int, int]]:
    """(kiosk, first seq, last seq, records) per kiosk; a kiosk's own file is read from its ends only."""
    lo, hi, = db.execute("SELECT MIN(seq), MAX(seq) FROM records").fetchone()
    if lo is None:
        return []
    ends = db.execute("SELECT DISTINCT kiosk_id FROM records WHERE seq IN (?, ?)", (lo, hi)).fetchall()
    counted = db.execute("SELECT SUM(n) FROM session_counts").fetchone()[0] if has(db, "table", "session_counts") \
        else None
    if len(ends) == 1 and counted == hi - lo + 1:
        # One kiosk, gap-free (a journal's sequence has no gaps, a bundle's is one range of it).
        # A kiosk may still be writing: records after `hi` are simply not in this report.
        return [(ends[0][0], lo, hi, hi - lo + 1)]
    return db.execute("SELECT kiosk_id, MIN(seq), MAX(seq), COUNT(*) FROM records GROUP BY kiosk_id").fetchall()


def _one_kiosk(db: sqlite3.Connection) -> bool:
    """A kiosk writes its own id on every record and counts them as it goes: a file where either is
    not so was made or edited by something else (the report would count records it cannot list)."""
    kiosks, n = db.execute("SELECT COUNT(DISTINCT kiosk_id), COUNT(*) FROM records").fetchone()
    counted = db.execute("SELECT COALESCE(SUM(n), 0) FROM session_counts").fetchone()[0] \
        if has(db, "table", "session_counts") else n
    return kiosks <= 1 and counted == n


def open_source(path: Path, card_keys: tuple[bytes, ...] = (), *, seconds: float = OPEN_SECONDS) -> Source:
    name = path.name
    deadline = time.monotonic() + seconds

    def refused(kind: str, reason: str) -> Source:
        return Source(SourceInfo(name, kind, "refused", reason=reason), sqlite_uri(path))

    if not path.exists():
        return refused("?", _("no such file"))
    if path.is_dir():
        return refused("?", _("this is a folder, not a journal or bundle"))
    wal = _wal(path)
    if wal is None and _cut_short(path):  # with a WAL, the file's own header may be behind it: SQLite reads both
        return refused("?", _("the file is cut short (was the copy finished?)"))
    try:
        if read_trailer(path) is not None:
            bundle = open_bundle(path, card_keys, deadline)
            source = Source(SourceInfo(name, "bundle", "ok" if bundle.signed else "unsigned",
                                       reason=bundle.unsigned_reason, signed=bundle.signed), bundle.uri, bundle=bundle)
        else:
            source = _open_journal(path, wal, deadline)
    except BundleError as exc:
        return refused("bundle", str(exc))
    if source.info.status == "refused":
        return source
    try:
        db = connect(source.uri, deadline)
        try:
            rows = _kiosk_ranges(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        source.close()
        return refused(source.info.kind, explain_sqlite(
            exc, _("not a journal or bundle Learning Cinema can read ({error})")))
    source.ranges = [KioskRange(k, lo, hi, n) for k, lo, hi, n in rows]
    source.info.records = sum(r.records for r in source.ranges)
    if source.ranges:
        source.info.kiosk_id = ", ".join(r.kiosk_id for r in source.ranges)
        source.info.first_seq = min(r.first_seq for r in source.ranges)
        source.info.last_seq = max(r.last_seq for r in source.ranges)
    return source


# ---- journals -----------------------------------------------------------------------------------


def _open_journal(path: Path, wal: Path | None, deadline: float) -> Source:
    """A kiosk's journal (with its WAL), its schema checked; a damaged one salvaged into a private copy."""
    name = path.name
    source = Source(SourceInfo(name, "journal", "ok"), sqlite_uri(path))

    def refused(reason: str) -> Source:
        source.close()
        source.info.status, source.info.reason = "refused", reason
        return source

    try:
        if wal is not None:
            # The last records may be only in the WAL. Opening it in place, even read-only, makes
            # SQLite write its shared-memory index beside the journal (and cannot on a read-only
            # stick): read a private copy of both instead, taken while neither changes.
            copied = _private_copy(path, wal)
            if copied is not None:
                source.uri, source.scratch = copied
        db = connect(source.uri, deadline)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            db.close()
            if str(exc) == "interrupted":
                raise
            # A journal on a read-only stick or folder: SQLite cannot make its shared-memory file
            # beside it. Read the file as it is (nothing is writing to a copy on a stick).
            source.uri = sqlite_uri(path, immutable=True)
            db = connect(source.uri, deadline)
        try:
            if has(db, "table", "bundle_info"):
                return refused(_("a bundle cut short (was the copy finished?)"))
            problem = check_schema(db, journal_schema())
            if problem:
                return refused(problem)
            damaged = check_contents(db)
            if not damaged and not _one_kiosk(db):
                return refused(_("the records do not match the journal's own counts, or name more than one "
                                 "kiosk: not a kiosk's journal"))
        finally:
            db.close()
    except UnicodeDecodeError:  # SQLite's message quotes a damaged schema that is not even text
        return refused(_("not a journal or bundle Learning Cinema can read ({error})").format(
            error=_("its table definitions are not readable")))
    except sqlite3.DatabaseError as exc:
        if str(exc) == "interrupted" or not _damage(exc):
            return refused(explain_sqlite(exc, _("not a journal or bundle Learning Cinema can read ({error})")))
        damaged = str(exc)
    if not damaged:
        return source
    # A damaged journal: read every record that can be read, and say how many could not.
    try:
        scratch = source.scratch or Path(tempfile.mkdtemp(prefix="cinema-salvage-"))
        source.scratch = scratch
        copy = scratch / "salvaged.sqlite"
        read, lost = salvage(source.uri, copy, deadline)
    except sqlite3.DatabaseError as exc:
        return refused(explain_sqlite(exc, _("the journal is damaged and could not be read ({error})")))
    if not read:
        return refused(_("the journal is damaged: no record in it could be read"))
    source.uri = sqlite_uri(copy)
    source.info.unreadable = lost
    source.info.reason = _("the journal is damaged: {n} records could not be read; the others are used").format(
        n=lost) if lost else _("the journal is damaged, but every record in it could be read")
    return source


def _damage(exc: sqlite3.DatabaseError) -> bool:
    """An error that says the file's pages are damaged (worth reading what is left), not that it is no journal."""
    text = str(exc).lower()
    return "malformed" in text or "corrupt" in text or (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == 11


def _private_copy(path: Path, wal: Path, tries: int = 3) -> tuple[str, Path] | None:
    """A copy of the journal and its WAL in a private folder, or None when a kiosk keeps writing to it
    (then it is read in place, read-only, as SQLite lets a reader share a live journal)."""

    def state() -> tuple:
        return tuple((p.stat().st_size, p.stat().st_mtime_ns) for p in (path, wal))

    for _try in range(tries):
        scratch = Path(tempfile.mkdtemp(prefix="cinema-journal-"))
        try:
            before = state()
            shutil.copyfile(path, scratch / "journal.sqlite")
            shutil.copyfile(wal, scratch / "journal.sqlite-wal")
            if state() == before:
                return sqlite_uri(scratch / "journal.sqlite"), scratch
        except OSError:
            pass
        shutil.rmtree(scratch, ignore_errors=True)
    return None


_COLUMNS = "seq, id, kiosk_id, session_id, wall, mono, kind, payload"


def _well_typed(row: tuple) -> bool:
    _seq, rid, kiosk, session, wall, mono, kind, payload = row
    return (all(isinstance(v, str) for v in (rid, kiosk, session, kind, payload))
            and all(isinstance(v, (int, float)) for v in (wall, mono)))


def _rows_from(db: sqlite3.Connection, after: int) -> Iterator[tuple]:
    yield from db.execute(f"SELECT {_COLUMNS} FROM records WHERE seq > ? ORDER BY seq", (after,))


def _first_readable(db: sqlite3.Connection, start: int) -> tuple | None:
    """The first record with a sequence number >= start that can be read (past a damaged page), or None:
    probed with growing steps, then narrowed down, so a few pages lost cost a few reads. One record
    per query (LIMIT 1): a cursor that reads on would step into the damaged page and lose this one."""

    def probe(at: int) -> tuple | None | bool:
        try:
            return db.execute(f"SELECT {_COLUMNS} FROM records WHERE seq >= ? ORDER BY seq LIMIT 1", (at,)).fetchone()
        except sqlite3.DatabaseError as exc:
            if str(exc) == "interrupted":
                raise
            return False

    failed, step = start - 1, 1  # a start known to fail (or the one before `start`)
    while True:
        at = min(start + step - 1, 1 << 62)
        found = probe(at)
        if found is not False or at == 1 << 62:
            break
        failed, step = at, step * 2
    if found is False:
        return None
    good = at  # reads from here on (a record, or None: nothing at or after it)
    while good - failed > 1:  # narrow down: the lowest start that reads, so no readable record is skipped
        mid = (good + failed) // 2
        hit = probe(mid)
        if hit is False:
            failed = mid
        else:
            good, found = mid, hit
    return found


def salvage(uri: str, target: Path, deadline: float) -> tuple[int, int]:
    """Copy every readable, well-formed record of a damaged journal into a new file at `target`.

    Records are read in sequence order; where a damaged page stops the reading, the next readable
    record is found and the reading goes on. A kiosk numbers its records 1, 2, 3... without gaps,
    so what could not be read is the numbers missing (and any records of the wrong types).
    Returns (records read, records that could not be read).
    """
    src = connect(uri, deadline)
    out = sqlite3.connect(target)
    try:
        out.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + RECORDS_SCHEMA
                          + "DROP TABLE bundle_info;")
        read = last = 0
        pos = 0
        batch: list[tuple] = []

        def take(row: tuple) -> None:
            nonlocal pos, read, batch
            pos = row[0]
            if _well_typed(row):
                batch.append(row)
            if len(batch) >= _SALVAGE_BATCH:
                read += _insert(out, batch)
                batch = []

        while True:
            try:
                for row in _rows_from(src, pos):
                    take(row)
                break
            except sqlite3.DatabaseError as exc:
                if str(exc) == "interrupted":
                    raise
            row = _first_readable(src, pos + 1)  # past the damage, one record at a time
            if row is None:
                last = pos + 1  # at least the record that stopped the reading was there
                break
            take(row)
        read += _insert(out, batch)
        last = max(last, pos, _known_last(src))
        out.execute("INSERT INTO session_counts SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records"
                    " GROUP BY session_id, kind")
        out.commit()
        return read, max(last - read, 0)
    finally:
        src.close()
        out.close()


def _insert(out: sqlite3.Connection, rows: list[tuple]) -> int:
    out.executemany(f"INSERT OR IGNORE INTO records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def _known_last(db: sqlite3.Connection) -> int:
    """The last sequence number the journal says it holds, where that part of it can still be read."""
    best = 0
    for query in ("SELECT MAX(seq) FROM records", "SELECT MAX(max_seq) FROM session_counts"):
        try:
            value = db.execute(query).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if str(exc) == "interrupted":
                raise
            continue
        if isinstance(value, int):
            best = max(best, value)
    return best
