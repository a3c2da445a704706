"""What a screen module draws with: the surface, sizes, colours, text, translation and RTL, and
the Layout where every drawn box is written down."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from typing import Callable

import pygame

from cinema.display.layout import Layout, Metrics, fit_rect, mirror
from cinema.display.text import TextRenderer
from cinema.display.theme import Theme


@dataclass(frozen=True)
class LiveArea:
    """A box for live pictures: each frame is letterboxed in `rect` on `background`; `smooth`
    scaling for small pictures made big (the webcam), plain scaling for video (many a second)."""

    rect: pygame.Rect
    background: tuple[int, int, int]
    smooth: bool = False

    def draw(self, surface: pygame.Surface, frame: pygame.Surface) -> pygame.Rect:
        """Clear the box and draw `frame` in it; returns where the frame went."""
        surface.fill(self.background, self.rect)
        target = fit_rect(frame.get_size(), self.rect)
        if target.size != frame.get_size():
            scale = pygame.transform.smoothscale if self.smooth else pygame.transform.scale
            frame = scale(frame, target.size)
        surface.blit(frame, target)
        return target


@dataclass
class Canvas:
    surface: pygame.Surface
    metrics: Metrics
    theme: Theme
    text_renderer: TextRenderer
    translations: gettext.NullTranslations
    rtl: bool
    layout: Layout
    images: "object | None" = None  # the renderer's ImageCache, for slides and question pictures
    # Where this screen shows live pictures (video, the webcam): the one place a new frame may be
    # drawn without redrawing the screen. None: every new frame needs the whole screen drawn.
    live: "LiveArea | None" = None
    # 0-9 to the language's own digits (display.digits: native), or None: see text.digit_table.
    digits: "dict[int, str] | None" = None

    # --- translation --------------------------------------------------------------------------
    def _(self, message: str) -> str:
        return self.translations.gettext(message) if message else ""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # --- geometry -----------------------------------------------------------------------------
    @property
    def content(self) -> pygame.Rect:
        return self.metrics.content_rect

    def mirror(self, rect: pygame.Rect, within: pygame.Rect) -> pygame.Rect:
        return mirror(rect, within, self.rtl)

    # --- drawing ------------------------------------------------------------------------------
    def live_frame(self, name: str, area: LiveArea, frame: pygame.Surface | None) -> None:
        """Declare `area` as this screen's live picture box and draw `frame` (if any) in it."""
        self.live = area
        if frame is not None:
            self.record(name, area.draw(self.surface, frame), "image")
        else:
            self.surface.fill(area.background, area.rect)

    def record(self, name: str, rect: pygame.Rect, kind: str, overlay: bool = False, size: int | None = None) -> pygame.Rect:
        self.layout.add(name, rect, kind, size=size, overlay=overlay)
        return rect

    def text(
        self,
        name: str,
        text: str,
        box: pygame.Rect,
        size: int,
        *,
        min_size: int | None = None,
        color: tuple[int, int, int] | None = None,
        align: str = "start",
        valign: str = "top",
        bold: bool = False,
        max_lines: int | None = None,
        kind: str = "text",
        overlay: bool = False,
        native_digits: bool = True,
    ) -> pygame.Rect:
        """Fit `text` into `box` (shrinking from `size` down to the readable minimum), draw it,
        record the rectangle the lines fill, and return it."""
        if not text:
            return pygame.Rect(box.left, box.top, 0, 0)
        if self.digits and native_digits:
            text = text.translate(self.digits)
        floor = max(self.metrics.min_text, min_size or 0)
        size = max(size, floor)
        block = self.text_renderer.fit(
            text, box.width, box.height, size, floor, self.rtl, bold, max_lines
        )
        drawn = self.text_renderer.draw_block(
            self.surface, block, box, color or self.theme.text, align, valign, bold
        )
        self.layout.add(name, drawn, kind, size=block.size, overlay=overlay, text=text, cut=block.cut)
        return drawn

    def common_size(self, texts: list[str], box: tuple[int, int], size: int, max_lines: int | None = None,
                    bold: bool = False) -> int:
        """One size at which every text fits its box, so a list (options, bar labels) does not
        mix big and small letters."""
        floor = self.metrics.min_text
        sizes = [self.text_renderer.fit(t, box[0], box[1], max(size, floor), floor, self.rtl, bold, max_lines).size
                 for t in texts if t]
        return min(sizes, default=max(size, floor))

    def line_height(self, size: int, bold: bool = False) -> int:
        return self.text_renderer.metrics(max(size, self.metrics.min_text), bold)[1]

    def text_width(self, text: str, size: int, bold: bool = False) -> int:
        if self.digits:
            text = text.translate(self.digits)
        return self.text_renderer.width(text, max(size, self.metrics.min_text), self.rtl, bold)

    def icon(self, name: str, rect: pygame.Rect, draw: Callable[..., None], *args,
             kind: str = "icon", overlay: bool = False, **kwargs) -> pygame.Rect:
        draw(self.surface, rect, *args, **kwargs)
        self.layout.add(name, rect, kind, overlay=overlay)
        return rect

    def shade(self, rect: pygame.Rect, level: int) -> None:
        """Darken what is under `rect` to `level`/255 of its brightness (a prompt over the screen). On a
        see-through layer (the picture VLC lays over a video it draws itself) it is a black veil instead."""
        if self.surface.get_flags() & pygame.SRCALPHA:
            veil = pygame.Surface(rect.size, pygame.SRCALPHA)
            veil.fill((0, 0, 0, 255 - level))
            self.surface.blit(veil, rect)
        else:
            self.surface.fill((level, level, level), rect, special_flags=pygame.BLEND_RGB_MULT)

    def panel(self, rect: pygame.Rect, color=None, edge=None, radius: int | None = None) -> None:
        radius = self.metrics.gap if radius is None else radius
        pygame.draw.rect(self.surface, color or self.theme.panel, rect, border_radius=radius)
        if edge:
            pygame.draw.rect(self.surface, edge, rect, max(2, self.metrics.gap // 4), border_radius=radius)

    def key_tile(self, name: str, rect: pygame.Rect, label: str, color, *, overlay: bool = False) -> pygame.Rect:
        """A coloured square with a big key letter (A, B, 1, Enter...) in the ink that reads on it."""
        from cinema.display.theme import ink_on

        pygame.draw.rect(self.surface, color, rect, border_radius=max(4, rect.height // 6))
        self.record(name + ".tile", rect, "icon", overlay=overlay)
        pad = max(2, rect.height // 10)
        inner = rect.inflate(-2 * pad, -2 * pad)
        # The key as printed on the handset or keyboard: its digits are never changed.
        return self.text(name, label, inner, round(rect.height * 0.62), color=ink_on(color),
                         align="center", valign="center", bold=True, max_lines=1, overlay=overlay,
                         native_digits=False)
