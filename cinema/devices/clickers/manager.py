"""Finds clicker receivers and reads each through a serial link, which re-opens them when they come back."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from cinema.core.clock import Clock
from cinema.core.events import DeviceJunk, Event
from cinema.devices import ports
from cinema.devices.clickers.protocol import Parser, ParserEvent, Press, ReceiverInfo
from cinema.devices.clickers.registry import make_parser as _make_parser
from cinema.devices.junk import ReportsJunk
from cinema.devices.ports import system_ports
from cinema.devices.serial_link import READ_TIMEOUT, RETRY_EVERY, VANISH_CHECK_EVERY, SerialLink
from cinema.devices.usb_ids import USB_RECEIVERS, PortInfo, UsbId, is_victron_cable, match_usb

__all__ = [
    "AUTO", "DEFAULT_PROTOCOL", "USB_RECEIVERS", "PortManager", "ReceiverSpec", "UsbId", "match_usb",
    "short_name", "specs_from_config", "system_ports",
]

log = logging.getLogger("cinema.devices.clickers")

AUTO = "auto"
DEFAULT_PROTOCOL = "lcp"  # our open protocol: what a DIY ESP32 / Arduino receiver speaks
SCAN_EVERY = 0.5  # seconds between looks for new receivers (a stat of /dev; the full scan only on change)
FULL_SCAN_EVERY = 10.0  # seconds between full scans even when /dev looks unchanged


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


JUNK_FRAME_BYTES = 32  # junk in frames' worth: a receiver's frames are 15-40 bytes


def junk_frames(parser: Parser) -> tuple[int, int]:
    """(junk, good) in frames for `ReportsJunk`: bad frames, plus noise bytes counted a frame's worth at a time."""
    stats = parser.stats
    return (stats.bad_checksums + stats.overflows + stats.junk_bytes // JUNK_FRAME_BYTES, stats.frames)


class _Receiver:
    """One receiver on its serial link: picks the parser at the first open, hands on presses."""

    def __init__(self, manager: PortManager, name: str, protocol: str, resolve: Callable[[], str | None]) -> None:
        self.m = manager
        self.name = name
        self.protocol = protocol  # AUTO until the first open
        self.receiver: ReceiverInfo | None = None  # what the receiver said about itself
        self.parser: Parser | None = None
        self.presses = 0
        self.last_press_at: float | None = None
        self.link: SerialLink[ParserEvent | DeviceJunk] = SerialLink(
            resolve, self._parser_for, self._handle, name=name, on_change=manager._emit, clock=manager.clock,
            baudrate=manager.baudrate, retry_every=manager.retry_every, read_timeout=manager.read_timeout,
            vanish_check_every=manager.vanish_check_every, opener=manager._opener, logger=log,
            quiet=manager.quiet, thread_name=f"receiver {name}")

    def _parser_for(self, url: str) -> ReportsJunk[ParserEvent]:
        if self.protocol == AUTO:
            self.protocol = self.m._guess_protocol(url)
        parser = self.parser = self.m._make_parser(self.protocol)
        log.log(self.m._info, "%s: reading %s as %s", self.name, url, self.protocol)
        return ReportsJunk(parser, self.name, lambda: junk_frames(parser), self.link.clock)

    def _handle(self, event: ParserEvent | DeviceJunk) -> None:
        if isinstance(event, DeviceJunk):
            self.m._emit(event)  # a noisy receiver: summed up and flagged by the engine
        elif isinstance(event, Press):
            self.presses += 1
            self.last_press_at = self.link.clock.monotonic()
            self.m._emit(event.as_event())
        elif isinstance(event, ReceiverInfo):
            if event != self.receiver:
                log.log(self.m._info, "%s: receiver firmware %s, channel %s", self.name, event.firmware,
                        event.channel)
            self.receiver = event

    def status(self) -> dict[str, Any]:
        link = self.link
        return {
            "name": self.name,
            "url": link.url or link.resolve(),
            "protocol": self.protocol,
            "state": link.state.value,
            "detail": link.detail,
            "bytes_in": link.bytes_in,
            "presses": self.presses,
            "opens": link.opens,
            "losses": link.losses,
            "last_press_at": self.last_press_at,
            "connected_at": link.connected_at,
            "receiver": asdict(self.receiver) if self.receiver else None,
            "parser": self.parser.stats.as_dict() if self.parser is not None else {},
        }


# ---- the manager -------------------------------------------------------------------------


@dataclass
class _Discovered:
    device: str
    usb: UsbId
    receiver: _Receiver | None = field(default=None)


class PortManager:
    """Opens every configured receiver (and, for "auto", every USB receiver that shows up),
    each on its own `SerialLink` (a reader thread), and turns what they send into events via `on_event`.

    `on_event` is called from the reader threads (the kiosk passes `queue.put`). Device
    trouble never raises: it becomes `DeviceChanged(name, False, detail)`, the port is tried
    again every `retry_every` seconds, and `DeviceChanged(name, True, url)` follows when it opens.
    """

    def __init__(self, specs: Sequence[ReceiverSpec | tuple[str, str]], on_event: Callable[[Event], None],
                 clock: Clock | None = None, *, baudrate: int | None = None, retry_every: float = RETRY_EVERY,
                 scan_every: float = SCAN_EVERY, vanish_check_every: float = VANISH_CHECK_EVERY,
                 read_timeout: float = READ_TIMEOUT, quiet: bool = False,
                 list_ports: Callable[[], Iterable[PortInfo]] | None = None,
                 opener: Callable[[str, int, float], ports.Port] = ports.open_port,
                 make_parser: Callable[[str], Parser] = _make_parser) -> None:
        self.specs = [s if isinstance(s, ReceiverSpec) else ReceiverSpec(*s) for s in specs]
        self.on_event = on_event
        self.clock = clock  # the links' clock (retries, "connected_at", "last_press_at"); None: real time
        self.baudrate = baudrate  # None: each protocol's own (LCP 115200)
        self.retry_every = retry_every
        self.scan_every = scan_every
        self.vanish_check_every = vanish_check_every
        self.read_timeout = read_timeout
        # quiet: the caller reports the changes itself (`cinema devices --listen`)
        self.quiet = quiet
        self._info = logging.DEBUG if quiet else logging.INFO
        # Listing ports costs about a millisecond, so the system's list is read again only when
        # /dev changed (a device node came or went); an injected list is read on every scan.
        self._list_ports = list_ports or system_ports
        self._watch_dev = list_ports is None
        self._opener = opener
        self._make_parser = make_parser
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._receivers: list[_Receiver] = []
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
            self._add(_Receiver(self, spec.name or short_name(url), spec.protocol, lambda url=url: url))
        autos = [s for s in self.specs if s.url == AUTO]
        if autos:
            self._auto_protocol = autos[0].protocol
            self._scanner = threading.Thread(target=self._scan_loop, name="receiver scan", daemon=True)
            self._scanner.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every reader thread and close the ports (returns within about `timeout`)."""
        self._stop.set()
        with self._lock:
            links = [r.link for r in self._receivers]
        for link in links:
            link.cancel_read()  # all at once: each wakes from its read while we wait for the others
        deadline = time.monotonic() + timeout
        stuck = [link.name for link in links if not link.join(max(0.0, deadline - time.monotonic()))]
        if self._scanner is not None:
            self._scanner.join(max(0.0, deadline - time.monotonic()))
            if self._scanner.is_alive():
                stuck.append(self._scanner.name)
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
            receivers = list(self._receivers)
        return [r.status() for r in receivers]

    # -- inside --

    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:  # the receiver keeps going whatever the consumer does
            log.exception("on_event failed for %r", event)

    def _add(self, receiver: _Receiver) -> None:
        with self._lock:
            self._receivers.append(receiver)
        receiver.link.start()

    def _ports(self) -> list[PortInfo]:
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
        configured = {os.path.realpath(s.url) for s in self.specs if s.url.startswith("/")}
        seen: set[tuple] = set()
        for info in self._ports():
            usb = match_usb(info.vid, info.pid)
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
            found.receiver = _Receiver(self, short_name(info.device), protocol,
                                       lambda key=key: self._current_device(key))
            self._add(found.receiver)
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


def _identity(info: PortInfo) -> tuple:
    """What stays the same when a receiver is unplugged and plugged back in."""
    vid, pid = info.vid, info.pid
    if info.serial_number:
        return (vid, pid, "serial", info.serial_number)
    if info.location:
        return (vid, pid, "usb", info.location)  # same socket (CH340s have no serial number)
    return (vid, pid, "device", info.device)
