"""The receiver port manager: presses become events, unplugged receivers are noticed and re-opened."""

import os
import queue
import shutil
import subprocess
import threading
import time
from types import SimpleNamespace

import pytest

from cinema.core.events import ClickerPressed, DeviceChanged
from cinema.devices.clickers import manager as manager_module
from cinema.devices.clickers.iskipper import INIT_BYTES, encode_capture, encode_startup, make_id
from cinema.devices.clickers.lcp import encode_hello, encode_press
from cinema.devices.clickers.manager import PortManager, ReceiverSpec, match_usb, specs_from_config
from cinema.devices.clickers.ports import FakeReceiver, UnregisteredFakePort, fake_port  # the old path still works
from cinema.devices.clickers.simulator import Faults, HandsetSimulator, SimulatorRunner, handset_ids, press_stream

FAST = dict(retry_every=0.05, scan_every=0.05, vanish_check_every=0.05, read_timeout=0.05)


class Events:
    """What the manager hands on, collected from its threads; waits poll with a deadline."""

    def __init__(self):
        self.q = queue.Queue()
        self.seen = []

    def __call__(self, event):
        self.q.put(event)

    def _drain(self):
        while True:
            try:
                self.seen.append(self.q.get_nowait())
            except queue.Empty:
                return

    def wait_until(self, condition, timeout=2.0):
        """Wait for the next event rather than sleeping; look at `condition` after each one
        (and at least every 50 ms, for conditions on status())."""
        deadline = time.monotonic() + timeout
        while True:
            self._drain()
            if condition():
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not seen within {timeout} s; seen: {self.seen}")
            try:
                self.seen.append(self.q.get(timeout=min(left, 0.05)))
            except queue.Empty:
                pass

    def wait_for(self, predicate, timeout=2.0):
        """The first event that matches `predicate`."""
        self.wait_until(lambda: any(predicate(e) for e in self.seen), timeout)
        return next(e for e in self.seen if predicate(e))

    def presses(self):
        self._drain()
        return [(e.clicker, e.key) for e in self.seen if isinstance(e, ClickerPressed)]

    def device_changes(self):
        self._drain()
        return [e.connected for e in self.seen if isinstance(e, DeviceChanged)]

    def wait_presses(self, n, timeout=2.0):
        self.wait_until(lambda: len(self.presses()) >= n, timeout)
        return self.presses()


def connected(name, value=True):
    return lambda e: isinstance(e, DeviceChanged) and e.name == name and e.connected is value


@pytest.fixture
def receiver():
    rx = FakeReceiver()
    with fake_port("fake://rx", rx.open):
        yield rx


@pytest.fixture
def events():
    return Events()


def test_presses_from_a_receiver_become_clicker_events_in_order(receiver, events):
    with PortManager([("fake://rx", "lcp")], events, **FAST):
        events.wait_for(connected("clickers fake://rx"))
        # split mid-frame and glued together: how bytes really arrive from a USB chip
        data = encode_press("1a", "A", 1) + encode_press("2b", "C", 7) + b"noise" + encode_press("3", "OK", 9)
        receiver.send(data[:10])
        receiver.send(data[10:])
        assert events.wait_presses(3) == [("0000001A", "A"), ("0000002B", "C"), ("00000003", "OK")]


def test_a_retransmitted_frame_counts_once_even_across_a_replug(receiver, events):
    with PortManager([("fake://rx", "lcp")], events, **FAST):
        events.wait_for(connected("clickers fake://rx"))
        receiver.send(encode_press("7", "B", 42))
        events.wait_presses(1)
        receiver.unplug()
        events.wait_for(connected("clickers fake://rx", False))
        receiver.plug()
        events.wait_until(lambda: events.device_changes() == [True, False, True])
        receiver.send(encode_press("7", "B", 42) + encode_press("7", "D", 43))
        assert events.wait_presses(2) == [("00000007", "B"), ("00000007", "D")]


def test_unplugged_is_noticed_and_the_receiver_is_reopened_within_2_seconds(receiver, events):
    with PortManager([ReceiverSpec("fake://rx", "lcp", name="clickers")], events, **FAST) as m:
        events.wait_for(connected("clickers"))
        receiver.unplug()
        lost = events.wait_for(connected("clickers", False))
        assert lost.detail == "unplugged (the device stopped answering)"
        assert m.status()[0]["state"] == "lost"
        receiver.plug()
        plugged_at = time.monotonic()
        events.wait_until(lambda: events.device_changes() == [True, False, True], timeout=2.0)
        assert time.monotonic() - plugged_at < 2.0
        for n in range(20):
            receiver.send(encode_press("5", "A", 100 + n))
        assert len(events.wait_presses(20)) == 20
        status = m.status()[0]
        assert (status["state"], status["opens"], status["losses"], status["presses"]) == ("connected", 2, 1, 20)


