"""A real small file system (tmpfs) to fill up, for the full-disk tests. Needs root (CI and here)."""

from __future__ import annotations

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """`folder` with a tmpfs of `size` ("200k", "12m") mounted on it; skipped where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, name: str = "videos.bin") -> Path:
    """Take every free byte of `disk` (a teacher copying videos onto it); returns the file to delete."""
    path = disk / name
    block = b"\1" * 65536
    with open(path, "ab", buffering=0) as fh:
        size = len(block)
        while size:
            try:
                fh.write(block[:size])
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                size //= 2
    return path


def resize(disk: Path, size: str) -> None:
    """More room on the same disk (the teacher deleted old videos)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(disk)], check=True)
