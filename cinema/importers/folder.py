"""A teacher's folder (or files named one by one) as a lesson draft: what each file is, in name order.

Videos and sounds become media items (titled from their own metadata, else the file name), PDFs and
presentations slides, consecutive pictures one slides item, question spreadsheets quizzes at their
place in the order. Subtitles are found by name beside their video: `lesson.srt`, `lesson.ar.srt`,
`lesson.ar.vtt`, `lesson_ar.srt`. Anything else is Skipped with the reason, so the teacher sees what
was left out; a folder inside is skipped too (one folder is one lesson: nested folders would leave
the order to guess), unless it only holds the pictures a question spreadsheet names.

Bounds: at most MAX_FILES entries are looked at; a link leading out of the folder is never followed;
names in any script are fine (keys fall back to `item`, `item-2`...). Nothing here writes outside
ctx.work.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import replace
from pathlib import Path

from cinema.locale.runtime import gettext as _

from . import presentation, sheets
from .drafts import (
    Draft, ImportContext, ImportProblem, LessonDraft, MediaDraft, QuizDraft, SlidesDraft, Skipped, key_for, title_from,
)

MAX_FILES = 500  # entries of one folder (hidden files included); a lesson is tens, a photo dump thousands
MAX_TITLE = 120  # characters of a title taken from a file's metadata

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".ogv", ".mpg", ".mpeg", ".wmv", ".flv",
                  ".3gp", ".ts", ".mts")
AUDIO_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wav", ".flac", ".wma")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")
PRESENTATION_SUFFIXES = (*presentation.PRESENTATION_SUFFIXES, ".key")  # Keynote: LibreOffice opens many
SHEET_SUFFIXES = sheets.SHEET_SUFFIXES
SUBTITLE_SUFFIXES = (".srt", ".vtt")
DOCUMENT_SUFFIXES = (".txt", ".md", ".doc", ".docx", ".odt", ".rtf")

# `lesson.ar.srt`, `lesson.pt-BR.vtt`: a language code after a dot; `lesson_ar.srt`, `lesson-uk.srt`:
# only two letters after `_` or `-` (longer would read `part_two.srt` as language "two").
_DOT_LANGUAGE = re.compile(r"\.([a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)$", re.IGNORECASE | re.ASCII)
_SEP_LANGUAGE = re.compile(r"[_-]([a-z]{2})$", re.IGNORECASE | re.ASCII)


def kind_of(path: Path) -> str:
    """What a file is by its name: video, audio, picture, pdf, presentation, sheet, subtitles, or other."""
    suffix = path.suffix.lower()
    for kind, suffixes in (("video", VIDEO_SUFFIXES), ("audio", AUDIO_SUFFIXES), ("picture", PICTURE_SUFFIXES),
                           ("pdf", (".pdf",)), ("presentation", PRESENTATION_SUFFIXES), ("sheet", SHEET_SUFFIXES),
                           ("subtitles", SUBTITLE_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return "other"


def natural_key(name: str) -> tuple:
    """Sort key putting `2 rain.mp4` before `10 sun.mp4` (numbers compared as numbers, any script's
    decimal digits), case aside; the name itself last, so the order never depends on the disk."""
    parts = re.split(r"(\d+)", name.casefold())  # \d: decimal digits, all int() reads (not `²`)
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in parts if p), name


def read_sources(paths: list[Path] | tuple[Path, ...], ctx: ImportContext) -> LessonDraft:
    """One lesson from a folder, or from files (and folders) in the order given."""
    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise ImportProblem([f"{p}: " + _("not found") + " — " + _("check the name and the folder") for p in missing])
    if len(paths) == 1 and paths[0].is_dir():
        return read_folder(paths[0], ctx)
    reader = _Reader(ctx)
    for path in paths:
        if path.is_dir():
            reader.entries(_listing(path), inside=path)
        else:
            reader.given(path)
    first = paths[0]
    draft = reader.draft()
    title = draft.items[0].title if len(paths) == 1 and len(draft.items) == 1 else _folder_title(first)
    return replace(draft, title=title or _folder_title(first), name=name_key(first.name))


def read_folder(path: Path, ctx: ImportContext) -> LessonDraft:
    """The lesson a folder makes: its files in natural name order."""
    path = Path(path)
    if not path.is_dir():
        raise ImportProblem(f"{path}: " + _("not a folder") + " — " + _("name a folder of lesson files"))
    reader = _Reader(ctx)
    reader.entries(_listing(path), inside=path)
    draft = reader.draft()
    return replace(draft, title=_folder_title(path), name=name_key(path.resolve().name if path.name in ("", ".", "..")
                                                                   else path.name))


def _folder_title(path: Path) -> str:
    name = path.resolve().name if path.name in ("", ".", "..") else path.name
    # A folder's whole name is its title (`Lesson 2.1` keeps its `.1`); a file's loses its extension.
    return title_from(name + ".x" if path.is_dir() else name)


def _listing(folder: Path) -> list[Path]:
    """The folder's entries, in natural name order; ImportProblem when there are too many to be a lesson."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                found.append(Path(entry.path))
                if len(found) > MAX_FILES:
                    raise ImportProblem(
                        f"{folder}: " + _("more than {n} files").format(n=MAX_FILES) + " — "
                        + _("one lesson is one folder of its own files: split it into several folders"))
    except OSError as exc:
        raise ImportProblem(f"{folder}: " + _("cannot be read ({reason})").format(reason=exc.strerror or exc) + " — "
                            + _("check the folder's permissions, or copy it again")) from None
    return sorted(found, key=lambda p: natural_key(p.name))


