"""The attendance and clicker-pairing screens: how many are here (of how many), and the last cards scanned:
a tick and the name for accepted cards, a cross and the reason for refused ones."""

from __future__ import annotations

import pygame

from cinema.core.view import AttendanceBody, Screen, View
from cinema.display import icons
from cinema.display.canvas import Canvas, LiveArea
from cinema.display.join_panel import PANEL_SHARE, draw_panel
from cinema.display.layout import split_columns, stack
from cinema.display.overlays import toast_room


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: AttendanceBody = view.body
    m, area = c.metrics, c.content
    if view.join is not None:  # the hub serves: how phones join, in a column at the end side
        panel_w = round(area.width * PANEL_SHARE)
        panel = c.mirror(pygame.Rect(area.right - panel_w, area.top, panel_w, area.height), area)
        area = c.mirror(pygame.Rect(area.left, area.top, area.width - panel_w - m.margin, area.height), area)
        if view.toast:
            panel.height = max(0, panel.height - toast_room(c))
        draw_panel(c, view.join, panel)
    # Room for the instruction on two smaller lines: the pairing one in Ukrainian is too long for one.
    sign_h = c.line_height(m.heading)
    hint_h = max(sign_h, 2 * c.line_height(m.min_text))
    hint, main = stack(area, [hint_h, area.height - hint_h - m.gap], m.gap)
    hint_icon = c.mirror(pygame.Rect(hint.left, hint.top + (hint_h - sign_h) // 2, sign_h, sign_h), hint)
    c.icon("attendance.card", hint_icon, icons.card, c.theme.accent)
    if view.screen is Screen.PAIRING:
        # Pairing: scan a card, then press any key on the handset that child will use.
        hint_text = (c._("%(name)s: press a key on your clicker") % {"name": body.waiting} if body.waiting
                     else c._("Scan your card, then press a key on your clicker"))
    else:
        hint_text = c._("Show your card")
    c.text("attendance.hint", hint_text,
           c.mirror(pygame.Rect(hint.left + sign_h + m.gap, hint.top, hint.width - sign_h - m.gap, hint_h), hint),
           m.heading, valign="center", max_lines=2)

    count_col, list_col = split_columns(main, 2, m.margin, c.rtl)
    if view.toast:
        # The newest cards stay clear of a toast: a full disk's stays up all along over this screen,
        # and "Not saved: the disk is full" rows would end under it.
        list_col.height = max(0, list_col.height - toast_room(c))
    pairing = view.screen is Screen.PAIRING
    # The pairing count says what it counts: a bare "0" under the instruction means nothing to a class.
    of_h = c.line_height(m.heading) if body.expected or pairing else 0
    icon_h = round(count_col.height * 0.3)
    count_h = count_col.height - icon_h - of_h - 2 * m.gap
    person, count, of = stack(count_col, [icon_h, count_h, of_h], m.gap)
    # The webcam's view with each card it read outlined, where the person picture would be:
    # children see that they were seen. Only this box: each new camera picture is drawn into it
    # alone, never over the count, the names or the prompt.
    c.live_frame("attendance.preview", LiveArea(person, c.theme.background, smooth=True), frame)
    if frame is None:
        c.icon("attendance.person", icons.square(person), icons.person, c.theme.text)
    c.text("attendance.count", str(body.count), count, m.huge, bold=True, align="center", valign="center",
           max_lines=1)
    if pairing:
        label = (c.ngettext("of %(n)d clicker paired", "of %(n)d clickers paired", body.expected)
                 % {"n": body.expected} if body.expected
                 else c.ngettext("clicker paired", "clickers paired", body.count))
        c.text("attendance.expected", label, of, m.heading, align="center", color=c.theme.muted, max_lines=1)
    elif body.expected:
        c.text("attendance.expected", c._("of %(n)d") % {"n": body.expected}, of, m.heading,
               align="center", color=c.theme.muted, max_lines=1)

    # Names are big; a refused card's reason is one size for all rows, on one or two lines.
    name_h = c.line_height(m.body)
    mark_side = c.line_height(m.min_text)
    words_w = list_col.width - mark_side - m.gap
    y = list_col.top
    for i, scan in enumerate(body.recent):
        if scan.accepted and not scan.msg:
            text, line_h = scan.label, name_h
        elif scan.accepted:  # accepted with a word for the teacher (a card to reprint)
            text = f"{scan.label} — {c._(scan.msg)}"
            lines = len(c.text_renderer.wrap(text, words_w, m.min_text, c.rtl))
            line_h = c.line_height(m.min_text) * min(2, lines)
        else:
            reason = c._(scan.msg) if scan.msg else c._("Card not recognised")
            text = f"{scan.label} — {reason}" if scan.label else reason
            lines = len(c.text_renderer.wrap(text, words_w, m.min_text, c.rtl))
            line_h = c.line_height(m.min_text) * min(2, lines)
        row = pygame.Rect(list_col.left, y, list_col.width, line_h)
        if row.bottom > list_col.bottom:
            break
        y = row.bottom + m.gap
        mark = c.mirror(pygame.Rect(row.left, row.centery - mark_side // 2, mark_side, mark_side), row)
        words = c.mirror(pygame.Rect(row.left + mark_side + m.gap, row.top, words_w, line_h), row)
        if scan.accepted:
            c.icon(f"scan.{i}.mark", mark, icons.tick, c.theme.good)
            if scan.msg:
                c.text(f"scan.{i}", text, words, m.min_text, valign="center", max_lines=2)
            else:
                c.text(f"scan.{i}", text, words, m.body, valign="center", max_lines=1)
        else:
            c.icon(f"scan.{i}.mark", mark, icons.cross, c.theme.bad)
            c.text(f"scan.{i}", text, words, m.min_text, valign="center", color=c.theme.bad, max_lines=2)
