"""What is drawn over any screen: the teacher PIN prompt, the Paused badge, the toast."""

from __future__ import annotations

import pygame

from cinema.core.power import describe
from cinema.core.view import PinPrompt, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.locale import N_

PAUSED = N_("Paused")
ENTER_PIN = N_("Enter the teacher PIN")
WRONG_PIN = N_("Wrong PIN")
TOAST_LINES = 2  # a toast too long for one line wraps onto a second
PIN_SLOTS = 4  # dots shown before any digit is typed; more appear if the PIN is longer


def draw_overlays(c: Canvas, view: View) -> None:
    if view.paused:
        draw_paused(c)
    toast = c._(view.toast) if view.toast and not (view.paused and view.toast == PAUSED) else ""
    if view.power_advice is not None:
        draw_power_advice(c, describe(view.power_advice, c._), _toast_height(c, toast) if toast else 0)
    if toast:
        draw_toast(c, toast)
    if view.pin is not None:
        draw_pin(c, view.pin)


def _pill_lines(c: Canvas, text: str, room: int, max_lines: int) -> int:
    """How many lines the pill's words take: one while they fit at some readable size (the text
    shrinks to fit), else wrapped at body size (at most `max_lines`)."""
    if max_lines <= 1 or c.text_width(text, c.metrics.min_text) + 2 <= room:
        return 1
    return max(1, min(max_lines, len(c.text_renderer.wrap(text, room, c.metrics.body, c.rtl))))


def _toast_height(c: Canvas, text: str) -> int:
    m = c.metrics
    lines = _pill_lines(c, text, c.content.width - 4 * m.gap, TOAST_LINES)
    return round(c.line_height(m.body) * (lines + 0.3))


