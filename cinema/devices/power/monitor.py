"""Reads the chosen battery source every few seconds in its own thread and hands readings to the engine."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cinema.core.events import Event
from cinema.devices.power.reading import BatteryReading, PowerSource

log = logging.getLogger("cinema.power")

READ_EVERY = 10.0  # seconds between readings: a UPS can drop to "low" within a minute


class PowerMonitor:
    """Calls `source.read()` now and then every `every` seconds, off the pygame thread (a UPS
    over the network may take a moment), and passes each reading on as a `PowerReading`."""

    def __init__(self, source: PowerSource, on_event: Callable[[Event], None], every: float = READ_EVERY) -> None:
        self.source = source
        self.on_event = on_event
        self.every = every
        self.latest: BatteryReading | None = None  # volts and amps too, for a status screen
        self.readings = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="power monitor", daemon=True)

    def start(self) -> PowerMonitor:
        if not self._thread.is_alive() and not self._stop.is_set():
            self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop reading and close the source (returns within about `timeout`)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        try:
            self.source.close()
        except Exception:
            log.exception("power: closing %s failed", getattr(self.source, "name", "the source"))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                reading = self.source.read()
                if reading is not None:
                    self.latest = reading
                    self.readings += 1
                    self.on_event(reading.event())
            except Exception:  # sources never raise; if one does, keep watching the battery
                log.exception("power: reading %s failed", getattr(self.source, "name", "the source"))
            self._stop.wait(self.every)
