"""The video's time bar: shown while paused or just after a seek, with the time played and left,
under the picture (never over it), filling from the right in right-to-left languages."""

import pytest

from tests.display.test_screens import SIZES, assert_layout_facts, draw


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_paused_and_seeking_video_show_time_played_and_left(renderers, views, lang, size):
    for name, played, left in (("paused", "0:42", "\u22122:18"), ("video_seeking", "0:32", "\u22122:28")):
        view, layout, _ = draw(renderers, views, lang, name, size)
        assert_layout_facts(view, layout, size)
        elapsed, remaining = layout.get("video.elapsed"), layout.get("video.remaining")
        assert (elapsed.text, remaining.text) == (played, left)
        assert not elapsed.cut and not remaining.cut
        picture, track = layout.get("video").rect, layout.get("video.progress").rect
        assert track.top >= picture.bottom and elapsed.rect.top >= track.bottom  # under the picture
        assert (elapsed.rect.centerx > remaining.rect.centerx) == (lang == "ar")


def test_a_playing_video_has_no_time_bar(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "video", (800, 600))
    assert not [b for b in layout if b.name.startswith(("video.elapsed", "video.progress"))]


def test_the_bar_fills_from_the_right_in_arabic(renderers, views):
    filled = {}
    for lang in ("en", "ar"):
        _, layout, surface = draw(renderers, views, lang, "paused", (800, 600))
        track = layout.get("video.progress").rect
        y = track.centery
        accent = renderers((800, 600)).theme.accent
        filled[lang] = [x for x in range(track.left, track.right) if tuple(surface.get_at((x, y)))[:3] == accent]
    assert filled["en"] and filled["ar"]
    assert max(filled["en"]) < 400 < min(filled["ar"])  # 42 s of 180: a quarter, at the start's side
