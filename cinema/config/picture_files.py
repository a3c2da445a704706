"""Whether a picture file can be shown: an ordinary file, a known format, a size read from its header.

Pillow reads only the header when it opens a file (the pixels are decoded on `load()`), so a
20000x20000 picture is refused from its first bytes instead of taking gigabytes to draw.
The reasons are plain English: they go to the journal and the log; `cinema check` words its own.
"""

from __future__ import annotations

import os
import stat
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

# A projector shows at most 4K; a phone photo is 12-50 megapixels. 40 megapixels as 32-bit
# pixels is 160 MB, about what a kiosk laptop can spare for one slide while it is scaled.
MAX_PIXELS = 40_000_000
MAX_SIDE = 16_384  # SDL refuses wider surfaces on some drivers

# What the display (SDL_image) draws, as Pillow names the formats.
SHOWN_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "BMP", "WEBP", "TGA")


class PictureRefused(Exception):
    """The picture cannot or must not be shown; `reason` says why in a few words."""

    def __init__(self, reason: str, kind: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "missing" | "special" | "format" | "too_big" | "damaged"
        self.size = size  # width, height when the header said


@dataclass(frozen=True)
class PictureHeader:
    format: str
    width: int
    height: int


def special_file_kind(path: str | os.PathLike) -> str | None:
    """None for an ordinary file; else "missing", "folder" or "special" (a FIFO, a device, a socket),
    which must never be opened: reading a FIFO blocks until someone writes to it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    return "folder" if stat.S_ISDIR(mode) else "special"


def read_header(path: str | os.PathLike, *, structure: bool = False) -> PictureHeader:
    """The picture's format and size from its header; raises PictureRefused without decoding pixels.

    With `structure`, Pillow's `verify()` also reads the file through without decoding it: for a
    PNG every chunk and checksum, so a copy cut short is found (other formats: the header only).
    """
    name = Path(path).name
    kind = special_file_kind(path)
    if kind == "missing":
        raise PictureRefused(f"file not found: {name}", "missing")
    if kind is not None:
        raise PictureRefused(f"not a file: {name}", "special")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                header = PictureHeader(image.format or "", *image.size)
                if structure and header.width * header.height <= MAX_PIXELS:
                    try:
                        image.verify()
                    except (OSError, ValueError, SyntaxError, struct.error) as exc:
                        raise PictureRefused(f"picture damaged or cut short: {name}", "damaged") from exc
    except Image.DecompressionBombError as exc:  # Pillow's own bound, far above ours
        raise PictureRefused(f"picture too big to show: {name}", "too_big") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow raises SyntaxError for some broken headers
        raise PictureRefused(f"not a picture the kiosk can show: {name}", "format") from exc
    if header.format not in SHOWN_FORMATS:
        raise PictureRefused(f"not a picture the kiosk can show ({header.format}): {name}", "format")
    if header.width * header.height > MAX_PIXELS or max(header.width, header.height) > MAX_SIDE:
        raise PictureRefused(f"picture too big to show ({header.width}x{header.height}): {name}", "too_big",
                             (header.width, header.height))
    return header


def verify_pixels(path: str | os.PathLike) -> PictureHeader:
    """read_header, then decode the pixels once (within the size bound) to find a file cut short."""
    header = read_header(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PictureRefused(f"picture damaged or cut short: {Path(path).name}", "damaged") from exc
    return header
