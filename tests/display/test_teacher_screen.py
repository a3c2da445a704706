"""The teacher window beside the projector (issue 12 part 2): what the teacher reads at arm's length —
now and next, time left, the battery and its whole advice, who has not answered, the calm note, notices,
the PIN prompt and marking by hand — inside the window at every size, in English, Arabic and Ukrainian."""

from __future__ import annotations

import dataclasses
import itertools
import math

import pygame
import pytest

from cinema.core.view import AnswerList, CalmNote, StatusBar, TeacherItem
from cinema.display.samples import teacher_views
from cinema.display.teacher_screen import TeacherRenderer, _name_order
from cinema.display.theme import Theme
from tests.display.test_screens import FIXED_NOW

SIZES = [(800, 600), (1024, 768), (1280, 800), (1920, 1080)]
LANGS = ["en", "ar", "uk"]
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


@pytest.fixture(scope="module")
def teacher():
    return {lang: teacher_views(lang) for lang in LANGS}


@pytest.fixture(scope="module")
def renderers():
    cache: dict[tuple[tuple[int, int], str], TeacherRenderer] = {}

    def get(size, digits="latn"):
        if (size, digits) not in cache:
            cache[size, digits] = TeacherRenderer(size, strict=True, digits=digits)
        return cache[size, digits]

    return get


def draw(renderers, view, size, digits="latn"):
    surface = pygame.Surface(size)
    layout = renderers(size, digits).draw(surface, view, now=FIXED_NOW)
    return layout, surface


def texts(layout) -> list[str]:
    return [b.text for b in layout if b.kind in ("text", "status") and b.text]


def assert_teacher_layout(layout, size):
    """Every box in the window, nothing over the header, text readable at arm's length (1/30 of the
    height), no two texts on top of each other (the PIN prompt is drawn over on purpose), nothing cut."""
    window = pygame.Rect((0, 0), size)
    header = layout.get("status").rect
    for box in layout:
        assert window.contains(box.rect), f"{box.name} {box.rect} is outside the {size} window"
        if box.kind != "status":
            assert not box.rect.colliderect(header), f"{box.name} covers the header"
        if box.kind in ("text", "status") and box.size is not None:
            assert box.size >= math.ceil(size[1] / 30), f"{box.name} text {box.size}px is too small"
        assert not box.cut, f"{box.name} is cut: {box.text!r}"
    words = [b for b in layout if b.kind in ("text", "status") and b.text and not b.overlay and b.rect.width
             and b.rect.height]
    for a, b in itertools.combinations(words, 2):
        assert not a.rect.colliderect(b.rect), f"text {a.name} {a.rect} overlaps {b.name} {b.rect}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_every_teacher_view_fits_the_window(renderers, teacher, lang, size):
    for name, view in teacher[lang].items():
        layout, _ = draw(renderers, view, size)
        try:
            assert_teacher_layout(layout, size)
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None
        assert layout.rtl == (lang == "ar")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_the_teacher_sees_who_has_not_answered_and_how_many_have(renderers, teacher, lang, size):
    view = teacher[lang]["teacher_question"]
    layout, _ = draw(renderers, view, size)
    shown = [b.text for b in layout.starting("teacher.waiting.") if b.name.count(".") == 2 and b.kind == "text"
             and not b.name.endswith(".more")]
    more = [b.text for b in layout.starting("teacher.waiting.more")]
    left_out = int(more[0].split()[-1 if lang == "uk" else 0].strip("و")) if more else 0
    assert shown and len(shown) + left_out == len(view.answers.waiting)
    assert set(shown) <= set(view.answers.waiting)
    assert shown == list(view.answers.waiting[:len(shown)])  # in the engine's order
    if lang == "en":
        assert layout.get("teacher.answers.heading").text == "Not answered yet: 9"
        assert layout.get("teacher.answers.count").text == "12 answered"
    for name in view.answers.answered:  # the teacher acts on who is missing: the others are a number
        assert name not in shown


def test_many_waiting_says_how_many_more_rather_than_cutting(renderers, teacher):
    view = teacher["en"]["teacher_many_waiting"]
    for size in SIZES:
        layout, _ = draw(renderers, view, size)
        shown = [b for b in layout.starting("teacher.waiting.") if b.name.count(".") == 2 and b.kind == "text"
             and not b.name.endswith(".more")]
        more = layout.get("teacher.waiting.more").text
        waiting = len(view.answers.waiting) + view.answers.more_waiting
        assert more == f"{waiting - len(shown)} more"
        assert layout.get("teacher.answers.heading").text == f"Not answered yet: {waiting}"


