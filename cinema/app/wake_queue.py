"""The kiosk's event queue, which also wakes a loop sleeping in select().

While VLC draws a playing video the loop has nothing to draw: it sleeps until an event comes in (a device
thread's put, which writes a byte to a pipe) or the X server has something for the window (a key, a
resize), instead of waking four times a second to look (issue 16: CPU is battery).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import queue

log = logging.getLogger(__name__)


class WakingQueue(queue.Queue):
    """A queue.Queue whose every put also makes `fd` readable until `clear_wake()`."""

    def __init__(self) -> None:
        super().__init__()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    @property
    def fd(self) -> int:
        return self._read

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        super().put(item, block, timeout)
        try:
            os.write(self._write, b"\0")
        except OSError:  # the pipe is full (nobody slept for a while): it is readable already
            pass

    def clear_wake(self) -> None:
        """Called by the loop before it takes what is queued: a put after this wakes the next sleep."""
        try:
            while os.read(self._read, 4096):
                pass
        except OSError:
            pass

    def close(self) -> None:
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass


def x_connection_fd() -> int | None:
    """The file descriptor of SDL's connection to the X server (readable when a key, a resize or another
    window event comes), or None: not X11 (Wayland, the dummy driver), or no window of pygame.display."""
    import pygame

    try:
        if pygame.display.get_driver() != "x11":
            return None
        capsule = pygame.display.get_wm_info().get("display")
        if capsule is None:
            return None
        get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
        get_pointer.restype = ctypes.c_void_p
        get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        display = get_pointer(capsule, b"display")
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x11.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x11.XConnectionNumber.restype = ctypes.c_int
        fd = x11.XConnectionNumber(display)
    except Exception as exc:  # no libX11, no window: the loop wakes by the clock as before
        log.debug("no X connection to sleep on: %s", exc)
        return None
    return fd if fd >= 0 else None
