"""Finds and decodes the QR codes in one camera frame or image file with zxing-cpp."""

from __future__ import annotations

import io
import math
import time

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import zxingcpp

from cinema.devices.cards.tracking import Track, Tracks

Point = tuple[int, int]


@dataclass(frozen=True)
class Found:
    """One QR code in a frame.

    corners: the code's own top-left, top-right, bottom-right, bottom-left corners in the
    image (so they turn with the code). orientation_degrees: how far the code is turned
    clockwise in the image, -180..180 (0 upright, 90 its top edge points right).
    """

    text: str
    corners: tuple[Point, Point, Point, Point]
    orientation_degrees: int


@dataclass(frozen=True)
class DecodeOptions:
    """zxing-cpp's search options (measured on 1280x720 camera frames: benchmarks/bench_qr.py).

    try_rotate finds codes turned by 90/270° (cards held sideways to answer); try_downscale
    finds codes that are large in the frame; try_invert (light on dark) never happens with
    printed cards and costs time, so it is off.
    """

    try_rotate: bool = True
    try_downscale: bool = True
    try_invert: bool = False
    binarizer: str = "LocalAverage"  # or "GlobalHistogram" (faster, worse in uneven light)
    # Second passes (issue 15): after the plain read, the frame is read again enlarged 2x
    # (small, blurred codes: most of the gain), sharpened (unsharp mask), and with the global
    # binarizer, while `second_pass_ms` lasts; a code already found is kept once. On the 200
    # harsh attendance photos (benchmarks/bench_attendance.py; the small 8-up cards) they raised
    # cards read from 92.1% to 96.4%, never a wrong card, for 10.2 ms a 1280x720 frame (p95 13.1)
    # instead of 1.3 ms: within the 33 ms a 30 fps camera gives each frame, so on by default; with
    # the A5 cards at level Q, 81.6% -> 89.9% (a 150-280 px tall A5 card's code is half its height,
    # not three quarters). Most of what they add is the 3rd or 4th card of a frame whose others were
    # read, so the webcam runs them only in frames where a card was seen (CAMERA_OPTIONS: 88.6% on
    # A5, and a frame with no card costs what plain decoding costs: about a third of a core saved
    # all lesson long). Other passes tried (1.5x, 2x sharpened): +0.3-1.2 points for 1.6x the time
    # on photo sets they were not chosen on, so not taken. Off: second_passes=False.
    second_passes: bool = True
    second_pass_ms: float = 25.0
    # Only when the plain read found a code: a frame with no card in view (most frames of a
    # lesson: videos, slides) costs what plain decoding costs. The camera's way (CAMERA_OPTIONS).
    second_passes_after_a_find: bool = False
    # Tracking across frames (FrameDecoder only; issue 15): a code read in a recent frame that this
    # frame's reads miss is looked for again where it was: a window around its last corners grown by
    # `track_reach` times its side (room to have moved) and moved on at its velocity, enlarged, read
    # sharpened, with its motion smear undone along its way (Wiener, 7 then 5 px) and plain. At most
    # `max_tracks` codes, each forgotten `track_seconds` after it was last read or after
    # `track_misses` fruitless looks in a row (a card put away costs 6 looks, not 30), all within
    # `track_ms` a frame. On 40 clips of a printed A5 card moving, turning and blurring (0-7 px) at 30 frames/s
    # (benchmarks/bench_attendance.py): frames read 81.0% -> 90.6%, 0 wrong, none after the card
    # left; 1.4x the time a frame (17 -> 24 ms mean on a loaded 2-core machine).
    tracking: bool = True
    max_tracks: int = 4
    track_seconds: float = 1.0
    track_misses: int = 6  # looks in a row that find nothing before a track is dropped (0.2 s at 30 fps)
    track_ms: float = 15.0
    track_reach: float = 0.75


DEFAULT_OPTIONS = DecodeOptions()
# The kiosk's webcam decodes every frame all lesson long: second passes only in frames where a card
# was seen, so the camera costs no more than before while nobody holds a card up.
CAMERA_OPTIONS = DecodeOptions(second_passes_after_a_find=True)


