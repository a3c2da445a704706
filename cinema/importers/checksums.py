"""A lesson's checksums.json: what every media file should be, so a truncated or altered copy is named before class.

`playlists/NAME/checksums.json` lists every file of the lesson's media folder with its size and
sha256. `cinema import` writes it (write_manifest); `cinema check` compares the folder with it
(verify_lesson). Sizes are compared every time (a stat per file); hashing is what costs time (a
few hundred MB a second), so a file whose (size, mtime, ctime, inode) is unchanged since it was
last hashed is not hashed again: a ChecksumCache beside the journal remembers those. A copy onto
the laptop gets new times and a new inode, so it is hashed once after every copy; a bit flipped
by a failing disk under an unchanged file is not seen on later checks (the cache trusts the stat).

A lesson without checksums.json (written by hand) is not an error. The file is read with bounds:
its size, nesting, the number of files, and each path (relative, no `..`, no link leading out of
the folder, ordinary files only) - a hostile one is a problem line, never a hang or a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from cinema.atomic import write_text
from cinema.config.problems import Problem
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext

NAME = "checksums.json"
FORMAT = "learning-cinema-checksums"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 8 << 20  # 20,000 entries of about 150 bytes is 3 MB
MAX_DEPTH = 4  # {"files": [{...}]} nests three deep
MAX_FILES = 20_000
MAX_PATH_CHARS = 1024
CHUNK = 1 << 20
CACHE_NAME = "checksums-cache.json"
MAX_CACHE_BYTES = 32 << 20
MAX_CACHE_ENTRIES = 100_000
_HEX64 = re.compile(r"[0-9a-f]{64}")

ProgressFactory = Callable[..., object]


# ---- sizes and hashes -----------------------------------------------------------


def human_size(n: int) -> str:
    """`812 bytes`, `40 KB`, `12.5 MB`, `3.2 GB`: one decimal where it helps a teacher compare."""
    if n < 1000:
        return _bytes(n)
    for unit, scale in ((_("{n} KB"), 1e3), (_("{n} MB"), 1e6), (_("{n} GB"), 1e9)):
        value = n / scale
        if value < 1000 or scale == 1e9:
            text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
            return unit.format(n=text.removesuffix(".0"))
    return str(n)  # not reached


def _bytes(n: int) -> str:
    return ngettext("{n} byte", "{n} bytes", n).format(n=n)


def sha256_file(path: Path, update: Callable[[int], object] | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            if update is not None:
                update(len(chunk))
    return h.hexdigest()


# ---- writing --------------------------------------------------------------------


def lesson_files(media_dir: Path) -> list[str]:
    """Every ordinary file under `media_dir` (relative, `/`-separated, sorted), but checksums.json,
    hidden files (temporaries of a write in progress) and links."""
    found: list[str] = []
    media_dir = Path(media_dir)
    for folder, dirs, files in os.walk(media_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = Path(folder) / name
            rel = full.relative_to(media_dir).as_posix()
            if rel == NAME:
                continue
            try:
                if stat.S_ISREG(os.lstat(full).st_mode):
                    found.append(rel)
            except OSError:
                continue
    return sorted(found)


def manifest_entries(media_dir: Path, files: Iterable[str] | None = None,
                     progress: ProgressFactory | None = None) -> list[dict]:
    media_dir = Path(media_dir)
    names = sorted(lesson_files(media_dir) if files is None else
                   {Path(f).relative_to(media_dir).as_posix() if Path(f).is_absolute() else PurePosixPath(f).as_posix()
                    for f in files} - {NAME})
    sizes = {rel: (media_dir / rel).stat().st_size for rel in names}
    bar = progress(_("Checksums"), sum(sizes.values()), unit="B") if progress else None
    try:
        return [{"path": rel, "bytes": sizes[rel],
                 "sha256": sha256_file(media_dir / rel, bar.update if bar else None)} for rel in names]
    finally:
        if bar is not None:
            bar.close()


def manifest_bytes(entries: list[dict]) -> bytes:
    return (json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "files": entries},
                       indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(media_dir: Path, files: Iterable[str] | None = None, *,
                   progress: ProgressFactory | None = None) -> Path:
    """Write `media_dir/checksums.json` (atomically) listing `files` (relative to media_dir, or
    absolute inside it), by default every file in the folder but itself; returns its path."""
    media_dir = Path(media_dir)
    target = media_dir / NAME
    write_text(target, manifest_bytes(manifest_entries(media_dir, files, progress)).decode("utf-8"), parents=False)
    return target


# ---- reading --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    path: str
    bytes: int
    sha256: str


class ManifestRefused(Exception):
    """checksums.json is not one: `reason` says why in the teacher's words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")


