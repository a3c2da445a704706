"""A pretend battery run by a Clock, with fault switches: mains out and back, a sudden drop, silence."""

from __future__ import annotations

import threading

from cinema.core.clock import Clock
from cinema.devices.power.reading import BatteryReading, Notify, Presence
from cinema.devices.power.vedirect import encode_block


class SimulatedBattery:
    """Drains `drain_per_hour` percent an hour on battery, charges `charge_per_hour` on mains.

    The level moves with `clock` (a FakeClock in tests, the kiosk's SpeedClock in a demo), so a
    test advances time instead of sleeping. The switches are what goes wrong in a shelter:
    `unplug()` (the mains or the generator goes out), `plug()`, `drop(percent)` (a cold or worn
    battery falls suddenly), `go_silent()` (the monitor stops answering), `answer()`.
    """

    def __init__(self, clock: Clock, percent: float = 80.0, *, on_mains: bool = False,
                 drain_per_hour: float = 35.0, charge_per_hour: float = 60.0,
                 volts_empty: float = 11.8, volts_full: float = 12.8, load_amps: float = 3.2,
                 charge_amps: float = 6.0) -> None:
        if not 0 <= percent <= 100:
            raise ValueError(f"percent must be 0-100: {percent}")
        if drain_per_hour <= 0 or charge_per_hour <= 0:
            raise ValueError("drain_per_hour and charge_per_hour must be above 0")
        self.clock = clock
        self.drain_per_hour, self.charge_per_hour = drain_per_hour, charge_per_hour
        self.volts_empty, self.volts_full = volts_empty, volts_full
        self.load_amps, self.charge_amps = load_amps, charge_amps
        self.silent = False
        self._percent = float(percent)
        self._on_mains = on_mains
        self._at = clock.monotonic()
        self._lock = threading.Lock()  # the kiosk's monitor thread reads while a trainer flips switches

    # -- fault switches --

    def unplug(self) -> None:
        with self._lock:
            self._advance()
            self._on_mains = False

    def plug(self) -> None:
        with self._lock:
            self._advance()
            self._on_mains = True

    def drop(self, percent: float) -> None:
        """The level falls (or jumps) to `percent` at once."""
        with self._lock:
            self._advance()
            self._percent = max(0.0, min(100.0, float(percent)))

    def go_silent(self) -> None:
        self.silent = True

    def answer(self) -> None:
        self.silent = False

    # -- reading --

    @property
    def on_mains(self) -> bool:
        return self._on_mains

    def state(self) -> BatteryReading:
        """The battery now, whether or not it is answering."""
        with self._lock:
            self._advance()
            percent, mains = self._percent, self._on_mains
        full = percent >= 100.0
        volts = self.volts_empty + (self.volts_full - self.volts_empty) * percent / 100 + (0.6 if mains else 0.0)
        amps = (0.1 if full else self.charge_amps) if mains else -self.load_amps
        minutes = None if mains else percent / self.drain_per_hour * 60
        return BatteryReading(percent=round(percent, 3), minutes_left=minutes, charging=mains,
                              volts=round(volts, 3), amps=amps, low=None, source="simulated")

    def _advance(self) -> None:
        now = self.clock.monotonic()
        hours = max(0.0, now - self._at) / 3600
        self._at = now
        if self._on_mains:
            self._percent = min(100.0, self._percent + self.charge_per_hour * hours)
        else:
            self._percent = max(0.0, self._percent - self.drain_per_hour * hours)


class SimulatedSource:
    """A `PowerSource` over a `SimulatedBattery` (`power.source: simulated`)."""

    def __init__(self, battery: SimulatedBattery, on_change: Notify | None = None, *,
                 name: str = "simulated battery") -> None:
        self.battery = battery
        self.name = name
        self.presence = Presence(name, on_change)

    def read(self) -> BatteryReading | None:
        if self.battery.silent:
            self.presence.down("stopped answering (simulated)")
            return None
        self.presence.up()
        return self.battery.state()

    def close(self) -> None:
        pass


def bmv_block(reading: BatteryReading) -> bytes:
    """The VE.Direct text block a Victron BMV-700 battery monitor would send for `reading`
    (a pretend monitor on a pty or a fake port)."""
    volts = reading.volts if reading.volts is not None else 12.5
    amps = reading.amps if reading.amps is not None else 0.0
    fields: list[tuple[str, object]] = [
        ("PID", "0x203"), ("V", round(volts * 1000)), ("I", round(amps * 1000)), ("P", round(volts * amps)),
        ("CE", "---" if reading.percent is None else -round((100 - reading.percent) * 1000)),
        ("SOC", "---" if reading.percent is None else round(reading.percent * 10)),
        ("TTG", -1 if reading.minutes_left is None else round(reading.minutes_left)),
        ("Alarm", "ON" if reading.low else "OFF"), ("Relay", "OFF"), ("AR", 4 if reading.low else 0),
        ("BMV", "700"), ("FW", "0308"),
    ]
    return encode_block(fields)