def to_gray(image: Any) -> np.ndarray:
    """A uint8 grayscale array from a BGR/BGRA/grayscale array (what OpenCV gives)."""
    arr = np.asarray(image)
    if arr.size == 0:
        return np.zeros((0, 0), np.uint8)  # OpenCV raises on an empty picture; an empty one finds nothing
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.dtype != np.uint8:
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"not an image array: {arr.dtype} values")
        # zxing-cpp reads bytes only: a 16-bit or float frame (found by fuzzing) is cut to 0..255 first
        with np.errstate(invalid="ignore"):
            arr = np.nan_to_num(arr).clip(0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        code = cv2.COLOR_BGR2GRAY if arr.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return cv2.cvtColor(arr, code)
    raise ValueError(f"not an image array: shape {arr.shape}")


def _corners(position: Any) -> tuple[Point, Point, Point, Point]:
    pts = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return tuple((int(p.x), int(p.y)) for p in pts)  # type: ignore[return-value]


def _read(gray: np.ndarray, options: DecodeOptions, binarizer: str) -> list[Any]:
    return [r for r in zxingcpp.read_barcodes(
        np.ascontiguousarray(gray),
        formats=zxingcpp.BarcodeFormat.QRCode,
        try_rotate=options.try_rotate,
        try_downscale=options.try_downscale,
        try_invert=options.try_invert,
        binarizer=getattr(zxingcpp.Binarizer, binarizer),
    ) if r.valid and r.text]


def _upscaled(gray: np.ndarray) -> tuple[np.ndarray, float]:
    return cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), 2.0


def _sharpened(gray: np.ndarray) -> tuple[np.ndarray, float]:
    return cv2.addWeighted(gray, 1.8, cv2.GaussianBlur(gray, (0, 0), 2), -0.8, 0), 1.0


# (image maker, binarizer), in the order of what they add on the harsh photo set
_SECOND_PASSES = ((_upscaled, None), (_sharpened, None), (lambda g: (g, 1.0), "GlobalHistogram"))


def _same_code(a: Found, b: Found) -> bool:
    """The same symbol found twice (two passes, two scales): same text, centres close together."""
    if a.text != b.text:
        return False
    ax, ay = (sum(p[0] for p in a.corners) / 4, sum(p[1] for p in a.corners) / 4)
    bx, by = (sum(p[0] for p in b.corners) / 4, sum(p[1] for p in b.corners) / 4)
    side = max(abs(a.corners[0][0] - a.corners[2][0]), abs(a.corners[0][1] - a.corners[2][1]), 8)
    return abs(ax - bx) <= side and abs(ay - by) <= side


# A tracked code's window is enlarged so the code is about this many px across (at most 3x):
# zxing-cpp wants 3 or more px a module, and a 25-module code held far away has 2. The enlarged
# window is at most _TRACK_MAX_PX across, and its smear is undone only in windows of at most
# _UNBLUR_MAX_AREA px (a Fourier transform): a large code near the camera needs neither.
_TRACK_CODE_PX = 300.0
_TRACK_MAX_PX = 1200
_UNBLUR_MAX_AREA = 400 * 400


class FrameDecoder:
    """Decodes the frames of one camera in order (one per decode thread). Stateful so that a code
    seen in one frame can be looked for again where it was in the next (tracking across frames:
    DecodeOptions.tracking). `clock` gives seconds (monotonic); tests pass a fake one."""

    def __init__(self, options: DecodeOptions = DEFAULT_OPTIONS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.clock = clock
        self.tracks = Tracks(options.max_tracks, options.track_seconds, options.track_misses)

    def decode(self, image: Any) -> list[Found]:
        try:
            gray = to_gray(image)
        except ValueError:
            return []
        found = decode_frame(gray, self.options)
        if not self.options.tracking or gray.size == 0:
            return found
        now = self.clock()
        start = time.perf_counter()
        for track in self.tracks.missing({f.text for f in found}, now):
            spent = (time.perf_counter() - start) * 1000
            if spent >= self.options.track_ms:
                break
            codes = _read_window(gray, track, replace(self.options, track_ms=self.options.track_ms - spent), now)
            if track.text not in {c.text for c in codes}:
                self.tracks.looked(track.text)
            for code in codes:
                if not any(_same_code(code, f) for f in found):
                    found.append(code)
        for code in found:
            self.tracks.seen(code.text, code.corners, now)
        return found


def _read_window(gray: np.ndarray, track: Track, options: DecodeOptions, now: float) -> list[Found]:
    """The codes in the window where `track` was (moved on at its velocity), enlarged and read with
    the second passes; for a moving card, also with its motion blur undone (_unblurred)."""
    box = track.window(gray.shape[1], gray.shape[0], options.track_reach, now)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    window = gray[y0:y1, x0:x1]
    scale = min(3.0, _TRACK_CODE_PX / max(track.side(), 1.0), _TRACK_MAX_PX / max(window.shape))
    scale = max(1.0, scale)

    def enlarged(img: np.ndarray, factor: float = scale) -> np.ndarray:
        return cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)

    vx, vy = track.velocity
    moving = (vx * vx + vy * vy) ** 0.5 >= _MOVING_PX_S
    heading = math.degrees(math.atan2(vy, vx))
    # sharpened first: a tracked card that plain reads missed is most often a blurred one; for a card
    # on the move, its blur undone along its way, the smear 7 px long, then 5
    passes: list[tuple[Callable[[], np.ndarray], str, float]] = [
        (lambda: _sharpened(enlarged(window))[0], options.binarizer, scale)]
    if moving and window.size <= _UNBLUR_MAX_AREA:
        passes += [(lambda n=n: enlarged(_unblurred(window, n, heading), 2.0), options.binarizer, 2.0)  # type: ignore[misc]
                   for n in (7, 5)]
    passes += [(lambda: enlarged(window), options.binarizer, scale), (lambda: enlarged(window), "GlobalHistogram", scale)]
    start = time.perf_counter()
    for make, binarizer, factor in passes:
        if (time.perf_counter() - start) * 1000 >= options.track_ms:
            break
        results = _read(make(), options, binarizer)
        if results:
            return [Found(r.text, tuple((round(x0 + x / factor), round(y0 + y / factor))  # type: ignore[arg-type]
                                        for x, y in _corners(r.position)), int(r.orientation))
                    for r in results]
    return []


