"""`open_power_source`: the `power:` settings choose a source; "auto" takes the first that answers."""

import socket
import time
from argparse import Namespace
from types import SimpleNamespace

import pytest

from cinema.config.models import PowerConfig
from cinema.core.clock import FakeClock
from cinema.devices.clickers.ports import FakeReceiver, fake_port
from cinema.devices.power.laptop import LaptopSource
from cinema.devices.power.nut import NutSource
from cinema.devices.power.simulated import SimulatedSource
from cinema.devices.power.sources import NoPowerSource, PowerSettingsError, open_power_source
from cinema.devices.power.vedirect_source import VeDirectSource

LAPTOP = SimpleNamespace(percent=55.0, secsleft=5400, power_plugged=False)


@pytest.fixture
def no_upsd():
    """A loopback port nothing listens on, so "auto" finds no UPS whatever this machine runs."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    return f"@127.0.0.1:{port}"


@pytest.mark.parametrize("settings, kind", [
    ({"source": "none"}, NoPowerSource),
    ({"source": "psutil"}, LaptopSource),
    ({"source": "nut", "nut_ups": "ups@localhost"}, NutSource),
    ({"source": "simulated"}, SimulatedSource),
    (PowerConfig(source="simulated"), SimulatedSource),  # the kiosk config's own section
    (Namespace(source="psutil", nut_ups=None), LaptopSource),  # command-line options
])
def test_each_source_by_name(settings, kind):
    source = open_power_source(settings, FakeClock(), sensors_battery=lambda: LAPTOP)
    assert isinstance(source, kind)
    source.close()


def test_a_victron_port_is_opened_and_read_at_once():
    rx = FakeReceiver()
    with fake_port("fake://victron", rx.open):
        source = open_power_source({"source": "vedirect", "vedirect_port": "fake://victron"}, FakeClock())
        try:
            assert isinstance(source, VeDirectSource) and source.port_url == "fake://victron"
            deadline = time.monotonic() + 2
            while rx.opens == 0:
                assert time.monotonic() < deadline, "the port was not opened"
                time.sleep(0.005)
        finally:
            source.close()


@pytest.mark.parametrize("settings, message", [
    ({"source": "nutt"}, ('unknown power.source \'nutt\': use one of auto, psutil, nut, vedirect, simulated, '
                          'none — did you mean "nut"?')),
    ({"source": "nut", "nut_ups": "my ups"}, ("power.nut_ups 'my ups' is not a UPS name: a UPS name has no spaces "
                                              "or quotes: 'my ups'; write it as ups@localhost")),
])
def test_settings_that_cannot_work_are_one_plain_line(settings, message):
    with pytest.raises(PowerSettingsError) as caught:
        open_power_source(settings, FakeClock())
    assert str(caught.value) == message


def test_auto_without_a_ups_or_a_victron_port_takes_the_laptop_battery(no_upsd, tmp_path):
    source = open_power_source({"source": "auto", "nut_ups": no_upsd}, FakeClock(), sensors_battery=lambda: LAPTOP,
                               vedirect_cable=tmp_path / "none")
    assert isinstance(source, LaptopSource) and source.read().minutes_left == 90


def test_auto_takes_a_named_victron_port_before_the_laptop(no_upsd):
    with fake_port("fake://bmv", FakeReceiver().open):
        source = open_power_source({"nut_ups": no_upsd, "vedirect_port": "fake://bmv"}, FakeClock(),
                                   sensors_battery=lambda: LAPTOP)
        source.close()
    assert isinstance(source, VeDirectSource)


def test_without_a_port_the_cable_udev_named_is_used(tmp_path, no_upsd):
    cable = tmp_path / "vedirect"
    source = open_power_source({"source": "vedirect"}, FakeClock(), vedirect_cable=cable)
    source.close()
    assert source.port_url == str(cable)  # not there yet: waited for, not an error
    assert isinstance(open_power_source({"nut_ups": no_upsd}, FakeClock(), sensors_battery=lambda: LAPTOP,
                                        vedirect_cable=cable), LaptopSource)
    cable.write_text("")
    source = open_power_source({"nut_ups": no_upsd}, FakeClock(), sensors_battery=lambda: LAPTOP,
                               vedirect_cable=cable)
    source.close()
    assert isinstance(source, VeDirectSource) and source.port_url == str(cable)


def test_auto_with_nothing_at_all_watches_nothing(no_upsd, tmp_path):
    source = open_power_source({"nut_ups": no_upsd}, FakeClock(), sensors_battery=lambda: None,
                               vedirect_cable=tmp_path / "none")
    assert isinstance(source, NoPowerSource) and source.read() is None


def test_the_chosen_source_tells_when_it_goes_away():
    changes = []
    source = open_power_source({"source": "simulated"}, FakeClock(), changes.append)
    source.read()
    source.battery.go_silent()
    source.read()
    assert [(c.name, c.connected) for c in changes] == [("simulated battery", True), ("simulated battery", False)]
