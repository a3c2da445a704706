"""Export bundles: one file a teacher copies to a USB stick, checked and signed so damage shows.

A bundle (`.lcb`) is a SQLite database of the exported records, followed by a trailer:

    [SQLite database: records, indexes, per-session counts]   N bytes, hashed (sha256)
    [manifest.json]    kiosk id, sequence range, record count, N and the sha256 of those N bytes
    [signature.json]   HMAC-SHA256 of the manifest, with a key derived from the programme's card key
    [32-byte trailer]  b"LCBUNDLE", format version, the three lengths

SQLite reads the database and ignores what follows it (its header says how long it is), so a
report opens the bundle in place, read-only, with no unpacking: a year of fifty kiosks is
checked at the speed of hashing. The signature key is derived from the card key file every kiosk
of a programme already has (`cards.keys`), so a supervisor who holds the same file can tell a
bundle made by one of the programme's kiosks from a damaged or altered one. Without a key file
the bundle is still made, with checksums but unsigned, and the report says so.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import sqlite3
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from cinema.atomic import replacing
from cinema.locale.runtime import gettext as _

FORMAT = "learning-cinema-bundle"
FORMAT_VERSION = 1
SUFFIX = ".lcb"
MAGIC = b"LCBUNDLE"
TRAILER = struct.Struct("<8sIQII4x")  # magic, version, database bytes, manifest bytes, signature bytes
MAX_META = 1 << 20  # the signature's bound (a few hundred bytes in practice)
MAX_MANIFEST = 64 << 10  # a manifest is about 400 bytes; anything far bigger is not one of ours
MAX_DEPTH = 8  # a manifest nests two deep: deeper is refused before it is parsed
EXPORTED_THROUGH = "exported_through"  # journal meta: the last sequence number already exported
_DERIVE = b"learning-cinema/export-bundle/v1"
_CHUNK = 1 << 20

RECORDS_SCHEMA = """
CREATE TABLE records (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL, session_id TEXT NOT NULL,
    wall REAL NOT NULL, mono REAL NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX records_kind ON records(kind);
CREATE INDEX records_session_kind ON records(session_id, kind);
CREATE TABLE session_counts (
    session_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, min_seq INTEGER NOT NULL,
    max_seq INTEGER NOT NULL, PRIMARY KEY (session_id, kind)) WITHOUT ROWID;
CREATE TABLE bundle_info (key TEXT PRIMARY KEY, value TEXT);
"""


class BundleError(Exception):
    """A bundle could not be made, or is damaged or altered; the message says which, in plain words."""


class NothingNew(BundleError):
    """Every record is already in an earlier bundle."""


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


def _sha256(path: Path, size: int) -> str:
    """The sha256 of the first `size` bytes of a file."""
    h = hashlib.sha256()
    left = size
    with open(path, "rb") as f:
        while left > 0 and (chunk := f.read(min(_CHUNK, left))):
            h.update(chunk)
            left -= len(chunk)
    if left:
        raise BundleError(_("the bundle is cut short (was the copy finished?)"))
    return h.hexdigest()


# ---- writing ------------------------------------------------------------------


def export_bundle(journal_path: Path, out: Path | str, card_keys: tuple[bytes, ...] = (), *, everything: bool = False,
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
        # A journal started after a damaged one holds nothing before its base (those records are in
        # the damaged file, which the supervisor is given as it is).
        done = journal.seq_base if everything else max(int(journal.meta(EXPORTED_THROUGH) or 0), journal.seq_base)
        last = journal.last_seq()
        if last <= done:
            raise NothingNew(_("nothing new to export: every record up to number {seq} is in an earlier "
                                "bundle (use --all to export everything again)").format(seq=done))
        target = _target(out, journal.kiosk_id, done + 1, last, wall())
        with replacing(target) as tmp:
            count = _copy_records(journal.connection(), tmp, done, last, journal.kiosk_id)
            db_bytes = tmp.stat().st_size
            manifest = {
                "format": FORMAT, "version": FORMAT_VERSION, "kiosk_id": journal.kiosk_id,
                "first_seq": done + 1, "last_seq": last, "records": count, "created_wall": wall(),
                "database": {"bytes": db_bytes, "sha256": _sha256(tmp, db_bytes)},
                "journal": journal_path.name,
            }
            manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
            signature = b""
            if card_keys:
                key = signing_key(card_keys[0])
                signature = json.dumps({"alg": "HMAC-SHA256", "key_id": key_id(key),
                                        "mac": hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()}).encode()
            with open(tmp, "ab") as f:
                f.write(manifest_bytes + signature)
                f.write(TRAILER.pack(MAGIC, FORMAT_VERSION, db_bytes, len(manifest_bytes), len(signature)))
        journal.set_meta(EXPORTED_THROUGH, str(last))
        return ExportResult(target, journal.kiosk_id, done + 1, last, count, bool(signature))
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:  # the stick is full, not the journal bad
            raise BundleError(_("the bundle could not be written: {error}").format(
                error=os.strerror(errno.ENOSPC))) from None
        raise BundleError(_("the journal could not be read: {error}").format(error=exc)) from None
    except OSError as exc:
        raise BundleError(_("the bundle could not be written: {error}").format(error=exc.strerror or exc)) from None
    finally:
        journal.close()


def _target(out: Path | str, kiosk_id: str, first: int, last: int, wall: float) -> Path:
    """A folder (one that exists, or a name ending in /) gets a bundle named for the kiosk and range."""
    folder = str(out).endswith(("/", os.sep))
    out = Path(out)
    if out.is_dir() or folder:
        day = time.strftime("%Y-%m-%d", time.localtime(wall))
        return out / f"{kiosk_id}-{day}-{first}-{last}{SUFFIX}"
    return out


def _copy_records(db: sqlite3.Connection, target: Path, after: int, through: int, kiosk_id: str) -> int:
    """Copy in SQLite's own code (no Python per record): a year of one kiosk takes seconds."""
    out = sqlite3.connect(target)
    out.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + RECORDS_SCHEMA)
    out.close()
    db.execute("ATTACH DATABASE ? AS bundle", (str(target),))
    try:
        db.execute("BEGIN")
        db.execute("INSERT INTO bundle.records SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload"
                   " FROM main.records WHERE seq > ? AND seq <= ?", (after, through))
        # Counts per session and kind for exactly this range: a report that reads the whole bundle
        # takes them from here instead of counting again.
        db.execute("INSERT INTO bundle.session_counts SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq)"
                   " FROM bundle.records GROUP BY session_id, kind")
        db.executemany("INSERT INTO bundle.bundle_info VALUES (?, ?)",
                       [("format", FORMAT), ("kiosk_id", kiosk_id), ("first_seq", str(after + 1)),
                        ("last_seq", str(through))])
        count = db.execute("SELECT COUNT(*) FROM bundle.records").fetchone()[0]
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.execute("DETACH DATABASE bundle")
    return count


