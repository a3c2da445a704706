"""Forged, hostile and damaged inputs for `cinema report`, made from real journals and bundles."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from cinema.journal import Journal
from cinema.journal.bundle import RECORDS_SCHEMA
from tests.reports.journals import join_bundle, lesson, split_bundle


def rebundle(path: Path, db: bytes, manifest: dict | bytes, signature: bytes = b"") -> Path:
    """A bundle around `db` whose manifest's size and checksum are recomputed: passes every checksum."""
    if isinstance(manifest, dict):
        manifest = dict(manifest, database={"bytes": len(db), "sha256": hashlib.sha256(db).hexdigest()})
        manifest = json.dumps(manifest).encode()
    return join_bundle(path, db, manifest, signature)


def edited(bundle: Path, out: Path, sql: str) -> Path:
    """The bundle's records changed with `sql`, checksums recomputed, the signature dropped."""
    db_bytes, manifest, _sig = split_bundle(bundle)
    work = out.with_suffix(".work")
    work.write_bytes(db_bytes)
    db = sqlite3.connect(work)
    db.executescript(sql)
    db.commit()
    db.close()
    data = work.read_bytes()
    work.unlink()
    return rebundle(out, data, json.loads(manifest))


def forged_unsigned(bundle: Path, out: Path) -> Path:
    """Edited records (a child's wrong answer made right), recomputed checksums, no signature."""
    return edited(bundle, out, "UPDATE records SET payload = replace(payload, '\"key\": \"B\"', '\"key\": \"A\"')")


def deep_payloads(bundle: Path, out: Path, depth: int = 100_000) -> Path:
    """Three records whose payloads nest 100,000 deep (the structure of the file is sound)."""
    return edited(bundle, out, f"UPDATE records SET payload = '{{\"a\":' || replace(hex(zeroblob({depth})), '00', '[')"
                               " || '1' WHERE seq IN (1, 5, 9)")


def journal_as_bundle(journal: Path, out: Path) -> Path:
    shutil.copyfile(journal, out)
    return out


def ghost(out: Path, kiosk: str = "ghost") -> Path:
    """A hand-made journal of a kiosk that does not exist (one lesson, two children)."""
    j = Journal(out, kiosk)
    lesson(j, "g1", wall=1.79e9, learners=["L1", "L2"], answers={"L1": "A", "L2": "A"})
    j.close()
    return out


def deep_manifest(bundle: Path, out: Path, depth: int = 100_000) -> Path:
    db_bytes, _manifest, _sig = split_bundle(bundle)
    return join_bundle(out, db_bytes, b"[" * depth + b"]" * depth, b"")


def huge_manifest(bundle: Path, out: Path, size: int = 900_000) -> Path:
    """A manifest that parses, with the right checksum, padded to nearly a megabyte."""
    db_bytes, manifest, _sig = split_bundle(bundle)
    m = json.loads(manifest)
    m["padding"] = "x" * size
    return rebundle(out, db_bytes, m)


def _remade(bundle: Path, out: Path, sql: str, drop_records: bool = False) -> Path:
    """A new database with the bundle's tables (records replaced by `sql` when asked), rebundled."""
    db_bytes, manifest, _sig = split_bundle(bundle)
    src = out.with_suffix(".src")
    src.write_bytes(db_bytes)
    work = out.with_suffix(".work")
    if work.exists():
        work.unlink()
    db = sqlite3.connect(work)
    db.executescript(RECORDS_SCHEMA)
    db.execute("ATTACH ? AS src", (str(src),))
    db.execute("INSERT INTO records SELECT * FROM src.records")
    db.execute("INSERT INTO session_counts SELECT * FROM src.session_counts")
    db.execute("INSERT INTO bundle_info SELECT * FROM src.bundle_info")
    db.commit()
    db.execute("DETACH src")
    if drop_records:
        db.executescript("ALTER TABLE records RENAME TO real_records;")
    db.executescript(sql)
    db.commit()
    db.close()
    data = work.read_bytes()
    work.unlink()
    src.unlink()
    return rebundle(out, data, json.loads(manifest))


