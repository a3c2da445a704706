"""The laptop's own battery through psutil (which reads /sys/class/power_supply on Linux)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cinema.devices.power.reading import BatteryReading, Notify, Presence, finite


def _psutil_battery() -> Any:
    import psutil

    return psutil.sensors_battery()


def _time_flags() -> tuple[Any, Any]:
    import psutil

    return psutil.POWER_TIME_UNLIMITED, psutil.POWER_TIME_UNKNOWN


class LaptopSource:
    """`psutil.sensors_battery()`: percent, plugged in or not, seconds left."""

    def __init__(self, on_change: Notify | None = None, *, name: str = "laptop battery",
                 sensors_battery: Callable[[], Any] = _psutil_battery) -> None:
        self.name = name
        self.presence = Presence(name, on_change)
        self._sensors_battery = sensors_battery

    def read(self) -> BatteryReading | None:
        try:
            battery = self._sensors_battery()
        except Exception as exc:  # no power_supply folder, a driver that reads nonsense
            self.presence.down(f"cannot read the battery: {exc}")
            return None
        if battery is None:
            self.presence.down("no battery found")
            return None
        try:
            percent = finite(float(battery.percent))
            secs = battery.secsleft
            unlimited, unknown = _time_flags()
            minutes = None if secs in (unlimited, unknown, None) or secs < 0 else secs / 60
            plugged = battery.power_plugged
        except (TypeError, ValueError, AttributeError) as exc:
            self.presence.down(f"the battery reads nonsense: {exc}")
            return None
        if percent is None or percent < 0:
            self.presence.down(f"the battery reads nonsense: {battery.percent!r} %")
            return None
        self.presence.up()
        # psutil works the percent out from energy_now / energy_full, which can pass 100 on a worn battery
        return BatteryReading(min(percent, 100.0), minutes, None if plugged is None else bool(plugged),
                              source="psutil")

    def close(self) -> None:
        pass


def laptop_has_battery(sensors_battery: Callable[[], Any] = _psutil_battery) -> bool:
    try:
        return sensors_battery() is not None
    except Exception:
        return False
