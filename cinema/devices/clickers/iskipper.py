"""iClicker handsets through the open iSkipper receiver (Arduino + RFM69 radio, 115200 baud).

What the receiver says, from its published sketches (read through the code search, not run):
- charlescao460/iSkipper-Software `iSkipper_Arduino_Sketch/iSkipper_Arduino_Sketch.ino` and
  `..._New.ino`: `setup()` prints "Initialization Complete. Waiting for COM command..." every
  3 s until it reads the byte 'I' (OP_COMFIRM_CONNECTION = 0x49 in `SerialSymbols.h`), then
  prints "Connection Established! iSkipper ID:", an ACK byte (0x06) line and the receiver's own
  8-hex-digit id. After that `loop()` reads commands terminated by '\\0' (`readBytesUntil`);
  'C' (OP_CAPTURE = 0x43) prints "Start capture" (the newer sketch also an ACK line) and then
  one line per radio packet, formatted "Captured,%c,%02X%02X%02X%02X\\n"; 's' stops. With no
  command it prints "No Running Progress, waiting for commands..." every 3 s. Other lines end
  in "\\r\\n" (Arduino println), capture lines in a bare "\\n".
- wizard97/iSkipper `emulator/iSkipper/iClickerEmulator.cpp`: `answerChar()` gives 'A'-'E',
  'P' for a ping (ANSWER_PING) and 'X' for an unknown answer; a decoded id always satisfies
  `id[3] == id[0] ^ id[1] ^ id[2]` (`decodeId`, `validId`), so an id that does not is a
  corrupted line and is counted as a bad checksum.
- charlescao460 `Software/Java/.../emulator/Emulator.java`: the desktop program starts with
  'I', then sends 'C' and reads the "Captured,<answer>,<id>" lines (`CaptureHandler.java`).

So the host writes INIT_BYTES = b"I\\0C\\0": 'I' ends the setup wait, the '\\0's terminate the
commands so 'C' is read on its own whether or not the board was still in `setup()`. A board
that resets when the port opens (Arduino Nano: DTR) loses bytes sent during its boot loader,
so the parser also asks for them again (`data_to_send()`) whenever the receiver prints one
of its waiting prompts. iClicker handsets carry no press counter: `Press.counter` is None and
nothing is deduplicated (a repeated answer is harmless: the last answer wins).
"""

from __future__ import annotations

import re
from typing import ClassVar

from cinema.devices.clickers.protocol import (
    DEFAULT_MAX_BUFFER, NEED_DATA, BufferedParser, ParserEvent, Ping, Press, ReceiverInfo, Signal,
)

INIT_BYTES = b"I\0C\0"  # confirm connection, then start capture
CAPTURE_BYTES = b"C\0"
STOP_BYTES = b"s"
ANSWERS = ("A", "B", "C", "D", "E")
MAX_LINE = 128  # the longest line the sketches print is ~60 bytes
_KEEP_ON_OVERFLOW = 32  # an overlong line keeps its tail: a capture line may still end it
_CAPTURED = b"Captured,"
_CAPTURE_TAIL = re.compile(rb"([A-EP]),([0-9A-Fa-f]{8})")
_HEX8 = re.compile(rb"[0-9A-Fa-f]{8}")
_CHANNEL = re.compile(rb"Successfully change channel to: ([A-D]{2})")
_WAITING_FOR_CONNECT = b"Waiting for COM command..."
_WAITING_FOR_COMMAND = b"waiting for commands..."
_CONNECTED = b"Connection Established! iSkipper ID:"
_STATUS = (b"Start capture", b"End Capture", b"")  # known lines that carry nothing for us
_CONTROL = b"\x00\x05\x06\r\n \t"  # ACK/ENQ bytes printed on their own line


def valid_id(hex_id: str) -> bool:
    """True for an iClicker id whose 4th byte is the XOR of the first three."""
    b = bytes.fromhex(hex_id)
    return len(b) == 4 and b[0] ^ b[1] ^ b[2] == b[3]


def make_id(n: int) -> str:
    """A valid iClicker id from a 24-bit number (simulators, tests)."""
    b0, b1, b2 = (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF
    return f"{b0:02X}{b1:02X}{b2:02X}{b0 ^ b1 ^ b2:02X}"


def encode_capture(clicker: str, answer: str) -> bytes:
    """One capture line as the receiver prints it; answer 'P' is a ping."""
    if answer not in ANSWERS and answer != "P":
        raise ValueError(f"an iClicker answer is A-E or P (ping): {answer!r}")
    if not _HEX8.fullmatch(clicker.encode("ascii", "replace")):
        raise ValueError(f"an iClicker id is 8 hex digits: {clicker!r}")
    return b"Captured,%s,%s\n" % (answer.encode(), clicker.upper().encode())


def encode_startup(receiver_id: str = "CDCDCDCD", new_sketch: bool = True) -> bytes:
    """What the receiver prints from power-on to capturing, once it got INIT_BYTES."""
    ack = b"\x06\r\n" if new_sketch else b""
    return (b"Initialization Complete. " + _WAITING_FOR_CONNECT + b"\r\n"
            + _CONNECTED + b"\r\n\x06\r\n" + receiver_id.encode() + b"\r\n"
            + b"Start capture\r\n" + ack)


class ISkipperParser(BufferedParser):
    """Lines from an iSkipper receiver in, `Press`, `Ping` and `ReceiverInfo` out."""

    name: ClassVar[str] = "iskipper"
    baudrate: ClassVar[int] = 115200
    init_bytes: ClassVar[bytes] = INIT_BYTES

    def __init__(self, max_buffer: int = DEFAULT_MAX_BUFFER) -> None:
        super().__init__(max_buffer)
        self.receiver_id: str | None = None
        self.channel = "AA"  # the sketches start on channel AA
        self._expect_id = False
        self._overlong = False

    def _parse(self) -> ParserEvent | Signal:
        buf = self._buf
        stats = self.stats
        while True:
            start = self._pos
            end = buf.find(b"\n", start, start + MAX_LINE)
            if end < 0:
                if len(buf) - start < MAX_LINE:
                    return NEED_DATA
                if not self._overlong:
                    stats.overflows += 1
                    self._overlong = True
                cut = len(buf) - _KEEP_ON_OVERFLOW
                stats.junk_bytes += cut - start
                self._pos = cut
                return NEED_DATA
            self._pos = end + 1
            self._overlong = False
            event = self._line(bytes(buf[start:end]))
            if event is not None:
                return event

    def _line(self, line: bytes) -> ParserEvent | None:
        at = line.rfind(_CAPTURED)
        if at >= 0:
            return self._capture(line, at)
        text = line.strip(_CONTROL)
        if self._expect_id and _HEX8.fullmatch(text):
            self.receiver_id = text.decode().upper()
            self._expect_id = False
        elif text.endswith(_WAITING_FOR_CONNECT):
            self._outgoing += INIT_BYTES  # it restarted (or never heard us): say hello again
        elif text.endswith(_WAITING_FOR_COMMAND):
            self._outgoing += CAPTURE_BYTES
        elif text.endswith(_CONNECTED):
            self._expect_id = True
        elif (m := _CHANNEL.search(text)) is not None:
            self.channel = m.group(1).decode()
        elif text.endswith(b"Start capture"):
            firmware = f"iSkipper {self.receiver_id}" if self.receiver_id else "iSkipper"
            return ReceiverInfo(firmware, self.channel)
        elif text not in _STATUS:
            self.stats.junk_bytes += len(line) + 1
        return None

    def _capture(self, line: bytes, at: int) -> ParserEvent | None:
        stats = self.stats
        m = _CAPTURE_TAIL.fullmatch(line.rstrip(b"\r"), at + len(_CAPTURED))
        if m is None:
            stats.junk_bytes += len(line) + 1
            return None
        stats.junk_bytes += at  # noise before "Captured,"
        clicker = m.group(2).decode().upper()
        if not valid_id(clicker):
            stats.bad_checksums += 1
            stats.junk_bytes += len(line) + 1 - at
            return None
        stats.frames += 1
        answer = m.group(1).decode()
        if answer == "P":
            stats.pings += 1
            return Ping(clicker)
        return Press(clicker, answer, None)
