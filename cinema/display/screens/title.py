"""The title screen: a projector picture, the lesson's title and subtitle."""

from __future__ import annotations

import pygame

from cinema.core.view import TitleBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: TitleBody = view.body
    m, area = c.metrics, c.content
    picture_h = round(area.height * 0.34)
    title_h = round(area.height * 0.36)
    sub_h = area.height - picture_h - title_h - 2 * m.gap
    picture, title, subtitle = stack(area, [picture_h, title_h, sub_h], m.gap)
    c.icon("title.picture", icons.square(picture), icons.projector, c.theme.text, c.theme.warn)
    c.text("title.title", body.title, title, m.title, align="center", valign="center", bold=True, max_lines=2)
    c.text("title.subtitle", body.subtitle, subtitle, m.heading, align="center", valign="top",
           color=c.theme.muted, max_lines=2)
