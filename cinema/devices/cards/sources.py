"""Where camera frames come from: a USB webcam through OpenCV, or a fake with fault switches, by one seam."""

from __future__ import annotations

import glob
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

import cv2
import numpy as np

from cinema.devices.cards.camera_mode import (WANTED_FPS, Mode, Runner, apply_controls, best_mode, fourcc_text,
                                              read_modes, run_v4l2_ctl)

FAKE_SCHEME = "fake://"
log = logging.getLogger("cinema.camera")


class FrameSource(Protocol):
    """What the scanner needs from a camera: frames until it fails."""

    def read(self) -> np.ndarray | None:
        """The next BGR (or grayscale) frame, waiting for it; None when the read failed."""

    def close(self) -> None: ...


SourceFactory = Callable[[], FrameSource]


class CameraUnavailable(Exception):
    """No camera at this address (not plugged in, busy, or no permission)."""


# ---- the real camera ---------------------------------------------------------------------


class OpenCVCamera:
    """A V4L2 / USB webcam through OpenCV, in its best mode for reading cards (camera_mode): MJPEG
    at 1920x1080 where offered, else the largest size it gives at 30 frames/s; its exposure, focus
    and anti-flicker controls set where it has them. `mode` is what the driver really gave."""

    def __init__(self, device: int | str, size: tuple[int, int] | None = None, fps: int = WANTED_FPS,
                 run: Runner = run_v4l2_ctl) -> None:
        # Look before asking OpenCV: it prints a warning of its own for every failed open, and a
        # missing camera is tried again every 2 s.
        path = f"/dev/video{device}" if isinstance(device, int) else device
        if path.startswith("/dev/") and os.path.isdir("/dev") and not os.path.exists(path):
            raise CameraUnavailable(f"not plugged in ({path})")
        # A webcam through V4L2; anything else (a video file, a stream URL) through any backend.
        is_webcam = isinstance(device, int) or path.startswith("/dev/")
        backend = cv2.CAP_V4L2 if is_webcam and hasattr(cv2, "CAP_V4L2") else cv2.CAP_ANY
        cap = cv2.VideoCapture(device, backend)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(f"no camera at {device}")
        self._cap = cap
        self.mode: Mode | None = None
        if is_webcam:
            wanted = Mode("MJPG", *size, (float(fps),)) if size else best_mode(read_modes(path, run))
            self.mode = set_mode(cap, wanted, fps)
            apply_controls(path, run)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # old frames queued in the driver only add delay
        if hasattr(cv2, "CAP_PROP_READ_TIMEOUT_MSEC"):
            cap.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, 1000)  # a pulled camera: fail the read, do not hang
        # A recording (a video file of a room: tests, demos) plays like a camera: at its own frame
        # rate, not as fast as it decodes (the scanner would see a handful of its frames), and over
        # again from the start when it ends (a camera always shows the room).
        self._recording = not is_webcam and os.path.isfile(path)
        rate = cap.get(cv2.CAP_PROP_FPS) if self._recording else 0.0
        self._frame_s = 1.0 / rate if 1.0 <= rate <= 240.0 else 1.0 / WANTED_FPS
        self._due = 0.0

    def read(self) -> np.ndarray | None:
        if self._recording:
            now = time.monotonic()
            if self._due > now:
                time.sleep(self._due - now)
            self._due = max(self._due, now) + self._frame_s
        ok, frame = self._cap.read()
        if not ok and self._recording and self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0):
            ok, frame = self._cap.read()  # the end of the recording: from the start again
        return frame if ok and frame is not None and frame.size else None

    def close(self) -> None:
        self._cap.release()


class _Capture(Protocol):
    def set(self, prop: int, value: float) -> bool: ...

    def get(self, prop: int) -> float: ...


# Sizes tried, largest first, when v4l2-ctl cannot say what the camera offers.
TRY_SIZES = ((1920, 1080), (1280, 720), (640, 480))


def set_mode(cap: _Capture, wanted: Mode | None, fps: int = WANTED_FPS) -> Mode:
    """Ask `cap` for `wanted` (FourCC first, then size, then rate: V4L2 drivers pick the size
    within the format) and return what the driver really gave. With no `wanted` (no v4l2-ctl):
    MJPEG at each of TRY_SIZES in turn until the driver gives that size."""
    tries = [wanted] if wanted is not None else [Mode("MJPG", w, h) for w, h in TRY_SIZES]
    got = Mode("", 0, 0)
    for mode in tries:
        cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*mode.fourcc.ljust(4)))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, mode.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, mode.height)
        cap.set(cv2.CAP_PROP_FPS, fps if not mode.fps or fps in mode.fps else mode.best_fps)
        got = Mode(fourcc_text(cap.get(cv2.CAP_PROP_FOURCC)), int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                   int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)), (round(cap.get(cv2.CAP_PROP_FPS), 3),))
        if got.size == mode.size:
            break
    if wanted is not None and (got.size != wanted.size or got.fourcc != wanted.fourcc):
        log.info("asked the camera for %s %dx%d, it gives %s %dx%d", wanted.fourcc, wanted.width, wanted.height,
                 got.fourcc, got.width, got.height)
    return got


