"""Finds clicker receivers, reads each in its own thread, and re-opens them when they come back."""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from cinema.core.clock import Clock
from cinema.core.events import DeviceChanged, Event
from cinema.devices.clickers import ports
from cinema.devices.clickers.protocol import Press, ReceiverInfo

log = logging.getLogger("cinema.devices.clickers")

AUTO = "auto"
DEFAULT_PROTOCOL = "lcp"  # our open protocol: what a DIY ESP32 / Arduino receiver speaks
RETRY_EVERY = 0.5  # seconds between attempts to open a missing receiver
SCAN_EVERY = 0.5  # seconds between looks for new receivers (a stat of /dev; the full scan only on change)
FULL_SCAN_EVERY = 10.0  # seconds between full scans even when /dev looks unchanged
VANISH_CHECK_EVERY = 0.5  # some drivers keep reading "nothing" after an unplug: look for the file too
READ_CHUNK = 4096
# How long one read waits for bytes. stop() interrupts a waiting read (cancel_read), so this only
# sets how often an idle reader wakes up: 0.5 s costs ~0.03% of a core, 0.1 s ~0.12%.
READ_TIMEOUT = 0.5


# ---- which USB serial adapters are clicker receivers ---------------------------


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


def match_usb(vid: int | None, pid: int | None) -> UsbId | None:
    """The table entry for a USB serial device, the exact product before the whole vendor."""
    if vid is None:
        return None
    exact = [u for u in USB_RECEIVERS if u.vid == vid and u.pid == pid]
    vendor = [u for u in USB_RECEIVERS if u.vid == vid and u.pid is None]
    return (exact or vendor or [None])[0]


def system_ports() -> list[Any]:
    from serial.tools.list_ports import comports

    return list(comports())


# ---- the protocols (sans-IO parsers: cinema/devices/clickers/protocol.py) ---------------


def _make_parser(name: str) -> Any:
    from cinema.devices.clickers import make_parser

    return make_parser(name)


# ---- configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiverSpec:
    """One configured receiver: a port URL or device path (or "auto"), and its protocol."""

    url: str = AUTO
    protocol: str = AUTO  # a parser name ("lcp", "iskipper"), or "auto": guessed from the USB ids
    name: str | None = None  # how the status bar and the journal call it


def specs_from_config(clickers: Iterable[str]) -> list[ReceiverSpec]:
    """The kiosk config's `devices.clickers` list; empty means "look for receivers"."""
    specs = [ReceiverSpec(url) for url in clickers if url]
    return specs or [ReceiverSpec(AUTO)]


def short_name(url: str) -> str:
    """`clickers ttyUSB0` for `/dev/ttyUSB0`: the name has "clicker" in it for the status icon."""
    tail = os.path.basename(url.rstrip("/")) if url.startswith("/") else url
    return f"clickers {tail}"


# ---- one receiver ------------------------------------------------------------------------


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


class _Vanished(Exception):
    """The device file went away while reads still looked fine."""


@dataclass
class _Counters:
    bytes_in: int = 0
    presses: int = 0
    opens: int = 0
    losses: int = 0
    last_press_at: float | None = None
    connected_at: float | None = None


