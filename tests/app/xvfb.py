"""A private virtual X server for tests that need a real window (and `ffmpeg -f x11grab`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from cinema.display.virtual_x import XvfbError, virtual_display


@contextmanager
def xvfb_display(size: str = "1920x1080x24") -> Iterator[dict]:
    """Start Xvfb on a free display; yields an environment for a process that should draw into it
    (software rendering: GL under Xvfb is slow). Skips the test when Xvfb is missing."""
    try:
        with virtual_display(size) as display:
            yield {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11",
                   "SDL_FRAMEBUFFER_ACCELERATION": "0", "SDL_AUDIODRIVER": "dummy"}
    except XvfbError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def xvfb():
    with xvfb_display() as env:
        yield env


def grab(env: dict, size: tuple[int, int], out: Path, frames: int = 1, rate: float = 4.0) -> list[Path]:
    """What the X screen shows, from the X server itself (`ffmpeg -f x11grab`): `frames` pictures
    `1/rate` seconds apart, top-left `size` pixels."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("needs ffmpeg")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-draw_mouse", "0",
                    "-framerate", str(rate), "-video_size", f"{size[0]}x{size[1]}", "-i", env["DISPLAY"] + "+0,0",
                    "-frames:v", str(frames), str(out / "grab-%02d.png")], check=True, env=env, timeout=60)
    return sorted(out.glob("grab-*.png"))
