"""CSV for spreadsheets: UTF-8 with BOM, and no cell that a spreadsheet would run as a formula."""

import csv

import pytest

from cinema.reports.csv_out import safe_cell, write_csv, write_table
from cinema.reports.model import Report, SessionRow

ATTACKS = ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
           "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formulas_are_neutralised(text):
    cell = safe_cell(text)
    assert cell.startswith("'") and cell[1:] == text


@pytest.mark.parametrize("value, expected", [
    ("Water", "Water"), ("الماء من حولنا", "الماء من حولنا"), ("a=b", "a=b"), (3, 3), (-3.5, -3.5),
    (None, ""), (True, "true"), ({"science": 1}, '{"science": 1}'),
])
def test_ordinary_values_are_left_alone(value, expected):
    assert safe_cell(value) == expected


def test_a_hostile_lesson_title_reaches_the_file_as_text(tmp_path):
    report = Report(generated=0.0, sessions=[SessionRow("k/s", "k", "s", 1, 9, title="=1+2", subject="@bad")])
    write_csv(report, tmp_path)
    with open(tmp_path / "sessions.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["title"] == "'=1+2" and rows[0]["subject"] == "'@bad"


def test_tables_are_utf8_with_bom_and_replace_whole(tmp_path):
    path = tmp_path / "t.csv"
    write_table(path, ["name"], [["Оксана"], ["فاطمة"]])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "Оксана".encode() in data
    write_table(path, ["name"], [])
    assert path.read_text(encoding="utf-8-sig").strip() == "name"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary files left


def test_a_check_in_with_fewer_than_5_answers_has_no_counts_in_the_csv(tmp_path):
    from cinema.reports.model import CheckinRow

    report = Report(generated=0.0, checkins=[CheckinRow("k/s", "k", 10, None, False, [0, 3, 0, 0, 1]),
                                             CheckinRow("k/s", "k", 20, None, False, [1, 1, 1, 1, 1])])
    write_csv(report, tmp_path)
    with open(tmp_path / "checkins.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    faces = ("very_sad", "sad", "neutral", "happy", "very_happy")
    assert [[r[k] for k in faces] for r in rows] == [[""] * 5, ["1"] * 5]
    assert [r["fewer_than_5_answers"] for r in rows] == ["true", "false"]
