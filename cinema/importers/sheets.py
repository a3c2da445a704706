"""Question spreadsheets (CSV, .xlsx, .xls, .ods) as quizzes: one QuizDraft per run of rows of one kind.

The columns are `question`, `A` ... `F`, `answer` (the right letter; empty for a poll), and optionally
`picture` (a file beside the spreadsheet) and `seconds`; their names may be written in the lesson's
language too (Arabic, Ukrainian, French, Portuguese, Spanish), option letters as أ ب ج د ه و or
А Б В Г Д Е. Every bad row is listed, each naming the sheet, the row as the spreadsheet shows it
and the column, and how to fix it.

Workbooks are read by python-calamine in a child process with a memory and time limit: calamine
makes room for every cell between A1 and the last one, so an 8 KB file with one cell in XFD1048576
asks for 500 GB, and a failed allocation ends the process it runs in. A CSV is read here.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from cinema.locale.runtime import gettext as _

from .drafts import (
    ImportContext, ImportProblem, QuestionDraft, QuizDraft, key_for, problem_line, title_from, where,
)

SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")

MAX_BYTES = 8 * 2**20  # 500 questions with six long options are under 1 MB, in any format
MAX_UNPACKED = 48 * 2**20  # a workbook is a zip: what it holds, unpacked, is bounded too (a zip bomb)
MAX_ZIP_MEMBERS = 2000
MAX_ROWS = 5000  # rows read from one sheet, blank ones included
MAX_COLUMNS = 40
MAX_QUESTIONS = 500  # in one file
MAX_CELL = 2000  # characters read from one cell
MAX_TEXT = 8_000_000  # characters read from a whole workbook (one shared string may fill a thousand cells)
MAX_QUESTION = 300  # characters a question may have: it is read from the projector
MAX_OPTION = 150
MAX_PROBLEMS = 200  # lines listed; the rest counted
MIN_SECONDS, MAX_SECONDS = 5, 3600
CHILD_MEMORY = 1 << 30  # the workbook reader's address space
CHILD_SECONDS = 30
_HEADER_SEARCH = 10  # non-blank rows looked at for the column names (a title may sit above them)

LETTERS = "ABCDEF"
DIGITS = "0123456789"
# Option letters as written in other scripts, in their own alphabetical order.
_ARABIC_LETTERS = "ابجدهو"  # أ ب ج د ه و, after _fold (hamza forms read as ا)
_CYRILLIC_LETTERS = "абвгде"
_HOMOGLYPHS = {"а": "A", "в": "B", "с": "C", "е": "E"}  # Cyrillic letters that look like Latin ones

# Column names, any language: folded with _fold before comparing.
_NAMES: dict[str, tuple[str, ...]] = {
    "question": ("question", "questions", "prompt", "q", "énoncé", "pregunta", "pergunta", "questão",
                 "سؤال", "السؤال", "الأسئلة", "питання", "запитання", "вопрос"),
    "answer": ("answer", "correct", "correct answer", "right answer", "key", "réponse", "bonne réponse",
               "réponse correcte", "respuesta", "respuesta correcta", "resposta", "resposta correta",
               "resposta certa", "الإجابة", "إجابة", "الجواب", "جواب", "الإجابة الصحيحة", "відповідь",
               "правильна відповідь", "ответ"),
    "picture": ("picture", "image", "photo", "imagen", "foto", "imagem", "figura", "صورة", "الصورة",
                "зображення", "малюнок", "картинка", "фото"),
    "seconds": ("seconds", "secs", "time", "timer", "secondes", "temps", "durée", "segundos", "tiempo", "tempo",
                "ثواني", "الثواني", "ثوان", "الوقت", "الزمن", "секунди", "секунд", "час", "время"),
}
_LANGUAGE_NAMES = {  # the names suggested ("did you mean") in each lesson language, besides English
    "fr": ("question", "réponse", "image", "secondes"), "es": ("pregunta", "respuesta", "imagen", "segundos"),
    "pt": ("pergunta", "resposta", "imagem", "segundos"), "ar": ("سؤال", "الإجابة", "صورة", "ثواني"),
    "uk": ("питання", "відповідь", "зображення", "секунди"),
}
_TRUE = ("true", "yes", "vrai", "oui", "verdadero", "sí", "si", "verdadeiro", "sim", "صح", "صحيح", "صواب",
         "نعم", "правда", "так", "вірно", "правильно", "да", "истина")
_FALSE = ("false", "no", "faux", "non", "falso", "não", "nao", "خطأ", "غلط", "خاطئ", "لا", "неправда", "ні",
          "невірно", "неправильно", "хибно", "нет", "ложь")
_DEFAULT_SHEET = re.compile(r"^(sheet|feuil|feuille|hoja|folha|planilha|tabelle|foglio|blad|лист|аркуш|ورقة)"
                            r"\s*\d*$", re.IGNORECASE)

Cell = str | bool


@dataclass
class _Sheet:
    name: str | None  # None: a CSV file (no sheets)
    rows: list[list[Cell]]  # from A1: rows[0] is the spreadsheet's row 1
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col (0-based)
    too_many: tuple[str, int] | None = None  # ("rows" | "columns", how many) when refused unread


@dataclass(frozen=True)
class _Row:
    kind: str
    seconds: float | None
    question: QuestionDraft


def read_sheet(path: Path, ctx: ImportContext) -> tuple[QuizDraft, ...]:
    """The quizzes in a question spreadsheet, in order; ImportProblem listing every bad row."""
    path = Path(path)
    sheets = _read_text_file(path, ctx) if path.suffix.lower() in _TEXT_SUFFIXES else _read_workbook(path)
    problems: list[str] = []
    rows_by_sheet: list[tuple[_Sheet, list[_Row]]] = []
    question_sheets = 0
    for sheet in sheets:
        if sheet.hidden:
            ctx.log.append(problem_line(where(path, sheet=sheet.name), _("this sheet is hidden: it was left out"),
                                 _("show it in the spreadsheet program to import it")))
            continue
        if sheet.too_many:
            what, n = sheet.too_many
            text = (_("this sheet has {n} rows; at most {max} are read") if what == "rows"
                    else _("this sheet has {n} columns; at most {max} are read"))
            limit = MAX_ROWS if what == "rows" else MAX_COLUMNS
            problems.append(problem_line(where(path, sheet=sheet.name), text.format(n=n, max=limit),
                                  _("delete the empty rows and columns after your questions, or split the "
                                    "questions into several files of at most {max} questions").format(
                                      max=MAX_QUESTIONS)))
            continue
        rows = _read_rows(path, sheet, ctx, problems)
        if rows is not None:
            question_sheets += 1
            rows_by_sheet.append((sheet, rows))
    total = sum(len(rows) for _sheet, rows in rows_by_sheet)
    if total > MAX_QUESTIONS:
        problems.insert(0, problem_line(where(path), _("has {n} questions; at most {max} are imported from one file").format(
            n=total, max=MAX_QUESTIONS), _("split the questions into several files of at most {n} questions").format(
                n=MAX_QUESTIONS)))
    if problems:
        raise ImportProblem(_capped(problems))
    if total == 0:
        raise ImportProblem(problem_line(where(path), _("no questions found"), _(
            "write the column names in the first row (question, A, B, C, D, answer) and one question in each row "
            "below")))
    return _quizzes(path, rows_by_sheet, only_one=question_sheets == 1)


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], _("… and {n} more problems").format(n=rest)]


# ---------------------------------------------------------------------------------------------------
# Quizzes from rows: consecutive rows of one kind (true/false goes with multiple choice) and one timer
# are one activity.

def _run_of(row: _Row) -> tuple[str, float | None]:
    """Rows that can share one activity: a true/false question is a multiple-choice one with two options
    (A and B), so a quiz mixing them stays one quiz; a poll (no right answer) or a numeric question
    (digit keys), or another timer, starts a new one."""
    return ("multiple_choice" if row.kind == "true_false" else row.kind), row.seconds


def _quizzes(path: Path, rows_by_sheet: list[tuple[_Sheet, list[_Row]]], only_one: bool) -> tuple[QuizDraft, ...]:
    file_title = title_from(path)
    quizzes: list[QuizDraft] = []
    taken: set[str] = set()
    parts: dict[str, int] = {}
    for sheet, rows in rows_by_sheet:
        named = sheet.name is not None and not _DEFAULT_SHEET.match(sheet.name.strip())
        base = " ".join(sheet.name.split()) if named else file_title
        stem = f"{path.stem} {sheet.name}" if named and not only_one else path.stem
        start = 0
        while start < len(rows):
            end = start
            while end < len(rows) and _run_of(rows[end]) == _run_of(rows[start]):
                end += 1
            kinds = {r.kind for r in rows[start:end]}
            parts[base] = parts.get(base, 0) + 1
            title = base if parts[base] == 1 else f"{base} ({parts[base]})"
            key = key_for(stem, taken)
            taken.add(key)
            quizzes.append(QuizDraft(source=path, title=title, key=key,
                                     kind=kinds.pop() if len(kinds) == 1 else "multiple_choice",
                                     questions=tuple(r.question for r in rows[start:end]),
                                     seconds=rows[start].seconds))
            start = end
    return tuple(quizzes)


# ---------------------------------------------------------------------------------------------------
# One sheet: the column names, then each row.

@dataclass(frozen=True)
class _Columns:
    by_name: dict[str, int]  # "question", "answer", "picture", "seconds", "A".."F" -> column index
    headers: dict[int, str]  # column index -> the name as written
    header_row: int  # 0-based
    symbols: dict[str, str]  # folded option header as written ("в") -> key ("C")
    script: str  # "latin" | "cyrillic" | "arabic": how the option columns are named


def _read_rows(path: Path, sheet: _Sheet, ctx: ImportContext, problems: list[str]) -> list[_Row] | None:
    """The questions of one sheet (problems appended), or None when it holds no question table."""
    columns = _find_columns(path, sheet, ctx, problems)
    if columns is None:
        return None
    for first_row, first_col, last_row, last_col in sheet.merged:
        if last_row > columns.header_row and (last_row > first_row or last_col > first_col):
            span = f"{_letter(first_col)}{first_row + 1}:{_letter(last_col)}{last_row + 1}"
            problems.append(problem_line(where(path, sheet=sheet.name, row=first_row + 1),
                                  _("cells {cells} are merged").format(cells=span),
                                  _("unmerge them: one question on each row, one thing in each cell")))
    found: list[_Row] = []
    for index in range(columns.header_row + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        if all(_text(c) == "" for c in cells):
            continue
        row = _read_row(path, sheet, index, columns, ctx, problems)
        if row is not None:
            found.append(row)
    return found


def _find_columns(path: Path, sheet: _Sheet, ctx: ImportContext, problems: list[str]) -> _Columns | None:
    candidates = [i for i, cells in enumerate(sheet.rows) if any(_text(c) for c in cells)][:_HEADER_SEARCH]
    if not candidates:
        return None
    header_row = next((i for i in candidates if "question" in _names_of(sheet.rows[i]).values()), None)
    if header_row is None:
        first = sheet.rows[candidates[0]]
        named = _names_of(first)
        suggestions = [(i, _did_you_mean(_text(c), ctx.language)) for i, c in enumerate(first) if _text(c)]
        if not named and not any(s for _i, s in suggestions):
            ctx.log.append(problem_line(where(path, sheet=sheet.name), _("no question column: left out"), _(
                "if it holds questions, write the column names in its first row: question, A, B, C, D, answer")))
            return None
        close = [(i, s) for i, s in suggestions if s and _column_name(s[0]) == "question"]
        column = _text(first[close[0][0]]) if close else None
        fix = (_("did you mean {name}?").format(name=close[0][1][0]) if close else
               _("write question above the questions' column"))
        problems.append(problem_line(where(path, sheet=sheet.name, row=candidates[0] + 1, column=column),
                              _("no column named question"), fix))
        return None
    if header_row != candidates[0]:
        ctx.log.append(problem_line(where(path, sheet=sheet.name), _("the rows above the column names were left out"),
                             _("keep them only if they are a title or notes")))
    header = sheet.rows[header_row]
    by_name: dict[str, int] = {}
    headers: dict[int, str] = {}
    symbols: dict[str, str] = {}
    scripts: set[str] = set()
    place = lambda column: where(path, sheet=sheet.name, row=header_row + 1, column=column)  # noqa: E731
    names = _names_of(header)
    width = max((len(r) for r in sheet.rows), default=0)
    for col in range(width):
        written = _text(header[col]) if col < len(header) else ""
        if not written:
            if _column_used(sheet, header_row, col):
                problems.append(problem_line(place(_letter(col)), _("this column has no name but holds text below"), _(
                    "write its name in row {row} (question, A-F, answer, picture or seconds), or delete the "
                    "column").format(row=header_row + 1)))
            continue
        headers[col] = written
        name = names.get(col)
        if name is None:
            if not _column_used(sheet, header_row, col):
                continue  # a stray name over an empty column changes nothing
            guess = _did_you_mean(written, ctx.language)
            fix = (_("did you mean {name}?").format(name=guess[0]) if guess else
                   _("name it question, A-F, answer, picture or seconds, or delete the column"))
            problems.append(problem_line(place(written), _("unknown column name {name!r}").format(name=written), fix))
            continue
        if name in by_name:
            problems.append(problem_line(place(written), _("two columns are named {name!r}").format(name=written),
                                  _("keep one column for each name")))
            continue
        by_name[name] = col
        if name in LETTERS:
            folded = _fold(written)
            symbols[folded] = name
            scripts.add("arabic" if folded in _ARABIC_LETTERS else "cyrillic" if folded in _CYRILLIC_LETTERS
                        else "latin")
    script = "latin" if "latin" in scripts or not scripts else scripts.pop()
    return _Columns(by_name, headers, header_row, symbols, script)


def _names_of(cells: list[Cell]) -> dict[int, str]:
    known = {}
    for col, cell in enumerate(cells):
        name = _column_name(_text(cell))
        if name:
            known[col] = name
    return known


_OPTION_PREFIX = re.compile(r"^(option|choice|answer|réponse|opción|respuesta|opção|resposta|варіант|відповідь|خيار|"
                            r"اجابة|الاجابة)\s+(?=\S$)")


def _column_name(written: str) -> str | None:
    folded = _fold(written).rstrip(":.)*").strip()
    for name, folded_aliases in _FOLDED_NAMES.items():
        if folded in folded_aliases:
            return name
    folded = _OPTION_PREFIX.sub("", folded)  # "Option A", "Answer B", "Réponse C": one option's column
    if len(folded) == 1:
        if folded in "abcdef":
            return folded.upper()
        if folded in _ARABIC_LETTERS:
            return LETTERS[_ARABIC_LETTERS.index(folded)]
        if folded in _CYRILLIC_LETTERS:
            return LETTERS[_CYRILLIC_LETTERS.index(folded)]
    return None


def _did_you_mean(written: str, language: str) -> list[str]:
    """The column name closest to a misspelt one (`qestion` -> question, `reponse` -> réponse)."""
    everything = {_fold(a): a for aliases in _NAMES.values() for a in aliases}
    for name in ("question", "answer", "picture", "seconds", *_LANGUAGE_NAMES.get(language, ())):
        everything[_fold(name)] = name
    close = get_close_matches(_fold(written), list(everything), n=1, cutoff=0.75)
    return [everything[close[0]]] if close else []


def _column_used(sheet: _Sheet, header_row: int, col: int) -> bool:
    return any(col < len(r) and _text(r[col]) for r in sheet.rows[header_row + 1:])


def _read_row(path: Path, sheet: _Sheet, index: int, columns: _Columns, ctx: ImportContext,
              problems: list[str]) -> _Row | None:
    cells = sheet.rows[index]
    row_number = index + 1
    here = where(path, sheet=sheet.name, row=row_number)
    found: list[str] = []

    def cell(name: str) -> Cell:
        col = columns.by_name.get(name)
        return cells[col] if col is not None and col < len(cells) else ""

    def bad(name: str | None, what: str, fix: str) -> None:
        column = columns.headers.get(columns.by_name[name]) if name in columns.by_name else name
        found.append(problem_line(where(path, sheet=sheet.name, row=row_number, column=column), what, fix))

    for name, col in columns.by_name.items():
        if col < len(cells) and isinstance(cells[col], str) and len(cells[col]) > MAX_CELL:
            bad(name, _("this cell is too long"), _("keep each cell under {n} characters").format(n=MAX_CELL))
    if found:
        problems.extend(found)
        return None
    prompt = _one_line(_text(cell("question")))
    options = [(key, _option_text(cell(key), ctx)) for key in LETTERS if key in columns.by_name]
    options = [(key, text) for key, text in options if text]
    answer = _option_text(cell("answer"), ctx)  # a yes/no cell reads as the options' yes/no cells do
    if not prompt:
        bad("question", _("the question is missing"),
            _("write the question in this row, or empty the row if it is not a question"))
    elif len(prompt) > MAX_QUESTION:
        bad("question", _("the question is too long ({n} characters)").format(n=len(prompt)),
            _("shorten it to {max} characters so the class can read it").format(max=MAX_QUESTION))
    for key, text in options:
        if len(text) > MAX_OPTION:
            bad(key, _("this answer is too long ({n} characters)").format(n=len(text)),
                _("shorten it to {max} characters so the class can read it").format(max=MAX_OPTION))
    keys = [key for key, _text_ in options]
    if keys:
        last = LETTERS.index(keys[-1])
        for missing in LETTERS[:last]:
            if missing not in keys:
                bad(missing if missing in columns.by_name else None,
                    _("option {empty} is empty but {later} has text").format(empty=missing, later=keys[-1]),
                    _("fill option {empty}, or move the later options one column to the left").format(empty=missing))
                break
    seconds = _read_seconds(cell("seconds"), bad)
    picture = _read_picture(path, _text(cell("picture")), bad)
    kind, options_out, correct = _kind_of(options, answer, columns, bad)
    if found:
        problems.extend(found)
        return None
    return _Row(kind, seconds, QuestionDraft(prompt=prompt, options=options_out, correct=correct, picture=picture,
                                             where=here))


def _kind_of(options: list[tuple[str, str]], answer: str, columns: _Columns, bad) -> tuple[str, tuple, str | None]:
    """The question's kind, its options as the activity keeps them, and the right key."""
    if not options:
        if not answer:
            bad("A" if "A" in columns.by_name else None, _("the question has no answers to choose from"), _(
                "write the answers in columns A, B, C..., or a number from 0 to 9 in the answer column"))
            return "", (), None
        digit = _digit(answer)
        if digit is not None:
            return "numeric", tuple((d, d) for d in DIGITS), digit
        if _number(answer) is not None:
            bad("answer", _("the answer {answer} is not one digit").format(answer=answer), _(
                "children answer with one key from 0 to 9: ask for a number from 0 to 9, or give options A, B, C..."))
            return "", (), None
        key = _answer_key(answer, columns, options)
        if key is not None:
            bad("answer", _("the answer {answer} has no option text").format(answer=answer),
                _("write the answer's text in column {key}, or choose another letter").format(key=key))
            return "", (), None
        bad("answer", _("the question has no answers to choose from"), _(
            "write the answers in columns A, B, C..., or a number from 0 to 9 in the answer column"))
        return "", (), None
    if len(options) == 1:
        bad(options[0][0], _("the question has only one answer to choose from"),
            _("add at least one more option in the next column"))
        return "", (), None
    texts = [text for _key, text in options]
    digits = all(len(t) == 1 and t in DIGITS for t in texts) and len(set(texts)) == len(texts)
    if not answer:
        return "poll", (tuple((t, t) for t in texts) if digits else tuple(options)), None
    if "," in answer or ";" in answer or (len(answer.split()) > 1 and all(len(w) == 1 for w in answer.split())):
        bad("answer", _("more than one right answer ({answer})").format(answer=answer),
            _("keep one letter: a question has one right answer (leave it empty for a poll)"))
        return "", (), None
    if digits:
        chosen = _digit(answer)
        if chosen is None:
            key = _answer_key(answer, columns, options)
            chosen = dict(options).get(key) if key else None
        if chosen is None or chosen not in texts:
            bad("answer", _("the answer {answer} is not one of the options").format(answer=answer),
                _("write the letter of the right option, or its number"))
            return "", (), None
        return "numeric", tuple((t, t) for t in texts), chosen
    key = _answer_key(answer, columns, options)
    if key is None:
        bad("answer", _("the answer {answer} is not an option letter").format(answer=answer),
            _("write the letter of the right option: {letters}").format(letters=", ".join(k for k, _t in options)))
        return "", (), None
    if key not in dict(options):
        bad("answer", _("the answer {answer} has no option text").format(answer=answer),
            _("write the answer's text in column {key}, or choose another letter").format(key=key))
        return "", (), None
    if len(options) == 2 and _true_false(texts):
        return "true_false", (("A", texts[0]), ("B", texts[1])), "AB"[[k for k, _t in options].index(key)]
    return "multiple_choice", tuple(options), key


