"""The laptop battery through psutil, read from a pretend /sys/class/power_supply."""

import psutil
import pytest

from cinema.core.events import DeviceChanged
from cinema.devices.power.laptop import LaptopSource, laptop_has_battery


@pytest.fixture
def power_supply(tmp_path, monkeypatch):
    """A folder psutil takes for /sys/class/power_supply; `write("BAT0/capacity", 87)` fills it."""
    root = tmp_path / "power_supply"
    root.mkdir()
    monkeypatch.setattr(psutil._pslinux, "POWER_SUPPLY_PATH", str(root))

    def write(name, value):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{value}\n")

    write.root = root
    return write


def laptop(write, capacity=87, status="Discharging", online=0, energy=(43_500_000, 50_000_000), power=15_000_000):
    write("BAT0/type", "Battery")
    write("BAT0/capacity", capacity)
    write("BAT0/status", status)
    write("BAT0/energy_now", energy[0])
    write("BAT0/energy_full", energy[1])
    write("BAT0/power_now", power)
    write("AC/type", "Mains")
    write("AC/online", online)


def test_on_battery_the_level_and_time_left_are_read(power_supply):
    laptop(power_supply)
    changes = []
    reading = LaptopSource(changes.append).read()
    # 43.5 of 50 Wh, drawing 15 W: 87 %, 174 minutes
    assert (reading.percent, reading.minutes_left, reading.charging) == (87.0, 174.0, False)
    assert reading.event().percent == 87.0
    assert changes == [DeviceChanged("laptop battery", True, "")]


def test_plugged_in_there_is_no_end_in_sight(power_supply):
    laptop(power_supply, status="Charging", online=1)
    reading = LaptopSource().read()
    assert (reading.charging, reading.minutes_left) == (True, None)


def test_a_worn_battery_that_reads_over_100_percent_reads_100(power_supply):
    laptop(power_supply, energy=(52_000_000, 50_000_000))
    assert LaptopSource().read().percent == 100.0


def test_no_battery_reads_none_and_says_so_once_then_a_battery_is_found(power_supply):
    power_supply("AC/online", 1)
    changes = []
    source = LaptopSource(changes.append)
    assert source.read() is None and source.read() is None
    assert not laptop_has_battery()
    laptop(power_supply)
    assert source.read().percent == 87.0
    assert [(c.connected, c.detail) for c in changes] == [(False, "no battery found"), (True, "")]


def test_a_battery_that_reads_nonsense_or_a_missing_folder_never_raises(power_supply, monkeypatch):
    laptop(power_supply)
    power_supply("BAT0/energy_now", "garbage")  # psutil then divides a str by an int
    source = LaptopSource()
    assert source.read() is None
    assert source.presence.present is False
    monkeypatch.setattr(psutil._pslinux, "POWER_SUPPLY_PATH", str(power_supply.root / "missing"))
    assert LaptopSource().read() is None
    assert not laptop_has_battery()
