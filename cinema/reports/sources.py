"""The files given to `cinema report`: journals and export bundles, opened read-only and checked."""

from __future__ import annotations

import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cinema.journal.bundle import BundleError, OpenedBundle, open_bundle
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
    db_path: Path
    ranges: list[KioskRange] = field(default_factory=list)
    bundle: OpenedBundle | None = None

    def close(self) -> None:
        if self.bundle is not None:
            self.bundle.close()


def connect(path: Path) -> sqlite3.Connection:
    # Read-only: a kiosk may be writing to the journal while a report is made from it.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def open_sources(paths: list[Path], card_keys: tuple[bytes, ...] = ()) -> tuple[list[Source], list[SourceInfo]]:
    """The usable sources, and a SourceInfo for every path (refused ones say why)."""
    usable: list[Source] = []
    infos: list[SourceInfo] = []
    for path in paths:
        source = open_source(Path(path), card_keys)
        infos.append(source.info)
        if source.info.status in ("ok", "unsigned"):
            usable.append(source)
    return usable, infos


def open_source(path: Path, card_keys: tuple[bytes, ...] = ()) -> Source:
    name = path.name
    if not path.exists():
        return Source(SourceInfo(name, "?", "refused", reason=_("no such file")), path)
    if path.is_dir():
        return Source(SourceInfo(name, "?", "refused", reason=_("this is a folder, not a journal or bundle")), path)
    try:
        with open(path, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        return Source(SourceInfo(name, "?", "refused", reason=str(exc.strerror or exc)), path)
    if magic.startswith(b"PK") or zipfile.is_zipfile(path):  # a bundle, maybe cut short
        try:
            bundle = open_bundle(path, card_keys)
        except BundleError as exc:
            return Source(SourceInfo(name, "bundle", "refused", reason=str(exc)), path)
        status = "ok" if bundle.signed else "unsigned"
        source = Source(SourceInfo(name, "bundle", status, reason=bundle.unsigned_reason), bundle.records_path,
                        bundle=bundle)
    else:
        source = Source(SourceInfo(name, "journal", "ok"), path)
    try:
        db = connect(source.db_path)
        try:
            rows = db.execute("SELECT kiosk_id, MIN(seq), MAX(seq), COUNT(*) FROM records GROUP BY kiosk_id").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        source.close()
        reason = _("not a journal or bundle Learning Cinema can read ({error})").format(error=exc)
        return Source(SourceInfo(name, source.info.kind, "refused", reason=reason), path)
    source.ranges = [KioskRange(k, lo, hi, n) for k, lo, hi, n in rows]
    source.info.records = sum(r.records for r in source.ranges)
    if source.ranges:
        source.info.kiosk_id = ", ".join(r.kiosk_id for r in source.ranges)
        source.info.first_seq = min(r.first_seq for r in source.ranges)
        source.info.last_seq = max(r.last_seq for r in source.ranges)
    return source
