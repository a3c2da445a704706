"""`cinema devices --camera`: a camera's live picture with the cards it reads, to choose the kiosk's camera.

The picture is drawn as the camera sees it (not mirrored like a video call's self-view: the
letters on the cards must read as the kiosk reads them), with a box on each answer card (its
number and the letter on top) and each QR code, and under it in plain words: the picture's size
and rate, whether it is bright and sharp enough, and how far away answer cards can be read.
Number keys switch between the cameras found, Enter chooses the one shown, Esc leaves.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import pygame

from cinema.devices.cards.camera_check import (CLASSROOM_M, PictureLook, brightness_words, look_at, reach_words,
                                               sharpness_words)
from cinema.devices.cards.decode import CAMERA_OPTIONS, Found, decode_frame
from cinema.devices.cards.markers import Marker, MarkerReader
from cinema.devices.cards.sources import FrameSource, open_camera
from cinema.display.fonts import FontBook
from cinema.display.text import TextRenderer
from cinema.display.theme import Theme
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext

WINDOW_SIZE = (1280, 720)
LOOK_EVERY = 1.0  # seconds between measures of brightness and sharpness (about 30 ms each at 1080p)
NO_PICTURE_AFTER = 2.0  # seconds without a frame before the window says so
TITLE = "Learning Cinema: camera"
NUMBER_KEYS = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)} | \
    {getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)}


@dataclass(frozen=True)
class CameraEntry:
    """A camera to offer: what opens it and what a person calls it."""

    spec: str
    name: str


class Grabber:
    """Reads a camera in its own thread, keeping the newest frame: the camera's own rate is counted
    (not the window's, which also reads cards), and a camera slow to answer never holds up the keys."""

    def __init__(self, source: FrameSource, clock: Callable[[], float]) -> None:
        self.source, self.clock = source, clock
        self._lock = threading.Lock()
        self._frame: np.ndarray | None = None
        self._fresh = False
        self._stop = threading.Event()
        self.times: deque[float] = deque(maxlen=30)
        self.failed_since: float | None = None
        self._thread = threading.Thread(target=self._run, name="camera-preview", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self.source.read()
            except Exception:  # noqa: BLE001 - a camera pulled out mid-read: no picture, said on screen
                frame = None
            now = self.clock()
            with self._lock:
                if frame is None:
                    self.failed_since = self.failed_since or now
                else:
                    self._frame, self._fresh, self.failed_since = frame, True, None
                    self.times.append(now)
            if frame is None:
                self._stop.wait(0.1)

    def take(self) -> np.ndarray | None:
        """The newest frame if it has not been taken yet, else None."""
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._frame

    @property
    def fps(self) -> float | None:
        with self._lock:
            times = list(self.times)
        if len(times) < 3 or times[-1] <= times[0]:
            return None
        return (len(times) - 1) / (times[-1] - times[0])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.5)  # a read blocked in the driver ends within its timeout
        try:
            self.source.close()
        except Exception:  # noqa: BLE001
            pass


@dataclass
class Shown:
    """What the window shows of the current camera."""

    index: int
    source: FrameSource | None = None
    grabber: Grabber | None = None
    problem: str = ""  # why there is no picture
    frame: np.ndarray | None = None
    markers: list[Marker] = field(default_factory=list)
    codes: list[Found] = field(default_factory=list)
    look: PictureLook | None = None
    looked_at: float = -1e9
    last_frame_at: float | None = None
    opened_at: float = 0.0


def no_screen() -> bool:
    """True when there is no screen to open a window on (a console over ssh, a container)."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return False  # chosen on purpose (tests use the dummy driver)
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class CameraPreview:
    """The window's state and drawing; `run` is its main loop."""

    def __init__(self, cameras: Sequence[CameraEntry], surface: pygame.Surface, *, rtl: bool = False,
                 opener: Callable[[str], FrameSource] = open_camera, clock: Callable[[], float] = time.monotonic,
                 theme: Theme | None = None, text: TextRenderer | None = None) -> None:
        if not cameras:
            raise ValueError("no camera to show")
        self.cameras = list(cameras)
        self.surface = surface
        self.rtl = rtl
        self.opener = opener
        self.clock = clock
        self.theme = theme or Theme()
        self.text = text or TextRenderer(FontBook())
        self.reader = MarkerReader()
        self.redrawn = False  # drawn outside step() (a camera switched): to be shown
        self.shown = Shown(0)
        self.switch(0)

    # ---- cameras --------------------------------------------------------------------------------
    def switch(self, index: int) -> None:
        """Show camera `index` (closing the one shown)."""
        self.close()
        self.shown = Shown(index, opened_at=self.clock())
        try:
            self.shown.source = self.opener(self.cameras[index].spec)
        except Exception as exc:  # noqa: BLE001 - unplugged, busy, no permission: said on screen
            self.shown.problem = _("cannot open this camera: {reason}").format(reason=exc)
        else:
            self.shown.grabber = Grabber(self.shown.source, self.clock)
        self.draw()
        self.redrawn = True

    def close(self) -> None:
        if self.shown.grabber is not None:
            self.shown.grabber.close()
        self.shown.grabber = self.shown.source = None

    @property
    def current(self) -> CameraEntry:
        return self.cameras[self.shown.index]

    # ---- one step -------------------------------------------------------------------------------
    def step(self) -> bool:
        """Take the newest frame, find the cards in it, measure it now and then, and draw; False
        when there was nothing new to draw."""
        shown = self.shown
        frame = shown.grabber.take() if shown.grabber is not None else None
        now = self.clock()
        if frame is not None:
            shown.frame = frame
            shown.last_frame_at = now
            shown.problem = ""
            shown.markers = self.reader.read(frame)
            shown.codes = decode_frame(frame, CAMERA_OPTIONS)
            if now - shown.looked_at >= LOOK_EVERY:
                shown.look, shown.looked_at = look_at(frame), now
        elif (shown.grabber is not None and not shown.problem
              and now - (shown.last_frame_at or shown.opened_at) >= NO_PICTURE_AFTER):
            shown.problem = _("no picture from this camera")
        else:
            return False
        self.draw()
        return True

    # ---- drawing --------------------------------------------------------------------------------
    def draw(self) -> None:
        s, t = self.surface, self.theme
        w, h = s.get_size()
        s.fill(t.background)
        margin = max(8, w // 80)
        size = max(14, min(h // 30, w // 60))
        line = self.text.metrics(size)[1]
        panel_h = 4 * line + 2 * margin
        area = pygame.Rect(0, 0, w, h - panel_h)
        shown = self.shown
        if shown.frame is not None and not shown.problem:
            self._draw_frame(area)
        else:
            s.fill(t.video_bg, area)
            words = shown.problem or _("waiting for the camera's picture…")
            self._line(words, size + 4, t.bad if shown.problem else t.muted, area.centery - line // 2, margin,
                       center=True)
        y = area.bottom + margin
        for text, color in self._info_lines():
            self._line(text, size, color, y, margin)
            y += line

    def _draw_frame(self, area: pygame.Rect) -> None:
        frame = self.shown.frame
        assert frame is not None
        fh, fw = frame.shape[:2]
        scale = min(area.width / fw, area.height / fh)
        tw, th = max(1, round(fw * scale)), max(1, round(fh * scale))
        small = cv2.resize(frame, (tw, th), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        rgb = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        if rgb.ndim == 2:
            rgb = cv2.cvtColor(rgb, cv2.COLOR_GRAY2RGB)
        picture = pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (tw, th), "RGB")
        x0, y0 = area.left + (area.width - tw) // 2, area.top + (area.height - th) // 2
        self.surface.fill(self.theme.video_bg, area)
        self.surface.blit(picture, (x0, y0))
        width = max(2, round(3 * min(1.0, scale * 2)))
        label = max(12, round(area.height / 36))

        def place(points):
            return [(x0 + x * scale, y0 + y * scale) for x, y in points]

        for marker in self.shown.markers:
            quad = place(marker.corners)
            pygame.draw.polygon(self.surface, self.theme.good, quad, width)
            tag = f"{marker.number} {marker.letter or '?'}"
            self._tag(tag, quad, label, self.theme.good)
        for code in self.shown.codes:
            quad = place(code.corners)
            pygame.draw.polygon(self.surface, self.theme.accent, quad, width)
            self._tag("QR", quad, label, self.theme.accent)  # the code's name, the same in every language

    def _tag(self, text: str, quad, size: int, color) -> None:
        """A label on a dark chip just above a box."""
        img = self.text.render_line(text, size, self.theme.text, self.rtl)
        left = min(x for x, _y in quad)
        top = min(y for _x, y in quad)
        chip = pygame.Rect(0, 0, img.get_width() + 6, img.get_height() + 2)
        chip.bottomleft = (round(left), round(top) - 2)
        chip.clamp_ip(self.surface.get_rect())
        self.surface.fill(color, chip)
        self.surface.fill(self.theme.background, chip.inflate(-2, -2))
        self.surface.blit(img, (chip.left + 3, chip.top + 1))

    def _line(self, text: str, size: int, color, y: int, margin: int, center: bool = False) -> None:
        w = self.surface.get_width()
        if self.rtl:
            # a right-to-left line even when it starts with Latin letters ("1920x1080 MJPG, ...", a
            # camera's name): U+200F RIGHT-TO-LEFT MARK decides the direction, then is not drawn
            text = "\u200f" + text
        img = self.text.render_line(text, size, color, self.rtl)
        if img.get_width() > w - 2 * margin:  # too long for the window: smaller, rather than cut
            img = pygame.transform.smoothscale(img, (w - 2 * margin, max(1, round(img.get_height() * (w - 2 * margin)
                                                                                  / img.get_width()))))
        if center:
            x = (w - img.get_width()) // 2
        else:
            x = w - margin - img.get_width() if self.rtl else margin
        self.surface.blit(img, (x, y))

    def _info_lines(self) -> list[tuple[str, tuple[int, int, int]]]:
        t, shown, cam = self.theme, self.shown, self.current
        lines = [(_("Camera {number} of {count}: {name}").format(number=shown.index + 1, count=len(self.cameras),
                                                                name=cam.name), t.text)]
        if shown.frame is not None and not shown.problem:
            fh, fw = shown.frame.shape[:2]
            mode = getattr(shown.source, "mode", None)
            fourcc = f" {mode.fourcc}" if mode is not None and mode.fourcc else ""
            rate = shown.grabber.fps if shown.grabber is not None else None
            size = _("{width}x{height}{format}, {fps} frames a second").format(
                width=fw, height=fh, format=fourcc, fps=f"{rate:.0f}" if rate else "…")
            if shown.look is not None:
                look = shown.look
                good = not (look.too_dark or look.too_bright or look.blurred(CLASSROOM_M))
                words = " · ".join([size, _("brightness: {words}").format(words=brightness_words(look)),
                                    _("sharpness: {words}").format(words=sharpness_words(look)), reach_words(look)])
                lines.append((words, t.good if good and look.reach_m >= CLASSROOM_M * 0.95 else t.warn))
            else:
                lines.append((size, t.muted))
            cards, codes = len(shown.markers), len(shown.codes)
            lines.append((_("{cards}, {codes}").format(
                cards=ngettext("{count} answer card seen", "{count} answer cards seen", cards).format(count=cards),
                codes=ngettext("{count} QR code", "{count} QR codes", codes).format(count=codes)), t.text))
        else:
            lines += [("", t.text), ("", t.text)]
        if len(self.cameras) > 1:
            keys = _("1-{last}: another camera · Enter: use this camera · Esc: leave without saving").format(
                last=min(9, len(self.cameras)))
        else:
            keys = _("Enter: use this camera · Esc: leave without saving")
        if shown.problem:
            keys = _("1-{last}: another camera · Esc: leave without saving").format(last=min(9, len(self.cameras))) \
                if len(self.cameras) > 1 else _("Esc: leave without saving")
        lines.append((keys, t.muted))
        return lines

    # ---- the loop -------------------------------------------------------------------------------
    def handle(self, event) -> tuple[bool, CameraEntry | None]:
        """(done, chosen) after one pygame event."""
        if event.type == pygame.QUIT:
            return True, None
        if event.type != pygame.KEYDOWN:
            return False, None
        if event.key == pygame.K_ESCAPE:
            return True, None
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            # only a camera seen working is saved: one that cannot be opened would fail the kiosk too
            return (True, self.current) if self.shown.frame is not None and not self.shown.problem else (False, None)
        n = NUMBER_KEYS.get(event.key)
        if n is not None and n <= len(self.cameras) and n - 1 != self.shown.index:
            self.switch(n - 1)
        return False, None

    def run(self, on_step: Callable[[CameraPreview], None] | None = None) -> CameraEntry | None:
        """Show cameras until Enter (the camera shown is returned) or Esc / the window closed (None).
        `on_step` is called after each turn of the loop (tests press keys and take screenshots)."""
        try:
            while True:
                if self.step() or self.redrawn:
                    self.redrawn = False
                    pygame.display.flip()
                else:
                    time.sleep(0.01)  # no new frame yet: do not spin
                if on_step is not None:
                    on_step(self)
                for event in pygame.event.get():
                    done, chosen = self.handle(event)
                    if done:
                        return chosen
        finally:
            self.close()


def open_preview_window(size: tuple[int, int] = WINDOW_SIZE) -> pygame.Surface:
    """A plain window (not fullscreen: the person choosing may be at a desktop)."""
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(TITLE)
    return pygame.display.set_mode(size)
