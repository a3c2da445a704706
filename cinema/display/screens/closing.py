"""The closing screen: a star, the goodbye title and its subtitle, and how many came and answered."""

from __future__ import annotations

import pygame

from cinema.core.view import ClosingBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.overlays import toast_room
from cinema.display.screens.common import icon_and_text


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ClosingBody = view.body
    m = c.metrics
    # The numbers stay clear of a toast ("Saved to the USB stick", a battery warning): a strip is kept
    # free for it at the bottom, where toasts are drawn.
    area = pygame.Rect(c.content)
    area.height -= toast_room(c)
    stats_h = c.line_height(m.heading)
    # One line for a short title, two for a long one: the star keeps the room a short title leaves.
    title_lines = min(2, len(c.text_renderer.wrap(body.title, area.width, m.title, c.rtl, True)))
    title_h = c.line_height(m.title, bold=True) * max(1, title_lines)
    sub_h = c.line_height(m.body) if body.subtitle else 0
    star_h = area.height - title_h - sub_h - stats_h - 3 * m.gap
    star, title, sub, stats = stack(area, [star_h, title_h, sub_h, stats_h], m.gap)
    c.icon("closing.star", icons.square(star), icons.star, c.theme.warn)
    c.text("closing.title", body.title, title, m.title, bold=True, align="center", valign="center", max_lines=2)
    if body.subtitle:
        c.text("closing.subtitle", body.subtitle, sub, m.body, align="center", valign="center",
               color=c.theme.muted, max_lines=1)
    here, answers = split_columns(stats, 2, m.margin, c.rtl)
    icon_and_text(c, "closing.attendance", here, lambda s, r: icons.person(s, r, c.theme.text),
                  c.ngettext("%(n)d here", "%(n)d here", body.attendance) % {"n": body.attendance}, m.heading)
    icon_and_text(c, "closing.answers", answers, lambda s, r: icons.clicker(s, r, c.theme.text),
                  c.ngettext("%(n)d answer", "%(n)d answers", body.answers) % {"n": body.answers}, m.heading)
