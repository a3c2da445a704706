"""Perseus exercise files (Khan Academy's format, as Kolibri Studio publishes them) read as questions the
kiosk can ask: a zip of `exercise.json` and one `<assessment id>.json` per question, pictures under
`images/` (contentcuration/utils/assessment/perseus.py and templates/perseus/*.json in Studio).

A question the kiosk asks is a `radio` widget with one right answer and 2-6 text answers (multiple
choice), or a number to type whose answer is one digit (numeric: a clicker key 0-9). Every other
question is dropped with the reason, in the teacher's language. Everything read is bounded: entries in
the zip, bytes per question and picture, characters per prompt and answer, math kept to the simple.
"""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cinema.locale.runtime import gettext as _

from .drafts import QuestionDraft

MAX_IDS = 3_000  # questions in one exercise
MAX_ZIP_ENTRIES = 5_000
MAX_ITEM_BYTES = 512 * 1024  # one question (JSON)
MAX_PICTURE_BYTES = 8 * 1024 * 1024
MAX_PROMPT = 400  # characters shown on the projector
MAX_OPTION = 160
DIGITS = tuple("0123456789")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PerseusDamaged(Exception):
    """The exercise file cannot be read: what is wrong, for the teacher."""


def _text(value: object, limit: int) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return " ".join(_CONTROL.sub(" ", text[: limit * 2]).split())[:limit]


def id_list(value: object) -> list[str]:
    """Assessment item ids: a JSON list (the database's) or a list (exercise.json's)."""
    try:
        ids = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [i for i in ids[:MAX_IDS] if isinstance(i, str) and 0 < len(i) <= 100] \
        if isinstance(ids, list) else []


@dataclass
class Perseus:
    """An exercise's questions: those the kiosk asks, and the number and reason of each dropped."""

    questions: list[tuple[str, QuestionDraft]]  # (activity kind, question)
    dropped: list[tuple[int, str]]  # (question number, reason)


_WIDGET = re.compile(r"\[\[\u2603 ([A-Za-z0-9_-]+ \d+)\]\]")
_IMAGE = re.compile(r"!\[[^\]]{0,500}\]\(([^)]{1,700})\)")  # the link may hold a space and " =WxH"
_LOCAL = re.compile(r"\$\{\u2623 (?:LOCALPATH|CONTENTSTORAGE)\}/(?:images/)?([A-Za-z0-9._-]{1,120})")
_NUMERIC_WIDGETS = ("numeric-input", "input-number", "text-input")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


