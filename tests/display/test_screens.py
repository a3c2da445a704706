"""Every screen, in English and Arabic (and a Ukrainian smoke), at projector sizes from
800x600 to 1920x1080: layout facts a child at 6 m and a teacher rely on. PNGs are saved."""

from __future__ import annotations

import itertools
import time

import pygame
import pytest

from cinema.core.view import Screen
from cinema.display.samples import sample_frame
from cinema.display.renderer import SCREENS
from cinema.locale import translator

FIXED_NOW = time.mktime((2025, 3, 14, 10, 35, 0, 0, 0, -1))  # the status clock reads 10:35

SIZES = [(800, 600), (1920, 1080)]
ODD_SIZES = [(1366, 768), (1024, 768)]
SCREEN_NAMES = [
    "title", "video", "slides", "slides_missing", "audio", "question", "question_image", "results",
    "results_poll", "checkin", "checkin_results", "checkin_results_calm", "attendance", "break",
    "closing", "notice", "resume", "content_error", "pin", "pin_wrong", "paused", "toast",
    "pin_unlock", "pin_wait", "pin_choose", "pin_confirm", "keyboard_locked", "keyboard_locked_paused",
    "video_seeking",
]


def draw(renderers, views, lang, name, size, tmp_path=None):
    view = views[lang][name]
    surface = pygame.Surface(size)
    frame = sample_frame() if name in ("video", "paused", "video_seeking", "attendance", "pairing", "keyboard_locked", "pin_unlock") else None
    layout = renderers(size).draw(surface, view, frame=frame, now=FIXED_NOW)
    if tmp_path is not None:
        pygame.image.save(surface, str(tmp_path / f"{lang}_{size[0]}x{size[1]}_{name}.png"))
    return view, layout, surface


def assert_layout_facts(view, layout, size):
    screen = pygame.Rect((0, 0), size)
    w, h = size
    status = layout.get("status").rect
    min_text = h / 20
    for box in layout:
        assert screen.contains(box.rect), f"{box.name} {box.rect} is off the {size} screen"
        if box.kind != "status":
            assert not box.rect.colliderect(status), f"{box.name} covers the status bar"
        if box.kind in ("text", "status") and box.size is not None:
            assert box.size >= min_text, f"{box.name} text {box.size}px is too small to read at 6 m"
    texts = [b for b in layout.of_kind("text") if not b.overlay and b.rect.width and b.rect.height]
    for a, b in itertools.combinations(texts, 2):
        assert not a.rect.colliderect(b.rect), f"text {a.name} {a.rect} overlaps {b.name} {b.rect}"
    status_parts = [b for b in layout.of_kind("status") if b.name not in ("status", "status.progress")]
    for a, b in itertools.combinations(status_parts, 2):
        assert not a.rect.colliderect(b.rect), f"status {a.name} overlaps {b.name}"
    overlays = {b.name.split(".")[1] for b in layout if b.overlay}
    expected = set()
    if view.paused:
        expected.add("paused")
    if view.toast:
        expected.add("toast")
    if view.pin is not None:
        expected.add("pin")
    if view.keyboard_locked:
        expected.add("keyboard")
    if view.picker is not None:
        expected.add("picker")
    assert overlays == expected


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", SCREEN_NAMES)
def test_every_screen_lays_out_cleanly(renderers, views, tmp_path, name, lang, size):
    view, layout, _ = draw(renderers, views, lang, name, size, tmp_path)
    assert_layout_facts(view, layout, size)
    assert layout.rtl == (lang == "ar")


