"""Write a lesson draft as a lesson the kiosk plays: its media folder, its activities, its playlist, all at once.

Everything is made first in the import's work folder beside the playlist (`playlists/.import-NAME/`,
ctx.work): prepared media, pictures, subtitles and checksums.json in `stage/`, and the YAML in
memory. Then the commit: the YAML files are written to hidden temporary names beside their targets
(a full disk fails here, with nothing of the old lesson touched), the media folder is swapped in
by renaming, and the temporary files are renamed over the activities and, last, the playlist. An
import interrupted before the commit leaves the old lesson as it was and the work folder, so the
same command continues; one interrupted inside the swap is put back by the next run.

Importing the same source again writes the same names and ids: the lesson is updated, its old
media and any activity it no longer uses are removed.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from cinema.atomic import replacing
from cinema.locale.runtime import gettext as _

from .drafts import ImportContext, ImportProblem, LessonDraft, MediaDraft, QuizDraft, SlidesDraft, key_for, where

MARKER = "# made-by: cinema import"  # never translated: tells an imported lesson from one written by hand
FOLDER_MARK = ".made-by-cinema-import"  # the same in the media folder (a commit cut between its renames
#                                        leaves the folder without its playlist; the next run must know it)
MAX_NAME = 40  # characters of a lesson's file name (activity ids are NAME--KEY, at most 64)
MAX_SUBTITLE_BYTES = 5 * 1024 * 1024
PICTURE_BOX = (1920, 1080)  # pictures bigger than a projector shows are made this size
MAX_PHOTO_PIXELS = 150_000_000  # a JPEG up to this is made smaller (under Pillow's own bomb limit, 179 MP)
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_NO_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS)
# What a subtitle file in another encoding most likely is, by the lesson's language (Windows code pages).
_LEGACY_ENCODINGS = {"ar": "cp1256", "uk": "cp1251", "ru": "cp1251", "fa": "cp1256"}


@dataclass(frozen=True)
class Target:
    """Where a lesson goes: `playlists/NAME.yaml`, its media in `playlists/NAME/`, its quizzes in the
    activities folder as `NAME--KEY.yaml`."""

    playlist: Path
    activities_dir: Path
    sources: tuple[Path, ...] = ()  # what the teacher imported (named in the file's first lines)

    @property
    def name(self) -> str:
        return self.playlist.stem

    @property
    def media_dir(self) -> Path:
        return self.playlist.with_name(self.playlist.stem)

    @property
    def work(self) -> Path:
        """The import's work folder (ImportContext.work): hidden, beside the playlist."""
        return self.playlist.with_name(f".import-{self.playlist.stem}")

    def activity_id(self, key: str) -> str:
        return f"{self.name}--{key}"


@dataclass(frozen=True)
class WrittenLesson:
    playlist: Path
    media_dir: Path
    activities: tuple[Path, ...]
    counts: dict[str, int] = field(default_factory=dict)  # video, audio, slides, quiz -> items
    removed: tuple[Path, ...] = ()  # old files of the lesson no longer used
    updated: bool = False  # the lesson was there before
    notes: tuple[str, ...] = ()  # what was converted or made louder, file by file


def target_for(playlists_dir: Path, activities_dir: Path, name: str, output: str | os.PathLike | None = None,
               sources: tuple[Path, ...] = ()) -> Target:
    """The target of an import: `output` when given (it must end in .yaml and have a plain name),
    else `<playlists_dir>/<name>.yaml`."""
    if output is None:
        return Target(Path(playlists_dir) / f"{name[:MAX_NAME]}.yaml", Path(activities_dir), tuple(sources))
    path = Path(output)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ImportProblem(f"-o {output}: " + _("a lesson file ends in .yaml") + " — "
                            + _("e.g. -o playlists/{name}.yaml").format(name=key_for(path.name) or "lesson"))
    if key_for(path.stem, limit=MAX_NAME) != path.stem and not _plain(path.stem):
        raise ImportProblem(f"-o {output}: " + _("the name may only have letters, digits, '-', '_' and '.' "
                                                  "(at most {n})").format(n=MAX_NAME) + " — "
                            + _("e.g. -o {path}").format(
                                path=path.with_name(key_for(path.stem, limit=MAX_NAME) + ".yaml")))
    return Target(path, Path(activities_dir), tuple(sources))