def test_answers_on_handsets_given_to_nobody_are_not_called_not_answered(renderers, teacher):
    """A child listed as waiting may have answered on a handset the kiosk cannot put a name to: the
    teacher is told that, not that the child has not answered."""
    view = teacher["en"]["teacher_many_waiting"]
    loose = dataclasses.replace(view, answers=dataclasses.replace(view.answers, unpaired=3))
    for size in SIZES:
        layout, _ = draw(renderers, loose, size)
        waiting = len(view.answers.waiting) + view.answers.more_waiting
        answered = len(view.answers.answered) + view.answers.more_answered
        assert layout.get("teacher.answers.heading").text == f"No answer seen from: {waiting}"
        assert layout.get("teacher.answers.count").text == f"{answered} answered (3 on handsets given to nobody)"
        assert_teacher_layout(layout, size)


def test_an_empty_room_is_not_told_everyone_has_answered(renderers, teacher):
    view = teacher["en"]["teacher_everyone"]
    empty = dataclasses.replace(view, answers=AnswerList((), ()))
    layout, _ = draw(renderers, empty, (1024, 768))
    assert layout.get("teacher.answers.heading").text == "No answers yet"


def test_everyone_answered_is_said_instead_of_an_empty_list(renderers, teacher):
    layout, _ = draw(renderers, teacher["en"]["teacher_everyone"], (1024, 768))
    assert layout.get("teacher.answers.heading").text == "Everyone has answered!"
    assert not layout.starting("teacher.waiting.")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_battery_advice_is_shown_whole_with_what_the_lesson_needs(renderers, teacher, size):
    view = teacher["en"]["teacher_video"]
    layout, _ = draw(renderers, view, size)
    advice = " ".join(b.text for b in layout.starting("teacher.advice."))
    assert "The rest of the lesson needs about 52 min." in advice
    assert "To finish, skip: Quiz: clean hands (6 min), Stretch and drink some water (5 min)" in advice
    assert layout.get("teacher.battery").text == "31% · 38 min"


def test_no_lightning_bolt_on_the_battery_while_it_runs_down(renderers, teacher, monkeypatch):
    from cinema.display import icons

    drawn = []
    real = icons.battery
    monkeypatch.setattr(icons, "battery", lambda *a, **k: drawn.append(a[-1]) or real(*a, **k))
    draw(renderers, teacher["en"]["teacher_video"], (1024, 768))  # discharging
    draw(renderers, teacher["en"]["teacher_paused_locked"], (1024, 768))  # charging
    assert drawn == [False, True]
    layout, _ = draw(renderers, teacher["en"]["teacher_paused_locked"], (1024, 768))
    assert layout.get("teacher.battery").text == "88% · charging"


def test_now_next_and_the_time_left(renderers, teacher):
    view = teacher["en"]["teacher_video"]
    layout, _ = draw(renderers, view, (1280, 800))
    assert layout.get("teacher.now.label").text == "Now · Video · 3 of 7"
    assert layout.get("teacher.now.title").text == "How to wash your hands"
    assert layout.get("teacher.now.time").text == "2:18"
    assert layout.get("teacher.next").text == "Quiz: clean hands"
    assert layout.get("teacher.lesson_left").text == "Lesson: about 31 min left"
    assert layout.get("status.lesson").text == "Water and Health"
    assert layout.get("teacher.present").text == "18 of 24 present"
    last, _ = draw(renderers, teacher["en"]["teacher_last"], (1280, 800))
    assert last.get("teacher.next").text == "Next: the end of the lesson"
    paused, _ = draw(renderers, teacher["en"]["teacher_paused_locked"], (1280, 800))
    assert paused.get("teacher.now.paused").text == "Paused · 2:18 left"
    assert "teacher.now.time" not in paused.names()
    # An item with no title (a closing item) is named by its kind, never by its id in the playlist file.
    untitled = dataclasses.replace(view, next=TeacherItem("", "closing", 8))
    nxt, _ = draw(renderers, untitled, (1280, 800))
    assert nxt.get("teacher.next").text == "Closing"


