"""A Victron battery monitor or solar charger on a serial port: a reader thread keeps its latest reading."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from cinema.core.clock import Clock
from cinema.devices.clickers import ports
from cinema.devices.clickers.manager import _describe as describe_port_error
from cinema.devices.power.reading import BatteryReading, Notify, Presence
from cinema.devices.power.vedirect import BAUDRATE, READING_LABELS, VeDirectParser, reading_from_fields

log = logging.getLogger("cinema.power")

STALE_AFTER = 10.0  # seconds without a good block before the device counts as gone (it sends one a second)
RETRY_EVERY = 2.0  # seconds between attempts to open a missing port
READ_TIMEOUT = 0.5  # how long one read waits; close() interrupts it where the port allows
READ_CHUNK = 4096


class _Vanished(Exception):
    """The port is open but the device behind it is gone or silent."""


class VeDirectSource:
    """Reads VE.Direct text blocks from `port` (a device path or any `open_port` URL) in a
    background thread; `read()` returns the latest reading, or None once it is older than
    `stale_after` seconds on `clock`. `on_reading` (if given) is called from the thread with
    every reading as it arrives (`cinema devices --listen`)."""

    def __init__(self, port: str, clock: Clock, on_change: Notify | None = None,
                 on_reading: Callable[[BatteryReading], None] | None = None, *, name: str | None = None,
                 stale_after: float = STALE_AFTER, retry_every: float = RETRY_EVERY,
                 read_timeout: float = READ_TIMEOUT, opener: Callable[..., ports.Port] = ports.open_port) -> None:
        self.port_url = port
        self.name = name or f"Victron {port}"
        self.clock = clock
        self.on_reading = on_reading
        self.stale_after = stale_after
        self.retry_every = retry_every
        self.read_timeout = read_timeout
        self.presence = Presence(self.name, on_change)
        self.parser = VeDirectParser()
        self._opener = opener
        self._fields: dict[str, str] = {}  # the latest value of every label: a BMV splits them over two blocks
        self._latest: tuple[float, BatteryReading] | None = None
        self._started_at: float | None = None
        self.opens = 0  # times the port opened: 0 after a failure means it was never there
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._port: Any = None
        self._thread = threading.Thread(target=self._run, name=f"vedirect {port}", daemon=True)
        ports.check_url(port)  # an unregistered fake:// port is a test bug: say so in the caller's thread

    def start(self) -> VeDirectSource:
        if self._started_at is None and not self._stop.is_set():
            self._started_at = self.clock.monotonic()
            self._thread.start()
        return self

    def read(self) -> BatteryReading | None:
        with self._lock:
            latest = self._latest
        at = latest[0] if latest is not None else self._started_at
        if at is None:
            return None
        age = self.clock.monotonic() - at
        if age > self.stale_after:
            if self.presence.present is not False:  # the thread may already have said why (cannot open)
                # an open port that says nothing: a wrong port, a cable loose at the far end, a device off
                self.presence.down(f"no readings for over {self.stale_after:g} s")
            return None
        return latest[1] if latest is not None else None

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        ports.cancel_read(self._port)
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- the thread --

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                port = self._opener(self.port_url, BAUDRATE, self.read_timeout)
            except Exception as exc:  # missing, busy, no permission: all "not there yet"
                self.presence.down(describe_port_error(exc))
                self._stop.wait(self.retry_every)
                continue
            self._port = port
            self.opens += 1
            try:
                self._serve(port)
            except Exception as exc:  # a yanked cable shows up as any of several errors
                if not self._stop.is_set():
                    self.presence.down(describe_port_error(exc))
                    self._stop.wait(self.retry_every)
            finally:
                self._port = None
                try:
                    port.close()
                except Exception:
                    pass

    def _serve(self, port: Any) -> None:
        # Some USB serial drivers keep answering "nothing" after the cable is pulled: a device file
        # that is gone, or a port silent for stale_after seconds, is closed and opened afresh.
        path = self.port_url if self.port_url.startswith("/") else None
        heard = time.monotonic()
        while not self._stop.is_set():
            data = port.read(min(max(port.in_waiting, 1), READ_CHUNK))
            if data:
                heard = time.monotonic()
                self.feed(data)
            elif path is not None and not os.path.exists(path):
                raise _Vanished("unplugged (the device file is gone)")
            elif time.monotonic() - heard > self.stale_after:
                raise _Vanished(f"no readings for over {self.stale_after:g} s")

    def feed(self, data: bytes) -> None:
        """Bytes from the port (the thread calls this; tests may too)."""
        self.parser.feed(data)
        for block in self.parser.events():
            fields = block.as_dict()
            self._fields.update(fields)
            if not READING_LABELS.intersection(fields):
                continue
            reading = reading_from_fields(self._fields, source="vedirect")
            if reading is None:
                continue
            with self._lock:
                self._latest = (self.clock.monotonic(), reading)
            self.presence.up(self.port_url)
            if self.on_reading is not None:
                try:
                    self.on_reading(reading)
                except Exception:  # a listener's bug must not read as a lost device
                    log.exception("%s: the reading listener failed", self.name)


def is_victron_cable(port_info: Any) -> bool:
    """A Victron VE.Direct USB cable, by the strings it gives (manufacturer "VictronEnergy BV",
    product "VE Direct cable"): its FTDI chip is one clicker receivers are built on too."""
    words = " ".join(str(getattr(port_info, k, "") or "") for k in ("manufacturer", "product", "description"))
    words = words.lower()
    return "victron" in words or "ve direct" in words or "ve.direct" in words