class _Reader:
    """Collects the items, skipped files and problems of one lesson, file after file."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.files: list[tuple[str, Path]] = []  # (kind, path) of lesson files, in lesson order
        self.subtitles: list[Path] = []
        self.folders: list[Path] = []
        self.skipped: list[Skipped] = []
        self.problems: list[str] = []
        self.page_keys: set[str] = set()  # the work folders of rendered pages: `deck.odp` and `deck.pptx` apart

    # -- what each entry is --------------------------------------------------------------

    def entries(self, paths: list[Path], *, inside: Path) -> None:
        root = os.path.realpath(inside)
        for path in paths:
            if path.name.startswith("."):
                self.skipped.append(Skipped(path, _("a hidden file")))
                continue
            if path.is_symlink():
                real = os.path.realpath(path)
                if not real.startswith(root + os.sep):
                    self.skipped.append(Skipped(path, _("a link to a file outside this folder: copy the file itself "
                                                        "into the folder")))
                    continue
            self._entry(path, listed=True)

    def given(self, path: Path) -> None:
        """A file the teacher named: its subtitles may be beside it, not named."""
        self._entry(path, listed=False)
        if kind_of(path) == "video":
            try:
                beside = [p for p in path.parent.iterdir()
                          if kind_of(p) == "subtitles" and p.name.startswith(path.stem) and not p.name.startswith(".")]
            except OSError:
                beside = []
            for sub in sorted(beside, key=lambda p: natural_key(p.name)):
                if sub not in self.subtitles:
                    self.subtitles.append(sub)

    def _entry(self, path: Path, *, listed: bool) -> None:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            self.problems.append(f"{path.name}: " + _("cannot be read ({reason})").format(reason=exc.strerror or exc)
                                 + " — " + _("check the file's permissions, or copy it again"))
            return
        if stat.S_ISDIR(mode):
            self.folders.append(path)
            return
        if not stat.S_ISREG(mode):
            self.skipped.append(Skipped(path, _("not an ordinary file (a pipe or a device)")))
            return
        kind = kind_of(path)
        if kind == "subtitles":
            if path not in self.subtitles:
                self.subtitles.append(path)
        elif kind == "other":
            self.skipped.append(Skipped(path, _other_reason(path)))
        else:
            self.files.append((kind, path))

    # -- the draft -------------------------------------------------------------------------

    def draft(self) -> LessonDraft:
        read: list[tuple[str, Path, tuple[Draft, ...]]] = []
        for kind, path in self.files:
            if kind == "picture":
                read.append((kind, path, ()))
                continue
            try:
                read.append((kind, path, self._read(kind, path)))
            except ImportProblem as problem:
                self.problems.extend(problem.problems)
            except OSError as exc:  # writing pages or converted files into the work folder
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                self.problems.append(f"{path.name}: " + _("the disk is full") + " — " + _(
                    "free space on the disk of {folder} and run the same command again").format(folder=self.ctx.work))
        # A picture a question names is the question's, not a slide of its own.
        used = {os.path.realpath(q.picture) for _k, _p, drafts in read for d in drafts if isinstance(d, QuizDraft)
                for q in d.questions if q.picture is not None}
        items = self._items(read, used)
        self._attach_subtitles(items)
        for folder in self.folders:
            if not any(u.startswith(os.path.realpath(folder) + os.sep) for u in used):
                self.skipped.append(Skipped(folder, _("a folder inside the lesson's folder: import it as a lesson "
                                                      "of its own, or move its files up")))
        if self.problems:
            raise ImportProblem(self.problems)
        return LessonDraft(title="", language=self.ctx.language, items=tuple(_unique_keys(items)),
                           skipped=tuple(self.skipped))

    def _read(self, kind: str, path: Path) -> tuple[Draft, ...]:
        if kind in ("video", "audio"):
            return (self._media(kind, path),)
        if kind == "pdf":
            return (self._pdf(path, path),)
        if kind == "presentation":
            key = self._page_key(path)
            pdf = presentation.to_pdf(path, self.ctx.work / "converted", self.ctx, key=key)
            self.ctx.log.append(_("{file}: converted to PDF with LibreOffice").format(file=path.name))
            return (self._pdf(pdf, path, key),)
        if kind == "sheet":
            return tuple(sheets.read_sheet(path, self.ctx))
        raise AssertionError(kind)

    def _media(self, kind: str, path: Path) -> MediaDraft:
        from . import media

        probe = media.probe(path)
        if kind == "video" and probe.video is None:
            kind = "audio"  # an .mp4 or .webm holding only sound
        elif kind == "audio" and probe.video is not None and path.suffix.lower() in (".ogg", ".oga"):
            kind = "video"  # an Ogg Theora film named .ogg (a cover picture in an MP3 is not a video)
        title = _one_line(probe.title) or title_from(path)
        return MediaDraft(kind=kind, source=path, title=title, key=name_key(path.name))

    def _page_key(self, source: Path) -> str:
        key = key_for(name_key(source.name), self.page_keys)
        self.page_keys.add(key)
        return key

    def _pdf(self, pdf: Path, source: Path, key: str = "") -> SlidesDraft:
        from . import pdf as pdf_pages

        key = key or self._page_key(source)
        slides = pdf_pages.render_pdf(pdf, self.ctx.work / "pages" / key, self.ctx, key=key)
        return replace(slides, source=source, key=key, title=_one_line(slides.title) or title_from(source))

    def _items(self, read: list[tuple[str, Path, tuple[Draft, ...]]], used: set[str]) -> list[Draft]:
        items: list[Draft] = []
        pictures: list[Path] = []

        def close_pictures() -> None:
            if pictures:
                items.append(SlidesDraft(source=pictures[0], title=_pictures_title(pictures),
                                         key=name_key(pictures[0].name), pages=tuple(pictures)))
                pictures.clear()

        for kind, path, drafts in read:
            if kind == "picture":
                if os.path.realpath(path) not in used:
                    pictures.append(path)
                continue
            close_pictures()
            items.extend(drafts)
        close_pictures()
        return items

    def _attach_subtitles(self, items: list[Draft]) -> None:
        videos = sorted((i for i, d in enumerate(items) if isinstance(d, MediaDraft) and d.kind == "video"),
                        key=lambda i: -len(items[i].source.stem))  # the longest name first: `intro_ar.mp4` wins
        found: dict[int, list[tuple[str, Path]]] = {}
        for sub in self.subtitles:
            match = next(((i, code) for i in videos if (code := subtitle_language(sub, items[i].source)) is not None),
                         None)
            if match is None:
                self.skipped.append(Skipped(sub, _("subtitles for no video: name them after the video, e.g. "
                                                   "lesson.ar.srt for lesson.mp4")))
                continue
            i, code = match
            taken = {c for c, _p in found.get(i, [])}
            if code in taken:
                self.skipped.append(Skipped(sub, _("another subtitle file of this video is in the same language")))
                continue
            found.setdefault(i, []).append((code, sub))
        for i, subs in found.items():
            items[i] = replace(items[i], subtitles=tuple(sorted(subs)))


def subtitle_language(subtitle: Path, video: Path) -> str | None:
    """The language a subtitle file's name gives for `video`: "" for `lesson.srt`, "ar" for
    `lesson.ar.srt`, `lesson_ar.srt` or `lesson-ar.vtt`; None when it is not this video's."""
    stem = subtitle.name[: -len(subtitle.suffix)] if subtitle.suffix else subtitle.name
    if stem == video.stem:
        return ""
    if not stem.startswith(video.stem):
        return None
    rest = stem[len(video.stem):]
    for pattern in (_DOT_LANGUAGE, _SEP_LANGUAGE):
        found = pattern.fullmatch(rest) if pattern is _SEP_LANGUAGE else pattern.match(rest)
        if found and found.end() == len(rest):
            code = found.group(1)
            head, _sep, region = code.replace("_", "-").partition("-")
            return head.lower() + (f"-{region}" if region else "")
    return None