class _Link:
    """One receiver and its reader thread: open, read, feed the parser, notice the unplug, retry."""

    def __init__(self, manager: PortManager, name: str, protocol: str, resolve: Callable[[], str | None]) -> None:
        self.m = manager
        self.name = name
        self.protocol = protocol  # AUTO until the first open
        self.resolve = resolve  # the URL to open now, or None while the device is not there
        self.state = LinkState.WAITING
        self.url: str | None = None
        self.detail = ""
        self.parser: Any = None
        self.receiver: ReceiverInfo | None = None  # what the receiver said about itself
        self.counters = _Counters()
        self.port: ports.Port | None = None
        self.thread = threading.Thread(target=self._run, name=f"receiver {name}", daemon=True)
        self._announced: bool | None = None  # what the engine was last told

    # -- state --

    def _move(self, new: LinkState, detail: str) -> None:
        if new not in _MOVES[self.state]:
            raise AssertionError(f"{self.name}: {self.state.value} -> {new.value} is not a move")
        self.state = new
        self.detail = detail

    def _tell(self, connected: bool, detail: str) -> None:
        if self._announced == connected:
            return
        self._announced = connected
        self.m._emit(DeviceChanged(self.name, connected, detail))

    # -- thread --

    def _run(self) -> None:
        stop = self.m._stop
        while not stop.is_set():
            url = self.resolve()
            if url is None:
                self._open_failed(None, "not plugged in")
                stop.wait(self.m.retry_every)
                continue
            try:
                parser = self._parser_for(url)
                port = self.m._opener(url, self.m.baudrate or getattr(parser, "baudrate", 115200),
                                      self.m.read_timeout)
            except Exception as exc:  # any driver error is "not there yet": retry, never raise
                self._open_failed(url, _describe(exc))
                stop.wait(self.m.retry_every)
                continue
            self.port = port
            try:
                self._serve(url, port)
            finally:
                self.port = None
                _close_quietly(port)
        if self.state is not LinkState.STOPPED:
            self._move(LinkState.STOPPED, "stopped")

    def _parser_for(self, url: str) -> Any:
        if self.parser is None:
            if self.protocol == AUTO:
                self.protocol = self.m._guess_protocol(url)
            # One parser for the life of the link: its memory of (clicker, counter) makes a
            # frame the receiver sends again after a re-plug count once.
            self.parser = self.m._make_parser(self.protocol)
        return self.parser

    def _open_failed(self, url: str | None, why: str) -> None:
        if why != self.detail:
            # first failure, or a different one (e.g. "busy" after "not plugged in"): worth a line
            level = self.m._info if self.state is LinkState.LOST else self.m._warn
            log.log(level, "%s: cannot open %s: %s", self.name, url or "the receiver", why)
            self.detail = why
        # a configured receiver that is missing shows as a crossed-out clicker from the start
        self._tell(False, why)

    def _serve(self, url: str, port: ports.Port) -> None:
        m = self.m
        try:
            init = getattr(self.parser, "init_bytes", b"")
            if init:
                port.write(init)  # e.g. iSkipper's "start capturing"
        except Exception as exc:
            self._open_failed(url, _describe(exc))
            m._stop.wait(m.retry_every)
            return
        self.url = url
        self.counters.opens += 1
        self.counters.connected_at = m._now()
        log.log(m._info, "%s: connected on %s (%s)", self.name, url, self.protocol)
        self._move(LinkState.CONNECTED, f"{url} ({self.protocol})")
        self._tell(True, self.detail)
        path = os.path.realpath(url) if url.startswith("/") else None
        next_check = time.monotonic() + m.vanish_check_every
        try:
            while not m._stop.is_set():
                data = port.read(min(max(port.in_waiting, 1), READ_CHUNK))
                if data:
                    self._feed(data)
                    reply = self._reply()
                    if reply:
                        port.write(reply)  # the receiver reset and asks for its start command again
                elif path is not None and time.monotonic() >= next_check:
                    next_check = time.monotonic() + m.vanish_check_every
                    if not os.path.exists(path) or not os.path.exists(url):
                        raise _Vanished("the device file is gone")
        except Exception as exc:  # a yanked cable shows up as any of several errors
            if m._stop.is_set():
                return
            why = _describe(exc)
            self.counters.losses += 1
            log.log(m._warn, "%s: lost %s: %s", self.name, url, why)
            self._move(LinkState.LOST, why)
            self._tell(False, why)

    def _feed(self, data: bytes) -> None:
        self.counters.bytes_in += len(data)
        try:
            self.parser.feed(data)
            found = list(self.parser.events())
        except Exception:  # parsers never raise on junk; if one does, keep the receiver going
            log.exception("%s: the %s parser failed", self.name, self.protocol)
            return
        for ev in found:
            if isinstance(ev, Press):
                self.counters.presses += 1
                self.counters.last_press_at = self.m._now()
                self.m._emit(ev.as_event())
            elif isinstance(ev, ReceiverInfo):
                if ev != self.receiver:
                    log.log(self.m._info, "%s: receiver firmware %s, channel %s", self.name, ev.firmware, ev.channel)
                self.receiver = ev

    def _reply(self) -> bytes:
        try:
            return self.parser.data_to_send()
        except Exception:
            return b""

    def status(self) -> dict[str, Any]:
        stats = _parser_stats(self.parser)
        return {
            "name": self.name,
            "url": self.url or self.resolve(),
            "protocol": self.protocol,
            "state": self.state.value,
            "detail": self.detail,
            **asdict(self.counters),
            "receiver": asdict(self.receiver) if self.receiver else None,
            "parser": stats,
        }


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


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "errno", None)
    if code in _ERRNO_HINTS:
        return _ERRNO_HINTS[code]
    text = str(exc) or type(exc).__name__
    if "returned no data" in text:  # pyserial's words for a USB serial chip that went away
        return "unplugged (the device stopped answering)"
    return text.splitlines()[0][:200]


