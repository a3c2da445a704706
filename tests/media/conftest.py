"""Tiny media clips made with ffmpeg for the player tests, and a way to wait on VLC."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from cinema.media.factory import vlc_available


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-nostdin", *args], check=True)


def _video(out: Path, seconds: float, size: str, colour: str | None = None, faststart: bool = False) -> None:
    source = f"color=c={colour}:s={size}:r=25:d={seconds}" if colour else f"testsrc2=s={size}:r=25:d={seconds}"
    flags = ["-movflags", "+faststart"] if faststart else []
    _ffmpeg("-f", "lavfi", "-i", source, "-f", "lavfi", "-i", f"sine=f=440:d={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-shortest", *flags, str(out))


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    """Short clips: good ones, and the broken kinds a USB stick brings."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (apt install ffmpeg)")
    d = tmp_path_factory.mktemp("clips")
    c = {name: d / name for name in (
        "one.mp4", "two.mp4", "wide.mp4", "red.mp4", "three_s.mp4", "tone.ogg",
        "no_index.mp4", "cut_short.mp4", "garbage.mp4", "empty.mp4", "subs.srt",
    )}
    _video(c["one.mp4"], 1, "160x120")
    _video(c["two.mp4"], 1, "160x120")
    _video(c["wide.mp4"], 1, "320x180")
    _video(c["red.mp4"], 1, "320x180", colour="red")
    _video(c["three_s.mp4"], 3, "160x120", faststart=True)
    _ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "libvorbis", str(c["tone.ogg"]))
    data = c["one.mp4"].read_bytes()
    c["no_index.mp4"].write_bytes(data[:3000])  # the index sits at the end: it is lost
    c["cut_short.mp4"].write_bytes(c["three_s.mp4"].read_bytes()[:15000])  # index kept, most frames lost
    c["garbage.mp4"].write_bytes(bytes((i * 7919) % 251 for i in range(20000)))
    c["empty.mp4"].write_bytes(b"")
    c["subs.srt"].write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n", encoding="utf-8")
    return c


@pytest.fixture(scope="session")
def need_vlc() -> None:
    reason = vlc_available()
    if reason is not None:
        pytest.skip(f"libvlc is not usable here: {reason}")


class Outcomes:
    """Collects on_finished/on_failed calls from the player's thread."""

    def __init__(self) -> None:
        self.finished: list[tuple[int, float]] = []
        self.failed: list[tuple[int, str, float]] = []
        self._changed = threading.Condition()

    def on_finished(self, token: int) -> None:
        with self._changed:
            self.finished.append((token, time.monotonic()))
            self._changed.notify_all()

    def on_failed(self, token: int, reason: str) -> None:
        with self._changed:
            self.failed.append((token, reason, time.monotonic()))
            self._changed.notify_all()

    def wait(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until `count` outcomes in all have come; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.finished) + len(self.failed) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
