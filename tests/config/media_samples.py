"""Small stand-in media files that pass `cinema check`: the right first bytes, a real tiny picture."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png(width: int = 4, height: int = 3, *, pixels: bool = True) -> bytes:
    """A PNG of grey pixels; without `pixels` only the header (what a huge picture starts with)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data = zlib.compress((b"\0" + b"\x80" * 3 * width) * height) if pixels else zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", data) + chunk(b"IEND", b"")


SAMPLES = {
    ".png": png(),
    ".mp4": b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + b"\0" * 64,
    ".ogg": b"OggS\0\x02" + b"\0" * 64,
    ".mp3": b"ID3\x04\0\0\0\0\0\0" + b"\0" * 64,
    ".srt": "1\n00:00:00,000 --> 00:00:01,000\nHello\n".encode(),
}


def write_sample(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SAMPLES.get(path.suffix.lower(), b"stand-in"))
    return path
