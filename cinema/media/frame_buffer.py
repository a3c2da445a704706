"""Receive VLC's decoded video frames into memory that pygame Surfaces share, without copying."""

from __future__ import annotations

import ctypes
import threading

import pygame
import vlc

# VLC writes bytes R, G, B, A; pygame's "RGBX" reads them as an opaque surface.
_CHROMA = b"RGBA"
_PYGAME_FORMAT = "RGBX"
_BYTES_PER_PIXEL = 4
# Four buffers: one being shown, one handed to the display, one or two being written by VLC.
_BUFFERS = 4

_UINT_P = ctypes.POINTER(ctypes.c_uint)
_FormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, _UINT_P, _UINT_P, _UINT_P, _UINT_P
)


def fit_size(source: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The largest size inside `target` with the source's shape (VLC scales to it).

    The width is a multiple of 8 so each row is a multiple of 32 bytes, as VLC's
    converters prefer; the height is even for the same reason.
    """
    sw, sh = source
    tw, th = target
    if sw <= 0 or sh <= 0:
        return (max(8, tw - tw % 8), max(2, th - th % 2))
    scale = min(tw / sw, th / sh)
    w = max(8, int(sw * scale + 0.5) // 8 * 8)
    h = max(2, int(sh * scale + 0.5) // 2 * 2)
    return (min(w, max(8, tw - tw % 8)), min(h, max(2, th - th % 2)))


class FrameBuffer:
    """VLC video callbacks that keep the newest frame as a pygame Surface.

    VLC's callbacks run on VLC's threads and only touch this object's buffers under a
    short lock; they never call back into libvlc.
    """

    def __init__(self, target_size: tuple[int, int]) -> None:
        self._target = target_size
        self._mutex = threading.Lock()
        self._buffers: list[ctypes.Array] = []
        self._surfaces: list[pygame.Surface] = []
        self._size = (0, 0)
        self._source_hint: tuple[int, int] | None = None
        self._front: int | None = None  # newest complete frame
        self._handed: int | None = None  # the one frame() gave out last
        self._locked: set[int] = set()
        self._serial = 0
        self._shown_serial = -1
        self._last: pygame.Surface | None = None
        # ctypes callback objects must outlive the player, or VLC calls freed code.
        # python-vlc declares the chroma argument as c_char_p, which hands Python a copy:
        # our prototype takes the raw pointer so the chosen chroma reaches VLC.
        self._c_setup_raw = _FormatCb(self._setup)
        self._c_setup = ctypes.cast(self._c_setup_raw, vlc.CallbackDecorators.VideoFormatCb)
        self._c_cleanup = vlc.CallbackDecorators.VideoCleanupCb(self._cleanup)
        self._c_lock = vlc.CallbackDecorators.VideoLockCb(self._lock)
        self._c_unlock = vlc.CallbackDecorators.VideoUnlockCb(self._unlock)
        self._c_display = vlc.CallbackDecorators.VideoDisplayCb(self._display)

    def attach(self, media_player: vlc.MediaPlayer) -> None:
        media_player.video_set_callbacks(self._c_lock, self._c_unlock, self._c_display, None)
        media_player.video_set_format_callbacks(self._c_setup, self._c_cleanup)

    def set_target_size(self, size: tuple[int, int]) -> None:
        """Takes effect from the next video VLC opens."""
        with self._mutex:
            self._target = size

    def set_source_size(self, size: tuple[int, int] | None) -> None:
        """The video's visible size, when known: VLC's setup only sees the decoder's
        padded size (1920x1088 for 1080p), which would squeeze the picture."""
        with self._mutex:
            self._source_hint = size

    # -- the display side (pygame thread) --------------------------------------

    def serial(self) -> int:
        return self._serial

    def frame(self) -> pygame.Surface | None:
        """The newest frame; valid to draw until the next call."""
        with self._mutex:
            if self._serial != self._shown_serial and self._front is not None:
                self._handed = self._front
                self._last = self._surfaces[self._front]
                self._shown_serial = self._serial
            return self._last

    def clear(self) -> None:
        """Forget the last frame (nothing is playing)."""
        with self._mutex:
            self._last = None
            self._handed = None
            self._front = None
            self._shown_serial = self._serial

    # -- VLC's side (VLC threads) ------------------------------------------------

    def _setup(self, opaque, chroma, width, height, pitches, lines):
        with self._mutex:
            source = self._source_hint or (width[0], height[0])
            target = self._target
        w, h = fit_size(source, target)
        rows = (h + 31) // 32 * 32  # VLC may write a few rows past the picture
        pitch = w * _BYTES_PER_PIXEL
        buffers = [(ctypes.c_ubyte * (pitch * rows))() for _ in range(_BUFFERS)]
        surfaces = [
            pygame.image.frombuffer(memoryview(b).cast("B")[: pitch * h], (w, h), _PYGAME_FORMAT)
            for b in buffers
        ]
        with self._mutex:
            # Old surfaces keep their own buffers alive: the display may still hold one.
            self._buffers, self._surfaces, self._size = buffers, surfaces, (w, h)
            self._front = None
            self._handed = None
            self._locked = set()
        ctypes.memmove(chroma, _CHROMA, 4)
        width[0], height[0] = w, h
        pitches[0] = pitch
        lines[0] = rows
        # One picture in VLC's pool: frames come lock -> display in order, so the spare
        # buffers above are always enough.
        return 1

    def _cleanup(self, opaque):
        # Keep the last frame: the next video takes over without a black flash.
        return None

    def _lock(self, opaque, planes):
        with self._mutex:
            busy = {self._front, self._handed} | self._locked
            free = [i for i in range(len(self._buffers)) if i not in busy]
            index = free[0] if free else (self._front + 1) % len(self._buffers)
            self._locked.add(index)
            if len(self._locked) > _BUFFERS - 2:  # a frame VLC dropped without display
                self._locked = {index}
            planes[0] = ctypes.addressof(self._buffers[index])
        return index + 1  # never NULL: VLC passes this back to unlock and display

    def _unlock(self, opaque, picture, planes):
        return None

    def _display(self, opaque, picture):
        index = (picture or 1) - 1
        with self._mutex:
            self._locked.discard(index)
            if index < len(self._buffers):
                self._front = index
                self._serial += 1
