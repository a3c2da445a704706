"""Marking children by hand: the roster's children matching the letters typed, one chosen, and what
Enter and Esc do. Drawn as the teacher window's page, or as a panel over the class screen when the
laptop has only one display (the status strip stays visible above it)."""

from __future__ import annotations

import pygame

from cinema.core.view import MarkPicker, PickRow
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.screens.common import choice_width
from cinema.display.theme import BLUISH_GREEN, ORANGE, REDDISH_PURPLE
from cinema.locale import N_

TITLE = N_("Mark a child present")
TYPE_LETTERS = N_("Type the first letters of the name")
NO_MATCH = N_("No name in the class list starts with these letters")
STATES = {
    "absent": N_("not here yet"),
    "card": N_("here: card scanned"),
    "teacher": N_("here: marked by hand"),
}
ENTER_MARK = N_("Mark present")
ENTER_UNDO = N_("Undo the mark")
ENTER_NOTHING = N_("Already here by card")
CLOSE = N_("Close")


def draw_overlay(c: Canvas, picker: MarkPicker) -> None:
    """The picker over the class screen (one display): a panel over everything under the status strip."""
    m = c.metrics
    shade = pygame.Rect(0, m.status_rect.bottom, m.width, m.height - m.status_rect.bottom)
    c.shade(shade, 70)
    panel = c.content.inflate(-m.gap, -m.gap)
    c.panel(panel, edge=c.theme.accent)
    c.record("overlay.picker", panel, "icon", overlay=True)
    draw_picker(c, picker, panel.inflate(-2 * m.gap, -2 * m.gap), "overlay.picker", overlay=True)


