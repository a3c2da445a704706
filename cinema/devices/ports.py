"""The one seam that opens serial ports: real ones through pyserial, fakes that tests register by URL."""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import serial
from serial.tools.list_ports_common import ListPortInfo

FAKE_SCHEME = "fake://"
READ_TIMEOUT = 0.1  # seconds a read waits for bytes: how quickly a reader thread notices stop()
WRITE_TIMEOUT = 1.0  # a receiver that never drains its input must not hang the reader thread


class Port(Protocol):
    """What a serial link needs from an open port (a pyserial `Serial` is one)."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


PortFactory = Callable[[str], Port]


class UnregisteredFakePort(LookupError):
    """A `fake://` URL was opened that no test registered: a test bug, so it fails loudly."""


class PortRegistry:
    """Fake ports by URL; every other URL goes to pyserial."""

    def __init__(self) -> None:
        self._fakes: dict[str, PortFactory] = {}
        self._lock = threading.Lock()

    def register_fake(self, url: str, factory: PortFactory) -> None:
        with self._lock:
            self._fakes[url] = factory

    def unregister_fake(self, url: str) -> None:
        with self._lock:
            self._fakes.pop(url, None)

    def clear(self) -> None:
        with self._lock:
            self._fakes.clear()

    def check(self, url: str) -> None:
        """Raise now (in the caller's thread) if `url` is a fake nobody registered."""
        with self._lock:
            known = url in self._fakes
        if url.startswith(FAKE_SCHEME) and not known:
            raise UnregisteredFakePort(f"{url}: no fake port registered for this URL "
                                       f"(call register_fake({url!r}, factory) in the test)")

    def open(self, url: str, baudrate: int = 115200, timeout: float = READ_TIMEOUT) -> Port:
        """Open `url`: a registered fake, or anything pyserial's `serial_for_url` understands
        (`/dev/ttyUSB0`, a pty path, `loop://`, `socket://host:port`, `rfc2217://...`).

        Raises `serial.SerialException` (or `OSError`) when the port cannot be opened.
        """
        with self._lock:
            factory = self._fakes.get(url)
        if factory is not None:
            return factory(url)
        self.check(url)
        # exclusive: two programs reading one receiver would each get half of the presses
        return serial.serial_for_url(url, baudrate=baudrate, timeout=timeout,
                                     write_timeout=WRITE_TIMEOUT, exclusive=True)


# The process-wide registry behind the module functions (holds only what tests put in it).
_registry = PortRegistry()


def open_port(url: str, baudrate: int = 115200, timeout: float = READ_TIMEOUT) -> Port:
    """Open a serial port by URL or device path; the only place the project opens one."""
    return _registry.open(url, baudrate, timeout)


def system_ports() -> list[ListPortInfo]:
    """The serial ports this machine has now (pyserial's list, with USB ids and strings)."""
    from serial.tools.list_ports import comports

    return list(comports())


def cancel_read(port: object) -> None:
    """Wake a reader thread blocked in `port.read()` so it can see it should stop (best effort:
    not every port type can, and a port closing under us may complain)."""
    cancel = getattr(port, "cancel_read", None)
    if cancel is not None:
        try:
            cancel()
        except Exception:
            pass


def register_fake(url: str, factory: PortFactory) -> None:
    """Make `open_port(url)` return `factory(url)` (tests, simulators)."""
    _registry.register_fake(url, factory)


def unregister_fake(url: str) -> None:
    _registry.unregister_fake(url)


def check_url(url: str) -> None:
    """Fail loudly, in the caller's thread, for an unregistered `fake://` URL."""
    _registry.check(url)


@contextmanager
def fake_port(url: str, factory: PortFactory) -> Iterator[None]:
    """`register_fake` for the length of a `with` block."""
    register_fake(url, factory)
    try:
        yield
    finally:
        unregister_fake(url)


# ---- fakes ----------------------------------------------------------------------


class FakePort:
    """One open connection to a `FakeReceiver`: reads what the receiver sends, records writes."""

    def __init__(self, device: FakeReceiver, timeout: float) -> None:
        self._device = device
        self.timeout = timeout
        self.is_open = True

    @property
    def in_waiting(self) -> int:
        with self._device._cond:
            self._check()
            return len(self._device._outgoing)

    def _check(self) -> None:
        if not self.is_open:
            raise serial.PortNotOpenError()
        if self._device._generation_of(self) is None:
            raise serial.SerialException("device reports readiness to read but returned no data "
                                         "(device disconnected or multiple access on port?)")

    def read(self, size: int = 1) -> bytes:
        dev = self._device
        with dev._cond:
            self._check()
            if not dev._outgoing:
                dev._cond.wait(self.timeout)
                self._check()
            data = bytes(dev._outgoing[:size])
            del dev._outgoing[:size]
            return data

    def write(self, data: bytes) -> int:
        with self._device._cond:
            self._check()
            self._device.written.extend(data)
        return len(data)

    def flush(self) -> None:
        pass  # writes land in `written` at once: nothing waits in a buffer

    def cancel_read(self) -> None:
        with self._device._cond:
            self._device._cond.notify_all()

    def close(self) -> None:
        with self._device._cond:
            self.is_open = False
            self._device._cond.notify_all()


class FakeReceiver:
    """A pretend USB receiver with a plug: tests `send()` bytes, `unplug()` and `plug()` it.

    Register its `open` as the factory: `register_fake("fake://r", receiver.open)`.
    While unplugged, opening fails like a missing device and an open port's reads fail
    like a yanked USB cable. `read_timeout` is how long a read of an opened port waits for
    bytes (the registry opens fakes by URL alone); 0 for tests that step a link on a FakeClock.
    """

    def __init__(self, plugged: bool = True, read_timeout: float = READ_TIMEOUT) -> None:
        self._cond = threading.Condition()
        self._outgoing = bytearray()
        self._port: FakePort | None = None
        self.plugged = plugged
        self.written = bytearray()  # everything the host wrote (init bytes)
        self.opens = 0
        self.read_timeout = read_timeout

    def _generation_of(self, port: FakePort) -> FakePort | None:
        return port if self.plugged and port is self._port else None

    def open(self, url: str, baudrate: int = 115200, timeout: float | None = None) -> FakePort:
        with self._cond:
            if not self.plugged:
                # the same shape as pyserial's: the errno says "no such device"
                raise serial.SerialException(errno.ENOENT, f"could not open port {url}: [Errno 2] "
                                                           f"No such file or directory: {url!r}")
            self.opens += 1
            self._port = FakePort(self, self.read_timeout if timeout is None else timeout)
            return self._port

    def send(self, data: bytes) -> None:
        """Bytes the receiver sends to the host."""
        with self._cond:
            self._outgoing.extend(data)
            self._cond.notify_all()

    def unplug(self) -> None:
        with self._cond:
            self.plugged = False
            self._outgoing.clear()
            self._cond.notify_all()

    def plug(self) -> None:
        with self._cond:
            self.plugged = True
            self._port = None
