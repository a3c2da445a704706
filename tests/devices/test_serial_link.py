"""The one serial lifecycle (open, read, lost, reopen), stepped by hand on a FakeClock; stop() on a real thread."""

import errno
import os
import threading
import time
import tty

import pytest
import serial

from cinema.core.clock import FakeClock
from cinema.core.events import DeviceChanged
from cinema.devices.cards.serial_scanner import ScanLines
from cinema.devices.ports import FakeReceiver, fake_port
from cinema.devices.serial_link import LinkState, SerialLink


def any_line(text: str) -> bool:
    """The link's tests read plain lines ("L001"), not cards."""
    return True


RETRY = 0.5
NAME = "dev"


class Link:
    """A link reading lines (the scanner's parser) from `url`, with what it told collected."""

    def __init__(self, url, clock=None, opener=None, **options):
        self.clock = clock or FakeClock()
        self.lines, self.changes = [], []
        self.connected = threading.Event()
        extra = {"opener": opener} if opener else {}
        self.link = SerialLink(url, lambda _url: ScanLines(accept=any_line), lambda e: self.lines.append(e.payload), name=NAME,
                               on_change=self._changed, clock=self.clock, retry_every=RETRY, read_timeout=0,
                               **extra, **options)

    def _changed(self, change):
        self.changes.append((change.connected, change.detail))
        if change.connected:
            self.connected.set()

    def step(self, n=1):
        for _ in range(n):
            self.link.step()

    def told(self):
        return [connected for connected, _ in self.changes]


class ScriptedPort:
    """An open port that plays a script: each read returns the next bytes or raises the next error."""

    def __init__(self, script):
        self.script = list(script)
        self.written = bytearray()
        self.closed = False

    @property
    def in_waiting(self):
        return 0

    def read(self, size=1):
        if not self.script:
            return b""
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def write(self, data):
        self.written += data
        return len(data)

    def flush(self):
        pass

    def close(self):
        self.closed = True


