"""A private virtual X server (Xvfb), for real-window screenshots, tests and benchmarks on a machine
with no display."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator


class XvfbError(RuntimeError):
    pass


@contextmanager
def virtual_display(size: str = "1920x1080x24", timeout: float = 15.0) -> Iterator[str]:
    """Start Xvfb on a free display and yield its name (":N"); stopped on the way out.

    Xvfb picks the free display itself and writes its number on a pipe once it takes clients:
    no guessed numbers racing other X servers, no stale socket mistaken for a ready server.
    """
    if shutil.which("Xvfb") is None:
        raise XvfbError("Xvfb is not installed (Debian package xvfb)")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    try:
        number = _read_display(read_end, timeout)
        if number is None:
            raise XvfbError("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_display(fd: int, timeout: float) -> str | None:
    """The display number Xvfb writes on `fd` when ready; None if it exited or took too long."""
    text = b""
    deadline = time.monotonic() + timeout
    try:
        while not text.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 16)
            if not chunk:
                return None
            text += chunk
    finally:
        os.close(fd)
    return text.strip().decode()