# ---- reading --------------------------------------------------------------------


@dataclass
class OpenedBundle:
    """A checked bundle; its records are read in place (`uri`), read-only."""

    path: Path
    manifest: dict
    uri: str
    signed: bool  # the signature was checked with one of the programme's keys
    unsigned_reason: str  # why the signature was not checked ("" when signed)


def sqlite_uri(path: Path, immutable: bool = False) -> str:
    """A read-only SQLite URI for any file name (spaces, #, ? and % included)."""
    return f"file:{quote(str(Path(path).absolute()))}?mode=ro" + ("&immutable=1" if immutable else "")


def read_trailer(path: Path) -> tuple[int, int, int] | None:
    """(database, manifest, signature) lengths when the file ends like a bundle; None otherwise."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size < TRAILER.size:
                return None
            f.seek(size - TRAILER.size)
            magic, version, db_len, man_len, sig_len = TRAILER.unpack(f.read(TRAILER.size))
    except OSError:
        return None
    if magic != MAGIC:
        return None
    if version > FORMAT_VERSION:
        raise BundleError(_("the bundle was made by a newer Learning Cinema: update this computer"))
    if man_len > MAX_MANIFEST:
        raise BundleError(_("the bundle's manifest is far too big to be one Learning Cinema writes"))
    if sig_len > MAX_META or db_len + man_len + sig_len + TRAILER.size != size:
        raise BundleError(_("the bundle is damaged (its parts do not add up)"))
    return db_len, man_len, sig_len


def open_bundle(path: Path, card_keys: tuple[bytes, ...] = (), deadline: float | None = None) -> OpenedBundle:
    """Check a bundle (trailer, manifest, checksum, signature, schema, records); BundleError says why not.

    `deadline` (time.monotonic()) bounds the time SQLite may spend on it. A bundle whose signature
    was not checked is hand-made as easily as a real one: its structure and every record's types
    are checked too, so nothing in it can stop a report later.
    """
    path = Path(path)
    lengths = read_trailer(path)
    if lengths is None:
        raise BundleError(_("not a complete bundle: it is cut short or not a Learning Cinema bundle"))
    db_len, man_len, sig_len = lengths
    with open(path, "rb") as f:
        f.seek(db_len)
        manifest_bytes = f.read(man_len)
        signature_bytes = f.read(sig_len)
    manifest = _parse_json(manifest_bytes, _("the bundle's manifest is damaged"))
    _check_manifest(manifest, db_len)
    signed, reason = _check_signature(signature_bytes, manifest_bytes, card_keys)
    if _sha256(path, db_len) != manifest["database"]["sha256"]:
        raise BundleError(_("the records do not match the bundle's checksum: the bundle was changed or damaged"))
    uri = sqlite_uri(path, immutable=True)
    _check_records(uri, manifest, deadline, deep=not signed)
    return OpenedBundle(path, manifest, uri, signed, reason)


def _depth(data: bytes) -> int:
    """How deep brackets nest in JSON text (strings skipped); counted without parsing, so a
    manifest nested 100,000 deep costs one pass over its bytes and no recursion."""
    deepest = depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _parse_json(data: bytes, damaged: str) -> object:
    if _depth(data) > MAX_DEPTH:
        raise BundleError(damaged)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise BundleError(damaged) from None


def _check_manifest(m: object, db_len: int) -> None:
    ok = (isinstance(m, dict) and m.get("format") == FORMAT and isinstance(m.get("kiosk_id"), str)
          and all(isinstance(m.get(k), int) for k in ("first_seq", "last_seq", "records"))
          and isinstance(m.get("database"), dict) and isinstance(m["database"].get("sha256"), str))
    if not ok:
        raise BundleError(_("the bundle's manifest is not one Learning Cinema writes"))
    if m["database"].get("bytes") != db_len:
        raise BundleError(_("the bundle is damaged (its parts do not add up)"))


def _check_signature(sig_bytes: bytes, manifest: bytes, card_keys: tuple[bytes, ...]) -> tuple[bool, str]:
    if not sig_bytes:
        return False, _("the bundle is not signed (the kiosk had no card key file)")
    damaged = _("the bundle's signature is damaged")
    signature = _parse_json(sig_bytes, damaged)
    if not isinstance(signature, dict) or "mac" not in signature:
        raise BundleError(damaged)
    mac = signature["mac"]
    if not card_keys:
        return False, _("the signature was not checked: no card key file (give it with --keys)")
    for card_key in card_keys:
        key = signing_key(card_key)
        if hmac.compare_digest(hmac.new(key, manifest, hashlib.sha256).hexdigest(), str(mac)):
            return True, ""
    raise BundleError(_("the signature does not match: the bundle was changed, or it comes from another "
                        "programme (a different card key file)"))


def _check_records(uri: str, manifest: dict, deadline: float | None, deep: bool) -> None:
    try:
        db = connect_checked(uri, deadline)
        try:
            problem = check_schema(db, bundle_schema())
            if problem:
                raise BundleError(problem)
            if deep:
                problem = check_contents(db)
                if problem:
                    raise BundleError(problem)
            # From the per-session counts and the ends of the sequence: no scan of the records.
            n = db.execute("SELECT COALESCE(SUM(n), 0) FROM session_counts").fetchone()[0]
            lo = db.execute("SELECT MIN(seq) FROM records").fetchone()[0]
            hi = db.execute("SELECT MAX(seq) FROM records").fetchone()[0]
            kiosk = db.execute("SELECT value FROM bundle_info WHERE key = 'kiosk_id'").fetchone()
            if deep:
                # Nothing vouches for the counts or the kiosk of each record: read them (one scan).
                actual = db.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE kiosk_id IS NOT ?) FROM records",
                                    (manifest["kiosk_id"],)).fetchone()
                if actual[0] != n or actual[1]:
                    raise BundleError(_("the records do not match the bundle's manifest"))
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BundleError(explain_sqlite(exc, _("the records in the bundle are damaged: {error}"))) from None
    except UnicodeDecodeError:  # SQLite's own message quotes a damaged schema that is not even text
        raise BundleError(_("the records in the bundle are damaged: {error}").format(
            error=_("its table definitions are not readable"))) from None
    if (n, lo, hi) != (manifest["records"], manifest["first_seq"], manifest["last_seq"]) or (
            kiosk is None or kiosk[0] != manifest["kiosk_id"]):
        raise BundleError(_("the records do not match the bundle's manifest"))


# ---- reading any SQLite file a report is given: read-only, time-bounded, its schema checked -----


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def connect_checked(uri: str, deadline: float | None = None) -> sqlite3.Connection:
    """A read-only connection that runs nothing the file brings (no functions from its schema) and is
    interrupted at `deadline` (time.monotonic()): a hostile file can make SQLite loop, never hang us."""
    db = sqlite3.connect(uri, uri=True, check_same_thread=False)
    db.text_factory = _text  # text that is not UTF-8 (a hand-made file) reads with U+FFFD, never an exception
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA query_only = ON")
        db.execute("PRAGMA cell_size_check = ON")
        if deadline is not None:
            db.set_progress_handler(lambda: time.monotonic() > deadline, 2000)
    except sqlite3.Error:
        db.close()
        raise
    return db


def explain_sqlite(exc: sqlite3.Error, template: str) -> str:
    """A plain reason for an SQLite error on a file given to a report (an interruption is our time limit)."""
    if str(exc) == "interrupted":
        return _("the file took too long to read (it may be built to stop the report): not used")
    return template.format(error=exc)


_RECORD_TYPES = ("SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE typeof(id) != 'text' OR typeof(kiosk_id) != 'text'"
                 " OR typeof(session_id) != 'text' OR typeof(kind) != 'text' OR typeof(payload) != 'text'"
                 " OR typeof(wall) NOT IN ('real', 'integer') OR typeof(mono) NOT IN ('real', 'integer') LIMIT 1)")
_COUNT_TYPES = ("SELECT COUNT(*) FROM (SELECT 1 FROM session_counts WHERE typeof(session_id) != 'text'"
                " OR typeof(kind) != 'text' OR typeof(n) != 'integer' OR typeof(min_seq) != 'integer'"
                " OR typeof(max_seq) != 'integer' LIMIT 1)")


def check_contents(db: sqlite3.Connection) -> str:
    """"" when the file's pages are sound and every record has the types Learning Cinema writes; else why not.
    (A scan of the file: for files whose signature was not checked.)"""
    result = db.execute("PRAGMA quick_check(1)").fetchone()
    if not result or result[0] != "ok":
        return _("the file is damaged (SQLite finds errors in it)")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if db.execute(_RECORD_TYPES).fetchone()[0] or (
            "session_counts" in tables and db.execute(_COUNT_TYPES).fetchone()[0]):
        return _("the file holds records Learning Cinema does not write (wrong types): not used")
    return ""


Schema = dict[tuple[str, str], tuple]


def _schema_of(db: sqlite3.Connection) -> Schema:
    """What each table (its columns, hidden ones too) and index (its SQL) of a file is."""
    out: Schema = {}
    for type_, name, table, sql in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall():
        if type_ == "table":
            columns = tuple((c[1], str(c[2]).upper(), c[3], c[5], c[6])
                            for c in db.execute("SELECT * FROM pragma_table_xinfo(?)", (name,)).fetchall())
            virtual = str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL")
            out[(type_, name)] = (virtual, columns)
        else:
            out[(type_, name)] = (table, " ".join(str(sql).split()) if sql is not None else None)
    return out


def _schema_of_script(*scripts: str) -> Schema:
    db = sqlite3.connect(":memory:")
    try:
        out: Schema = {}
        for script in scripts:  # each step of a schema's history: older files hold an earlier one
            db.executescript(script)
            out.update(_schema_of(db))
        return out
    finally:
        db.close()


_SCHEMAS: dict[str, Schema] = {}


def bundle_schema() -> Schema:
    if "bundle" not in _SCHEMAS:
        _SCHEMAS["bundle"] = _schema_of_script(RECORDS_SCHEMA)
    return _SCHEMAS["bundle"]


def journal_schema() -> Schema:
    """Every table and index a kiosk's journal has had, from the journal's own migrations."""
    if "journal" not in _SCHEMAS:
        from cinema.journal.store import MIGRATIONS

        _SCHEMAS["journal"] = _schema_of_script(*(MIGRATIONS[v] for v in sorted(MIGRATIONS)))
    return _SCHEMAS["journal"]


def check_schema(db: sqlite3.Connection, expected: Schema) -> str:
    """"" when the file has only tables and indexes Learning Cinema makes, with their columns; else why not.

    Views and triggers are refused outright: a view can be a query that never ends (a recursive
    `records`), a trigger runs code. Nothing in the file is run to find this out.
    """
    try:
        kinds = db.execute("SELECT type, name FROM sqlite_master WHERE type NOT IN ('table', 'index')").fetchall()
    except sqlite3.DatabaseError as exc:
        return explain_sqlite(exc, _("not a journal or bundle Learning Cinema can read ({error})"))
    if kinds:
        return _("the file contains a {kind} ({name}), which Learning Cinema never writes: not used").format(
            kind=str(kinds[0][0]), name=str(kinds[0][1])[:60])
    have = _schema_of(db)
    if ("table", "records") not in have:
        return _("not a journal or bundle: it has no records")
    for key, shape in have.items():
        type_, name = key
        if type_ == "index" and name.startswith("sqlite_autoindex_") and ("table", shape[0]) in expected:
            continue  # made by SQLite itself for a UNIQUE or PRIMARY KEY column
        if expected.get(key) != shape:
            return _("the file has a {kind} {name} that Learning Cinema does not write: not used").format(
                kind=type_, name=str(name)[:60])
    return ""
