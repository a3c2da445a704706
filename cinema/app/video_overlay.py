"""The status bar, prompts and notices over a video VLC draws into the window itself (`video: window`).

In that mode VLC's own window covers the kiosk's, so nothing pygame draws shows while a video plays. What
pygame would draw on top (the status strip, the time bar while paused, the PIN prompt, toasts, hints, the
picker) is drawn as well on a see-through layer the size of the window; the part of it over the video, cut
to what has something on it, is handed to VLC as one PNG picture that its logo filter lays over each frame.
No frame is copied: measured in benchmarks/bench_overlays.py at the cost of bare VLC (issue 16).

The picture is made again only when what it shows changes (the clock's minute, the battery, a toast, a
digit typed into the PIN prompt), not for every frame nor for every tick. After a change the whole status
strip shows for FULL_STRIP_SECONDS; then, with nothing else over the video, only its badge in the corner
(clock, battery, attendance, devices): VLC blends its picture into every frame at a cost that grows with
its size (a strip across a 720p video: +10 % CPU against bare VLC; the badge: within noise), and the
children see the whole video. Captions are VLC's own subtitles (the player's `--sub-file`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import pygame

from cinema.app.presenter import video_as_drawn
from cinema.core.view import MediaBody, Screen, View
from cinema.display.layout import fit_rect
from cinema.display.renderer import Renderer
from cinema.display.status import clock_text
from cinema.processes import alive

log = logging.getLogger(__name__)


def _shown_part(view: View) -> View:
    """The view as far as the layer shows it: the video's position only while the time bar is up (it
    changes four times a second and is not drawn otherwise), and no phones' join panel (not drawn over video)."""
    view = video_as_drawn(view)
    body = view.body
    if isinstance(body, MediaBody) and (view.paused or body.seeking):
        body = dataclasses.replace(body, position=float(int(body.position)))  # the time bar shows whole seconds
    return dataclasses.replace(view, body=body, join=None)


FULL_STRIP_SECONDS = 8.0  # the whole status strip over a video after a change; then only its badge


def _only_status(view: View) -> bool:
    """Nothing but the status strip shows over the video: no PIN prompt, time bar, notice, advice or picker."""
    body = view.body
    return (view.pin is None and not view.paused and not (isinstance(body, MediaBody) and body.seeking)
            and not view.toast and view.power_advice is None and not view.keyboard_locked and view.picker is None)


def video_area(window: tuple[int, int], picture: tuple[int, int, float]) -> pygame.Rect:
    """Where VLC shows the video in a window of size `window`: the picture (width, height, pixel shape)
    as it looks, made as big as fits and centred (VLC's own fitting)."""
    width, height, sar = picture
    return fit_rect((max(1, round(width * sar)), height), pygame.Rect((0, 0), window))