def list_cameras(dev: str = "/dev", v4l: str = "/sys/class/video4linux") -> list[str]:
    """Video devices that give pictures (Linux), e.g. ["/dev/video0", "/dev/video2"]: a webcam
    makes two nodes, the second (index 1) for metadata only."""
    found = []
    for path in sorted(glob.glob(os.path.join(dev, "video*")), key=lambda p: (len(p), p)):
        try:
            with open(os.path.join(v4l, os.path.basename(path), "index"), encoding="ascii") as f:
                if f.read().strip() not in ("", "0"):
                    continue
        except OSError:
            pass  # no sysfs here: keep it
        found.append(path)
    return found


# ---- the seam: a spec string to a frame source -----------------------------------------------

_fakes: dict[str, SourceFactory] = {}
_fakes_lock = threading.Lock()


def register_fake_camera(url: str, factory: SourceFactory) -> None:
    """Make `open_camera(url)` return `factory()` (tests, `--simulate-class`)."""
    with _fakes_lock:
        _fakes[url] = factory


def registered_fake_cameras() -> list[str]:
    """The fake cameras' URLs, in the order they were registered (offered by `cinema devices --camera`)."""
    with _fakes_lock:
        return list(_fakes)


def unregister_fake_camera(url: str) -> None:
    with _fakes_lock:
        _fakes.pop(url, None)


def open_camera(spec: str | int = "auto") -> FrameSource:
    """Open a camera: "auto" (the first video device), an index ("0"), a device path, or a
    registered `fake://` URL. Raises `CameraUnavailable` when there is none to open."""
    if isinstance(spec, str) and spec.startswith(FAKE_SCHEME):
        with _fakes_lock:
            factory = _fakes.get(spec)
        if factory is None:
            raise LookupError(f"{spec}: no fake camera registered (call register_fake_camera in the test)")
        return factory()
    if spec == "auto":
        devices = list_cameras()
        if not devices:
            raise CameraUnavailable("no camera plugged in")
        spec = devices[0]
    device: int | str = int(spec) if isinstance(spec, str) and spec.isdigit() else spec
    return OpenCVCamera(device)


# ---- a fake camera -------------------------------------------------------------------------


class FakeCamera:
    """Frames from a list (looped) or an iterator, paced at `fps`, with fault switches.

    Switches (flip them while it runs): `present` False makes opening fail and reads fail like
    a pulled USB cable; `black` gives black frames (a lens cap); `drop_every` N makes every Nth
    read fail (a flaky cable). An iterator that runs out behaves like an unplugged camera.
    Register `fake.open` with `register_fake_camera`, or pass `lambda: fake.open()` as a source.
    """

    def __init__(self, frames: Sequence[np.ndarray] | Iterable[np.ndarray], fps: float | None = 30.0,
                 *, loop: bool | None = None, present: bool = True) -> None:
        self._list = list(frames) if isinstance(frames, (list, tuple)) else None
        self._iter: Iterator[np.ndarray] | None = None if self._list is not None else iter(frames)
        self.loop = self._list is not None if loop is None else loop
        self.fps = fps
        self.present = present
        self.black = False
        self.drop_every = 0
        self.opens = 0
        self.reads = 0
        self.ended = False
        self._index = 0
        self._next_at = 0.0
        self._lock = threading.Lock()
        self._last_shape: tuple[int, ...] = (720, 1280, 3)

    def open(self) -> FakeCamera:
        if not self.present:
            raise CameraUnavailable("no camera plugged in")
        self.opens += 1
        self._next_at = time.monotonic()
        return self

    def _next(self) -> np.ndarray | None:
        with self._lock:
            if self._list is not None:
                if self._index >= len(self._list):
                    if not self.loop or not self._list:
                        return None
                    self._index = 0
                frame = self._list[self._index]
                self._index += 1
                return frame
            try:
                return next(self._iter)  # type: ignore[arg-type]
            except StopIteration:
                return None

    def read(self) -> np.ndarray | None:
        if self.fps:
            # a camera delivers frames at its own rate, whatever the reader does
            self._next_at += 1.0 / self.fps
            delay = self._next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                self._next_at = time.monotonic()
        if not self.present or self.ended:
            return None
        self.reads += 1
        if self.drop_every and self.reads % self.drop_every == 0:
            return None
        frame = self._next()
        if frame is None:
            self.ended = True
            return None
        self._last_shape = frame.shape
        if self.black:
            return np.zeros(frame.shape, np.uint8)
        return frame

    def close(self) -> None:
        pass