def _pill(c: Canvas, name: str, text: str, center_top: tuple[int, int] | None, center_bottom=None,
          draw_icon=None, color=None, max_lines: int = 1) -> None:
    m = c.metrics
    size = m.body
    one = round(c.line_height(size) * 1.3)  # the height of a one-line pill
    icon_w = one if draw_icon else 0
    room = c.content.width - icon_w - 4 * m.gap
    lines = _pill_lines(c, text, room, max_lines)
    h = round(c.line_height(size) * (lines + 0.3))
    text_w = min(room, c.text_width(text, size) + 2)
    pill = pygame.Rect(0, 0, text_w + icon_w + 3 * m.gap, h)
    if center_top:
        pill.midtop = center_top
    else:
        pill.midbottom = center_bottom
    pygame.draw.rect(c.surface, c.theme.panel, pill, border_radius=one // 2)
    pygame.draw.rect(c.surface, color or c.theme.accent, pill, max(2, m.gap // 3), border_radius=one // 2)
    inner = pill.inflate(-2 * m.gap, 0)
    if draw_icon:
        icon_rect = c.mirror(pygame.Rect(inner.left, pill.top + one // 6, one * 2 // 3, one * 2 // 3), inner)
        c.icon(name + ".icon", icon_rect, draw_icon, overlay=True)
        words = c.mirror(pygame.Rect(inner.left + icon_w, pill.top, inner.width - icon_w, h), inner)
    else:
        words = pygame.Rect(inner.left, pill.top, inner.width, h)
    c.text(name, text, words, size, align="center", valign="center", max_lines=lines, overlay=True)


def draw_paused(c: Canvas) -> None:
    _pill(c, "overlay.paused", c._(PAUSED), (c.content.centerx, c.content.top),
          draw_icon=lambda s, r: icons.pause(s, r, c.theme.warn), color=c.theme.warn)


def draw_toast(c: Canvas, text: str) -> None:
    # Two lines where one does not hold it: a warning cut off with "…" at 800x600 says half of what to do.
    _pill(c, "overlay.toast", text, None, (c.content.centerx, c.content.bottom), max_lines=TOAST_LINES)


def draw_power_advice(c: Canvas, lines: tuple[str, ...], toast_height: int = 0) -> None:
    """What the battery allows and what to skip to finish: a panel low on the screen, a few lines."""
    if not lines:
        return
    m = c.metrics
    size = m.body
    line_h = c.line_height(size)
    icon_w = round(line_h * 1.6)
    panel = pygame.Rect(0, 0, round(c.content.width * 0.9), len(lines) * 2 * line_h + 2 * m.gap)
    bottom = c.content.bottom - (toast_height + m.gap if toast_height else 0)
    panel.midbottom = (c.content.centerx, bottom)
    c.panel(panel, edge=c.theme.warn)
    c.record("overlay.power", panel, "icon", overlay=True)
    inner = panel.inflate(-2 * m.gap, -2 * m.gap)
    icon = c.mirror(pygame.Rect(inner.left, inner.top, icon_w, min(inner.height, line_h * 2)), inner)
    c.icon("overlay.power.icon", icon, icons.battery, 15.0, c.theme.text, c.theme.warn, overlay=True)
    words = c.mirror(pygame.Rect(inner.left + icon_w + m.gap, inner.top, inner.width - icon_w - m.gap,
                                 inner.height), inner)
    for i, line in enumerate(lines):
        row = pygame.Rect(words.left, words.top + i * 2 * line_h, words.width, 2 * line_h)
        c.text(f"overlay.power.{i}", line, row, size, valign="center", max_lines=2, overlay=True)


def draw_pin(c: Canvas, pin: PinPrompt) -> None:
    m = c.metrics
    area = c.content
    # darken everything under the status strip, so the prompt is the only thing to read
    shade = pygame.Rect(0, m.status_rect.bottom, m.width, m.height - m.status_rect.bottom)
    c.surface.fill((80, 80, 80), shade, special_flags=pygame.BLEND_RGB_MULT)
    panel = pygame.Rect(0, 0, round(area.width * 0.8), round(area.height * 0.8))
    panel.center = area.center
    c.panel(panel, edge=c.theme.bad if pin.wrong else c.theme.accent)
    c.record("overlay.pin", panel, "icon", overlay=True)
    inner = panel.inflate(-2 * m.margin, -2 * m.margin)
    lock_h = round(inner.height * 0.25)
    lock = pygame.Rect(0, 0, lock_h, lock_h)
    lock.midtop = inner.midtop
    c.icon("overlay.pin.lock", lock, icons.lock, c.theme.text, overlay=True)
    prompt_h = c.line_height(m.body)
    prompt = pygame.Rect(inner.left, lock.bottom + m.gap, inner.width, prompt_h)
    c.text("overlay.pin.prompt", c._(ENTER_PIN), prompt, m.body, align="center", valign="center",
           max_lines=1, overlay=True)
    slots = max(PIN_SLOTS, pin.digits)
    dot = min(round(inner.height * 0.12), (inner.width - (slots - 1) * m.gap) // slots)
    row_w = slots * dot + (slots - 1) * m.gap
    dots = pygame.Rect(0, prompt.bottom + m.margin, row_w, dot)
    dots.centerx = inner.centerx
    for i in range(slots):
        at = pygame.Rect(dots.left + i * (dot + m.gap), dots.top, dot, dot)
        at = c.mirror(at, dots)  # digits fill in reading order
        if i < pin.digits:
            pygame.draw.circle(c.surface, c.theme.text, at.center, dot // 2)
        else:
            pygame.draw.circle(c.surface, c.theme.muted, at.center, dot // 2, max(2, dot // 10))
    c.record("overlay.pin.dots", dots, "icon", overlay=True)
    if pin.wrong:
        wrong = pygame.Rect(inner.left, dots.bottom + m.gap, inner.width, inner.bottom - dots.bottom - m.gap)
        c.text("overlay.pin.wrong", c._(WRONG_PIN), wrong, m.body, align="center", valign="center",
               color=c.theme.bad, bold=True, max_lines=1, overlay=True)
