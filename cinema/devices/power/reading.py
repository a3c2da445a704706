"""What every battery source hands back (a `BatteryReading`), its interface, and how it tells it went away."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cinema.core.events import DeviceChanged, PowerReading

log = logging.getLogger("cinema.power")

Notify = Callable[[DeviceChanged], None]


@dataclass(frozen=True)
class BatteryReading:
    """One look at a battery. Every field but `source` may be None: the device does not say.

    `charging` means the battery is being fed (mains on, solar in): it is not draining.
    `minutes_left` is None when the source says "unlimited" (charging) or does not know.
    `low` is the device's own alarm (NUT `LB`, a Victron low-voltage or low-charge alarm).
    """

    percent: float | None
    minutes_left: float | None = None
    charging: bool | None = None
    volts: float | None = None
    amps: float | None = None  # positive: into the battery; negative: drawn from it
    low: bool | None = None
    source: str = ""

    def event(self) -> PowerReading:
        """The engine's input event for this reading."""
        return PowerReading(self.percent, self.minutes_left, self.charging)

    def as_json(self) -> dict[str, Any]:
        """The line `cinema devices --listen PORT --protocol vedirect` prints (DESIGN.md)."""
        return {"percent": _round(self.percent, 1), "volts": _round(self.volts, 2), "amps": _round(self.amps, 2),
                "minutes_left": _round(self.minutes_left, 0)}


def _round(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def finite(value: float | None) -> float | None:
    """`value`, or None for NaN and infinities (a source that reads nonsense says nothing)."""
    return value if value is None or math.isfinite(value) else None


class PowerSource(Protocol):
    """A battery the kiosk watches. `read()` never raises and may block for a second or two
    (a UPS over the network), so the kiosk calls it from `PowerMonitor`'s thread."""

    name: str

    def read(self) -> BatteryReading | None:
        """The battery now, or None when it cannot be read (a warning is logged once)."""

    def close(self) -> None:
        """Stop reading and let go of the port or connection."""


class Presence:
    """Says once when a source starts answering, stops, or comes back: a log line and a
    `DeviceChanged` for the engine (which journals `device.connected` / `device.lost`)."""

    def __init__(self, name: str, notify: Notify | None = None, quiet: bool = False) -> None:
        self.name = name
        self.notify = notify
        self.quiet = quiet  # a probe ("is there a UPS?"): not answering is no news
        self.present: bool | None = None  # None until the first answer or failure
        self.detail = ""
        self._lock = threading.Lock()  # a reader thread and read() may both report

    def up(self, detail: str = "") -> None:
        with self._lock:
            if self.present is True:
                return
            before, self.present, self.detail = self.present, True, detail
        if before is False:
            log.info("%s: answering again%s", self.name, f" ({detail})" if detail else "")
        else:
            log.info("%s: found%s", self.name, f" ({detail})" if detail else "")
        self._tell(True, detail)

    def down(self, detail: str) -> None:
        with self._lock:
            if self.present is False and self.detail == detail:
                return
            before, self.present, self.detail = self.present, False, detail
        if before is False:
            log.info("%s: still not answering: %s", self.name, detail)  # another reason, same state
            return
        log.log(logging.DEBUG if self.quiet else logging.WARNING, "%s: %s", self.name, detail)
        self._tell(False, detail)

    def _tell(self, connected: bool, detail: str) -> None:
        if self.notify is not None:
            try:
                self.notify(DeviceChanged(self.name, connected, detail))
            except Exception:  # whoever listens must not break the battery reader
                log.exception("%s: telling about a change failed", self.name)