class Opener:
    """Opens ScriptedPorts in turn, or raises what the table says; counts the attempts."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.attempts = 0

    def __call__(self, url, baudrate, timeout):
        self.attempts += 1
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


# ---- opening ---------------------------------------------------------------------------------


def test_a_missing_device_is_told_once_and_tried_again_every_retry_interval_on_the_clock():
    rx = FakeReceiver(plugged=False, read_timeout=0)
    attempts = []
    with fake_port("fake://late", lambda url: attempts.append(url) or rx.open(url)):
        d = Link("fake://late")
        d.step(5)  # the clock has not moved: one attempt, not five
        assert (len(attempts), d.changes) == (1, [(False, "not plugged in (no such device)")])
        d.clock.advance(RETRY - 0.01)
        d.step()
        assert len(attempts) == 1
        d.clock.advance(0.01)
        d.step()
        assert len(attempts) == 2 and d.told() == [False]  # tried again, quietly
        rx.plug()
        d.clock.advance(RETRY)
        d.step()
    assert d.changes == [(False, "not plugged in (no such device)"), (True, "fake://late")]
    assert d.link.state is LinkState.CONNECTED and d.link.opens == 1


@pytest.mark.parametrize("error, detail", [
    (serial.SerialException(errno.ENOENT, "could not open port"), "not plugged in (no such device)"),
    (serial.SerialException(errno.EACCES, "could not open port"),
     "no permission: add this user to the 'dialout' group, then log in again"),
    (serial.SerialException(errno.EBUSY, "could not open port"), "in use by another program"),
    (OSError(errno.EIO, "Input/output error"), "unplugged (input/output error)"),
    (serial.SerialException("something odd\nsecond line"), "something odd"),
])
def test_why_a_port_cannot_be_opened_is_said_in_words_a_teacher_can_act_on(error, detail):
    d = Link("loop://", opener=Opener(error))
    d.step()
    assert d.changes == [(False, detail)]
    assert d.link.state is LinkState.WAITING


def test_a_target_that_is_not_there_yet_is_waited_for_then_opened_where_it_turns_up():
    where = [None]  # an auto-found receiver: no device now, then ttyUSB1
    opener = Opener(ScriptedPort([]))
    link = SerialLink(lambda: where[0], lambda _url: ScanLines(accept=any_line), print, name=NAME, clock=FakeClock(),
                      retry_every=RETRY, read_timeout=0, opener=opener)
    link.step()
    assert (link.state, link.detail, opener.attempts) == (LinkState.WAITING, "not plugged in", 0)
    where[0] = "fake://ttyUSB1"
    link.clock.advance(RETRY)
    link.step()
    assert (link.state, link.url) == (LinkState.CONNECTED, "fake://ttyUSB1")


def test_an_unregistered_fake_url_fails_in_the_callers_thread():
    with pytest.raises(LookupError, match="register_fake"):
        Link("fake://nobody")


# ---- reading, losing, reopening ---------------------------------------------------------------


PULLED = [
    # how a pulled cable shows up in a read, and what the status bar then says
    ("pyserial: no data", serial.SerialException("device reports readiness to read but returned no data "
                                                 "(device disconnected or multiple access on port?)"),
     "unplugged (the device stopped answering)"),
    ("input/output error", OSError(errno.EIO, "Input/output error"), "unplugged (input/output error)"),
    ("port closed under us", serial.PortNotOpenError(), "Attempting to use a port that is not open"),
]


@pytest.mark.parametrize("how, error, detail", PULLED, ids=[row[0] for row in PULLED])
def test_a_read_that_fails_is_a_lost_device_then_reopened_and_read_again(how, error, detail):
    first = ScriptedPort([b"L001\r", error])
    second = ScriptedPort([b"L002\r"])
    d = Link("loop://", opener=Opener(first, second))
    d.step(3)  # open, read a line, read the error
    assert d.lines == ["L001"] and first.closed
    assert d.changes == [(True, "loop://"), (False, detail)]
    assert (d.link.state, d.link.losses) == (LinkState.LOST, 1)
    d.clock.advance(RETRY)
    d.step(2)  # open again, read
    assert d.told() == [True, False, True] and d.lines == ["L001", "L002"]
    assert (d.link.state, d.link.opens) == (LinkState.CONNECTED, 2)


def test_a_fake_receiver_unplugged_and_plugged_back():
    rx = FakeReceiver(read_timeout=0)
    with fake_port("fake://rx", rx.open):
        d = Link("fake://rx")
        d.step()
        rx.send(b"L001\r")
        d.step()
        rx.unplug()
        d.step()  # the read fails like a yanked USB cable
        d.clock.advance(RETRY)
        d.step()  # still unplugged: no second "lost"
        rx.plug()
        d.clock.advance(RETRY)
        d.step()
        rx.send(b"L002\n")
        d.step()
    assert d.told() == [True, False, True] and d.lines == ["L001", "L002"] and rx.opens == 2


def test_a_device_that_fails_right_after_opening_is_not_reopened_in_a_tight_loop():
    opener = Opener(*[ScriptedPort([serial.SerialException("returned no data")]) for _ in range(10)])
    d = Link("loop://", opener=opener)
    d.step(20)  # open, fail, and then wait: the clock has not moved
    assert opener.attempts == 1
    d.clock.advance(RETRY)
    d.step(20)
    assert opener.attempts == 2 and d.told() == [True, False, True, False]  # each flap is told, once a retry


def test_a_device_file_that_vanishes_while_reads_stay_quiet_is_lost(tmp_path):
    # some USB drivers return "no data" rather than an error after an unplug; the file goes away
    master, slave = os.openpty()
    tty.setraw(slave)
    link = tmp_path / "ttyUSB9"
    link.symlink_to(os.ttyname(slave))
    try:
        d = Link(str(link), vanish_check_every=0.5)
        d.step(3)
        link.unlink()
        d.step(3)  # quiet reads, but the next look at the file is not due yet
        assert d.told() == [True]
        d.clock.advance(0.5)
        d.step()
        assert d.changes[-1] == (False, "unplugged (the device file is gone)")
    finally:
        d.link.stop()
        os.close(master)
        os.close(slave)


def test_a_port_silent_for_longer_than_the_limit_is_lost_and_opened_afresh():
    opener = Opener(ScriptedPort([b"L001\r"]), ScriptedPort([]))
    d = Link("loop://", opener=opener, silence_limit=10)
    d.step(2)
    d.clock.advance(9)
    d.step()
    assert d.told() == [True]  # a device sending once a second may be a second or two late
    d.clock.advance(2)
    d.step()
    assert d.changes[-1] == (False, "no readings for over 10 s")
    d.step()
    assert opener.attempts == 2 and d.told() == [True, False, True]


def test_a_consumer_that_raises_does_not_look_like_a_lost_device():
    def on_parsed(event):
        raise RuntimeError("consumer bug")

    changes = []
    link = SerialLink("loop://", lambda _url: ScanLines(accept=any_line), on_parsed, name=NAME, on_change=changes.append,
                      clock=FakeClock(), read_timeout=0, opener=Opener(ScriptedPort([b"L001\rL002\r", b"L003\r"])))
    for _ in range(3):
        link.step()
    assert changes == [DeviceChanged(NAME, True, "loop://")] and link.state is LinkState.CONNECTED
    assert link.bytes_in == 15


def test_the_greeting_is_written_on_every_open_and_replies_as_the_device_asks():
    class Talking(ScanLines):
        init_bytes = b"START\n"

        def data_to_send(self):
            return b"AGAIN\n" if self.stats.lines == 1 else b""

    first, second = ScriptedPort([b"hello\r", OSError(errno.EIO, "gone")]), ScriptedPort([])
    link = SerialLink("loop://", lambda _url: Talking(accept=any_line), print, name=NAME, clock=FakeClock(), read_timeout=0,
                      opener=Opener(first, second))
    for _ in range(3):
        link.step()
    link.clock.advance(RETRY)
    link.step()
    assert (bytes(first.written), bytes(second.written)) == (b"START\nAGAIN\n", b"START\n")


# ---- stopping --------------------------------------------------------------------------------


@pytest.fixture
def pty_path():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield os.ttyname(slave)
    os.close(master)
    os.close(slave)


@pytest.mark.parametrize("kind", ["fake receiver", "real pty"])
def test_stop_while_a_read_waits_for_bytes_returns_at_once(kind, request):
    rx = FakeReceiver()
    url = "fake://idle" if kind == "fake receiver" else request.getfixturevalue("pty_path")
    connected = threading.Event()
    # a read that would wait 5 s for bytes: stop() must wake it (cancel_read), not wait it out
    with fake_port("fake://idle", lambda url: rx.open(url, timeout=5.0)):
        link = SerialLink(url, lambda _url: ScanLines(accept=any_line), print, name=f"idle {kind}",
                          on_change=lambda change: connected.set(), read_timeout=5.0)
        link.start()
        assert connected.wait(2.0)
        started = time.monotonic()
        assert link.stop(timeout=2.0)
        took = time.monotonic() - started
    assert took < 0.5
    assert not link.running and link.state is LinkState.STOPPED
    assert not any(t.name == f"idle {kind}" for t in threading.enumerate())


def test_stop_while_waiting_to_retry_a_missing_device_returns_at_once():
    missing = FakeReceiver(plugged=False)
    with fake_port("fake://gone", missing.open):
        told = threading.Event()
        link = SerialLink("fake://gone", lambda _url: ScanLines(accept=any_line), print, name="gone",
                          on_change=lambda change: told.set(), retry_every=30.0)
        link.start()
        assert told.wait(2.0)
        started = time.monotonic()
        assert link.stop(timeout=2.0)
    assert time.monotonic() - started < 0.5 and link.state is LinkState.STOPPED
