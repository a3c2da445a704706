"""The content error screen for the teacher: the lesson could not be loaded, and each problem
as a readable line (file, line, what is wrong, how to fix). Never a traceback. As many whole
problems as fit, from `body.first`; the teacher pages through the rest with → and ←, and the
screen says which problems are shown, how to page and that leaving takes the teacher PIN."""

from __future__ import annotations

import pygame

from cinema.core.view import ContentErrorBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack

PROBLEM_LINES = 4  # a problem longer than this is cut with "…" (a file name and a fix fit in 4)


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ContentErrorBody = view.body
    m, area = c.metrics, c.content
    head_h = c.line_height(m.heading)
    sub_h = c.line_height(m.min_text)
    foot_h = c.line_height(m.min_text) * 2  # which problems are shown, how to page, how to leave
    rest_h = area.height - head_h - sub_h - foot_h - 3 * m.gap
    head, sub, rest, foot = stack(area, [head_h, sub_h, rest_h, foot_h], m.gap)
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
    shown = page(c, body.problems, body.first, inner.width, inner.height)
    y = inner.top
    for i in shown:
        lines = _lines(c, body.problems[i], inner.width)
        box = pygame.Rect(inner.left, y, inner.width, lines * c.line_height(m.min_text))
        drawn = c.text(f"error.problem.{i}", "• " + body.problems[i], box, m.min_text, max_lines=PROBLEM_LINES,
                       align="auto")
        y = drawn.bottom + m.gap // 2

    total = len(body.problems)
    if shown and (shown[0] > 0 or shown[-1] < total - 1):
        where = c._("Problems %(first)d–%(last)d of %(n)d. → next page, ← back.") % {
            "first": shown[0] + 1, "last": shown[-1] + 1, "n": total}
    else:
        where = ""
    leave = c._("Esc and the teacher PIN: close.")
    c.text("error.pages", f"{where} {leave}".strip(), foot, m.min_text, color=c.theme.muted, max_lines=2,
           align="center", valign="center")


def _lines(c: Canvas, problem: str, width: int) -> int:
    return min(PROBLEM_LINES, len(c.text_renderer.wrap("• " + problem, width, c.metrics.min_text, c.rtl)))


def page(c: Canvas, problems: tuple[str, ...], first: int, width: int, height: int) -> list[int]:
    """The problems (indexes) shown on the page that starts at `first`: as many whole ones as fit
    `height`, and always at least one."""
    line_h = c.line_height(c.metrics.min_text)
    shown: list[int] = []
    used = 0
    for i in range(max(0, min(first, len(problems) - 1)), len(problems)):
        need = _lines(c, problems[i], width) * line_h + (c.metrics.gap // 2 if shown else 0)
        if shown and used + need > height:
            break
        shown.append(i)
        used += need
    return shown
