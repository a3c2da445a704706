"""Serial barcode scanners: lines of text ending in CR or LF become card scans; reconnects on replug."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from cinema.core.events import CardScanned, DeviceJunk, Event
from cinema.core.roster import looks_like_card
from cinema.devices import ports
from cinema.devices.junk import ReportsJunk
from cinema.devices.serial_link import RETRY_EVERY, LinkState, MonotonicClock, RealTime, SerialLink

log = logging.getLogger("cinema.devices.cards")

BAUDRATE = 9600  # what serial (and USB-CDC "COM port" mode) scanners use out of the box
READ_TIMEOUT = 0.25
MAX_LINE = 512  # bytes; a longer "line" is noise on the wire, not a card
_LINE_END = re.compile(rb"[\r\n]")


@dataclass
class LineStats:
    lines: int = 0
    junk: int = 0  # lines dropped: too long, empty after stripping, not text, or not shaped like a card


class ScanLines:
    """Sans-IO: `feed(bytes)`, then iterate `events()` for a `CardScanned` per line.

    CR, LF and CRLF all end a line; control bytes are dropped; a line longer than `max_line`
    is thrown away up to its end and counted as junk, and so is a line not shaped like a card
    (`looks_like_card`): noise never reaches the main loop, only its count does. At most
    `max_line` bytes are held, whatever comes.
    """

    baudrate: ClassVar[int] = BAUDRATE
    init_bytes: ClassVar[bytes] = b""  # a scanner only talks

    def __init__(self, source: str = "scanner", max_line: int = MAX_LINE,
                 accept: Callable[[str], bool] = looks_like_card) -> None:
        self.source = source
        self.max_line = max_line
        self.accept = accept  # which lines are scans; the rest is junk
        self.stats = LineStats()
        self._buf = bytearray()
        self._overflow = False
        self._ready: list[CardScanned] = []

    def feed(self, data: bytes) -> None:
        # Split with the C code of `re`, not byte by byte in Python: a flood arrives megabytes at a time.
        pieces = _LINE_END.split(data)
        for piece in pieces[:-1]:
            self._add(piece)
            self._end_line()
        self._add(pieces[-1])

    def _add(self, piece: bytes) -> None:
        if self._overflow or not piece:
            return
        if len(self._buf) + len(piece) > self.max_line:
            self._overflow = True
            self._buf.clear()
        else:
            self._buf += piece

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
        if not text or "\ufffd" in text or not self.accept(text):
            self.stats.junk += 1
            return
        self.stats.lines += 1
        self._ready.append(CardScanned(text, self.source))

    def events(self) -> Iterator[CardScanned]:
        ready, self._ready = self._ready, []
        yield from ready

    def data_to_send(self) -> bytes:
        return b""


def scanner_name(url: str) -> str:
    tail = os.path.basename(url.rstrip("/")) if url.startswith("/") else url
    return f"scanner {tail}"


class SerialScanner:
    """Reads one serial scanner on a `SerialLink` (a thread): open, read lines, notice the unplug, open again.

    `on_event` gets `CardScanned(text, "scanner")` for each line shaped like a card,
    `DeviceJunk(name, junk, lines)` every few seconds at most while junk comes, and
    `DeviceChanged(name, connected, detail)` when the scanner comes or goes (a scanner that is
    missing at start is reported at once). Nothing raises into the caller.
    """

    def __init__(self, url: str, on_event: Callable[[Event], None], *, baudrate: int = BAUDRATE,
                 retry_every: float = RETRY_EVERY, read_timeout: float = READ_TIMEOUT, name: str | None = None,
                 opener: Callable[[str, int, float], ports.Port] = ports.open_port,
                 clock: MonotonicClock | None = None) -> None:
        self.url = url
        self.on_event = on_event
        self.name = name or scanner_name(url)
        self.parser = ScanLines()
        stats = self.parser.stats
        reporting = ReportsJunk(self.parser, self.name, lambda: (stats.junk, stats.lines), clock or RealTime())
        self.link: SerialLink[CardScanned | DeviceJunk] = SerialLink(
            url, lambda _url: reporting, on_event, name=self.name, on_change=on_event, clock=clock,
            baudrate=baudrate, retry_every=retry_every, read_timeout=read_timeout, opener=opener, logger=log)

    def start(self) -> None:
        self.link.start()

    def stop(self, timeout: float = 2.0) -> None:
        self.link.stop(timeout)

    def status(self) -> dict[str, object]:
        link = self.link
        return {"name": self.name, "url": self.url, "connected": link.state is LinkState.CONNECTED,
                "detail": link.detail, "opens": link.opens, "losses": link.losses,
                "lines": self.parser.stats.lines, "junk": self.parser.stats.junk}
