"""The renderer as the kiosk loop uses it: redraw only on change, cheap repeats, a resolution
change, the video rectangle, pictures loaded once, and no crash on a bad View."""

from __future__ import annotations

import dataclasses
import time

import pygame
import pytest

from cinema.core.view import MediaBody, Screen, SlideBody, TitleBody, View
from cinema.display.renderer import Renderer
from cinema.display.samples import make_slide_image, sample_frame
from cinema.display.screens.audio import wave_count

NOW = 1_700_000_000.0


def test_needs_redraw_only_when_the_view_or_the_second_changes(views):
    r = Renderer((800, 600))
    view = views["en"]["question"]
    assert r.needs_redraw(view, int(NOW))
    r.draw(pygame.Surface((800, 600)), view, now=NOW + 0.2)
    assert not r.needs_redraw(view, int(NOW))
    assert not r.needs_redraw(dataclasses.replace(view), int(NOW))  # equal, not identical
    assert r.needs_redraw(view, int(NOW) + 1)
    assert r.needs_redraw(dataclasses.replace(view, paused=True), int(NOW))


def test_drawing_the_same_view_twice_renders_no_new_text(views):
    r = Renderer((1920, 1080), strict=True)
    surface = pygame.Surface((1920, 1080))
    view = views["ar"]["results"]
    r.draw(surface, view, now=NOW)
    first = pygame.image.tobytes(surface, "RGB")
    rendered = r.text.lines_rendered
    assert rendered > 10
    started = time.perf_counter()
    r.draw(surface, view, now=NOW)
    elapsed = time.perf_counter() - started
    assert r.text.lines_rendered == rendered
    assert pygame.image.tobytes(surface, "RGB") == first
    assert elapsed < 0.05  # measured ~2 ms at 1920x1080 on 2 cores


def test_a_new_screen_size_relayouts(views):
    r = Renderer((800, 600), strict=True)
    small = r.draw(pygame.Surface((800, 600)), views["en"]["checkin"], now=NOW)
    assert r.content_rect.width < 800
    big = r.draw(pygame.Surface((1920, 1080)), views["en"]["checkin"], now=NOW)
    assert r.size == (1920, 1080) and big.width == 1920
    assert big.get("face.3").rect.width > small.get("face.3").rect.width * 2
    assert r.content_rect.width > 1800


@pytest.mark.parametrize("size", [(800, 600), (1366, 768), (1920, 1080)])
def test_video_frame_is_letterboxed_in_the_content_rect(size):
    r = Renderer(size, strict=True)
    view = View(Screen.VIDEO, MediaBody("v.mp4", "Handwashing", 3, 60))
    surface = pygame.Surface(size)
    layout = r.draw(surface, view, frame=sample_frame((640, 360)), now=NOW)
    video, frame = layout.get("video").rect, layout.get("video.frame").rect
    assert video == r.content_rect
    assert video.contains(frame)
    assert abs(frame.width / frame.height - 16 / 9) < 0.02
    assert frame.width == video.width or frame.height == video.height
    assert not video.colliderect(r.status_rect)
    title = layout.get("video.title").rect
    assert title.top >= video.bottom
    # no frame yet: a dark area, nothing pretending to be a picture
    layout = r.draw(surface, view, frame=None, now=NOW)
    assert "video.frame" not in layout.names()
    assert surface.get_at(video.center)[:3] == r.theme.video_bg


def test_slide_picture_is_loaded_once_and_kept_scaled(tmp_path):
    slide = make_slide_image(tmp_path / "s.png", (400, 300))
    r = Renderer((1024, 768), strict=True)
    view = View(Screen.SLIDES, SlideBody(str(slide), 0, 3))
    surface = pygame.Surface((1024, 768))
    first = r.draw(surface, view, now=NOW).get("slide.image").rect
    r.draw(surface, view, now=NOW + 1)
    assert r.images.loads == 1
    assert abs(first.width / first.height - 4 / 3) < 0.02
    assert r.content_rect.contains(first) or r.metrics.content_rect.contains(first)


def test_a_broken_slide_shows_a_placeholder(tmp_path):
    r = Renderer((800, 600), strict=True)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    layout = r.draw(pygame.Surface((800, 600)), View(Screen.SLIDES, SlideBody(str(bad), 1, 3), language="uk"),
                    now=NOW)
    assert "slide.image" not in layout.names()
    assert layout.get("slide.message").text == "Не вдалося показати цей слайд."
    assert layout.get("slide.file").text == "bad.png"


def test_a_view_the_screen_cannot_draw_does_not_crash_the_kiosk():
    wrong = View(Screen.QUESTION, TitleBody("oops"))
    kiosk = Renderer((800, 600))
    layout = kiosk.draw(pygame.Surface((800, 600)), wrong, now=NOW)
    assert "status.clock" in layout.names()  # the status strip is still there
    with pytest.raises(AttributeError):
        Renderer((800, 600), strict=True).draw(pygame.Surface((800, 600)), wrong, now=NOW)


def test_audio_picture_moves_with_the_position():
    assert [wave_count(p) for p in (0.0, 0.5, 1.0, 1.5, 2.0)] == [0, 1, 2, 3, 0]


def test_open_window_headless_hides_the_cursor():
    from cinema.display.window import open_window
    surface = open_window(headless=True)
    assert surface.get_size() == (1024, 768)
    assert pygame.mouse.get_visible() is False
    assert open_window(headless=True, size=(800, 600)).get_size() == (800, 600)
    assert pygame.display.get_caption()[0] == "Learning Cinema"


@pytest.mark.parametrize("name", ["attendance", "pairing"])
def test_a_new_camera_picture_is_drawn_only_in_the_preview_box(views, name):
    r = Renderer((1024, 768), strict=True)
    surface = pygame.Surface((1024, 768))
    layout = r.draw(surface, views["ar"][name], frame=sample_frame((320, 180)), now=NOW)
    before = surface.copy()
    area = r.draw_frame(surface, sample_frame((320, 240)))  # the camera's next picture, another shape
    assert area is not None and area.contains(layout.get("attendance.preview").rect)
    for box in ("attendance.count", "attendance.hint", "scan.0"):
        assert not area.colliderect(layout.get(box).rect), box  # the count, prompt and names stay
    outside = surface.copy()
    outside.fill((0, 0, 0), area)
    before.fill((0, 0, 0), area)
    assert pygame.image.tobytes(outside, "RGB") == pygame.image.tobytes(before, "RGB")


def test_a_screen_without_live_pictures_has_no_fast_path(views):
    r = Renderer((800, 600), strict=True)
    r.draw(pygame.Surface((800, 600)), views["en"]["title"], now=NOW)
    assert r.draw_frame(pygame.Surface((800, 600)), sample_frame()) is None  # draw it all instead
