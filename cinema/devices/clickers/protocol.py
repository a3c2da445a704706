"""What every clicker receiver parser shares: the events it hands back, its counters, its shape.

Parsers are sans-IO (after h11): `feed(bytes)` only buffers, `next_event()` parses one event
or says `NEED_DATA` / `CLOSED`. Nothing here reads a port, a clock or a file, and nothing a
parser is fed can make it raise: bad bytes are skipped and counted in `ParserStats`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from enum import Enum
from typing import ClassVar, Protocol

from cinema.core.events import ClickerPressed

CLICKER_ID_DIGITS = 8  # handset ids are up to 32 bits: 8 hex digits
DEFAULT_MAX_BUFFER = 65536  # bytes held between feed() and next_event(); ~5 s of 115200 baud


# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Press:
    """A handset key press. `counter` is the handset's press counter when the protocol has one."""

    clicker: str  # normalised: see normalize_clicker()
    key: str
    counter: int | None = None

    def as_event(self) -> ClickerPressed:
        """The engine's input event for this press."""
        return ClickerPressed(self.clicker, self.key)


@dataclass(frozen=True)
class ReceiverInfo:
    """The receiver said who it is (LCP `$LCR` hello, iSkipper capture start)."""

    firmware: str
    channel: str


@dataclass(frozen=True)
class Ping:
    """A handset announced itself without answering (iClicker 'P' packets)."""

    clicker: str


ParserEvent = Press | ReceiverInfo | Ping


class Signal(Enum):
    """What `next_event()` returns when it has no event."""

    NEED_DATA = "need_data"  # feed more bytes
    CLOSED = "closed"  # the port closed (feed(b"")) and everything buffered has been parsed


NEED_DATA = Signal.NEED_DATA
CLOSED = Signal.CLOSED


@dataclass
class ParserStats:
    """Counters a parser keeps; the port manager logs them and `cinema devices` prints them.

    `junk_bytes` counts every byte that did not end up in a valid frame (noise, a frame with a
    bad checksum, a truncated or overlong line, bytes dropped because the buffer was full).
    """

    frames: int = 0  # valid frames, retransmissions and hellos included
    junk_bytes: int = 0
    bad_checksums: int = 0
    retransmissions: int = 0  # valid frames dropped because they repeat a press already handed out
    overflows: int = 0  # lines longer than the protocol allows + times feed() overfilled the buffer
    pings: int = 0

    def snapshot(self) -> ParserStats:
        return ParserStats(**{f.name: getattr(self, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---- the interface ------------------------------------------------------------------------


class Parser(Protocol):
    """A receiver protocol: bytes in, events out."""

    name: ClassVar[str]
    baudrate: ClassVar[int]
    init_bytes: ClassVar[bytes]  # what the host writes once the port is open (b"" for none)
    stats: ParserStats

    @property
    def closed(self) -> bool: ...

    def feed(self, data: bytes) -> None:
        """Buffer bytes read from the port; `b""` means the port closed.

        A pyserial read that timed out also returns b"": do not feed that one.
        """

    def next_event(self) -> ParserEvent | Signal:
        """Parse and return the next event, or NEED_DATA / CLOSED."""

    def events(self) -> Iterator[ParserEvent]:
        """Every event the buffered bytes make, until more data is needed."""

    def data_to_send(self) -> bytes:
        """Bytes the receiver asked for (e.g. it reset and waits for its start command)."""


def normalize_clicker(text: str) -> str:
    """A handset id as 8 upper-case hex digits, zero-padded: 'abc' and '00000ABC' are one handset.

    Padding (rather than stripping zeros) matches how iClicker-style ids are printed on the
    handsets, so a teacher can type what the sticker says. Raises ValueError for non-hex
    text or more than 8 digits.
    """
    text = text.strip()
    if not 1 <= len(text) <= CLICKER_ID_DIGITS or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise ValueError(f"a clicker id is 1-{CLICKER_ID_DIGITS} hex digits, not {text!r}")
    return text.upper().rjust(CLICKER_ID_DIGITS, "0")


# ---- shared buffering -----------------------------------------------------------------------


class BufferedParser:
    """Buffering, closing and the buffer bound; a subclass parses in `_parse()`.

    `_parse()` looks at `self._buf` from `self._pos`, moves `self._pos` past what it used and
    returns an event or a Signal. Consumed bytes are cut off on the next feed(), so a parser
    does not copy the buffer once per frame.
    """

    name: ClassVar[str] = ""
    baudrate: ClassVar[int] = 115200
    init_bytes: ClassVar[bytes] = b""

    def __init__(self, max_buffer: int = DEFAULT_MAX_BUFFER) -> None:
        self.max_buffer = max(256, max_buffer)
        self.stats = ParserStats()
        self._buf = bytearray()
        self._pos = 0
        self._closed = False
        self._outgoing = bytearray()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def buffered(self) -> int:
        """Bytes waiting to be parsed (never more than max_buffer after a feed)."""
        return len(self._buf) - self._pos

    def feed(self, data: bytes) -> None:
        if not data:
            self._closed = True
            return
        if self._closed:
            self.stats.junk_bytes += len(data)  # a closed port cannot send; a caller mixed ports up
            return
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data
        excess = len(self._buf) - self.max_buffer
        if excess > 0:
            # Nobody drained us for a long time: keep the newest bytes, the presses that matter now.
            del self._buf[:excess]
            self.stats.junk_bytes += excess
            self.stats.overflows += 1

    def next_event(self) -> ParserEvent | Signal:
        event = self._parse()
        if event is NEED_DATA and self._closed:
            left = len(self._buf) - self._pos
            if left:
                self.stats.junk_bytes += left  # a truncated last frame
            self._buf.clear()
            self._pos = 0
            return CLOSED
        return event

    def events(self) -> Iterator[ParserEvent]:
        while True:
            event = self.next_event()
            if isinstance(event, Signal):
                return
            yield event

    def data_to_send(self) -> bytes:
        data = bytes(self._outgoing)
        self._outgoing.clear()
        return data

    def _parse(self) -> ParserEvent | Signal:  # pragma: no cover - every parser overrides it
        raise NotImplementedError