def _answer_key(answer: str, columns: _Columns, options: list[tuple[str, str]]) -> str | None:
    """The option key an answer names: a letter as the sheet writes them, Latin A-F, Arabic أ-و, or the
    option's own text."""
    folded = _fold(answer).rstrip(".)")
    if folded in columns.symbols:
        return columns.symbols[folded]
    if len(folded) == 1:
        if folded in "abcdef":
            return folded.upper()
        if folded in _ARABIC_LETTERS:
            return LETTERS[_ARABIC_LETTERS.index(folded)]
        if folded in _CYRILLIC_LETTERS:
            if columns.script == "cyrillic":
                return LETTERS[_CYRILLIC_LETTERS.index(folded)]
            if folded in _HOMOGLYPHS:  # typed on a Ukrainian keyboard, it looks like the Latin letter
                return _HOMOGLYPHS[folded]
    matches = [key for key, text in options if _fold(text) == _fold(answer)]
    return matches[0] if len(matches) == 1 else None


def _true_false(texts: list[str]) -> bool:
    a, b = (_fold(t).rstrip(".!") for t in texts)
    return (a in _FOLDED_TRUE and b in _FOLDED_FALSE) or (a in _FOLDED_FALSE and b in _FOLDED_TRUE)


def _read_seconds(value: Cell, bad) -> float | None:
    text = _text(value)
    if not text:
        return None
    number = _number(text)
    if number is None:
        bad("seconds", _("{value!r} is not a number of seconds").format(value=text),
            _("write a number such as 30, or leave it empty for no timer"))
        return None
    if not MIN_SECONDS <= number <= MAX_SECONDS:
        bad("seconds", _("{value} seconds is out of range").format(value=text),
            _("write a number from {min} to {max}, or leave it empty for no timer").format(
                min=MIN_SECONDS, max=MAX_SECONDS))
        return None
    return float(number)


