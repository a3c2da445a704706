"""PowerMonitor: readings reach the engine's queue from a thread of their own, whatever the source does."""

import queue
import time

from cinema.core.clock import FakeClock
from cinema.core.events import PowerReading
from cinema.devices.power.monitor import PowerMonitor
from cinema.devices.power.simulated import SimulatedBattery, SimulatedSource


def test_the_first_reading_comes_at_once_then_every_few_seconds():
    clock = FakeClock()
    events = queue.Queue()
    source = SimulatedSource(SimulatedBattery(clock, 60))
    monitor = PowerMonitor(source, events.put, every=0.02).start()
    try:
        assert events.get(timeout=1) == PowerReading(60.0, 60 / 35 * 60, False)
        source.battery.plug()
        deadline = time.monotonic() + 2
        while events.get(timeout=1).charging is not True:
            assert time.monotonic() < deadline
    finally:
        monitor.stop()
    assert monitor.latest.charging is True and monitor.readings >= 2


class Flaky:
    name = "flaky"

    def __init__(self):
        self.calls = 0
        self.closed = False

    def read(self):
        self.calls += 1
        if self.calls % 2:
            raise RuntimeError("a source with a bug")
        return SimulatedBattery(FakeClock(), 40).state()

    def close(self):
        self.closed = True


def test_a_source_that_raises_does_not_stop_the_monitor_and_stop_closes_it():
    events = queue.Queue()
    source = Flaky()
    monitor = PowerMonitor(source, events.put, every=0.01).start()
    try:
        assert events.get(timeout=1).percent == 40
        assert events.get(timeout=1).percent == 40
    finally:
        started = time.monotonic()
        monitor.stop()
    assert time.monotonic() - started < 1 and source.closed and source.calls >= 4
