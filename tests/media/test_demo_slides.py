"""The demo lesson's slides speak the lesson's language: the Arabic and Ukrainian lessons show their own
words under the pictures, never the English ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest
import yaml

from cinema.media import demo_art
from cinema.media.demo_media import FILES, NARRATIONS, ensure_demo_media

REPO = Path(__file__).resolve().parents[2]
BAND = pygame.Rect(0, demo_art.SIZE[1] - 170, demo_art.SIZE[0], 170)  # where the caption is


@pytest.mark.parametrize("lang, playlist", [("ar", "demo_ar.yaml"), ("uk", "demo_uk.yaml")])
def test_each_lesson_shows_slides_made_in_its_language(lang, playlist):
    lesson = yaml.safe_load((REPO / "playlists" / playlist).read_text(encoding="utf-8"))
    slides = [s for item in lesson["items"] if item["type"] == "slides" for s in item["slides"]]
    assert slides and all(s.startswith(f"../demo_media/{lang}/") for s in slides)
    assert {s.removeprefix("../demo_media/") for s in slides} <= set(FILES)
    assert NARRATIONS[lang].words != NARRATIONS["en"].words


def _band(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface.subsurface(BAND), "RGB")


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_the_caption_is_the_lessons_word_not_the_english_one(lang):
    narration = NARRATIONS[lang]
    for number, kind in enumerate(("sun", "cloud", "rain")):
        english = demo_art.slide(kind)
        own = demo_art.slide(kind, narration.words[number], narration.script)
        assert _band(own) != _band(english)


@pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None,
                    reason="needs ffmpeg and espeak-ng (apt install ffmpeg espeak-ng)")
def test_the_made_slides_differ_by_language(tmp_path):
    names = ("slide1.png", "ar/slide1.png", "uk/slide1.png")
    ensure_demo_media(tmp_path, only=names)
    bands = [_band(pygame.image.load(str(tmp_path / n))) for n in names]
    assert len(set(bands)) == 3
