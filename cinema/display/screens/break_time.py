"""The break screen: the title and a big countdown inside a ring that empties as time passes."""

from __future__ import annotations

import pygame

from cinema.core.view import BreakBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.display.screens.common import mmss


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: BreakBody = view.body
    m, area = c.metrics, c.content
    title_h = c.line_height(m.heading) * 2
    title, ring_area = stack(area, [title_h, area.height - title_h - m.gap], m.gap)
    c.text("break.title", body.title, title, m.heading, bold=True, align="center", valign="center", max_lines=2)
    ring_rect = icons.square(ring_area)
    fraction = body.seconds_left / body.seconds_total if body.seconds_total > 0 else 0.0
    c.icon("break.ring", ring_rect, icons.ring, fraction, c.theme.accent, c.theme.panel)
    inner = ring_rect.inflate(-ring_rect.width // 3, -ring_rect.height // 3)
    c.text("break.countdown", mmss(body.seconds_left), inner, m.huge, bold=True, align="center",
           valign="center", max_lines=1)
