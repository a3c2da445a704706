"""A Victron device on a serial port: real bytes through a pty and pyserial's loop://, unplugging, silence."""

import os
import termios
import threading
import time
import tty

import pytest
import serial

from cinema.core.clock import FakeClock
from cinema.core.events import DeviceChanged
from cinema.devices.ports import FakeReceiver, fake_port, open_port
from cinema.devices.power.reading import BatteryReading
from cinema.devices.power.simulated import bmv_block
from cinema.devices.power.vedirect import encode_block
from cinema.devices.power.vedirect_source import VeDirectSource

DISCHARGING = encode_block({"PID": "0x203", "V": 12610, "I": -3200, "SOC": 875, "TTG": 140, "Alarm": "OFF"})
HISTORY = encode_block({"H1": -149322, "H2": -82854, "H17": 6843})
FAST = dict(retry_every=0.02, read_timeout=0.02)


def wait_until(condition, timeout=3.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


@pytest.fixture
def pty_device():
    """A real pty set up like socat's `pty,raw,echo=0`: the test writes what the device would."""
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def keep_sending(master, data, done, every=0.05, timeout=5.0):
    """Send `data` again and again, as the device does once a second, until `done()`."""
    def run():
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            os.write(master, data)
            time.sleep(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_readings_arrive_through_a_real_serial_port(pty_device):
    master, path = pty_device
    changes, readings = [], []
    source = VeDirectSource(path, FakeClock(), changes.append, readings.append, **FAST).start()
    try:
        sender = keep_sending(master, DISCHARGING + HISTORY, lambda: len(readings) >= 2)
        wait_until(lambda: len(readings) >= 2)
        sender.join()
        reading = source.read()
    finally:
        source.close()
    assert reading == BatteryReading(percent=87.5, minutes_left=140, charging=False, volts=12.61, amps=-3.2,
                                     low=None, source="vedirect")
    assert changes == [DeviceChanged(f"Victron {path}", True, path)]
    assert termios.tcgetattr(master)[4:6] == [termios.B19200, termios.B19200]  # VE.Direct's speed, set by the source
    # one reading a block with battery values: the history block does not repeat it
    assert source.parser.stats.frames >= len(readings) + 1


def test_loop_url_carries_real_bytes_through_pyserial():
    loop = serial.serial_for_url("loop://", timeout=0.02)
    readings = []
    with fake_port("fake://vedirect-loop", lambda url, *a: loop):
        source = VeDirectSource("fake://vedirect-loop", FakeClock(), None, readings.append, **FAST).start()
        try:
            loop.write(b"noise from a cable plugged in late" + DISCHARGING[5:] + DISCHARGING)
            wait_until(lambda: readings)
        finally:
            source.close()
    assert [r.percent for r in readings] == [87.5]  # the cut-off first block is dropped, not half-read


def stepped(url, clock, changes=None, readings=None, **options):
    """A source whose serial link the test steps by hand on `clock` (no thread, no sleeping)."""
    on_change = changes.append if changes is not None else None
    on_reading = readings.append if readings is not None else None
    return VeDirectSource(url, clock, on_change, on_reading, link_clock=clock, read_timeout=0, **options)


def test_a_silent_device_counts_as_gone_and_back_when_it_talks_again():
    rx = FakeReceiver(read_timeout=0)
    clock = FakeClock()
    changes = []
    with fake_port("fake://bmv", rx.open):
        source = stepped("fake://bmv", clock, changes, stale_after=10)
        source.link.step()  # open
        rx.send(DISCHARGING)
        source.link.step()
        clock.advance(9)
        assert source.read().percent == 87.5  # a second or two late is fine: the device sends once a second
        clock.advance(2)
        assert source.read() is None
        assert source.read() is None
        for _ in range(3):
            source.link.step()  # the link hears nothing either: it opens the port afresh
        rx.send(encode_block({"V": 12500, "I": -3000, "SOC": 860, "TTG": 130}))
        source.link.step()
        assert source.read().percent == 86.0
    assert [(c.connected, c.detail) for c in changes] == [
        (True, "fake://bmv"), (False, "no readings for over 10 s"), (True, "fake://bmv")]
    assert rx.opens == 2


def test_an_unplugged_cable_is_told_once_and_reading_goes_on_when_it_is_back():
    rx = FakeReceiver(read_timeout=0)
    clock = FakeClock()
    changes, readings = [], []
    with fake_port("fake://usb", rx.open):
        source = stepped("fake://usb", clock, changes, readings)
        source.link.step()
        rx.send(DISCHARGING)
        source.link.step()
        rx.unplug()
        for _ in range(5):  # the read fails, then several attempts to open it again: still one "lost"
            source.link.step()
            clock.advance(source.link.retry_every)
        rx.plug()
        source.link.step()
        rx.send(bmv_block(BatteryReading(50.0, 90, False, 12.2, -3.0)))
        source.link.step()
    assert [c.connected for c in changes] == [True, False, True]
    assert changes[1] == DeviceChanged("Victron fake://usb", False, "unplugged (the device stopped answering)")
    assert [r.percent for r in readings] == [87.5, 50.0] and rx.opens == 2


def test_a_port_that_cannot_be_opened_reads_nothing_and_says_why(tmp_path):
    changes = []
    source = stepped(str(tmp_path / "ttyUSB9"), FakeClock(), changes)
    source.link.step()
    assert source.read() is None
    assert changes[0].connected is False
    assert changes[0].detail == "not plugged in (no such device)" and source.opens == 0


def test_close_stops_the_reader_thread_promptly(pty_device):
    _, path = pty_device
    source = VeDirectSource(path, FakeClock(), read_timeout=0.5).start()
    wait_until(lambda: source.opens == 1)
    started = time.monotonic()
    source.close()
    assert time.monotonic() - started < 1.0
    assert not any(t.name == f"vedirect {path}" for t in threading.enumerate())
    open_port(path).close()  # the port is let go: another program (or a new source) may open it


def test_a_listener_that_fails_does_not_look_like_a_lost_device():
    changes = []
    source = VeDirectSource("/dev/ttyVE0", FakeClock(), changes.append, lambda r: 1 / 0)  # never started
    source.feed(DISCHARGING)
    assert source.read().percent == 87.5
    assert [c.connected for c in changes] == [True]


def test_a_device_file_that_goes_away_is_noticed_and_opened_again_when_it_is_back(pty_device, tmp_path):
    # udev's /dev/cinema/vedirect link goes with the cable: here a link to a pty stands in for it
    master, path = pty_device
    link = tmp_path / "vedirect"
    link.symlink_to(path)
    changes, readings = [], []
    source = VeDirectSource(str(link), FakeClock(), changes.append, readings.append, **FAST).start()
    try:
        sender = keep_sending(master, DISCHARGING, lambda: readings)
        wait_until(lambda: readings)
        sender.join()
        link.unlink()
        wait_until(lambda: len(changes) == 2)
        link.symlink_to(path)
        sender = keep_sending(master, DISCHARGING, lambda: len(readings) >= 2)
        wait_until(lambda: len(readings) >= 2)
        sender.join()
    finally:
        source.close()
    assert [(c.connected, c.detail) for c in changes] == [
        (True, str(link)), (False, "unplugged (the device file is gone)"), (True, str(link))]
    assert source.opens == 2


def test_a_port_silent_for_too_long_is_opened_afresh():
    rx = FakeReceiver(read_timeout=0)
    clock = FakeClock()
    with fake_port("fake://quiet", rx.open):
        source = stepped("fake://quiet", clock, stale_after=0.1)
        source.link.step()
        clock.advance(0.2)
        source.link.step()  # nothing heard for too long: closed
        clock.advance(source.link.retry_every)
        source.link.step()  # and opened again
    assert rx.opens == 2
    assert source.presence.detail == "no readings for over 0.1 s"
