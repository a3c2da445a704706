"""Real clocks for the kiosk (the core only sees the Clock protocol)."""

from __future__ import annotations

import time


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


class SpeedClock:
    """Session time running `factor` times faster than real time (demos, tests)."""

    def __init__(self, factor: float = 1.0) -> None:
        self.factor = factor
        self._t0 = time.monotonic()
        self._w0 = time.time()

    def monotonic(self) -> float:
        return self._t0 + (time.monotonic() - self._t0) * self.factor

    def wall(self) -> float:
        return self._w0 + (time.monotonic() - self._t0) * self.factor
