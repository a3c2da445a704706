"""The teacher PIN prompt (to leave, to unlock the keyboard, to choose a new PIN) and the small
"keyboard locked" hint, drawn over any screen."""

from __future__ import annotations

import pygame

from cinema.core.view import PinPrompt
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.locale import N_

ENTER_PIN = N_("Enter the teacher PIN")
UNLOCK_PIN = N_("Teacher PIN to unlock the keyboard")
CHOOSE_PIN = N_("Choose a new teacher PIN (4 to 12 digits)")
CONFIRM_PIN = N_("Type the new PIN again")
WRONG_PIN = N_("Wrong PIN")
WAIT = N_("Too many wrong tries. Try again in {seconds} s.")
KEYS_CANCEL = N_("Enter: OK · Esc: cancel")
KEYS_CHOOSE = N_("Enter: OK · Esc: leave the kiosk")
KEYS_CONFIRM = N_("Enter: OK · Esc: choose again")
PIN_SLOTS = 4  # dots shown before any digit is typed; more appear if the PIN is longer

TITLES = {"quit": ENTER_PIN, "unlock": UNLOCK_PIN, "choose": CHOOSE_PIN, "confirm": CONFIRM_PIN}
KEYS = {"choose": KEYS_CHOOSE, "confirm": KEYS_CONFIRM}


def draw_pin(c: Canvas, pin: PinPrompt) -> None:
    m = c.metrics
    area = c.content
    # darken everything under the status strip, so the prompt is the only thing to read
    shade = pygame.Rect(0, m.status_rect.bottom, m.width, m.height - m.status_rect.bottom)
    c.shade(shade, 80)
    panel = pygame.Rect(0, 0, round(area.width * 0.86), round(area.height * 0.92))
    panel.center = area.center
    c.panel(panel, edge=c.theme.bad if pin.wrong or pin.problem else c.theme.accent)
    c.record("overlay.pin", panel, "icon", overlay=True)
    inner = panel.inflate(-2 * m.margin, -2 * m.margin)
    # Rows, top to bottom: lock, what to type, the dots, what went wrong (two lines), the keys.
    line = c.line_height(m.body)
    # The lock and the dots stay modest so that two lines of title and two of trouble fit at 800x600.
    lock_h = min(round(inner.height * 0.16), round(line * 1.5))
    lock = pygame.Rect(0, 0, lock_h, lock_h)
    lock.midtop = inner.midtop
    c.icon("overlay.pin.lock", lock, icons.lock, c.theme.text, overlay=True)
    small = c.line_height(m.min_text)  # the keys' line is for the teacher up close: the smallest readable size
    keys = pygame.Rect(inner.left, inner.bottom - small, inner.width, small)
    title = pygame.Rect(inner.left, lock.bottom + m.gap, inner.width, round(line * 2.1))
    c.text("overlay.pin.prompt", c._(TITLES.get(pin.purpose, ENTER_PIN)), title, m.body, align="center",
           valign="center", max_lines=2, overlay=True)
    slots = max(PIN_SLOTS, pin.digits)
    dot = min(round(inner.height * 0.1), round(line * 1.1), (inner.width - (slots - 1) * m.gap) // slots)
    row_w = slots * dot + (slots - 1) * m.gap
    dots = pygame.Rect(0, title.bottom + m.gap, row_w, dot)
    dots.centerx = inner.centerx
    for i in range(slots):
        at = pygame.Rect(dots.left + i * (dot + m.gap), dots.top, dot, dot)
        at = c.mirror(at, dots)  # digits fill in reading order
        if i < pin.digits:
            pygame.draw.circle(c.surface, c.theme.text, at.center, dot // 2)
        else:
            pygame.draw.circle(c.surface, c.theme.muted, at.center, dot // 2, max(2, dot // 10))
    c.record("overlay.pin.dots", dots, "icon", overlay=True)
    said = pygame.Rect(inner.left, dots.bottom + m.gap, inner.width, max(0, keys.top - m.gap - dots.bottom - m.gap))
    _draw_trouble(c, pin, said)
    c.text("overlay.pin.keys", c._(KEYS.get(pin.purpose, KEYS_CANCEL)), keys, m.min_text, align="center",
           valign="center", color=c.theme.muted, max_lines=1, overlay=True)


def _draw_trouble(c: Canvas, pin: PinPrompt, box: pygame.Rect) -> None:
    """Under the dots: why the PIN was not taken, and how many tries are left or how long to wait."""
    m = c.metrics
    half = pygame.Rect(box.left, box.top, box.width, box.height // 2)
    rest = pygame.Rect(box.left, half.bottom, box.width, box.height - half.height)
    if pin.problem:
        c.text("overlay.pin.problem", c._(pin.problem), box, m.body, align="center", valign="center",
               color=c.theme.bad, max_lines=2, overlay=True)
        return
    if not pin.wrong:
        return
    if pin.wait_seconds:  # the whole box: a long sentence in some languages, and the one thing to read
        c.text("overlay.pin.wait", c._(WAIT).format(seconds=pin.wait_seconds), box, m.body, align="center",
               valign="center", color=c.theme.bad, max_lines=2, overlay=True)
        return
    c.text("overlay.pin.wrong", c._(WRONG_PIN), half, m.body, align="center", valign="center",
           color=c.theme.bad, bold=True, max_lines=1, overlay=True)
    if pin.tries_left:
        said = c.ngettext("{n} try left before a wait.", "{n} tries left before a wait.",
                          pin.tries_left).format(n=pin.tries_left)
    else:
        return
    c.text("overlay.pin.tries", said, rest, m.body, align="center", valign="center", max_lines=1, overlay=True)
