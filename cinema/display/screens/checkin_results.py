"""The check-in results: a bar per face with its count; when the room seems to need it, a
panel offering the teacher the calm-down item."""

from __future__ import annotations

import pygame

from cinema.core.view import CheckinResultsBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.display.screens.checkin import draw_face, face_columns


def calm_offer_text(c: Canvas, title: str) -> str:
    title = title or c._("Breathing exercise")
    return c._("The room may need a calm moment — press Enter for %(title)s, → to go on") % {"title": title}


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: CheckinResultsBody = view.body
    m, area = c.metrics, c.content
    prompt_h = c.line_height(m.body)
    panel_h = round(c.line_height(m.body) * 2 + 2 * m.gap) if body.offer_calm else 0
    chart_h = area.height - prompt_h - panel_h - m.gap * (2 if body.offer_calm else 1)
    heights = [prompt_h, chart_h] + ([panel_h] if body.offer_calm else [])
    boxes = stack(area, heights, m.gap)
    prompt, chart = boxes[0], boxes[1]
    c.text("checkin_results.prompt", body.prompt, prompt, m.body, bold=True, align="center",
           valign="center", max_lines=1)
    c.record("checkin_results.chart", chart, "chart")

    count_h = c.line_height(m.body)
    columns = face_columns(c, chart)
    face_side = min(columns[0].width - 2 * m.gap, round(chart.height * 0.3))
    bars_h = chart.height - face_side - count_h - 2 * m.gap
    top = max(list(body.counts) + [1])
    for mood, (col, count) in enumerate(zip(columns, body.counts), start=1):
        face_box = pygame.Rect(0, 0, face_side, face_side)
        face_box.midbottom = col.midbottom
        draw_face(c, f"face.{mood}", face_box, mood)
        bar_w = round(col.width * 0.55)
        bar_len = max(3, round(bars_h * count / top))
        bar = pygame.Rect(0, 0, bar_w, bar_len)
        bar.midbottom = (col.centerx, face_box.top - m.gap)
        pygame.draw.rect(c.surface, c.theme.face_colors[mood - 1], bar, border_radius=max(2, bar_w // 12))
        c.record(f"face.{mood}.bar", bar, "chart")
        count_box = pygame.Rect(col.left, bar.top - count_h, col.width, count_h)
        c.text(f"face.{mood}.count", str(count), count_box, m.body, bold=True, align="center", max_lines=1)

    if body.offer_calm:
        panel = boxes[2]
        c.panel(panel, color=c.theme.panel, edge=c.theme.warn)
        c.record("calm.panel", panel, "chart")
        c.text("calm.offer", calm_offer_text(c, body.calm_title), panel.inflate(-2 * m.margin, -m.gap),
               m.body, align="center", valign="center", max_lines=2)
