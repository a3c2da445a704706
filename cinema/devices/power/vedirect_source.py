"""A Victron battery monitor or solar charger on a serial port: a serial link keeps its latest reading."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cinema.core.clock import Clock
from cinema.core.events import DeviceChanged
from cinema.devices import ports
from cinema.devices.power.reading import BatteryReading, Notify, Presence
from cinema.devices.power.vedirect import READING_LABELS, TextBlock, VeDirectParser, reading_from_fields
from cinema.devices.serial_link import RETRY_EVERY, MonotonicClock, SerialLink
from cinema.devices.usb_ids import is_victron_cable

__all__ = ["READ_TIMEOUT", "RETRY_EVERY", "STALE_AFTER", "VeDirectSource", "is_victron_cable"]

log = logging.getLogger("cinema.power")

STALE_AFTER = 10.0  # seconds without a good block before the device counts as gone (it sends one a second)
READ_TIMEOUT = 0.5  # how long one read waits; close() interrupts it where the port allows


class VeDirectSource:
    """Reads VE.Direct text blocks from `port` (a device path or any `open_port` URL) on a
    `SerialLink`; `read()` returns the latest reading, or None once it is older than
    `stale_after` seconds on `clock`. `on_reading` (if given) is called from the link's thread
    with every reading as it arrives (`cinema devices --listen`). The device counts as there
    (`on_change`) from its first reading, not from the port opening: a wrong port opens too.
    `link_clock` times the port's retries (real time unless a test steps the link by hand)."""

    def __init__(self, port: str, clock: Clock, on_change: Notify | None = None,
                 on_reading: Callable[[BatteryReading], None] | None = None, *, name: str | None = None,
                 stale_after: float = STALE_AFTER, retry_every: float = RETRY_EVERY,
                 read_timeout: float = READ_TIMEOUT,
                 opener: Callable[[str, int, float], ports.Port] = ports.open_port,
                 link_clock: MonotonicClock | None = None) -> None:
        self.port_url = port
        self.name = name or f"Victron {port}"
        self.clock = clock
        self.on_reading = on_reading
        self.stale_after = stale_after
        self.presence = Presence(self.name, on_change)
        self.parser = VeDirectParser()
        self._fields: dict[str, str] = {}  # the latest value of every label: a BMV splits them over two blocks
        self._latest: tuple[float, BatteryReading] | None = None
        self._started_at: float | None = None
        self._lock = threading.Lock()
        # Some USB serial drivers keep answering "nothing" after the cable is pulled: a port silent
        # for stale_after seconds is closed and opened afresh.
        self.link: SerialLink[TextBlock] = SerialLink(
            port, lambda _url: self.parser, self._block, name=self.name, on_change=self._link_changed,
            clock=link_clock, retry_every=retry_every, read_timeout=read_timeout, silence_limit=stale_after,
            opener=opener, logger=log, quiet=True, thread_name=f"vedirect {port}")

    @property
    def opens(self) -> int:
        """Times the port opened: 0 after a failure means it was never there."""
        return self.link.opens

    def start(self) -> VeDirectSource:
        if self._started_at is None:
            self._started_at = self.clock.monotonic()
            self.link.start()
        return self

    def read(self) -> BatteryReading | None:
        with self._lock:
            latest = self._latest
        at = latest[0] if latest is not None else self._started_at
        if at is None:
            return None
        age = self.clock.monotonic() - at
        if age > self.stale_after:
            if self.presence.present is not False:  # the link may already have said why (cannot open)
                # an open port that says nothing: a wrong port, a cable loose at the far end, a device off
                self.presence.down(f"no readings for over {self.stale_after:g} s")
            return None
        return latest[1] if latest is not None else None

    def close(self, timeout: float = 2.0) -> None:
        self.link.stop(timeout)

    def feed(self, data: bytes) -> None:
        """Bytes from the port (the link does this; tests may too)."""
        self.parser.feed(data)
        for block in self.parser.events():
            self._block(block)

    def _block(self, block: TextBlock) -> None:
        fields = block.as_dict()
        self._fields.update(fields)
        if not READING_LABELS.intersection(fields):
            return
        reading = reading_from_fields(self._fields, source="vedirect")
        if reading is None:
            return
        with self._lock:
            self._latest = (self.clock.monotonic(), reading)
        self.presence.up(self.port_url)
        if self.on_reading is not None:
            try:
                self.on_reading(reading)
            except Exception:  # a listener's bug must not read as a lost device
                log.exception("%s: the reading listener failed", self.name)

    def _link_changed(self, change: DeviceChanged) -> None:
        # Going away is news at once; coming back waits for the first reading (`_block`).
        if not change.connected:
            self.presence.down(change.detail)
