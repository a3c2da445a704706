"""Export bundles: one file a teacher copies to a USB stick, checked and signed so damage shows.

A bundle is a zip file (`.lcb`) holding three members:

    manifest.json    what is inside: kiosk id, sequence range, record count, sha256 of each file
    records.sqlite   the records, in the journal's own table layout (reports query it directly)
    signature.json   HMAC-SHA256 of manifest.json with a key derived from the programme's card key

The signature key is derived from the card key file every kiosk of a programme already has
(`cards.keys`), so a supervisor who holds the same file can tell a bundle made by one of the
programme's kiosks from a damaged or altered one. Without a key file the bundle is still made,
with checksums but unsigned, and the report says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cinema.locale.runtime import gettext as _

FORMAT = "learning-cinema-bundle"
FORMAT_VERSION = 1
SUFFIX = ".lcb"
MANIFEST, RECORDS, SIGNATURE = "manifest.json", "records.sqlite", "signature.json"
EXPORTED_THROUGH = "exported_through"  # journal meta: the last sequence number already exported
_DERIVE = b"learning-cinema/export-bundle/v1"
_CHUNK = 1 << 20

RECORDS_SCHEMA = """
CREATE TABLE records (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL, session_id TEXT NOT NULL,
    wall REAL NOT NULL, mono REAL NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX records_kind ON records(kind);
CREATE INDEX records_session_kind ON records(session_id, kind);
"""


class BundleError(Exception):
    """A bundle could not be made, or is damaged or altered; the message says which, in plain words."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kiosk_id: str
    first_seq: int
    last_seq: int
    records: int
    signed: bool


def signing_key(card_key: bytes) -> bytes:
    """The bundle key: derived, so a signature never reveals anything about the card key."""
    return hmac.new(card_key, _DERIVE, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# ---- writing ------------------------------------------------------------------


def export_bundle(journal_path: Path, out: Path, card_keys: tuple[bytes, ...] = (), *, everything: bool = False,
                  wall: Callable[[], float] = time.time) -> ExportResult:
    """Write the records not exported yet (or all) to a bundle at `out` (a file, or a folder for it).

    Nothing partial: the bundle is written beside its place and renamed; the journal notes what
    was exported only after the bundle is safely written, so an export cut short is just redone.
    """
    from cinema.journal.store import Journal, JournalError

    journal_path = Path(journal_path)
    if not journal_path.exists():
        raise BundleError(_("{path}: no journal here; give the kiosk's journal with --journal").format(
            path=journal_path))
    try:
        journal = Journal(journal_path, kiosk_id="unknown")
    except JournalError as exc:
        raise BundleError(str(exc)) from None
    try:
        done = 0 if everything else int(journal.meta(EXPORTED_THROUGH) or 0)
        last = journal.last_seq()
        if last <= done:
            raise BundleError(_("nothing new to export: every record up to number {seq} is in an earlier "
                                "bundle (use --all to export everything again)").format(seq=done))
        target = _target(Path(out), journal.kiosk_id, done + 1, last, wall())
        with tempfile.TemporaryDirectory(prefix="lc-export-") as tmp:
            records = Path(tmp) / RECORDS
            count = _copy_records(journal.connection(), records, done, last)
            manifest = {
                "format": FORMAT, "version": FORMAT_VERSION, "kiosk_id": journal.kiosk_id,
                "first_seq": done + 1, "last_seq": last, "records": count, "created_wall": wall(),
                "files": {RECORDS: {"sha256": _sha256(records), "bytes": records.stat().st_size}},
                "journal": journal_path.name,
            }
            manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
            signature = None
            if card_keys:
                key = signing_key(card_keys[0])
                signature = {"alg": "HMAC-SHA256", "key_id": key_id(key),
                             "mac": hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()}
            _write_zip(target, manifest_bytes, records, signature)
        journal.set_meta(EXPORTED_THROUGH, str(last))
        return ExportResult(target, journal.kiosk_id, done + 1, last, count, signature is not None)
    except sqlite3.Error as exc:
        raise BundleError(_("the journal could not be read: {error}").format(error=exc)) from None
    except OSError as exc:
        raise BundleError(_("the bundle could not be written: {error}").format(error=exc.strerror or exc)) from None
    finally:
        journal.close()


def _target(out: Path, kiosk_id: str, first: int, last: int, wall: float) -> Path:
    if out.is_dir():
        day = time.strftime("%Y-%m-%d", time.localtime(wall))
        return out / f"{kiosk_id}-{day}-{first}-{last}{SUFFIX}"
    return out


def _copy_records(db: sqlite3.Connection, target: Path, after: int, through: int) -> int:
    """Copy in SQLite's own code (no Python per record): a year of one kiosk takes seconds."""
    out = sqlite3.connect(target)
    out.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + RECORDS_SCHEMA)
    out.close()
    db.execute("ATTACH DATABASE ? AS bundle", (str(target),))
    try:
        db.execute("BEGIN")
        db.execute("INSERT INTO bundle.records SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload"
                   " FROM main.records WHERE seq > ? AND seq <= ?", (after, through))
        count = db.execute("SELECT COUNT(*) FROM bundle.records").fetchone()[0]
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.execute("DETACH DATABASE bundle")
    return count


def _write_zip(target: Path, manifest: bytes, records: Path, signature: dict | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            z.writestr(MANIFEST, manifest)
            z.write(records, RECORDS)
            if signature is not None:
                z.writestr(SIGNATURE, json.dumps(signature, indent=1, sort_keys=True))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- reading --------------------------------------------------------------------


@dataclass
class OpenedBundle:
    """A verified bundle, its records unpacked to a private temporary folder until `close()`."""

    path: Path
    manifest: dict
    records_path: Path
    signed: bool  # the signature was checked with one of the programme's keys
    unsigned_reason: str  # why the signature was not checked ("" when signed)
    _tmp: Path

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)


def open_bundle(path: Path, card_keys: tuple[bytes, ...] = (), tmp_root: Path | None = None) -> OpenedBundle:
    """Check a bundle (zip, manifest, checksum, signature, records) and unpack it; BundleError says why not."""
    path = Path(path)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(_("not a readable bundle (damaged or not a bundle): {error}").format(error=exc)) from None
    tmp = Path(tempfile.mkdtemp(prefix="lc-bundle-", dir=tmp_root))
    try:
        with z:
            names = set(z.namelist())
            if MANIFEST not in names or RECORDS not in names:
                raise BundleError(_("not a Learning Cinema bundle (no manifest or no records inside)"))
            manifest_bytes = _read_member(z, MANIFEST, 1 << 20)
            try:
                manifest = json.loads(manifest_bytes)
            except ValueError:
                raise BundleError(_("the bundle's manifest is damaged")) from None
            _check_manifest(manifest)
            signed, reason = _check_signature(z, names, manifest_bytes, card_keys)
            records = tmp / RECORDS
            digest = hashlib.sha256()
            try:
                with z.open(RECORDS) as src, open(records, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a bad CRC or a cut-short copy
                raise BundleError(_("the records in the bundle are damaged: {error}").format(error=exc)) from None
        if digest.hexdigest() != manifest["files"][RECORDS]["sha256"]:
            raise BundleError(_("the records do not match the bundle's checksum: the bundle was changed or damaged"))
        _check_records(records, manifest)
        return OpenedBundle(path, manifest, records, signed, reason, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _read_member(z: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = z.getinfo(name)
        if info.file_size > limit:
            raise BundleError(_("the bundle's {name} is far too big: not made by Learning Cinema").format(name=name))
        return z.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleError(_("the bundle is damaged: {error}").format(error=exc)) from None


def _check_manifest(m: object) -> None:
    ok = (isinstance(m, dict) and m.get("format") == FORMAT and isinstance(m.get("kiosk_id"), str)
          and all(isinstance(m.get(k), int) for k in ("first_seq", "last_seq", "records"))
          and isinstance(m.get("files"), dict) and isinstance(m["files"].get(RECORDS), dict)
          and isinstance(m["files"][RECORDS].get("sha256"), str))
    if not ok:
        raise BundleError(_("the bundle's manifest is not one Learning Cinema writes"))
    if m.get("version", 0) > FORMAT_VERSION:
        raise BundleError(_("the bundle was made by a newer Learning Cinema: update this computer"))


def _check_signature(z: zipfile.ZipFile, names: set[str], manifest: bytes,
                     card_keys: tuple[bytes, ...]) -> tuple[bool, str]:
    if SIGNATURE not in names:
        return False, _("the bundle is not signed (the kiosk had no card key file)")
    try:
        sig = json.loads(_read_member(z, SIGNATURE, 1 << 16))
        mac = sig["mac"]
    except (ValueError, KeyError, TypeError):
        raise BundleError(_("the bundle's signature is damaged")) from None
    if not card_keys:
        return False, _("the signature was not checked: no card key file (give it with --keys)")
    for card_key in card_keys:
        key = signing_key(card_key)
        if hmac.compare_digest(hmac.new(key, manifest, hashlib.sha256).hexdigest(), str(mac)):
            return True, ""
    raise BundleError(_("the signature does not match: the bundle was changed, or it comes from another "
                        "programme (a different card key file)"))


def _check_records(records: Path, manifest: dict) -> None:
    try:
        db = sqlite3.connect(f"file:{records}?mode=ro", uri=True)
        try:
            n, lo, hi, kiosks = db.execute(
                "SELECT COUNT(*), MIN(seq), MAX(seq), COUNT(DISTINCT kiosk_id) FROM records").fetchone()
            kiosk = db.execute("SELECT kiosk_id FROM records LIMIT 1").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BundleError(_("the records in the bundle are damaged: {error}").format(error=exc)) from None
    if (n, lo or 0, hi or 0) != (manifest["records"], manifest["first_seq"] if n else 0,
                                 manifest["last_seq"] if n else 0) or kiosks > 1 or (
            kiosk and kiosk[0] != manifest["kiosk_id"]):
        raise BundleError(_("the records do not match the bundle's manifest"))
