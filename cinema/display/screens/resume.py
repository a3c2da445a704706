"""The resume offer after a crash or power cut: which lesson and item, and the two keys."""

from __future__ import annotations

import pygame

from cinema.core.view import ResumeBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.theme import BLUISH_GREEN, ORANGE


def question_text(c: Canvas, body: ResumeBody) -> str:
    return c._("Resume “%(lesson)s” at item %(n)d of %(m)d?") % {
        "lesson": body.playlist_title, "n": body.item_number, "m": body.item_count}


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ResumeBody = view.body
    m, area = c.metrics, c.content
    question_h = c.line_height(m.heading) * 3
    item_h = c.line_height(m.body)
    keys_h = round(c.line_height(m.body) * 1.6)
    spare = area.height - question_h - item_h - keys_h - 2 * m.margin
    top = pygame.Rect(area.left, area.top + max(0, spare // 2), area.width, area.height - max(0, spare // 2))
    question, item, keys = stack(top, [question_h, item_h, keys_h], m.margin)
    c.text("resume.question", question_text(c, body), question, m.heading, bold=True, align="center",
           valign="bottom")
    c.text("resume.item", body.item_title, item, m.body, align="center", color=c.theme.muted, max_lines=1)

    resume_col, restart_col = split_columns(keys, 2, m.margin, c.rtl)
    _key_choice(c, "resume.resume", resume_col, c._("Enter"), c._("Resume"), BLUISH_GREEN)
    _key_choice(c, "resume.restart", restart_col, "N", c._("Start again"), ORANGE)


def _key_choice(c: Canvas, name: str, col: pygame.Rect, key: str, label: str, color) -> None:
    """A key cap and what it does, centred in its column: [Enter] Resume."""
    m = c.metrics
    h = col.height
    key_w = max(h, c.text_width(key, round(h * 0.62), bold=True) + 2 * m.gap)
    label_w = min(col.width - key_w - m.gap, c.text_width(label, m.body) + 2)
    total = key_w + m.gap + label_w
    left = col.left + (col.width - total) // 2
    tile = pygame.Rect(left, col.top, key_w, h)
    words = pygame.Rect(tile.right + m.gap, col.top, label_w, h)
    if c.rtl:
        tile, words = c.mirror(tile, col), c.mirror(words, col)
    c.key_tile(name + ".key", tile, key, color)
    c.text(name, label, words, m.body, valign="center", max_lines=1)