def test_notices_newest_first_with_the_failed_items_title(renderers, teacher):
    view = teacher["en"]["teacher_video"]
    layout, _ = draw(renderers, view, (1920, 1080))
    assert [layout.get(f"teacher.notice.{i}").text for i in range(3)] == [
        "This audio could not be played.", "Little disk space left: free some after the lesson", "Battery low"]
    assert layout.get("teacher.notice.0.detail").text == "Song: the water cycle"
    crowded = dataclasses.replace(view, notices=view.notices * 6)
    layout, _ = draw(renderers, crowded, (800, 600))
    shown = [b for b in layout.starting("teacher.notice.") if b.kind == "text" and not b.name.endswith("detail")]
    assert layout.get("teacher.notices.more").text == f"{18 - len(shown)} more"
    assert_teacher_layout(layout, (800, 600))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_the_calm_note_counts_the_saddest_faces_only_from_five_answers(renderers, teacher, lang, size):
    offered = teacher[lang]["teacher_calm"]
    layout, _ = draw(renderers, offered, size)
    said = layout.get("teacher.calm.said").text
    assert "17" in said and "6" in said
    assert layout.get("teacher.calm.take.key").text == ("Enter" if lang == "en" else layout.get(
        "teacher.calm.take.key").text)
    assert layout.get("teacher.calm.go_on.key").text == "N"
    assert offered.calm.calm_title in layout.get("teacher.calm.take").text
    few, _ = draw(renderers, teacher[lang]["teacher_calm_few"], size)
    said = few.get("teacher.calm.said").text
    assert "4" in said and not any(ch.isdigit() for ch in said.replace("4", ""))  # no count of faces
    assert not few.starting("teacher.calm.take")
    if lang == "en":
        assert said == "Check-in: 4 answered"
        assert layout.get("teacher.calm.said").text == "Check-in: 17 answered · 6 chose the two saddest faces"
        assert layout.get("teacher.calm.take").text == "Start: Breathing with the balloon"


def test_the_pin_prompt_and_the_keyboard_hint(renderers, teacher):
    layout, _ = draw(renderers, teacher["en"]["teacher_pin"], (1024, 768))
    assert layout.get("overlay.pin.prompt").text == "Enter the teacher PIN"
    assert layout.get("overlay.pin.keys").text == "Enter: OK · Esc: cancel"  # how to cancel, said
    locked, _ = draw(renderers, teacher["en"]["teacher_paused_locked"], (1024, 768))
    assert locked.get("teacher.keyboard").text == "Keyboard locked: hold Esc, then the PIN (training: 1234)."
    plain, _ = draw(renderers, teacher["en"]["teacher_video"], (1024, 768))
    assert "teacher.keyboard" not in plain.names() and "overlay.pin" not in plain.names()


@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_arabic_mirrors_the_window(renderers, teacher, size):
    for lang, rtl in (("en", False), ("ar", True)):
        layout, _ = draw(renderers, teacher[lang]["teacher_video"], size)
        now = layout.get("teacher.now.title").rect
        battery = layout.get("teacher.battery").rect
        assert (now.centerx > battery.centerx) == rtl  # the lesson on the reading side
        icon = layout.get("teacher.now.icon").rect
        assert (icon.centerx > now.centerx) == rtl  # the picture before the title, in reading order
        title = layout.get("status.lesson").rect
        clock = layout.get("status.clock").rect
        assert (title.centerx > clock.centerx) == rtl
        bicon = layout.get("teacher.battery.icon").rect
        assert (bicon.centerx > battery.centerx) == rtl


def test_arabic_digits_when_the_kiosk_asks_for_them(renderers, teacher):
    view = teacher["ar"]["teacher_many_waiting"]
    view = dataclasses.replace(view, answers=AnswerList((), view.answers.waiting[::-1]))  # handsets first
    layout, _ = draw(renderers, view, (1920, 1080), digits="native")
    assert layout.get("teacher.now.time").text == "٠:٢٥"
    assert layout.get("status.items").text == "٤ / ٧"
    assert any(ch in ARABIC_DIGITS for ch in layout.get("teacher.present").text)
    handsets = [b.text for b in layout.starting("teacher.waiting.") if b.text.startswith("#")]
    assert handsets and all(t[1:].isascii() for t in handsets)  # a handset's number as printed on it
    latin, _ = draw(renderers, view, (1920, 1080))
    assert latin.get("teacher.now.time").text == "0:25"
    assert not any(ch in ARABIC_DIGITS for t in texts(latin) for ch in t)


def test_a_broken_view_does_not_take_the_kiosk_down():
    view = dataclasses.replace(teacher_views("en")["teacher_question"],
                               answers=AnswerList(answered=(), waiting=(None,)))  # type: ignore[arg-type]
    surface = pygame.Surface((800, 600))
    layout = TeacherRenderer((800, 600)).draw(surface, view, now=FIXED_NOW)
    assert layout.get("status.lesson").text == "Water and Health"  # the header is still drawn
    with pytest.raises(Exception):
        TeacherRenderer((800, 600), strict=True).draw(surface, view, now=FIXED_NOW)


