"""The status strip (clock, battery, attendance, devices, item n / m) and the progress bar."""

from __future__ import annotations

import time
from typing import Callable

import pygame

from cinema.core.power import shown_minutes
from cinema.core.view import StatusBar, View
from cinema.display import icons
from cinema.display.canvas import Canvas


def clock_text(now: float | None) -> str:
    """HH:MM in the laptop's local time."""
    return time.strftime("%H:%M", time.localtime(now))


def battery_time_text(c: Canvas, minutes: float | None) -> str:
    whole = shown_minutes(minutes)  # the same whole minutes as the battery advice
    if whole is None:
        return ""
    if whole < 60:
        return c._("%(m)d min") % {"m": whole}
    return c._("%(h)d h %(m)02d min") % {"h": whole // 60, "m": whole % 60}


def battery_color(c: Canvas, percent: float) -> tuple[int, int, int]:
    if percent < 20:
        return c.theme.bad
    if percent < 50:
        return c.theme.warn
    return c.theme.good


Piece = tuple[str, int, Callable[[pygame.Rect], None]]


def draw_status(c: Canvas, view: View, now: float | None, compact: bool = False) -> None:
    """The strip across the top, with the progress bar under it. `compact`: only a badge in the top
    corner where reading starts, with the clock, battery level, attendance, devices and a disk warning (over a
    playing video once nothing has changed for a while: VLC then lays a small picture over each frame, not
    a band across the whole video, and the children see more of the video)."""
    m = c.metrics
    strip = pygame.Rect(0, 0, m.width, m.status_height)
    size = m.min_text
    inner = strip.inflate(-2 * m.margin, 0)
    icon_side = round(m.status_height * 0.7)
    status: StatusBar = view.status

    def text_piece(name: str, text: str, color=None) -> Piece:
        width = c.text_width(text, size)

        def draw(rect: pygame.Rect) -> None:
            c.text(name, text, rect, size, color=color, align="center", valign="center",
                   max_lines=1, kind="status")

        return (name, width, draw)

    def icon_piece(name: str, draw_icon: Callable[[pygame.Rect], None], width: int | None = None) -> Piece:
        def draw(rect: pygame.Rect) -> None:
            box = pygame.Rect(0, 0, rect.width, icon_side)
            box.center = rect.center
            draw_icon(box)
            c.record(name, box, "status")

        return (name, width or icon_side, draw)

    start: list[Piece] = [text_piece("status.clock", clock_text(now))]
    optional: list[Piece] = []  # dropped first when the strip is too narrow
    if status.battery_percent is not None:
        pct = status.battery_percent
        fill = battery_color(c, pct)
        start.append(icon_piece(
            "status.battery.icon",
            lambda r: icons.battery(c.surface, r, pct, c.theme.text, fill, status.charging),
            round(icon_side * 1.9),
        ))
        start.append(text_piece("status.battery.percent", f"{pct:.0f}%",
                                fill if pct < 20 else None))
        left = battery_time_text(c, status.battery_minutes)
        if left and not status.charging:
            optional.append(text_piece("status.battery.time", left, c.theme.muted))
    start.append(icon_piece("status.attendance.icon", lambda r: icons.person(c.surface, r, c.theme.text)))
    start.append(text_piece("status.attendance.count", str(status.attendance)))
    quiet_devices = {f"status.device.{i}" for i, dev in enumerate(status.devices) if not dev.noisy}
    for i, dev in enumerate(status.devices):
        if dev.connected and not dev.noisy and icons.is_power_source(dev.name):
            continue  # a battery reader that answers is the battery icon and percent already
        # A device sending mostly junk (a noisy scanner, a bad cable) is drawn in the warning colour and
        # says so in words: the colour alone does not tell a teacher what is wrong.
        ok_color = c.theme.warn if dev.noisy else c.theme.good
        start.append(icon_piece(
            f"status.device.{i}",
            lambda r, d=dev, ok=ok_color: icons.device(c.surface, r, d.name, d.connected, ok, c.theme.bad),
        ))
        if dev.noisy:
            start.append(text_piece(f"status.device.{i}.noisy", c._("sends junk"), c.theme.warn))
    end: list[Piece] = []
    if status.disk:
        # Never dropped for room: the teacher must see that answers are (or soon are not) being saved.
        full = status.disk == "full"
        end.append(text_piece("status.disk", c._("Disk full: not saved") if full else c._("Disk almost full"),
                              c.theme.bad if full else c.theme.warn))
    if view.item_count and not compact:
        end.append(text_piece("status.items", f"{view.item_number} / {view.item_count}"))

    gap = m.gap
    small_gap = max(3, gap // 2)
    widths = lambda pieces: sum(p[1] for p in pieces) + gap * len(pieces)  # noqa: E731
    if compact:
        # No time left on the battery (the whole strip shows it for a while whenever it changes).
        start += end  # the disk warning: never dropped
        names = [p[0] for p in start]
        while widths(start) > inner.width // 2:
            droppable = [i for i, name in enumerate(names) if name not in ("status.clock", "status.disk")]
            if not droppable:
                break
            start.pop(droppable[-1])
            names.pop(droppable[-1])
        badge = c.mirror(pygame.Rect(0, 0, widths(start) - gap + 2 * m.margin, m.status_height), strip)
        corner = {"border_bottom_left_radius" if c.rtl else "border_bottom_right_radius": m.gap}
        pygame.draw.rect(c.surface, c.theme.status_bg, badge, **corner)  # square where it meets the edges
        c.record("status", badge, "status")
        _place(c, start, badge.inflate(-2 * m.margin, 0), gap, small_gap, from_start=True)
        return
    pygame.draw.rect(c.surface, c.theme.status_bg, strip)
    c.record("status", c.metrics.status_rect, "status")
    if optional and widths(start) + widths(optional) + widths(end) <= inner.width:
        # time left goes right after the battery percent
        at = next(i for i, p in enumerate(start) if p[0] == "status.battery.percent") + 1
        start[at:at] = optional
    while widths(start) + widths(end) > inner.width and len(start) > 1:
        # A crowded strip (800x600, a full disk, a battery) loses quiet device icons first: a noisy
        # one keeps its warning colour (and its "sends junk" when there is room for the words); then
        # the rest from the end: device icons before the clock and the battery.
        quiet = [i for i, p in enumerate(start) if p[0] in quiet_devices]
        start.pop(quiet[-1] if quiet else -1)

    _place(c, start, inner, gap, small_gap, from_start=True)
    _place(c, end, inner, gap, small_gap, from_start=False)
    _draw_progress(c, view)


def _place(c: Canvas, pieces: list[Piece], inner: pygame.Rect, gap: int, small_gap: int, from_start: bool) -> None:
    """Lay pieces out from the start edge (or the end edge), in reading order."""
    # an icon and the number it labels sit close together; groups are further apart
    gaps = [small_gap if p[0].endswith(".icon") else gap for p in pieces]
    total = sum(p[1] for p in pieces) + sum(gaps[:-1])
    x = inner.left if from_start else inner.right - total
    for (_name, width, draw), after in zip(pieces, gaps):
        draw(c.mirror(pygame.Rect(x, inner.top, width, inner.height), inner))
        x += width + after


def _draw_progress(c: Canvas, view: View) -> None:
    m = c.metrics
    bar = pygame.Rect(0, m.status_height, m.width, m.progress_height)
    pygame.draw.rect(c.surface, c.theme.panel, bar)
    if view.item_count:
        fraction = max(0.0, min(1.0, view.item_number / view.item_count))
        filled = pygame.Rect(0, bar.top, round(bar.width * fraction), bar.height)
        pygame.draw.rect(c.surface, c.theme.progress, c.mirror(filled, bar))
    c.record("status.progress", bar, "status")
