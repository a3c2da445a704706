"""What shows over a video VLC draws itself (video: window): the picture handed to VLC, where it goes on
the video, and how seldom it is made. A stand-in player takes the picture as VLC would (a PNG and x, y in
the video's own pixels); the real VLC under Xvfb is in test_video_window_e2e.py."""

from __future__ import annotations

import dataclasses

import pygame
import pytest

from cinema.app.video_overlay import FULL_STRIP_SECONDS, VideoOverlay, video_area
from cinema.core.view import MediaBody, PinPrompt, Screen, StatusBar, TitleBody, View
from cinema.display.renderer import Renderer

NOON = 1_800_000_000.0  # a fixed wall-clock time: the status clock shows its minute


class Player:
    """Takes the overlay as VLC's logo filter would: the file is read when it is handed over."""

    draws_overlays = True

    def __init__(self, picture=(1280, 720, 1.0)) -> None:
        self.picture = picture
        self.calls: list[tuple[str | None, int, int]] = []
        self.shown: pygame.Surface | None = None
        self.asked = 0

    def video_size(self):
        self.asked += 1
        return self.picture

    def set_overlay(self, png, x=0, y=0):
        self.calls.append((png, x, y))
        self.shown = pygame.image.load(png) if png else None


def video_view(**changes) -> View:
    view = View(Screen.VIDEO, MediaBody("/lessons/water.mp4", "Water", position=12.0, duration=60.0),
                item_number=1, item_count=3, status=StatusBar(battery_percent=64.0, battery_minutes=95.0))
    return dataclasses.replace(view, **changes)


