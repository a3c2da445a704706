"""The closing screen: a star, the goodbye title, and how many came and answered."""

from __future__ import annotations

import pygame

from cinema.core.view import ClosingBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import icon_and_text


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ClosingBody = view.body
    m, area = c.metrics, c.content
    stats_h = c.line_height(m.heading)
    title_h = c.line_height(m.title) * 2
    star_h = area.height - title_h - stats_h - 2 * m.gap
    star, title, stats = stack(area, [star_h, title_h, stats_h], m.gap)
    c.icon("closing.star", icons.square(star), icons.star, c.theme.warn)
    c.text("closing.title", body.title, title, m.title, bold=True, align="center", valign="center", max_lines=2)
    here, answers = split_columns(stats, 2, m.margin, c.rtl)
    icon_and_text(c, "closing.attendance", here, lambda s, r: icons.person(s, r, c.theme.text),
                  c.ngettext("%(n)d here", "%(n)d here", body.attendance) % {"n": body.attendance}, m.heading)
    icon_and_text(c, "closing.answers", answers, lambda s, r: icons.clicker(s, r, c.theme.text),
                  c.ngettext("%(n)d answer", "%(n)d answers", body.answers) % {"n": body.answers}, m.heading)