def test_a_configured_receiver_that_is_missing_shows_as_lost_once_then_connects_when_plugged(events):
    rx = FakeReceiver(plugged=False)
    attempts = []

    def open_counting(url):
        attempts.append(url)
        return rx.open(url)

    with fake_port("fake://late", open_counting), PortManager([("fake://late", "lcp")], events, **FAST):
        lost = events.wait_for(connected("clickers fake://late", False))
        assert lost.detail == "not plugged in (no such device)"
        wait_until(lambda: len(attempts) >= 5)  # it keeps trying...
        assert events.device_changes() == [False]  # ...quietly: one announcement
        rx.plug()
        events.wait_for(connected("clickers fake://late"))
        assert events.device_changes() == [False, True]


def test_two_receivers_are_read_at_once_and_one_unplugged_does_not_stop_the_other(events):
    a, b = FakeReceiver(), FakeReceiver()
    with fake_port("fake://a", a.open), fake_port("fake://b", b.open), \
            PortManager([("fake://a", "lcp"), ("fake://b", "lcp")], events, **FAST) as m:
        events.wait_for(connected("clickers fake://a"))
        events.wait_for(connected("clickers fake://b"))
        a.unplug()
        events.wait_for(connected("clickers fake://a", False))
        b.send(encode_press("B0B", "E", 1))
        assert events.wait_presses(1) == [("00000B0B", "E")]
        assert {s["name"]: s["state"] for s in m.status()} == {"clickers fake://a": "lost",
                                                               "clickers fake://b": "connected"}


def test_iskipper_receiver_gets_its_start_bytes_and_again_after_it_resets(events):
    rx = FakeReceiver()
    clicker = make_id(0x123456)
    with fake_port("fake://isk", rx.open), PortManager([("fake://isk", "iskipper")], events, **FAST):
        events.wait_for(connected("clickers fake://isk"))
        wait_until(lambda: bytes(rx.written) == INIT_BYTES)
        rx.send(encode_startup() + encode_capture(clicker, "C"))
        assert events.wait_presses(1) == [(clicker, "C")]
        # the board rebooted (DTR): it prints its prompt again and must be told to start again
        rx.send(b"Initialization Complete. Waiting for COM command...\r\n")
        wait_until(lambda: bytes(rx.written) == INIT_BYTES * 2)


def test_receiver_hello_and_parser_counters_show_in_status(receiver, events):
    with PortManager([("fake://rx", "lcp")], events, **FAST) as m:
        events.wait_for(connected("clickers fake://rx"))
        receiver.send(encode_hello("diy-1.2", 7) + b"\x00\xffgarbage\r\n" + encode_press("1", "A", 1))
        events.wait_presses(1)
        wait_until(lambda: m.status()[0]["receiver"] is not None)
        status = m.status()[0]
        assert status["receiver"] == {"firmware": "diy-1.2", "channel": "7"}
        assert status["parser"]["junk_bytes"] >= 9 and status["parser"]["frames"] == 2
        assert status["protocol"] == "lcp" and status["url"] == "fake://rx"


def test_stop_returns_quickly_while_threads_wait_for_bytes(receiver, events):
    missing = FakeReceiver(plugged=False)
    with fake_port("fake://gone", missing.open):
        m = PortManager([("fake://rx", "lcp"), ("fake://gone", "lcp")], events, **FAST)
        m.start()
        events.wait_for(connected("clickers fake://rx"))
        t = time.monotonic()
        m.stop()
        took = time.monotonic() - t
    assert took < 0.5
    assert not [t for t in threading.enumerate() if t.name.startswith("receiver")]
    assert {s["state"] for s in m.status()} == {"stopped"}


def test_a_consumer_that_raises_does_not_stop_the_receiver(receiver):
    got = []

    def on_event(e):
        got.append(e)
        if isinstance(e, ClickerPressed) and e.key == "A":
            raise RuntimeError("consumer bug")

    with PortManager([("fake://rx", "lcp")], on_event, **FAST):
        wait_until(lambda: got)
        receiver.send(encode_press("1", "A", 1) + encode_press("1", "B", 2))
        wait_until(lambda: any(isinstance(e, ClickerPressed) and e.key == "B" for e in got))


def test_configuration_mistakes_are_raised_at_once_not_in_a_thread(events):
    with pytest.raises(UnregisteredFakePort):
        PortManager([("fake://typo", "lcp")], events)
    with pytest.raises((KeyError, ValueError)):
        PortManager([("loop://", "no-such-protocol")], events)


