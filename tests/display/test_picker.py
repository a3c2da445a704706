"""Marking children by hand (issue 12 part 4) as the teacher sees it: over the class screen when the laptop
has one display (the status strip stays in sight), and as the teacher window's page with two."""

from __future__ import annotations

import dataclasses

import pygame
import pytest

from cinema.core.view import MarkPicker, PickRow
from cinema.display.samples import no_match_picker, teacher_views
from cinema.display.teacher_screen import TeacherRenderer
from tests.display.test_screens import FIXED_NOW, assert_layout_facts
from tests.display.test_teacher_screen import assert_teacher_layout

SIZES = [(800, 600), (1024, 768), (1920, 1080)]
LANGS = ["en", "ar", "uk"]


def render(renderers, view, size):
    surface = pygame.Surface(size)
    return renderers(size).draw(surface, view, frame=None, now=FIXED_NOW), surface


def rows(layout, prefix="overlay.picker"):
    return [b for b in layout.starting(prefix + ".row.") if b.name.count(".") == 3]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_the_picker_over_the_class_screen_fits_and_leaves_the_status_strip(renderers, views, lang, size):
    view = views[lang]["picker"]
    layout, _ = render(renderers, view, size)
    assert_layout_facts(view, layout, size)
    panel = layout.get("overlay.picker").rect
    assert not panel.colliderect(layout.get("status").rect)
    assert [b.name for b in layout if b.cut and b.name.startswith("overlay.picker")] == []
    shown = rows(layout)
    assert len(shown) >= 3  # big enough to pick from at 800x600 too
    labels = [layout.get(b.name + ".label").text for b in shown]
    assert labels == [r.label for r in view.picker.rows[:len(shown)]]
    more = layout.get("overlay.picker.more").text
    assert more.translate(str.maketrans("", "", "0123456789")) != more  # says how many more match


@pytest.mark.parametrize("lang", LANGS)
def test_each_row_says_its_state_and_the_chosen_one_is_marked(renderers, views, lang):
    view = views[lang]["picker"]
    layout, surface = render(renderers, view, (1920, 1080))
    states = [layout.get(f"overlay.picker.row.{i}.state").text for i in range(3)]
    assert len(set(states)) == 3  # card, absent, by hand: three different words
    if lang == "en":
        assert states == ["here: card scanned", "not here yet", "here: marked by hand"]
        assert layout.get("overlay.picker.keys.enter.label").text == "Mark present"
        assert layout.get("overlay.picker.keys.close.label").text == "Close"
        assert layout.get("overlay.picker.message").text == "Marked present"
    accent = renderers((1920, 1080)).theme.accent
    for i, box in enumerate(rows(layout)):
        start = box.rect.right - 3 if lang == "ar" else box.rect.left + 3  # the bar at the row's start edge
        marked = tuple(surface.get_at((start, box.rect.centery)))[:3] == accent
        assert marked == (i == view.picker.selected), (lang, i)


def test_enter_says_what_it_will_do_for_the_chosen_child(renderers, views):
    base = views["en"]["picker"]
    for selected, label in ((0, "Already here by card"), (1, "Mark present"), (2, "Undo the mark")):
        view = dataclasses.replace(base, picker=dataclasses.replace(base.picker, selected=selected))
        layout, _ = render(renderers, view, (1024, 768))
        assert layout.get("overlay.picker.keys.enter.label").text == label


def test_letters_that_match_nobody_say_so(renderers, views):
    view = dataclasses.replace(views["en"]["picker"], picker=no_match_picker("en"))
    layout, _ = render(renderers, view, (800, 600))
    assert layout.get("overlay.picker.none").text == "No name in the class list starts with these letters"
    assert "overlay.picker.keys.enter" not in layout.names()  # nothing to mark
    assert layout.get("overlay.picker.keys.close.label").text == "Close"
    empty = dataclasses.replace(views["en"]["picker"], picker=MarkPicker("", (PickRow("Amira", "absent"),), 0))
    layout, _ = render(renderers, empty, (800, 600))
    assert layout.get("overlay.picker.query.hint").text == "Type the first letters of the name"
    assert_layout_facts(empty, layout, (800, 600))


def test_the_typed_letters_are_shown(renderers, views):
    view = views["uk"]["picker"]
    layout, _ = render(renderers, view, (1024, 768))
    assert layout.get("overlay.picker.query").text.startswith(view.picker.query)


def test_without_a_picker_nothing_is_drawn_over_the_screen(renderers, views):
    layout, _ = render(renderers, dataclasses.replace(views["en"]["picker"], picker=None), (1024, 768))
    assert not layout.starting("overlay.picker")


@pytest.mark.parametrize("size", SIZES + [(1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_the_picker_is_the_teacher_windows_page(lang, size):
    view = teacher_views(lang)["teacher_picker"]
    surface = pygame.Surface(size)
    layout = TeacherRenderer(size, strict=True).draw(surface, view, now=FIXED_NOW)
    assert_teacher_layout(layout, size)
    assert len(rows(layout, "teacher.picker")) >= 4
    assert not layout.starting("teacher.now")  # the page is the list while the teacher marks


def test_many_rows_keep_the_chosen_one_in_sight(renderers, views):
    names = tuple(PickRow(f"Child {n}", "absent") for n in range(40))
    picker = MarkPicker("c", names, 33)
    layout, _ = render(renderers, dataclasses.replace(views["en"]["picker"], picker=picker), (800, 600))
    shown = [int(b.name.split(".")[-1]) for b in rows(layout)]
    assert 33 in shown and len(shown) >= 3
    assert_layout_facts(dataclasses.replace(views["en"]["picker"], picker=picker), layout, (800, 600))

