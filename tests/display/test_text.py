"""Text comes out right in every language: joined Arabic, digits and Latin words in order,
no missing-glyph boxes, wrapped and fitted into boxes, and cached."""

from __future__ import annotations

import functools

import unicodedata
from pathlib import Path

import pygame
import pytest

import cinema
from cinema.display.text import TextRenderer, base_direction, visual_order
from cinema.locale import translator
from cinema.locale.extract import scan_package

BIDI_LINE = "السؤال 3 من 10 — درس Python"


@pytest.fixture(scope="module")
def text():
    pygame.font.init()
    return TextRenderer()


def test_mixed_arabic_line_is_in_visual_order():
    visual = visual_order(BIDI_LINE, rtl=True)
    # drawn left to right: "Python", then the dash, "10", "3", and the first Arabic word at the right end
    assert visual.startswith("Python")
    assert "10" in visual and "01" not in visual
    assert visual.index("Python") < visual.index("—") < visual.index("10") < visual.index("3")
    # Arabic letters were joined: only presentation forms are left, none of the basic letters
    assert not any("\u0621" <= c <= "\u064a" for c in visual)
    first_word = visual_order("السؤال", rtl=True)
    assert visual.endswith(first_word)


def test_vowel_marks_follow_their_letter():
    visual = visual_order("تمدّد", rtl=True)
    shadda = visual.index("\u0651")
    # the shadda sits on the middle dal: after it in the visual string, not before the next letter
    assert shadda > 0 and unicodedata.name(visual[shadda - 1]).startswith("ARABIC LETTER DAL")


def test_brackets_and_quotes_are_mirrored_in_arabic():
    visual = visual_order("متابعة «الماء» (3)", rtl=True)
    assert visual.startswith("(3)")  # "(3)" ends the sentence, so it is at the left, reading "(3)"
    quoted = visual[visual.index("«"):visual.index("»") + 1]
    assert quoted[0] == "«" and quoted[-1] == "»" and len(quoted) > 2


def test_english_and_neutral_lines_are_left_alone():
    assert visual_order("Question 3 of 10", rtl=False) == "Question 3 of 10"
    assert visual_order("3 / 7", rtl=True) == "3 / 7"
    assert base_direction("Python lesson", rtl_default=True) is False
    assert base_direction("درس Python", rtl_default=False) is True
    assert base_direction("12:05", rtl_default=True) is True


@functools.cache
def every_msgid() -> tuple:
    return tuple(scan_package(Path(cinema.__file__).resolve().parent))


def every_ui_string(lang: str) -> list[str]:
    t = translator(lang)
    out = []
    for msgid in every_msgid():
        out.append(t.ngettext(msgid[0], msgid[1], 3) if isinstance(msgid, tuple) else t.gettext(msgid))
    return out


@pytest.mark.parametrize("lang", ["en", "ar", "uk", "fr", "pt", "es"])
def test_no_missing_glyph_boxes_in_any_translation(text, lang):
    samples = every_ui_string(lang) + [BIDI_LINE, "تمدّد واشرب الماء", "Вода і здоров'я ✓ ✗ → …", "Ação, Été, Niño"]
    drawn: dict = {}  # face -> the characters it is given to draw, over every line (each checked once)
    for line in samples:
        for face, run in text.fonts.runs(visual_order(line, lang == "ar")):
            drawn.setdefault(face, set()).update(char for char in run if not char.isspace())
    missing = set()
    for face, chars in drawn.items():
        run = "".join(sorted(chars))
        for char, metric in zip(run, text.fonts.font(face, 30).metrics(run)):
            if not face.has(char) or metric is None:
                missing.add((char, hex(ord(char))))
    assert not missing, missing


def test_wrap_keeps_every_word_in_order_and_inside_the_width(text):
    sentence = "اغسل يديك بالماء والصابون قبل الأكل وبعد اللعب في الخارج"
    lines = text.wrap(sentence, 260, 30, rtl=True)
    assert len(lines) > 1
    assert " ".join(lines).split() == sentence.split()
    assert all(text.width(line, 30, True) <= 260 for line in lines)


def test_a_word_longer_than_the_box_is_cut_not_lost(text):
    path = "playlists/a_very_long_folder_name/another_long_folder/handwash_video_final.mp4"
    lines = text.wrap(path, 200, 30)
    assert "".join(lines) == path
    assert all(text.width(line, 30) <= 200 for line in lines)


def test_fit_shrinks_to_fit_but_not_below_the_minimum(text):
    long = "Which of these should you do before eating your lunch at school?"
    roomy = text.fit(long, 1200, 400, 80, 30)
    tight = text.fit(long, 500, 130, 80, 30)
    assert roomy.size == 80
    assert 30 <= tight.size < 80 and tight.height <= 130
    hopeless = text.fit(long * 4, 300, 90, 80, 30)
    assert hopeless.size == 30 and hopeless.lines[-1].endswith("…") and hopeless.height <= 90


def test_rendering_the_same_line_again_is_a_cache_hit(text):
    a = text.render_line(BIDI_LINE, 40, (255, 255, 255), True)
    b = text.render_line(BIDI_LINE, 40, (255, 255, 255), True)
    assert a is b
    assert a.get_height() == text.metrics(40)[1]


def test_rtl_lines_are_flush_right(text):
    surface = pygame.Surface((600, 200))
    block = text.fit("كيف تشعر اليوم؟", 600, 200, 40, 30, rtl=True)
    drawn = text.draw_block(surface, block, pygame.Rect(0, 0, 600, 200), (255, 255, 255))
    assert drawn.right == 600 and drawn.left > 0
    block = text.fit("How are you today?", 600, 200, 40, 30, rtl=False)
    drawn = text.draw_block(surface, block, pygame.Rect(0, 0, 600, 200), (255, 255, 255))
    assert drawn.left == 0


def test_without_any_font_files_pygames_own_font_still_draws(tmp_path):
    from cinema.display.fonts import FontBook
    bare = TextRenderer(FontBook(search_dirs=(str(tmp_path),)))
    assert [face.path for face in bare.fonts.chain()] == [None]
    line = bare.render_line("Question 3 of 10", 30, (255, 255, 255))
    assert line.get_width() > 100
