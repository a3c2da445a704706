"""The check-in screen: five faces from very sad to very happy, each with the key to press."""

from __future__ import annotations

import pygame

from cinema.core.view import CheckinBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.join_panel import footer_height, footer_with_corner
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import answered_footer

FACES = 5


def face_columns(c: Canvas, area: pygame.Rect) -> list[pygame.Rect]:
    """Five columns in reading order: key 1 (very sad) first, so on the right in RTL."""
    return split_columns(area, FACES, c.metrics.gap, c.rtl)


def draw_face(c: Canvas, name: str, box: pygame.Rect, mood: int) -> pygame.Rect:
    rect = icons.square(box)
    c.icon(name, rect, icons.face, mood, c.theme.face_colors[mood - 1], (0, 0, 0))
    return rect


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: CheckinBody = view.body
    m, area = c.metrics, c.content
    prompt_h = c.line_height(m.heading) * 2
    footer_h = footer_height(c, view.join, c.line_height(m.body))  # the hub's corner strip goes in it
    key_h = round(c.line_height(m.body) * 1.2)
    faces_h = area.height - prompt_h - key_h - footer_h - 3 * m.gap
    prompt, faces, keys, footer = stack(area, [prompt_h, faces_h, key_h, footer_h], m.gap)
    c.text("checkin.prompt", body.prompt, prompt, m.heading, bold=True, align="center", valign="center",
           max_lines=2)
    for mood, (face_col, key_col) in enumerate(zip(face_columns(c, faces), face_columns(c, keys)), start=1):
        draw_face(c, f"face.{mood}", face_col.inflate(-m.gap, -m.gap), mood)
        tile = pygame.Rect(0, 0, key_h, key_h)
        tile.center = key_col.center
        c.key_tile(f"face.{mood}.key", tile, str(mood), c.theme.face_colors[mood - 1])
    answered_footer(c, footer_with_corner(c, footer, view.join), body.answered, None)