def json_too_deep(data: bytes, limit: int) -> bool:
    """True when brackets in JSON text nest more than `limit` deep, told without parsing and at C
    speed (strings dropped, then the innermost pairs removed `limit` times): an 8 MB file nested
    four million deep costs a fraction of a second and no recursion. Unbalanced text is left to
    the parser to call damaged."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        fewer = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if fewer == brackets:
            return False
        brackets = fewer
    return bool(brackets)


def read_bounded_json(path: Path, limit: int, depth: int) -> object:
    """A JSON file of at most `limit` bytes nested at most `depth` deep; ManifestRefused otherwise."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ManifestRefused(_("it is not an ordinary file"))
        if info.st_size > limit:
            raise ManifestRefused(_("it is too big ({size}; at most {limit})").format(
                size=human_size(info.st_size), limit=human_size(limit)))
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise ManifestRefused(_("it cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    if len(data) > limit:
        raise ManifestRefused(_("it is too big ({size}; at most {limit})").format(
            size=human_size(len(data)), limit=human_size(limit)))
    if json_too_deep(data, depth):
        raise ManifestRefused(_("it is nested too deep to be ours"))
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ManifestRefused(_("it is damaged (not JSON)")) from None


def safe_relative(text: object) -> str | None:
    """`text` as a clean relative `/` path inside its folder, or None: no absolute path, no `..`,
    no backslash or drive letter, no empty or hidden-by-dot parts, no control characters."""
    if not isinstance(text, str) or not text or len(text) > MAX_PATH_CHARS:
        return None
    if "\\" in text or text.startswith("/") or any(ord(c) < 32 for c in text) or ":" in text:
        return None
    parts = text.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return text


def read_manifest(path: Path) -> list[Entry]:
    """The entries of a checksums.json; ManifestRefused naming the first thing wrong."""
    data = read_bounded_json(path, MAX_MANIFEST_BYTES, MAX_DEPTH)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), list):
        raise ManifestRefused(_("it is not a list of checksums made by cinema import"))
    if data.get("version") != FORMAT_VERSION:
        raise ManifestRefused(_("it was made by a newer version of the program (version {v})").format(
            v=data.get("version")))
    if len(data["files"]) > MAX_FILES:
        raise ManifestRefused(_("it lists {n} files (at most {limit})").format(n=len(data["files"]), limit=MAX_FILES))
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["files"]):
        if not isinstance(raw, dict):
            raise ManifestRefused(_("entry {n} is damaged").format(n=i + 1))
        rel = safe_relative(raw.get("path"))
        size, digest = raw.get("bytes"), raw.get("sha256")
        if rel is None:
            raise ManifestRefused(_("entry {n} names a file outside the lesson's folder: {path}").format(
                n=i + 1, path=str(raw.get("path"))[:80]))
        if (not isinstance(size, int) or isinstance(size, bool) or size < 0
                or not isinstance(digest, str) or not _HEX64.fullmatch(digest)):
            raise ManifestRefused(_("entry {n} is damaged").format(n=i + 1))
        if rel in seen:
            raise ManifestRefused(_("{path} is listed twice").format(path=rel))
        seen.add(rel)
        entries.append(Entry(rel, size, digest))
    return entries


# ---- the cache ------------------------------------------------------------------


class ChecksumCache:
    """sha256 of files already hashed, by path and (size, mtime_ns, ctime_ns, inode): a file not
    touched since is not hashed again. Bounded; a damaged or foreign cache file is started afresh;
    a cache that cannot be saved (a read-only disk) only costs time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, list] = {}
        self._changed = False
        if path is not None:
            try:
                data = read_bounded_json(path, MAX_CACHE_BYTES, 3)
                if isinstance(data, dict) and data.get("version") == 1 and isinstance(data.get("files"), dict):
                    self._entries = {k: v for k, v in data["files"].items()
                                     if isinstance(v, list) and len(v) == 5}
            except ManifestRefused:
                pass

    @staticmethod
    def _stamp(info: os.stat_result) -> list:
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]

    def get(self, path: Path, info: os.stat_result) -> str | None:
        found = self._entries.get(str(path))
        if found and found[:4] == self._stamp(info):
            return found[4]
        return None

    def put(self, path: Path, info: os.stat_result, digest: str) -> None:
        if len(self._entries) >= MAX_CACHE_ENTRIES:
            self._entries.clear()
        self._entries[str(path)] = [*self._stamp(info), digest]
        self._changed = True

    def save(self) -> None:
        if self.path is None or not self._changed:
            return
        try:
            write_text(self.path, json.dumps({"version": 1, "files": self._entries}), parents=False)
            self._changed = False
        except OSError:
            pass  # next check hashes again; nothing is wrong with the lesson


def cache_beside(journal: Path | None) -> ChecksumCache:
    """The cache kept beside the kiosk's journal (in var/), or none when that folder is missing."""
    if journal is None or not Path(journal).parent.is_dir():
        return ChecksumCache(None)
    return ChecksumCache(Path(journal).parent / CACHE_NAME)


