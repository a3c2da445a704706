"""Clocks: the core asks a Clock for time and never reads the system clock itself."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward (session timing)."""

    def wall(self) -> float:
        """Seconds since the epoch as the laptop believes it (may be years off)."""


class FakeClock:
    """A clock tests move by hand; it only moves forward."""

    def __init__(self, start: float = 1000.0, wall_start: float = 1_700_000_000.0) -> None:
        self._mono = start
        self._wall_offset = wall_start - start

    def monotonic(self) -> float:
        return self._mono

    def wall(self) -> float:
        return self._mono + self._wall_offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("FakeClock only moves forward")
        self._mono += seconds
