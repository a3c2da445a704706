"""The notice screen: something could not be played; a big sign, what happened, and that the
lesson goes on by itself."""

from __future__ import annotations

import math

import pygame

from cinema.core.view import NoticeBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.locale import N_

MOVING_ON = N_("Moving on shortly.")


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: NoticeBody = view.body
    m, area = c.metrics, c.content
    msg_h = c.line_height(m.heading) * 2
    detail_h = c.line_height(m.body) if body.detail else 0
    moving_h = c.line_height(m.body)
    icon_h = area.height - msg_h - detail_h - moving_h - 3 * m.gap
    sign, msg, detail, moving = stack(area, [icon_h, msg_h, detail_h, moving_h], m.gap)
    c.icon("notice.sign", icons.square(sign).inflate(-m.gap, -m.gap), icons.warning, c.theme.warn, (0, 0, 0))
    c.text("notice.message", c._(body.msg), msg, m.heading, bold=True, align="center", valign="center",
           max_lines=2)
    if body.detail:
        c.text("notice.detail", body.detail, detail, m.body, align="center", color=c.theme.muted,
               max_lines=1)
    moving_text = c._(MOVING_ON)
    if body.seconds_left is not None:
        moving_text = f"{moving_text} ({math.ceil(max(0.0, body.seconds_left))})"
    c.text("notice.moving_on", moving_text, moving, m.body, align="center", valign="center", max_lines=1)
