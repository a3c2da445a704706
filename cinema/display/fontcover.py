"""Which characters a TrueType/OpenType font really has: read from its `cmap` table.

SDL_ttf 2.20+ answers `Font.metrics()` with the metrics of the missing-glyph box for a
character the font lacks (it returns None only on older SDL_ttf), so the font fallback
cannot rely on it alone; the font file's own character map is the truth.
"""

from __future__ import annotations

import struct
from pathlib import Path


def read_cmap(path: str | Path) -> frozenset[int]:
    """Every code point the font maps to a real glyph; empty if the file can't be read."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return frozenset()
    try:
        return frozenset(_codepoints(data))
    except (struct.error, IndexError, ValueError):
        return frozenset()


def _table(data: bytes, tag: bytes) -> int | None:
    if data[:4] == b"ttcf":  # a collection: read its first font
        (offset,) = struct.unpack_from(">I", data, 12)
    else:
        offset = 0
    (num_tables,) = struct.unpack_from(">H", data, offset + 4)
    for i in range(num_tables):
        rec = offset + 12 + 16 * i
        if data[rec:rec + 4] == tag:
            return struct.unpack_from(">I", data, rec + 8)[0]
    return None


def _codepoints(data: bytes) -> set[int]:
    cmap = _table(data, b"cmap")
    if cmap is None:
        return set()
    (_, count) = struct.unpack_from(">HH", data, cmap)
    best: tuple[int, int] | None = None  # (format, offset); prefer the full-range format 12
    for i in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) not in {(3, 1), (3, 10), (0, 3), (0, 4), (0, 6), (3, 0)}:
            continue
        (fmt,) = struct.unpack_from(">H", data, cmap + sub)
        if fmt in (4, 12) and (best is None or fmt > best[0]):
            best = (fmt, cmap + sub)
    if best is None:
        return set()
    return _format12(data, best[1]) if best[0] == 12 else _format4(data, best[1])


def _format4(data: bytes, at: int) -> set[int]:
    (seg_x2,) = struct.unpack_from(">H", data, at + 6)
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 2 * seg_x2)
    range_at = at + 16 + 3 * seg_x2
    ranges = struct.unpack_from(f">{segs}H", data, range_at)
    out: set[int] = set()
    for i in range(segs):
        for cp in range(starts[i], ends[i] + 1):
            if cp == 0xFFFF:
                continue
            if ranges[i] == 0:
                glyph = (cp + deltas[i]) & 0xFFFF
            else:
                where = range_at + 2 * i + ranges[i] + 2 * (cp - starts[i])
                (glyph,) = struct.unpack_from(">H", data, where)
                if glyph:
                    glyph = (glyph + deltas[i]) & 0xFFFF
            if glyph:
                out.add(cp)
    return out


def _format12(data: bytes, at: int) -> set[int]:
    (groups,) = struct.unpack_from(">I", data, at + 12)
    out: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        out.update(range(start, end + 1) if glyph else range(start + 1, end + 1))
    return out
