"""The simulated battery: drains and charges by the clock; the switches a trainer or a test flips."""

import pytest

from cinema.core.clock import FakeClock
from cinema.devices.power.simulated import SimulatedBattery, SimulatedSource, bmv_block
from cinema.devices.power.vedirect import VeDirectParser, reading_from_fields


def test_it_drains_on_battery_and_charges_on_mains_by_the_clock():
    clock = FakeClock()
    battery = SimulatedBattery(clock, 80, drain_per_hour=30, charge_per_hour=60)
    assert battery.state().minutes_left == 160  # 80 % at 30 % an hour
    clock.advance(3600)
    assert battery.state().percent == 50
    battery.plug()
    clock.advance(1800)
    state = battery.state()
    assert (state.percent, state.charging, state.minutes_left) == (80, True, None)
    assert state.amps > 0
    clock.advance(3600)
    assert battery.state().percent == 100  # full stays full
    battery.unplug()
    clock.advance(4 * 3600)
    state = battery.state()
    assert (state.percent, state.minutes_left, state.charging) == (0, 0, False)  # empty stays empty
    assert state.amps < 0


def test_a_sudden_drop_and_a_silent_monitor():
    clock = FakeClock()
    changes = []
    source = SimulatedSource(SimulatedBattery(clock, 70), changes.append)
    assert source.read().percent == 70
    source.battery.drop(12)
    assert source.read().percent == 12
    source.battery.go_silent()
    assert source.read() is None
    source.battery.answer()
    assert source.read().percent == 12
    assert [c.connected for c in changes] == [True, False, True]


def test_a_battery_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        SimulatedBattery(FakeClock(), 120)


@pytest.mark.parametrize("on_mains", [False, True])
def test_the_pretend_victron_monitor_says_what_the_battery_says(on_mains):
    battery = SimulatedBattery(FakeClock(), 64.5, on_mains=on_mains)
    parser = VeDirectParser()
    parser.feed(bmv_block(battery.state()))
    block, = parser.events()
    reading, state = reading_from_fields(block.as_dict()), battery.state()
    assert (reading.percent, reading.charging, reading.volts, reading.amps) == \
        (64.5, on_mains, round(state.volts, 3), state.amps)
    assert reading.minutes_left == (None if on_mains else round(state.minutes_left))
