"""Serial barcode scanners: lines of text ending in CR or LF become card scans; reconnects on replug."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cinema.core.events import CardScanned, DeviceChanged, Event
from cinema.devices.clickers import ports

log = logging.getLogger("cinema.devices.cards")

BAUDRATE = 9600  # what serial (and USB-CDC "COM port" mode) scanners use out of the box
RETRY_EVERY = 2.0  # seconds between attempts to open a missing scanner
READ_TIMEOUT = 0.25
MAX_LINE = 512  # bytes; a longer "line" is noise on the wire, not a card


@dataclass
class LineStats:
    lines: int = 0
    junk: int = 0  # lines dropped: too long, empty after stripping, or not text


class ScanLines:
    """Sans-IO: `feed(bytes)`, then iterate `events()` for a `CardScanned` per line.

    CR, LF and CRLF all end a line; control bytes are dropped; a line longer than `max_line`
    is thrown away up to its end and counted as junk.
    """

    def __init__(self, source: str = "scanner", max_line: int = MAX_LINE) -> None:
        self.source = source
        self.max_line = max_line
        self.stats = LineStats()
        self._buf = bytearray()
        self._overflow = False
        self._ready: list[CardScanned] = []

    def feed(self, data: bytes) -> None:
        for byte in data:
            if byte in (0x0D, 0x0A):
                self._end_line()
            elif self._overflow:
                continue
            elif len(self._buf) >= self.max_line:
                self._overflow = True
                self._buf.clear()
            else:
                self._buf.append(byte)

    def _end_line(self) -> None:
        if self._overflow:
            self._overflow = False
            self.stats.junk += 1
            return
        raw = bytes(self._buf)
        self._buf.clear()
        if not raw:
            return  # the LF of a CRLF, or a blank line
        text = "".join(c for c in raw.decode("utf-8", "replace") if c.isprintable()).strip()
        if not text or "\ufffd" in text:
            self.stats.junk += 1
            return
        self.stats.lines += 1
        self._ready.append(CardScanned(text, self.source))

    def events(self) -> Iterator[CardScanned]:
        while self._ready:
            yield self._ready.pop(0)


def scanner_name(url: str) -> str:
    tail = os.path.basename(url.rstrip("/")) if url.startswith("/") else url
    return f"scanner {tail}"


class SerialScanner:
    """Reads one serial scanner in a thread: open, read lines, notice the unplug, open again.

    `on_event` gets `CardScanned(text, "scanner")` for each line and
    `DeviceChanged(name, connected, detail)` when the scanner comes or goes (a scanner that is
    missing at start is reported at once). Nothing raises into the caller.
    """

    def __init__(self, url: str, on_event: Callable[[Event], None], *, baudrate: int = BAUDRATE,
                 retry_every: float = RETRY_EVERY, read_timeout: float = READ_TIMEOUT, name: str | None = None,
                 opener: Callable[..., ports.Port] = ports.open_port) -> None:
        ports.check_url(url)  # an unregistered fake:// URL is a test bug: fail now, loudly
        self.url = url
        self.on_event = on_event
        self.baudrate = baudrate
        self.retry_every = retry_every
        self.read_timeout = read_timeout
        self.name = name or scanner_name(url)
        self.parser = ScanLines()
        self.connected: bool | None = None
        self.detail = ""
        self.opens = 0
        self.losses = 0
        self._opener = opener
        self._stop = threading.Event()
        self._port: ports.Port | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        ports.cancel_read(self._port)
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> dict:
        return {"name": self.name, "url": self.url, "connected": bool(self.connected), "detail": self.detail,
                "opens": self.opens, "losses": self.losses, "lines": self.parser.stats.lines,
                "junk": self.parser.stats.junk}

    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("%s: the event handler failed", self.name)

    def _tell(self, connected: bool, detail: str) -> None:
        changed = connected != self.connected
        if not changed and (connected or detail == self.detail):
            return
        was = self.connected
        self.connected, self.detail = connected, detail
        if connected:
            log.info("%s: connected on %s", self.name, self.url)
        else:
            log.warning("%s: %s %s: %s", self.name, "lost" if was else "cannot open", self.url, detail)
        if changed:
            self._emit(DeviceChanged(self.name, connected, detail))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                port = self._opener(self.url, self.baudrate, self.read_timeout)
            except Exception as exc:  # missing, busy, no permission: try again later
                self._tell(False, _describe(exc))
                self._stop.wait(self.retry_every)
                continue
            self._port = port
            self.opens += 1
            self._tell(True, "")
            try:
                self._serve(port)
            finally:
                self._port = None
                try:
                    port.close()
                except Exception:
                    pass

    def _serve(self, port: ports.Port) -> None:
        path = os.path.realpath(self.url) if self.url.startswith("/") else None
        next_check = time.monotonic() + 0.5
        try:
            while not self._stop.is_set():
                data = port.read(max(1, port.in_waiting))
                if data:
                    self.parser.feed(data)
                    for event in self.parser.events():
                        self._emit(event)
                elif path is not None and time.monotonic() >= next_check:
                    # some USB serial drivers keep reading "nothing" after an unplug
                    next_check = time.monotonic() + 0.5
                    if not os.path.exists(self.url):
                        raise OSError("the device file is gone")
        except Exception as exc:  # a pulled cable shows up as any of several errors
            if self._stop.is_set():
                return
            self.losses += 1
            self._tell(False, _describe(exc))
            self._stop.wait(self.retry_every)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "returned no data" in text:  # pyserial's words for a USB serial chip that went away
        return "unplugged (the device stopped answering)"
    if "No such file" in text:
        return "not plugged in"
    return text.splitlines()[0][:200]
