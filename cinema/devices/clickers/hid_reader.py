"""Reads USB keypads and presenter remotes through `evdev` (Linux) and hands their events on.

A thin adapter around `HidMapper`: `evdev` is imported only when a reader starts, so the
kiosk runs without it; a missing package is one clear `HidUnavailable` message, never an
ImportError traceback. Devices are grabbed: their keys reach only us, not the desktop.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from types import ModuleType

from cinema.core.events import DeviceChanged, Event, TeacherCommand
from cinema.devices.clickers.hid import EV_KEY, HidMapper
from cinema.devices.clickers.protocol import Press

POLL_SECONDS = 0.2  # how quickly stop() is noticed
REOPEN_SECONDS = 2.0  # how often a missing device is looked for again


class HidUnavailable(RuntimeError):
    """USB keypads cannot be read here (no evdev package, not Linux)."""


def load_evdev() -> ModuleType:
    try:
        import evdev  # noqa: PLC0415 - optional: only kiosks with USB keypads need it
    except ImportError as exc:
        raise HidUnavailable("USB keypads need the Python package 'evdev' "
                             "(pip install evdev; it builds with gcc and the Linux headers)") from exc
    return evdev


class HidReader:
    """Reads every device the mapper knows, in a thread; `put` gets engine events."""

    def __init__(self, mapper: HidMapper, put: Callable[[Event], None], grab: bool = True,
                 evdev: ModuleType | None = None) -> None:
        self.mapper = mapper
        self.put = put
        self.grab = grab
        self._evdev = evdev
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._open: dict[str, object] = {}  # device id -> evdev InputDevice
        self._missing: set[str] = set()  # devices already reported as not there

    def start(self) -> None:
        if self._evdev is None:
            self._evdev = load_evdev()  # raises in the caller's thread, where it can be shown
        self._thread = threading.Thread(target=self._run, name="hid-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        for device_id in list(self._open):
            self._close(device_id, announce=False)

    def _run(self) -> None:
        wanted = [d.device_id for d in self.mapper.devices]
        next_look = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_look:
                for device_id in wanted:
                    if device_id not in self._open:
                        self._try_open(device_id)
                next_look = time.monotonic() + REOPEN_SECONDS
            by_fd = {dev.fd: (device_id, dev) for device_id, dev in self._open.items()}
            if not by_fd:
                self._stop.wait(POLL_SECONDS)
                continue
            # poll, not select: select() refuses a descriptor numbered 1024 or more, which a long-running
            # process with many files, sockets and a camera open can be given (CI saw it)
            poller = select.poll()
            for fd in by_fd:
                poller.register(fd, select.POLLIN)
            for fd, _mask in poller.poll(POLL_SECONDS * 1000):
                device_id, dev = by_fd[fd]
                self._drain(device_id, dev)

    def _try_open(self, device_id: str) -> None:
        try:
            dev = self._evdev.InputDevice(device_id)
            if self.grab:
                dev.grab()  # the keypad's keys must not also type into the kiosk window
        except OSError as exc:
            # Not plugged in (or no permission): looked for again; said once so the status bar shows it.
            if device_id not in self._missing:
                self._missing.add(device_id)
                self.put(DeviceChanged(f"keypad {device_id}", False, exc.strerror or str(exc)))
            return
        self._missing.discard(device_id)
        self._open[device_id] = dev
        self.put(DeviceChanged(f"keypad {device_id}", True, getattr(dev, "name", "")))

    def _drain(self, device_id: str, dev: object) -> None:
        try:
            while (event := dev.read_one()) is not None:
                if event.type != EV_KEY:
                    continue
                result = self.mapper.key(device_id, event.code, event.value)
                if isinstance(result, Press):
                    self.put(result.as_event())
                elif isinstance(result, TeacherCommand):
                    self.put(result)
        except BlockingIOError:
            return  # nothing more to read right now
        except OSError as exc:  # unplugged
            self._close(device_id, announce=True, detail=str(exc))

    def _close(self, device_id: str, announce: bool, detail: str = "") -> None:
        dev = self._open.pop(device_id, None)
        if dev is None:
            return
        try:
            dev.close()
        except OSError:
            pass  # already gone with the cable
        if announce:
            self.put(DeviceChanged(f"keypad {device_id}", False, detail))
