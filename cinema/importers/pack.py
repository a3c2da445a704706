"""Lesson packs: `cinema pack LESSON... -o PACK` for a programme's USB stick, and `cinema import PACK` on each kiosk.

A pack is a FOLDER, not one archive: USB sticks are often FAT32, which holds no file over 4 GB.

    PACK/pack.json          format, version, made_at, the lessons (name, id, title, language, their
                            activities) and EVERY file: path in the pack, bytes, sha256
    PACK/signature.json     HMAC-SHA256 of pack.json's exact bytes, with a key derived from the
                            programme's card key file (as export bundles are, under another label,
                            so a bundle's signature never passes as a pack's); absent: unsigned
    PACK/lessons/NAME.yaml  the playlist; its media in PACK/lessons/NAME/ (with checksums.json)
    PACK/activities/X.yaml  the activities the lessons use; question pictures as `../lessons/NAME/...`

The signature covers pack.json and pack.json covers every file's bytes, so one altered byte
anywhere is named. Installing copies each file into a hidden staging folder while hashing it,
and only when every file is right moves the lessons in: an existing lesson of the same name is
replaced (its old files kept until the new ones are all in place), never duplicated.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from cinema.config.problems import Problem
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext

from . import checksums
from .checksums import ManifestRefused, human_size, read_bounded_json, safe_relative
from .drafts import ImportProblem

FORMAT = "learning-cinema-pack"
FORMAT_VERSION = 1
PACK_JSON = "pack.json"
SIGNATURE_JSON = "signature.json"
LESSONS = "lessons"
ACTIVITIES = "activities"
_DERIVE = b"learning-cinema/lesson-pack/v1"  # not the bundles' label: a bundle's signature is no pack's
MAX_PACK_JSON = 16 << 20  # 50,000 files of about 150 bytes is 7.5 MB
MAX_SIGNATURE_JSON = 4096
MAX_DEPTH = 5  # {"lessons": [{"activities": [...]}]} nests four deep
MAX_FILES = 50_000
MAX_LESSONS = 500
FAT32_MAX_FILE = (4 << 30) - 1
MAX_NAME_CHARS = 255  # one part of a path on FAT (long names) and most other file systems
MAX_PATH_CHARS = 1024
SPARE_BYTES = 64 << 10  # beyond the files (and 1% of them): folder entries, activities rewritten on install
_LESSON_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
_FAT_FORBIDDEN = set('<>:"\\|?*')
_FAT_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_STAGING = ".pack-install-"
_OLD = ".pack-old-"

ProgressFactory = Callable[..., object]


def _default_progress(label: str, total: float | None, unit: str = "") -> object:
    from cinema.progress import bar

    return bar(label, total, unit=unit)


def signing_key(card_key: bytes) -> bytes:
    """The pack key: derived from the card key (a signature reveals nothing about it)."""
    return hmac.new(card_key, _DERIVE, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def is_pack(path: Path | str) -> bool:
    """A folder holding a pack.json (what `cinema import` hands here)."""
    path = Path(path)
    try:
        return path.is_dir() and (path / PACK_JSON).is_file()
    except OSError:
        return False


def fat_name_problem(part: str) -> str | None:
    """Why `part` (one name in a path) cannot be written on a FAT32 stick, or None."""
    if not part or len(part) > MAX_NAME_CHARS:
        return _("its name is empty or longer than {n} characters").format(n=MAX_NAME_CHARS)
    bad = sorted({c for c in part if c in _FAT_FORBIDDEN or ord(c) < 32})
    if bad:
        return _("its name has characters a USB stick cannot hold: {chars}").format(
            chars=" ".join(repr(c) for c in bad))
    if part[-1] in ". ":
        return _("its name ends with a dot or a space, which a USB stick drops")
    if part.split(".")[0].upper() in _FAT_RESERVED:
        return _("its name ({name}) is reserved on USB sticks").format(name=part)
    return None


# ---- what a lesson carries ---------------------------------------------------------


@dataclass
class _Planned:
    """One file of the pack: from a file on disk, or bytes made here (rewritten YAML)."""

    path: str  # in the pack
    source: Path | None = None
    data: bytes | None = None


@dataclass
class _LessonPlan:
    name: str
    playlist: object  # cinema.core.content.Playlist
    files: list[_Planned] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)  # pack paths


@dataclass(frozen=True)
class PackResult:
    path: Path
    lessons: tuple[str, ...]
    files: int
    bytes: int
    signed: bool


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _header(note: str) -> str:
    return f"# {note}\n"


def _dump_yaml(plain: object, note: str) -> bytes:
    import yaml

    text = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return (_header(note) + text).encode("utf-8")


def _read_plain(path: Path) -> object:
    from cinema.config.problems import Reporter
    from cinema.config.yaml_lines import read_yaml_file

    report = Reporter(path)
    node = read_yaml_file(path, report)
    if node is None or report.problems:
        raise ImportProblem([str(p) for p in report.problems] or [str(path)])
    return node.plain()


_SUBTITLE_SUFFIXES = (".srt", ".vtt", ".ass", ".ssa", ".sub")


class _Carrier:
    """Files a lesson names outside its own folder are carried in `NAME/shared/` and the YAML rewritten."""

    def __init__(self, plan: _LessonPlan, media_dir: Path) -> None:
        self.plan = plan
        self.media_dir = media_dir
        self.taken = {p.path.lower() for p in plan.files}
        self.by_source: dict[str, str] = {}  # real source path -> path in the lesson's folder

    def place(self, base: Path, value: object, *, siblings: bool = False) -> object:
        """The path `value` (relative to `base`) as seen from the lesson's playlist folder, the file
        planned into the pack; values that are not text are left alone (the checker said they are fine)."""
        if not isinstance(value, str):
            return value
        logical = os.path.normpath(os.path.join(base, value))
        folder = os.path.normpath(self.media_dir)
        if _inside(logical, folder):
            rel = Path(os.path.relpath(logical, folder)).as_posix()
            self._add(f"{LESSONS}/{self.plan.name}/{rel}", Path(logical))
            return f"{self.plan.name}/{rel}"
        real = os.path.realpath(logical)
        if real not in self.by_source:
            name = Path(logical).name
            stem, suffix = os.path.splitext(name)
            rel, n = f"shared/{name}", 1
            while f"{LESSONS}/{self.plan.name}/{rel}".lower() in self.taken:
                n += 1
                rel = f"shared/{stem}-{n}{suffix}"
            self._add(f"{LESSONS}/{self.plan.name}/{rel}", Path(logical))
            self.by_source[real] = rel
            if siblings:  # subtitles found by name beside a video (`intro.ar.srt` for intro.mp4)
                src = Path(logical)
                for other in sorted(src.parent.glob(f"{src.stem}.*")):
                    if other.suffix.lower() in _SUBTITLE_SUFFIXES and other.is_file():
                        new_stem = Path(rel).stem
                        tail = other.name[len(src.stem):]
                        self._add(f"{LESSONS}/{self.plan.name}/shared/{new_stem}{tail}", other)
        return f"{self.plan.name}/{self.by_source[real]}"

    def _add(self, path: str, source: Path) -> None:
        if path.lower() not in self.taken:
            self.taken.add(path.lower())
            self.plan.files.append(_Planned(path, source))


def _plan_lesson(path: Path, playlist, done_activities: dict[str, str], all_media: dict[str, str]) -> _LessonPlan:
    """Every file the lesson carries: its folder, files it names elsewhere, its activities."""
    name = path.stem
    plan = _LessonPlan(name, playlist)
    media_dir = path.with_name(name)
    if media_dir.is_dir():
        for rel in checksums.lesson_files(media_dir):
            plan.files.append(_Planned(f"{LESSONS}/{name}/{rel}", media_dir / rel))
    carrier = _Carrier(plan, media_dir)
    raw = _read_plain(path)
    before = json.dumps(raw, sort_keys=True, default=str)
    base = path.parent
    for item in raw.get("items") or []:
        if not isinstance(item, dict):
            continue
        for key in ("media", "low_power"):
            if key in item:
                item[key] = carrier.place(base, item[key], siblings=key == "media")
        if isinstance(item.get("subtitles"), dict):
            item["subtitles"] = {k: carrier.place(base, v) for k, v in item["subtitles"].items()}
        elif "subtitles" in item:
            item["subtitles"] = carrier.place(base, item["subtitles"])
        if isinstance(item.get("slides"), list):
            item["slides"] = [carrier.place(base, s) for s in item["slides"]]
    if isinstance(raw.get("take_home"), list):
        raw["take_home"] = [carrier.place(base, s) for s in raw["take_home"]]
    if json.dumps(raw, sort_keys=True, default=str) != before:
        data = _dump_yaml(raw, f"Lesson {name}, packed by `cinema pack`: its files are in the folder {name}/.")
        plan.files.insert(0, _Planned(f"{LESSONS}/{name}.yaml", data=data))
    else:
        plan.files.insert(0, _Planned(f"{LESSONS}/{name}.yaml", path))  # as written, comments and all
    for item in playlist.items:
        activity = item.activity
        if item.type != "activity" or activity is None or activity.source is None:
            continue
        act_path = Path(activity.source)
        packed = f"{ACTIVITIES}/{act_path.name}"
        if packed not in plan.activities:
            plan.activities.append(packed)
        if packed in done_activities:
            continue
        done_activities[packed] = name
        plan.files.append(_plan_activity(act_path, packed, carrier, all_media))
    return plan


def _plan_activity(act_path: Path, packed: str, carrier: _Carrier, all_media: dict[str, str]) -> _Planned:
    raw = _read_plain(act_path)
    questions = raw.get("questions") if isinstance(raw, dict) else None
    images = [q for q in questions or [] if isinstance(q, dict) and isinstance(q.get("image"), str)]
    if not images:
        return _Planned(packed, act_path)
    for question in images:
        logical = os.path.normpath(os.path.join(act_path.parent, question["image"]))
        owner = next(((folder, n) for folder, n in all_media.items() if _inside(logical, folder)), None)
        if owner is None or owner[1] == carrier.plan.name:  # this lesson's folder, or carried into it
            question["image"] = f"../{LESSONS}/" + carrier.place(act_path.parent, question["image"])
        else:  # in another lesson of this pack, which carries it
            question["image"] = f"../{LESSONS}/{owner[1]}/" + Path(os.path.relpath(logical, owner[0])).as_posix()
    return _Planned(packed, data=_dump_yaml(raw, "Activity packed by `cinema pack`: pictures are in the lessons' "
                                                 "folders."))


# ---- writing a pack ---------------------------------------------------------------


def write_pack(playlists: Iterable[Path], out: Path, card_keys: tuple[bytes, ...] = (), *,
               activities_dir: Path, media_dirs: tuple[Path, ...] = (),
               progress: ProgressFactory = _default_progress, now: Callable[[], float] = time.time) -> PackResult:
    """Write the lessons (playlist files) into the pack folder `out`; ImportProblem listing every
    problem when a lesson is not fit to send (nothing is written then)."""
    from cinema.config.activities import read_activities
    from cinema.config.playlists import read_playlist

    out = Path(out).absolute()
    playlists = [Path(p).absolute() for p in playlists]
    activities, activity_problems = read_activities(Path(activities_dir), check_media=True, media_dirs=media_dirs)
    problems: list[str] = []
    loaded = []
    names: dict[str, Path] = {}
    for path in playlists:
        name = path.stem
        why = None if _LESSON_NAME.fullmatch(name) else _(
            "a lesson in a pack is named with letters A-Z, digits, '-', '_' and '.' (at most 64)")
        if why:
            problems.append(f"{path.name}: {why} — " + _("rename the lesson file"))
            continue
        if name.lower() in names:
            problems.append(_("{file}: a lesson named {name} is already in this pack ({other})").format(
                file=path, name=name, other=names[name.lower()]) + " — " + _("give each lesson once"))
            continue
        names[name.lower()] = path
        playlist, found = read_playlist(path, activities, check_media=True, media_dirs=media_dirs)
        if playlist is not None:
            used = {str(item.activity.source) for item in playlist.items
                    if item.type == "activity" and item.activity is not None and item.activity.source}
            found = found + [p for p in activity_problems if str(p.file) in used]
        found = found + checksums.verify_lesson(path)
        if found or playlist is None:
            problems.append(_("{name}: this lesson has problems and is not packed — fix them (see below, or run "
                              "`cinema check`) and pack again").format(name=name))
            problems.extend(f"  {p}" for p in found)
            continue
        loaded.append((path, playlist))
    if problems:
        raise ImportProblem(problems)

    done_activities: dict[str, str] = {}
    all_media = {os.path.normpath(p.with_name(p.stem)): p.stem for p, _pl in loaded}
    plans = [_plan_lesson(path, pl, done_activities, all_media) for path, pl in loaded]
    files = [f for plan in plans for f in plan.files]
    _check_plan(files, problems)
    if problems:
        raise ImportProblem(problems)
    total = sum(len(f.data) if f.data is not None else f.source.stat().st_size for f in files)
    _prepare_out(out)
    _check_room(out.parent, total + total // 100 + SPARE_BYTES, _("the pack needs {needed}, the stick has {free} free"),
                _("delete old files from it or use a bigger stick"))

    temp = out.with_name(f".{out.name}.partial")
    if temp.exists():
        shutil.rmtree(temp)  # an earlier pack cut short: ours, and of no use
    listed: list[dict] = []
    bar = progress(_("Writing the pack"), total, unit="B")
    try:
        temp.mkdir(parents=True)
        for plan in plans:
            entries: list[dict] = []
            for f in plan.files:
                target = temp / f.path
                target.parent.mkdir(parents=True, exist_ok=True)
                if f.data is not None:
                    size, digest = _write_data(target, f.data)
                    bar.update(size)
                else:
                    size, digest = _copy_hashed(f.source, target, None, bar.update)
                entry = {"path": f.path, "bytes": size, "sha256": digest}
                listed.append(entry)
                prefix = f"{LESSONS}/{plan.name}/"
                if f.path.startswith(prefix):
                    entries.append({"path": f.path[len(prefix):], "bytes": size, "sha256": digest})
            # The lesson's checksums.json, as the installed lesson will have it (`cinema check` reads it).
            manifest = checksums.manifest_bytes(sorted(entries, key=lambda e: e["path"]))
            (temp / LESSONS / plan.name).mkdir(parents=True, exist_ok=True)
            size, digest = _write_data(temp / LESSONS / plan.name / checksums.NAME, manifest)
            listed.append({"path": f"{LESSONS}/{plan.name}/{checksums.NAME}", "bytes": size, "sha256": digest})
        made_at = datetime.fromtimestamp(now(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        document = {
            "format": FORMAT, "version": FORMAT_VERSION, "made_at": made_at,
            "lessons": [{"name": p.name, "id": p.playlist.id, "title": p.playlist.title,
                         "language": p.playlist.language, "playlist": f"{LESSONS}/{p.name}.yaml",
                         "activities": p.activities} for p in plans],
            "files": sorted(listed, key=lambda e: e["path"]),
        }
        pack_bytes = (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        _write_data(temp / PACK_JSON, pack_bytes)
        if card_keys:
            key = signing_key(card_keys[0])
            signature = {"alg": "HMAC-SHA256", "key_id": key_id(key),
                         "mac": hmac.new(key, pack_bytes, hashlib.sha256).hexdigest()}
            _write_data(temp / SIGNATURE_JSON, (json.dumps(signature) + "\n").encode())
        _fsync_dir(temp)
        _swap_in(temp, out)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise ImportProblem(_disk_problem(exc, out, total)) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    finally:
        bar.close()
    return PackResult(out, tuple(p.name for p in plans), len(listed), total, bool(card_keys))


def _check_plan(files: list[_Planned], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for f in files:
        if f.path.lower() in seen:
            problems.append(_("{file}: another file of the pack has the same name ({other}) on a USB stick, which "
                              "does not tell capitals from small letters").format(file=f.path, other=seen[f.path.lower()])
                            + " — " + _("rename one of them"))
        seen[f.path.lower()] = f.path
        for part in f.path.split("/"):
            why = fat_name_problem(part)
            if why:
                problems.append(f"{f.source or f.path}: {why} — " + _("rename the file"))
                break
        if f.source is not None:
            try:
                size = f.source.stat().st_size
            except OSError as exc:
                problems.append(_line(f.source, _("this file cannot be read ({reason})").format(
                    reason=exc.strerror or exc), _("check the file")))
                continue
            if size > FAT32_MAX_FILE:
                problems.append(_line(f.source, _("this file is {size}: a USB stick (FAT32) holds no file over 4 GB").format(
                    size=human_size(size)), _("import it again to make a smaller copy, or split the video")))


def _prepare_out(out: Path) -> None:
    if not os.path.lexists(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        return
    if out.is_dir() and not out.is_symlink() and (is_pack(out) or not any(out.iterdir())):
        return  # an older pack (replaced at the end) or an empty folder
    raise ImportProblem(f"{out}: " + _("this is not an empty folder nor a lesson pack") + " — "
                        + _("give a new folder name for the pack"))


def _swap_in(temp: Path, out: Path) -> None:
    """`temp` becomes `out`; an older pack there stays until the new one is in place."""
    old = None
    if os.path.lexists(out):
        old = out.with_name(f".{out.name}.old")
        if os.path.lexists(old):
            shutil.rmtree(old)
        os.rename(out, old)
    try:
        os.rename(temp, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    _fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---- copying ---------------------------------------------------------------------


def _open_plain_file(path: Path) -> int:
    """A read handle on an ordinary file, never through a link nor blocking on a pipe."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not an ordinary file", str(path))
    return fd


