"""How phones join the kiosk's offline hub, drawn on the projector (View.join): the Wi-Fi QR code, the
page's QR code, the short session code big, the page's address small and how many phones joined.

A full panel on the title, attendance and home screens; a corner strip (the code and a small QR code
of the page) on the question and check-in screens, so latecomers can join; nothing over a video.
Pictures (a Wi-Fi sign, a phone, the steps' numbers) say what to do to a child who does not read.

QR codes are drawn crisp: whole pixels per module, the standard's quiet zone of 4 light modules,
dark on white; each is made once per text and module size (qr_surface), not per frame.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import pygame
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

from cinema.core.view import JoinInfo
from cinema.display.canvas import Canvas
from cinema.display.icons import square
from cinema.display.layout import row, stack
from cinema.display.theme import ink_on
from cinema.locale import N_

QUIET = 4  # light modules around a code: the QR standard's quiet zone
MAX_MODULE = 14  # pixels a module: a bigger code scans from further back, but not larger than this
DARK = (0, 0, 0)
LIGHT = (255, 255, 255)
PANEL_SHARE = 0.40  # the share of the width the panel takes beside a list (attendance, home)
LIST_MIN_WIDTH = 700  # the home screen's lessons keep this much width beside the panel, else it goes under them
BAND_SHARE = 0.40  # ... taking this share of the list's height
CORNER_SHARE = 0.13  # the corner strip's QR code: about this share of the screen's height ...
CORNER_MIN_MODULE = 2  # ... with modules at least this many pixels (a phone held near the screen reads it)

CODE = N_("Code")


# ---- QR codes ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of `text`'s QR code (True = dark), level M (a projector's blur and a room's light
    take some), the smallest version that holds it, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in line) for line in code.get_matrix())


def qr_modules(text: str) -> int:
    """The code's width in modules, quiet zone included; 0 when `text` is more than a QR code holds
    (2,331 bytes at level M; never from the hub)."""
    try:
        return len(qr_matrix(text)) + 2 * QUIET
    except (DataOverflowError, ValueError):  # qrcode 8 says "Invalid version (was 41...)"
        return 0


def module_for(text: str, side: int) -> int:
    """The largest whole number of pixels a module that fits the code in `side` pixels (0: it does not)."""
    modules = qr_modules(text)
    return min(MAX_MODULE, side // modules) if modules else 0


@functools.lru_cache(maxsize=16)
def qr_surface(text: str, module: int) -> pygame.Surface:
    """The code as a picture, `module` pixels a module, quiet zone included (made once per text and
    size: the renderer draws every second)."""
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * QUIET
    small = pygame.Surface((side, side))
    small.fill(LIGHT)
    for y, line in enumerate(matrix):
        for x, dark in enumerate(line):
            if dark:
                small.set_at((x + QUIET, y + QUIET), DARK)
    # pygame's plain scale copies pixels (no smoothing): each module stays a sharp square.
    return pygame.transform.scale(small, (side * module, side * module))


def draw_qr(c: Canvas, name: str, text: str, box: pygame.Rect, module: int | None = None) -> pygame.Rect | None:
    """The code of `text` centred in `box`, as big as fits with whole-pixel modules (or `module`);
    None when `box` is too small for one pixel a module, or the text too long for any QR code (no code
    is better than one that cannot scan)."""
    module = module or module_for(text, min(box.width, box.height))
    if module < 1 or not qr_modules(text):
        return None
    picture = qr_surface(text, module)
    rect = picture.get_rect(center=box.center)
    c.surface.blit(picture, rect)
    return c.record(name, rect, "image")


# ---- pictures ----------------------------------------------------------------------------------


def wifi_sign(surface: pygame.Surface, rect: pygame.Rect, color) -> None:
    """The Wi-Fi sign: a dot and three arcs above it."""
    r = square(rect)
    s = r.width
    base = (r.centerx, r.top + round(s * 0.84))
    pygame.draw.circle(surface, color, base, max(2, round(s * 0.08)))
    width = max(2, round(s * 0.08))
    for radius in (s * 0.30, s * 0.50, s * 0.70):
        arc = pygame.Rect(0, 0, round(radius * 2), round(radius * 2))
        arc.center = base
        pygame.draw.arc(surface, color, arc, math.pi / 4, 3 * math.pi / 4, width)


def phone_sign(surface: pygame.Surface, rect: pygame.Rect, color) -> None:
    """A phone: its body, the screen and the button."""
    r = square(rect)
    s = r.width
    body = pygame.Rect(0, 0, round(s * 0.54), round(s * 0.94))
    body.center = r.center
    radius = max(2, round(s * 0.09))
    pygame.draw.rect(surface, color, body, border_radius=radius)
    glass = body.inflate(-round(s * 0.12), -round(s * 0.3))
    glass.top = body.top + round(s * 0.1)
    pygame.draw.rect(surface, (0, 0, 0), glass, border_radius=max(1, radius // 3))
    pygame.draw.circle(surface, (0, 0, 0), (body.centerx, body.bottom - round(s * 0.09)), max(1, round(s * 0.05)))


def step_number(c: Canvas, name: str, box: pygame.Rect, number: int) -> None:
    """The step's number in a round badge: first the Wi-Fi, then the page."""
    side = min(box.width, box.height)
    disc = pygame.Rect(0, 0, side, side)
    disc.center = box.center
    pygame.draw.circle(c.surface, c.theme.accent, disc.center, side // 2)
    c.record(name + ".badge", disc, "icon")
    c.text(name, str(number), disc, max(c.metrics.min_text, round(side * 0.7)), color=ink_on(c.theme.accent),
           bold=True, align="center", valign="center", max_lines=1)


# ---- what a panel shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str  # layout name: "join.wifi" or "join.page"
    qr: str  # the QR code's text
    caption: str  # under the code: the network's name, the page's address
    sign: Callable[..., None]


def short_address(url: str) -> str:
    """The page's address as a teacher types it: host and port, no scheme, no path (the code is shown
    big beside it and the page asks for it)."""
    parts = urlsplit(url)
    return parts.netloc or url


def steps(join: JoinInfo) -> list[Step]:
    out = []
    if join.wifi_qr:
        out.append(Step("join.wifi", join.wifi_qr, join.wifi_name, wifi_sign))
    out.append(Step("join.page", join.url, short_address(join.url), phone_sign))
    return out


def phones_text(c: Canvas, n: int) -> str:
    return c.ngettext("%(n)d phone", "%(n)d phones", n) % {"n": n}


# ---- the full panel (title, attendance, home) -------------------------------------------------


def draw_panel(c: Canvas, join: JoinInfo, box: pygame.Rect) -> None:
    """The whole way in, fitted to `box`: the steps side by side (a Wi-Fi sign and its code, a phone and
    the page's code), and the session code with the phones joined beside them in a wide box, under
    them in a narrow one."""
    m = c.metrics
    c.panel(box, color=c.theme.panel, edge=c.theme.panel_edge)
    inner = box.inflate(-2 * m.gap, -2 * m.gap)
    items = steps(join)
    wide = inner.width >= inner.height * 1.6
    if wide:
        one_line = c.text_width(c._(CODE), m.min_text) + 2 + m.gap + _code_width(c, join, m.heading)
        code_w = max(round(inner.width * 0.26), one_line)
        step_w = (inner.width - code_w - m.margin * len(items)) // len(items)
        cols = row(inner, [step_w] * len(items) + [code_w], m.margin, c.rtl)
        steps_box, code_box = None, cols[-1]
        cells = cols[:-1]
    else:
        code_h = c.line_height(m.heading, bold=True) + c.line_height(m.body) + m.gap
        steps_box, code_box = stack(inner, [inner.height - code_h - m.gap, code_h], m.gap)
        step_w = (steps_box.width - m.gap * (len(items) - 1)) // len(items)
        cells = row(steps_box, [step_w] * len(items), m.gap, c.rtl)
    under = all(c.text_width(s.caption, m.min_text) + 2 <= cell.width for s, cell in zip(items, cells))
    if not under:
        cells = _captions_below(c, items, cells, wide)
    for number, (step, cell) in enumerate(zip(items, cells), start=1 if len(items) > 1 else 0):
        _step(c, step, cell, number, caption=under)
    _code_block(c, join, code_box)


def _captions_below(c: Canvas, items: list[Step], cells: list[pygame.Rect], wide: bool) -> list[pygame.Rect]:
    """The captions too wide for their columns, under all the steps instead, each after its picture: one
    line each in a narrow panel (two for a long address, broken anywhere: it is typed, not read); in a
    low wide one a single line (both side by side if they fit, else the page's address, which a phone
    without a camera types). Returns the cells left for the steps."""
    m = c.metrics
    line_h = c.line_height(m.min_text)
    region = cells[0].unionall(cells[1:])
    captions = [s for s in items if s.caption]
    widths = [line_h + m.gap + c.text_width(s.caption, m.min_text) + 2 for s in captions]
    if not wide:
        lines = [([s], 1 if w <= region.width else 2) for s, w in zip(captions, widths)]
    elif sum(widths) + m.margin * (len(widths) - 1) <= region.width:
        lines = [(captions, 1)]
    else:
        lines = [([captions[-1]], 1)] if captions else []
    room = sum(n * line_h + m.gap // 2 for _, n in lines)
    top = region.bottom - room + m.gap // 2
    for line_steps, n in lines:
        line = pygame.Rect(region.left, top, region.width, n * line_h)
        top = line.bottom + m.gap // 2
        parts = row(line, [w for s, w in zip(captions, widths) if s in line_steps], m.margin, c.rtl) \
            if len(line_steps) > 1 else [line]
        for step, part in zip(line_steps, parts):
            _sign_and_words(c, step.name + ".caption", part, step.sign, step.caption, n)
    return [pygame.Rect(cell.left, cell.top, cell.width, cell.height - room) for cell in cells]


def _step(c: Canvas, step: Step, cell: pygame.Rect, number: int, caption: bool) -> None:
    """One step: its number and picture over the code in a column, beside it in a low wide cell; the
    caption under the code."""
    m = c.metrics
    head_h = max(c.line_height(m.min_text), min(round(cell.height * 0.2), c.line_height(m.heading)))
    caption_h = c.line_height(m.min_text) if caption and step.caption else 0
    beside = cell.width >= cell.height * 1.1
    if beside:
        rest, words = stack(cell, [cell.height - caption_h - m.gap, caption_h], m.gap)
        side = min(rest.height, rest.width - head_h - m.gap)
        pair = pygame.Rect(rest.centerx - (head_h + m.gap + side) // 2, rest.top, head_h + m.gap + side, rest.height)
        column = pygame.Rect(pair.left, pair.centery - (2 * head_h + m.gap) // 2, head_h, 2 * head_h + m.gap)
        badge, sign = (stack(column, [head_h, head_h], m.gap) if number
                       else (None, pygame.Rect(column.left, column.centery - head_h // 2, head_h, head_h)))
        badge = c.mirror(badge, pair) if badge is not None else None
        sign = c.mirror(sign, pair)
        code = c.mirror(pygame.Rect(pair.right - side, pair.top, side, pair.height), pair)
    else:
        head, code, words = stack(cell, [head_h, cell.height - head_h - caption_h - 2 * m.gap, caption_h], m.gap)
        pair_w = (head_h + m.gap if number else 0) + head_h
        pair = pygame.Rect(head.centerx - pair_w // 2, head.top, pair_w, head_h)
        badge = c.mirror(pygame.Rect(pair.left, pair.top, head_h, head_h), pair) if number else None
        sign = c.mirror(pygame.Rect(pair.right - head_h, pair.top, head_h, head_h), pair)
    if badge is not None:
        step_number(c, step.name + ".step", badge, number)
    c.icon(step.name + ".sign", sign, step.sign, c.theme.text)
    draw_qr(c, step.name + ".qr", step.qr, code)
    if caption_h:
        c.text(step.name + ".caption", step.caption, words, m.min_text, color=c.theme.muted, align="center",
               valign="center", max_lines=1, native_digits=False)


def _sign_and_words(c: Canvas, name: str, line: pygame.Rect, sign, words: str, lines: int = 1) -> None:
    m = c.metrics
    side = c.line_height(m.min_text)
    c.icon(name + ".sign", c.mirror(pygame.Rect(line.left, line.top, side, side), line).inflate(-side // 6, -side // 6),
           sign, c.theme.muted)
    c.text(name, words, c.mirror(pygame.Rect(line.left + side + m.gap, line.top, line.width - side - m.gap,
                                             line.height), line),
           m.min_text, color=c.theme.muted, valign="center", max_lines=lines, native_digits=False)


def _code_width(c: Canvas, join: JoinInfo, size: int) -> int:
    return c.text_width(join.code, size, bold=True) + 2 * c.metrics.gap


def _code_block(c: Canvas, join: JoinInfo, box: pygame.Rect) -> None:
    """'Code' and the session code (as typed: Latin letters and digits), as big as the box allows (over
    each other, or on one line in a low box); under them the phones joined."""
    m = c.metrics
    count_h = c.line_height(m.body)
    label_h = c.line_height(m.min_text)
    room = box.height - label_h - count_h - 2 * m.gap
    if room >= c.line_height(m.heading, bold=True):  # 'Code' over the code, in the middle (not stretched)
        code_h = min(room, round(c.line_height(m.huge, bold=True) * 1.1))
        top = box.top + (box.height - label_h - code_h - count_h - 2 * m.gap) // 2
        box = pygame.Rect(box.left, top, box.width, label_h + code_h + count_h + 2 * m.gap)
        label, code, count = stack(box, [label_h, code_h, count_h], m.gap)
        c.text("join.code.label", c._(CODE), label, m.min_text, color=c.theme.muted, align="center",
               valign="bottom", max_lines=1)
        c.text("join.code", join.code, code, m.huge, bold=True, align="center", valign="center", max_lines=1,
               native_digits=False)
    else:  # 'Code K7P2' on one line
        line, count = stack(box, [box.height - count_h - m.gap, count_h], m.gap)
        label_text = c._(CODE)
        label_w = min(line.width // 2, c.text_width(label_text, m.min_text) + 2)
        code_w = min(line.width - label_w - m.gap, _code_width(c, join, m.heading))
        pair = pygame.Rect(line.left + (line.width - label_w - m.gap - code_w) // 2, line.top,
                           label_w + m.gap + code_w, line.height)
        c.text("join.code.label", label_text, c.mirror(pygame.Rect(pair.left, pair.top, label_w, pair.height), pair),
               m.min_text, color=c.theme.muted, valign="center", max_lines=1)
        c.text("join.code", join.code, c.mirror(pygame.Rect(pair.right - code_w, pair.top, code_w, pair.height), pair),
               m.heading, bold=True, align="center", valign="center", max_lines=1, native_digits=False)
    _phones(c, count, join.phones)


def _phones(c: Canvas, box: pygame.Rect, n: int) -> None:
    """A phone and how many joined, the pair centred in `box`."""
    m = c.metrics
    size = m.body
    text = phones_text(c, n)
    side = min(box.height, c.line_height(size))
    width = min(box.width - side - m.gap, c.text_width(text, size) + 2)
    pair = pygame.Rect(box.left + (box.width - side - m.gap - width) // 2, box.top, side + m.gap + width, box.height)
    c.icon("join.phones.sign", c.mirror(pygame.Rect(pair.left, pair.top + (pair.height - side) // 2, side, side),
                                        pair), phone_sign, c.theme.good if n else c.theme.muted)
    c.text("join.phones", text, c.mirror(pygame.Rect(pair.left + side + m.gap, pair.top, width, pair.height), pair),
           size, valign="center", max_lines=1)


# ---- the corner strip (question, check-in) ----------------------------------------------------


def corner_module(c: Canvas, join: JoinInfo) -> int:
    modules = qr_modules(join.url)
    return max(CORNER_MIN_MODULE, round(c.metrics.height * CORNER_SHARE / modules)) if modules else 0


def corner_size(c: Canvas, join: JoinInfo) -> tuple[int, int]:
    """The strip's width and height: the code's letters beside the page's QR code (a square as high as
    the code's line when the address cannot be a code)."""
    side = corner_module(c, join) * qr_modules(join.url) or c.line_height(c.metrics.heading, bold=True)
    return _code_width(c, join, c.metrics.heading) + c.metrics.gap + side, side


def footer_with_corner(c: Canvas, footer: pygame.Rect, join: JoinInfo | None) -> pygame.Rect:
    """A screen's footer row with the corner strip at its end (drawn there); returns what is left of the
    row for the screen's own words (all of it without a hub)."""
    if join is None:
        return footer
    w, h = corner_size(c, join)
    strip = c.mirror(pygame.Rect(footer.right - w, footer.bottom - h, w, h), footer)
    draw_corner(c, join, strip)
    return c.mirror(pygame.Rect(footer.left, footer.top, footer.width - w - c.metrics.gap, footer.height), footer)


def footer_height(c: Canvas, join: JoinInfo | None, height: int) -> int:
    """A footer row `height` high, made tall enough for the corner strip when the hub serves."""
    return height if join is None else max(height, corner_size(c, join)[1])


def draw_corner(c: Canvas, join: JoinInfo, strip: pygame.Rect) -> None:
    """The session code and the page's QR code at the screen's end corner (the code on the outer side)."""
    side = strip.height
    qr_box = c.mirror(pygame.Rect(strip.right - side, strip.top, side, side), strip)
    draw_qr(c, "join.corner.qr", join.url, qr_box, corner_module(c, join))
    words = c.mirror(pygame.Rect(strip.left, strip.top, strip.width - side - c.metrics.gap, side), strip)
    c.text("join.corner.code", join.code, words, c.metrics.heading, bold=True, align="end", valign="center",
           max_lines=1, native_digits=False)