class Clock:
    """The overlay's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def overlay(tmp_path):
    pygame.init()
    player = Player()
    over = VideoOverlay(player, folder=tmp_path, clock=Clock())
    yield over
    over.close()


def opaque(surface: pygame.Surface, rect: pygame.Rect) -> float:
    """The share of pixels in `rect` that cover the video (alpha above half)."""
    points = [(x, y) for x in range(rect.left, rect.right, 3) for y in range(rect.top, rect.bottom, 3)]
    return sum(surface.get_at(p)[3] > 128 for p in points) / len(points)


def test_the_status_bar_goes_over_the_top_of_the_video_and_the_rest_stays_clear(overlay):
    renderer = Renderer((1280, 720))
    overlay.show(video_view(), renderer, (1280, 720), now=NOON)
    png, x, y = overlay.player.calls[-1]
    shown = overlay.player.shown
    assert (x, y) == (0, 0) and shown.get_width() == 1280
    # Only the status strip and the progress line under it: the video's picture is not covered.
    strip = renderer.metrics.status_height + renderer.metrics.progress_height
    assert shown.get_height() == strip
    assert opaque(shown, pygame.Rect(0, 0, 1280, strip)) == 1.0
    assert shown.get_at((8, 8))[:3] == renderer.theme.status_bg


def test_a_new_picture_only_when_what_it_shows_changes(overlay):
    renderer = Renderer((1280, 720))
    overlay.show(video_view(), renderer, (1280, 720), now=NOON)
    # The video plays on: four ticks a second move its position, which the layer does not show.
    for second in range(1, 40):
        body = dataclasses.replace(video_view().body, position=12.0 + second)
        overlay.show(video_view(body=body), renderer, (1280, 720), now=NOON + second / 10)
    assert overlay.made == 1
    assert overlay.player.asked == 1  # the video's size is asked once per video, not every turn
    overlay.show(video_view(), renderer, (1280, 720), now=NOON + 60)  # the clock's minute
    overlay.show(video_view(status=StatusBar(battery_percent=63.0, battery_minutes=94.0)), renderer, (1280, 720),
                 now=NOON + 60)
    assert overlay.made == 3
    # Paused: the time bar shows the position, so each new second is a new picture.
    paused = video_view(paused=True)
    overlay.show(paused, renderer, (1280, 720), now=NOON + 60)
    overlay.show(video_view(paused=True, body=dataclasses.replace(paused.body, position=13.4)), renderer,
                 (1280, 720), now=NOON + 60)
    assert overlay.made == 5


def test_a_toast_and_the_pin_prompt_are_laid_over_the_video(overlay):
    renderer = Renderer((1280, 720))
    overlay.show(video_view(toast="Power is back"), renderer, (1280, 720), now=NOON)
    shown, (_png, x, y) = overlay.player.shown, overlay.player.calls[-1]
    assert (x, y) == (0, 0) and shown.get_height() > 600  # from the status bar down to the toast at the bottom
    assert opaque(shown, pygame.Rect(0, 300, 1280, 100)) == 0.0  # the middle of the video stays clear
    overlay.show(video_view(pin=PinPrompt(digits=2, purpose="unlock")), renderer, (1280, 720), now=NOON)
    shown = overlay.player.shown
    assert shown.get_size() == (1280, 720)
    centre = shown.get_at((640, 360))
    assert centre[3] == 255 and centre[:3] == renderer.theme.panel  # the prompt's panel
    veil = shown.get_at((20, 200))  # beside the panel: the video darkened, not hidden
    assert 100 < veil[3] < 255 and veil[:3] == (0, 0, 0)


def test_leaving_the_video_takes_the_picture_off(overlay):
    renderer = Renderer((1280, 720))
    overlay.show(video_view(), renderer, (1280, 720), now=NOON)
    overlay.show(View(Screen.TITLE, TitleBody("Bye")), renderer, (1280, 720), now=NOON)
    assert overlay.player.calls[-1] == (None, 0, 0)
    overlay.show(View(Screen.TITLE, TitleBody("Bye")), renderer, (1280, 720), now=NOON)
    assert len(overlay.player.calls) == 2  # taken off once


def test_on_a_4_3_projector_vlc_gets_only_the_part_over_the_video(overlay):
    """A 16:9 video on a 1024x768 projector: VLC shows it in a band across the middle and pygame's own
    screen shows above and below it, status bar included; the PIN panel spans both, and VLC's part
    starts at the video's top edge, at y=0 of the video's own pixels."""
    renderer = Renderer((1024, 768))
    area = video_area((1024, 768), (1280, 720, 1.0))
    assert area == pygame.Rect(0, 96, 1024, 576)
    overlay.show(video_view(), renderer, (1024, 768), now=NOON)
    assert overlay.player.calls == []  # the status bar is above the video: pygame shows it
    overlay.show(video_view(pin=PinPrompt(digits=0, purpose="unlock")), renderer, (1024, 768), now=NOON)
    _png, x, y = overlay.player.calls[-1]
    assert (x, y) == (0, 0)
    assert overlay.player.shown.get_size() == (1280, 720)  # the whole video, in its own pixels (x 1.25)


def test_a_bigger_video_than_the_window_gets_the_picture_in_its_own_pixels(overlay):
    overlay.player.picture = (1920, 1080, 1.0)
    overlay.show(video_view(), Renderer((1280, 720)), (1280, 720), now=NOON)
    assert overlay.player.shown.get_width() == 1920


def test_an_anamorphic_video_is_laid_out_as_it_looks():
    # 720x576 pixels 16:11 wide (PAL widescreen) look like 1047x576: fitted in 1280x720 as 1280x704.
    assert video_area((1280, 720), (720, 576, 16 / 11)) == pygame.Rect(0, 8, 1280, 704)


def test_no_room_for_the_picture_is_said_once_and_the_video_plays_on(tmp_path, caplog):
    pygame.init()
    player = Player()
    folder = tmp_path / "gone"
    overlay = VideoOverlay(player, folder=folder)  # the folder does not exist: every save fails
    renderer = Renderer((1280, 720))
    for minute in range(3):
        overlay.show(video_view(), renderer, (1280, 720), now=NOON + 60 * minute)
    assert player.calls == []
    assert sum("cannot be shown over the video" in r.message for r in caplog.records) == 1


def test_picture_folders_left_by_a_killed_kiosk_are_removed_and_a_running_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from cinema.app.video_overlay import FOLDER_PREFIX, sweep_left_behind

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = tmp_path / f"{FOLDER_PREFIX}{gone.stdout.strip()}-abc"
    live = tmp_path / f"{FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / "cinema-overlay-notapid"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "over-video-1.png").write_bytes(b"png")
    assert sweep_left_behind(tmp_path) == 1
    assert not dead.exists() and live.exists() and other.exists()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_once_nothing_changes_only_the_status_badge_stays_over_the_video(overlay, language):
    renderer = Renderer((1280, 720))
    clock = overlay.clock
    playing = video_view(language=language)
    overlay.show(playing, renderer, (1280, 720), now=NOON)
    assert overlay.player.shown.get_width() == 1280  # a new video: the whole strip, item count and progress
    clock.t += FULL_STRIP_SECONDS - 0.5
    overlay.show(playing, renderer, (1280, 720), now=NOON)
    assert overlay.made == 1
    clock.t += 1.0  # nothing changed for a while: the loop's idle turn (the very same view) folds it
    overlay.show(playing, renderer, (1280, 720), now=NOON)
    badge, (_png, x, y) = overlay.player.shown, overlay.player.calls[-1]
    assert overlay.made == 2 and y == 0
    assert badge.get_width() < 1280 // 2 and badge.get_height() == renderer.metrics.status_height
    # In the corner where reading starts: the top left, or the top right in Arabic.
    assert (x == 0) if language == "en" else (x + badge.get_width() == 1280)
    assert opaque(badge, badge.get_rect()) > 0.9  # the clock and battery on the strip's colour
    for second in range(1, 20):  # the video plays on: the badge stays, made once
        body = dataclasses.replace(playing.body, position=12.0 + second)
        clock.t += 0.25
        overlay.show(dataclasses.replace(playing, body=body), renderer, (1280, 720), now=NOON)
    assert overlay.made == 2
    # The battery drops a step: the whole strip again, for a while.
    lower = dataclasses.replace(playing, status=StatusBar(battery_percent=40.0, battery_minutes=60.0))
    overlay.show(lower, renderer, (1280, 720), now=NOON)
    assert overlay.made == 3 and overlay.player.shown.get_width() == 1280


def test_the_pin_prompt_keeps_the_whole_strip_however_long_it_is_up(overlay):
    renderer = Renderer((1280, 720))
    asking = video_view(pin=PinPrompt(digits=1, purpose="unlock"))
    overlay.show(asking, renderer, (1280, 720), now=NOON)
    overlay.clock.t += 3 * FULL_STRIP_SECONDS
    overlay.show(asking, renderer, (1280, 720), now=NOON)
    assert overlay.made == 1 and overlay.player.shown.get_size() == (1280, 720)
