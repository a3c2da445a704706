"""display.digits: native: an Arabic lesson draws its numbers with Eastern Arabic digits (Babel's
numbering systems), keys keep the digits printed on them, other languages and the default keep 0-9."""

from __future__ import annotations

import pygame
import pytest

from cinema.display.renderer import Renderer
from cinema.display.text import digit_table
from tests.display.test_screens import FIXED_NOW


def draw(views, lang, name, digits, size=(1024, 768)):
    surface = pygame.Surface(size)
    return Renderer(size, strict=True, digits=digits).draw(surface, views[lang][name], now=FIXED_NOW)


def test_babel_gives_arabic_its_own_digits_and_ukrainian_none():
    assert "0123456789".translate(digit_table("ar", "native")) == "٠١٢٣٤٥٦٧٨٩"
    assert digit_table("ar", "latn") is None
    assert digit_table("uk", "native") is None and digit_table("en", "native") is None
    assert digit_table("xx-unknown", "native") is None


def test_an_arabic_lesson_counts_in_eastern_arabic_digits_where_the_programme_wants_them(views):
    native = draw(views, "ar", "attendance", "native")
    assert native.get("attendance.count").text == "١٨"
    assert native.get("status.clock").text == "١٠:٣٥"
    assert native.get("status.items").text == "٣ / ٧"
    assert not [b for b in native if b.kind == "text" and b.cut]
    latin = draw(views, "ar", "attendance", "latn")
    assert latin.get("attendance.count").text == "18" and latin.get("status.clock").text == "10:35"


def test_keys_keep_the_digits_printed_on_them(views):
    layout = draw(views, "ar", "checkin", "native")
    keys = [b.text for b in layout if b.name.endswith(".key") and b.kind == "text"]
    assert keys and all(k in "12345" for k in keys)


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_other_languages_keep_0_to_9(views, lang):
    layout = draw(views, lang, "attendance", "native")
    assert layout.get("attendance.count").text == "18"


def _config(tmp_path, digits: str):
    import shutil
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    for folder in ("kiosk_config", "playlists", "activities"):
        shutil.copytree(repo / folder, tmp_path / folder)
    path = tmp_path / "kiosk_config" / "default.yaml"
    path.write_text(path.read_text().replace("  digits: latn", f"  digits: {digits}"))
    from cinema.config.kiosk import read_kiosk_config

    return read_kiosk_config(path)


def test_the_kiosk_config_chooses_the_digits(tmp_path):
    config, problems = _config(tmp_path / "a", "native")
    assert config.display.digits == "native"
    config, problems = _config(tmp_path / "b", "arabic")
    assert config.display.digits == "latn"  # the default stands in for a wrong value
    assert any("display.digits" in str(p) and "native" in str(p) for p in problems)
