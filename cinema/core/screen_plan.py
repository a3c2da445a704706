"""Which window goes on which screen: from the monitors the laptop sees and the display settings, one
window (the class's) or two (the class's on the projector, the teacher's on the laptop), and what
changed since the last look (a projector plugged in, unplugged, mirrored or at a new resolution).

Pure: the display adapter (cinema/display/monitors.py) reads the monitors; this only decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cinema.core.records import DisplayChanged

SINGLE = "single"
PRESENTER = "presenter"

# What a laptop's own panel is called by the X server / the kernel (eDP-1, LVDS1, DSI-1, eDP1...).
PANEL_NAME = re.compile(r"^(edp|lvds|dsi)", re.IGNORECASE)


@dataclass(frozen=True)
class Monitor:
    """One screen as the laptop sees it: its output's name and its rectangle on the desktop."""

    name: str
    x: int
    y: int
    width: int
    height: int
    primary: bool = False
    sdl_index: int = -1  # read from SDL's own display list (off X11): place windows by it, not by x and y

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def panel(self) -> bool:
        """The laptop's own screen (by the name its output has)."""
        return bool(PANEL_NAME.match(self.name))

    def overlaps(self, other: "Monitor") -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass(frozen=True)
class ScreenPlan:
    """The windows to open: `class_screen` always (None: the monitors are not known, e.g. headless:
    the window opens as it always did), `teacher_screen` only in presenter mode."""

    mode: str
    class_screen: Monitor | None
    teacher_screen: Monitor | None = None
    screens: int = 1  # distinct screens (mirrored ones count once)
    mirrored: bool = False  # two or more outputs show the same picture

    @property
    def presenter(self) -> bool:
        return self.mode == PRESENTER


def distinct_screens(monitors: tuple[Monitor, ...]) -> list[list[Monitor]]:
    """Monitors grouped by what they show: outputs whose rectangles overlap mirror each other (a
    projector cloned at another resolution overlaps the panel at the same corner)."""
    groups: list[list[Monitor]] = []
    for monitor in monitors:
        for group in groups:
            if any(monitor.overlaps(m) for m in group):
                group.append(monitor)
                break
        else:
            groups.append([monitor])
    return groups


def plan_screens(monitors: tuple[Monitor, ...] | None, *, teacher_screen: str = "auto",
                 display_index: int = 0) -> ScreenPlan:
    """One window or two. Two only when `teacher_screen` is "auto" and there are two screens that do
    not mirror each other: the teacher's on the laptop's own panel (by its name), the class's on the
    other; with no panel name among them, the teacher's on the X server's primary monitor (a laptop makes
    its own screen primary) when exactly one is; else the class's on the configured display
    (`display_index`) and the teacher's on the next one. With one screen, or mirrored ones, the class window goes on the
    configured display (else the first) as it always did."""
    if not monitors:
        return ScreenPlan(SINGLE, None, None, 0)
    monitors = tuple(m for m in monitors if m.width > 0 and m.height > 0) or monitors
    groups = distinct_screens(monitors)
    # A group's representative: its panel (the teacher sees the laptop's own resolution), else its largest.
    screens = [next((m for m in g if m.panel), max(g, key=lambda m: m.width * m.height)) for g in groups]
    mirrored = any(len(g) > 1 for g in groups)
    if len(screens) < 2 or teacher_screen == "off":
        index = display_index if 0 <= display_index < len(monitors) else 0
        chosen = monitors[index]
        # A mirrored pair shows one picture: lay it out for the biggest rectangle of the group.
        group = next(g for g in groups if chosen in g)
        class_screen = chosen if len(group) == 1 else max(group, key=lambda m: m.width * m.height)
        return ScreenPlan(SINGLE, class_screen, None, len(screens), mirrored)
    panels = [m for m in screens if m.panel]
    primaries = [m for m in screens if m.primary]
    if panels or len(primaries) == 1:
        teacher = panels[0] if panels else primaries[0]
        class_screen = next(m for m in screens if m is not teacher)
    else:
        index = display_index if 0 <= display_index < len(screens) else 0
        class_screen = screens[index]
        teacher = screens[(index + 1) % len(screens)]
    return ScreenPlan(PRESENTER, class_screen, teacher, len(screens), mirrored)


def change_reason(old: ScreenPlan | None, new: ScreenPlan) -> str | None:
    """Why the windows must be made again ("plugged", "unplugged", "mirrored", "resized"), or None when
    the same windows still fit; "start" for the first plan."""
    if old is None:
        return "start"
    if old == new:
        return None
    if new.screens > old.screens:
        return "plugged"
    if new.screens < old.screens:
        return "mirrored" if new.mirrored and not old.mirrored else "unplugged"
    if new.mirrored != old.mirrored:
        return "mirrored"
    return "resized"


def display_record(plan: ScreenPlan, reason: str) -> DisplayChanged:
    return DisplayChanged(mode=plan.mode, reason=reason, screens=max(plan.screens, 1),
                          class_size=plan.class_screen.size if plan.class_screen else "",
                          teacher_size=plan.teacher_screen.size if plan.teacher_screen else "")