# A card moving at least this fast (px/s; 3 px a frame at 30 frames/s) is smeared along its way.
_MOVING_PX_S = 90.0


def _unblurred(gray: np.ndarray, length: int, degrees: float) -> np.ndarray:
    """`gray` with a straight motion smear `length` px long at `degrees` undone (Wiener filter).
    On the moving-card clips, the right smear recovers most frames the other passes miss."""
    n = length if length % 2 else length + 1
    kernel = np.zeros((n, n), np.float32)
    c, half = (n - 1) / 2, (length - 1) / 2
    dx, dy = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    cv2.line(kernel, (round(c - dx * half), round(c - dy * half)), (round(c + dx * half), round(c + dy * half)), 1.0, 1)
    kernel /= kernel.sum()
    spectrum = np.fft.rfft2(kernel, s=gray.shape)
    image = np.fft.rfft2(gray.astype(np.float32) / 255.0)
    out = np.fft.irfft2(image * np.conj(spectrum) / (np.abs(spectrum) ** 2 + 0.03), s=gray.shape)
    out = np.roll(out, (-(n // 2), -(n // 2)), (0, 1))  # the kernel's centre, not its corner, is the origin
    return np.clip(out * 255.0, 0, 255).astype(np.uint8)


def decode_frame(image: Any, options: DecodeOptions = DEFAULT_OPTIONS) -> list[Found]:
    """Every QR code readable in `image` (grayscale or BGR array), each once.

    Grayscale in is fastest (a camera frame is converted once, here, if it is colour).
    Never raises for a bad frame: an empty or broken array finds nothing. With
    `options.second_passes`, the frame is read again in other ways (see DecodeOptions) within
    `options.second_pass_ms`; a second pass only adds codes zxing-cpp read with their
    error correction intact, and the card's keyed check (verify_token) still judges each one.
    """
    try:
        gray = to_gray(image)
    except ValueError:
        return []
    if gray.size == 0:
        return []
    start = time.perf_counter()
    found: list[Found] = []

    def add(results: list[Any], scale: float) -> None:
        for r in results:
            corners = tuple((round(x / scale), round(y / scale)) for x, y in _corners(r.position))
            code = Found(r.text, corners, int(r.orientation))  # type: ignore[arg-type]
            if not any(_same_code(code, f) for f in found):
                found.append(code)

    add(_read(gray, options, options.binarizer), 1.0)
    if options.second_passes and (found or not options.second_passes_after_a_find):
        for make, binarizer in _SECOND_PASSES:
            if (time.perf_counter() - start) * 1000 >= options.second_pass_ms:
                break
            img, scale = make(gray)
            add(_read(img, options, binarizer or options.binarizer), scale)
    return found


class UnreadableImage(Exception):
    """The file is missing, not an image, or an image format we cannot read."""


def load_gray(path: str) -> np.ndarray:
    """Read an image file as grayscale: OpenCV first, Pillow for what OpenCV cannot open (GIF).

    The bytes are read here (not by cv2.imread) so that a missing file is a clear error and
    OpenCV prints no warnings of its own.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError as exc:
        raise UnreadableImage("no such file") from exc
    except IsADirectoryError as exc:
        raise UnreadableImage("is a folder, not an image") from exc
    except PermissionError as exc:
        raise UnreadableImage("no permission to read it") from exc
    except OSError as exc:
        raise UnreadableImage(exc.strerror or "cannot read it") from exc
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
    if img is not None and img.size:
        return img
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            return np.array(im.convert("L"))
    except Exception as exc:
        raise UnreadableImage("not an image this program can read") from exc


def decode_file(path: str, options: DecodeOptions = DEFAULT_OPTIONS) -> list[Found]:
    """The QR codes in an image file; raises `UnreadableImage` if it cannot be read."""
    return decode_frame(load_gray(path), options)
