"""The question screen: "question n of m", the prompt, option tiles with big key letters,
how many have answered, and the timer if there is one."""

from __future__ import annotations

import math

import pygame

from cinema.core.view import OptionTally, QuestionBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import answered_footer, header_row, timer


def question_of_text(c: Canvas, number: int, count: int) -> str:
    return c._("Question %(n)d of %(m)d") % {"n": number, "m": count}


def draw_header(c: Canvas, prefix: str, number: int, count: int, seconds_left: float | None) -> pygame.Rect:
    m = c.metrics
    header = header_row(c, c.content.top, m.min_text)
    half = header.width // 2
    c.text(f"{prefix}.number", question_of_text(c, number, count),
           c.mirror(pygame.Rect(header.left, header.top, half, header.height), header),
           m.min_text, color=c.theme.muted, valign="center", max_lines=1)
    if seconds_left is not None:
        box = c.mirror(pygame.Rect(header.right - half // 2, header.top, half // 2, header.height), header)
        timer(c, f"{prefix}.timer", box, seconds_left)
    return header


def option_grid(c: Canvas, area: pygame.Rect, count: int) -> list[pygame.Rect]:
    """One cell per option in reading order: one column for up to three, else two."""
    m = c.metrics
    columns = 1 if count <= 3 else 2
    rows = max(1, math.ceil(count / columns))
    row_h = min((area.height - m.gap * (rows - 1)) // rows, round(c.line_height(m.body) * 2.2))
    cells = []
    for i in range(count):
        r, col = divmod(i, columns)
        row_rect = pygame.Rect(area.left, area.top + r * (row_h + m.gap), area.width, row_h)
        cells.append(split_columns(row_rect, columns, m.margin, c.rtl)[col])
    return cells


def option_text_box(c: Canvas, cell: pygame.Rect) -> pygame.Rect:
    side = cell.height
    return c.mirror(pygame.Rect(cell.left + side + c.metrics.gap, cell.top, cell.width - side - c.metrics.gap,
                                side), cell)


def draw_option(c: Canvas, cell: pygame.Rect, index: int, option: OptionTally, size: int) -> None:
    side = cell.height
    tile = c.mirror(pygame.Rect(cell.left, cell.top, side, side), cell)
    c.key_tile(f"option.{option.key}.key", tile, option.key, c.theme.option_color(index))
    c.text(f"option.{option.key}.text", option.text, option_text_box(c, cell), size, min_size=size,
           valign="center", max_lines=2)


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: QuestionBody = view.body
    m, area = c.metrics, c.content
    header = draw_header(c, "question", body.question_number, body.question_count, body.seconds_left)
    footer_h = c.line_height(m.body)
    below = pygame.Rect(area.left, header.bottom + m.gap, area.width, area.bottom - header.bottom - m.gap)
    prompt_h = min(round(below.height * 0.32), c.line_height(m.heading) * 3)
    options_h = below.height - prompt_h - footer_h - 2 * m.gap
    prompt, options, footer = stack(below, [prompt_h, options_h, footer_h], m.gap)
    c.text("question.prompt", body.prompt, prompt, m.heading, bold=True, valign="center")

    if body.image and c.images:
        picture_w = round(options.width * 0.38)
        picture_box = c.mirror(pygame.Rect(options.right - picture_w, options.top, picture_w, options.height), options)
        image = c.images.fitted(body.image, picture_box.size)
        if image is not None:
            rect = image.get_rect(center=picture_box.center)
            c.surface.blit(image, rect)
            c.record("question.image", rect, "image")
            options = c.mirror(pygame.Rect(options.left, options.top, options.width - picture_w - m.margin,
                                           options.height), options)
    cells = option_grid(c, options, len(body.options))
    size = m.body
    if cells:
        size = c.common_size([o.text for o in body.options], option_text_box(c, cells[0]).size, m.body, 2)
    for i, (cell, option) in enumerate(zip(cells, body.options)):
        draw_option(c, cell, i, option, size)
    answered_footer(c, footer, body.answered, body.expected)