def recursive_view(bundle: Path, out: Path) -> Path:
    """`records` is a view that counts for ever (a recursive query with no end)."""
    return _remade(bundle, out, """
        CREATE VIEW records AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
        SELECT i AS seq, 'x' || i AS id, 'k1' AS kiosk_id, 's1' AS session_id, 0.0 AS wall, 0.0 AS mono,
               'answer.recorded' AS kind, '{}' AS payload FROM n WHERE i < 0;
    """, drop_records=True)


def with_trigger(bundle: Path, out: Path) -> Path:
    return _remade(bundle, out, "CREATE TRIGGER t AFTER INSERT ON records BEGIN DELETE FROM records; END;")


def extra_table(bundle: Path, out: Path) -> Path:
    return _remade(bundle, out, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello');")


HOSTILE = {
    "deep-manifest": deep_manifest,
    "deep-manifest-small": lambda bundle, out: deep_manifest(bundle, out, depth=5000),  # 10 kB: within the size bound
    "recursive-view": recursive_view, "trigger": with_trigger,
    "extra-table": extra_table, "huge-manifest": huge_manifest,
}


def kill_with_wal(path: Path, kiosk: str = "k1", sessions: int = 3, header_ahead: bool = True) -> Path:
    """A journal whose last records are only in its WAL: the kiosk stopped before a checkpoint.

    The first lesson is checkpointed into the file; the writer process then dies without closing,
    so the later lessons stay in `<journal>-wal`, as after a power cut. With `header_ahead`, the
    file's header already counts the pages the WAL adds, as when a checkpoint on a full disk wrote
    the first page and could not grow the file: the file looks cut short, but SQLite reads it whole.
    """
    code = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from cinema.journal import Journal
from tests.reports.journals import lesson
j = Journal({str(path)!r}, {kiosk!r})
lesson(j, "s0", wall=1.79e9, learners=["L1"], answers={{"L1": "A"}})
j._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
j._db.execute("PRAGMA wal_autocheckpoint=0")
for n in range(1, {sessions}):
    lesson(j, f"s{{n}}", wall=1.79e9 + n * 86400, learners=["L1", "L2"], answers={{"L1": "A", "L2": "B"}})
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    if header_ahead:
        copy = path.with_name(path.name + ".copy")
        shutil.copyfile(path, copy)
        shutil.copyfile(path.with_name(path.name + "-wal"), copy.with_name(copy.name + "-wal"))
        db = sqlite3.connect(copy)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.close()
        for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            leftover.unlink(missing_ok=True)
        with open(path, "r+b") as f:
            f.seek(28)
            f.write(pages.to_bytes(4, "big"))
    return path


def record_pages(path: Path) -> list[int]:
    """The pages that hold a journal's records themselves (leaves of its `records` table), in order."""
    db = sqlite3.connect(path)
    try:
        return [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = 'leaf'"
                                         " ORDER BY pageno")]
    finally:
        db.close()


def records_on(path: Path, pages: list[int]) -> int:
    """How many records these pages of a journal hold (before they are damaged)."""
    db = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(pages))
        return db.execute(f"SELECT SUM(ncell) FROM dbstat WHERE name = 'records' AND pageno IN ({marks})",
                          pages).fetchone()[0]
    finally:
        db.close()


def damage_pages(path: Path, pages: list[int], page_size: int | None = None) -> Path:
    """Overwrite whole pages of a SQLite file with junk, as a failing disk or stick does."""
    data = bytearray(path.read_bytes())
    size = page_size or int.from_bytes(data[16:18], "big")
    for page in pages:  # 1-based page numbers
        start = (page - 1) * size
        data[start:start + size] = os.urandom(size)
    path.write_bytes(bytes(data))
    return path
