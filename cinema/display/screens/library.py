"""The home screen: the lessons to choose from with the remote (title, subject, language, minutes,
whether the battery lasts), the unfinished session to resume, the menus' language and the end of
the day; a broken lesson's problems, and the question before an unfinished session is thrown away."""

from __future__ import annotations

import pygame

from cinema.core.messages import DISK_FULL
from cinema.core.view import LibraryBody, LibraryRow, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.join_panel import BAND_SHARE, LIST_MIN_WIDTH, PANEL_SHARE, draw_panel
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import key_choice
from cinema.display.theme import BLUISH_GREEN, ORANGE


def language_name(code: str) -> str:
    """A language's own name for itself (العربية, українська), so a teacher finds theirs in any menu."""
    if not code:
        return ""
    try:
        from babel import Locale, UnknownLocaleError

        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return code
    except ImportError:
        return code
    return (name[:1].upper() + name[1:]) if name else code


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: LibraryBody = view.body
    if body.mode == "problems":
        _problems(c, body)
    elif body.mode == "confirm":
        _confirm(c, body)
    else:
        _browse(c, body, view)


# ---- the list -----------------------------------------------------------------------------------

def _browse(c: Canvas, body: LibraryBody, view: View) -> None:
    m, area = c.metrics, c.content
    head_h = c.line_height(m.body, bold=True)
    head, list_area = stack(area, [head_h, area.height - head_h - m.gap], m.gap)
    if view.join is not None:  # the hub serves: how phones join, beside the list, or under it on a small screen
        panel_w = round(list_area.width * PANEL_SHARE)
        if list_area.width - panel_w - m.margin >= LIST_MIN_WIDTH:
            draw_panel(c, view.join, c.mirror(pygame.Rect(list_area.right - panel_w, list_area.top, panel_w,
                                                          list_area.height), list_area))
            list_area = c.mirror(pygame.Rect(list_area.left, list_area.top, list_area.width - panel_w - m.margin,
                                             list_area.height), list_area)
        else:
            band_h = round(list_area.height * BAND_SHARE)
            list_area, band = stack(list_area, [list_area.height - band_h - m.gap, band_h], m.gap)
            draw_panel(c, view.join, band)
    # At the heading's end: the keys ([↑ ↓] [Enter]) and where the chosen row is ("3 / 7"), as the
    # list may go on out of sight.
    place = f"{body.selected + 1} / {len(body.rows)}"
    place_w = c.text_width(place, m.min_text) + m.gap
    tile_h = round(head_h * 0.9)
    arrows_w = max(tile_h, c.text_width("↑ ↓", round(tile_h * 0.62), bold=True) + 2 * m.gap)
    enter = c._("Enter")
    enter_w = max(tile_h, c.text_width(enter, round(tile_h * 0.62), bold=True) + 2 * m.gap)
    right = head.right - place_w
    c.text("library.place", place, c.mirror(pygame.Rect(right, head.top, place_w, head_h), head),
           m.min_text, color=c.theme.muted, align="center", valign="center", max_lines=1)
    top = head.top + (head_h - tile_h) // 2
    enter_tile = pygame.Rect(right - m.gap - enter_w, top, enter_w, tile_h)
    arrows_tile = pygame.Rect(enter_tile.left - m.gap - arrows_w, top, arrows_w, tile_h)
    c.key_tile("library.keys.choose", c.mirror(arrows_tile, head), "↑ ↓", BLUISH_GREEN)
    c.key_tile("library.keys.open", c.mirror(enter_tile, head), enter, ORANGE)
    c.text("library.heading", c._("Choose a lesson"),
           c.mirror(pygame.Rect(head.left, head.top, arrows_tile.left - m.gap - head.left, head_h), head), m.body,
           bold=True, valign="center", max_lines=1)
    notes = _notes(c, body)
    if notes:
        note_h = c.line_height(m.min_text)
        for i, (note, color, battery) in enumerate(notes):
            box = pygame.Rect(list_area.left, list_area.top + i * (note_h + m.gap // 2), list_area.width, note_h)
            sign = c.mirror(pygame.Rect(box.left, box.top, note_h, note_h), box)
            if battery:
                c.icon(f"library.note.{i}.icon", sign.inflate(-note_h // 8, -note_h // 3), icons.battery,
                       10.0 if color == c.theme.bad else 60.0, color, color)
            else:
                c.icon(f"library.note.{i}.icon", sign.inflate(-note_h // 6, -note_h // 6), icons.warning, color,
                       (0, 0, 0))
            c.text(f"library.note.{i}", note,
                   c.mirror(pygame.Rect(box.left + note_h + m.gap, box.top, box.width - note_h - m.gap, note_h), box),
                   m.min_text, color=color, valign="center", max_lines=1)
        used = len(notes) * (note_h + m.gap // 2)
        list_area = pygame.Rect(list_area.left, list_area.top + used, list_area.width, list_area.height - used)
    _rows(c, body, list_area)


def _notes(c: Canvas, body: LibraryBody) -> list[tuple[str, tuple[int, int, int], bool]]:
    """(text, colour, drawn with a battery rather than a warning sign) for each line above the list."""
    notes = []
    if body.disk in ("full", "reserve"):
        notes.append((c._(DISK_FULL) if body.disk == "full" else c._("Little disk space left: free some before "
                                                                     "the lesson"), c.theme.bad, False))
    elif body.disk == "low":
        notes.append((c._("Little disk space left: free some before the lesson"), c.theme.warn, False))
    if body.left_out:
        notes.append((c.ngettext("%(n)d more lesson file is not listed", "%(n)d more lesson files are not listed",
                                 body.left_out) % {"n": body.left_out}, c.theme.muted, False))
    battery = _battery_note(c, body)
    if battery is not None:
        notes.append(battery)
    return notes


def _battery_note(c: Canvas, body: LibraryBody) -> tuple[str, tuple[int, int, int], bool] | None:
    """On battery, for the chosen lesson: the minutes the battery gives it (its own items in order,
    cinema.core.energy) against the minutes it needs; red when it falls short."""
    row = body.rows[body.selected] if 0 <= body.selected < len(body.rows) else None
    if row is None or row.kind != "lesson" or row.battery_minutes is None or row.minutes is None:
        return None
    text = c._("Battery: about %(have)d min, lesson %(need)d min") % {"have": row.battery_minutes,
                                                                       "need": row.minutes}
    return text, c.theme.bad if row.battery == "short" else c.theme.muted, True


def _rows(c: Canvas, body: LibraryBody, area: pygame.Rect) -> None:
    m = c.metrics
    row_h = c.line_height(m.body, bold=True) + c.line_height(m.min_text) + m.gap
    fits = max(1, (area.height + m.gap // 2) // (row_h + m.gap // 2))
    rows = body.rows
    first = min(max(0, body.selected - fits // 2), max(0, len(rows) - fits))  # the chosen row stays in sight
    for n, row in enumerate(rows[first:first + fits]):
        index = first + n
        box = pygame.Rect(area.left, area.top + n * (row_h + m.gap // 2), area.width, row_h)
        _row(c, f"library.row.{index}", row, box, index == body.selected)


def _row(c: Canvas, name: str, row: LibraryRow, box: pygame.Rect, selected: bool) -> None:
    m, theme = c.metrics, c.theme
    c.panel(box, color=theme.panel, edge=theme.accent if selected else None)
    if selected:  # a thick bar at the row's start: seen from the back of the room
        bar = c.mirror(pygame.Rect(box.left, box.top, max(6, m.gap), box.height), box)
        pygame.draw.rect(c.surface, theme.accent, bar, border_radius=m.gap // 2)
    inner = box.inflate(-2 * m.gap - 2 * max(6, m.gap) // 2, -m.gap)
    icon_side = inner.height
    title_h = c.line_height(m.body, bold=True)
    side_w = _side_width(c, row, icon_side)
    text_w = inner.width - icon_side - side_w - 2 * m.gap
    icon_rect = c.mirror(pygame.Rect(inner.left, inner.top, icon_side, icon_side), inner)
    text_left = inner.left + icon_side + m.gap
    title_box = c.mirror(pygame.Rect(text_left, inner.top, text_w, title_h), inner)
    line2_box = c.mirror(pygame.Rect(text_left, inner.top + title_h, text_w, inner.height - title_h), inner)
    side_box = c.mirror(pygame.Rect(inner.right - side_w, inner.top, side_w, inner.height), inner)
    title, line2, mark = _words(c, row)
    _row_icon(c, name + ".icon", row, icon_rect.inflate(-icon_side // 5, -icon_side // 5))
    # Titles and details sit next to the row's picture, in either direction (a Latin title in an
    # Arabic list too): one edge to read down.
    c.text(name + ".title", title, title_box, m.body, bold=True, valign="center", max_lines=1)
    c.text(name + ".detail", line2, line2_box, m.min_text, color=theme.muted, valign="center", max_lines=1)
    if side_w:
        _side(c, name, row, side_box, mark)


def _words(c: Canvas, row: LibraryRow) -> tuple[str, str, str]:
    """(first line, second line, the mark at the row's end) for a row."""
    if row.kind == "resume":
        where = c._("Unfinished: item %(n)d of %(m)d") % {"n": row.item_number, "m": row.item_count}
        if row.broken:
            where = c._("Unfinished: its lesson file is missing or has problems")
        return c._("Resume “%(lesson)s”") % {"lesson": row.title}, where, ""
    if row.kind == "language":
        return language_name(row.language), c._("Language of the menus"), ""
    if row.kind == "end_day":
        return c._("End the day"), c._("Teacher PIN"), ""
    # The lesson's own words (its subject, its language's name) on one line, in their own direction;
    # the kiosk's words (minutes) go to the row's end, so the two directions never mix on a line.
    detail = " · ".join(p for p in (row.subject, language_name(row.language)) if p)
    if row.broken:
        detail = c.ngettext("%(n)d problem", "%(n)d problems", row.problems) % {"n": row.problems}
    return row.title, detail, c._("Cannot start") if row.broken else ""


def _minutes(c: Canvas, row: LibraryRow) -> str:
    if row.minutes is None or row.broken:
        return ""
    return c.ngettext("%(n)d min", "%(n)d min", row.minutes) % {"n": row.minutes}


def _side_width(c: Canvas, row: LibraryRow, height: int) -> int:
    if row.kind not in ("lesson", "resume"):
        return 0
    if row.broken and row.kind == "lesson":
        return min(c.content.width // 4, c.text_width(c._("Cannot start"), c.metrics.min_text) + height // 2)
    return max(height * 2 // 3 if row.battery else 0, c.text_width(_minutes(c, row), c.metrics.min_text) + 4)


def _side(c: Canvas, name: str, row: LibraryRow, box: pygame.Rect, mark: str) -> None:
    """The length in minutes over a battery: green, it lasts; a plug bolt, charging; red, it does not."""
    theme = c.theme
    if mark:
        c.text(name + ".mark", mark, box, c.metrics.min_text, color=theme.warn, align="center", valign="center",
               max_lines=2)
        return
    text_h = c.line_height(c.metrics.min_text)
    minutes = _minutes(c, row)
    if minutes:
        c.text(name + ".minutes", minutes, pygame.Rect(box.left, box.top, box.width, text_h), c.metrics.min_text,
               color=theme.bad if row.battery == "short" else theme.text, align="center", valign="center",
               max_lines=1)
    below = pygame.Rect(box.left, box.top + text_h, box.width, box.height - text_h)
    side_h = min(below.height - 4, box.height // 3)
    side = pygame.Rect(0, 0, side_h * 2, side_h)
    side.center = below.center
    if row.battery == "plugged":
        c.icon(name + ".battery", side, icons.battery, 100.0, theme.good, theme.good, True)
    elif row.battery == "lasts":
        c.icon(name + ".battery", side, icons.battery, 80.0, theme.good, theme.good)
    elif row.battery == "short":
        c.icon(name + ".battery", side, icons.battery, 10.0, theme.bad, theme.bad)


def _row_icon(c: Canvas, name: str, row: LibraryRow, rect: pygame.Rect) -> None:
    theme = c.theme
    if row.broken:
        c.icon(name, rect, icons.warning, theme.warn, (0, 0, 0))
    elif row.kind == "resume":
        c.icon(name, rect, _play, theme.good)
    elif row.kind == "lesson":
        c.icon(name, rect, _play, theme.accent)
    elif row.kind == "language":
        c.icon(name, rect, _globe, theme.text)
    else:
        c.icon(name, rect, icons.lock, theme.muted)


def _play(surface: pygame.Surface, rect: pygame.Rect, color) -> None:
    side = min(rect.width, rect.height)
    r = pygame.Rect(0, 0, side, side)
    r.center = rect.center
    pygame.draw.circle(surface, color, r.center, side // 2, max(2, side // 12))
    a = side // 4
    cx, cy = r.center
    pygame.draw.polygon(surface, color, [(cx - a * 2 // 3, cy - a), (cx - a * 2 // 3, cy + a), (cx + a, cy)])


def _globe(surface: pygame.Surface, rect: pygame.Rect, color) -> None:
    side = min(rect.width, rect.height)
    r = pygame.Rect(0, 0, side, side)
    r.center = rect.center
    w = max(2, side // 14)
    pygame.draw.circle(surface, color, r.center, side // 2, w)
    pygame.draw.ellipse(surface, color, r.inflate(-side // 2, 0), w)
    pygame.draw.line(surface, color, (r.left, r.centery), (r.right, r.centery), w)


# ---- a broken lesson's problems -------------------------------------------------------------------

def _problems(c: Canvas, body: LibraryBody) -> None:
    m, area = c.metrics, c.content
    head_h = c.line_height(m.heading, bold=True)
    title_h = c.line_height(m.body)
    keys_h = round(c.line_height(m.min_text) * 1.3)
    head, title, rest, keys = stack(area, [head_h, title_h, area.height - head_h - title_h - keys_h - 3 * m.gap,
                                           keys_h], m.gap)
    sign = c.mirror(pygame.Rect(head.left, head.top, head_h, head_h), head)
    c.icon("library.problems.sign", sign, icons.warning, c.theme.warn, (0, 0, 0))
    c.text("library.problems.heading", c._("This lesson cannot be started"),
           c.mirror(pygame.Rect(head.left + head_h + m.gap, head.top, head.width - head_h - m.gap, head_h), head),
           m.heading, bold=True, valign="center", max_lines=1)
    c.text("library.problems.title", body.problems_title, title, m.body, color=c.theme.muted, max_lines=1,
           align="auto")
    c.panel(rest, edge=c.theme.panel_edge)
    inner = rest.inflate(-2 * m.gap, -2 * m.gap)
    line_h = c.line_height(m.min_text)
    problems = body.problems[body.problems_offset:]
    y, shown = inner.top, 0
    for i, problem in enumerate(problems):
        left_after = len(problems) - i - 1
        room = inner.bottom - y - (line_h if left_after else 0)  # keep room for "and N more"
        if room < line_h:
            break
        box = pygame.Rect(inner.left, y, inner.width, min(room, line_h * 3))
        text = "• " + problem
        if shown and c.text_renderer.fit(text, box.width, box.height, m.min_text, m.min_text, c.rtl, False, 3).cut:
            break  # whole problems only: the teacher scrolls to read the next one
        drawn = c.text(f"library.problem.{body.problems_offset + i}", text, box, m.min_text, max_lines=3,
                       align="auto")
        y = drawn.bottom + m.gap // 2
        shown += 1
    hidden = len(problems) - shown
    if hidden:
        more = c.ngettext("…and %(n)d more problem", "…and %(n)d more problems", hidden) % {"n": hidden}
        c.text("library.problems.more", more, pygame.Rect(inner.left, y, inner.width, inner.bottom - y), m.min_text,
               color=c.theme.muted, max_lines=1)
    scroll, back = split_columns(keys, 2, m.margin, c.rtl)
    if len(body.problems) > 1:
        key_choice(c, "library.keys.scroll", scroll, "↑ ↓", c._("Read on"), BLUISH_GREEN, c.metrics.min_text)
    key_choice(c, "library.keys.back", back, c._("Enter"), c._("Back"), ORANGE, c.metrics.min_text)


# ---- throwing an unfinished session away --------------------------------------------------------

def _confirm(c: Canvas, body: LibraryBody) -> None:
    m, area = c.metrics, c.content
    question_h = c.line_height(m.heading, bold=True) * 2
    detail_h = c.line_height(m.body) * 3
    keys_h = round(c.line_height(m.body) * 1.6)
    spare = area.height - question_h - detail_h - keys_h - 2 * m.margin
    top = pygame.Rect(area.left, area.top + max(0, spare // 2), area.width, area.height - max(0, spare // 2))
    question, detail, keys = stack(top, [question_h, detail_h, keys_h], m.margin)
    c.text("library.confirm.question", c._("Start “%(lesson)s”?") % {"lesson": body.chosen_title}, question,
           m.heading, bold=True, align="center", valign="bottom", max_lines=2)
    c.text("library.confirm.detail",
           c._("The unfinished lesson “%(lesson)s” will not be resumed. What it recorded stays in the journal.")
           % {"lesson": body.discard_title}, detail, m.body, align="center", color=c.theme.muted, max_lines=3)
    start, back = split_columns(keys, 2, m.margin, c.rtl)
    key_choice(c, "library.confirm.start", start, c._("Enter"), c._("Start"), ORANGE, c.metrics.min_text)
    key_choice(c, "library.confirm.back", back, "N", c._("Back"), BLUISH_GREEN, c.metrics.min_text)

