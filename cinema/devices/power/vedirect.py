"""Victron VE.Direct text protocol (battery monitors, solar chargers): sans-IO parser and encoder.

A device sends a block about once a second, 19200 baud 8N1, as lines `\\r\\nLabel\\tValue`; the
block ends with `\\r\\nChecksum\\t<one byte>` chosen so that every byte of the block, from its
first `\\r` through that byte, adds up to 0 modulo 256. The byte may be anything, `:` and
`\\r` included. HEX-protocol frames (`:` + hex digits + `\\n`) may come between and inside
blocks; they are not part of the checksum and are skipped. Choices the protocol left open:
- a malformed line (no tab, a control byte, an overlong label or value) ends the block being
  read: its bytes count as junk and the next `\\r` starts afresh, so noise costs the block it
  hit and never the next one;
- a `:` that does not turn into a well-formed hex frame (3+ hex digits, then `\\n`) means a byte
  was garbled: the block is dropped;
- labels are compared as the device spells them (`V`, `SOC`, `TTG`), except `Checksum`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from enum import Enum
from typing import ClassVar

from cinema.devices.clickers.protocol import CLOSED, DEFAULT_MAX_BUFFER, NEED_DATA, BufferedParser, Signal
from cinema.devices.power.reading import BatteryReading

BAUDRATE = 19200
MAX_LABEL = 16  # the protocol's longest is 8 ("AC_OUT_V", "Checksum")
MAX_VALUE = 64  # the protocol's longest is 32
MAX_FIELDS = 64  # a BMV-700 sends 33 fields split over two blocks
MAX_HEX = 160  # hex digits in one HEX frame; the longest reply is far shorter
HEX_SUM = 0x55  # a HEX frame's bytes (command nibble, data, checksum) add up to this

_CR, _LF, _TAB, _COLON = 0x0D, 0x0A, 0x09, 0x3A
_HEX_DIGITS = frozenset(b"0123456789ABCDEFabcdef")
_CHECKSUM_LABEL = b"CHECKSUM"


@dataclass(frozen=True)
class TextBlock:
    """One block whose checksum was right: its fields in the order the device sent them."""

    fields: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.fields)


@dataclass
class VeDirectStats:
    """Counters the parser keeps. `junk_bytes` counts every text byte that did not end up in a
    good block (noise, a block with a bad checksum, a block cut short) and broken hex frames."""

    frames: int = 0  # good blocks
    junk_bytes: int = 0
    bad_checksums: int = 0
    hex_frames: int = 0  # well-formed HEX frames skipped
    overflows: int = 0  # blocks with too many fields + times feed() overfilled the buffer

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _State(Enum):
    IDLE = "idle"  # between blocks: waiting for the \r that starts one
    LINE_FEED = "line_feed"  # after \r: the \n must follow
    LABEL = "label"
    VALUE = "value"
    CHECKSUM = "checksum"  # the next byte, whatever it is, ends the block


class VeDirectParser(BufferedParser):
    """Bytes from a VE.Direct port in, `TextBlock`s out."""

    name: ClassVar[str] = "vedirect"
    baudrate: ClassVar[int] = BAUDRATE
    init_bytes: ClassVar[bytes] = b""  # the device talks on its own

    def __init__(self, max_buffer: int = DEFAULT_MAX_BUFFER) -> None:
        super().__init__(max_buffer)
        self.stats = VeDirectStats()  # type: ignore[assignment]  # same counters feed() uses, plus hex
        self._state = _State.IDLE
        self._sum = 0
        self._pending = 0  # text bytes in the block being read (junk if it fails)
        self._fields: list[tuple[str, str]] = []
        self._label = bytearray()
        self._value = bytearray()
        self._hex: bytearray | None = None  # digits of the HEX frame being skipped

    def next_event(self) -> TextBlock | Signal:  # type: ignore[override]
        event = super().next_event()
        if event is CLOSED and (self._pending or self._hex):
            self.stats.junk_bytes += self._pending + (len(self._hex) + 1 if self._hex is not None else 0)
            self._hex = None
            self._drop()
        return event

    def events(self) -> Iterator[TextBlock]:  # type: ignore[override]
        return super().events()  # type: ignore[return-value]

    def _parse(self) -> TextBlock | Signal:  # type: ignore[override]
        buf = self._buf
        while self._pos < len(buf):
            byte = buf[self._pos]
            self._pos += 1
            block = self._byte(byte)
            if block is not None:
                return block
        return NEED_DATA

    # -- one byte at a time: the protocol's own reference reader works the same way --

    def _byte(self, b: int) -> TextBlock | None:
        if self._hex is not None:
            if self._hex_byte(b):
                return None
            # a broken hex frame: the ':' was a garbled text byte, so this block cannot be trusted
            self._fail()
        if b == _COLON and self._state is not _State.CHECKSUM:
            self._hex = bytearray()
            return None
        state = self._state
        if state is _State.IDLE:
            if b == _CR:
                self._take(b)
                self._state = _State.LINE_FEED
            else:
                self.stats.junk_bytes += 1
        elif state is _State.LINE_FEED:
            if b == _LF:
                self._take(b)
                self._label.clear()
                self._state = _State.LABEL
            else:
                self._fail_and_retry(b)
        elif state is _State.LABEL:
            if b == _TAB and self._label:
                self._take(b)
                self._value.clear()
                self._state = _State.CHECKSUM if self._label.upper() == _CHECKSUM_LABEL else _State.VALUE
            elif 0x21 <= b <= 0x7E and len(self._label) < MAX_LABEL:
                self._take(b)
                self._label.append(b)
            else:
                self._fail_and_retry(b)
        elif state is _State.VALUE:
            if b == _CR:
                if len(self._fields) >= MAX_FIELDS:
                    self.stats.overflows += 1
                    self._fail_and_retry(b)
                    return None
                self._take(b)
                self._fields.append((self._label.decode("ascii"), self._value.decode("ascii")))
                self._state = _State.LINE_FEED
            elif 0x20 <= b <= 0x7E and len(self._value) < MAX_VALUE:
                self._take(b)
                self._value.append(b)
            else:
                self._fail_and_retry(b)
        else:  # CHECKSUM
            self._take(b)
            return self._finish()
        return None

    def _take(self, b: int) -> None:
        self._sum = (self._sum + b) & 0xFF
        self._pending += 1

    def _finish(self) -> TextBlock | None:
        good = self._sum == 0
        found = tuple(self._fields)
        if not good:
            self.stats.bad_checksums += 1
        if good and found:
            self.stats.frames += 1
            self._pending = 0
            self._drop()
            return TextBlock(found)
        self.stats.junk_bytes += self._pending  # a bad block, or a "block" with no fields at all
        self._drop()
        return None

    def _fail(self) -> None:
        self.stats.junk_bytes += self._pending
        self._drop()

    def _fail_and_retry(self, b: int) -> None:
        """The block is broken; `b` may still start the next one (a `\\r`)."""
        self._fail()
        self._byte(b)

    def _drop(self) -> None:
        self._state = _State.IDLE
        self._sum = 0
        self._pending = 0
        self._fields.clear()

    def _hex_byte(self, b: int) -> bool:
        """Take one byte of a HEX frame; False when the frame turns out broken."""
        digits = self._hex
        assert digits is not None
        if b in _HEX_DIGITS and len(digits) < MAX_HEX:
            digits.append(b)
            return True
        self._hex = None
        if b != _LF or len(digits) < 3 or len(digits) % 2 == 0:
            self.stats.junk_bytes += 1 + len(digits)
            if b == _LF:
                self.stats.junk_bytes += 1
                self._fail()
                return True  # the \n was the end of the broken frame, not the start of anything
            return False
        if _hex_sum(digits) == HEX_SUM:
            self.stats.hex_frames += 1
        else:
            self.stats.junk_bytes += 2 + len(digits)  # a garbled hex frame: the text around it is fine
        return True


def _hex_sum(digits: bytearray) -> int:
    total = int(chr(digits[0]), 16)  # the command is one nibble; data and checksum are bytes
    for i in range(1, len(digits), 2):
        total += int(digits[i:i + 2], 16)
    return total & 0xFF


# ---- encoding (simulators, tests) -------------------------------------------------------


def encode_block(fields: Mapping[str, object] | list[tuple[str, object]]) -> bytes:
    """One text block as a device sends it, checksum included."""
    items = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
    out = bytearray()
    for label, value in items:
        label_b, value_b = str(label).encode("ascii"), str(value).encode("ascii")
        if not label_b or len(label_b) > MAX_LABEL or any(not 0x21 <= c <= 0x7E or c == _COLON for c in label_b):
            raise ValueError(f"a VE.Direct label is 1-{MAX_LABEL} printable characters without ':': {label!r}")
        if label_b.upper() == _CHECKSUM_LABEL:
            raise ValueError("the Checksum field is added by encode_block")
        if len(value_b) > MAX_VALUE or any(not 0x20 <= c <= 0x7E or c == _COLON for c in value_b):
            raise ValueError(f"a VE.Direct value is up to {MAX_VALUE} printable characters without ':': {value!r}")
        out += b"\r\n" + label_b + b"\t" + value_b
    out += b"\r\nChecksum\t"
    out.append((-sum(out)) & 0xFF)
    return bytes(out)


def encode_hex(command: int, data: bytes = b"") -> bytes:
    """A HEX-protocol frame (`:154\\n` is a ping), to mix into test streams."""
    if not 0 <= command <= 0xF:
        raise ValueError(f"a HEX command is one nibble: {command}")
    check = (HEX_SUM - command - sum(data)) & 0xFF
    return b":%X%s%02X\n" % (command, data.hex().upper().encode(), check)


# ---- what the fields mean ----------------------------------------------------------------

# Labels that make a block worth a reading; a BMV's second block (history H1..H18) has none.
READING_LABELS = frozenset({"V", "I", "SOC", "TTG"})
# CS, the charger's state: bulk, absorption, float, equalize (manual and automatic)
_CHARGING_STATES = frozenset({3, 4, 5, 7, 247})
_LOW_ALARMS = 0b101  # AR bits: low voltage (1), low state of charge (4)


def _number(fields: Mapping[str, str], label: str) -> int | None:
    """An integer field; None when it is missing, '---' (a monitor not yet synchronised) or garbled."""
    text = fields.get(label)
    if text is None:
        return None
    try:
        return int(text.strip(), 0) if text.strip().lower().startswith("0x") else int(text.strip())
    except ValueError:
        return None


def reading_from_fields(fields: Mapping[str, str], source: str = "vedirect") -> BatteryReading | None:
    """A battery reading from a device's latest fields; None when none of V, I, SOC is there
    (an inverter's or charger's block with nothing about the battery).

    SOC is in tenths of a percent, V in mV, I in mA (positive: charging), TTG in minutes with
    -1 for "not discharging" (so unlimited). A solar charger has no SOC: percent is None.
    """
    soc, mv, ma, ttg = (_number(fields, k) for k in ("SOC", "V", "I", "TTG"))
    if soc is None and mv is None and ma is None:
        return None
    percent = soc / 10 if soc is not None and 0 <= soc <= 1000 else None
    minutes = float(ttg) if ttg is not None and ttg >= 0 else None
    state = _number(fields, "CS")
    if ma is not None:
        charging: bool | None = ma > 0
    elif state is not None:
        charging = state in _CHARGING_STATES
    else:
        charging = None
    alarms = _number(fields, "AR")
    return BatteryReading(percent=percent, minutes_left=minutes, charging=charging,
                          volts=mv / 1000 if mv is not None else None, amps=ma / 1000 if ma is not None else None,
                          low=bool(alarms & _LOW_ALARMS) if alarms is not None else None, source=source)
