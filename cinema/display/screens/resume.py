"""The resume offer after a crash or power cut: which lesson and item, and the two keys."""

from __future__ import annotations

import pygame

from cinema.core.view import ResumeBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import choice_width, key_choice
from cinema.display.theme import BLUISH_GREEN, ORANGE


def question_text(c: Canvas, body: ResumeBody) -> str:
    return c._("Resume “%(lesson)s” at item %(n)d of %(m)d?") % {
        "lesson": body.playlist_title, "n": body.item_number, "m": body.item_count}


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ResumeBody = view.body
    m, area = c.metrics, c.content
    item_h = c.line_height(m.body)
    choices = ((c._("Enter"), c._("Resume"), BLUISH_GREEN), ("N", c._("Start again"), ORANGE))
    # Side by side when both fit a half-width column at the smallest size; else one under the other
    # (Ukrainian "Продовжити" next to an [Enter] cap does not fit half of a 1024-wide screen).
    half = (area.width - m.margin) // 2
    key_h = round(c.line_height(m.body) * 1.6)
    side_by_side = all(choice_width(c, key, label, key_h, m.min_text) <= half for key, label, _ in choices)
    if not side_by_side:
        key_h = round(c.line_height(m.body) * 1.2)
    keys_h = key_h if side_by_side else 2 * key_h + m.gap
    # The question takes what is left, up to three lines (its text shrinks to fit).
    question_h = min(c.line_height(m.heading) * 3, area.height - item_h - keys_h - 2 * m.margin)
    spare = area.height - question_h - item_h - keys_h - 2 * m.margin
    top = pygame.Rect(area.left, area.top + max(0, spare // 2), area.width, area.height - max(0, spare // 2))
    question, item, keys = stack(top, [question_h, item_h, keys_h], m.margin)
    c.text("resume.question", question_text(c, body), question, m.heading, bold=True, align="center",
           valign="bottom")
    c.text("resume.item", body.item_title, item, m.body, align="center", color=c.theme.muted, max_lines=1)

    if side_by_side:
        cols = split_columns(keys, 2, m.margin, c.rtl)
    else:
        cols = stack(keys, [key_h, key_h], m.gap)
    for name, col, (key, label, color) in zip(("resume.resume", "resume.restart"), cols, choices):
        key_choice(c, name, col, key, label, color)

