"""Putting Views on the kiosk window: the whole screen when anything on it changed, only the live
picture box (video, webcam) for a new frame on an unchanged screen, and PNGs of new screens."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from cinema.core.view import Screen, View

log = logging.getLogger("cinema.kiosk")


class Presenter:
    def __init__(self, renderer, window, screenshots: Path | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self.renderer = renderer
        self.window = window
        self.screenshots = screenshots  # --screenshots DIR: a PNG of each new screen
        self.wall = wall  # the status bar's clock
        self.last_view: View | None = None
        self.last_minute = -1
        self.last_serial = -1
        self.full_draws = 0
        self.frame_draws = 0
        self._shots = 0
        self._video_shot_due = False
        self._shot_scans = False
        self._first_logged = False

    def invalidate(self) -> None:
        """Draw everything on the next turn (the window was resized or replaced)."""
        self.last_view = None

    def present(self, view: View, frame, serial: int) -> None:
        now = self.wall()
        minute = int(now) // 60  # the status clock shows HH:MM: once a minute is enough
        unchanged = view == self.last_view and minute == self.last_minute
        if unchanged and serial == self.last_serial:
            return
        covered = view.pin is not None or view.paused or bool(view.toast) or view.power_advice is not None
        if unchanged and frame is not None and not covered:
            # A new frame on an unchanged screen: only the screen's live picture box is drawn.
            area = self.renderer.draw_frame(self.window.surface, frame)
            if area is not None:
                self.window.show(area)
                self.last_serial = serial
                self.frame_draws += 1
                return
        self.renderer.draw(self.window.surface, view, frame, now=now)
        self.window.show()
        self.full_draws += 1
        if self.last_view is None and not self._first_logged:
            self._first_logged = True
            log.info("first frame drawn %.3f s after the process started", _since_process_start())
        self._save_shot(view, frame)
        self.last_view, self.last_minute, self.last_serial = view, minute, serial

    def _save_shot(self, view: View, frame) -> None:
        last = self.last_view
        new_screen = last is None or (view.screen, view.item_number) != (last.screen, last.item_number)
        scans_shot = (view.screen is Screen.ATTENDANCE and view.body.count == 3  # type: ignore[union-attr]
                      and frame is not None and not self._shot_scans)
        self._shot_scans = self._shot_scans or scans_shot  # once: the camera preview with cards being read
        if self.screenshots and (new_screen or scans_shot or (self._video_shot_due and frame is not None)):
            # A video screen is saved again once its first frame is drawn.
            self._video_shot_due = new_screen and view.screen is Screen.VIDEO and frame is None
            self._shots += 1
            self.screenshots.mkdir(parents=True, exist_ok=True)
            self.window.save(self.screenshots / f"{self._shots:03d}-{view.screen.value}.png")


def _since_process_start() -> float:
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:
        return float("nan")
