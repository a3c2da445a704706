"""LCP/1, the open clicker receiver protocol (DESIGN.md "LCP/1"): parser and encoders.

    $LCP,<clicker>,<key>,<counter>*<CS>\\r\\n     a press
    $LCR,<firmware>,<channel>*<CS>\\r\\n          the receiver's hello

`CS` is two hex digits, the XOR of every byte between `$` and `*`. Choices the design left open:
- clicker ids are normalised to 8 upper-case hex digits ("1a" -> "0000001A"), see
  `normalize_clicker`; the hex digits may arrive in either case, keys must be upper case;
- a line may end in `\\r\\n` or a bare `\\n`; a `$` inside a line starts the frame over;
- a retransmission is a frame with the same clicker, counter *and key* as that handset's last
  frame; the same counter with another key means the handset restarted its counter (new
  batteries), so it is a new press. Counter 65535 followed by 0 is simply a new counter (wrap).
  Memory is one entry per handset, at most `max_handsets` (least recently heard forgotten first).
"""

from __future__ import annotations

import re
from functools import reduce
from operator import xor
from typing import ClassVar

from cinema.devices.clickers.protocol import (
    CLICKER_ID_DIGITS, DEFAULT_MAX_BUFFER, NEED_DATA, BufferedParser, ParserEvent, Press, ReceiverInfo, Signal,
)

KEYS = ("A", "B", "C", "D", "E", "F", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "OK", "UP", "DOWN", "BACK")
TEACHER_KEYS = ("OK", "UP", "DOWN", "BACK")
MAX_COUNTER = 65535
MAX_LINE = 96  # bytes from `$` to `\n` inclusive; the longest press frame is 29
MAX_HANDSETS = 4096

_KEY_ALT = b"|".join(re.escape(k.encode()) for k in sorted(KEYS, key=len, reverse=True))
_PRESS = re.compile(rb"LCP,([0-9A-Fa-f]{1,8}),(" + _KEY_ALT + rb"),([0-9]{1,5})\*([0-9A-Fa-f]{2})\r?")
_TEXT = rb"[^,*$\x00-\x1f\x7f-\xff]"
_HELLO = re.compile(rb"LCR,(" + _TEXT + rb"{1,32}),(" + _TEXT + rb"{1,16})\*([0-9A-Fa-f]{2})\r?")


def checksum(body: bytes) -> int:
    """XOR of the bytes between `$` and `*`."""
    return reduce(xor, body, 0)


def _frame(body: str) -> bytes:
    raw = body.encode("ascii")
    return b"$" + raw + b"*%02X\r\n" % checksum(raw)


def encode_press(clicker: str, key: str, counter: int) -> bytes:
    """One press frame, as a handset's receiver sends it (simulators and tests)."""
    if not 1 <= len(clicker) <= CLICKER_ID_DIGITS or any(c not in "0123456789abcdefABCDEF" for c in clicker):
        raise ValueError(f"clicker id must be 1-{CLICKER_ID_DIGITS} hex digits: {clicker!r}")
    if key not in KEYS:
        raise ValueError(f"key must be one of {', '.join(KEYS)}: {key!r}")
    if not 0 <= counter <= MAX_COUNTER:
        raise ValueError(f"counter must be 0-{MAX_COUNTER}: {counter}")
    return _frame(f"LCP,{clicker.upper()},{key},{counter}")


def encode_hello(firmware: str, channel: str | int) -> bytes:
    """The receiver's `$LCR` hello."""
    frame = _frame(f"LCR,{firmware},{channel}")
    if not _HELLO.fullmatch(frame[1:-2]):
        raise ValueError(f"firmware (1-32) and channel (1-16) must be printable ASCII without ',*$': "
                         f"{firmware!r}, {channel!r}")
    return frame


class LcpParser(BufferedParser):
    """Bytes from an LCP/1 receiver in, `Press` and `ReceiverInfo` out."""

    name: ClassVar[str] = "lcp"
    baudrate: ClassVar[int] = 115200
    init_bytes: ClassVar[bytes] = b""  # an LCP receiver talks as soon as it is opened

    def __init__(self, max_buffer: int = DEFAULT_MAX_BUFFER, max_handsets: int = MAX_HANDSETS) -> None:
        super().__init__(max_buffer)
        self.max_handsets = max(1, max_handsets)
        self._last: dict[str, tuple[int, str]] = {}  # clicker -> (counter, key) of its last frame

    def _parse(self) -> ParserEvent | Signal:
        buf = self._buf
        stats = self.stats
        while True:
            pos = self._pos
            start = buf.find(b"$", pos)
            if start < 0:
                stats.junk_bytes += len(buf) - pos
                self._pos = len(buf)
                return NEED_DATA
            stats.junk_bytes += start - pos
            end = buf.find(b"\n", start, start + MAX_LINE)
            if end < 0:
                if len(buf) - start < MAX_LINE:
                    self._pos = start
                    return NEED_DATA  # the rest of the frame is still on the wire
                # Every `$` before `stop` has no line end within MAX_LINE either: skip them in one go
                # (one at a time, a run of `$` was read at ~1 MB/s; fuzzing found it).
                line_end = buf.find(b"\n", start)
                stop = (line_end if line_end >= 0 else len(buf)) - MAX_LINE + 1
                restart = buf.find(b"$", stop)
                restart = len(buf) if restart < 0 else restart
                stats.overflows += buf.count(b"$", start, restart)
                stats.junk_bytes += restart - start
                self._pos = restart
                continue
            inner = buf.rfind(b"$", start + 1, end)
            if inner >= 0:  # a frame cut short by the start of another one
                stats.junk_bytes += inner - start
                self._pos = inner
                continue
            self._pos = end + 1
            event = self._frame(bytes(buf[start + 1:end]))
            if event is None:
                stats.junk_bytes += end + 1 - start
            elif event is not _REPEAT:
                return event

    def _frame(self, line: bytes) -> ParserEvent | object | None:
        """The event a line (without `$` and `\\n`) makes, _REPEAT for a retransmission, None if bad."""
        m = _PRESS.fullmatch(line)
        if m is not None:
            clicker, key, counter, cs = m.groups()
            if checksum(line[: m.start(4) - 1]) != int(cs, 16):
                self.stats.bad_checksums += 1
                return None
            count = int(counter)
            if count > MAX_COUNTER:
                return None
            self.stats.frames += 1
            return self._press(clicker.decode().upper().rjust(CLICKER_ID_DIGITS, "0"), key.decode(), count)
        m = _HELLO.fullmatch(line)
        if m is not None:
            firmware, channel, cs = m.groups()
            if checksum(line[: m.start(3) - 1]) != int(cs, 16):
                self.stats.bad_checksums += 1
                return None
            self.stats.frames += 1
            return ReceiverInfo(firmware.decode(), channel.decode())
        return None

    def _press(self, clicker: str, key: str, counter: int) -> Press | object:
        last = self._last
        seen = last.pop(clicker, None)
        last[clicker] = (counter, key)  # re-inserted: the dict's order is least recently heard first
        if seen == (counter, key):
            self.stats.retransmissions += 1
            return _REPEAT
        if len(last) > self.max_handsets:
            del last[next(iter(last))]
        return Press(clicker, key, counter)


_REPEAT = object()  # _frame's answer for a retransmission: valid, counted, not handed out
