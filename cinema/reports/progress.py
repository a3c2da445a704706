"""A progress bar on a terminal for long merges; silent when the output is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Call with (done, total); redraws at most a few times a second, on one line."""

    def __init__(self, label: str, out: TextIO | None = None, width: int = 30, every: float = 0.2,
                 force: bool = False) -> None:
        self.out = out if out is not None else sys.stderr
        self.label = label
        self.width = width
        self.every = every
        self.enabled = force or self.out.isatty()
        self._last = float("-inf")  # the first call always draws
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < self.every:
            return
        self._last = now
        part = done / total if total else 1.0
        filled = int(part * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r{self.label} [{bar}] {part:4.0%}  {done:,} / {total:,}")
        self.out.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.out.write("\n")
            self.out.flush()
            self._shown = False
