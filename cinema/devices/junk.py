"""Tells the engine how much junk a serial device's parser threw away: a `DeviceJunk` every few seconds at most."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from cinema.core.events import DeviceJunk
from cinema.devices.serial_link import LinkParser, MonotonicClock

REPORT_EVERY = 5.0  # seconds: a flood of junk becomes one small event this often, not one per line

E = TypeVar("E")


class ReportsJunk(Generic[E]):
    """A link parser that hands on its parser's events, then (when due) what it threw away since the
    last report: `DeviceJunk(name, junk, accepted)`. `counts()` gives the parser's running totals
    (junk, accepted). A device that sends only good data never sends one."""

    def __init__(self, parser: LinkParser[E], name: str, counts: Callable[[], tuple[int, int]],
                 clock: MonotonicClock, every: float = REPORT_EVERY) -> None:
        self.parser = parser
        self.name = name
        self.counts = counts
        self.clock = clock
        self.every = every
        self._reported = (0, 0)
        self._next = float("-inf")

    @property
    def baudrate(self) -> int:
        return self.parser.baudrate

    @property
    def init_bytes(self) -> bytes:
        return self.parser.init_bytes

    def feed(self, data: bytes) -> None:
        self.parser.feed(data)

    def data_to_send(self) -> bytes:
        return self.parser.data_to_send()

    def events(self) -> Iterator[E | DeviceJunk]:
        yield from self.parser.events()
        report = self.report()
        if report is not None:
            yield report

    def report(self) -> DeviceJunk | None:
        """What was thrown away since the last report, when there was some and a report is due."""
        now = self.clock.monotonic()
        if now < self._next:
            return None
        junk, accepted = self.counts()
        if junk <= self._reported[0]:
            return None
        event = DeviceJunk(self.name, junk - self._reported[0], max(0, accepted - self._reported[1]))
        self._reported, self._next = (junk, accepted), now + self.every
        return event
