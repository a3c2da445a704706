"""Reads a camera in a thread, decodes the newest frame, and reports each card it sees."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from cinema.core.clock import Clock
from cinema.core.events import CardScanned, DeviceChanged, Event
from cinema.devices.cards.decode import CAMERA_OPTIONS, DecodeOptions, Found, FrameDecoder, to_gray
from cinema.devices.cards.markers import Marker, MarkerReader
from cinema.devices.cards.sources import FrameSource, SourceFactory, open_camera

log = logging.getLogger("cinema.devices.cards")
# QR codes the camera may see that are never a child's card: the hub's join codes on the projector
# (cinema/hub: a Wi-Fi code and the page's address). Not said as "card not recognised" to the room.
NOT_CARDS = ("WIFI:", "http://", "https://")

DEVICE_NAME = "camera"
REOPEN_EVERY = 2.0  # seconds between attempts to open a missing camera
LOST_AFTER = 1.0  # seconds of failed reads before the camera counts as unplugged
REPEAT_AFTER = 5.0  # seconds before the same card is reported again while it stays in view
PREVIEW_SIZE = (320, 180)
DARK_LEVEL = 12  # mean brightness under which a frame is "black" (lens cap, covered camera)


# ---- repeat suppression (pure) ---------------------------------------------------------------


class Debouncer:
    """Reports a code at most once every `every` seconds: a card held up for a minute is a
    dozen scans, not 1,800 (the engine ignores a learner already marked)."""

    def __init__(self, every: float = REPEAT_AFTER, keep: int = 512) -> None:
        self.every = every
        self.keep = keep  # at most this many codes remembered (a class is ~40)
        self._last: dict[str, float] = {}

    def fresh(self, text: str, now: float) -> bool:
        last = self._last.get(text)
        if last is not None and now - last < self.every:
            return False
        self._last[text] = now
        if len(self._last) > self.keep:
            oldest = min(self._last, key=self._last.__getitem__)
            del self._last[oldest]
        return True


# ---- the preview the attendance screen shows -------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """A small RGB copy of the newest decoded frame, with the codes found in it (scaled)."""

    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom (pygame.image.frombuffer "RGB")
    codes: tuple[Found, ...]
    frame: int  # decoded frame number, to redraw only when it changes


def make_preview(frame: np.ndarray, found: Sequence[Found], size: tuple[int, int], number: int) -> Preview:
    h, w = frame.shape[:2]
    small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(small, cv2.COLOR_GRAY2RGB if small.ndim == 2 else cv2.COLOR_BGR2RGB)
    sx, sy = size[0] / w, size[1] / h
    codes = tuple(Found(f.text, tuple((int(x * sx), int(y * sy)) for x, y in f.corners),  # type: ignore[arg-type]
                        f.orientation_degrees) for f in found)
    return Preview(size[0], size[1], rgb.tobytes(), codes, number)


# ---- the scanner -----------------------------------------------------------------------------


class _SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


@dataclass
class CameraStats:
    frames: int = 0  # frames the camera gave
    decoded: int = 0  # frames decoded (the rest were skipped: decoding fell behind)
    codes: int = 0  # codes found, all frames together
    scans: int = 0  # CardScanned events sent
    marker_frames: int = 0  # frames read for answer cards (only while a question takes them)
    markers: int = 0  # answer cards found, all those frames together
    marker_seconds: float = 0.0  # of decode_seconds, the time spent reading answer cards
    previews: int = 0  # small pictures made for the screen's preview
    opens: int = 0
    losses: int = 0
    decode_seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return self.frames - self.decoded


class CameraScanner:
    """Two threads: one reads frames at the camera's rate and keeps only the newest; one decodes
    the newest frame whenever it is free, so a slow decode skips frames instead of lagging.

    Calls `on_event(CardScanned(text, "camera"))` for each code seen (repeats suppressed for
    `repeat_after` seconds) and `on_event(DeviceChanged("camera", connected, detail))` when the
    camera opens, is missing, or vanishes; a missing camera is tried again every `reopen_every`
    seconds. `on_found(found)` (optional) gets every decoded frame's codes, with orientation,
    for answer-by-card. While `want_markers(True)` (a question that takes answer cards is open), every
    decoded frame is also read for answer cards (big markers) at full resolution, as the camera gives it,
    and `on_markers(markers)` gets each frame's that has any; otherwise no frame is read for them (CPU).
    Nothing raises into the caller; callbacks run in the scanner's threads.
    """

    def __init__(self, open_source: SourceFactory | str, on_event: Callable[[Event], None], *,
                 on_found: Callable[[list[Found]], None] | None = None,
                 on_markers: Callable[[list[Marker]], None] | None = None, clock: Clock | None = None,
                 repeat_after: float = REPEAT_AFTER, reopen_every: float = REOPEN_EVERY,
                 lost_after: float = LOST_AFTER, preview_size: tuple[int, int] | None = PREVIEW_SIZE,
                 options: DecodeOptions = CAMERA_OPTIONS, name: str = DEVICE_NAME) -> None:
        if isinstance(open_source, str):
            spec = open_source
            open_source = lambda: open_camera(spec)  # noqa: E731
        self._open_source = open_source
        self.on_event = on_event
        self.on_found = on_found
        self.on_markers = on_markers
        self._markers_wanted = False
        self._marker_reader: MarkerReader | None = None  # made in the decode thread, which alone uses it
        self.clock: Clock = clock or _SystemClock()
        self.debounce = Debouncer(repeat_after)
        self.reopen_every = reopen_every
        self.lost_after = lost_after
        self.preview_size = preview_size
        # Seconds between two previews (0: one for every decoded picture); raised on a low battery, where
        # the screen's live picture changes twice a second, or at once when a code is found in view.
        self.preview_every = 0.0
        self._preview_at = float("-inf")
        self.options = options
        self.decoder = FrameDecoder(options)  # one per camera: it follows codes from frame to frame
        self.name = name
        self._rest = 0.0  # seconds between two pictures read: `rest_between`
        self._wake = threading.Event()  # a resting capture thread takes a new rate (or the stop) at once
        self.stats = CameraStats()
        self.connected: bool | None = None  # None until the first attempt
        self.detail = ""
        self.dark = False
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._newest: tuple[int, np.ndarray] | None = None
        self._preview: Preview | None = None
        self._threads: list[threading.Thread] = []

    # -- life --

    def start(self) -> None:
        if self._threads:
            return
        self._threads = [threading.Thread(target=self._capture_loop, name="camera capture", daemon=True),
                         threading.Thread(target=self._decode_loop, name="camera decode", daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        with self._cond:
            self._cond.notify_all()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def want_markers(self, wanted: bool) -> None:
        """Read answer cards in every frame from now on (a question taking them is open), or stop."""
        if wanted != self._markers_wanted:
            log.info("%s: %s reading answer cards", self.name, "started" if wanted else "stopped")
        self._markers_wanted = wanted

    @property
    def rest_between(self) -> float:
        """Seconds the capture thread rests after each picture it reads (0: every picture the camera
        gives). Raised on a low battery outside card reading: the camera's pictures are neither read
        from the driver (a JPEG decode each) nor decoded for codes meanwhile; a card held up longer
        than the rest is still read."""
        return self._rest

    @rest_between.setter
    def rest_between(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        if seconds != self._rest:
            log.info("%s: %s", self.name, f"a picture every {seconds:g} s" if seconds else "every picture")
            self._rest = seconds
            self._wake.set()

    @property
    def markers_wanted(self) -> bool:
        return self._markers_wanted

    def preview(self) -> Preview | None:
        """The newest preview (None before the first decoded frame, or without previews)."""
        return self._preview

    def status(self) -> dict[str, Any]:
        s = self.stats
        return {"name": self.name, "connected": bool(self.connected), "detail": self.detail, "dark": self.dark,
                "frames": s.frames, "decoded": s.decoded, "skipped": s.skipped, "codes": s.codes,
                "scans": s.scans, "opens": s.opens, "losses": s.losses,
                "decode_ms": round(1000 * s.decode_seconds / s.decoded, 2) if s.decoded else None,
                "marker_frames": s.marker_frames, "markers": s.markers,
                "markers_ms": round(1000 * s.marker_seconds / s.marker_frames, 2) if s.marker_frames else None}

    # -- helpers --

    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("%s: the event handler failed", self.name)

    def _set_connected(self, connected: bool, detail: str) -> None:
        if connected == self.connected and (connected or detail == self.detail):
            return
        was = self.connected
        self.connected, self.detail = connected, detail
        if connected:
            log.info("%s: connected", self.name)
        elif was:
            log.warning("%s: lost: %s", self.name, detail)
        else:
            log.warning("%s: cannot open: %s", self.name, detail)
        if was != connected:
            self._emit(DeviceChanged(self.name, connected, detail))

    # -- capture thread --

    def _capture_loop(self) -> None:
        while not self._stop.is_set():
            try:
                source = self._open_source()
            except Exception as exc:  # not plugged in, busy, no permission: try again later
                self._set_connected(False, str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
                self._stop.wait(self.reopen_every)
                continue
            self.stats.opens += 1
            self._set_connected(True, "")
            try:
                self._read_frames(source)
            finally:
                try:
                    source.close()
                except Exception:
                    pass
            if not self._stop.is_set():
                self.stats.losses += 1
                self._set_connected(False, "the camera stopped sending pictures")
                self._stop.wait(self.reopen_every)

    def _read_frames(self, source: FrameSource) -> None:
        failing_since: float | None = None
        number = 0
        while not self._stop.is_set():
            try:
                frame = source.read()
            except Exception:  # a driver error is a failed read
                frame = None
            now = time.monotonic()
            if frame is None:
                failing_since = failing_since or now
                if now - failing_since >= self.lost_after:
                    return
                self._stop.wait(0.01)  # a vanished camera fails at once: do not spin
                continue
            failing_since = None
            number += 1
            self.stats.frames += 1
            with self._cond:
                self._newest = (number, frame)  # an undecoded older frame is dropped here
                self._cond.notify()
            if self._rest > 0:
                self._wake.clear()
                self._wake.wait(self._rest)  # the camera's pictures meanwhile stay in the driver, unread

    # -- decode thread --

    def _decode_loop(self) -> None:
        dark_since: float | None = None
        while not self._stop.is_set():
            with self._cond:
                while self._newest is None and not self._stop.is_set():
                    self._cond.wait(0.5)
                if self._stop.is_set():
                    return
                number, frame = self._newest  # type: ignore[misc]
                self._newest = None
            markers = self._markers_wanted and self.on_markers is not None
            try:
                t0 = time.perf_counter()
                gray = self._gray(frame) if markers else frame  # QR codes and answer cards: one conversion
                found = self.decoder.decode(gray)
                self.stats.decode_seconds += time.perf_counter() - t0
            except Exception:
                log.exception("%s: decoding a frame failed", self.name)
                continue
            self.stats.decoded += 1
            self.stats.codes += len(found)
            if markers:
                self._read_markers(gray)
            dark_since = self._watch_dark(frame, dark_since)
            due = time.monotonic()
            card = any(not f.text.startswith(NOT_CARDS) for f in found)  # shown with its outline at once
            if self.preview_size and (card or due - self._preview_at >= self.preview_every):
                self._preview_at = due
                self.stats.previews += 1
                try:
                    self._preview = make_preview(frame, found, self.preview_size, self.stats.decoded)
                except Exception:
                    log.exception("%s: making the preview failed", self.name)
            if self.on_found is not None and found:
                try:
                    self.on_found(found)
                except Exception:
                    log.exception("%s: the on_found handler failed", self.name)
            now = self.clock.monotonic()
            for f in found:
                if f.text.startswith(NOT_CARDS):
                    continue  # the projector's own join codes (the hub's Wi-Fi and page), seen behind a card
                if self.debounce.fresh(f.text, now):
                    self.stats.scans += 1
                    self._emit(CardScanned(f.text, "camera"))

    @staticmethod
    def _gray(frame: np.ndarray) -> np.ndarray:
        try:
            return to_gray(frame)
        except ValueError:
            return frame  # not a picture: the decoder finds nothing in it, as it does alone

    def _read_markers(self, frame: np.ndarray) -> None:
        """Answer cards in one frame at full resolution (never mirrored: a card's turn is its letter)."""
        try:
            t0 = time.perf_counter()
            if self._marker_reader is None:
                self._marker_reader = MarkerReader()
            markers = self._marker_reader.read(frame)
            spent = time.perf_counter() - t0
        except Exception:
            log.exception("%s: reading answer cards failed", self.name)
            return
        self.stats.decode_seconds += spent
        self.stats.marker_seconds += spent
        self.stats.marker_frames += 1
        self.stats.markers += len(markers)
        if markers:
            try:
                self.on_markers(markers)  # type: ignore[misc]
            except Exception:
                log.exception("%s: the on_markers handler failed", self.name)

    def _watch_dark(self, frame: np.ndarray, dark_since: float | None) -> float | None:
        """Log (once) a camera that sees only black for 2 s: a lens cap or a covered lens."""
        dark = float(frame[::16, ::16].mean()) < DARK_LEVEL
        now = self.clock.monotonic()
        if not dark:
            if self.dark:
                log.info("%s: the picture is back", self.name)
            self.dark = False
            return None
        dark_since = dark_since or now
        if not self.dark and now - dark_since >= 2.0:
            self.dark = True
            log.warning("%s: the picture is black (lens covered?)", self.name)
        return dark_since