def name_key(name: str) -> str:
    """key_for, but a name with no letter key_for keeps (`المطر.mp4`, `Дощ.mp4`) gets `item-` and a short
    hash of the name rather than plain `item`: two Arabic-named folders are two lessons, and a file keeps
    its key (its item id, its media's name) when files are added beside it."""
    key = key_for(name)
    stem = Path(name).stem if "." in name and not name.startswith(".") else name
    if key == "item" and stem.strip().casefold() != "item":
        key = "item-" + hashlib.blake2s(unicodedata.normalize("NFC", stem).encode("utf-8"), digest_size=3).hexdigest()
    return key


def _other_reason(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _("a text document: save it as PDF to show its pages as slides")
    if suffix in (".html", ".htm", ".zip", ".h5p", ".epub"):
        return _("a web page or app: the kiosk shows videos, sounds, pictures, PDFs and quizzes")
    if suffix in (".yaml", ".yml", ".json"):
        return _("a settings file, not lesson material")
    return _("the kiosk cannot show this kind of file ({kind})").format(kind=suffix or _("no extension"))


def _pictures_title(pictures: list[Path]) -> str:
    """`Water 1.png, Water 2.png` -> `Water`; one picture: its own title."""
    if len(pictures) == 1:
        return title_from(pictures[0])
    stems = [p.stem for p in pictures]
    common = os.path.commonprefix(stems).rstrip("0123456789 _-.")
    return title_from(common + ".x") if common.strip() else title_from(pictures[0])


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:MAX_TITLE]


def _unique_keys(items: list[Draft]) -> list[Draft]:
    """Every item's key once (two files `intro.mp4` and `intro.pdf` give `intro` and `intro-2`)."""
    taken: set[str] = set()
    unique = []
    for item in items:
        key = item.key if item.key not in taken else key_for(item.key, taken)
        taken.add(key)
        unique.append(item if key == item.key else replace(item, key=key))
    return unique


__all__ = ["MAX_FILES", "kind_of", "name_key", "natural_key", "read_folder", "read_sources", "subtitle_language"]
