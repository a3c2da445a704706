"""The check-in results as the whole room sees them: a bar and a count per face, but never the counts
of the saddest faces, and none at all with too few answers (see `cinema.core.checkin.room_counts`);
when the room seems to need it, a neutral offer of the calm item with its two keys."""

from __future__ import annotations

import pygame

from cinema.core.checkin import room_counts
from cinema.core.view import CheckinResultsBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.screens.checkin import draw_face, face_columns
from cinema.display.screens.common import choice_width, key_choice
from cinema.display.theme import BLUISH_GREEN, SKY_BLUE


def calm_offer_text(c: Canvas, title: str) -> str:
    """Worded for the children: an invitation, with nothing about how the room answered."""
    title = title or c._("Breathing exercise")
    return c._("Time for a calm moment together: %(title)s") % {"title": title}


def _offer_keys(c: Canvas) -> tuple[tuple[str, str, tuple[int, int, int]], ...]:
    return ((c._("Enter"), c._("Start"), BLUISH_GREEN), ("→", c._("Go on"), SKY_BLUE))


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: CheckinResultsBody = view.body
    m, area = c.metrics, c.content
    prompt_h = c.line_height(m.body)
    key_h = round(c.line_height(m.min_text) * 1.3)
    keys = _offer_keys(c)
    half = (area.width - 2 * m.margin - m.gap) // 2
    side_by_side = all(choice_width(c, k, label, key_h, m.min_text) <= half for k, label, _ in keys)
    keys_h = key_h if side_by_side else 2 * key_h + m.gap
    offer_h = 2 * c.line_height(m.min_text)
    panel_h = offer_h + keys_h + 3 * m.gap if body.offer_calm else 0
    chart_h = area.height - prompt_h - panel_h - m.gap * (2 if body.offer_calm else 1)
    heights = [prompt_h, chart_h] + ([panel_h] if body.offer_calm else [])
    boxes = stack(area, heights, m.gap)
    prompt, chart = boxes[0], boxes[1]
    c.text("checkin_results.prompt", body.prompt, prompt, m.body, bold=True, align="center",
           valign="center", max_lines=1)
    c.record("checkin_results.chart", chart, "chart")

    shown = room_counts(body.counts)
    count_h = c.line_height(m.body)
    columns = face_columns(c, chart)
    face_side = min(columns[0].width - 2 * m.gap, round(chart.height * 0.3))
    bars_h = chart.height - face_side - count_h - 2 * m.gap
    top = max([n for n in shown if n is not None] + [1])
    for mood, (col, count) in enumerate(zip(columns, shown), start=1):
        face_box = pygame.Rect(0, 0, face_side, face_side)
        face_box.midbottom = col.midbottom
        draw_face(c, f"face.{mood}", face_box, mood)
        if count is None:
            continue  # hidden from the room: no bar, no number
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
        c.panel(panel, color=c.theme.panel, edge=c.theme.accent)
        c.record("calm.panel", panel, "chart")
        inner = panel.inflate(-2 * m.margin, -2 * m.gap)
        offer, key_row = stack(inner, [offer_h, keys_h], m.gap)
        c.text("calm.offer", calm_offer_text(c, body.calm_title), offer, m.body, align="center",
               valign="center", max_lines=2)
        cols = split_columns(key_row, 2, m.gap, c.rtl) if side_by_side else stack(key_row, [key_h, key_h], m.gap)
        for name, col, (key, label, color) in zip(("calm.take", "calm.go_on"), cols, keys):
            key_choice(c, name, col, key, label, color)
