"""The results screen: one bar per option with its count; the right answer has a tick, a
coloured bar and an outline, so colour is never the only sign."""

from __future__ import annotations

import pygame

from cinema.core.view import ResultsBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import answered_footer
from cinema.display.screens.question import draw_header


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ResultsBody = view.body
    m, area = c.metrics, c.content
    header = draw_header(c, "results", body.question_number, body.question_count, None)
    footer_h = c.line_height(m.body)
    below = pygame.Rect(area.left, header.bottom + m.gap, area.width, area.bottom - header.bottom - m.gap)
    prompt_h = c.line_height(m.body) * 2
    chart_h = below.height - prompt_h - footer_h - 2 * m.gap
    prompt, chart, footer = stack(below, [prompt_h, chart_h, footer_h], m.gap)
    c.text("results.prompt", body.prompt, prompt, m.body, bold=True, valign="center", max_lines=2)
    c.record("results.chart", chart, "chart")

    n = max(1, len(body.options))
    row_h = min((chart.height - m.gap * (n - 1)) // n, round(c.line_height(m.body) * 1.8))
    top_count = max([o.count for o in body.options] + [1])
    label_w = round(chart.width * 0.42)
    label_size = c.common_size([o.text for o in body.options], (label_w, row_h), m.body, 2)
    for i, option in enumerate(body.options):
        row = pygame.Rect(chart.left, chart.top + i * (row_h + m.gap), chart.width, row_h)
        side = row_h
        tick_w = side if body.has_correct else 0
        x = row.left
        tile = pygame.Rect(x, row.top, side, side)
        tick_box = pygame.Rect(tile.right + m.gap, row.top, tick_w, side)
        label = pygame.Rect(tick_box.right + m.gap, row.top, label_w, side)
        bar_area = pygame.Rect(label.right + m.gap, row.top, row.right - label.right - m.gap, side)
        tile, tick_box, label, bar_area = (c.mirror(r, row) for r in (tile, tick_box, label, bar_area))

        c.key_tile(f"result.{option.key}.key", tile, option.key, c.theme.option_color(i))
        if body.has_correct and option.correct:
            c.icon(f"result.{option.key}.tick", tick_box.inflate(-side // 6, -side // 6), icons.tick, c.theme.good)
        c.text(f"result.{option.key}.text", option.text, label, label_size, min_size=label_size,
               valign="center", max_lines=2)

        count_text = str(option.count)
        count_w = c.text_width(count_text, m.body) + m.gap
        track_w = bar_area.width - count_w - m.gap
        bar_len = round(track_w * option.count / top_count)
        bar = pygame.Rect(bar_area.left, row.top + side // 6, max(bar_len, 3), side - side // 3)
        bar = c.mirror(bar, bar_area)
        if body.has_correct:
            color = c.theme.good if option.correct else c.theme.neutral_bar
        else:
            color = c.theme.option_color(i)
        pygame.draw.rect(c.surface, color, bar, border_radius=max(2, side // 10))
        if body.has_correct and option.correct:
            pygame.draw.rect(c.surface, c.theme.text, bar, max(2, side // 16), border_radius=max(2, side // 10))
        c.record(f"result.{option.key}.bar", bar, "chart")
        count_box = pygame.Rect(bar_area.left + max(bar_len, 3) + m.gap, row.top, count_w, side)
        c.text(f"result.{option.key}.count", count_text, c.mirror(count_box, bar_area), m.body,
               valign="center", bold=True, max_lines=1)
    if body.teams:
        _team_scores(c, footer, body)
    else:
        answered_footer(c, footer, body.answered, None)


def _team_scores(c: Canvas, footer: pygame.Rect, body: ResultsBody) -> None:
    """Team mode: each team's right answers so far; the leading team(s) get a tick."""
    best = max(t.correct for t in body.teams)
    cells = split_columns(footer, len(body.teams), c.metrics.gap, c.rtl)
    for team, cell in zip(body.teams, cells):
        leading = team.correct == best and best > 0
        c.text(f"team.{team.team}", c._("Team %(n)d: %(score)d") % {"n": team.team, "score": team.correct},
               cell, c.metrics.body, bold=leading, align="center", valign="center", max_lines=1,
               color=c.theme.good if leading else c.theme.text)
