"""Is a camera's picture good enough for answer cards across a classroom? Brightness, sharpness, reach.

Measured on a few frames (`look_at_frames`), said in plain words (`verdict`), by `cinema doctor` and
the `cinema devices --camera` preview. The measures are pure functions of a frame:

- brightness: the mean grey level (0-255);
- sharpness: how many pixels wide the picture's sharpest edges are (`edge_px`): the RMS gradient
  over the RMS Laplacian on the strongest 1 % of edges, which grows in proportion to the blur.
  It is in the frame's own pixels, so it is judged against the size of a card's squares at that
  resolution, not against a fixed number (a 720p and a 1080p picture of the same room differ);
- reach: the distance up to which an answer card's code is wide enough to read (room.code_px):
  at least MIN_CODE_PX, and wider when the edges are soft. Calibrated on generated 1080p rooms of
  40 cards at 2-6 m (room.make_room, 98 mm markers; 2 rooms x 2 frames) blurred on purpose, a
  distance counted as readable where at least half the cards were read in a single frame: edges
  4.4 px wide read to 22 px codes, 6.1 px to ~30 px, 7.8 px to ~42 px, 9.8 px to ~46 px, 11.4 px
  to ~52 px, i.e. 7 squares of edge / 1.4 px each (EDGE_PER_MODULE).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from cinema.devices.cards.room import code_px
from cinema.locale.runtime import gettext as _

CLASSROOM_M = 6.0  # the back row: cards must be read this far away (issue 15: 3-6 m)
MIN_CODE_PX = 17.0  # the narrowest answer-card code read reliably (bench_card_room, 5X5_100)
CODE_MODULES = 7  # a 5x5 marker and its black border: 7 squares across
EDGE_PER_MODULE = 1.4  # the softest edge (px) a square of 1 px still reads through (calibrated, above)
DARK_LEVEL = 45.0  # mean grey below this: too dark (cards' black and white blur into noise)
BRIGHT_LEVEL = 215.0  # above this: washed out (a window or a lamp behind the class)
FLAT_GRADIENT = 12.0  # the strongest edges fainter than this (grey levels): nothing in view to judge sharpness by (sensor noise is ~8)
# Within 5 % is close enough to say nothing: a 720p camera reaches 5.9 m, near a 6 m back row, and
# one frame's edges are softer than the next's by about that much.
REACH_SLACK = 0.95
GRAB_SECONDS = 3.0  # the longest the doctor waits for a camera's frames
GRAB_FRAMES = 5
SETTLE_SECONDS = 1.0  # a webcam's automatic exposure takes about this long to find the level


@dataclass(frozen=True)
class PictureLook:
    """What a camera's picture is like, for reading cards."""

    width: int
    height: int
    brightness: float  # mean grey, 0-255
    edge_px: float | None  # width of the sharpest edges, px; None: nothing in view to judge by

    @property
    def too_dark(self) -> bool:
        return self.brightness < DARK_LEVEL

    @property
    def too_bright(self) -> bool:
        return self.brightness > BRIGHT_LEVEL

    @property
    def needed_code_px(self) -> float:
        """How wide a card's code must be in this picture to be read."""
        soft = CODE_MODULES * (self.edge_px or 0.0) / EDGE_PER_MODULE
        return max(MIN_CODE_PX, soft)

    @property
    def reach_m(self) -> float:
        """The distance up to which answer cards are readable (pinhole camera, room.HFOV_DEGREES)."""
        return code_px(1.0, self.width) / self.needed_code_px

    def blurred(self, distance_m: float = CLASSROOM_M) -> bool:
        """Out of focus for cards at `distance_m`, though they would be wide enough if it were sharp."""
        sharp_reach = code_px(1.0, self.width) / MIN_CODE_PX
        return self.edge_px is not None and self.reach_m < min(distance_m, sharp_reach) * REACH_SLACK


