"""The title screen: a projector picture, the lesson's title and subtitle; with the hub serving, the
title over the panel that shows how phones join (join_panel.py) instead of the picture."""

from __future__ import annotations

import pygame

from cinema.core.view import TitleBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.join_panel import draw_panel
from cinema.display.layout import stack
from cinema.display.overlays import toast_room


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: TitleBody = view.body
    m, area = c.metrics, c.content.copy()
    if view.toast:
        # A toast at the start of a lesson (little disk space, a journal set aside, the battery) would
        # cover the subtitle for its 15 or 20 seconds: the screen makes room for it while it is up.
        area.height -= toast_room(c)
    if view.join is not None:
        _with_join(c, body, area, view)
        return
    picture_h = round(area.height * 0.34)
    title_h = round(area.height * 0.36)
    sub_h = area.height - picture_h - title_h - 2 * m.gap
    picture, title, subtitle = stack(area, [picture_h, title_h, sub_h], m.gap)
    c.icon("title.picture", icons.square(picture), icons.projector, c.theme.text, c.theme.warn)
    c.text("title.title", body.title, title, m.title, align="center", valign="center", bold=True, max_lines=2)
    c.text("title.subtitle", body.subtitle, subtitle, m.heading, align="center", valign="top",
           color=c.theme.muted, max_lines=2)


def _with_join(c: Canvas, body: TitleBody, area: pygame.Rect, view: View) -> None:
    """The lesson's title (and subtitle) on top, the way to join under it in the rest."""
    m = c.metrics
    title_h = round(area.height * 0.2)
    sub_h = c.line_height(m.min_text) if body.subtitle else 0
    title, subtitle, panel = stack(area, [title_h, sub_h, area.height - title_h - sub_h - 2 * m.gap], m.gap)
    c.text("title.title", body.title, title, m.title, align="center", valign="center", bold=True, max_lines=2)
    c.text("title.subtitle", body.subtitle, subtitle, m.min_text, align="center", valign="center",
           color=c.theme.muted, max_lines=1)
    draw_panel(c, view.join, panel)
