"""Is this file a video or sound container at all? Its first bytes, and ffprobe where installed.

VLC plays almost anything, so this only tells a media file from something else (a text file,
a document, a picture) named .mp4: the containers the kiosk is used with are known by their
first bytes; for anything else ffprobe (part of ffmpeg, present on preparing laptops) decides.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

HEADER_BYTES = 512
FFPROBE_SECONDS = 10.0


def _mp4(head: bytes) -> bool:  # MP4, MOV, M4A, 3GP: a box size, then its type
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def _riff(kinds: tuple[bytes, ...]):
    return lambda head: head[:4] == b"RIFF" and head[8:12] in kinds


def _mpeg_ts(head: bytes) -> bool:  # transport stream: a sync byte "G" every 188 bytes
    return len(head) > 376 and head[0] == head[188] == head[376] == 0x47


def _mpeg_audio(head: bytes) -> bool:  # MP3 with an ID3 tag, or a bare MPEG/AAC frame
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


# (what it is, is it video, is it audio, test on the first bytes)
_CONTAINERS = (
    ("MP4/MOV", True, True, _mp4),
    ("Matroska/WebM", True, True, lambda h: h[:4] == b"\x1a\x45\xdf\xa3"),
    ("AVI", True, False, _riff((b"AVI ",))),
    ("WAV", False, True, _riff((b"WAVE",))),
    ("Ogg", True, True, lambda h: h[:4] == b"OggS"),
    ("ASF/WMV", True, True, lambda h: h[:4] == b"\x30\x26\xb2\x75"),
    ("FLV", True, True, lambda h: h[:3] == b"FLV"),
    ("MPEG program stream", True, True, lambda h: h[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")),
    ("MPEG transport stream", True, True, _mpeg_ts),
    ("MP3/AAC", False, True, _mpeg_audio),
    ("FLAC", False, True, lambda h: h[:4] == b"fLaC"),
    ("AIFF", False, True, lambda h: h[:4] == b"FORM" and h[8:12] in (b"AIFF", b"AIFC")),
    ("AMR", False, True, lambda h: h[:5] == b"#!AMR"),
)


def looks_like(head: bytes, kind: str) -> str | None:
    """The container `head` (the file's first bytes) starts, when it can hold `kind` ("video" or
    "audio"); None when the bytes are not one the kiosk knows."""
    for name, video, audio, test in _CONTAINERS:
        if (video if kind == "video" else audio) and test(head):
            return name
    return None


def probe_kind(path: Path, kind: str) -> bool | None:
    """Ask ffprobe whether the file has a `kind` stream: True/False, or None without ffprobe."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    try:
        out = subprocess.run(
            [ffprobe, "-v", "quiet", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True, timeout=FFPROBE_SECONDS, check=False, stdin=subprocess.DEVNULL)
        info = json.loads(out.stdout or b"{}")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return False
    # ffmpeg reads any text as "tty" (ANSI art) and any picture as a one-frame video: neither is a lesson video.
    if info.get("format", {}).get("format_name") in ("tty", "image2", "png_pipe", "jpeg_pipe"):
        return False
    wanted = {"video": ("video",), "audio": ("audio",)}[kind]
    return any(s.get("codec_type") in wanted and s.get("codec_name") not in ("ansi", "png", "mjpeg")
               for s in info.get("streams", []))


def media_type_problem(path: Path, kind: str) -> str | None:
    """None when `path` (an ordinary, readable file) is a `kind` file; else a short reason key:
    "text" (it is text), "unknown" (not a container the kiosk knows, and no ffprobe to ask),
    or "not_media" (ffprobe found no stream of that kind)."""
    with path.open("rb") as f:
        head = f.read(HEADER_BYTES)
    if looks_like(head, kind):
        return None
    verdict = probe_kind(path, kind)
    if verdict:
        return None
    if _is_text(head):
        return "text"
    return "unknown" if verdict is None else "not_media"


def _is_text(head: bytes) -> bool:
    if not head or b"\0" in head:
        return False
    text = head.decode("utf-8", "ignore")  # the last character may be cut in two
    return bool(text) and all(ch.isprintable() or ch in "\r\n\t" for ch in text)
