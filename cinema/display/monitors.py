"""The monitors the laptop has now: read from the X server's RandR (python-xlib) on X11, else SDL's list.

SDL2 does not update its display list when an output is turned off or changes mode, and pygame-ce has
no display-added/removed events, so the kiosk asks the X server itself every couple of seconds: one
RandR GetMonitors round trip, about 0.4 ms on the dummy Xorg here.
"""

from __future__ import annotations

import logging
import os
from typing import Protocol

from cinema.core.screen_plan import Monitor

log = logging.getLogger("cinema.kiosk")

MAX_MONITORS = 16  # a bound on what a confused X server may list


class MonitorSource(Protocol):
    def read(self) -> tuple[Monitor, ...] | None:
        """The monitors now; None when they cannot be known (then nothing is changed)."""

    def close(self) -> None: ...


class RandrMonitors:
    """The X server's active monitors (RandR 1.5 GetMonitors): names, rectangles, the primary one."""

    def __init__(self, display_name: str | None = None) -> None:
        from Xlib import display as xdisplay
        from Xlib.ext import randr

        self._display = xdisplay.Display(display_name)
        if not self._display.has_extension("RANDR"):
            self._display.close()
            raise OSError("the X server has no RandR extension")
        self._root = self._display.screen().root
        version = randr.query_version(self._display)
        if (version.major_version, version.minor_version) < (1, 5):  # GetMonitors came with RandR 1.5
            self._display.close()
            raise OSError(f"the X server's RandR is {version.major_version}.{version.minor_version}, not 1.5")
        self._names: dict[int, str] = {}

    def read(self) -> tuple[Monitor, ...] | None:
        from Xlib.ext import randr

        try:
            reply = randr.get_monitors(self._root, True)
            monitors = []
            for m in list(reply.monitors)[:MAX_MONITORS]:
                monitors.append(Monitor(self._name(m.name), int(m.x), int(m.y), int(m.width_in_pixels),
                                        int(m.height_in_pixels), bool(m.primary)))
        except Exception as exc:  # a broken connection, a server going away: keep the windows as they are
            log.warning("monitors cannot be read from the X server: %s", exc)
            return None
        return tuple(monitors)

    def _name(self, atom: int) -> str:
        if atom not in self._names:
            self._names[atom] = self._display.get_atom_name(atom) or f"output-{atom}"
        return self._names[atom]

    def close(self) -> None:
        try:
            self._display.close()
        except Exception:
            pass


class SdlMonitors:
    """SDL's list of displays (off X11, or when RandR cannot be read): sizes only, side by side.
    SDL does not see an output unplugged after it started; better than nothing."""

    def read(self) -> tuple[Monitor, ...] | None:
        import pygame

        try:
            sizes = pygame.display.get_desktop_sizes()
        except pygame.error:
            return None
        monitors, x = [], 0
        for i, (w, h) in enumerate(sizes[:MAX_MONITORS]):
            monitors.append(Monitor(f"display{i}", x, 0, w, h, i == 0, sdl_index=i))
            x += w
        return tuple(monitors)

    def close(self) -> None:
        pass


class FixedMonitors:
    """Monitors set by hand: headless runs and tests (`monitors` may be changed to act a replug)."""

    def __init__(self, monitors: tuple[Monitor, ...] | None = None) -> None:
        self.monitors = monitors

    def read(self) -> tuple[Monitor, ...] | None:
        return self.monitors

    def close(self) -> None:
        pass


def monitor_source(headless: bool) -> MonitorSource:
    """RandR when the kiosk draws on an X server, else SDL's list; nothing known when headless."""
    if headless:
        return FixedMonitors(None)
    if os.environ.get("DISPLAY") and os.environ.get("SDL_VIDEODRIVER", "x11") == "x11":
        try:
            return RandrMonitors(os.environ["DISPLAY"])
        except Exception as exc:  # no python-xlib, no RandR, a display that refuses us
            log.warning("monitors: RandR not usable (%s); using SDL's display list", exc)
    return SdlMonitors()
