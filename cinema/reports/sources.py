"""The files given to `cinema report`: journals and export bundles, opened read-only and checked."""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cinema.journal.bundle import BundleError, OpenedBundle, open_bundle, read_trailer, sqlite_uri
from cinema.locale.runtime import gettext as _
from cinema.reports.model import SourceInfo


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

    def close(self) -> None:
        """Nothing is unpacked or held open between queries; kept for symmetry with other inputs."""


def connect(uri: str) -> sqlite3.Connection:
    # Read-only: a kiosk may be writing to the journal while a report is made from it.
    return sqlite3.connect(uri, uri=True)


def open_sources(paths: list[Path], card_keys: tuple[bytes, ...] = ()) -> tuple[list[Source], list[SourceInfo]]:
    """The usable sources, and a SourceInfo for every path (refused ones say why)."""
    usable: list[Source] = []
    infos: list[SourceInfo] = []
    # Checking a bundle is mostly hashing, which runs outside Python's lock: check several at once.
    workers = min(len(paths), os.cpu_count() or 1, 4) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        opened = list(pool.map(lambda p: open_source(Path(p), card_keys), paths))
    for source in opened:
        infos.append(source.info)
        if source.info.status in ("ok", "unsigned"):
            usable.append(source)
    return usable, infos


def has(db: sqlite3.Connection, type_: str, name: str) -> bool:
    """The file has this table or index (older journals and other files may lack them)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (type_, name)).fetchone() is not None


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


def _read_ranges(uri: str, is_bundle: bool) -> list[tuple[str, int, int, int]] | None:
    """The kiosk ranges of a file; None for a bundle without its trailer (cut short)."""
    db = connect(uri)
    try:
        if not is_bundle and has(db, "table", "bundle_info"):
            return None
        return _kiosk_ranges(db)
    finally:
        db.close()


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


def open_source(path: Path, card_keys: tuple[bytes, ...] = ()) -> Source:
    name = path.name
    uri = sqlite_uri(path)

    def refused(kind: str, reason: str) -> Source:
        return Source(SourceInfo(name, kind, "refused", reason=reason), uri)

    if not path.exists():
        return refused("?", _("no such file"))
    if path.is_dir():
        return refused("?", _("this is a folder, not a journal or bundle"))
    if _cut_short(path):
        return refused("?", _("the file is cut short (was the copy finished?)"))
    try:
        is_bundle = read_trailer(path) is not None
        if is_bundle:
            bundle = open_bundle(path, card_keys)
    except BundleError as exc:
        return refused("bundle", str(exc))
    if is_bundle:
        source = Source(SourceInfo(name, "bundle", "ok" if bundle.signed else "unsigned",
                                   reason=bundle.unsigned_reason), bundle.uri, bundle=bundle)
    else:
        source = Source(SourceInfo(name, "journal", "ok"), uri)
    try:
        try:
            rows = _read_ranges(source.uri, is_bundle)
        except sqlite3.OperationalError:
            if is_bundle:
                raise
            # A journal on a read-only stick or folder: SQLite cannot make its shared-memory file
            # beside it. Read it as it is (nothing is writing to a copy on a stick).
            source.uri = sqlite_uri(path, immutable=True)
            rows = _read_ranges(source.uri, is_bundle)
        if rows is None:
            return refused("bundle", _("a bundle cut short (was the copy finished?)"))
    except sqlite3.DatabaseError as exc:
        return refused(source.info.kind, _("not a journal or bundle Learning Cinema can read ({error})").format(
            error=exc))
    source.ranges = [KioskRange(k, lo, hi, n) for k, lo, hi, n in rows]
    source.info.records = sum(r.records for r in source.ranges)
    if source.ranges:
        source.info.kiosk_id = ", ".join(r.kiosk_id for r in source.ranges)
        source.info.first_seq = min(r.first_seq for r in source.ranges)
        source.info.last_seq = max(r.last_seq for r in source.ranges)
    return source