def _copy_hashed(source: Path, target: Path, limit: int | None, update: Callable[[int], object],
                 *, no_links: bool = False) -> tuple[int, str]:
    """Copy `source` to a new `target` (synced), hashing what was read; at most `limit` + 1 bytes are read."""
    h = hashlib.sha256()
    n = 0
    fd = _open_plain_file(source) if no_links else os.open(source, os.O_RDONLY)
    with os.fdopen(fd, "rb") as src, open(target, "xb") as dst:
        while True:
            want = checksums.CHUNK if limit is None else min(checksums.CHUNK, limit + 1 - n)
            if want <= 0:
                break
            chunk = src.read(want)
            if not chunk:
                break
            h.update(chunk)
            dst.write(chunk)
            n += len(chunk)
            update(len(chunk))
        dst.flush()
        os.fsync(dst.fileno())
    return n, h.hexdigest()


def _write_data(target: Path, data: bytes) -> tuple[int, str]:
    with open(target, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return len(data), hashlib.sha256(data).hexdigest()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # FAT cannot sync a folder; the files are synced
    finally:
        os.close(fd)


def free_bytes(folder: Path) -> int:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize


def _check_room(folder: Path, needed: int, template: str, fix: str) -> None:
    """Refused before copying when the disk cannot hold it all (`template` has {needed} and {free})."""
    try:
        free = free_bytes(folder)
    except OSError:
        return  # cannot tell: the copy itself will say when the disk is full
    if needed > free:
        raise ImportProblem(_line(folder, template.format(needed=human_size(needed), free=human_size(free)), fix))


def _disk_problem(exc: OSError, where: Path, needed: int) -> list[str]:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return [f"{where}: " + _("the disk became full while writing (needs {needed}); nothing was changed").format(
            needed=human_size(needed)) + " — " + _("make room on the disk and run the same command again")]
    if exc.errno == errno.EROFS:
        return [f"{where}: " + _("the disk is read-only") + " — " + _("unlock the stick (its little switch) or use "
                                                                        "another disk")]
    return [f"{exc.filename or where}: " + _("cannot write ({reason})").format(reason=exc.strerror or exc) + " — "
            + _("check the disk and its permissions, then run the same command again")]


# ---- reading and checking a pack ---------------------------------------------------


@dataclass(frozen=True)
class PackFile:
    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class PackLesson:
    name: str
    id: str
    title: str
    language: str
    activities: tuple[str, ...]


@dataclass(frozen=True)
class PackContents:
    lessons: tuple[PackLesson, ...]
    files: tuple[PackFile, ...]
    made_at: str
    signed: bool  # False: unsigned, or signed but not checked (no key file here)
    signature_note: str = ""


def _line(where: object, what: str, fix: str) -> str:
    """`where: what is wrong — how to fix it`, the one shape of every problem line."""
    return f"{where}: {what} — {fix}"


def _says(template: str, file: str, fix: str, **values: object) -> str:
    """`lessons/water/lesson.mp4 was changed or damaged (checksum) — copy the pack again ...`: the
    file named in the sentence itself."""
    return f"{template.format(file=file, **values)} — {fix}"


def _again() -> str:
    return _("copy the pack again from the programme's stick")


def read_pack(pack: Path, card_keys: tuple[bytes, ...], *, allow_unsigned: bool = False) -> PackContents:
    """pack.json checked: its signature first (a mismatch is always refused), then its bounds and paths."""
    pack = Path(pack)
    where = pack / PACK_JSON
    try:
        info = os.lstat(where)
        if not stat.S_ISREG(info.st_mode):
            raise ImportProblem(_line(where, _("this is not an ordinary file"), _again()))
        if info.st_size > MAX_PACK_JSON:
            raise ImportProblem(_line(where, _("this file is too big to be a pack's list ({size})").format(
                size=human_size(info.st_size)), _again()))
        with open(_open_plain_file(where), "rb", closefd=True) as f:
            raw = f.read(MAX_PACK_JSON + 1)
    except OSError as exc:
        raise ImportProblem(_line(where, _("this file cannot be read ({reason})").format(
            reason=exc.strerror or exc), _again())) from None
    signed, note = _check_signature(pack, raw, card_keys, allow_unsigned)
    if len(raw) > MAX_PACK_JSON or checksums.json_too_deep(raw, MAX_DEPTH):
        raise ImportProblem(_line(where, _("this is not a lesson pack's list"), _again()))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ImportProblem(_line(where, _("this is not a lesson pack's list"), _again())) from None
    return _parse_pack(where, data, signed, note)


def _check_signature(pack: Path, raw: bytes, card_keys: tuple[bytes, ...], allow_unsigned: bool) -> tuple[bool, str]:
    sig_path = pack / SIGNATURE_JSON
    keys_fix = _("give the programme's card key file with --keys FILE, or install it unchecked with "
                 "--allow-unsigned if you trust where the pack came from")
    if not os.path.lexists(sig_path):
        if allow_unsigned:
            return False, _("the pack is not signed: installed because of --allow-unsigned")
        raise ImportProblem(f"{pack}: " + _("the pack is not signed, so where it came from cannot be checked") + " — "
                            + _("ask the programme for a signed pack, or install it with --allow-unsigned if you "
                                "trust where it came from"))
    try:
        sig = read_bounded_json(sig_path, MAX_SIGNATURE_JSON, 2)
    except ManifestRefused as refused:
        raise ImportProblem(f"{sig_path}: " + refused.reason + " — " + _again()) from None
    mac = sig.get("mac") if isinstance(sig, dict) else None
    if not isinstance(sig, dict) or sig.get("alg") != "HMAC-SHA256" or not isinstance(mac, str):
        raise ImportProblem(_line(sig_path, _("this is not a pack signature"), _again()))
    if not card_keys:
        if allow_unsigned:
            return False, _("the pack's signature was not checked (no card key file here): installed because of "
                            "--allow-unsigned")
        raise ImportProblem(f"{pack}: " + _("the pack is signed, but this kiosk has no card key file to check it")
                            + " — " + keys_fix)
    for card_key in card_keys:
        expected = hmac.new(signing_key(card_key), raw, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, mac):
            return True, ""
    raise ImportProblem(f"{pack}: " + _("the pack's signature does not match this programme's key: it was changed "
                                        "after it was made, or made by another programme; nothing was installed")
                        + " — " + _("ask the programme for a new pack"))


def _parse_pack(where: Path, data: object, signed: bool, note: str) -> PackContents:
    bad = _line(where, _("this is not a lesson pack's list"), _again())
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportProblem(bad)
    if data.get("version") != FORMAT_VERSION:
        raise ImportProblem(_line(where, _("the pack was made by a newer version of the program (pack version {v})")
                                 .format(v=data.get("version")),
                                 _("update the program on this laptop, then import the pack again")))
    lessons_raw, files_raw = data.get("lessons"), data.get("files")
    if not isinstance(lessons_raw, list) or not isinstance(files_raw, list) or not lessons_raw:
        raise ImportProblem(bad)
    if len(lessons_raw) > MAX_LESSONS or len(files_raw) > MAX_FILES:
        raise ImportProblem(_line(where, _("the pack lists too many lessons or files ({lessons}, {files})").format(
            lessons=len(lessons_raw), files=len(files_raw)), _again()))
    problems: list[str] = []
    files: list[PackFile] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(files_raw):
        path = safe_relative(entry.get("path")) if isinstance(entry, dict) else None
        size = entry.get("bytes") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        shown = str(entry.get("path"))[:120] if isinstance(entry, dict) else f"#{i + 1}"
        if path is None or len(path) > MAX_PATH_CHARS or path.split("/")[0] not in (LESSONS, ACTIVITIES):
            problems.append(_line(where, _("the pack names a file outside its lessons and activities: {path}").format(
                path=shown), _again()))
            continue
        why = next((w for part in path.split("/") if (w := fat_name_problem(part))), None)
        if why:
            problems.append(f"{path}: {why} — " + _again())
            continue
        if (not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= FAT32_MAX_FILE
                or not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest)):
            problems.append(_line(path, _("this file's entry in the pack's list is damaged"), _again()))
            continue
        if path.lower() in seen:
            problems.append(_line(path, _("this file is listed twice in the pack"), _again()))
            continue
        seen[path.lower()] = path
        files.append(PackFile(path, size, digest))
    lessons: list[PackLesson] = []
    for entry in lessons_raw:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not _LESSON_NAME.fullmatch(name):
            problems.append(_line(where, _("a lesson's name is not usable: {name}").format(name=str(name)[:80]),
                                  _again()))
            continue
        acts = entry.get("activities") or []
        if not isinstance(acts, list) or not all(isinstance(a, str) and a.lower() in seen and a.count("/") == 1
                                                 and a.startswith(f"{ACTIVITIES}/") for a in acts):
            problems.append(_line(where, _("the lesson {name} names activities the pack does not hold").format(
                name=name), _again()))
            continue
        if f"{LESSONS}/{name}.yaml".lower() not in seen:
            problems.append(_line(where, _("the lesson {name} has no lesson file in the pack").format(name=name),
                                  _again()))
            continue
        text = {k: str(entry.get(k) or "")[:200] for k in ("id", "title", "language")}
        lessons.append(PackLesson(name, text["id"] or name, text["title"], text["language"],
                                  tuple(seen[a.lower()] for a in acts)))
    names = {lesson.name.lower() for lesson in lessons}
    if len(names) != len(lessons):
        problems.append(_line(where, _("the pack names a lesson twice"), _again()))
    for f in files:
        parts = f.path.split("/")
        ok = (parts[0] == ACTIVITIES and len(parts) == 2 and f.path.lower().endswith((".yaml", ".yml"))) or (
            parts[0] == LESSONS and len(parts) == 2 and parts[1].lower().removesuffix(".yaml") in names
            and parts[1].endswith(".yaml")) or (parts[0] == LESSONS and len(parts) > 2 and parts[1].lower() in names)
        if not ok:
            problems.append(_line(f.path, _("this file belongs to no lesson of the pack"), _again()))
    if problems:
        raise ImportProblem(problems)
    return PackContents(tuple(lessons), tuple(files), str(data.get("made_at") or "")[:40], signed, note)