def read_perseus(path: Path, item_ids: list[str] | None, pictures: Path, *, place: str = "") -> Perseus:
    """The questions of a perseus file (a zip: exercise.json and `<assessment id>.json` per question,
    pictures under images/), each either a question the kiosk asks or the reason it cannot. Questions
    are named `<place>, question <n>` in later messages (place: the exercise, else the file's name)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise PerseusDamaged(_("its exercise file has too many parts ({n})").format(n=len(infos)))
            entries = {info.filename: info for info in infos}
            if not item_ids:
                item_ids = id_list(_json(archive, entries.get("exercise.json")).get("all_assessment_items"))
            result = Perseus([], [])
            for n, item_id in enumerate(item_ids, start=1):
                info = entries.get(f"{item_id}.json")
                if info is None:
                    result.dropped.append((n, _("missing from the exercise file")))
                    continue
                asked = _question(_json(archive, info), archive, entries, pictures, f"{n:03d}")
                if isinstance(asked, str):
                    result.dropped.append((n, asked))
                else:
                    kind, question = asked
                    named = _("{place}, question {n}").format(place=place or path.name, n=n)
                    result.questions.append((kind, dataclasses.replace(question, where=named)))
            return result
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise PerseusDamaged(_("its exercise file cannot be read ({error})").format(error=str(error)[:120]))


def _json(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> dict:
    if info is None or info.file_size > MAX_ITEM_BYTES:
        return {}
    data = json.loads(archive.read(info).decode("utf-8"))
    return data if isinstance(data, dict) else {}


def _question(item: dict, archive: zipfile.ZipFile, entries: dict, pictures: Path, number: str
              ) -> tuple[str, QuestionDraft] | str:
    """(kind, question), or the reason the kiosk cannot ask it."""
    question = item.get("question")
    if not isinstance(question, dict) or not isinstance(question.get("content"), str):
        return _("has no question text")
    content = question["content"][:MAX_ITEM_BYTES]
    widgets = question.get("widgets") if isinstance(question.get("widgets"), dict) else {}
    named = [w for w in _WIDGET.findall(content)]
    answering = [w for w in named if isinstance(widgets.get(w), dict) and widgets[w].get("type") != "image"]
    if any(isinstance(widgets.get(w), dict) and widgets[w].get("type") == "image" for w in named):
        return _("shows a picture widget the kiosk cannot draw")
    if not answering:
        return _("has nothing to answer (text or hints only)")
    if len(answering) > 1:
        return _("asks for several answers at once")
    widget = widgets[answering[0]]
    options = widget.get("options") if isinstance(widget.get("options"), dict) else {}
    kind = widget.get("type")
    prompt, picture = _prompt(_WIDGET.sub(" ", content), archive, entries, pictures, number)
    if isinstance(prompt, _Reason):
        return str(prompt)
    if kind == "radio":
        return _radio(prompt, picture, options)
    if kind in _NUMERIC_WIDGETS:
        return _numeric(prompt, picture, options)
    return _("a {kind} question: only multiple choice and one-digit answers work with clickers").format(
        kind=_text(kind, 40) or "?")


class _Reason(str):
    """Why a text cannot be shown (a str, so it is returned as the reason)."""


def _prompt(content: str, archive: zipfile.ZipFile, entries: dict, pictures: Path, number: str
            ) -> tuple[str, Path | None]:
    images = _IMAGE.findall(content)
    picture = None
    if len(images) > 1:
        return _Reason(_("has several pictures in the question")), None
    if images:
        picture = _picture(images[0], archive, entries, pictures, number)
        if isinstance(picture, _Reason):
            return picture, None
    text = _plain(_IMAGE.sub(" ", content))
    if isinstance(text, _Reason):
        return text, None
    if not text:
        return _Reason(_("has no question text")), None
    if len(text) > MAX_PROMPT:
        return _Reason(_("its question is too long for the projector ({n} characters)").format(n=len(text))), None
    return text, picture


def _picture(link: str, archive: zipfile.ZipFile, entries: dict, pictures: Path, number: str) -> Path | _Reason:
    if "graphie" in link:
        return _Reason(_("its picture is a Khan Academy drawing (graphie) the kiosk cannot show"))
    local = _LOCAL.search(link)
    info = (entries.get(f"images/{local.group(1)}") or entries.get(local.group(1))) if local else None
    if info is None:
        return _Reason(_("its picture is not in the exercise file"))
    suffix = Path(local.group(1)).suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        return _Reason(_("its picture is a {kind} file the kiosk cannot show").format(kind=suffix.lstrip(".") or "?"))
    if info.file_size > MAX_PICTURE_BYTES:
        return _Reason(_("its picture is too big"))
    pictures.mkdir(parents=True, exist_ok=True)
    target = pictures / f"q{number}{suffix}"
    data = archive.read(info)
    if not target.is_file() or target.read_bytes() != data:
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    return target


# Math written in TeX between $...$: the simple parts become plain text; anything else is not shown.
_TEX_WORDS = [(re.compile(p), r) for p, r in (
    (r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2"), (r"\\(?:text|textbf|mathrm|mathbf)\{([^{}]*)\}", r"\1"),
    (r"\\(?:blue|red|green|gold|purple|teal|maroon|orange|pink|gray)[A-E]?\{([^{}]*)\}", r"\1"),
    (r"\\times", "×"), (r"\\div", "÷"), (r"\\cdot", "·"), (r"\\leq?(?![a-z])", "≤"), (r"\\geq?(?![a-z])", "≥"),
    (r"\\neq?(?![a-z])", "≠"), (r"\\pm", "±"), (r"\\%", "%"), (r"\\\$", "$"), (r"\\degree|\^\\circ|\^\{\\circ\}", "°"),
    (r"\\(?:,|;|!|quad|qquad|space)", " "), (r"\\(?:left|right)", ""), (r"\\pi", "π"), (r"[{}]", ""),
)]


_MARKS = re.compile(r"\*\*|__|^#{1,6}\s*|\\(?=[$*_#])", re.MULTILINE)


def _plain(content: str) -> str | _Reason:
    """Perseus markdown as one line of plain text: math made plain where it is simple."""
    pieces = re.split(r"(?<!\\)\$", content)
    out = []
    for n, piece in enumerate(pieces):
        if n % 2:
            for pattern, replacement in _TEX_WORDS:
                piece = pattern.sub(replacement, piece)
            if "\\" in piece or "^" in piece or "_" in piece:
                return _Reason(_("has math the projector cannot draw"))
        else:
            piece = _MARKS.sub("", piece)
        out.append(piece)
    return " ".join("".join(out).split())


def _option_text(value: object) -> str | _Reason:
    if not isinstance(value, str):
        return _Reason(_("an answer has no text"))
    if _IMAGE.search(value) or "graphie" in value:
        return _Reason(_("its answers are pictures: clickers choose between words"))
    text = _plain(value)
    if isinstance(text, _Reason):
        return text
    if not text:
        return _Reason(_("an answer has no text"))
    if len(text) > MAX_OPTION:
        return _Reason(_("an answer is too long for the projector ({n} characters)").format(n=len(text)))
    return text


def _radio(prompt: str, picture: Path | None, options: dict) -> tuple[str, QuestionDraft] | str:
    choices = options.get("choices") if isinstance(options.get("choices"), list) else []
    choices = [c for c in choices if isinstance(c, dict)]
    right = [n for n, c in enumerate(choices) if c.get("correct") is True]
    if options.get("multipleSelect") or len(right) > 1:
        return _("has more than one right answer: clickers choose one")
    if options.get("hasNoneOfTheAbove") or any(c.get("isNoneOfTheAbove") for c in choices):
        return _("has a 'None of the above' answer the kiosk cannot show")
    if not right:
        return _("has no right answer marked")
    if not 2 <= len(choices) <= 6:
        return _("has {n} answers: clickers choose between 2 and 6 (A-F)").format(n=len(choices))
    texts = []
    for choice in choices:
        text = _option_text(choice.get("content"))
        if isinstance(text, _Reason):
            return str(text)
        texts.append(text)
    letters = "ABCDEF"
    return "multiple_choice", QuestionDraft(prompt=prompt, options=tuple(zip(letters, texts)),
                                            correct=letters[right[0]], picture=picture)


def _numeric(prompt: str, picture: Path | None, options: dict) -> tuple[str, QuestionDraft] | str:
    answers = options.get("answers") if isinstance(options.get("answers"), list) else []
    right = [a.get("value") for a in answers if isinstance(a, dict) and a.get("status") == "correct"]
    if len(right) != 1:
        return _("a number to type, with {n} right answers: clickers answer with one key").format(n=len(right))
    value = right[0]
    if isinstance(value, str):
        value = value.strip()
        number = int(value) if value.isdigit() and len(value) == 1 else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        number = None
    if number is None or not 0 <= number <= 9:
        return _("a number to type ({value}): clickers answer with one key, 0 to 9").format(value=_text(value, 20))
    return "numeric", QuestionDraft(prompt=prompt, options=tuple((d, d) for d in DIGITS), correct=str(number),
                                    picture=picture)