def _plain(stem: str) -> bool:
    return 0 < len(stem) <= MAX_NAME and all(c.isascii() and (c.isalnum() or c in "._-") for c in stem) \
        and stem[0].isalnum()


def write_lesson(draft: LessonDraft, target: Target, ctx: ImportContext) -> WrittenLesson:
    """Prepare the draft's media into the work folder and commit the lesson at once (see the module's
    docstring). Raises ImportProblem listing every problem; the old lesson is then as it was."""
    _put_back_interrupted_swap(target, ctx.work)
    _check_target(target)
    stage = ctx.work / "stage"
    try:
        stage.mkdir(parents=True, exist_ok=True)
        lesson = _Stage(draft, target, ctx, stage)
        lesson.prepare_all()
        return _commit(lesson, target, ctx)
    except OSError as exc:
        raise ImportProblem(_disk_problem(exc, target, draft)) from None


# ---- staging -------------------------------------------------------------------------------------------


class _Stage:
    """The new lesson, made in `stage/`: media files by name, and the items and activities to write."""

    def __init__(self, draft: LessonDraft, target: Target, ctx: ImportContext, stage: Path) -> None:
        self.draft, self.target, self.ctx, self.stage = draft, target, ctx, stage
        self.items: list[dict] = []
        self.activities: dict[str, dict] = {}  # file name -> content
        self.files: set[str] = set()  # the media folder's files, relative
        self.counts: dict[str, int] = {}
        self.kept: set[str] = set()  # hidden files kept beside the media (not in checksums.json)
        self.notes: list[str] = []  # what was converted, for the summary

    def prepare_all(self) -> None:
        problems: list[str] = []
        keys = _unique_keys(self.draft)
        for item, key in zip(self.draft.items, keys):
            try:
                if isinstance(item, MediaDraft):
                    self.items.append(self._media(item, key))
                elif isinstance(item, SlidesDraft):
                    self.items.append(self._slides(item, key))
                elif isinstance(item, QuizDraft):
                    self.items.append(self._quiz(item, key))
                else:  # pragma: no cover - the Draft union has three types
                    raise TypeError(type(item).__name__)
            except ImportProblem as problem:
                problems.extend(problem.problems)
            self.counts[_count_kind(item)] = self.counts.get(_count_kind(item), 0) + 1
        if problems:
            raise ImportProblem(problems)
        if not self.items:  # what was left out, and why, is the rest of the answer
            raise ImportProblem([f"{_sources_text(self.target)}: " + _("nothing the kiosk can show was found") + " — "
                                 + _("add videos, sounds, pictures, PDFs or question spreadsheets"),
                                 *(f"{skipped_name(s.source)}: {s.reason}" for s in self.draft.skipped)])
        _write_file(self.stage / FOLDER_MARK, (MARKER + "\n").encode("utf-8"))
        self.kept.add(FOLDER_MARK)
        self._prune()
        from . import checksums

        checksums.write_manifest(self.stage, sorted(self.files), progress=self.ctx.progress)
        self.files.add(checksums.NAME)

    def _rel(self, name: str) -> str:
        """A media file's path as the playlist names it (relative to the playlist's folder)."""
        self.files.add(name)
        return f"{self.target.name}/{name}"

    def _media(self, item: MediaDraft, key: str) -> dict:
        from . import media

        prepared = media.prepare(item.source, self.stage, key, item.kind, self.ctx, reuse=(self.target.media_dir,))
        entry: dict = {"type": item.kind, "id": key, "title": _line(item.title),
                       "media": self._rel(Path(prepared.path).name)}
        if item.kind == "video":
            subtitles = self._subtitles(item, key)
            if subtitles is not None:
                entry["subtitles"] = subtitles
        if prepared.duration > 0:
            entry["duration"] = round(float(prepared.duration), 2)
        if item.kind == "video" and prepared.low_power is not None:
            entry["low_power"] = self._rel(Path(prepared.low_power).name)
        if prepared.record is not None:
            self.kept.add(Path(prepared.record).name)  # lets the next import of the same file reuse it
        # Each note names its file; a Kolibri storage name (an md5) tells the teacher nothing: the title does.
        hashed = re.fullmatch(r"[0-9a-f]{32}", item.source.stem) is not None
        self.notes.extend(note.replace(item.source.name, _line(item.title), 1) if hashed else note
                          for note in prepared.notes)
        if item.take_home:
            entry["take_home"] = True
        return entry

    def _subtitles(self, item: MediaDraft, key: str) -> str | dict | None:
        """One file: always shown; several: one per language (the lesson's language is played).
        A file whose name gives no language is taken to be in the lesson's language."""
        if not item.subtitles:
            return None
        lesson = self.draft.language or self.ctx.language
        named: dict[str, str] = {}
        for code, path in sorted(item.subtitles, key=lambda s: s[0] == ""):  # named languages first
            code = code or (lesson if lesson not in named else "")
            if not code or code in named:
                continue
            out = f"{key}.{code}{path.suffix.lower()}"
            self._copy_subtitles(path, self.stage / out, lesson)
            named[code] = self._rel(out)
        if len(named) == 1:
            return next(iter(named.values()))
        return named or None

    def _copy_subtitles(self, source: Path, out: Path, language: str) -> None:
        """A subtitle file copied as UTF-8, .srt or .vtt as it came: the kiosk's player (VLC, its webvtt
        module) shows both, so nothing is converted; a file saved in a Windows code page would show as
        gibberish, so that is."""
        try:
            size = source.stat().st_size
            if size > MAX_SUBTITLE_BYTES:
                raise ImportProblem(f"{where(source)}: " + _("too big for a subtitle file ({n} MB)").format(
                    n=size // 1024 ** 2) + " — " + _("is it the right file?"))
            data = source.read_bytes()
        except OSError as exc:
            raise ImportProblem(f"{where(source)}: " + _("cannot be read ({reason})").format(reason=exc.strerror)
                                + " — " + _("check the file's permissions, or copy it again")) from None
        text = _decode_subtitles(data, language)
        if "-->" not in text:
            raise ImportProblem(f"{where(source)}: " + _("not a subtitle file (no `-->` times in it)") + " — "
                                + _("save the subtitles as .srt or .vtt"))
        _write_file(out, text.encode("utf-8"))

    def _slides(self, item: SlidesDraft, key: str) -> dict:
        names = []
        width = max(2, len(str(len(item.pages))))
        problems: list[str] = []
        bar = self.ctx.progress(_("Pictures of {title}").format(title=_line(item.title) or item.source.name),
                                len(item.pages), unit="picture")
        try:
            for n, page in enumerate(item.pages, start=1):
                try:
                    out = copy_picture(page, self.stage, f"{key}-{n:0{width}d}")
                except ImportProblem as problem:  # every bad picture of the item named, not only the first
                    problems.extend(problem.problems)
                    continue
                finally:
                    bar.update(1)
                names.append(self._rel(out.name))
        finally:
            bar.close()
        if problems:
            raise ImportProblem(problems)
        entry: dict = {"type": "slides", "id": key, "title": _line(item.title), "slides": names}
        if item.seconds:
            entry["seconds"] = item.seconds
        return entry

    def _quiz(self, item: QuizDraft, key: str) -> dict:
        activity_id = self.target.activity_id(key)
        questions = []
        for n, q in enumerate(item.questions, start=1):
            question: dict = {"prompt": _text(q.prompt)}
            if q.options:
                question["options"] = {str(k): _text(text) for k, text in q.options}
            if q.correct is not None:
                question["correct"] = str(q.correct)
            if q.picture is not None:
                out = copy_picture(q.picture, self.stage, f"{key}-q{n}", place=q.where)
                self._rel(out.name)
                question["image"] = _relative(self.target.media_dir / out.name, self.target.activities_dir)
            questions.append(question)
        activity: dict = {"version": 1, "id": activity_id, "kind": item.kind, "title": _line(item.title) or key}
        if item.seconds:
            activity["seconds"] = item.seconds
        activity["questions"] = questions
        self.activities[f"{activity_id}.yaml"] = activity
        return {"type": "activity", "id": key, "title": _line(item.title), "activity": activity_id}

    def _prune(self) -> None:
        """Files of an earlier, different run of this import (a source file since removed) go."""
        for path in self.stage.iterdir():
            if path.name not in self.files and path.name not in self.kept and path.name != "checksums.json":
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


def skipped_name(source: Path | str) -> str:
    """A skipped file by its name; a Kolibri resource by its place in the topic, whole."""
    return source.name if isinstance(source, Path) else str(source)


def _count_kind(item) -> str:
    if isinstance(item, MediaDraft):
        return item.kind
    return "slides" if isinstance(item, SlidesDraft) else "quiz"


def _unique_keys(draft: LessonDraft) -> list[str]:
    taken: set[str] = set()
    keys = []
    for item in draft.items:
        key = key_for(item.key or "item", taken)
        taken.add(key)
        keys.append(key)
    return keys


def _decode_subtitles(data: bytes, language: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(_LEGACY_ENCODINGS.get(language.split("-")[0], "cp1252"), "replace")


def copy_picture(source: Path, folder: Path, stem: str, *, place: str = "", box: tuple[int, int] = PICTURE_BOX) -> Path:
    """`folder/stem.png` (or .jpg): the picture as the kiosk shows it. A PNG or JPEG that fits the
    projector is copied as it is; a bigger one is made projector size, a phone photo is turned the way
    it was taken (SDL ignores EXIF orientation), and other formats are saved as PNG."""
    from PIL import Image, ImageOps

    from cinema.config.picture_files import PictureRefused, verify_pixels

    shown = place or where(source)
    try:
        try:
            verify_pixels(source)
        except PictureRefused as refused:
            # A 48-108 megapixel phone photo is over what the kiosk shows, not over what is made smaller
            # here: a JPEG is decoded at 1/2 to 1/8 of its size (its DCT scaling), in a few MB.
            if refused.kind != "too_big" or not _photo_to_shrink(source):
                raise
        with warnings.catch_warnings(), Image.open(source) as picture:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            turned = picture.getexif().get(0x0112, 1) not in (None, 1)
            fits = picture.width <= box[0] and picture.height <= box[1]
            if picture.format in ("PNG", "JPEG") and fits and not turned:
                out = folder / (stem + (".png" if picture.format == "PNG" else ".jpg"))
                shutil.copyfile(source, out)
                return out
            if picture.format == "JPEG":
                picture.draft("RGB", box)
            shown_picture = ImageOps.exif_transpose(picture)
            shown_picture.thumbnail(box)
            if picture.format == "JPEG" and shown_picture.mode in ("RGB", "L"):
                out = folder / f"{stem}.jpg"
                with replacing(out, parents=False) as tmp:
                    shown_picture.save(tmp, "JPEG", quality=90)
            else:
                out = folder / f"{stem}.png"
                if shown_picture.mode not in ("RGB", "RGBA", "L", "LA"):
                    shown_picture = shown_picture.convert("RGBA")
                with replacing(out, parents=False) as tmp:
                    shown_picture.save(tmp, "PNG")
            return out
    except PictureRefused as refused:
        if refused.kind == "too_big":
            what, fix = _("too big to show"), _("make it smaller, e.g. 1920x1080")
        elif refused.kind == "damaged":
            what, fix = _("damaged or cut short"), _("copy the file again, or export the picture again")
        else:
            what, fix = _("not a picture the kiosk can show"), _("save it as PNG or JPG")
        raise ImportProblem(f"{shown}: {what} — {fix}") from None
    except OSError as exc:
        if exc.errno in _DISK_FULL + _NO_WRITE:
            raise  # the disk's problem, said as such by write_lesson
        raise ImportProblem(f"{shown}: " + _("damaged or cut short") + " — "
                            + _("copy the file again, or export the picture again")) from None
    except (Image.DecompressionBombError, SyntaxError, ValueError):
        raise ImportProblem(f"{shown}: " + _("damaged or cut short") + " — "
                            + _("copy the file again, or export the picture again")) from None


def _photo_to_shrink(path: Path) -> bool:
    from cinema.config.picture_files import PictureRefused, read_header

    try:
        header = read_header(path)
    except PictureRefused as refused:
        size = refused.size or (0, 0)
        return refused.kind == "too_big" and _jpeg(path) and 0 < size[0] * size[1] <= MAX_PHOTO_PIXELS
    return False


def _jpeg(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(3) == b"\xff\xd8\xff"
    except OSError:
        return False


# ---- the YAML ------------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the lessons written by hand are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D102
        return super().increase_indent(flow, False)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
                     default_flow_style=False)


def playlist_text(draft: LessonDraft, target: Target, items: list[dict], language: str) -> str:
    taken = {item["id"] for item in items}
    opening = key_for("welcome", taken)
    closing = key_for("goodbye", taken | {opening})
    head: dict = {"version": 1, "id": target.name, "title": _line(draft.title) or target.name, "language": language}
    if draft.subject:
        head["subject"] = _line(draft.subject)
    body = [{"type": "title", "id": opening, "title": head["title"]}, *items, {"type": "closing", "id": closing}]
    items_text = "\n".join(_indented(_dump([entry])) for entry in body)
    return _header(target) + _dump(head) + "items:\n" + items_text


def _indented(text: str) -> str:
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def activity_text(activity: dict, target: Target) -> str:
    return _header(target, activity=True) + _dump(activity)


def _header(target: Target, *, activity: bool = False) -> str:
    lines = [
        _("Made by `cinema import` from {source} on {date}.").format(source=_sources_text(target),
                                                                      date=date.today().isoformat()),
        _("Importing the same source again updates this lesson and replaces changes made here by hand."),
    ]
    if activity:
        lines.append(_("A quiz of the lesson {file}: the right answer is `correct`, each picture is `image`.").format(
            file=target.playlist.name))
    else:
        lines += [
            _("The lesson's files are in the folder {folder}/ beside this file; its quizzes are {pattern} "
              "in the activities folder.").format(folder=target.name, pattern=f"{target.name}--*.yaml"),
            _("To change it: edit a title, or move an item (from its `- type:` line to the next) up or down; "
              "then run `cinema check`."),
        ]
    # Every line a comment, whatever a translation or a file name holds: none may start a line of YAML.
    return "\n".join([MARKER, *("# " + _comment_safe(line) for line in lines)]) + "\n"


def _sources_text(target: Target) -> str:
    names = ", ".join(str(p) for p in target.sources[:3]) + (" ..." if len(target.sources) > 3 else "")
    return _comment_safe(names or target.name)


def _comment_safe(text: str) -> str:
    """Text for a comment line: a line break (in a file name) would end the comment."""
    return "".join(c if c.isprintable() else "?" for c in text)[:400]


def _line(text: str | None) -> str:
    return " ".join(str(text or "").split())[:200]


def _text(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.absolute(), start.absolute())).as_posix()


# ---- the commit ----------------------------------------------------------------------------------------


def _check_target(target: Target) -> None:
    """Never replace what cinema import did not write: a hand-written lesson of the same name, a folder
    of the teacher's own files in the lessons folder, or the very folder being imported."""
    media = target.media_dir.absolute()
    for source in target.sources:
        real = Path(os.path.realpath(source))
        if real == Path(os.path.realpath(media)) or real.is_relative_to(os.path.realpath(media)) \
                or Path(os.path.realpath(media)).is_relative_to(real):
            raise ImportProblem(f"{source}: " + _("this is where the lesson {file} keeps its files").format(
                file=target.playlist.name) + " — " + _("import the teacher's own folder, or choose another name "
                                                      "with -o playlists/NAME.yaml"))
    ours = _made_by_import(target.playlist)
    if target.playlist.exists() and not ours:
        raise ImportProblem(f"{target.playlist}: " + _("a lesson of this name is already there and was not made by "
                                                       "cinema import") + " — "
                            + _("choose another name with -o playlists/NAME.yaml"))
    if os.path.lexists(media) and not ours and not (media / FOLDER_MARK).is_file():
        raise ImportProblem(f"{media}: " + _("a folder of this name is already there and is not an imported lesson's")
                            + " — " + _("choose another name with -o playlists/NAME.yaml, or move the folder"))


def _made_by_import(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.readline().rstrip("\n") == MARKER
    except OSError:
        return False


def _put_back_interrupted_swap(target: Target, work: Path) -> None:
    previous = work / "previous"
    if previous.is_dir() and not os.path.lexists(target.media_dir):
        os.replace(previous, target.media_dir)


def _commit(lesson: _Stage, target: Target, ctx: ImportContext) -> WrittenLesson:
    language = lesson.draft.language or ctx.language
    texts = {target.activities_dir / name: activity_text(content, target)
             for name, content in lesson.activities.items()}
    playlist = playlist_text(lesson.draft, target, lesson.items, language)
    updated = target.playlist.exists()
    previous = ctx.work / "previous"
    if os.path.lexists(previous):
        _remove(previous)
    swapped = False
    try:
        with ExitStack() as files:
            # The playlist's temporary file is entered first, so it is renamed last.
            temporaries = [(files.enter_context(replacing(target.playlist)), playlist)]
            temporaries += [(files.enter_context(replacing(path)), text) for path, text in texts.items()]
            for tmp, text in temporaries:
                _write_file(tmp, text.encode("utf-8"))  # a full disk stops here: nothing swapped yet
            if os.path.lexists(target.media_dir):
                os.replace(target.media_dir, previous)
            os.replace(lesson.stage, target.media_dir)
            swapped = True
    except BaseException:
        if swapped or (os.path.lexists(previous) and not os.path.lexists(target.media_dir)):
            _swap_back(target, lesson.stage, previous, swapped)
        raise
    removed = _remove_old_activities(target, set(texts))
    if os.path.lexists(previous):
        removed += [target.media_dir / name for name in sorted(os.listdir(previous))
                    if name not in lesson.files and name not in lesson.kept and not name.startswith(".")]
    _remove(ctx.work)
    return WrittenLesson(playlist=target.playlist, media_dir=target.media_dir, activities=tuple(sorted(texts)),
                         counts=dict(lesson.counts), removed=tuple(removed), updated=updated,
                         notes=tuple(lesson.notes))


def _swap_back(target: Target, stage: Path, previous: Path, swapped: bool) -> None:
    if swapped and os.path.lexists(target.media_dir):
        os.replace(target.media_dir, stage)
    if os.path.lexists(previous) and not os.path.lexists(target.media_dir):
        os.replace(previous, target.media_dir)


def _remove_old_activities(target: Target, kept: set[Path]) -> list[Path]:
    removed = []
    for path in sorted(target.activities_dir.glob(f"{target.name}--*.y*ml")):
        if path not in kept and path.suffix in (".yaml", ".yml") and _made_by_import(path):
            path.unlink()
            removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def _write_file(path: Path, data: bytes) -> None:
    """Write and sync: a full disk shows up here, not later in a rename."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _disk_problem(exc: OSError, target: Target, draft: LessonDraft) -> str:
    folder = target.playlist.parent
    if exc.errno in _DISK_FULL:
        need = sum(_size(getattr(item, "source", None)) for item in draft.items)
        from .checksums import human_size

        return (f"{folder}: " + _("the disk is full") + " — "
                + _("free at least {size} on it and run the same command again (the lesson as it was is kept)").format(
                    size=human_size(max(need, 1))))
    if exc.errno in _NO_WRITE:
        return (f"{exc.filename or folder}: " + _("cannot be written ({reason})").format(reason=exc.strerror) + " — "
                + _("check the folder's permissions, or use another folder with -o"))
    return (f"{exc.filename or folder}: " + _("cannot be written ({reason})").format(reason=exc.strerror or exc)
            + " — " + _("check the disk, then run the same command again"))


def _size(path: Path | None) -> int:
    try:
        return Path(path).stat().st_size if path is not None else 0
    except OSError:
        return 0