def test_loop_url_a_real_pyserial_port_feeds_the_parser(events):
    opened = []

    def opener(url, baudrate, timeout):
        from cinema.devices.clickers.ports import open_port

        opened.append(open_port(url, baudrate, timeout))
        return opened[-1]

    with PortManager([("loop://", "lcp")], events, opener=opener, **FAST):
        events.wait_for(connected("clickers loop://"))
        opened[0].write(encode_press("C0FFEE", "D", 3))  # loop:// reads back what is written
        assert events.wait_presses(1) == [("00C0FFEE", "D")]


def test_a_device_file_that_vanishes_while_reads_stay_quiet_is_noticed(tmp_path, events):
    # some USB drivers return "no data" rather than an error after an unplug; the file goes away
    master, slave = os.openpty()
    link = tmp_path / "ttyUSB9"
    link.symlink_to(os.ttyname(slave))
    try:
        with PortManager([(str(link), "lcp")], events, **FAST):
            events.wait_for(connected("clickers ttyUSB9"))
            link.unlink()
            lost = events.wait_for(connected("clickers ttyUSB9", False), timeout=1.5)
            assert "gone" in lost.detail
    finally:
        os.close(master)
        os.close(slave)


# ---- finding receivers by USB id ---------------------------------------------------------


@pytest.mark.parametrize("vid, pid, protocol", [
    (0x10C4, 0xEA60, "lcp"),  # CP210x: ESP32 DevKit
    (0x1A86, 0x7523, "lcp"),  # CH340
    (0x0403, 0x6001, "lcp"),  # FTDI
    (0x303A, 0x1001, "lcp"),  # ESP32-S3 native USB (vendor match)
    (0x2341, 0x0043, "iskipper"),  # Arduino Uno
    (0x239A, 0x800B, "iskipper"),  # Adafruit Feather M0
    (0x046D, 0xC52B, None),  # a Logitech mouse receiver is not a clicker receiver
    (None, None, None),  # a legacy ttyS port
])
def test_usb_ids_say_which_ports_are_receivers_and_guess_their_protocol(vid, pid, protocol):
    found = match_usb(vid, pid)
    assert (found.protocol if found else None) == protocol


def test_kiosk_config_without_receivers_means_look_for_them():
    assert specs_from_config([]) == [ReceiverSpec("auto", "auto")]
    assert specs_from_config(["/dev/ttyUSB0"]) == [ReceiverSpec("/dev/ttyUSB0", "auto")]


def usb(device, vid=0x10C4, pid=0xEA60, serial_number="0001", location=None):
    return SimpleNamespace(device=device, vid=vid, pid=pid, serial_number=serial_number, location=location,
                           description="CP2102 USB to UART", hwid="USB")


def test_auto_finds_receivers_by_usb_id_and_follows_one_replugged_under_a_new_name(events):
    first, second = FakeReceiver(), FakeReceiver()
    listing = [usb("fake://ttyUSB0"), usb("fake://mouse", vid=0x046D, pid=0xC52B)]
    with fake_port("fake://ttyUSB0", first.open), fake_port("fake://ttyUSB1", second.open), \
            PortManager([("auto", "auto")], events, list_ports=lambda: list(listing), **FAST) as m:
        events.wait_for(connected("clickers fake://ttyUSB0"))
        first.send(encode_press("1", "A", 1))
        events.wait_presses(1)
        first.unplug()
        listing[:] = []
        events.wait_for(connected("clickers fake://ttyUSB0", False))
        listing[:] = [usb("fake://ttyUSB1")]  # the same receiver (serial number) in another socket
        events.wait_until(lambda: events.device_changes() == [True, False, True])
        second.send(encode_press("1", "B", 2))
        assert events.wait_presses(2) == [("00000001", "A"), ("00000001", "B")]
        assert [s["url"] for s in m.status()] == ["fake://ttyUSB1"]  # one receiver, not two


def test_auto_leaves_a_configured_port_to_its_own_spec(events):
    master, slave = os.openpty()
    path = os.ttyname(slave)
    scans = []

    def listing():
        scans.append(1)
        return [usb(path)]

    try:
        with PortManager([(path, "lcp"), ("auto", "auto")], events, list_ports=listing, **FAST) as m:
            events.wait_for(connected(f"clickers {os.path.basename(path)}"))
            wait_until(lambda: len(scans) >= 3)  # the scanner saw the receiver several times
            assert len(m.status()) == 1
    finally:
        os.close(master)
        os.close(slave)


