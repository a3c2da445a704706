"""The slides screen: the picture scaled to fit, slide n / m, and the time left if timed."""

from __future__ import annotations

import os

import pygame

from cinema.core.view import SlideBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.screens.common import timer
from cinema.locale import N_

COULD_NOT_SHOW = N_("This slide could not be shown.")


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: SlideBody = view.body
    m, area = c.metrics, c.content
    footer_h = c.line_height(m.min_text)
    picture_area = pygame.Rect(area.left, area.top, area.width, area.height - footer_h - m.gap)
    footer = pygame.Rect(area.left, picture_area.bottom + m.gap, area.width, footer_h)

    image = c.images.fitted(body.image, picture_area.size) if c.images else None
    if image is not None:
        rect = image.get_rect(center=picture_area.center)
        c.surface.blit(image, rect)
        c.record("slide.image", rect, "image")
    else:
        _placeholder(c, picture_area, body.image)

    counter = f"{body.index + 1} / {body.count}"
    half = area.width // 2
    c.text("slide.counter", counter, c.mirror(pygame.Rect(footer.right - half, footer.top, half, footer_h), footer),
           m.min_text, align="end", valign="center", color=c.theme.muted, max_lines=1)
    if body.seconds_left is not None:
        timer(c, "slide.timer", c.mirror(pygame.Rect(footer.left, footer.top, half // 2, footer_h), footer),
              body.seconds_left)


def _placeholder(c: Canvas, area: pygame.Rect, path: str) -> None:
    """A calm panel instead of a broken slide: a crossed-out picture, why, and which file."""
    m = c.metrics
    c.panel(area, edge=c.theme.panel_edge)
    inner = area.inflate(-2 * m.margin, -2 * m.margin)
    icon_h = round(inner.height * 0.45)
    icon_rect = pygame.Rect(0, 0, icon_h, icon_h)
    icon_rect.midtop = inner.midtop
    c.icon("slide.placeholder", icon_rect, icons.picture_missing, c.theme.muted, c.theme.bad)
    rest = pygame.Rect(inner.left, icon_rect.bottom + m.gap, inner.width, inner.bottom - icon_rect.bottom - m.gap)
    message = c.text("slide.message", c._(COULD_NOT_SHOW), rest, m.body, align="center", max_lines=2)
    name_box = pygame.Rect(inner.left, message.bottom + m.gap, inner.width, inner.bottom - message.bottom - m.gap)
    if name_box.height >= c.line_height(m.min_text):
        c.text("slide.file", os.path.basename(path), name_box, m.min_text, align="center",
               color=c.theme.muted, max_lines=1)
