"""Question spreadsheets as quizzes: CSV, .xlsx and .ods; the teacher's language; every bad row named."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinema.importers import sheets as sheets_module
from cinema.importers.drafts import ImportContext, ImportProblem
from cinema.importers.sheets import read_sheet
from tests.budget import budget

Rows = list[list[object]]


def _ctx(tmp_path: Path, language: str = "en") -> ImportContext:
    return ImportContext(work=tmp_path / "work", language=language)


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",", bom: bytes = b"") -> Path:
    import csv
    import io

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows])
    path.write_bytes(bom + text.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Rows], *, hidden: tuple[str, ...] = (),
               merged: dict[str, str] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
        if merged and name in merged:
            sheet.merge_cells(merged[name])
    book.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                elif value is None or value == "":
                    cell = TableCell()
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


HEADER = ["question", "A", "B", "C", "D", "answer", "seconds"]
MIXED: Rows = [
    HEADER,
    ["Where does rain come from?", "From the clouds", "From the trees", "From the ground", "From the sun", "A", 30],
    ["What happens to very cold water?", "It turns into ice", "It turns into steam", None, None, "A", 30],
    ["Water is wet.", "True", "False", None, None, "A", 30],
    ["Fish live in water.", "Yes", "No", None, None, "b", 30],
    [None, None, None, None, None, None, None],  # a blank row: ignored
    ["How many legs has a spider?", None, None, None, None, 8, 30],
    ["Pick the even number", 3, 4, 7, None, "B", 30],
    ["Which drink do you like?", "Water", "Milk", "Tea", None, None, None],
]


def _shape(quizzes) -> list[tuple]:
    return [(q.title, q.key, q.kind, q.seconds, [(x.prompt, x.options, x.correct) for x in q.questions])
            for q in quizzes]


EXPECTED_MIXED = [
    # True/false questions are multiple choice with two options: they stay in the same quiz.
    ("Water quiz", "water_quiz", "multiple_choice", 30.0, [
        ("Where does rain come from?", (("A", "From the clouds"), ("B", "From the trees"), ("C", "From the ground"),
                                        ("D", "From the sun")), "A"),
        ("What happens to very cold water?", (("A", "It turns into ice"), ("B", "It turns into steam")), "A"),
        ("Water is wet.", (("A", "True"), ("B", "False")), "A"),
        ("Fish live in water.", (("A", "Yes"), ("B", "No")), "B")]),
    ("Water quiz (2)", "water_quiz-2", "numeric", 30.0, [
        ("How many legs has a spider?", tuple((d, d) for d in "0123456789"), "8"),
        ("Pick the even number", (("3", "3"), ("4", "4"), ("7", "7")), "4")]),
    ("Water quiz (3)", "water_quiz-3", "poll", None, [
        ("Which drink do you like?", (("A", "Water"), ("B", "Milk"), ("C", "Tea")), None)]),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
def test_mixed_kinds_become_one_quiz_per_run_of_rows(tmp_path, kind):
    path = tmp_path / f"water_quiz.{kind}"
    if kind == "csv":
        write_csv(path, MIXED)
    elif kind == "xlsx":
        write_xlsx(path, {"Sheet1": MIXED})
    else:
        write_ods(path, {"Sheet1": MIXED})
    quizzes = read_sheet(path, _ctx(tmp_path))
    assert _shape(quizzes) == EXPECTED_MIXED
    assert quizzes[0].source == path
    assert quizzes[1].questions[1].where == (f"water_quiz.{kind}, row 8" if kind == "csv"
                                             else f"water_quiz.{kind}, sheet Sheet1, row 8")


@pytest.mark.parametrize("label, encoding, bom, delimiter, language", [
    ("utf-8", "utf-8", b"", ",", "en"),
    ("utf-8 with BOM (Excel's CSV UTF-8)", "utf-8", codecs.BOM_UTF8, ";", "fr"),
    ("utf-16 (Excel's Unicode text)", "utf-16-le", codecs.BOM_UTF16_LE, "\t", "en"),
    ("utf-16 big-endian without BOM", "utf-16-be", b"", "\t", "en"),
    ("windows-1252, semicolons (French Excel)", "cp1252", b"", ";", "fr"),
    ("windows-1256 in an Arabic lesson", "cp1256", b"", ",", "ar"),
    ("windows-1256 in a lesson of another language", "cp1256", b"", ",", "en"),
    ("windows-1251 in a Ukrainian lesson", "cp1251", b"", ";", "uk"),
    ("windows-1251 in a lesson of another language", "cp1251", b"", ";", "fr"),
])
def test_csv_in_the_encodings_and_separators_spreadsheet_programs_write(tmp_path, label, encoding, bom, delimiter,
                                                                       language):
    if encoding == "cp1256":
        rows = [["سؤال", "أ", "ب", "ج", "الإجابة"], ["من أين يأتي المطر؟", "من الغيوم", "من الأشجار", "من الأرض", "أ"],
                ["كم رجلا للعنكبوت؟", "ستة", "ثمانية", "عشرة", "ب"]]
        expected = [("من أين يأتي المطر؟", (("A", "من الغيوم"), ("B", "من الأشجار"), ("C", "من الأرض")), "A"),
                    ("كم رجلا للعنكبوت؟", (("A", "ستة"), ("B", "ثمانية"), ("C", "عشرة")), "B")]
    elif encoding == "cp1251":
        rows = [["питання", "А", "Б", "В", "відповідь"], ["Звідки береться дощ?", "З хмар", "З дерев", "З землі", "А"],
                ["Скільки ніг у павука?", "шість", "вісім", "десять", "Б"]]
        expected = [("Звідки береться дощ?", (("A", "З хмар"), ("B", "З дерев"), ("C", "З землі")), "A"),
                    ("Скільки ніг у павука?", (("A", "шість"), ("B", "вісім"), ("C", "десять")), "B")]
    else:
        rows = [["question", "A", "B", "C", "answer"],
                ["Où naît la pluie ?", "Des nuages", "Des arbres", "Du sol", "A"],
                ["Pourquoi l'été ?", "Soleil, chaleur", "Lune", "Étoiles", "A"]]
        expected = [("Où naît la pluie ?", (("A", "Des nuages"), ("B", "Des arbres"), ("C", "Du sol")), "A"),
                    ("Pourquoi l'été ?", (("A", "Soleil, chaleur"), ("B", "Lune"), ("C", "Étoiles")), "A")]
    path = write_csv(tmp_path / "quiz.csv", rows, encoding=encoding, bom=bom, delimiter=delimiter)
    (quiz,) = read_sheet(path, _ctx(tmp_path, language))
    assert [(q.prompt, q.options, q.correct) for q in quiz.questions] == expected, label


def test_arabic_headers_letters_and_digits(tmp_path):
    rows: Rows = [
        ["السؤال", "أ", "ب", "ج", "د", "الإجابة", "الثواني"],
        ["من أين يأتي المطر؟", "من الغيوم", "من الأشجار", "من الأرض", "من الشمس", "أ", "٣٠"],
        ["الماء سائل.", "صح", "خطأ", None, None, "ب", "٣٠"],
        ["كم رجلا للعنكبوت؟", None, None, None, None, "٨", "٣٠"],
    ]
    quizzes = read_sheet(write_xlsx(tmp_path / "اختبار.xlsx", {"الماء": rows}), _ctx(tmp_path, "ar"))
    assert _shape(quizzes) == [
        ("الماء", "item", "multiple_choice", 30.0, [
            ("من أين يأتي المطر؟",
             (("A", "من الغيوم"), ("B", "من الأشجار"), ("C", "من الأرض"), ("D", "من الشمس")), "A"),
            ("الماء سائل.", (("A", "صح"), ("B", "خطأ")), "B")]),
        ("الماء (2)", "item-2", "numeric", 30.0, [("كم رجلا للعنكبوت؟", tuple((d, d) for d in "0123456789"), "8")]),
    ]


def test_ukrainian_headers_with_cyrillic_option_letters(tmp_path):
    rows: Rows = [
        ["Питання", "А", "Б", "В", "Г", "Відповідь"],
        ["Звідки береться дощ?", "З хмар", "З дерев", "З землі", "Із сонця", "В"],  # В is the third letter: C
        ["Вода мокра.", "Так", "Ні", None, None, "А"],
    ]
    quizzes = read_sheet(write_ods(tmp_path / "вікторина.ods", {"Вода": rows}), _ctx(tmp_path, "uk"))
    assert [(q.kind, [x.correct for x in q.questions]) for q in quizzes] == [("multiple_choice", ["C", "A"])]
    assert quizzes[0].title == "Вода"


@pytest.mark.parametrize("header, answer, correct", [
    (["Pregunta", "A", "B", "Respuesta"], "b", "B"),
    (["pergunta", "a", "b", "Resposta correta"], "B", "B"),
    (["  QUESTION ", "Option A", "Option B", "Réponse :"], "B", "B"),
    (["question", "A", "B", "answer"], "в", "B"),  # typed on a Ukrainian keyboard: looks like B
    (["question", "A", "B", "answer"], "ب", "B"),
    (["question", "A", "B", "answer"], "Dogs", "B"),  # the option's own text
    (["Question", "Answer A", "Answer B", "Correct answer"], "B", "B"),
    (["pregunta", "Respuesta A", "Respuesta B", "Respuesta correcta"], "B", "B"),
])
def test_headers_and_answers_as_teachers_write_them(tmp_path, header, answer, correct):
    path = write_csv(tmp_path / "q.csv", [header, ["Which animal barks?", "Cats", "Dogs", answer]])
    (quiz,) = read_sheet(path, _ctx(tmp_path))
    assert quiz.questions[0].correct == correct


def test_excel_s_separator_line_is_followed_and_not_counted_as_a_row(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("sep=;\r\nquestion;A;B;answer\r\nWhich, of these?;One, two;Three;A\r\nBad;x;y;Z\r\n", encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems[0].startswith("q.csv, row 3, column answer: the answer Z")  # as Excel shows it
    path.write_text("sep=;\r\nquestion;A;B;answer\r\nWhich, of these?;One, two;Three;A\r\n", encoding="utf-8")
    (quiz,) = read_sheet(path, _ctx(tmp_path))
    assert quiz.questions[0].options == (("A", "One, two"), ("B", "Three"))


def test_numbers_from_spreadsheets_read_as_written(tmp_path):
    from cinema.locale import translator

    rows: Rows = [HEADER, ["How many?", 5.0, 2.5, 1e6, True, "A", 30.0], ["Is ice cold?", True, False, None, None, True]]
    first, second = read_sheet(write_xlsx(tmp_path / "n.xlsx", {"Sheet1": rows}), _ctx(tmp_path, "fr"))
    true = translator("fr").gettext("True")  # a TRUE the spreadsheet made a yes/no cell: in the lesson's language
    assert first.questions[0].options == (("A", "5"), ("B", "2.5"), ("C", "1000000"), ("D", true))
    assert first.seconds == 30.0
    assert second.kind == "true_false" and second.questions[0].correct == "A"  # the answer cell a yes/no one too
    assert second.questions[0].options == (("A", true), ("B", translator("fr").gettext("False")))


def test_a_formula_s_saved_value_is_read(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"Sheet1": [["question", "A", "B", "answer"],
                                                      ["2 + 2 = ?", "=2+2", "5", "A"]]})
    # openpyxl does not compute formulas; a spreadsheet program saves the value beside the formula.
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"<f>2+2</f><v />" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<f>2+2</f><v />", b"<f>2+2</f><v>4</v>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    (quiz,) = read_sheet(path, _ctx(tmp_path))
    assert quiz.questions[0].options == (("4", "4"), ("5", "5")) and quiz.kind == "numeric"


def test_each_sheet_is_a_quiz_and_hidden_ones_are_left_out_with_a_note(tmp_path):
    ctx = _ctx(tmp_path)
    path = write_xlsx(tmp_path / "science.xlsx", {
        "Water": [["question", "A", "B", "answer"], ["Rain comes from?", "Clouds", "Trees", "A"]],
        "Read me": [["Fill in one question per row."]],
        "Answers key": [["question", "A", "B", "answer"], ["Secret?", "x", "y", "A"]],
        "Plants": [["Plants quiz"], [], ["question", "A", "B", "answer"], ["Plants need?", "Light", "Dark", "A"]],
    }, hidden=("Answers key",))
    quizzes = read_sheet(path, ctx)
    assert [(q.title, q.key) for q in quizzes] == [("Water", "science-water"), ("Plants", "science-plants")]
    assert quizzes[1].questions[0].where == "science.xlsx, sheet Plants, row 4"
    assert ctx.log == [
        "science.xlsx, sheet Read me: no question column: left out — if it holds questions, write the column names in "
        "its first row: question, A, B, C, D, answer",
        "science.xlsx, sheet Answers key: this sheet is hidden: it was left out — show it in the spreadsheet program "
        "to import it",
        "science.xlsx, sheet Plants: the rows above the column names were left out — keep them only if they are a "
        "title or notes",
    ]


BAD: Rows = [
    ["question", "A", "B", "C", "D", "answer", "picture", "seconds"],
    ["Fine question", "Yes", "No", None, None, "A", None, 20],
    ["Answer with no option text", "One", "Two", None, None, "C", None, None],  # row 3
    ["No options, not a number", None, None, None, None, None, None, None],  # row 4
    [None, "Orphan option", "Another", None, None, "A", None, None],  # row 5
    ["Seconds not a number", "One", "Two", None, None, "A", None, "soon"],  # row 6
    ["Seconds out of range", "One", "Two", None, None, "A", None, 9000],  # row 7
    ["Picture missing", "One", "Two", None, None, "A", "cat.png", None],  # row 8
    ["Q" * 400, "One", "Two", None, None, "A", None, None],  # row 9
    ["A gap in the options", "One", None, "Three", None, "A", None, None],  # row 10
    ["Numeric too big", None, None, None, None, 12, None, None],  # row 11
    ["Two answers", "One", "Two", "Three", None, "A, C", None, None],  # row 12
    ["Letter not an option", "One", "Two", None, None, "Z", None, None],  # row 13
    ["Only one option", "One", None, None, None, "A", None, None],  # row 14
    ["Picture outside", "One", "Two", None, None, "A", "../secret.png", None],  # row 15
]
BAD_LINES = [
    "row 3, column answer: the answer C has no option text — write the answer's text in column C, or choose another "
    "letter",
    "row 4, column A: the question has no answers to choose from — write the answers in columns A, B, C..., or a "
    "number from 0 to 9 in the answer column",
    "row 5, column question: the question is missing — write the question in this row, or empty the row if it is not "
    "a question",
    "row 6, column seconds: 'soon' is not a number of seconds — write a number such as 30, or leave it empty for no "
    "timer",
    "row 7, column seconds: 9000 seconds is out of range — write a number from 5 to 3600, or leave it empty for no "
    "timer",
    "row 8, column picture: the picture cat.png was not found — put the picture beside the spreadsheet, or correct its "
    "name (capitals count)",
    "row 9, column question: the question is too long (400 characters) — shorten it to 300 characters so the class "
    "can read it",
    "row 10, column B: option B is empty but C has text — fill option B, or move the later options one column to the "
    "left",
    "row 11, column answer: the answer 12 is not one digit — children answer with one key from 0 to 9: ask for a "
    "number from 0 to 9, or give options A, B, C...",
    "row 12, column answer: more than one right answer (A, C) — keep one letter: a question has one right answer "
    "(leave it empty for a poll)",
    "row 13, column answer: the answer Z is not an option letter — write the letter of the right option: A, B",
    "row 14, column A: the question has only one answer to choose from — add at least one more option in the next "
    "column",
    "row 15, column picture: the picture ../secret.png is not in the spreadsheet's folder — put the picture beside the "
    "spreadsheet and write only its name",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
def test_every_bad_row_is_listed_with_its_row_column_and_fix(tmp_path, kind):
    path = tmp_path / f"bad.{kind}"
    {"csv": lambda: write_csv(path, BAD), "xlsx": lambda: write_xlsx(path, {"Quiz": BAD}),
     "ods": lambda: write_ods(path, {"Quiz": BAD})}[kind]()
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    place = "bad.csv, " if kind == "csv" else f"bad.{kind}, sheet Quiz, "
    assert caught.value.problems == [place + line for line in BAD_LINES]


def test_a_picture_beside_the_spreadsheet_goes_with_its_question(tmp_path):
    from PIL import Image

    (tmp_path / "pictures").mkdir()
    Image.new("RGB", (40, 30), "green").save(tmp_path / "pictures" / "leaf.png")
    (tmp_path / "notes.png").write_text("not a picture")
    path = write_csv(tmp_path / "q.csv", [["question", "A", "B", "answer", "picture"],
                                          ["What colour?", "Green", "Red", "A", "pictures\\leaf.png"],
                                          ["And this?", "Green", "Red", "A", "notes.png"]])
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["q.csv, row 3, column picture: the picture notes.png cannot be shown — save it "
                                     "again as PNG or JPEG"]
    path = write_csv(tmp_path / "q.csv", [["question", "A", "B", "answer", "picture"],
                                          ["What colour?", "Green", "Red", "A", "pictures\\leaf.png"]])
    (quiz,) = read_sheet(path, _ctx(tmp_path))
    assert quiz.questions[0].picture == (tmp_path / "pictures" / "leaf.png").resolve()


@pytest.mark.parametrize("header, language, line", [
    (["qestion", "A", "B", "answer"], "en", "q.csv, row 1, column qestion: no column named question — did you mean "
                                            "question?"),
    (["question", "A", "B", "reponse", "notes"], "fr",
     "q.csv, row 1, column reponse: unknown column name 'reponse' — did you mean réponse?"),
])
def test_unknown_column_names_are_named_with_a_suggestion(tmp_path, header, language, line):
    path = write_csv(tmp_path / "q.csv", [header, ["Which?", "One", "Two", "A", ""]])
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path, language))
    assert caught.value.problems == [line]  # the empty "notes" column is no problem


def test_a_column_of_text_under_an_unknown_or_empty_name_is_named(tmp_path):
    path = write_csv(tmp_path / "q.csv", [["question", "A", "B", "answer", "explanation", ""],
                                          ["Which?", "One", "Two", "A", "Because", "x"]])
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == [
        "q.csv, row 1, column explanation: unknown column name 'explanation' — name it question, A-F, answer, picture "
        "or seconds, or delete the column",
        "q.csv, row 1, column F: this column has no name but holds text below — write its name in row 1 (question, "
        "A-F, answer, picture or seconds), or delete the column"]


def test_merged_cells_are_named(tmp_path):
    rows: Rows = [["question", "A", "B", "answer"], ["Which?", "One", "Two", "A"], ["Next?", "One", "Two", "B"]]
    path = write_xlsx(tmp_path / "m.xlsx", {"Quiz": rows}, merged={"Quiz": "A2:A3"})
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems[0] == ("m.xlsx, sheet Quiz, row 2: cells A2:A3 are merged — unmerge them: one "
                                        "question on each row, one thing in each cell")


def test_an_empty_file_says_what_a_question_file_looks_like(tmp_path):
    path = write_csv(tmp_path / "empty.csv", [[""], []])
    with pytest.raises(ImportProblem) as caught:
        read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["empty.csv: no questions found — write the column names in the first row "
                                     "(question, A, B, C, D, answer) and one question in each row below"]


def test_more_than_500_questions_are_refused(tmp_path):
    rows: Rows = [["question", "A", "B", "answer"]] + [[f"Q{n}", "x", "y", "A"] for n in range(501)]
    with pytest.raises(ImportProblem) as caught:
        read_sheet(write_csv(tmp_path / "many.csv", rows), _ctx(tmp_path))
    assert caught.value.problems == ["many.csv: has 501 questions; at most 500 are imported from one file — split the "
                                     "questions into several files of at most 500 questions"]


def test_a_flood_of_problems_is_counted_after_the_first_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets_module, "MAX_PROBLEMS", 3)
    rows: Rows = [["question", "A", "B", "answer"]] + [[f"Q{n}", "x", "y", "Z"] for n in range(10)]
    with pytest.raises(ImportProblem) as caught:
        read_sheet(write_csv(tmp_path / "z.csv", rows), _ctx(tmp_path))
    assert len(caught.value.problems) == 4 and caught.value.problems[-1] == "… and 7 more problems"


# Hostile files: each is refused in a moment, with a message, and never takes the import down.

def test_a_50_mb_csv_is_refused_from_its_size(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(b"question,A,B,answer\n")
        f.truncate(50 * 2**20)
    with budget(seconds=1, megabytes=16):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["huge.csv: is 50 MB; a question file may have at most 8 MB — split the questions "
                                     "into several files of at most 500 questions"]


def test_a_csv_of_100000_rows_stops_at_the_row_limit(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("question,A,B,answer\n" + "Q,x,y,A\n" * 100_000, encoding="utf-8")
    with budget(seconds=2, megabytes=48):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["rows.csv: has more than 5000 rows — split the questions into several files of at "
                                     "most 500 questions"]


def _xlsx_with_sheet_xml(tmp_path: Path, name: str, sheet_xml: bytes) -> Path:
    """A real workbook (openpyxl) whose first sheet is replaced by `sheet_xml`."""
    path = write_xlsx(tmp_path / name, {"Sheet1": [["question"]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


_SHEET = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
          b'spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>')


def test_a_sheet_of_100000_rows_is_refused_with_a_message(tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Q</t></is></c></row>' % (n, n)
                    for n in range(1, 100_001))
    path = _xlsx_with_sheet_xml(tmp_path, "rows.xlsx", _SHEET % rows)
    with budget(seconds=4, megabytes=32):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == [
        "rows.xlsx, sheet Sheet1: this sheet has 100000 rows; at most 5000 are read — delete the empty rows and "
        "columns after your questions, or split the questions into several files of at most 500 questions"]


def test_one_cell_in_the_far_corner_does_not_take_gigabytes(tmp_path):
    """calamine makes room for every cell up to the last one (500 GB here) and aborts its process when it
    cannot: it runs in a child with a memory limit."""
    cells = b'<row r="1"><c r="A1" t="inlineStr"><is><t>question</t></is></c></row>' \
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = _xlsx_with_sheet_xml(tmp_path, "corner.xlsx", _SHEET % cells)
    assert path.stat().st_size < 10_000
    with budget(seconds=5, megabytes=16):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["corner.xlsx: the spreadsheet is too big or damaged to read — save it again as a "
                                     "new file with only the questions, or as CSV"]


def test_one_long_shared_text_in_every_cell_is_refused_not_copied_200000_times(tmp_path):
    """A workbook keeps each text once and names it from the cells: 4000 rows x 40 cells of one
    2000-character text unpack to 3 MB of XML but 320 million characters of cells."""
    row = b"".join(b'<c r="%s%%d" t="s"><v>0</v></c>' % col.encode() for col in
                   [chr(65 + n) for n in range(26)] + ["A" + chr(65 + n) for n in range(14)])
    rows = b"".join(b'<row r="%d">' % n + row.replace(b"%d", b"%d" % n) + b"</row>" for n in range(1, 4001))
    path = _xlsx_with_sheet_xml(tmp_path, "shared.xlsx", _SHEET % rows)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
                                     b'org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"x" * 2000 +
                                     b"</t></si></sst>")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    with budget(seconds=10, megabytes=16):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["shared.xlsx: the spreadsheet is too big or damaged to read — save it again as a "
                                     "new file with only the questions, or as CSV"]


def test_a_zip_bomb_named_xlsx_is_refused_in_a_moment(tmp_path):
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            for _ in range(64):  # 64 MB unpacked
                f.write(zeros)
    assert path.stat().st_size < 2**20
    with budget(seconds=2, megabytes=16):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == ["bomb.xlsx: the spreadsheet unpacks to more than 48 MB — save it again as a new "
                                     "file with only the questions, or as CSV"]


@pytest.mark.parametrize("name, data, line", [
    ("story.xlsx", b"Once upon a time", "story.xlsx: is not a spreadsheet — save it again from the spreadsheet "
                                        "program as .xlsx, .ods or CSV"),
    ("cut.xlsx", None, "cut.xlsx: the spreadsheet is damaged and cannot be read — open it in the spreadsheet program "
                       "and save it again, or copy it again"),
    ("binary.csv", b"\x00\x01\x02\xff" * 100 + b"\x00", "binary.csv: cannot be read as text — save it again from the "
                                                         "spreadsheet program as CSV UTF-8"),
])
def test_files_that_are_not_spreadsheets_are_named(tmp_path, name, data, line):
    path = tmp_path / name
    if data is None:
        whole = write_xlsx(tmp_path / "whole.xlsx", {"Sheet1": MIXED}).read_bytes()
        data = whole[: len(whole) // 2]
    path.write_bytes(data)
    with budget(seconds=5, megabytes=16):
        with pytest.raises(ImportProblem) as caught:
            read_sheet(path, _ctx(tmp_path))
    assert caught.value.problems == [line]


def test_the_quizzes_written_by_the_lesson_writer_pass_cinema_check(tmp_path):
    """As `cinema import` does: the drafts through writer.write_lesson, then the kiosk's own checks."""
    from PIL import Image

    from cinema.config import check_all, read_activities
    from cinema.importers.drafts import LessonDraft
    from cinema.importers.writer import target_for, write_lesson
    from tests.importers.conftest import make_kiosk_project

    kiosk = make_kiosk_project(tmp_path / "kiosk")
    source = tmp_path / "teacher"
    source.mkdir()
    Image.new("RGB", (64, 48), "blue").save(source / "sea.png")
    rows = [*MIXED, ["What colour is the sea?", "Blue", "Red", None, None, "A", "sea.png", 30]]
    rows[0] = [*HEADER[:6], "picture", "seconds"]
    rows[1:-1] = [[*r[:6], None, r[6]] for r in rows[1:-1]]
    arabic: Rows = [["السؤال", "أ", "ب", "الإجابة"], ["الماء سائل.", "صح", "خطأ", "أ"]]
    path = write_xlsx(source / "water_quiz.xlsx", {"Sheet1": rows, "الماء": arabic})
    ctx = ImportContext(work=kiosk.playlists / ".import-water", language="en")
    quizzes = read_sheet(path, ctx)
    draft = LessonDraft(title="Water", language="en", items=quizzes, name="water")
    written = write_lesson(draft, target_for(kiosk.playlists, kiosk.activities, "water", None, (source,)), ctx)

    assert check_all(kiosk.config) == []
    activities, problems = read_activities(kiosk.activities)
    assert problems == []
    read_back = [activities[f"water--{quiz.key}"] for quiz in quizzes]
    assert [(a.kind, a.seconds, [(q.prompt, tuple((o.key, o.text) for o in q.options), q.correct)
                                 for q in a.questions]) for a in read_back] == [
        (quiz.kind, quiz.seconds, [(q.prompt, q.options, q.correct) for q in quiz.questions]) for quiz in quizzes]
    assert [a.kind for a in read_back] == ["multiple_choice", "numeric", "poll", "multiple_choice", "true_false"]
    sea = read_back[3].questions[0]
    assert sea.image is not None and sea.image.is_file() and written.counts["quiz"] == 5