def draw_picker(c: Canvas, picker: MarkPicker, box: pygame.Rect, name: str = "picker", *,
                overlay: bool = False) -> None:
    """Top to bottom: the title, the letters typed, the matching children (the chosen one marked),
    how many more match, the message after the last choice, and the keys."""
    m = c.metrics
    title_h = c.line_height(m.body, bold=True)
    query_h = c.line_height(m.body)
    keys_h = c.line_height(m.body)
    title = pygame.Rect(box.left, box.top, box.width, title_h)
    heading = c._(TITLE)
    heading_w = min(box.width, c.text_width(heading, m.body, bold=True) + 2)
    # With no row to show, the message (no match, no class list) is said where the rows would be.
    message = c._(picker.message) if picker.rows else ""
    # The message after the last choice goes at the title line's end when it fits there, else on a line of its own.
    beside = bool(message) and c.text_width(message, m.min_text) + 2 <= box.width - heading_w - m.margin
    c.text(name + ".title", heading, c.mirror(pygame.Rect(box.left, box.top, heading_w, title_h), title), m.body,
           bold=True, valign="center", max_lines=1, overlay=overlay)
    if beside:
        c.text(name + ".message", message, c.mirror(pygame.Rect(box.left + heading_w + m.margin, box.top,
                                                                box.width - heading_w - m.margin, title_h), title),
               m.min_text, color=c.theme.good, align="end", valign="center", max_lines=1, overlay=overlay)
    query = pygame.Rect(box.left, title.bottom + m.gap, box.width, query_h)
    _query(c, name, picker.query, query, overlay)
    if message and not beside:
        # Else at the end of the box of letters typed, when the letters leave it room (a few letters do).
        typed_w = c.text_width(picker.query + "▏", m.body) + 2 if picker.query else query.width // 2
        room = query.width - 2 * m.gap - typed_w - m.margin
        if c.text_width(message, m.min_text) + 2 <= room:
            beside = True
            said = c.mirror(pygame.Rect(query.right - m.gap - room, query.top, room, query.height), query)
            c.text(name + ".message", message, said, m.min_text, color=c.theme.good, align="end", valign="center",
                   max_lines=1, overlay=overlay)
    keys_rows = _key_rows(c, picker, box.width, keys_h)
    keys = pygame.Rect(box.left, box.bottom - keys_rows * keys_h - (keys_rows - 1) * m.gap // 2,
                       box.width, keys_rows * keys_h + (keys_rows - 1) * m.gap // 2)
    bottom = keys.top - m.gap
    if message and not beside:
        said = pygame.Rect(box.left, bottom - c.line_height(m.min_text), box.width, c.line_height(m.min_text))
        c.text(name + ".message", message, said, m.min_text, color=c.theme.good, valign="center",
               max_lines=1, overlay=overlay)
        bottom = said.top - m.gap // 2
    rows = pygame.Rect(box.left, query.bottom + m.gap, box.width, max(0, bottom - query.bottom - m.gap))
    _rows(c, name, picker, rows, overlay)
    _keys(c, name, picker, keys, keys_h, keys_rows, overlay)


def _query(c: Canvas, name: str, typed: str, box: pygame.Rect, overlay: bool) -> None:
    m = c.metrics
    pygame.draw.rect(c.surface, c.theme.background, box, border_radius=m.gap // 2)
    pygame.draw.rect(c.surface, c.theme.panel_edge, box, max(2, m.gap // 4), border_radius=m.gap // 2)
    c.record(name + ".query.box", box, "icon", overlay=overlay)
    inner = box.inflate(-2 * m.gap, 0)
    if typed:
        # A name's letters in its own direction, with a caret after the last one typed.
        c.text(name + ".query", typed + "▏", inner, m.body, valign="center", max_lines=1, overlay=overlay,
               native_digits=False)
    else:
        c.text(name + ".query.hint", c._(TYPE_LETTERS), inner, m.body, color=c.theme.muted, valign="center",
               max_lines=1, overlay=overlay)


def _rows(c: Canvas, name: str, picker: MarkPicker, area: pygame.Rect, overlay: bool) -> None:
    m = c.metrics
    if not picker.rows:
        c.text(name + ".none", c._(picker.message or NO_MATCH), area, m.body, color=c.theme.muted, align="center",
               valign="center", max_lines=2, overlay=overlay)
        return
    row_h = c.line_height(m.body)
    step = row_h + m.gap // 3
    more_h = c.line_height(m.min_text)
    fits = max(1, (area.height + m.gap // 2) // step)
    shown = min(len(picker.rows), fits)
    if len(picker.rows) - shown + picker.more and shown > 1 and shown * step + more_h > area.height:
        shown -= 1  # room for the "N more" line under the rows
    left_out = len(picker.rows) - shown + picker.more
    selected = picker.selected if 0 <= picker.selected < len(picker.rows) else 0
    first = min(max(0, selected - shown // 2), max(0, len(picker.rows) - shown))  # the chosen row in sight
    for n, row in enumerate(picker.rows[first:first + shown]):
        index = first + n
        box = pygame.Rect(area.left, area.top + n * step, area.width, row_h)
        _row(c, f"{name}.row.{index}", row, box, index == picker.selected, overlay)
    if left_out:
        box = pygame.Rect(area.left, area.top + shown * step, area.width, more_h)
        c.text(name + ".more", c._("%(n)d more") % {"n": left_out}, box, m.min_text, color=c.theme.muted,
               valign="center", max_lines=1, overlay=overlay)


def _row(c: Canvas, name: str, row: PickRow, box: pygame.Rect, selected: bool, overlay: bool) -> None:
    m, theme = c.metrics, c.theme
    pygame.draw.rect(c.surface, theme.background if not selected else theme.panel, box, border_radius=m.gap // 2)
    c.record(name, box, "icon", overlay=overlay)
    if selected:
        pygame.draw.rect(c.surface, theme.accent, box, max(2, m.gap // 3), border_radius=m.gap // 2)
        bar = c.mirror(pygame.Rect(box.left, box.top, max(6, m.gap), box.height), box)
        pygame.draw.rect(c.surface, theme.accent, bar, border_radius=m.gap // 2)
    inner = box.inflate(-2 * m.gap - max(6, m.gap), 0)
    side = round(box.height * 0.62)
    mark = c.mirror(pygame.Rect(inner.left, box.top + (box.height - side) // 2, side, side), inner)
    if row.state == "card":
        c.icon(name + ".state.icon", mark, icons.card, theme.good, overlay=overlay)
    elif row.state == "teacher":
        c.icon(name + ".state.icon", mark, icons.tick, theme.good, overlay=overlay)
    else:
        c.icon(name + ".state.icon", mark,
               lambda s, r: pygame.draw.circle(s, theme.muted, r.center, r.width // 2, max(2, r.width // 10)),
               overlay=overlay)
    state = c._(STATES.get(row.state, STATES["absent"]))
    state_w = min(inner.width // 2, c.text_width(state, m.min_text) + 2)
    words_w = inner.width - side - state_w - 2 * m.gap
    label = c.mirror(pygame.Rect(inner.left + side + m.gap, box.top, words_w, box.height), inner)
    c.text(name + ".label", row.label, label, m.body, bold=selected, valign="center", max_lines=1,
           overlay=overlay, native_digits=False)  # a learner id is a code, not a number
    said = c.mirror(pygame.Rect(inner.right - state_w, box.top, state_w, box.height), inner)
    c.text(name + ".state", state, said, m.min_text, align="end",
           color=theme.good if row.state != "absent" else theme.muted, valign="center", max_lines=1,
           overlay=overlay)


def _enter_label(picker: MarkPicker) -> str:
    if not (0 <= picker.selected < len(picker.rows)):
        return ""
    state = picker.rows[picker.selected].state
    return {"teacher": ENTER_UNDO, "card": ENTER_NOTHING}.get(state, ENTER_MARK)


def _choices(c: Canvas, picker: MarkPicker) -> list[tuple[str, str, tuple[int, int, int]]]:
    enter = _enter_label(picker)
    choices = [("↑ ↓", "", BLUISH_GREEN)] if len(picker.rows) > 1 else []
    if enter:
        choices.append((c._("Enter"), c._(enter), ORANGE))
    choices.append(("Esc", c._(CLOSE), REDDISH_PURPLE))
    return choices


def _choice_width(c: Canvas, key: str, label: str, h: int) -> int:
    if label:
        return choice_width(c, key, label, h, c.metrics.min_text)
    return max(h, c.text_width(key, round(h * 0.62), bold=True) + 2 * c.metrics.gap)


def _fitted(c: Canvas, picker: MarkPicker, width: int, h: int) -> tuple[list[tuple[str, str, tuple[int, int, int]]], int]:
    """The keys to show and in how many rows: side by side when they fit; else without the arrows' cap
    (the arrows explain themselves) when that makes them fit; else one key a row."""
    m = c.metrics
    choices = _choices(c, picker)
    for shown in (choices, [ch for ch in choices if ch[0] != "↑ ↓"]):
        widths = [_choice_width(c, key, label, h) for key, label, _ in shown]
        if sum(widths) + m.margin * (len(widths) - 1) <= width:
            return shown, 1
    return choices, len(choices)


def _key_rows(c: Canvas, picker: MarkPicker, width: int, h: int) -> int:
    return _fitted(c, picker, width, h)[1]


def _keys(c: Canvas, name: str, picker: MarkPicker, box: pygame.Rect, h: int, rows: int, overlay: bool) -> None:
    m = c.metrics
    choices, rows = _fitted(c, picker, box.width, h)
    if rows == 1:
        widths = [_choice_width(c, key, label, h) for key, label, _ in choices]
        x = box.left
        cols = []
        for w in widths:
            cols.append(c.mirror(pygame.Rect(x, box.top, w, h), box))
            x += w + m.margin
    else:  # one a row; a cap with no words keeps its own width
        cols = [c.mirror(pygame.Rect(box.left, box.top + i * (h + m.gap // 2),
                                     box.width if label else min(box.width, _choice_width(c, key, label, h)), h), box)
                for i, (key, label, _) in enumerate(choices)]
    for (key, label, color), col in zip(choices, cols):
        _key(c, f"{name}.keys.{_slug(key)}", col, key, label, color, overlay)


def _slug(key: str) -> str:
    return {"↑ ↓": "choose", "Esc": "close"}.get(key, "enter")


def _key(c: Canvas, name: str, col: pygame.Rect, key: str, label: str, color, overlay: bool) -> None:
    """A key cap and what it does, from the start of `col` (the teacher reads down the keys' edge)."""
    m = c.metrics
    key_w = col.width if not label else max(
        col.height, min(col.width // 2, c.text_width(key, round(col.height * 0.62), bold=True) + 2 * m.gap))
    tile = c.mirror(pygame.Rect(col.left, col.top, key_w, col.height), col)
    c.key_tile(name, tile, key, color, overlay=overlay)
    if label:
        words = c.mirror(pygame.Rect(col.left + key_w + m.gap, col.top, col.width - key_w - m.gap, col.height), col)
        c.text(name + ".label", label, words, m.min_text, valign="center", max_lines=1, overlay=overlay)
