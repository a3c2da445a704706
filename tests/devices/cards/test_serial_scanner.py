"""Serial scanners: lines become scans (whole, byte by byte, with junk), and an unplugged scanner comes back."""

import re
import shutil
import subprocess
import threading
import time

import pytest
import serial

from cinema.core.clock import FakeClock
from cinema.core.events import CardScanned, DeviceChanged, DeviceJunk
from cinema.devices.cards.serial_scanner import ScanLines, SerialScanner
from cinema.devices.ports import FakeReceiver, fake_port

A, B = "LC1.TEST.s001.ABCDEFGH", "LC1.TEST.s002.QQQQQQQQ"


def lines_of(data: bytes, chunk: int | None = None):
    p = ScanLines()
    out = []
    step = chunk or len(data) or 1
    for i in range(0, len(data), step):
        p.feed(data[i:i + step])
        out += [e.payload for e in p.events()]
    return out, p.stats


@pytest.mark.parametrize("data, lines, junk", [
    (f"{A}\r".encode(), [A], 0),
    (f"{A}\n".encode(), [A], 0),
    (f"{A}\r\n{B}\r\n".encode(), [A, B], 0),
    (f"{A}".encode(), [], 0),  # no line end yet: not a scan
    (f"\r\n\r\n{A}\r\n\n".encode(), [A], 0),  # blank lines are nothing
    (f"  {A} \t\r".encode(), [A], 0),  # padding some scanners add
    (b"\x02" + A.encode() + b"\x03\r", [A], 0),  # STX/ETX framing bytes dropped
    (b"\xff\xfe\x80\r" + B.encode() + b"\r", [B], 1),  # line noise before a good line
    (b"x" * 600 + b"\r" + A.encode() + b"\r", [A], 1),  # an endless line is junk, the next is fine
    ("Марія-01\r".encode(), [], 1),  # text that is not a card is junk: it never reaches the main loop
    (b"9780306406157\r" + A.encode() + b"\r", [A], 1),  # a book's barcode, then a card
    (b"LC1.TEST..ABCDEFGH\r", [], 1),  # the card's shape with a part missing
])
def test_lines(data, lines, junk):
    for chunk in (None, 1, 3):  # whole, byte by byte, and in odd pieces
        got, stats = lines_of(data, chunk)
        assert got == lines, chunk
        assert stats.junk == junk and stats.lines == len(lines)


def test_scans_are_card_events_from_the_scanner():
    p = ScanLines()
    p.feed(f"{A}\r".encode())
    assert list(p.events()) == [CardScanned(A, "scanner")]


class Recorder(list):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.append(event)

    def scans(self):
        return [e.payload for e in list(self) if isinstance(e, CardScanned)]

    def devices(self):
        return [e.connected for e in list(self) if isinstance(e, DeviceChanged)]


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_a_fake_scanner_unplugged_and_plugged_again_is_reported_and_read_again():
    rx = FakeReceiver(plugged=False, read_timeout=0)
    rec = Recorder()
    clock = FakeClock()
    with fake_port("fake://scanner", rx.open):
        s = SerialScanner("fake://scanner", rec, clock=clock)
        step = s.link.step  # by hand on the fake clock: no thread, no sleeping
        step()
        assert rec.devices() == [False]  # missing at start: said at once
        rx.plug()
        clock.advance(s.link.retry_every)  # picked up on the next try, within about a second
        step()
        assert rec.devices() == [False, True]
        rx.send(f"{A}\r\n".encode())
        step()
        assert rec.scans() == [A]
        rx.unplug()
        step()
        assert rec.devices() == [False, True, False]
        rx.plug()
        clock.advance(s.link.retry_every)
        step()
        assert rec.devices() == [False, True, False, True]
        rx.send(f"{B}\r".encode())
        step()
        assert rec.scans() == [A, B]
        s.stop()
    assert rx.opens == 2 and s.status()["losses"] == 1 and rec[0].name == "scanner fake://scanner"
    assert s.status()["connected"] is False  # stopped: the port is let go