def _read_picture(path: Path, name: str, bad) -> Path | None:
    from cinema.config.picture_files import SHOWN_FORMATS, PictureRefused, read_header

    if not name:
        return None
    relative = Path(name.replace("\\", "/"))
    folder = path.parent.resolve()
    if relative.is_absolute() or ".." in relative.parts:
        bad("picture", _("the picture {name} is not in the spreadsheet's folder").format(name=name),
            _("put the picture beside the spreadsheet and write only its name"))
        return None
    picture = folder / relative
    try:
        header = read_header(picture)
    except PictureRefused as refused:
        if refused.kind == "missing":
            bad("picture", _("the picture {name} was not found").format(name=name),
                _("put the picture beside the spreadsheet, or correct its name (capitals count)"))
        elif refused.kind == "too_big":
            bad("picture", _("the picture {name} is too big to show").format(name=name),
                _("make it smaller, for example 1920 pixels wide"))
        else:
            bad("picture", _("the picture {name} cannot be shown").format(name=name),
                _("save it again as PNG or JPEG"))
        return None
    if header.format not in SHOWN_FORMATS:
        bad("picture", _("the picture {name} cannot be shown").format(name=name), _("save it again as PNG or JPEG"))
        return None
    return picture


# ---------------------------------------------------------------------------------------------------
# Words and numbers in cells.

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat and tatweel


