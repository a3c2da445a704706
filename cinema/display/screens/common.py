"""Pieces several screens share: the answered counter, timers, and minute:second text."""

from __future__ import annotations

import math

import pygame

from cinema.display import icons
from cinema.display.canvas import Canvas


def mmss(seconds: float, countdown: bool = True) -> str:
    """m:ss; a countdown rounds up (it shows 0:00 only when time is up), time played rounds down."""
    seconds = max(0, int(math.ceil(seconds) if countdown else math.floor(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def answered_text(c: Canvas, answered: int, expected: int | None) -> str:
    if expected:
        return c.ngettext("%(n)d of %(m)d answered", "%(n)d of %(m)d answered", expected) % {
            "n": answered, "m": expected}
    return c.ngettext("%(n)d answered", "%(n)d answered", answered) % {"n": answered}


def icon_and_text(c: Canvas, name: str, box: pygame.Rect, draw_icon, text: str, size: int,
                  color=None, align: str = "center") -> pygame.Rect:
    """An icon followed by a short text, the pair centred (or at the start) in `box`."""
    size = max(size, c.metrics.min_text)
    side = min(box.height, round(c.line_height(size) * 0.9))
    gap = c.metrics.gap
    width = min(box.width - side - gap, c.text_width(text, size) + 2)
    total = side + gap + width
    left = box.left + (box.width - total) // 2 if align == "center" else box.left
    icon_rect = pygame.Rect(left, box.top + (box.height - side) // 2, side, side)
    text_rect = pygame.Rect(icon_rect.right + gap, box.top, width, box.height)
    if align == "start" and c.rtl:
        icon_rect = c.mirror(icon_rect, box)
        text_rect = c.mirror(text_rect, box)
    elif c.rtl:  # centred pair: icon on the right of its text in RTL
        icon_rect, text_rect = (
            pygame.Rect(left + width + gap, icon_rect.top, side, side),
            pygame.Rect(left, box.top, width, box.height),
        )
    c.icon(name + ".icon", icon_rect, draw_icon)
    return c.text(name, text, text_rect, size, color=color, align="center", valign="center", max_lines=1)


def answered_footer(c: Canvas, box: pygame.Rect, answered: int, expected: int | None) -> None:
    icon_and_text(c, "answered", box, lambda s, r: icons.person(s, r, c.theme.text),
                  answered_text(c, answered, expected), c.metrics.body)


def timer(c: Canvas, name: str, box: pygame.Rect, seconds_left: float, total: float | None = None) -> None:
    """A small ring and the seconds left; the ring shows the share of time left when known."""
    fraction = seconds_left / total if total else 1.0
    urgent = seconds_left <= 10
    side = box.height
    ring_rect = c.mirror(pygame.Rect(box.right - side, box.top, side, side), box)
    c.icon(name + ".ring", ring_rect, icons.ring, fraction, c.theme.warn if urgent else c.theme.accent,
           c.theme.panel)
    text_box = c.mirror(pygame.Rect(box.left, box.top, box.width - side - c.metrics.gap, box.height), box)
    c.text(name, mmss(seconds_left), text_box, c.metrics.body, align="end", valign="center", max_lines=1,
           color=c.theme.warn if urgent else None)


def header_row(c: Canvas, top: int, size: int | None = None) -> pygame.Rect:
    """A one-line strip across the content area starting at `top`."""
    size = size or c.metrics.body
    return pygame.Rect(c.content.left, top, c.content.width, c.line_height(size))


def _key_width(c: Canvas, key: str, h: int) -> int:
    return max(h, c.text_width(key, round(h * 0.62), bold=True) + 2 * c.metrics.gap)


def choice_width(c: Canvas, key: str, label: str, h: int, size: int) -> int:
    """The width a key cap `h` high and its label at `size` take side by side."""
    return _key_width(c, key, h) + c.metrics.gap + c.text_width(label, size) + 2


def key_choice(c: Canvas, name: str, col: pygame.Rect, key: str, label: str, color, size: int | None = None) -> None:
    """A key cap and what it does, centred in its column: [Enter] Resume (the label at `size`, body text
    unless said); the key cap never takes more than half the column."""
    m = c.metrics
    size = m.body if size is None else size
    h = col.height
    key_w = min(col.width // 2, _key_width(c, key, h))
    label_w = min(col.width - key_w - m.gap, c.text_width(label, size) + 2)
    total = key_w + m.gap + label_w
    left = col.left + (col.width - total) // 2
    tile = pygame.Rect(left, col.top, key_w, h)
    words = pygame.Rect(tile.right + m.gap, col.top, label_w, h)
    if c.rtl:
        tile, words = c.mirror(tile, col), c.mirror(words, col)
    c.key_tile(name + ".key", tile, key, color)
    c.text(name, label, words, size, valign="center", max_lines=1)
