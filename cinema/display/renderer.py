"""Draws a View: background, the screen's own module, overlays, then the status strip on top."""

from __future__ import annotations

import logging
import time
from typing import Callable

import pygame

from cinema.core.view import Screen, View
from cinema.display.canvas import Canvas, LiveArea
from cinema.display.images import ImageCache
from cinema.display.layout import Layout, Metrics
from cinema.display.overlays import draw_overlays
from cinema.display.screens import (
    attendance, audio, break_time, checkin, checkin_results, closing, content_error, library, notice,
    question, results, resume, slides, title, video,
)
from cinema.display.status import clock_text, draw_status
from cinema.display.text import TextRenderer, digit_table
from cinema.display.theme import Theme
from cinema.locale import base_language, is_rtl, translator

log = logging.getLogger(__name__)

ScreenDraw = Callable[[Canvas, View, "pygame.Surface | None"], None]

SCREENS: dict[Screen, ScreenDraw] = {
    Screen.TITLE: title.draw,
    Screen.VIDEO: video.draw,
    Screen.SLIDES: slides.draw,
    Screen.AUDIO: audio.draw,
    Screen.QUESTION: question.draw,
    Screen.RESULTS: results.draw,
    Screen.CHECKIN: checkin.draw,
    Screen.CHECKIN_RESULTS: checkin_results.draw,
    Screen.ATTENDANCE: attendance.draw,
    Screen.PAIRING: attendance.draw,
    Screen.BREAK: break_time.draw,
    Screen.CLOSING: closing.draw,
    Screen.NOTICE: notice.draw,
    Screen.RESUME: resume.draw,
    Screen.CONTENT_ERROR: content_error.draw,
    Screen.LIBRARY: library.draw,
}


class Renderer:
    """Turns Views into pixels on the pygame thread (never call it from another thread).

    `strict=True` (tests) lets a screen's exception through; the kiosk keeps the default and
    logs it, so a bad View shows the status strip and an empty screen rather than a crash.
    """

    def __init__(self, surface_or_size: pygame.Surface | tuple[int, int], language: str = "en", *,
                 theme: Theme | None = None, text: TextRenderer | None = None, strict: bool = False,
                 digits: str = "latn") -> None:
        size = surface_or_size.get_size() if isinstance(surface_or_size, pygame.Surface) else surface_or_size
        self.language = language
        self.digits = digits  # display.digits: "latn", or "native" for each language's own digits
        self._digit_tables: dict[str, dict[int, str] | None] = {}
        self.theme = theme or Theme()
        self.text = text or TextRenderer()
        self.images = ImageCache()
        self.strict = strict
        self.metrics = Metrics(*size)
        self._last_view: View | None = None
        self._last_second: int | None = None
        self._last_size: tuple[int, int] | None = None
        self._live: LiveArea | None = None  # the last drawn screen's live picture box

    # --- geometry the rest of the kiosk needs ------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return (self.metrics.width, self.metrics.height)

    @property
    def status_rect(self) -> pygame.Rect:
        return self.metrics.status_rect

    @property
    def content_rect(self) -> pygame.Rect:
        """Where the video goes: give this rectangle to the media player."""
        return self.metrics.video_rect

    def resize(self, size: tuple[int, int]) -> None:
        """A new screen size: new layout, and scaled pictures are made again for it."""
        if tuple(size) != self.size:
            self.metrics = Metrics(*size)
            self.images.clear()
            self._last_view = None
            self._live = None

    # --- drawing -----------------------------------------------------------------------------
    def needs_redraw(self, view: View, now_second: int) -> bool:
        """True when the View changed or the status clock's second ticked since the last draw."""
        return view != self._last_view or int(now_second) != self._last_second

    def draw(self, surface: pygame.Surface, view: View, frame: pygame.Surface | None = None,
             now: float | None = None) -> Layout:
        """Draw `view` on `surface` and return every box drawn. `now` is epoch seconds for the
        clock (default: the laptop's time); `frame` is the current video frame, if any."""
        now = time.time() if now is None else now
        canvas = self._canvas(surface, view)
        layout = canvas.layout
        surface.fill(self.theme.background)
        draw_screen = SCREENS.get(view.screen)
        try:
            if draw_screen is None:
                raise ValueError(f"no screen module for {view.screen!r}")
            draw_screen(canvas, view, frame)
            draw_overlays(canvas, view)
        except Exception:
            if self.strict:
                raise
            log.exception("could not draw the %s screen", view.screen)
        draw_status(canvas, view, now)
        self._live = canvas.live
        self._last_view = view
        self._last_second = int(now)
        return layout

    def draw_layer(self, surface: pygame.Surface, view: View, now: float | None = None,
                   compact_status: bool = False) -> Layout:
        """What shows over a video VLC draws into the window itself (video: window): the status strip (or
        its badge, `compact_status`), the time bar while paused or seeking, the PIN prompt, the notices and
        hints, the picker, on the see-through `surface` (SRCALPHA, cleared here). VLC lays it over every
        frame (app/video_overlay.py)."""
        now = time.time() if now is None else now
        canvas = self._canvas(surface, view)
        surface.fill((0, 0, 0, 0))
        try:
            if view.screen is Screen.VIDEO:
                video.draw_over(canvas, view)
            draw_overlays(canvas, view)
        except Exception:
            if self.strict:
                raise
            log.exception("could not draw what shows over the %s screen", view.screen)
        draw_status(canvas, view, now, compact=compact_status)
        return canvas.layout

    def _canvas(self, surface: pygame.Surface, view: View) -> Canvas:
        """A canvas on `surface` (the layout made for its size) in the view's language and direction."""
        self.resize(surface.get_size())
        language = view.language or self.language
        rtl = is_rtl(language)
        base = base_language(language)
        if base not in self._digit_tables:
            self._digit_tables[base] = digit_table(base, self.digits)
        return Canvas(surface, self.metrics, self.theme, self.text, translator(base), rtl,
                      Layout(self.metrics.width, self.metrics.height, rtl), self.images, digits=self._digit_tables[base])

    def draw_frame(self, surface: pygame.Surface, frame: pygame.Surface) -> pygame.Rect | None:
        """Only the new frame, into the live picture box of the screen drawn last (the video area,
        the webcam preview), for a screen that is otherwise unchanged; returns the area to show.
        None when that screen has no such box: draw the whole screen instead. Callers use it only
        when nothing is drawn over the box (no PIN, no badge)."""
        if self._live is None or surface.get_size() != self.size:
            return None
        self._live.draw(surface, frame)
        return self._live.rect

    @staticmethod
    def clock_text(now: float | None = None) -> str:
        return clock_text(now)