def _close_quietly(port: Any) -> None:
    try:
        port.close()
    except Exception:
        pass


def _parser_stats(parser: Any) -> dict[str, Any]:
    stats = getattr(parser, "stats", None)
    return stats.as_dict() if stats is not None else {}


# ---- the manager -------------------------------------------------------------------------


@dataclass
class _Discovered:
    device: str
    usb: UsbId
    link: _Link | None = field(default=None)


class PortManager:
    """Opens every configured receiver (and, for "auto", every USB receiver that shows up),
    each in its own reader thread, and turns what they send into events via `on_event`.

    `on_event` is called from the reader threads (the kiosk passes `queue.put`). Device
    trouble never raises: it becomes `DeviceChanged(name, False, detail)`, the port is tried
    again every `retry_every` seconds, and `DeviceChanged(name, True)` follows when it opens.
    """

    def __init__(self, specs: Sequence[ReceiverSpec | tuple[str, str]], on_event: Callable[[Event], None],
                 clock: Clock | None = None, *, baudrate: int | None = None, retry_every: float = RETRY_EVERY,
                 scan_every: float = SCAN_EVERY, vanish_check_every: float = VANISH_CHECK_EVERY,
                 read_timeout: float = READ_TIMEOUT, quiet: bool = False,
                 list_ports: Callable[[], Iterable[Any]] | None = None,
                 opener: Callable[..., ports.Port] = ports.open_port,
                 make_parser: Callable[[str], Any] = _make_parser) -> None:
        self.specs = [s if isinstance(s, ReceiverSpec) else ReceiverSpec(*s) for s in specs]
        self.on_event = on_event
        self.clock = clock  # stamps "connected_at" / "last_press_at" in status(); waits use real time
        self.baudrate = baudrate  # None: each protocol's own (LCP 115200)
        self.retry_every = retry_every
        self.scan_every = scan_every
        self.vanish_check_every = vanish_check_every
        self.read_timeout = read_timeout
        # quiet: the caller reports the changes itself (`cinema devices --listen`)
        self._info = logging.DEBUG if quiet else logging.INFO
        self._warn = logging.DEBUG if quiet else logging.WARNING
        # Listing ports costs about a millisecond, so the system's list is read again only when
        # /dev changed (a device node came or went); an injected list is read on every scan.
        self._list_ports = list_ports or system_ports
        self._watch_dev = list_ports is None
        self._opener = opener
        self._make_parser = make_parser
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._discovered: dict[tuple, _Discovered] = {}
        self._scanner: threading.Thread | None = None
        self._started = False
        self._auto_protocol = AUTO
        for spec in self.specs:
            if spec.protocol != AUTO:
                make_parser(spec.protocol)  # an unknown protocol name is a config error: say so now
            if spec.url != AUTO:
                ports.check_url(spec.url)

    # -- life --

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        configured = [s for s in self.specs if s.url != AUTO]
        for spec in configured:
            url = spec.url
            self._add_link(_Link(self, spec.name or short_name(url), spec.protocol, lambda url=url: url))
        autos = [s for s in self.specs if s.url == AUTO]
        if autos:
            self._auto_protocol = autos[0].protocol
            self._scanner = threading.Thread(target=self._scan_loop, name="receiver scan", daemon=True)
            self._scanner.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every reader thread and close the ports (returns within about `timeout`)."""
        self._stop.set()
        with self._lock:
            links = list(self._links)
        for link in links:
            ports.cancel_read(link.port)
        deadline = time.monotonic() + timeout
        threads = [link.thread for link in links] + ([self._scanner] if self._scanner else [])
        for t in threads:
            if t.is_alive():
                t.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            log.warning("reader threads still busy after stop (left as daemons): %s", ", ".join(stuck))

    def __enter__(self) -> PortManager:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def status(self) -> list[dict[str, Any]]:
        """One dict per receiver: name, url, protocol, state, detail, counters, parser stats."""
        with self._lock:
            links = list(self._links)
        return [link.status() for link in links]

    # -- inside --

    def _now(self) -> float:
        return self.clock.monotonic() if self.clock is not None else time.monotonic()

    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:  # the receiver keeps going whatever the consumer does
            log.exception("on_event failed for %r", event)

    def _add_link(self, link: _Link) -> None:
        with self._lock:
            self._links.append(link)
        link.thread.start()

    def _ports(self) -> list[Any]:
        try:
            return list(self._list_ports())
        except Exception as exc:
            log.debug("listing serial ports failed: %s", exc)
            return []

    def _guess_protocol(self, url: str) -> str:
        real = os.path.realpath(url) if url.startswith("/") else url
        for info in self._ports():
            if os.path.realpath(info.device) == real:
                usb = match_usb(info.vid, info.pid)
                if usb is not None:
                    return usb.protocol
        return DEFAULT_PROTOCOL

    def _scan_loop(self) -> None:
        last_mark: int | None = None
        last_full = -FULL_SCAN_EVERY
        while not self._stop.is_set():
            mark = _dev_mark() if self._watch_dev else None
            now = time.monotonic()
            if mark is None or mark != last_mark or now - last_full >= FULL_SCAN_EVERY:
                last_mark, last_full = mark, now
                self._scan_once()
            self._stop.wait(self.scan_every)

    def _scan_once(self) -> None:
        from cinema.devices.power.vedirect_source import is_victron_cable  # here: it imports this module

        configured = {os.path.realpath(s.url) for s in self.specs if s.url.startswith("/")}
        seen: set[tuple] = set()
        for info in self._ports():
            usb = match_usb(getattr(info, "vid", None), getattr(info, "pid", None))
            if usb is None or os.path.realpath(info.device) in configured or is_victron_cable(info):
                continue  # a Victron VE.Direct cable has the same FTDI chip as some receivers
            key = _identity(info)
            seen.add(key)
            with self._lock:
                found = self._discovered.get(key)
                if found is not None:
                    found.device = info.device  # re-plugged: maybe ttyUSB1 now
                    continue
                found = self._discovered[key] = _Discovered(info.device, usb)
            protocol = usb.protocol if self._auto_protocol == AUTO else self._auto_protocol
            log.log(self._info, "found a receiver: %s on %s", usb.chip, info.device)
            found.link = _Link(self, short_name(info.device), protocol,
                               lambda key=key: self._current_device(key))
            self._add_link(found.link)
        with self._lock:
            for key, found in self._discovered.items():
                if key not in seen:
                    found.device = ""

    def _current_device(self, key: tuple) -> str | None:
        with self._lock:
            found = self._discovered.get(key)
            return found.device if found is not None and found.device else None


def _dev_mark() -> int | None:
    try:
        return os.stat("/dev").st_mtime_ns
    except OSError:
        return None


def _identity(info: Any) -> tuple:
    """What stays the same when a receiver is unplugged and plugged back in."""
    vid, pid = getattr(info, "vid", None), getattr(info, "pid", None)
    serial_number = getattr(info, "serial_number", None)
    if serial_number:
        return (vid, pid, "serial", serial_number)
    location = getattr(info, "location", None)
    if location:
        return (vid, pid, "usb", location)  # same socket (CH340s have no serial number)
    return (vid, pid, "device", info.device)