def test_the_system_port_list_is_read_again_only_when_dev_changes(monkeypatch, events):
    # listing ports costs ~1 ms; an idle kiosk stats /dev instead, twice a second
    calls, mark, stats = [], [1], []
    monkeypatch.setattr(manager_module, "system_ports", lambda: calls.append(1) or [])
    monkeypatch.setattr(manager_module, "_dev_mark", lambda: stats.append(1) or mark[0])
    with PortManager([("auto", "auto")], events, retry_every=0.01, scan_every=0.01):
        wait_until(lambda: len(stats) >= 6)
        assert len(calls) == 1
        mark[0] = 2  # a device node came or went
        wait_until(lambda: len(calls) == 2)
        n = len(stats)
        wait_until(lambda: len(stats) >= n + 4)
        assert len(calls) == 2


# ---- a real pty pair: socat plays the USB receiver ---------------------------------------


def wait_until(predicate, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class SocatPair:
    """Two linked ptys: the test writes to `a` like a receiver's firmware, the manager reads `b`."""

    def __init__(self, folder):
        self.a, self.b = str(folder / "a"), str(folder / "b")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={self.a}", f"pty,raw,echo=0,link={self.b}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: os.path.exists(self.a) and os.path.exists(self.b))
        self.writer = os.open(self.a, os.O_RDWR | os.O_NOCTTY)

    def write(self, data):
        os.write(self.writer, data)

    def kill(self):
        os.close(self.writer)
        self.proc.kill()  # SIGKILL: no clean-up, the links dangle like a yanked cable's ghost
        self.proc.wait()

    def close(self):
        if self.proc and self.proc.poll() is None:
            os.close(self.writer)
            self.proc.terminate()
            self.proc.wait()


@pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat")
def test_real_pty_receiver_unplugged_and_plugged_back(tmp_path, events):
    pair = SocatPair(tmp_path)
    pair.start()
    try:
        # the kiosk's own retry interval (0.5 s), not the tests' fast one
        with PortManager([(pair.b, "lcp")], events) as m:
            name = "clickers b"
            events.wait_for(connected(name))
            for n in range(10):
                pair.write(encode_press("AB", "ABCDEF"[n % 6], n))
            assert len(events.wait_presses(10)) == 10
            pair.kill()
            events.wait_for(connected(name, False))
            pair.start()
            back = time.monotonic()
            events.wait_until(lambda: events.device_changes() == [True, False, True], timeout=2.0)
            assert time.monotonic() - back < 2.0
            for n in range(10, 30):
                pair.write(encode_press("AB", "ABCDEF"[n % 6], n))
            presses = events.wait_presses(30)
            assert presses[10:] == [("000000AB", "ABCDEF"[n % 6]) for n in range(10, 30)]
            assert m.status()[0]["parser"]["junk_bytes"] == 0
            t = time.monotonic()
            m.stop()  # a read waiting up to 0.5 s for bytes is interrupted, not waited out
            assert time.monotonic() - t < 0.2
    finally:
        pair.close()


@pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat")
def test_simulated_handsets_with_faults_through_a_pty_arrive_exactly_once_in_order(tmp_path, events):
    pair = SocatPair(tmp_path)
    pair.start()
    sim = HandsetSimulator("lcp", Faults(garbage=0.3, retransmit=True), seed=7)
    try:
        with PortManager([(pair.b, "lcp")], events, **FAST) as m:
            events.wait_for(connected("clickers b"))
            runner = SimulatorRunner(pair.a, sim, press_stream(handset_ids(30), "ABCDEF", seed=3, count=200)).start()
            assert runner.join(5) and runner.error is None
            expected = [(p.clicker, p.key) for p in sim.delivered]
            assert len(sim.sent) > len(expected)  # there were retransmissions to drop
            assert events.wait_presses(len(expected), timeout=3) == expected
            wait_until(lambda: m.status()[0]["bytes_in"] == runner.bytes_written)  # the last copies too
            stats = m.status()[0]["parser"]
            assert stats["retransmissions"] == len(sim.sent) - len(expected) and stats["junk_bytes"] > 0
    finally:
        pair.close()


def test_a_receiver_sending_noise_reports_its_junk_and_presses_still_come(receiver, events):
    from cinema.core.events import DeviceJunk

    with PortManager([("fake://rx", "lcp")], events, **FAST):
        events.wait_for(connected("clickers fake://rx"))
        receiver.send(bytes(range(256)) * 64 + b"\n" + encode_press("1a", "B", 1))  # 16 KB of noise, then a press
        report = events.wait_for(lambda e: isinstance(e, DeviceJunk))
        assert events.wait_presses(1) == [("0000001A", "B")]
    assert report.name == "clickers fake://rx" and report.junk >= 4096 // 32  # the first read of noise, at once
    assert sum(isinstance(e, DeviceJunk) for e in events.seen) == 1  # at most one report every 5 s
