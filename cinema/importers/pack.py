"""Writing lesson packs: `cinema pack LESSON... -o PACK` for a programme's USB stick (and both commands).

Each lesson is checked as `cinema check` would (a lesson with problems is refused by name before
anything is written); its folder, the files it names elsewhere (carried into its folder, the paths
rewritten), and its activities are copied while hashed into `.PACK.partial` beside the pack, with
pack.json and its signature written last, then renamed into place. The format is in pack_format.py;
installing is pack_install.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext

from . import checksums
from .checksums import human_size
from .drafts import ImportProblem
from .pack_format import (
    ACTIVITIES, FAT32_MAX_FILE, FORMAT, FORMAT_VERSION, LESSON_NAME, LESSONS, PACK_JSON, SIGNATURE_JSON, SPARE_BYTES,
    ProgressFactory, check_room, copy_hashed, default_progress, disk_problem, dump_yaml, fat_name_problem, fsync_dir,
    inside, is_pack, key_id, problem_line, read_plain, signing_key, write_data,
)


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
        if inside(logical, folder):
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
    raw = read_plain(path)
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
        data = dump_yaml(raw, f"Lesson {name}, packed by `cinema pack`: its files are in the folder {name}/.")
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
    raw = read_plain(act_path)
    questions = raw.get("questions") if isinstance(raw, dict) else None
    images = [q for q in questions or [] if isinstance(q, dict) and isinstance(q.get("image"), str)]
    if not images:
        return _Planned(packed, act_path)
    for question in images:
        logical = os.path.normpath(os.path.join(act_path.parent, question["image"]))
        owner = next(((folder, n) for folder, n in all_media.items() if inside(logical, folder)), None)
        if owner is None or owner[1] == carrier.plan.name:  # this lesson's folder, or carried into it
            question["image"] = f"../{LESSONS}/" + carrier.place(act_path.parent, question["image"])
        else:  # in another lesson of this pack, which carries it
            question["image"] = f"../{LESSONS}/{owner[1]}/" + Path(os.path.relpath(logical, owner[0])).as_posix()
    return _Planned(packed, data=dump_yaml(raw, "Activity packed by `cinema pack`: pictures are in the lessons' "
                                                 "folders."))


# ---- writing a pack ---------------------------------------------------------------


def write_pack(playlists: Iterable[Path], out: Path, card_keys: tuple[bytes, ...] = (), *,
               activities_dir: Path, media_dirs: tuple[Path, ...] = (),
               progress: ProgressFactory = default_progress, now: Callable[[], float] = time.time) -> PackResult:
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
        why = None if LESSON_NAME.fullmatch(name) else _(
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
    check_room(out.parent, total + total // 100 + SPARE_BYTES, _("the pack needs {needed}, the stick has {free} free"),
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
                    size, digest = write_data(target, f.data)
                    bar.update(size)
                else:
                    size, digest = copy_hashed(f.source, target, None, bar.update)
                entry = {"path": f.path, "bytes": size, "sha256": digest}
                listed.append(entry)
                prefix = f"{LESSONS}/{plan.name}/"
                if f.path.startswith(prefix):
                    entries.append({"path": f.path[len(prefix):], "bytes": size, "sha256": digest})
            # The lesson's checksums.json, as the installed lesson will have it (`cinema check` reads it).
            manifest = checksums.manifest_bytes(sorted(entries, key=lambda e: e["path"]))
            (temp / LESSONS / plan.name).mkdir(parents=True, exist_ok=True)
            size, digest = write_data(temp / LESSONS / plan.name / checksums.NAME, manifest)
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
        write_data(temp / PACK_JSON, pack_bytes)
        if card_keys:
            key = signing_key(card_keys[0])
            signature = {"alg": "HMAC-SHA256", "key_id": key_id(key),
                         "mac": hmac.new(key, pack_bytes, hashlib.sha256).hexdigest()}
            write_data(temp / SIGNATURE_JSON, (json.dumps(signature) + "\n").encode())
        fsync_dir(temp)
        _swap_in(temp, out)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise ImportProblem(disk_problem(exc, out, total)) from None
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
            clash = _("{file}: another file of the pack has the same name ({other}) on a USB stick, which does not "
                      "tell capitals from small letters").format(file=f.path, other=seen[f.path.lower()])
            problems.append(f"{clash} — " + _("rename one of them"))
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
                problems.append(problem_line(f.source, _("this file cannot be read ({reason})").format(
                    reason=exc.strerror or exc), _("check the file")))
                continue
            if size > FAT32_MAX_FILE:
                too_big = _("this file is {size}: a USB stick (FAT32) holds no file over 4 GB").format(
                    size=human_size(size))
                fix = _("import it again to make a smaller copy, or split the video")
                problems.append(problem_line(f.source, too_big, fix))


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
    fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
                problems.append(problem_line(given, _("file not found"), _("check the name and the folder")))
            else:
                found.append(path)
            continue
        candidates = [playlists_dir / f"{given}{s}" for s in (".yaml", ".yml")]
        hit = next((c for c in candidates if c.is_file()), None) or _by_id(given, playlists_dir)
        if hit is None:
            known = sorted(p.stem for p in playlists_dir.glob("*.yaml")) if playlists_dir.is_dir() else []
            fix = (_("give a lesson file, or one of: {names}").format(names=", ".join(known[:20])) if known
                   else _("give the lesson file (playlists/NAME.yaml)"))
            missing = _("no lesson of that name in {folder}").format(folder=playlists_dir)
            problems.append(problem_line(given, missing, fix))
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
            _say(problem_line(s, _("this is not a lesson pack (it has no pack.json)"),
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
    from .pack_install import install_pack

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