# Whatever a spreadsheet holds, reading it gives quizzes the kiosk accepts, or problems: never an exception.

_WORDS = ["question", "A", "B", "C", "D", "E", "F", "answer", "seconds", "picture", "سؤال", "أ", "ب", "الإجابة",
          "питання", "А", "Б", "В", "відповідь", "réponse", "True", "False", "Yes", "No", "صح", "خطأ", "0", "5", "9",
          "12", "30", "3.5", "-1", "", " ", "x", "Which one?", "a, c", "sep=;", '"', "\n", "\t", ";", ","]


def _check_quizzes(quizzes) -> None:
    from cinema.config.activities import KIND_RULES

    for quiz in quizzes:
        rules = KIND_RULES[quiz.kind]
        assert quiz.questions and quiz.key and quiz.title
        assert quiz.seconds is None or 5 <= quiz.seconds <= 3600
        for question in quiz.questions:
            keys = [key for key, _text in question.options]
            assert question.prompt and len(set(keys)) == len(keys)
            assert set(keys) <= set(rules.keys) and rules.min_options <= len(keys) <= rules.max_options
            assert (question.correct is None) == (quiz.kind == "poll")
            assert question.correct is None or question.correct in keys


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """What the reader imports the first time (YAML, Pillow, the catalogs) is not timed in the budgets."""
    import cinema.config.picture_files  # noqa: F401
    from cinema.locale import translator

    for language in ("en", "ar", "uk", "fr"):
        translator(language).gettext("True")


