"""The home screen (the lesson library) at projector sizes, in English, Arabic and Ukrainian: the
same layout facts as every screen, plus what a teacher choosing a lesson relies on."""

from __future__ import annotations

import dataclasses

import pytest

from cinema.core.view import LibraryRow
from tests.display.test_screens import assert_layout_facts, draw

NAMES = ["library", "library_end", "library_problems", "library_confirm", "library_pin"]
SIZES = [(800, 600), (1024, 768), (1366, 768), (1920, 1080)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_the_home_screen_lays_out_cleanly_and_cuts_no_word(renderers, views, tmp_path, lang, size):
    for name in NAMES:
        view, layout, _ = draw(renderers, views, lang, name, size, tmp_path)
        assert_layout_facts(view, layout, size)
        assert layout.rtl == (lang == "ar")
        cut = [b.name for b in layout.of_kind("text") if b.cut]
        assert not cut, f"{name}: {cut} cut with '…'"


@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_chosen_row_is_always_in_sight_and_marked(renderers, views, size):
    rows = views["en"]["library"].body.rows
    for selected in range(len(rows)):
        layout = probe(renderers, views, "en", size, selected=selected)
        assert f"library.row.{selected}.icon" in layout.names()
        assert layout.get("library.place").text == f"{selected + 1} / {len(rows)}"


def test_a_broken_lesson_is_marked_and_says_it_cannot_start(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "library_end", (1920, 1080))  # the list scrolled to the end
    assert layout.get("library.row.4.mark").text == "Cannot start"
    assert layout.get("library.row.4.detail").text == "3 problems"
    assert "library.row.4.battery" not in layout.names()
    assert layout.get("library.row.6.title").text == "End the day"
    assert layout.get("library.note.0").text.startswith("Little disk space left")


def probe(renderers, views, lang, size, **body):
    """The sample list with other body fields (another row chosen, scrolled problems)."""
    view = views[lang]["library"]
    views[lang]["_probe"] = dataclasses.replace(view, body=dataclasses.replace(view.body, **body))
    try:
        return draw(renderers, views, lang, "_probe", size)[1]
    finally:
        del views[lang]["_probe"]


def test_each_lesson_row_says_its_length_and_whether_the_battery_lasts(renderers, views):
    layout = probe(renderers, views, "en", (1920, 1080), selected=1)
    assert layout.get("library.row.1.minutes").text == "45 min"
    assert layout.get("library.row.1.detail").text == "health · English"
    assert layout.get("library.row.0.title").text == "Resume “Water and Health”"
    assert layout.get("library.row.0.detail").text == "Unfinished: item 3 of 7"
    layout = probe(renderers, views, "en", (1920, 1080), selected=3)
    assert layout.get("library.row.3.detail").text == "الصحة · العربية"  # the lesson's language, by its own name
    for row in (2, 3):
        assert f"library.row.{row}.battery" in layout.names()


@pytest.mark.parametrize("lang, icon_on_right", [("en", False), ("ar", True)])
def test_rows_read_from_the_right_in_arabic(renderers, views, lang, icon_on_right):
    _, layout, _ = draw(renderers, views, lang, "library", (800, 600))
    icon, minutes = layout.get("library.row.1.icon").rect, layout.get("library.row.1.minutes").rect
    assert (icon.centerx > minutes.centerx) == icon_on_right
    heading, place = layout.get("library.heading").rect, layout.get("library.place").rect
    assert (heading.centerx > place.centerx) == icon_on_right


def test_a_broken_lessons_problems_can_all_be_read(renderers, views):
    problems = views["en"]["library_problems"].body.problems
    seen: set[str] = set()
    for offset in range(len(problems)):
        layout = probe(renderers, views, "en", (800, 600), mode="problems", problems=problems, problems_offset=offset)
        seen |= {b.name for b in layout.starting("library.problem.")}
    count = len(problems)
    assert seen == {f"library.problem.{i}" for i in range(count)}


def test_the_language_row_names_the_language_in_itself(renderers, views):
    for lang, name in (("ar", "العربية"), ("uk", "Українська"), ("en", "English")):
        _, layout, _ = draw(renderers, views, lang, "library_end", (1920, 1080))
        assert layout.get("library.row.5.title").text == name
    assert LibraryRow("language", "").title == ""


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_on_battery_the_chosen_lesson_says_the_minutes_the_battery_gives_it(renderers, views, lang, size):
    rows = list(views[lang]["library"].body.rows)
    rows[1] = dataclasses.replace(rows[1], battery_minutes=52)  # lasts
    rows[2] = dataclasses.replace(rows[2], battery_minutes=38)  # short
    lasts = probe(renderers, views, lang, size, rows=tuple(rows), selected=1)
    note = lasts.get("library.note.0")
    assert "52" in note.text and "45" in note.text and not note.cut
    if lang == "en":
        assert note.text == "Battery: about 52 min, lesson 45 min"
    assert "library.note.0.icon" in lasts.names()
    short = probe(renderers, views, lang, size, rows=tuple(rows), selected=2)
    assert "38" in short.get("library.note.0").text
    assert "library.note.0" not in probe(renderers, views, lang, size, rows=tuple(rows), selected=3).names()
