"""What is drawn over any screen: the teacher PIN prompt (pin_prompt.py), the keyboard hint, the Paused badge, the toast."""

from __future__ import annotations

import pygame

from cinema.core.power import MSG_STOP, PowerDecision, describe
from cinema.core.view import View
from cinema.display import icons, picker
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.display.pin_prompt import draw_pin
from cinema.locale import N_

PAUSED = N_("Paused")
POWER_STOP_HEADING = N_("The battery is almost empty")
TOAST_LINES = 2  # a toast too long for one line wraps onto a second


def draw_overlays(c: Canvas, view: View) -> None:
    if view.paused and view.toast != MSG_STOP:  # the stop panel says the lesson is stopped
        draw_paused(c)
    if view.toast == MSG_STOP:
        draw_power_stop(c)
        toast = ""
    else:
        toast = c._(view.toast) if view.toast and not (view.paused and view.toast == PAUSED) else ""
    if view.power_advice is not None:
        draw_power_advice(c, power_text(c, view.power_advice), _toast_height(c, toast) if toast else 0,
                          view.power_advice.percent)
    if toast:
        draw_toast(c, toast)
    if view.keyboard_locked:
        draw_keyboard_hint(c, view, round(c.line_height(c.metrics.body) * 1.3) + c.metrics.gap if view.paused else 0)
    if view.picker is not None:
        picker.draw_overlay(c, view.picker)
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


POWER_STRIP_SHARE = 0.15  # the battery advice never covers more than this share of the screen's height
POWER_STRIP_LINES = 1  # which holds one line of the smallest text (two would take 15.3%)


def toast_room(c: Canvas) -> int:
    """The height a toast may take at the bottom of the content area (two lines and a gap): screens
    whose numbers must stay readable (closing) keep it free."""
    return round(c.line_height(c.metrics.body) * 2.3) + c.metrics.gap


def power_text(c: Canvas, decision: PowerDecision) -> str:
    """The advice as one line of the smallest text, which is all a strip of 15% of the screen holds:
    what to do (skip, or connect power) when there is something to do, else what the battery allows
    (the status bar shows the minutes left as well). The longest form that fits: each item with its
    minutes, then titles only, then fewer titles and "N more", then only how many items."""
    m = c.metrics
    room = c.content.width - 2 * m.gap - _power_icon_width(c) - m.gap
    forms = [describe(decision, c._), describe(decision, c._, minutes=False)]
    fewer = range(len(decision.skip) - 1, 0, -1)
    forms += [describe(decision, c._, minutes=False, items=n) for n in fewer]
    forms += [describe(decision, c._, minutes=False, brief=True)]
    forms += [describe(decision, c._, minutes=False, items=n, brief=True) for n in fewer]
    forms += [describe(decision, c._, minutes=False, items=0, brief=True)]  # only how many
    for lines in forms:
        if c.text_width(lines[-1], m.min_text) + 2 <= room:
            return lines[-1]
    return forms[-1][-1]


def _power_icon_width(c: Canvas) -> int:
    return round(c.line_height(c.metrics.min_text) * 1.6)


def draw_power_advice(c: Canvas, text: str, toast_height: int = 0, percent: float | None = None) -> None:
    """What the battery allows and what to skip to finish: a low strip over the bottom of the screen,
    never more than 15% of its height (a video goes on above it)."""
    if not text:
        return
    m = c.metrics
    size = m.min_text
    line_h = c.line_height(size)
    height = min(round(m.height * POWER_STRIP_SHARE), POWER_STRIP_LINES * line_h + m.gap)
    pad = max(1, (height - POWER_STRIP_LINES * line_h) // 2)
    panel = pygame.Rect(0, 0, c.content.width, height)
    bottom = c.content.bottom - (toast_height + m.gap if toast_height else 0)
    panel.midbottom = (c.content.centerx, bottom)
    c.panel(panel, edge=c.theme.warn)
    c.record("overlay.power", panel, "icon", overlay=True)
    inner = panel.inflate(-2 * m.gap, -2 * pad)
    icon_w = _power_icon_width(c)
    icon_h = min(inner.height, icon_w // 2)
    icon = c.mirror(pygame.Rect(inner.left, inner.centery - icon_h // 2, icon_w, icon_h), inner)
    c.icon("overlay.power.icon", icon, icons.battery, 15.0 if percent is None else percent, c.theme.text,
           c.theme.warn, False, overlay=True)
    words = c.mirror(pygame.Rect(inner.left + icon_w + m.gap, inner.top, inner.width - icon_w - m.gap,
                                 inner.height), inner)
    c.text("overlay.power.text", text, words, size, valign="center", max_lines=POWER_STRIP_LINES, overlay=True)


def draw_power_stop(c: Canvas) -> None:
    """The battery is at its critical level and the lesson is saved and stopped: said big, in the middle
    of the screen, not as a small toast a teacher across the room does not notice."""
    m = c.metrics
    area = c.content
    shade = pygame.Rect(0, m.status_rect.bottom, m.width, m.height - m.status_rect.bottom)
    c.shade(shade, 80)
    panel = pygame.Rect(0, 0, round(area.width * 0.85), round(area.height * 0.7))
    panel.center = area.center
    c.panel(panel, edge=c.theme.bad)
    c.record("overlay.power_stop", panel, "icon", overlay=True)
    inner = panel.inflate(-2 * m.margin, -2 * m.margin)
    head_h = c.line_height(m.heading, bold=True)
    words_h = 2 * c.line_height(m.body)
    icon_h = max(0, inner.height - head_h - words_h - 2 * m.gap)
    icon_box, head, words = stack(inner, [icon_h, head_h, words_h], m.gap)
    battery = pygame.Rect(0, 0, icon_h * 2, icon_h)
    battery.center = icon_box.center
    c.icon("overlay.power_stop.icon", battery, icons.battery, 2.0, c.theme.text, c.theme.bad, False, overlay=True)
    c.text("overlay.power_stop.heading", c._(POWER_STOP_HEADING), head, m.heading, bold=True, align="center",
           valign="center", color=c.theme.bad, max_lines=1, overlay=True)
    c.text("overlay.power_stop.words", c._(MSG_STOP), words, m.body, align="center", valign="center",
           max_lines=2, overlay=True)


# The laptop keyboard is locked during a lesson (cinema/core/keyboard_lock.py): what a key press shows.
LOCKED = N_("Keyboard locked. Teacher: hold Esc, then the PIN.")
LOCKED_TRAINING = N_("Keyboard locked: hold Esc, then the PIN (training: 1234).")


def draw_keyboard_hint(c: Canvas, view: View, below: int = 0) -> None:
    """A child pressed a key on the locked laptop keyboard: a small pill at the top says so (and how
    the teacher opens it), and goes a few seconds after the last key."""
    text = c._(LOCKED_TRAINING if view.training_pin else LOCKED)
    _pill(c, "overlay.keyboard", text, (c.content.centerx, c.content.top + below),
          draw_icon=lambda s, r: icons.lock(s, r, c.theme.warn), color=c.theme.warn, max_lines=2)