def _fold(text: str) -> str:
    """Compare names as a teacher means them: case, spaces, accents' encoding, Arabic marks ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(str.maketrans("أإآٱى", "اااای"))
    return " ".join(text.split())


_FOLDED_NAMES = {name: frozenset(_fold(a) for a in aliases) for name, aliases in _NAMES.items()}
_FOLDED_TRUE = frozenset(_fold(w) for w in _TRUE)
_FOLDED_FALSE = frozenset(_fold(w) for w in _FALSE)


def _text(value: Cell | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _option_text(value: Cell | None, ctx: ImportContext) -> str:
    if isinstance(value, bool):  # a spreadsheet turned the teacher's TRUE into a yes/no cell
        from cinema.locale import translator

        words = translator(ctx.language)
        return words.gettext("True") if value else words.gettext("False")
    return _one_line(_text(value))


def _number(text: str) -> float | None:
    try:
        number = float(text.strip().replace(",", ".").replace("٫", "."))  # any script's digits
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _digit(text: str) -> str | None:
    number = _number(text)
    if number is None or number != int(number) or not 0 <= number <= 9:
        return None
    return str(int(number))


def _letter(col: int) -> str:
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


# ---------------------------------------------------------------------------------------------------
# Reading the file: CSV here, workbooks in a child process.

def _size_checked(path: Path) -> int:
    place = where(path)
    try:
        if not path.is_file():
            raise ImportProblem(problem_line(place, _("file not found") if not path.exists() else _("is not a file"),
                                      _("check the name and the folder")))
        size = path.stat().st_size
    except OSError as exc:
        raise ImportProblem(problem_line(place, _("cannot be read ({reason})").format(reason=exc.strerror or exc),
                                  _("copy the file again"))) from None
    if size > MAX_BYTES:
        raise ImportProblem(problem_line(place, _("is {mb} MB; a question file may have at most {max} MB").format(
            mb=size // 2**20, max=MAX_BYTES // 2**20),
            _("split the questions into several files of at most {n} questions").format(n=MAX_QUESTIONS)))
    return size


def _read_text_file(path: Path, ctx: ImportContext) -> list[_Sheet]:
    _size_checked(path)
    data = path.read_bytes()
    place = where(path)
    text = _decode(data, ctx.language)
    if text is None:
        raise ImportProblem(problem_line(place, _("cannot be read as text"),
                                  _("save it again from the spreadsheet program as CSV UTF-8")))
    lines = [line for line in text[:65536].splitlines() if line.strip()]
    hint = re.fullmatch(r"sep=(.)", lines[0].strip()) if lines else None  # Excel's own first line: "sep=;"
    if hint:
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    delimiter = hint.group(1) if hint else _delimiter(text[:65536], lines[0] if lines else "")
    rows: list[list[Cell]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS:
                raise ImportProblem(problem_line(place, _("has more than {max} rows").format(max=MAX_ROWS),
                                          _("split the questions into several files of at most {n} questions").format(
                                              n=MAX_QUESTIONS)))
            if len(record) > MAX_COLUMNS and any(c.strip() for c in record[MAX_COLUMNS:]):
                raise ImportProblem(problem_line(where(path, row=len(rows) + 1), _(
                    "this row has {n} columns; at most {max} are read").format(n=len(record), max=MAX_COLUMNS),
                    _("keep the columns question, A-F, answer, picture and seconds")))
            rows.append([c[:MAX_CELL + 1] for c in record[:MAX_COLUMNS]])
    except csv.Error:
        raise ImportProblem(problem_line(where(path, row=len(rows) + 1), _("this row cannot be read (a cell is too long, "
                                  "or a quotation mark is not closed)"),
                                  _("check the row in the spreadsheet program and save it again as CSV"))) from None
    return [_Sheet(name=None, rows=rows)]


def _decode(data: bytes, language: str) -> str | None:
    """Text in whatever encoding spreadsheet programs write: UTF-8 (with or without its mark), UTF-16 (Excel's
    "Unicode text"), or an old Windows code page (Arabic 1256, Cyrillic 1251, Western 1252)."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[3:].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        head = data[:4096]
        if head.count(0) > len(head) // 4:  # UTF-16 written without its mark
            return data.decode("utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be")
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        return None
    return data.decode(_code_page(data, language), errors="replace")


