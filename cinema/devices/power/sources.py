"""Which battery the kiosk watches: `open_power_source` turns the `power:` settings into one source."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cinema.config.problems import did_you_mean
from cinema.core.clock import Clock
from cinema.devices.power.laptop import LaptopSource, _psutil_battery, laptop_has_battery
from cinema.devices.power.nut import NutSource, parse_address
from cinema.devices.power.reading import BatteryReading, Notify, PowerSource
from cinema.devices.power.simulated import SimulatedBattery, SimulatedSource
from cinema.devices.power.vedirect_source import VeDirectSource
from cinema.locale.runtime import gettext as _

log = logging.getLogger("cinema.power")

SOURCES = ("auto", "psutil", "nut", "vedirect", "simulated", "none")
PROBE_TIMEOUT = 1.0  # seconds "auto" waits for upsd; on a laptop without NUT the refusal is instant
# The name deploy/udev/99-learning-cinema.rules gives a Victron VE.Direct USB cable (by its USB strings).
VEDIRECT_CABLE = Path("/dev/cinema/vedirect")


class PowerSettingsError(ValueError):
    """The power settings cannot work as written; the message says how to fix them."""


class NoPowerSource:
    """`power.source: none`, or nothing found: the battery is not watched."""

    name = "none"

    def read(self) -> BatteryReading | None:
        return None

    def close(self) -> None:
        pass


def _setting(settings: Any, key: str, default: Any) -> Any:
    value = settings.get(key) if isinstance(settings, Mapping) else getattr(settings, key, None)
    return default if value is None else value


def open_power_source(settings: Any, clock: Clock, on_change: Notify | None = None, *,
                      sensors_battery: Callable[[], Any] = _psutil_battery,
                      vedirect_cable: Path = VEDIRECT_CABLE) -> PowerSource:
    """The source `settings` ask for: the kiosk config's `power` section (a PowerConfig), a dict,
    or argparse options, read for `source`, `nut_ups` (e.g. "ups@localhost"; empty: the only
    UPS on this laptop) and `vedirect_port` (e.g. /dev/ttyUSB0; empty: /dev/cinema/vedirect,
    the name the installed udev rule gives a Victron cable). Missing ones take defaults.

    "auto" takes the first that answers: a UPS through NUT, then a Victron device (when a port
    is named or udev named a Victron cable: an unknown serial port could be a clicker
    receiver), then the laptop's own battery, else none. `on_change` hears when the chosen
    source goes away or comes back. Raises PowerSettingsError for settings that cannot work
    (a plain one-line message).
    """
    source = str(_setting(settings, "source", "auto")).strip().lower()
    nut_ups = str(_setting(settings, "nut_ups", "")).strip()
    port = str(_setting(settings, "vedirect_port", "")).strip()
    address = _address(nut_ups)
    if source == "none":
        return NoPowerSource()
    if source == "psutil":
        return LaptopSource(on_change, sensors_battery=sensors_battery)
    if source == "nut":
        return NutSource(address, on_change)
    if source == "vedirect":
        # a cable not plugged in yet is waited for, and said so (DeviceChanged), not an error
        return VeDirectSource(port or str(vedirect_cable), clock, on_change).start()
    if source == "simulated":
        battery = SimulatedBattery(clock, float(_setting(settings, "simulated_percent", 80.0)),
                                   drain_per_hour=float(_setting(settings, "simulated_drain_per_hour", 35.0)))
        return SimulatedSource(battery, on_change)
    if source == "auto":
        if not port and vedirect_cable.exists():
            port = str(vedirect_cable)
        return _auto(address, nut_ups, port, clock, on_change, sensors_battery)
    hint = did_you_mean(source, SOURCES)
    raise PowerSettingsError(_("unknown power.source {name!r}: use one of {known}").format(
        name=source, known=", ".join(SOURCES)) + (f" — {hint}" if hint else ""))


def _address(nut_ups: str) -> Any:
    try:
        return parse_address(nut_ups)
    except ValueError as exc:
        raise PowerSettingsError(_("power.nut_ups {value!r} is not a UPS name: {reason}; write it as "
                                   "ups@localhost").format(value=nut_ups, reason=exc)) from None


def _auto(address: Any, nut_ups: str, port: str, clock: Clock, on_change: Notify | None,
          sensors_battery: Callable[[], Any]) -> PowerSource:
    probe = NutSource(address, timeout=PROBE_TIMEOUT, quiet=not nut_ups)  # no UPS named: no UPS is no news
    if probe.read() is not None:
        log.info("power: watching the UPS %s through NUT", probe.presence.detail)
        return NutSource(address, on_change)
    if nut_ups:
        log.warning("power: the UPS %s does not answer (%s); looking for another battery", nut_ups,
                    probe.presence.detail)
    if port:
        log.info("power: watching the Victron device on %s", port)
        return VeDirectSource(port, clock, on_change).start()
    if laptop_has_battery(sensors_battery):
        log.info("power: watching the laptop battery")
        return LaptopSource(on_change, sensors_battery=sensors_battery)
    log.info("power: no battery found; the battery is not watched")
    return NoPowerSource()