class VideoOverlay:
    """Hands `player` (draws_overlays, video_size, set_overlay) the picture of what shows over its video.

    `show(view, renderer, window_size)` once a loop turn with the class window's view; `close()` at the
    end. The pictures are written to a folder in memory (/dev/shm) where there is one, so a full disk
    does not take the status bar away (and then only the overlay is lost: said once, the video plays on).
    """

    def __init__(self, player, folder: Path | None = None, clock=time.monotonic) -> None:
        self.player = player
        self.clock = clock
        self._content: tuple | None = None  # what was shown, but the clock's minute
        self._full_until = float("-inf")  # the whole strip shows until then, its badge after
        self._folder = folder
        self._own_folder = folder is None
        self._key: tuple | None = None
        self._view: View | None = None  # the view of the last turn looked at, and its (minute, window size)
        self._turn_key: tuple | None = None
        self._picture: tuple[int, int, float] | None = None
        self._picture_of: tuple | None = None  # (path, window size) the picture size was asked for
        self._shown = False
        self._compact = False
        self._turn = 0
        self._failed = False
        self.made = 0  # pictures made (the benchmark and tests read it)

    # ---- each turn ---------------------------------------------------------------------------

    def show(self, view: View | None, renderer: Renderer, window_size: tuple[int, int], now: float | None = None) -> None:
        if view is None or view.screen is not Screen.VIDEO or not self.player.draws_overlays:
            self.clear()
            return
        now = time.time() if now is None else now
        clock = clock_text(now)
        moment = self.clock()
        settling = (self._content is not None and not self._compact and moment >= self._full_until
                    and _only_status(view))  # the whole strip has shown long enough: its badge now
        if view is self._view and (clock, tuple(window_size)) == self._turn_key and not settling:
            return  # the loop's idle turn: the very same view (nothing came in), the same minute
        picture = self._video_picture(view, window_size)
        if picture is None:
            return  # VLC does not know the video's size yet (its first moments): asked again next turn
        self._view, self._turn_key = view, (clock, tuple(window_size))
        content = (_shown_part(view), tuple(window_size), picture, renderer.language, renderer.digits)
        if content != self._content:  # something new to see: the whole strip, for a while
            self._content = content
            self._full_until = moment + FULL_STRIP_SECONDS
        compact = moment >= self._full_until and _only_status(view)
        key = (content, clock, compact)
        if key == self._key:
            return
        self._key = key
        self._compact = compact
        self._make(view, renderer, window_size, picture, now, compact)

    def clear(self) -> None:
        """No picture over the video (the next video starts without the last one's status bar)."""
        if self._shown:
            self.player.set_overlay(None)
            self._shown = False
        self._key = self._view = self._turn_key = self._content = None
        self._picture = self._picture_of = None
        self._full_until = float("-inf")
        self._compact = False

    def close(self) -> None:
        self.clear()
        if self._own_folder and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # ---- inside --------------------------------------------------------------------------------

    def _video_picture(self, view: View, window_size: tuple[int, int]) -> tuple[int, int, float] | None:
        asked = (getattr(view.body, "path", None), tuple(window_size))
        if self._picture is None or self._picture_of != asked:
            self._picture = self.player.video_size()
            self._picture_of = asked if self._picture is not None else None
        return self._picture

    def _make(self, view: View, renderer: Renderer, window_size, picture, now: float, compact: bool) -> None:
        # The layer is drawn for the whole window, where pygame draws the same things on its own screen:
        # where the video does not reach (a 16:9 video on a 4:3 projector) pygame's drawing shows, and VLC
        # is handed only the part over the video, so the two meet without a seam.
        area = video_area(window_size, picture)
        layer = pygame.Surface(window_size, pygame.SRCALPHA)
        renderer.draw_layer(layer, view, now, compact_status=compact)
        drawn = layer.get_bounding_rect().clip(area)
        if drawn.width == 0 or drawn.height == 0:
            self.clear()
            return
        # From the screen's pixels to the video's own (VLC scales the picture with the video).
        width, height, _sar = picture
        sx, sy = width / area.width, height / area.height
        part = layer.subsurface(drawn)
        size = (max(1, round(drawn.width * sx)), max(1, round(drawn.height * sy)))
        if size != drawn.size:
            part = pygame.transform.smoothscale(part, size)
        path = self._path()
        if path is None:
            return
        try:
            pygame.image.save(part, path)
        except (OSError, pygame.error) as exc:
            if not self._failed:
                log.error("the status bar cannot be shown over the video (%s); the video plays on", exc)
            self._failed = True
            self.clear()
            return
        self._failed = False
        self.player.set_overlay(path, round((drawn.left - area.left) * sx), round((drawn.top - area.top) * sy))
        self._shown = True
        self.made += 1

    def _path(self) -> str | None:
        """A new file name each time (two in turn): VLC never reads a picture half written."""
        if self._folder is None:
            try:
                shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
                sweep_left_behind(Path(shm or tempfile.gettempdir()))
                self._folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=shm))
            except OSError as exc:
                if not self._failed:
                    log.error("no folder for the picture over the video (%s); the video plays on", exc)
                self._failed = True
                return None
        self._turn ^= 1
        return str(self._folder / f"over-video-{self._turn}.png")


FOLDER_PREFIX = "cinema-overlay-"


def sweep_left_behind(parent: Path) -> int:
    """Remove the picture folders of kiosks that are no longer running (killed, or crashed and started
    again by systemd: memory in /dev/shm is only given back at the next boot); returns how many."""
    removed = 0
    for folder in parent.glob(FOLDER_PREFIX + "*"):
        pid = folder.name[len(FOLDER_PREFIX):].split("-")[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid() or alive(int(pid)):
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed
