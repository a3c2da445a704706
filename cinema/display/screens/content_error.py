"""The content error screen for the teacher: the lesson could not be loaded, and each problem
as a readable line (file, line, what is wrong, how to fix). Never a traceback."""

from __future__ import annotations

import pygame

from cinema.core.view import ContentErrorBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ContentErrorBody = view.body
    m, area = c.metrics, c.content
    head_h = c.line_height(m.heading)
    sub_h = c.line_height(m.min_text)
    head, sub, rest = stack(area, [head_h, sub_h, area.height - head_h - sub_h - 2 * m.gap], m.gap)
    sign = c.mirror(pygame.Rect(head.left, head.top, head_h, head_h), head)
    c.icon("error.sign", sign, icons.warning, c.theme.warn, (0, 0, 0))
    c.text("error.heading", c._("This lesson could not be loaded"),
           c.mirror(pygame.Rect(head.left + head_h + m.gap, head.top, head.width - head_h - m.gap, head_h), head),
           m.heading, bold=True, valign="center", max_lines=1)
    c.text("error.hint", c._("Fix these problems, then start again:"), sub, m.min_text, color=c.theme.muted,
           max_lines=1)

    panel = rest
    c.panel(panel, edge=c.theme.panel_edge)
    inner = panel.inflate(-2 * m.gap, -2 * m.gap)
    line_h = c.line_height(m.min_text)
    y, shown = inner.top, 0
    problems = body.problems
    for i, problem in enumerate(problems):
        left_after = len(problems) - i - 1
        reserve = line_h if left_after else 0  # keep room for "and N more"
        room = inner.bottom - y - reserve
        if room < line_h:
            break
        box = pygame.Rect(inner.left, y, inner.width, min(room, line_h * 3))
        drawn = c.text(f"error.problem.{i}", "• " + problem, box, m.min_text, max_lines=3, align="auto")
        y = drawn.bottom + m.gap // 2
        shown += 1
    hidden = len(problems) - shown
    if hidden:
        more = c.ngettext("…and %(n)d more problem", "…and %(n)d more problems", hidden) % {"n": hidden}
        c.text("error.more", more, pygame.Rect(inner.left, y, inner.width, inner.bottom - y), m.min_text,
               color=c.theme.muted, max_lines=1)
