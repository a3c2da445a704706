"""Installing a lesson pack (`cinema import PACK`): pack.json checked (its signature first, then its bounds
and every path), every file's size and sha256 checked while it is copied into a hidden staging folder
beside the lessons, and only then the lessons moved in, replacing older copies of the same names.
The pack's format is described in pack_format.py."""

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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from cinema.config.problems import Problem
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext
from cinema.processes import alive

from . import checksums
from . import pack_format as fmt
from .checksums import ManifestRefused, human_size, read_bounded_json, safe_relative
from .drafts import ImportProblem
from .pack_format import (
    ACTIVITIES, FAT32_MAX_FILE, FORMAT, FORMAT_VERSION, LESSON_NAME, LESSONS, MAX_DEPTH, MAX_FILES, MAX_LESSONS,
    MAX_PACK_JSON, MAX_PATH_CHARS, MAX_SIGNATURE_JSON, PACK_JSON, SIGNATURE_JSON, SPARE_BYTES, ProgressFactory,
    copy_again, default_progress, disk_problem, dump_yaml, fat_name_problem, file_problem, fsync_dir, inside,
    open_plain_file, problem_line, read_plain, signing_key, write_data,
)

_STAGING = ".pack-install-"
_OLD = ".pack-old-"


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


def read_pack(pack: Path, card_keys: tuple[bytes, ...], *, allow_unsigned: bool = False) -> PackContents:
    """pack.json checked: its signature first (a mismatch is always refused), then its bounds and paths."""
    pack = Path(pack)
    where = pack / PACK_JSON
    try:
        info = os.lstat(where)
        if not stat.S_ISREG(info.st_mode):
            raise ImportProblem(problem_line(where, _("this is not an ordinary file"), copy_again()))
        if info.st_size > MAX_PACK_JSON:
            raise ImportProblem(problem_line(where, _("this file is too big to be a pack's list ({size})").format(
                size=human_size(info.st_size)), copy_again()))
        with open(open_plain_file(where), "rb", closefd=True) as f:
            raw = f.read(MAX_PACK_JSON + 1)
    except OSError as exc:
        raise ImportProblem(problem_line(where, _("this file cannot be read ({reason})").format(
            reason=exc.strerror or exc), copy_again())) from None
    signed, note = _check_signature(pack, raw, card_keys, allow_unsigned)
    if len(raw) > MAX_PACK_JSON or checksums.json_too_deep(raw, MAX_DEPTH):
        raise ImportProblem(problem_line(where, _("this is not a lesson pack's list"), copy_again()))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ImportProblem(problem_line(where, _("this is not a lesson pack's list"), copy_again())) from None
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
        raise ImportProblem(f"{sig_path}: " + refused.reason + " — " + copy_again()) from None
    mac = sig.get("mac") if isinstance(sig, dict) else None
    if not isinstance(sig, dict) or sig.get("alg") != "HMAC-SHA256" or not isinstance(mac, str):
        raise ImportProblem(problem_line(sig_path, _("this is not a pack signature"), copy_again()))
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
    bad = problem_line(where, _("this is not a lesson pack's list"), copy_again())
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportProblem(bad)
    if data.get("version") != FORMAT_VERSION:
        newer = _("the pack was made by a newer version of the program (pack version {v})").format(
            v=data.get("version"))
        fix = _("update the program on this laptop, then import the pack again")
        raise ImportProblem(problem_line(where, newer, fix))
    lessons_raw, files_raw = data.get("lessons"), data.get("files")
    if not isinstance(lessons_raw, list) or not isinstance(files_raw, list) or not lessons_raw:
        raise ImportProblem(bad)
    if len(lessons_raw) > MAX_LESSONS or len(files_raw) > MAX_FILES:
        many = _("the pack lists too many lessons or files ({lessons}, {files})").format(
            lessons=len(lessons_raw), files=len(files_raw))
        raise ImportProblem(problem_line(where, many, copy_again()))
    problems: list[str] = []
    files: list[PackFile] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(files_raw):
        path = safe_relative(entry.get("path")) if isinstance(entry, dict) else None
        size = entry.get("bytes") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        shown = str(entry.get("path"))[:120] if isinstance(entry, dict) else f"#{i + 1}"
        if path is None or len(path) > MAX_PATH_CHARS or path.split("/")[0] not in (LESSONS, ACTIVITIES):
            outside = _("the pack names a file outside its lessons and activities: {path}").format(path=shown)
            problems.append(problem_line(where, outside, copy_again()))
            continue
        why = next((w for part in path.split("/") if (w := fat_name_problem(part))), None)
        if why:
            problems.append(f"{path}: {why} — " + copy_again())
            continue
        if (not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= FAT32_MAX_FILE
                or not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest)):
            problems.append(problem_line(path, _("this file's entry in the pack's list is damaged"), copy_again()))
            continue
        if path.lower() in seen:
            problems.append(problem_line(path, _("this file is listed twice in the pack"), copy_again()))
            continue
        seen[path.lower()] = path
        files.append(PackFile(path, size, digest))
    lessons: list[PackLesson] = []
    for entry in lessons_raw:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not LESSON_NAME.fullmatch(name):
            problems.append(problem_line(where, _("a lesson's name is not usable: {name}").format(name=str(name)[:80]),
                                  copy_again()))
            continue
        acts = entry.get("activities") or []
        if not isinstance(acts, list) or not all(isinstance(a, str) and a.lower() in seen and a.count("/") == 1
                                                 and a.startswith(f"{ACTIVITIES}/") for a in acts):
            problems.append(problem_line(where, _("the lesson {name} names activities the pack does not hold").format(
                name=name), copy_again()))
            continue
        if f"{LESSONS}/{name}.yaml".lower() not in seen:
            problems.append(problem_line(where, _("the lesson {name} has no lesson file in the pack").format(name=name),
                                  copy_again()))
            continue
        text = {k: str(entry.get(k) or "")[:200] for k in ("id", "title", "language")}
        lessons.append(PackLesson(name, text["id"] or name, text["title"], text["language"],
                                  tuple(seen[a.lower()] for a in acts)))
    names = {lesson.name.lower() for lesson in lessons}
    if len(names) != len(lessons):
        problems.append(problem_line(where, _("the pack names a lesson twice"), copy_again()))
    for f in files:
        parts = f.path.split("/")
        ok = (parts[0] == ACTIVITIES and len(parts) == 2 and f.path.lower().endswith((".yaml", ".yml"))) or (
            parts[0] == LESSONS and len(parts) == 2 and parts[1].lower().removesuffix(".yaml") in names
            and parts[1].endswith(".yaml")) or (parts[0] == LESSONS and len(parts) > 2 and parts[1].lower() in names)
        if not ok:
            problems.append(problem_line(f.path, _("this file belongs to no lesson of the pack"), copy_again()))
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
                 progress: ProgressFactory = default_progress,
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
    fmt.check_room(playlists_dir, total + total // 100 + SPARE_BYTES,
                      _("the lessons need {needed}, the disk has {free} free"),
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
        raise ImportProblem(disk_problem(exc, playlists_dir, total)) from None
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
            problems.append(file_problem(_("{file} is missing from the pack"), f.path, copy_again()))
            continue
        except OSError as exc:
            problems.append(file_problem(_("{file} cannot be read ({reason})"), f.path, copy_again(),
                                         reason=exc.strerror or exc))
            continue
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode) or not inside(os.path.realpath(full), root):
            problems.append(file_problem(_("{file} is a link, a folder or a device, not an ordinary file"), f.path,
                                         copy_again()))
            continue
        if info.st_size != f.bytes:
            problems.append(checksums.size_problem(f.path, info.st_size, f.bytes) + " — " + copy_again())
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
    """Folders left by an install cut short by a power cut (their process is gone): staging folders
    are removed; a lesson's old media folder is put back when the cut came before the new one was
    moved in (the lesson plays as it did), else removed."""
    for prefix in (_STAGING, _OLD):
        for path in folder.glob(f"{prefix}*"):
            name, _dash, pid = path.name[len(prefix):].rpartition("-")
            if not pid.isdigit() or int(pid) == os.getpid() or alive(int(pid)):
                continue
            live = folder / name
            if prefix == _OLD and LESSON_NAME.fullmatch(name) and not os.path.lexists(live):
                os.rename(path, live)
            else:
                shutil.rmtree(path, ignore_errors=True)


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
                size, digest = fmt.copy_hashed(pack / f.path, target, f.bytes, bar.update, no_links=True)
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                    raise
                problems.append(file_problem(_("{file} cannot be read ({reason})"), f.path, copy_again(),
                                      reason=exc.strerror or exc))
                continue
            if size != f.bytes or digest != f.sha256:
                problems.append(file_problem(_("{file} was changed or damaged (checksum)"), f.path, copy_again()))
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
        raw = read_plain(staged)
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
            data = dump_yaml(raw, "Activity installed from a lesson pack (`cinema import`).")
            staged.unlink()
            write_data(staged, data)


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
    fsync_dir(playlists_dir)
    fsync_dir(activities_dir)
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
