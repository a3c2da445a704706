"""One serial device's reader lifecycle, written once: open, read into a parser, notice the loss, open again.

Clicker receivers, serial card scanners and the Victron VE.Direct cable each supply a sans-IO
parser and what to do with the events it makes; `SerialLink` does the rest (after kvmd's
`BaseHid`: the lifecycle in one place, the adapters small). Device trouble never raises into
the caller: it becomes `DeviceChanged(name, False, detail)`, the port is tried again every
`retry_every` seconds, and `DeviceChanged(name, True, url)` follows when it opens.

The lifecycle is a `step()` that does one thing (open when due, or read once) and says how
long to wait; the reader thread loops over it, and tests call it by hand on a `FakeClock`.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Generic, Protocol, TypeVar

from cinema.core.events import DeviceChanged
from cinema.devices import ports

log = logging.getLogger("cinema.devices.serial")

RETRY_EVERY = 0.5  # seconds between attempts to open a missing device: "back within about a second"
# How long one read waits for bytes. stop() interrupts a waiting read (cancel_read), so this only
# sets how often an idle reader wakes up: 0.5 s costs ~0.03% of a core, 0.1 s ~0.12%.
READ_TIMEOUT = 0.5
VANISH_CHECK_EVERY = 0.5  # some drivers keep reading "nothing" after an unplug: look for the file too
READ_CHUNK = 4096

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class LinkParser(Protocol[E_co]):
    """The sans-IO parser a link feeds: bytes in, events out, and bytes the device asks for.

    The clicker protocols (`clickers.protocol.Parser`), scanner lines and VE.Direct blocks are all one.
    """

    @property
    def baudrate(self) -> int:
        """The device's usual speed (a link opened with an explicit baudrate ignores it)."""

    @property
    def init_bytes(self) -> bytes:
        """What the host writes once the port is open (b"" for nothing)."""

    def feed(self, data: bytes) -> None: ...

    def events(self) -> Iterator[E_co]: ...

    def data_to_send(self) -> bytes:
        """Bytes the device asked for since the last call (e.g. it reset and wants its start command)."""


class MonotonicClock(Protocol):
    """All a link needs of a clock (`cinema.core.clock.Clock` and `FakeClock` are ones)."""

    def monotonic(self) -> float: ...


class RealTime:
    """The system's monotonic clock: what a link runs on unless a test gives it a `FakeClock`."""

    def monotonic(self) -> float:
        return time.monotonic()


Opener = Callable[[str, int, float], ports.Port]


class LinkState(Enum):
    WAITING = "waiting"  # never opened yet: not plugged in, busy, or no permission
    CONNECTED = "connected"
    LOST = "lost"  # was connected; trying to open it again
    STOPPED = "stopped"


_MOVES: dict[LinkState, frozenset[LinkState]] = {
    LinkState.WAITING: frozenset({LinkState.CONNECTED, LinkState.STOPPED}),
    LinkState.CONNECTED: frozenset({LinkState.LOST, LinkState.STOPPED}),
    LinkState.LOST: frozenset({LinkState.CONNECTED, LinkState.STOPPED}),
    LinkState.STOPPED: frozenset(),
}


class DeviceGone(Exception):
    """The port is open but the device behind it is gone (its file vanished) or silent too long."""