def test_loop_port_carries_scans_written_in_pieces():
    port = serial.serial_for_url("loop://", timeout=0.02)
    rec = Recorder()
    s = SerialScanner("loop://", rec, opener=lambda url, baud, timeout: port, read_timeout=0.02)
    s.start()
    try:
        assert wait_for(lambda: rec.devices() == [True])
        payload = f"{A}\r\n{B}\r\n".encode()
        for i in range(0, len(payload), 5):
            port.write(payload[i:i + 5])
        assert wait_for(lambda: rec.scans() == [A, B])
    finally:
        s.stop()


def test_an_unregistered_fake_url_fails_loudly_in_the_callers_thread():
    with pytest.raises(LookupError):
        SerialScanner("fake://nobody", lambda e: None)


def socat_pair(link_dir, name):
    """A pty pair whose kiosk end is a stable symlink, like /dev/serial/by-id/... for a real scanner."""
    dev, kiosk = str(link_dir / f"{name}-dev"), str(link_dir / name)
    proc = subprocess.Popen(["socat", "-d", "-d", f"pty,raw,echo=0,link={dev}", f"pty,raw,echo=0,link={kiosk}"],
                            stderr=subprocess.PIPE, text=True)
    found = 0
    deadline = time.monotonic() + 5
    while found < 2 and time.monotonic() < deadline:
        found += len(re.findall(r"PTY is", proc.stderr.readline()))
    assert wait_for(lambda: (link_dir / name).exists())
    return proc, dev, kiosk


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is not installed")
def test_a_pty_scanner_that_goes_away_and_comes_back_is_read_again(tmp_path):
    proc, dev, kiosk = socat_pair(tmp_path, "scanner")
    rec = Recorder()
    s = SerialScanner(kiosk, rec, retry_every=0.05, read_timeout=0.05)
    s.start()
    try:
        assert wait_for(lambda: rec.devices() == [True])
        with serial.serial_for_url(dev, timeout=0.1) as w:
            w.write(f"{A}\r".encode())
            w.flush()
        assert wait_for(lambda: rec.scans() == [A])
        proc.terminate()
        proc.wait(5)
        assert wait_for(lambda: rec.devices() == [True, False])
        proc, dev, kiosk = socat_pair(tmp_path, "scanner")
        assert wait_for(lambda: rec.devices() == [True, False, True])
        with serial.serial_for_url(dev, timeout=0.1) as w:
            w.write(f"{B}\n".encode())
            w.flush()
        assert wait_for(lambda: rec.scans() == [A, B])
    finally:
        s.stop()
        proc.terminate()
        proc.wait(5)


def test_a_flood_of_junk_reaches_the_main_loop_as_a_report_every_5_s_and_the_real_card_still_comes():
    rx = FakeReceiver(plugged=True, read_timeout=0)
    rec = Recorder()
    clock = FakeClock()
    noise = bytes(range(256)) * 16 + b"\r\n" + b"9780306406157\r\n" * 200  # binary noise, a barcode, again
    with fake_port("fake://scanner", rx.open):
        s = SerialScanner("fake://scanner", rec, clock=clock)
        s.link.step()  # opens
        for second in range(20):
            for _ in range(10):
                rx.send(noise)
                for _ in range(len(noise) // 4096 + 1):  # a read takes up to 4096 bytes
                    s.link.step()
            if second == 10:
                rx.send(f"{A}\r\n".encode())  # a child's card in the middle of the junk
                s.link.step()
            clock.advance(1.0)
        s.stop()
    assert rec.scans() == [A]
    reports = [e for e in rec if isinstance(e, DeviceJunk)]
    assert 3 <= len(reports) <= 5  # 20 s of junk: a report every 5 s, not one per line
    assert all(r.name == "scanner fake://scanner" for r in reports)
    junk = s.status()["junk"]
    assert sum(r.junk for r in reports) <= junk and junk > 20 * 10 * 200
    assert sum(r.accepted for r in reports) <= 1


def test_an_endless_line_holds_at_most_max_line_bytes():
    p = ScanLines()
    for _ in range(1000):
        p.feed(b"x" * 4096)  # 4 MB without a line end
        assert len(p._buf) <= p.max_line
    p.feed(b"\r" + A.encode() + b"\r")
    assert [e.payload for e in p.events()] == [A] and p.stats.junk == 1