# ---- verifying ------------------------------------------------------------------


def media_dir_of(playlist_path: Path) -> Path:
    playlist_path = Path(playlist_path)
    return playlist_path.with_name(playlist_path.stem)


def verify_lesson(playlist_path: Path, cache: ChecksumCache | None = None, *,
                  progress: ProgressFactory | None = None) -> list[Problem]:
    """Problems with the lesson's media files against its checksums.json (none without one)."""
    playlist_path = Path(playlist_path).absolute()
    media_dir = media_dir_of(playlist_path)
    manifest = media_dir / NAME
    if not os.path.lexists(manifest):
        return []
    shown = f"{media_dir.name}/{NAME}"
    again = _("copy the lesson again from the programme's stick (or import it again)")
    try:
        entries = read_manifest(manifest)
    except ManifestRefused as refused:
        return [Problem(playlist_path, 0, "", _("{file} cannot be used: {reason}").format(
            file=shown, reason=refused.reason), again)]
    cache = cache or ChecksumCache(None)
    root = os.path.realpath(media_dir)
    problems: list[Problem] = []
    to_hash: list[tuple[Entry, Path, os.stat_result]] = []
    for entry in entries:
        name = f"{media_dir.name}/{entry.path}"
        full = media_dir / entry.path
        problem = _file_problem(entry, name, full, root)
        if isinstance(problem, str):
            problems.append(Problem(playlist_path, 0, "", problem, again))
            continue
        known = cache.get(Path(os.path.realpath(full)), problem)
        if known is None:
            to_hash.append((entry, full, problem))
        elif known != entry.sha256:
            problems.append(Problem(playlist_path, 0, "", _changed(name), again))
    bar = progress(_("Checking {lesson}").format(lesson=playlist_path.stem), sum(e.bytes for e, _f, _i in to_hash),
                   unit="B") if progress and to_hash else None
    try:
        for entry, full, info in to_hash:
            name = f"{media_dir.name}/{entry.path}"
            try:
                digest = sha256_file(full, bar.update if bar else None)
            except OSError as exc:
                problems.append(Problem(playlist_path, 0, "", _("{file} cannot be read ({reason})").format(
                    file=name, reason=exc.strerror or exc), again))
                continue
            try:
                after = os.stat(full)
            except OSError:
                after = None
            if after is not None and ChecksumCache._stamp(after) == ChecksumCache._stamp(info):
                cache.put(Path(os.path.realpath(full)), info, digest)
            if digest != entry.sha256:
                problems.append(Problem(playlist_path, 0, "", _changed(name), again))
    finally:
        if bar is not None:
            bar.close()
    cache.save()
    return problems


def size_problem(name: str, size: int, expected: int) -> str:
    """`lesson.mp4 is 12 MB but should be 48 MB: the copy was cut short` (in bytes when the rounded
    sizes would read the same)."""
    shown, wanted = human_size(size), human_size(expected)
    if shown == wanted:
        shown, wanted = _bytes(size), _bytes(expected)
    if size < expected:
        return _("{file} is {size} but should be {expected}: the copy was cut short").format(
            file=name, size=shown, expected=wanted)
    return _("{file} is {size} but should be {expected}: it was changed").format(file=name, size=shown, expected=wanted)


def _changed(name: str) -> str:
    return _("{file} was changed or damaged (its checksum does not match)").format(file=name)


def _file_problem(entry: Entry, name: str, full: Path, root: str) -> str | os.stat_result:
    """Why the listed file cannot be right (its size included), or its stat when it may be."""
    real = os.path.realpath(full)
    if not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
        return _("{file} leads outside the lesson's folder (a link)").format(file=name)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return _("{file} is missing: the copy is not complete").format(file=name)
    except OSError as exc:
        return _("{file} cannot be read ({reason})").format(file=name, reason=exc.strerror or exc)
    if not stat.S_ISREG(info.st_mode):
        return _("{file} is not an ordinary file").format(file=name)
    if info.st_size != entry.bytes:
        return size_problem(name, info.st_size, entry.bytes)
    return info