class SerialLink(Generic[E]):
    """One device on one port URL, read in its own thread (or stepped by hand in tests).

    `target` is a URL or device path, or a callable giving the URL to open now (None while
    the device is not there: an auto-found receiver that moved to another ttyUSB).
    `make_parser(url)` makes the parser, once, at the first open (one parser for the life of the
    link: a receiver's memory of retransmitted frames must survive a replug). Each parsed
    event goes to `on_parsed` (from the reader thread); `on_change` hears `DeviceChanged` once
    per change. `silence_limit`: seconds without a byte before an open port counts as lost.
    """

    def __init__(self, target: str | Callable[[], str | None], make_parser: Callable[[str], LinkParser[E]],
                 on_parsed: Callable[[E], None], *, name: str,
                 on_change: Callable[[DeviceChanged], None] | None = None, clock: MonotonicClock | None = None,
                 baudrate: int | None = None, retry_every: float = RETRY_EVERY, read_timeout: float = READ_TIMEOUT,
                 vanish_check_every: float = VANISH_CHECK_EVERY, silence_limit: float | None = None,
                 opener: Opener = ports.open_port, logger: logging.Logger = log, quiet: bool = False,
                 thread_name: str | None = None) -> None:
        if isinstance(target, str):
            ports.check_url(target)  # an unregistered fake:// URL is a test bug: fail now, in the caller's thread
            url = target
            self._resolve: Callable[[], str | None] = lambda: url
        else:
            self._resolve = target
        self.name = name
        self.clock = clock or RealTime()
        self.baudrate = baudrate  # None: the parser's own
        self.retry_every = retry_every
        self.read_timeout = read_timeout
        self.vanish_check_every = vanish_check_every
        self.silence_limit = silence_limit
        self._make_parser = make_parser
        self._on_parsed = on_parsed
        self._on_change = on_change
        self._opener = opener
        self._log = logger
        # quiet: someone else tells the person (`cinema devices --listen`, the battery's Presence)
        self._info = logging.DEBUG if quiet else logging.INFO
        self._warn = logging.DEBUG if quiet else logging.WARNING
        self.parser: LinkParser[E] | None = None
        self.state = LinkState.WAITING
        self.detail = ""
        self.url: str | None = None  # the URL last opened
        self.opens = 0
        self.losses = 0
        self.bytes_in = 0
        self.connected_at: float | None = None
        self._port: ports.Port | None = None
        self._path: str | None = None  # the device file behind the open port, to notice it vanish
        self._next_open = float("-inf")
        self._next_vanish_check = 0.0
        self._heard = 0.0
        self._announced: bool | None = None  # what on_change was last told
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=thread_name or name, daemon=True)

    # ---- life ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread.ident is None and not self._stop.is_set():  # a thread starts once
            self._thread.start()

    def cancel_read(self) -> None:
        """Ask the reader to stop and wake it if it waits in `port.read()` (returns at once)."""
        self._stop.set()
        ports.cancel_read(self._port)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the reader thread to end; True when it has (or never started)."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            return False
        if self._stop.is_set():
            self._finish()  # a link stepped by hand (no thread) lets go of its port here
        return True

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop reading and close the port, within about `timeout` seconds; True when done."""
        self.cancel_read()
        return self.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def resolve(self) -> Callable[[], str | None]:
        return self._resolve

    # ---- the lifecycle, one step at a time ---------------------------------------------------

    def step(self) -> float:
        """Open the port when an attempt is due, or read it once. Returns the seconds until
        another step is worth taking (0: read again at once; a read waits for bytes itself)."""
        if self._stop.is_set():
            return self.retry_every
        if self._port is None:
            return self._try_open()
        self._read_once(self._port)
        return 0.0

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                pause = self.step()
                if pause > 0:
                    self._stop.wait(pause)
        finally:
            self._finish()

    def _finish(self) -> None:
        self._close_port()
        if self.state is not LinkState.STOPPED and self._stop.is_set():
            self._move(LinkState.STOPPED, "stopped")

    def _try_open(self) -> float:
        now = self.clock.monotonic()
        if now < self._next_open:
            return self._next_open - now
        url = self._resolve()
        if url is None:
            return self._open_failed(None, "not plugged in", now)
        try:
            if self.parser is None:
                self.parser = self._make_parser(url)
            port = self._opener(url, self.baudrate or self.parser.baudrate, self.read_timeout)
        except Exception as exc:  # any driver error is "not there yet": retry, never raise
            return self._open_failed(url, describe_error(exc), now)
        try:
            if self.parser.init_bytes:
                port.write(self.parser.init_bytes)  # e.g. iSkipper's "start capturing"
        except Exception as exc:
            _close_quietly(port)
            return self._open_failed(url, describe_error(exc), now)
        self._port, self.url = port, url
        self._path = os.path.realpath(url) if url.startswith("/") else None
        self.opens += 1
        self.connected_at = self._heard = now
        self._next_vanish_check = now + self.vanish_check_every
        self._log.log(self._info, "%s: connected on %s", self.name, url)
        self._move(LinkState.CONNECTED, url)
        self._announce(True, url)
        return 0.0

    def _open_failed(self, url: str | None, why: str, now: float) -> float:
        if why != self.detail:
            # the first failure, or a different one ("busy" after "not plugged in"): worth a line
            level = self._info if self.state is LinkState.LOST else self._warn
            self._log.log(level, "%s: cannot open %s: %s", self.name, url or "the device", why)
            self.detail = why
        self._announce(False, why)  # a configured device that is missing shows as lost from the start
        self._next_open = now + self.retry_every
        return self.retry_every

    def _read_once(self, port: ports.Port) -> None:
        try:
            data = port.read(min(max(port.in_waiting, 1), READ_CHUNK))
            now = self.clock.monotonic()
            if data:
                self._heard = now
                self._take(port, data)
            else:
                self._check_alive(now)
        except Exception as exc:  # a yanked cable shows up as any of several errors
            self._close_port()
            if not self._stop.is_set():
                self._lost(describe_error(exc))

    def _take(self, port: ports.Port, data: bytes) -> None:
        parser = self.parser
        assert parser is not None  # made before the port opened
        self.bytes_in += len(data)
        try:
            parser.feed(data)
            found = list(parser.events())
            reply = parser.data_to_send()
        except Exception:  # parsers never raise on junk; if one does, keep the device going
            self._log.exception("%s: the parser failed", self.name)
            return
        for event in found:
            try:
                self._on_parsed(event)
            except Exception:  # a consumer's bug must not read as a lost device
                self._log.exception("%s: handling %r failed", self.name, event)
        if reply:
            port.write(reply)  # the device reset and asks for its start command again

    def _check_alive(self, now: float) -> None:
        if self._path is not None and now >= self._next_vanish_check:
            self._next_vanish_check = now + self.vanish_check_every
            if not os.path.exists(self._path) or (self.url is not None and not os.path.exists(self.url)):
                raise DeviceGone("unplugged (the device file is gone)")
        if self.silence_limit is not None and now - self._heard > self.silence_limit:
            raise DeviceGone(f"no readings for over {self.silence_limit:g} s")

    def _lost(self, why: str) -> None:
        now = self.clock.monotonic()
        self.losses += 1
        self._log.log(self._warn, "%s: lost %s: %s", self.name, self.url, why)
        self._move(LinkState.LOST, why)
        self._announce(False, why)
        # Try again at once (a device that reset is often back already), but never more than
        # once per retry_every: a device that opens and fails at once must not spin a core.
        self._next_open = max(now, (self.connected_at or now) + self.retry_every)

    # ---- state ---------------------------------------------------------------------------

    def _move(self, new: LinkState, detail: str) -> None:
        if new not in _MOVES[self.state]:
            raise AssertionError(f"{self.name}: {self.state.value} -> {new.value} is not a move")
        self.state = new
        self.detail = detail

    def _announce(self, connected: bool, detail: str) -> None:
        if self._announced == connected:
            return
        self._announced = connected
        if self._on_change is not None:
            try:
                self._on_change(DeviceChanged(self.name, connected, detail))
            except Exception:  # whoever listens must not break the reader
                self._log.exception("%s: telling about a change failed", self.name)

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            _close_quietly(port)


# What the usual open errors mean for the person at the laptop.
_ERRNO_HINTS = {
    errno.ENOENT: "not plugged in (no such device)",
    errno.ENODEV: "not plugged in (no such device)",
    errno.ENXIO: "not plugged in (no such device)",
    errno.EACCES: "no permission: add this user to the 'dialout' group, then log in again",
    errno.EPERM: "no permission: add this user to the 'dialout' group, then log in again",
    errno.EBUSY: "in use by another program",
    errno.EAGAIN: "in use by another program",
    errno.EIO: "unplugged (input/output error)",
}


def describe_error(exc: BaseException) -> str:
    """A port error in words for the status bar and the journal."""
    code = getattr(exc, "errno", None)  # pyserial's SerialException carries one only sometimes
    if code in _ERRNO_HINTS:
        return _ERRNO_HINTS[code]
    text = str(exc) or type(exc).__name__
    if "returned no data" in text:  # pyserial's words for a USB serial chip that went away
        return "unplugged (the device stopped answering)"
    return text.splitlines()[0][:200]


def _close_quietly(port: ports.Port) -> None:
    try:
        port.close()
    except Exception:  # a port whose device is gone may complain on the way out
        pass