def _code_page(data: bytes, language: str) -> str:
    if language.startswith("ar"):
        return "cp1256"
    if language.startswith("uk"):
        return "cp1251"
    high = [b for b in data if b >= 0xC0]
    letters = sum(1 for b in data if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    if len(high) <= letters // 3:  # mostly ASCII letters with some accents: French, Portuguese, Spanish
        return "cp1252"
    # Cyrillic text is mostly small letters (0xE0-0xFF in 1251); Arabic letters sit mostly in 0xC1-0xDF (1256).
    upper_half = sum(1 for b in high if b < 0xE0)
    return "cp1256" if upper_half * 2 > len(high) else "cp1251"


def _delimiter(sample: str, header: str) -> str:
    try:
        chosen = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        chosen = ""
    counts = {d: header.count(d) for d in ",;\t"}
    if chosen and counts.get(chosen, 0):
        return chosen
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_workbook(path: Path) -> list[_Sheet]:
    _size_checked(path)
    place = where(path)
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(b"PK"):
        _check_zip(path)
    elif not magic.startswith(b"\xd0\xcf\x11\xe0"):  # neither a zip (xlsx, ods) nor an OLE file (xls)
        raise ImportProblem(problem_line(place, _("is not a spreadsheet"),
                                  _("save it again from the spreadsheet program as .xlsx, .ods or CSV")))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), *filter(None, [os.environ.get("PYTHONPATH")])]))
    try:
        done = subprocess.run([sys.executable, "-m", "cinema.importers.sheets", str(path)], capture_output=True,
                              timeout=CHILD_SECONDS, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ImportProblem(problem_line(place, _("takes too long to read"),
                                  _("save it again as a new file with only the questions, or as CSV"))) from None
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else {"error": "crashed"}
    except ValueError:
        answer = {"error": "crashed"}
    if not isinstance(answer, dict) or not isinstance(answer.get("sheets", []), list):
        answer = {"error": "crashed"}
    error = answer.get("error")
    if error == "password":
        raise ImportProblem(problem_line(place, _("the spreadsheet is locked with a password"),
                                  _("open it with its password and save a copy without one, then import that copy")))
    if error == "damaged":
        raise ImportProblem(problem_line(place, _("the spreadsheet is damaged and cannot be read"),
                                  _("open it in the spreadsheet program and save it again, or copy it again")))
    if error:
        raise ImportProblem(problem_line(place, _("the spreadsheet is too big or damaged to read"),
                                  _("save it again as a new file with only the questions, or as CSV")))
    return [_Sheet(name=s["name"], rows=s.get("rows", []), hidden=s["hidden"],
                   merged=[tuple(m) for m in s.get("merged", [])],
                   too_many=tuple(s["too_many"]) if s.get("too_many") else None) for s in answer["sheets"]]


def _check_zip(path: Path) -> None:
    """Unpack (and throw away) the zip's contents up to MAX_UNPACKED: a zip bomb is refused in a
    moment, before the reader meets it. The sizes are counted, not taken from the zip's own list."""
    place = where(path)
    refused = ImportProblem(problem_line(place, _("the spreadsheet unpacks to more than {max} MB").format(
        max=MAX_UNPACKED // 2**20), _("save it again as a new file with only the questions, or as CSV")))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise refused
            total = 0
            for member in members:
                if member.is_dir():
                    continue
                with archive.open(member) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_UNPACKED:
                            raise refused
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise ImportProblem(problem_line(place, _("the spreadsheet is damaged and cannot be read"), _(
            "open it in the spreadsheet program and save it again, or copy it again"))) from None


def _child(path: str) -> dict:
    """In the child process: every sheet's cells as text, within the limits."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_SECONDS, CHILD_SECONDS))
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
    except python_calamine.PasswordError:
        return {"error": "password"}
    except (python_calamine.CalamineError, OSError, ValueError):
        return {"error": "damaged"}
    sheets = []
    budget = MAX_TEXT
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # a chart or macro sheet holds no questions
            entry: dict = {"name": meta.name, "hidden": meta.visible != python_calamine.SheetVisibleEnum.Visible}
            sheets.append(entry)
            if entry["hidden"]:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except (python_calamine.CalamineError, ValueError):
                return {"error": "damaged"}
            end = sheet.end
            if end is None:
                entry["rows"] = []
                continue
            if end[0] + 1 > MAX_ROWS:
                entry["too_many"] = ["rows", end[0] + 1]
                continue
            if end[1] + 1 > MAX_COLUMNS:
                entry["too_many"] = ["columns", end[1] + 1]
                continue
            # Rows come from row 1, cells from the sheet's first used column: padded to start at A.
            padding = [""] * (sheet.start[1] if sheet.start else 0)
            rows = entry["rows"] = []
            for row in sheet.iter_rows():
                cells = [_cell(v) for v in row]
                budget -= sum(len(c) for c in cells if isinstance(c, str))
                if budget < 0:
                    return {"error": "too_big"}
                rows.append(padding + cells)
            entry["merged"] = [[a[0], a[1], b[0], b[1]] for a, b in (sheet.merged_cell_ranges or [])]
    return {"sheets": sheets}


def _cell(value) -> Cell:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # Excel keeps 5 as 5.0
        return repr(value)
    if isinstance(value, str):
        return value[:MAX_CELL + 1]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)[:MAX_CELL + 1]


if __name__ == "__main__":
    json.dump(_child(sys.argv[1]), sys.stdout, ensure_ascii=False)
