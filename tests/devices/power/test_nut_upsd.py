"""A UPS through the real NUT server: upsd and the dummy-ups driver, started on loopback in a temp folder."""

import io
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import DeviceChanged
from cinema.devices.listing import _nut_batteries, describe, listen_battery
from cinema.devices.power.nut import NutSource
from cinema.devices.power.sources import open_power_source


def _first(*paths):
    return next((p for p in paths if os.access(p, os.X_OK)), None)


# Debian's /usr/sbin/upsd is a wrapper that refuses to start unless /etc/nut/nut.conf enables it.
UPSD = _first("/lib/nut/upsd", "/usr/lib/nut/upsd", "/usr/libexec/nut/upsd")
DUMMY_UPS = _first("/lib/nut/dummy-ups", "/usr/lib/nut/dummy-ups", "/usr/libexec/nut/dummy-ups")
pytestmark = pytest.mark.skipif(
    not (UPSD and DUMMY_UPS), reason="NUT is not installed (Debian: apt-get install nut-server)")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


def wait_until(condition, timeout=8.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} not met in time"
        time.sleep(0.05)


class RealUps:
    """upsd + dummy-ups in `folder` (their config and state, through NUT_CONFPATH / NUT_STATEPATH),
    serving one UPS called "dummy" whose values come from a file the test rewrites."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.dev = folder / "dummy.dev"
        self.env = {**os.environ, "NUT_CONFPATH": str(folder), "NUT_STATEPATH": str(folder)}
        # Started as root both would switch to the "nut" user, who cannot read a root-owned temp folder.
        self.user = ["-u", "root"] if os.geteuid() == 0 else []
        (folder / "ups.conf").write_text(
            '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n  mode = dummy-once\n  pollinterval = 1\n'
            '  desc = "test UPS"\n')
        (folder / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n")
        (folder / "upsd.users").write_text("")
        (folder / "upsd.users").chmod(0o600)
        self.writes = 0
        self.set(DISCHARGING)
        self.driver = self.upsd = None

    def set(self, values: dict) -> None:
        """Rewrite the driver's data file, as a UPS changing its mind."""
        tmp = self.dev.with_suffix(".tmp")
        tmp.write_text("".join(f"{k}: {v}\n" for k, v in values.items()))
        os.replace(tmp, self.dev)
        self.writes += 1
        stamp = 1_700_000_000 + self.writes * 10  # the driver looks for a new modification time, in seconds
        os.utime(self.dev, (stamp, stamp))

    def _run(self, program, name):
        log = open(self.folder / f"{name}.log", "ab")
        try:
            return subprocess.Popen([program, *self.user, "-F", *(["-a", "dummy"] if name == "driver" else [])],
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()

    def start_driver(self):
        self.driver = self._run(DUMMY_UPS, "driver")
        wait_until(lambda: (self.folder / "dummy-ups-dummy").exists() or self.driver.poll() is not None,
                   what="the driver's socket")
        assert self.driver.poll() is None, (self.folder / "driver.log").read_text()

    def start_upsd(self):
        self.upsd = self._run(UPSD, "upsd")

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return self.upsd.poll() is not None

        wait_until(listening, what="upsd listening")
        assert self.upsd.poll() is None, (self.folder / "upsd.log").read_text()

    def stop(self, which):
        proc = getattr(self, which)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        setattr(self, which, None)


DISCHARGING = {"battery.charge": 87, "battery.runtime": 8400, "battery.voltage": 12.6, "ups.status": "OB DISCHRG"}


def started(folder: Path):
    real = RealUps(folder)
    try:
        real.start_driver()
        real.start_upsd()
        source = NutSource(f"dummy@127.0.0.1:{real.port}")
        # a driver's first look at the UPS takes a moment: upsd says "WAIT" until then
        wait_until(lambda: source.read() is not None, what="the UPS's first values")
        yield real
    finally:
        real.stop("upsd")
        real.stop("driver")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from started(tmp_path_factory.mktemp("nut"))


@pytest.fixture
def ups(server):
    """The shared server, its UPS back at 87 % on battery."""
    server.set(DISCHARGING)
    source = NutSource(f"dummy@127.0.0.1:{server.port}")
    wait_until(lambda: source.read().percent == 87.0 and source.read().charging is False, what="87 % again")
    return server


@pytest.fixture
def own_ups(tmp_path):
    """A server of the test's own, to stop."""
    yield from started(tmp_path)


def test_the_charge_runtime_and_status_come_from_the_ups(ups):
    changes = []
    source = NutSource(f"dummy@127.0.0.1:{ups.port}", changes.append)
    reading = source.read()
    assert (reading.percent, reading.minutes_left, reading.charging, reading.volts, reading.low) == \
        (87.0, 140.0, False, 12.6, False)
    ups.set({"battery.charge": 42, "battery.runtime": 600, "ups.status": "OL CHRG"})
    wait_until(lambda: source.read().percent == 42.0, what="the new charge")
    assert source.read().charging is True
    ups.set({"battery.charge": 9, "battery.runtime": 120, "ups.status": "OB LB"})
    wait_until(lambda: source.read().low, what="low battery")
    assert source.read().event().minutes_left == 2.0
    assert changes == [DeviceChanged(f"UPS dummy@127.0.0.1:{ups.port}", True, "dummy@127.0.0.1")]


def test_a_stopped_driver_and_a_stopped_server_are_told_once_each(own_ups):
    ups = own_ups
    changes = []
    source = NutSource(f"@127.0.0.1:{ups.port}", changes.append)  # no name: the only UPS there
    assert source.read().percent == 87.0
    ups.stop("driver")
    wait_until(lambda: source.read() is None, what="upsd noticing the driver is gone")
    assert source.read() is None
    ups.stop("upsd")
    assert source.read() is None
    assert [(c.connected, c.detail.split(" (")[0]) for c in changes] == [
        (True, "dummy@127.0.0.1"), (False, "the UPS driver is not running")]
    assert source.presence.detail == f"nothing answers at 127.0.0.1:{ups.port} (is the NUT service upsd running?)"


def test_an_unknown_ups_name_is_said_plainly(ups):
    source = NutSource(f"ecoflow@127.0.0.1:{ups.port}")
    assert source.read() is None
    assert source.presence.detail == f"upsd has no UPS by that name (ecoflow@127.0.0.1:{ups.port})"


def test_auto_takes_the_ups_before_the_laptop_battery(ups):
    laptop = type("Battery", (), {"percent": 50, "secsleft": 3600, "power_plugged": False})()
    source = open_power_source({"source": "auto", "nut_ups": f"@127.0.0.1:{ups.port}"}, FakeClock(),
                               sensors_battery=lambda: laptop)
    assert isinstance(source, NutSource) and source.read().percent == 87.0


def test_cinema_devices_lists_and_listens_to_the_ups(ups):
    listed = _nut_batteries("127.0.0.1", ups.port)
    assert [(d["name"], d["percent"], d["plugged"]) for d in listed] == [("dummy@127.0.0.1", 87.0, False)]
    assert describe(listed[0]) == "battery  dummy@127.0.0.1: 87% on battery"
    out, err = io.StringIO(), io.StringIO()
    assert listen_battery(f"dummy@127.0.0.1:{ups.port}", "nut", 0.3, out, err) == 0
    assert json.loads(out.getvalue().splitlines()[0]) == \
        {"percent": 87.0, "volts": 12.6, "amps": None, "minutes_left": 140}
    assert err.getvalue() == ""
