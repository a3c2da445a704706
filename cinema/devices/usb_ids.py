"""Which USB serial devices are what: clicker receivers, card scanners and Victron cables, by USB id.

The one place the kiosk guesses from. deploy/udev/99-learning-cinema.rules names the same
devices for udev in its own syntax (tests/deploy checks every receiver here gets its udev name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PortInfo(Protocol):
    """What we read of a serial port in the system's list (pyserial's `ListPortInfo` is one)."""

    device: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    location: str | None  # the USB socket ("1-1.2"): the same after a replug into it


@dataclass(frozen=True)
class UsbId:
    vid: int
    pid: int | None  # None: every product of this vendor
    chip: str
    protocol: str  # the protocol we guess; a configured protocol always wins


# USB vendor:product ids of the serial chips DIY receivers are built on. The guess is only a
# guess: a CH340 Arduino Nano clone may run iSkipper, so a receiver that is not LCP needs its
# protocol named in the config (or `--protocol` for `cinema devices --listen`).
USB_RECEIVERS: tuple[UsbId, ...] = (
    UsbId(0x10C4, 0xEA60, "Silicon Labs CP210x (ESP32 DevKit, NodeMCU)", "lcp"),
    UsbId(0x10C4, 0xEA70, "Silicon Labs CP2105", "lcp"),
    UsbId(0x1A86, 0x7523, "WCH CH340 (ESP32 / ESP8266 / Arduino Nano clones)", "lcp"),
    UsbId(0x1A86, 0x55D4, "WCH CH9102 (newer ESP32 boards)", "lcp"),
    UsbId(0x0403, 0x6001, "FTDI FT232R", "lcp"),
    UsbId(0x0403, 0x6015, "FTDI FT231X", "lcp"),
    UsbId(0x303A, None, "Espressif native USB (ESP32-S2/S3/C3)", "lcp"),
    UsbId(0x1915, None, "Nordic nRF52 dongle", "lcp"),
    UsbId(0x2E8A, None, "Raspberry Pi Pico", "lcp"),
    # iSkipper (iClicker receiver firmware) runs on Arduinos with an RFM69 radio; the
    # Adafruit Feather M0 RFM69 is the usual board.
    UsbId(0x2341, None, "Arduino (Uno, Mega, Leonardo, Micro)", "iskipper"),
    UsbId(0x2A03, None, "Arduino.org board", "iskipper"),
    UsbId(0x239A, None, "Adafruit Feather (M0 RFM69)", "iskipper"),
)

# Serial (USB COM-port mode) barcode scanners: every product of these vendors.
USB_SCANNERS: tuple[UsbId, ...] = (
    UsbId(0x0C2E, None, "Honeywell / Metrologic scanner", "scanner"),
    UsbId(0x05E0, None, "Zebra / Symbol scanner", "scanner"),
    UsbId(0x05F9, None, "Datalogic scanner", "scanner"),
    UsbId(0x1EAB, None, "Newland scanner", "scanner"),
)

# Victron's VE.Direct USB cable is an FTDI FT231X, the same chip as some receivers above: only
# the strings it gives (manufacturer "VictronEnergy BV", product "VE Direct cable") tell it apart.
VICTRON_CABLE = UsbId(0x0403, 0x6015, "Victron VE.Direct USB cable", "vedirect")
_VICTRON_WORDS = ("victron", "ve direct", "ve.direct")


def _match(table: tuple[UsbId, ...], vid: int | None, pid: int | None) -> UsbId | None:
    if vid is None:
        return None
    exact = [u for u in table if u.vid == vid and u.pid == pid]
    vendor = [u for u in table if u.vid == vid and u.pid is None]
    return (exact or vendor or [None])[0]


def match_usb(vid: int | None, pid: int | None) -> UsbId | None:
    """The receiver table's entry for a USB serial device, the exact product before the whole vendor."""
    return _match(USB_RECEIVERS, vid, pid)


def match_scanner(vid: int | None, pid: int | None) -> UsbId | None:
    """The scanner table's entry for a USB serial device, or None."""
    return _match(USB_SCANNERS, vid, pid)


def is_victron_cable(port_info: PortInfo) -> bool:
    """A Victron VE.Direct USB cable, by the strings it gives: its FTDI chip is one clicker
    receivers are built on too. (Fakes in tests may lack the optional strings: read them leniently.)"""
    words = " ".join(str(getattr(port_info, k, "") or "") for k in ("manufacturer", "product", "description"))
    words = words.lower()
    return any(w in words for w in _VICTRON_WORDS)