# ---- installing ------------------------------------------------------------------


@dataclass(frozen=True)
class InstallResult:
    pack: Path
    installed: tuple[PackLesson, ...]
    replaced: tuple[str, ...]  # names of lessons that were there before (updated)
    notes: tuple[str, ...]
    problems: tuple[Problem, ...]  # what `cinema check` says about the installed lessons (none, normally)
    signed: bool


def install_pack(pack: Path, playlists_dir: Path, activities_dir: Path, card_keys: tuple[bytes, ...] = (), *,
                 allow_unsigned: bool = False, media_dirs: tuple[Path, ...] = (),
                 progress: ProgressFactory = _default_progress,
                 cache: checksums.ChecksumCache | None = None) -> InstallResult:
    """Check the pack whole (signature, then every file's size and sha256 while copying it into a
    hidden staging folder), then move its lessons in; ImportProblem naming every bad file, and
    nothing installed, when anything is wrong."""
    pack = Path(pack).absolute()
    playlists_dir = Path(playlists_dir).absolute()
    activities_dir = Path(activities_dir).absolute()
    contents = read_pack(pack, card_keys, allow_unsigned=allow_unsigned)
    notes = [contents.signature_note] if contents.signature_note else []
    notes += _unlisted(pack, contents)
    _check_present(pack, contents)
    total = sum(f.bytes for f in contents.files)
    for folder in (playlists_dir, activities_dir):
        folder.mkdir(parents=True, exist_ok=True)
    _check_room(playlists_dir, total + total // 100 + SPARE_BYTES, _("the lessons need {needed}, the disk has {free} free"),
                _("delete old videos or lessons from this laptop, then import the pack again"))
    _clear_stale(playlists_dir)
    _clear_stale(activities_dir)
    stage = playlists_dir / f"{_STAGING}{os.getpid()}"
    act_stage = activities_dir / f"{_STAGING}{os.getpid()}"
    try:
        stage.mkdir()
        act_stage.mkdir(exist_ok=True)
        _stage_files(pack, contents, stage, act_stage, progress, total)
        _point_pictures(contents, act_stage, playlists_dir, activities_dir)
        with _uninterrupted():
            replaced = _commit(contents, stage, act_stage, playlists_dir, activities_dir)
    except OSError as exc:
        raise ImportProblem(_disk_problem(exc, playlists_dir, total)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(act_stage, ignore_errors=True)
    cache = cache or checksums.ChecksumCache(None)
    _remember_hashes(contents, playlists_dir, cache)
    problems = _check_installed(contents, playlists_dir, activities_dir, media_dirs, cache)
    return InstallResult(pack, contents.lessons, tuple(replaced), tuple(notes), tuple(problems), contents.signed)


def _unlisted(pack: Path, contents: PackContents) -> list[str]:
    """A note for files in the pack folder that pack.json does not list (they are not installed)."""
    listed = {f.path for f in contents.files} | {PACK_JSON, SIGNATURE_JSON}
    extra: list[str] = []
    seen = 0
    for folder, dirs, names in os.walk(pack, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES + 1000:
                break
            rel = (Path(folder) / name).relative_to(pack).as_posix()
            if rel not in listed:
                extra.append(rel)
    if not extra:
        return []
    shown = ", ".join(extra[:5]) + (" …" if len(extra) > 5 else "")
    return [ngettext("{n} file in the pack folder is not in its list and was left out: {files}",
                     "{n} files in the pack folder are not in its list and were left out: {files}",
                     len(extra)).format(n=len(extra), files=shown)]


def _check_present(pack: Path, contents: PackContents) -> None:
    """Every listed file is there, an ordinary file inside the pack, of its size: all said at once."""
    problems: list[str] = []
    root = os.path.realpath(pack)
    for f in contents.files:
        full = pack / f.path
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            problems.append(_says(_("{file} is missing from the pack"), f.path, _again()))
            continue
        except OSError as exc:
            problems.append(_says(_("{file} cannot be read ({reason})"), f.path, _again(), reason=exc.strerror or exc))
            continue
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode) or not _inside(os.path.realpath(full), root):
            problems.append(_says(_("{file} is a link, a folder or a device, not an ordinary file"), f.path, _again()))
            continue
        if info.st_size != f.bytes:
            problems.append(checksums.size_problem(f.path, info.st_size, f.bytes) + " — " + _again())
    if problems:
        raise ImportProblem(problems)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits while lessons are moved in (a handful of renames), so no lesson is left with
    new media and its old playlist; it takes effect right after."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    except (AttributeError, ValueError, OSError):  # not the main thread, or no signals here
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _clear_stale(folder: Path) -> None:
    """Staging folders and old lessons' folders left by an install that was cut short (a power cut:
    their process is gone) are removed."""
    for prefix in (_STAGING, _OLD):
        for path in folder.glob(f"{prefix}*"):
            pid = path.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _stage_files(pack: Path, contents: PackContents, stage: Path, act_stage: Path,
                 progress: ProgressFactory, total: int) -> None:
    problems: list[str] = []
    bar = progress(_("Checking and copying the pack"), total, unit="B")
    try:
        for f in contents.files:
            parts = f.path.split("/")
            target = (act_stage / parts[1]) if parts[0] == ACTIVITIES else stage.joinpath(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                size, digest = _copy_hashed(pack / f.path, target, f.bytes, bar.update, no_links=True)
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                    raise
                problems.append(_says(_("{file} cannot be read ({reason})"), f.path, _again(),
                                      reason=exc.strerror or exc))
                continue
            if size != f.bytes or digest != f.sha256:
                problems.append(_says(_("{file} was changed or damaged (checksum)"), f.path, _again()))
    finally:
        bar.close()
    if problems:
        raise ImportProblem(problems)


def _point_pictures(contents: PackContents, act_stage: Path, playlists_dir: Path, activities_dir: Path) -> None:
    """Question pictures are `../lessons/NAME/x.png` in the pack: made relative to this kiosk's folders."""
    names = {lesson.name for lesson in contents.lessons}
    prefix = f"../{LESSONS}/"
    for f in contents.files:
        parts = f.path.split("/")
        if parts[0] != ACTIVITIES:
            continue
        staged = act_stage / parts[1]
        raw = _read_plain(staged)
        questions = raw.get("questions") if isinstance(raw, dict) else None
        changed = False
        for q in questions or []:
            image = q.get("image") if isinstance(q, dict) else None
            if isinstance(image, str) and image.startswith(prefix):
                rel = image[len(prefix):]
                if rel.split("/")[0] in names and safe_relative(rel):
                    q["image"] = Path(os.path.relpath(playlists_dir / rel, activities_dir)).as_posix()
                    changed = True
        if changed:
            data = _dump_yaml(raw, "Activity installed from a lesson pack (`cinema import`).")
            staged.unlink()
            _write_data(staged, data)


def _commit(contents: PackContents, stage: Path, act_stage: Path, playlists_dir: Path,
            activities_dir: Path) -> list[str]:
    """Move each lesson in: media folder, activities, playlist last; the old lesson's files go once
    the new ones are in. Renames only (the staging folders are on the same disks), so a full disk
    cannot stop it half-way."""
    replaced: list[str] = []
    for lesson in contents.lessons:
        name = lesson.name
        playlist = playlists_dir / f"{name}.yaml"
        media = playlists_dir / name
        existed = playlist.exists() or (playlists_dir / f"{name}.yml").exists()
        old_media = playlists_dir / f"{_OLD}{name}-{os.getpid()}"
        if os.path.lexists(media):
            os.rename(media, old_media)
        try:
            staged_media = stage / name
            if not staged_media.is_dir():
                staged_media.mkdir()
            os.rename(staged_media, media)
        except OSError:
            if os.path.lexists(old_media):
                os.rename(old_media, media)
            raise
        keep = set()
        for packed in lesson.activities:
            file_name = packed.split("/", 1)[1]
            keep.add(file_name)
            if (act_stage / file_name).exists():
                os.replace(act_stage / file_name, activities_dir / file_name)
        os.replace(stage / f"{name}.yaml", playlist)
        stray = playlists_dir / f"{name}.yml"
        if stray.exists():
            stray.unlink()  # the same lesson under the other ending would be listed twice
        for old in activities_dir.glob(f"{name}--*.yaml"):  # this lesson's own quizzes it no longer has
            if old.name not in keep:
                old.unlink(missing_ok=True)
        shutil.rmtree(old_media, ignore_errors=True)
        if existed:
            replaced.append(name)
    for f in contents.files:  # activities of the pack that no lesson lists (kept: they were sent)
        parts = f.path.split("/")
        if parts[0] == ACTIVITIES and (act_stage / parts[1]).exists():
            os.replace(act_stage / parts[1], activities_dir / parts[1])
    _fsync_dir(playlists_dir)
    _fsync_dir(activities_dir)
    return replaced


def _remember_hashes(contents: PackContents, playlists_dir: Path, cache: checksums.ChecksumCache) -> None:
    """Each installed media file was hashed while it was copied: `cinema check` (and the check
    just after installing) need not read gigabytes again to know it."""
    for f in contents.files:
        parts = f.path.split("/")
        if parts[0] != LESSONS or len(parts) < 3:
            continue
        installed = Path(os.path.realpath(playlists_dir.joinpath(*parts[1:])))
        try:
            info = os.stat(installed)
        except OSError:
            continue
        if info.st_size == f.bytes:
            cache.put(installed, info, f.sha256)


def _check_installed(contents: PackContents, playlists_dir: Path, activities_dir: Path,
                     media_dirs: tuple[Path, ...], cache: checksums.ChecksumCache) -> list[Problem]:
    from cinema.config.activities import read_activities
    from cinema.config.playlists import read_playlist

    activities, act_problems = read_activities(activities_dir, check_media=True, media_dirs=media_dirs)
    problems: list[Problem] = []
    for lesson in contents.lessons:
        path = playlists_dir / f"{lesson.name}.yaml"
        playlist, found = read_playlist(path, activities, check_media=True, media_dirs=media_dirs)
        problems.extend(found)
        if playlist is not None:
            used = {str(item.activity.source) for item in playlist.items
                    if item.type == "activity" and item.activity is not None and item.activity.source}
            problems.extend(p for p in act_problems if str(p.file) in used)
        problems.extend(checksums.verify_lesson(path, cache))
    return list(dict.fromkeys(problems))


# ---- the commands ----------------------------------------------------------------


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _config(args):
    """The kiosk config, its start playlist allowed to be missing (the pack may bring it)."""
    from cinema.config.kiosk import read_kiosk_config
    from cinema.config.locate import locate_config

    path = locate_config(getattr(args, "config", None))
    config, problems = read_kiosk_config(path)
    problems = [p for p in problems if p.key != "playlist"]
    if config is None or problems:
        raise ImportProblem([str(p) for p in problems] or [f"{path}: " + _("the kiosk config cannot be read")])
    return config


def _keys(args, config) -> tuple[bytes, ...]:
    """Every key of the card key file named by --keys, else the config's (none when it has none yet)."""
    from cinema.cards.keys import read_key_file
    from cinema.config import ConfigError

    path = Path(args.keys) if getattr(args, "keys", None) else config.cards.keys
    if not getattr(args, "keys", None) and not path.exists():
        return ()
    try:
        return tuple(k.key for k in read_key_file(path))
    except ConfigError as exc:
        raise ImportProblem([str(p) for p in exc.problems]) from None


def _lesson_paths(names: list[str], playlists_dir: Path) -> list[Path]:
    """A lesson file, or a lesson's name or id in the playlists folder."""
    found: list[Path] = []
    problems: list[str] = []
    for given in names:
        path = Path(given)
        if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
            if not path.is_file():
                problems.append(_line(given, _("file not found"), _("check the name and the folder")))
            else:
                found.append(path)
            continue
        candidates = [playlists_dir / f"{given}{s}" for s in (".yaml", ".yml")]
        hit = next((c for c in candidates if c.is_file()), None) or _by_id(given, playlists_dir)
        if hit is None:
            known = sorted(p.stem for p in playlists_dir.glob("*.yaml")) if playlists_dir.is_dir() else []
            problems.append(f"{given}: " + _("no lesson of that name in {folder}").format(folder=playlists_dir) + " — "
                            + (_("give a lesson file, or one of: {names}").format(names=", ".join(known[:20]))
                               if known else _("give the lesson file (playlists/NAME.yaml)")))
        else:
            found.append(hit)
    if problems:
        raise ImportProblem(problems)
    return found


def _by_id(lesson_id: str, folder: Path) -> Path | None:
    from cinema.config.playlists import list_lessons

    if not folder.is_dir():
        return None
    listed, _left = list_lessons(folder, {})
    return next((path for path, playlist, _p in listed if playlist is not None and playlist.id == lesson_id), None)


def main_pack(args) -> int:
    """`cinema pack LESSON... -o PACK`: 0 when written, 1 with every problem on its own line."""
    try:
        config = _config(args)
        paths = _lesson_paths(list(args.lessons), config.playlists_dir)
        keys = _keys(args, config)
        result = write_pack(paths, Path(args.output), keys, activities_dir=config.activities_dir,
                            media_dirs=config.media_dirs)
    except ImportProblem as exc:
        for line in exc.problems:
            _say(line)
        return 1
    print(ngettext("Packed {n} lesson ({names}): {files} files, {size}, in {path}.",
                   "Packed {n} lessons ({names}): {files} files, {size}, in {path}.", len(result.lessons)).format(
        n=len(result.lessons), names=", ".join(result.lessons), files=result.files, size=human_size(result.bytes),
        path=result.path))
    if not result.signed:
        _say(_("Not signed: no card key file was found. Kiosks install it only with --allow-unsigned; give "
               "--keys FILE (the programme's card key file) to sign it."))
    return 0


def import_packs(args) -> int:
    """`cinema import PACK...`: each pack checked whole and installed; 0, or 1 with every problem."""
    sources = [Path(s) for s in args.sources]
    not_packs = [s for s in sources if not is_pack(s)]
    if not_packs:
        for s in not_packs:
            _say(_line(s, _("this is not a lesson pack (it has no pack.json)"),
                       _("import lesson packs on their own, in a separate command")))
        return 1
    status = 0
    try:
        config = _config(args)
        keys = _keys(args, config)
    except ImportProblem as exc:
        for line in exc.problems:
            _say(line)
        return 1
    for source in sources:
        try:
            result = install_pack(source, config.playlists_dir, config.activities_dir, keys,
                                  allow_unsigned=bool(getattr(args, "allow_unsigned", False)),
                                  media_dirs=config.media_dirs, cache=checksums.cache_beside(config.journal))
        except ImportProblem as exc:
            for line in exc.problems:
                _say(line)
            _say(_("{pack}: nothing was installed from this pack.").format(pack=source))
            status = 1
            continue
        for note in result.notes:
            _say(note)
        for lesson in result.installed:
            text = (_("Updated lesson {name} ({title}) from {pack}.") if lesson.name in result.replaced
                    else _("Installed lesson {name} ({title}) from {pack}."))
            print(text.format(name=lesson.name, title=lesson.title, pack=source))
        if result.problems:
            for p in result.problems:
                _say(str(p))
            status = 1
        else:
            print(_("It is now in the lesson list on the kiosk's home screen."))
    return status
