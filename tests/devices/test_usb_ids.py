"""USB ids: which plugged-in serial device is a receiver, a card scanner or a Victron cable."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from cinema.devices.listing import describe, list_devices
from cinema.devices.usb_ids import is_victron_cable, match_scanner, match_usb


# no input devices, cameras or batteries: only the serial port under test is listed
NOTHING_ELSE = dict(dev=Path("/nonexistent"), sys_root=Path("/nonexistent"), battery=lambda: None, nut=lambda: [])


def port(device="/dev/ttyUSB0", vid=0x0403, pid=0x6015, manufacturer="FTDI", product="FT231X USB UART",
         description="FT231X USB UART"):
    return SimpleNamespace(device=device, vid=vid, pid=pid, serial_number="X1", location="1-1", hwid="USB",
                           manufacturer=manufacturer, product=product, description=description)


@pytest.mark.parametrize("info, kind, protocol", [
    (port(), "receiver", "lcp"),  # a bare FTDI chip: maybe a DIY receiver
    (port(manufacturer="VictronEnergy BV", product="VE Direct cable", description="VE Direct cable"),
     "serial", "vedirect"),  # the same chip, named by Victron
    (port(vid=0x2341, pid=0x0043, product="Arduino Uno"), "receiver", "iskipper"),
    (port(vid=0x0C2E, pid=0x0B61, product="Honeywell Scanner"), "serial", "scanner"),
    (port(vid=0x05E0, pid=0x1701, product="Symbol Scanner"), "serial", "scanner"),
    (port(vid=0x0483, pid=0x5740, product="STM32 Virtual ComPort"), "serial", None),  # unknown: no guess
])
def test_each_plugged_serial_device_is_listed_as_what_its_usb_id_says(info, kind, protocol):
    found, = list_devices(list_ports=lambda: [info], **NOTHING_ELSE)
    assert (found["kind"], found["protocol"]) == (kind, protocol)


def test_a_scanner_is_named_with_what_to_do_about_it():
    found, = list_devices(list_ports=lambda: [port(vid=0x1EAB, pid=0x0D10, product="Newland")], **NOTHING_ELSE)
    assert describe(found) == ("serial   /dev/ttyUSB0 [1eab:0d10] Newland scanner - card scanner? "
                               "name it in devices.scanners")


def test_the_tables_do_not_overlap():
    # one vendor is a receiver or a scanner, never both: the guess must not depend on table order
    assert match_scanner(0x10C4, 0xEA60) is None and match_usb(0x0C2E, 0x0B61) is None
    assert not is_victron_cable(port())