def test_the_window_follows_a_new_size(teacher):
    r = TeacherRenderer((800, 600), strict=True)
    view = teacher["uk"]["teacher_calm"]
    for size in [(800, 600), (1920, 1080), (1024, 768)]:
        layout = r.draw(pygame.Surface(size), view, now=FIXED_NOW)
        assert r.size == size and (layout.width, layout.height) == size
        assert_teacher_layout(layout, size)
    assert r.needs_redraw(view, int(FIXED_NOW) + 1) and not r.needs_redraw(view, int(FIXED_NOW))
    assert r.needs_redraw(dataclasses.replace(view, present=19), int(FIXED_NOW))


def test_an_empty_view_draws(renderers):
    from cinema.core.view import Screen, TeacherView

    view = TeacherView("", "en", None, None, 0, Screen.LIBRARY, status=StatusBar(),
                       calm=CalmNote(0, None, False), answers=AnswerList((), ()))
    layout, _ = draw(renderers, view, (800, 600))
    assert_teacher_layout(layout, (800, 600))


def test_good_news_has_a_tick_not_a_warning_sign(renderers, teacher, monkeypatch):
    from cinema.display import icons

    signs = []
    monkeypatch.setattr(icons, "tick", lambda *a, **k: signs.append("tick"))
    monkeypatch.setattr(icons, "warning", lambda *a, **k: signs.append("warning"))
    view = dataclasses.replace(teacher["en"]["teacher_last"], notices=("Power is back", "Battery low"))
    draw(renderers, view, (1024, 768))
    assert signs == ["tick", "warning"]


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_content_stays_inside_the_window(renderers, teacher, lang):
    from cinema.core.view import MarkPicker, PickRow, TeacherItem

    long = "W" * 400 + " " + "ب" * 300
    view = dataclasses.replace(
        teacher[lang]["teacher_calm"], lesson_title=long, now=TeacherItem(long, "video", 99999),
        next=TeacherItem(long, "no-such-kind", 100000), item_count=100000,
        answers=AnswerList(answered=(long,) * 40, waiting=(long,) * 40, more_answered=10 ** 6, more_waiting=10 ** 6),
        calm=CalmNote(10 ** 6, 10 ** 6, True, long), notices=(long,) * 40, notice_detail=long,
        item_seconds_left=10.0 ** 9, lesson_seconds_left=10.0 ** 9)
    for size in [(800, 600), (1920, 1080)]:
        layout, _ = draw(renderers, view, size)
        window = pygame.Rect((0, 0), size)
        assert all(window.contains(b.rect) for b in layout)
        picked = dataclasses.replace(view, picker=MarkPicker(long, (PickRow(long, "teacher"),) * 8, 3, more=10 ** 6,
                                                             message=long))
        layout, _ = draw(renderers, picked, size)
        assert all(window.contains(b.rect) for b in layout)


@pytest.mark.parametrize("lang", LANGS)
def test_a_card_question_shows_the_whole_class_read_or_not_yet(renderers, teacher, lang):
    """Answer cards across the room: every child a chip in name order, the read ones filled and ticked,
    a card that is nobody's named; where the class does not fit, who is not read yet comes first."""
    view = teacher[lang]["teacher_cards"]
    answers = view.answers
    for size in ((1920, 1080), (1280, 720), (800, 600)):
        layout, surface = draw(renderers, view, size)
        chips = [b for b in layout.starting("teacher.class.") if b.name.count(".") == 3 and b.kind == "icon"]
        names = [layout.get(b.name.rsplit(".", 1)[0]).text for b in chips]
        read = {layout.get(b.name.rsplit(".", 1)[0]).text for b in chips if b.name.endswith(".read")}
        assert read == set(names) & set(answers.answered)
        more = layout.starting("teacher.class.more")
        if lang != "uk" and size[1] >= 720:  # (the sample's Ukrainian names are longer: 30-36 of 40 fit)
            assert not more
        if not more:
            assert sorted(names) == sorted(answers.answered + answers.waiting)  # all 40 children
            assert names == sorted(names, key=_name_order)  # in place: name order, read or not
        else:
            assert set(answers.waiting) <= set(names)  # who is missing is never among the "N more"
        for chip, name in zip(chips, names):  # read: filled in the good colour; not yet: the background's
            fill = surface.get_at((chip.rect.centerx, chip.rect.top + 2))[:3]
            assert fill == (Theme().good if name in read else Theme().background), name
        assert "57" in layout.get("teacher.answers.unknown").text
