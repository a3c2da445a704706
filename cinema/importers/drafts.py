"""What every importer hands the lesson writer: drafts of items, skipped files, and problems.

A reader (a folder, a PDF, a spreadsheet, a Kolibri channel) only looks at its source and says
what the lesson should be; `writer.write_lesson` prepares the media, writes the activities and
the playlist, and commits them all at once. Nothing here touches the lessons folder.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Union


class ImportProblem(Exception):
    """The import cannot go on. `problems` are whole lines for the teacher, each
    `where: what is wrong — how to fix it` (where: file, and page, sheet, row, column)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def problem_line(place: object, what: str, fix: str) -> str:
    """`where: what is wrong — how to fix it`, the one shape of every problem line an import prints."""
    return f"{place}: {what} — {fix}"


def where(file: Path | str, *, page: int | None = None, sheet: str | None = None, row: int | None = None,
          column: str | None = None) -> str:
    """`lesson.pdf, page 3` / `quiz.xlsx, sheet Quiz, row 4, column answer`: the place a message names."""
    from cinema.locale.runtime import gettext as _

    parts = [Path(file).name]
    if page is not None:
        parts.append(_("page {n}").format(n=page))
    if sheet is not None:
        parts.append(_("sheet {name}").format(name=sheet))
    if row is not None:
        parts.append(_("row {n}").format(n=row))
    if column is not None:
        parts.append(_("column {name}").format(name=column))
    return ", ".join(parts)


@dataclass(frozen=True)
class MediaDraft:
    """A video or a sound file, and the subtitle files found for it."""

    kind: str  # "video" | "audio"
    source: Path
    title: str
    key: str  # stable and file-name safe (from the source's name): the item id and the prepared file's name
    subtitles: tuple[tuple[str, Path], ...] = ()  # (language code, or "" when the name gives none; .srt/.vtt)
    take_home: bool = False


@dataclass(frozen=True)
class SlidesDraft:
    """Pictures shown one after the other: a PDF's pages, a presentation's, or the teacher's pictures."""

    source: Path  # the PDF or presentation, or the first picture
    title: str
    key: str
    pages: tuple[Path, ...]  # picture files (PNG/JPEG): pages rendered into ImportContext.work, or originals
    seconds: float | None = None  # per slide; None: the teacher moves on


@dataclass(frozen=True)
class QuestionDraft:
    prompt: str
    options: tuple[tuple[str, str], ...]  # (key, text): A-F, A/B for true_false, digits for numeric
    correct: str | None  # the right key; None for a poll
    picture: Path | None = None
    where: str = ""  # `quiz.csv, row 4`: named in messages about this question


@dataclass(frozen=True)
class QuizDraft:
    """One activity item. A spreadsheet whose rows change kind (or timer) gives several in a row,
    because an activity has one kind and one timer."""

    source: Path
    title: str
    key: str
    kind: str  # multiple_choice | true_false | poll | numeric
    questions: tuple[QuestionDraft, ...]
    seconds: float | None = None  # timer per question; None: the teacher closes each question


Draft = Union[MediaDraft, SlidesDraft, QuizDraft]


@dataclass(frozen=True)
class Skipped:
    """A file (or a Kolibri resource) left out of the lesson, and why, in the teacher's language."""

    source: Path | str
    reason: str


@dataclass(frozen=True)
class LessonDraft:
    title: str
    language: str
    items: tuple[Draft, ...]
    skipped: tuple[Skipped, ...] = ()
    name: str = ""  # file-name-safe lesson name from the source (folder, file or topic name)
    subject: str | None = None


class Bar(Protocol):
    """A progress bar (cinema.progress.bar): silent when the output is not a terminal."""

    def update(self, n: float = 1) -> object: ...

    def close(self) -> None: ...


def _default_bar(label: str, total: float | None, unit: str = "") -> Bar:
    from cinema.progress import bar

    return bar(label, total, unit=unit)


@dataclass
class ImportContext:
    """What every reader and the writer share for one `cinema import`."""

    work: Path  # scratch folder of this import (rendered pages, converted files); kept when an import
    #             is interrupted, so running it again continues where it stopped
    language: str  # the lesson's language (spreadsheet headers may be in it)
    low_power: bool = False  # also make a low-power rendition of each video (played on battery)
    progress: Callable[..., Bar] = _default_bar  # progress(label, total, unit="") -> Bar
    log: list[str] = field(default_factory=list)  # notes for the summary printed at the end


_KEEP = re.compile(r"[^A-Za-z0-9._-]+")


def key_for(name: str, taken: set[str] | frozenset[str] = frozenset(), limit: int = 28) -> str:
    """A file-name-safe, id-safe key from a file or topic name: `02 Water cycle.mp4` -> `02-water-cycle`;
    letters outside ASCII (Arabic, Ukrainian names) become `item`; `-2`, `-3`... when already taken."""
    stem = Path(name).stem if "." in name and not name.startswith(".") else name
    text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    base = _KEEP.sub("-", text).strip("-._").lower()[:limit].strip("-._") or "item"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base[:limit - len(str(n)) - 1]}-{n}"
    return key


_NUMBERING = re.compile(r"^\s*\d+\s*[-_.)\s]\s*")


def title_from(path: Path | str) -> str:
    """A title from a file name: `02_the-water_cycle.mp4` -> `The water cycle` (the leading number that
    orders the files dropped, `_` and `-` read as spaces); any script is kept."""
    stem = Path(path).stem
    words = _NUMBERING.sub("", stem).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()) or " ".join(stem.split())
    return words[:1].upper() + words[1:]