def look_at(frame: np.ndarray) -> PictureLook:
    """Brightness and sharpness of one frame (BGR or grey)."""
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape[:2]
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    strength = gx * gx + gy * gy
    lap = cv2.Laplacian(g, cv2.CV_32F, ksize=3)
    flat = strength.ravel()
    k = max(1, flat.size // 100)
    threshold = float(np.partition(flat, flat.size - k)[flat.size - k])
    edges = strength >= threshold
    edge_px = None
    # Sobel's 3x3 gradient across a step is 4x the step: a frame whose strongest edges are steps
    # this faint shows nothing (a lens cap, a blank wall) and its noise would pass for sharp edges
    if math.sqrt(threshold) / 4 >= FLAT_GRADIENT:
        lap_energy = float((lap[edges] ** 2).mean())
        if lap_energy > 0:
            edge_px = round(math.sqrt(float(strength[edges].mean()) / lap_energy), 2)
    return PictureLook(w, h, round(float(gray.mean()), 1), edge_px)


def look_at_frames(frames: Sequence[np.ndarray]) -> PictureLook | None:
    """The typical look of a few frames (the median of each measure: one frame smeared by a hand
    waved past, or the first dark frame of a camera still setting its exposure, does not decide)."""
    looks = [look_at(f) for f in frames if f is not None and f.size]
    if not looks:
        return None
    edges = [x.edge_px for x in looks if x.edge_px is not None]
    return PictureLook(looks[-1].width, looks[-1].height, float(np.median([x.brightness for x in looks])),
                       float(np.median(edges)) if edges else None)


def grab_frames(open_source: Callable[[], object], seconds: float = GRAB_SECONDS, count: int = GRAB_FRAMES,
                settle: float = SETTLE_SECONDS) -> list[np.ndarray]:
    """Up to `count` frames from a camera within `seconds`, those of its first `settle` seconds
    left out (a webcam's first frames are dark while its automatic exposure finds the level; the
    newest of them is kept in case no other comes). A camera that hangs while opening or
    reading is left behind in its thread: the caller gets what came in time, possibly []."""
    frames: list[np.ndarray] = []
    kept_after_settle = [False]
    lock = threading.Lock()
    done = threading.Event()

    def work() -> None:
        source = None
        try:
            source = open_source()
            opened = time.monotonic()
            while not done.is_set():
                frame = source.read()  # type: ignore[attr-defined]
                if frame is None:
                    break
                with lock:
                    if time.monotonic() - opened < settle:
                        frames[:] = [frame]  # the newest frame so far, replaced until it has settled
                        continue
                    if len(frames) == 1 and not kept_after_settle[0]:
                        frames.clear()  # settled: the early frame is not needed
                    kept_after_settle[0] = True
                    frames.append(frame)
                    if len(frames) >= count:
                        break
        except Exception:  # noqa: BLE001 - not plugged in, busy, no permission: no frames
            pass
        finally:
            if source is not None:
                try:
                    source.close()  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001
                    pass
            done.set()

    thread = threading.Thread(target=work, name="camera-check", daemon=True)
    thread.start()
    done.wait(seconds)
    done.set()
    with lock:
        return list(frames)


# ---- in words -----------------------------------------------------------------------------------


def reach_words(look: PictureLook) -> str:
    return _("answer cards readable up to {metres} m").format(metres=f"{look.reach_m:.1f}")


def verdict(look: PictureLook, distance_m: float = CLASSROOM_M) -> tuple[bool, str, str]:
    """(good, what is seen, what to do) for a person: the picture's size, whether it is too dark,
    washed out or out of focus for cards at `distance_m`, and how far cards can be read."""
    size = f"{look.width}x{look.height}"
    reach = reach_words(look)
    if look.too_dark:
        return False, _("{size}, too dark for cards").format(size=size), \
            _("switch on the lights or open the curtains; do not point the camera at a window")
    if look.too_bright:
        return False, _("{size}, the picture is washed out").format(size=size), \
            _("turn the camera away from the window or lamp")
    if look.edge_px is None:
        return False, _("{size}, nothing in view to judge the focus by").format(size=size), \
            _("point the camera at the class, or take its lens cap off")
    if look.blurred(distance_m):
        return False, _("{size}, out of focus for cards at {metres} m ({reach})").format(
            size=size, metres=f"{distance_m:g}", reach=reach), \
            _("clean the lens and turn its focus ring; or bring the class closer")
    if look.reach_m < distance_m * REACH_SLACK:
        return False, _("{size}: {reach}, the back row is at {metres} m").format(
            size=size, reach=reach, metres=f"{distance_m:g}"), \
            _("use a camera that gives 1920x1080, or bring the class closer")
    return True, _("{size}, bright and sharp: {reach}").format(size=size, reach=reach), ""


def brightness_words(look: PictureLook) -> str:
    if look.too_dark:
        return _("too dark")
    if look.too_bright:
        return _("washed out")
    return _("bright enough")


def sharpness_words(look: PictureLook, distance_m: float = CLASSROOM_M) -> str:
    if look.edge_px is None:
        return _("nothing in view to judge the focus by")
    return _("out of focus") if look.blurred(distance_m) else _("sharp")