@pytest.mark.parametrize("size", ODD_SIZES + [(800, 600)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["uk", "ar"])
def test_odd_projector_sizes_and_ukrainian(renderers, views, tmp_path, lang, size):
    for name in SCREEN_NAMES:
        view, layout, _ = draw(renderers, views, lang, name, size, tmp_path)
        assert_layout_facts(view, layout, size)


def test_every_screen_has_a_module_and_a_sample(views):
    assert set(SCREENS) == set(Screen)
    assert {v.screen for v in views["en"].values()} == set(Screen)


# --- right to left ------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rtl_option_key_letters_are_on_the_right(renderers, views, size):
    for lang, key_on_right in (("ar", True), ("en", False)):
        _, layout, _ = draw(renderers, views, lang, "question", size)
        for key in "ABCD":
            tile = layout.get(f"option.{key}.key.tile").rect
            text = layout.get(f"option.{key}.text").rect
            assert (tile.centerx > text.centerx) == key_on_right, (lang, key)
        # reading order: A before B across the row
        a, b = layout.get("option.A.key.tile").rect, layout.get("option.B.key.tile").rect
        assert (a.centerx > b.centerx) == key_on_right


def test_rtl_progress_bar_fills_from_the_right(renderers, views):
    size = (800, 600)
    for lang in ("en", "ar"):
        _, layout, surface = draw(renderers, views, lang, "question", size)  # item 3 of 7
        bar = layout.get("status.progress").rect
        y = bar.centery
        left, right = surface.get_at((bar.left + 2, y))[:3], surface.get_at((bar.right - 3, y))[:3]
        progress = renderers(size).theme.progress
        if lang == "ar":
            assert right == progress and left != progress
        else:
            assert left == progress and right != progress


def test_rtl_status_bar_order_flips(renderers, views):
    en = draw(renderers, views, "en", "question", (1920, 1080))[1]
    ar = draw(renderers, views, "ar", "question", (1920, 1080))[1]
    assert en.get("status.clock").rect.centerx < en.get("status.items").rect.centerx
    assert ar.get("status.clock").rect.centerx > ar.get("status.items").rect.centerx
    assert ar.get("status.clock").rect.centerx > ar.get("status.battery.icon").rect.centerx


def test_rtl_bars_grow_from_the_right(renderers, views):
    for lang in ("en", "ar"):
        _, layout, _ = draw(renderers, views, lang, "results", (1920, 1080))
        bars = [layout.get(f"result.{k}.bar").rect for k in "ABC"]  # D has no answers: no bar
        edge = {b.right for b in bars} if lang == "ar" else {b.left for b in bars}
        assert len(edge) == 1, (lang, bars)


def test_rtl_faces_run_from_the_right(renderers, views):
    en = draw(renderers, views, "en", "checkin", (800, 600))[1]
    ar = draw(renderers, views, "ar", "checkin", (800, 600))[1]
    assert en.get("face.1").rect.centerx < en.get("face.5").rect.centerx
    assert ar.get("face.1").rect.centerx > ar.get("face.5").rect.centerx


# --- content of particular screens ----------------------------------------------------------------

def test_results_mark_the_right_answer_with_a_tick_not_colour_alone(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "results", (800, 600))
    ticks = [b.name for b in layout.starting("result.") if b.name.endswith(".tick")]
    assert ticks == ["result.A.tick"]
    counts = {k: layout.get(f"result.{k}.count").text for k in "ABCD"}
    assert counts == {"A": "11", "B": "3", "C": "4", "D": "0"}
    bars = {k: layout.get(f"result.{k}.bar").rect.width for k in "ABC"}
    assert bars["A"] > bars["C"] > bars["B"] and "result.D.bar" not in layout.names()
    _, poll, _ = draw(renderers, views, "en", "results_poll", (800, 600))
    assert not [b for b in poll if b.name.endswith(".tick")]


def test_checkin_calm_offer_only_when_the_room_needs_it(renderers, views):
    _, calm, _ = draw(renderers, views, "en", "checkin_results_calm", (800, 600))
    offer = calm.get("calm.offer").text
    assert "Breathing with the balloon" in offer
    assert calm.get("calm.take.key").text == "Enter" and calm.get("calm.go_on.key").text == "→"
    _, plain, _ = draw(renderers, views, "en", "checkin_results", (800, 600))
    assert "calm.offer" not in plain.names()
    heights = [plain.get(f"face.{i}.bar").rect.height for i in range(3, 6)]
    assert heights[1] == max(heights)  # counts (1, 2, 5, 6, 4): the fourth face has most
    assert "face.1.bar" not in plain.names()  # the saddest faces' counts are not for the room


def test_arabic_screens_use_the_arabic_catalog(renderers, views):
    ar = translator("ar")
    _, notice, _ = draw(renderers, views, "ar", "notice", (800, 600))
    assert notice.get("notice.message").text == ar.gettext("This video could not be played.")
    assert notice.get("notice.moving_on").text.startswith(ar.gettext("Moving on shortly."))
    _, att, _ = draw(renderers, views, "ar", "attendance", (800, 600))
    assert att.get("scan.1").text == ar.gettext("Card from another programme")
    assert att.get("scan.0").text == "أميرة"
    _, pin, _ = draw(renderers, views, "ar", "pin_wrong", (800, 600))
    assert pin.get("overlay.pin.wrong").text == "الرقم السري غير صحيح"


def test_question_shows_count_number_and_timer(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "question", (800, 600))
    assert layout.get("answered").text == "12 of 20 answered"
    assert layout.get("question.number").text == "Question 2 of 5"
    assert layout.get("countdown").text == "25"
    _, untimed, _ = draw(renderers, views, "en", "question_image", (800, 600))
    assert "countdown" not in untimed.names()
    assert untimed.get("answered").text == "4 answered"
    assert "question.image" in untimed.names()


def test_attendance_shows_count_of_expected_and_refusals(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "attendance", (1920, 1080))
    assert layout.get("attendance.count").text == "18"
    assert layout.get("attendance.expected").text == "of 24"
    assert layout.get("scan.4").text == "Layla — Already marked"
    # a small screen shows the newest scans that fit, never squeezed or overlapping
    _, small, _ = draw(renderers, views, "en", "attendance", (800, 600))
    assert small.get("scan.0").text == "Amira" and len(small.starting("scan.")) >= 6


def test_content_error_lists_problems_and_says_how_many_more(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "content_error", (800, 600))
    shown = [b for b in layout.starting("error.problem.")]
    assert 1 <= len(shown) < 12
    pages = layout.get("error.pages").text
    assert pages.startswith(f"Problems 1–{len(shown)} of 12. → next page") and "PIN" in pages
    assert all("Traceback" not in b.text for b in layout)


def test_resume_offer_names_lesson_item_and_keys(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "resume", (1024, 768))
    assert layout.get("resume.question").text == "Resume “Water and Health” at item 3 of 7?"
    assert layout.get("resume.resume.key").text == "Enter"
    assert layout.get("resume.restart.key").text == "N"


def test_status_bar_shows_clock_battery_attendance_devices(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "question", (1920, 1080))
    assert layout.get("status.clock").text == "10:35"
    assert layout.get("status.battery.percent").text == "64%"
    assert layout.get("status.battery.time").text == "2 h 15 min"
    assert layout.get("status.attendance.count").text == "18"
    assert layout.get("status.items").text == "3 / 7"
    assert {"status.device.0", "status.device.1"} <= set(layout.names())


def test_battery_is_left_out_when_unknown(renderers, views):
    import dataclasses

    from cinema.core.view import StatusBar
    view = dataclasses.replace(views["en"]["title"], status=StatusBar(attendance=3))
    layout = renderers((800, 600)).draw(pygame.Surface((800, 600)), view, now=FIXED_NOW)
    assert not layout.starting("status.battery")
    assert layout.get("status.attendance.count").text == "3"