_MISTAKES = ["", "Q" * 301, "x" * 151, "12", "A, C", "Z", "soon", "4", "В", "Clouds"]


@st.composite
def _grids(draw) -> list[list[str]]:
    """A header as teachers write one (any order, Latin, Arabic or Cyrillic letters), rows that are each a
    question of some kind, and now and then a cell replaced by a mistake or a row of junk."""
    script = draw(st.sampled_from(["ABCDEF", "أبجدهو", "АБВГДЕ"]))
    width = draw(st.integers(2, 6))
    extra = [name for name in ("seconds", "x") if draw(st.booleans())]
    header = draw(st.permutations(["question", *script[:width], "answer", *extra]))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["multiple_choice", "true_false", "poll", "numeric", "digits"]))
        count = {"true_false": 2, "numeric": 0}.get(kind, draw(st.integers(2, width)))
        texts = (["True", "False"] if kind == "true_false" else [str(n) for n in range(count)] if kind == "digits"
                 else [f"Option {n}" for n in range(count)])
        answer = ("" if kind == "poll" else draw(st.sampled_from("0123456789")) if kind == "numeric"
                  else draw(st.sampled_from(script[:count])))
        values = {"question": draw(st.sampled_from(["Which one?", "Where does rain come from?", "سؤال؟"])),
                  "answer": answer, "seconds": draw(st.sampled_from(["", "30", "5", "٣٠", "3600"])),
                  "x": "", **dict(zip(script, texts))}
        row = [values.get(name, "") for name in header]
        if draw(st.integers(0, 7)) == 0:  # a mistake
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(_MISTAKES))
        rows.append(row)
    junk = [draw(st.lists(st.sampled_from(_WORDS), max_size=9))] if draw(st.integers(0, 7)) == 0 else []
    return [list(header), *rows, *junk]


@settings(max_examples=60, deadline=None)
@given(_grids(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["en", "ar", "uk", "fr"]))
def test_any_grid_of_cells_gives_valid_quizzes_or_problems(grid, delimiter, language):
    import csv
    import io
    import tempfile

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(grid)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text(text.getvalue(), encoding="utf-8")
        with budget(seconds=2, megabytes=32):
            try:
                quizzes = read_sheet(path, ImportContext(work=Path(folder), language=language))
            except ImportProblem as problem:
                assert problem.problems and all(" — " in line or line.startswith("…") for line in problem.problems)
                return
    _check_quizzes(quizzes)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_any_bytes_give_quizzes_or_problems(data, suffix):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        with budget(seconds=5, megabytes=32):
            try:
                _check_quizzes(read_sheet(path, ImportContext(work=Path(folder), language="en")))
            except ImportProblem as problem:
                assert problem.problems
