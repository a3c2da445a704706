"""Energy budget: a simulated laptop battery runs a lesson; the planner's estimate from measured
rates, made after five minutes, against the battery's real run-out to the critical level."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cinema.config.models import Activity, Item, Option, Question
from cinema.core.clock import FakeClock
from cinema.core.energy import (
    Drain, EnergyRates, battery_minutes, cpu_seconds, fit_drain, fit_scale, item_kind, video_kind, watt_minutes,
)
from cinema.core.events import PowerReading
from cinema.core.power import PowerPolicy, item_seconds, lesson_plan, lesson_schedule

READ_EVERY = 30.0
CRITICAL = 8.0


def quiz(item_id: str) -> Item:
    q = Question("2 + 2?", (Option("a", "4"), Option("b", "5")), "a")
    return Item("activity", item_id, activity=Activity(item_id, "quiz", "Sums", (q, q, q), seconds=60.0))


def slides(item_id: str, count: int, seconds: float) -> Item:
    return Item("slides", item_id, slides=tuple(f"{n}.png" for n in range(count)), seconds=seconds)


# A 66-minute lesson that starts gently (a title, a quiz, slides) and then is mostly video.
LESSON = (Item("title", "hello", seconds=30.0), quiz("q1"), slides("s1", 6, 20.0),
          Item("video", "v1", duration=900.0), quiz("q2"), Item("video", "v2", duration=1200.0),
          slides("s2", 10, 30.0), Item("video", "v3", duration=900.0), Item("closing", "bye", seconds=30.0))

# What a laptop's CPU really does per lesson-minute (the kiosk playing each kind of item), and what
# `cinema doctor --energy` measured of it, a few percent off as a short measurement is. A slow
# laptop (an old dual-core decoding video in software), and the development laptop's own table.
SLOW = {"video_720p": 30.0, "quiz": 5.0, "slides": 2.5, "screen": 2.5, "home": 1.5}
SLOW_MEASURED = {"video_720p": 28.5, "quiz": 5.25, "slides": 2.4, "hub_idle": 1.55}
HERE = {"video_720p": 12.4, "quiz": 0.24, "slides": 0.18, "screen": 0.18, "home": 0.53}
HERE_MEASURED = {"video_720p": 13.0, "quiz": 0.25, "slides": 0.2, "hub_idle": 0.5}
TRUE_CPU = SLOW
MEASURED = SLOW_MEASURED


@dataclass
class SimulatedLaptop:
    """A battery of `wh` watt-hours feeding `idle_w` plus `w_per_core` for each busy core, whatever
    plays; it reports its percent like psutil does (energy_now / energy_full, to `digits`)."""

    clock: FakeClock
    idle_w: float
    w_per_core: float
    wh: float = 45.0
    percent: float = 35.0
    digits: int = 1
    cpu: dict[str, float] = field(default_factory=lambda: TRUE_CPU)  # CPU s per lesson-minute, by kind

    def run(self, kind: str, seconds: float) -> None:
        watts = self.idle_w + self.w_per_core * self.cpu[kind] / 60.0
        self.percent -= watts * seconds / 3600.0 / self.wh * 100.0
        self.clock.advance(seconds)

    def reading(self) -> PowerReading:
        return PowerReading(round(self.percent, self.digits), None, False)


def run_lesson(laptop: SimulatedLaptop, policies: list[PowerPolicy], estimate_at: float) -> tuple[float, list]:
    """Play LESSON (then the home screen) second by second until the critical level; every policy
    gets the readings and a plan at each item. Returns the run-out (minutes from the start) and
    each policy's usable minutes at `estimate_at` seconds."""
    ends, total = [], 0.0
    for item in LESSON:
        total += item_seconds(item, {})[0]
        ends.append(total)
    t, current, estimates = 0.0, None, None
    while laptop.percent > CRITICAL:
        index = next((n for n, end in enumerate(ends) if t < end), None)
        if index != current and index is not None:
            for p in policies:
                p.replan(lesson_plan(LESSON, index, 0.0, {}, laptop.clock.monotonic()))
        current = index
        if t % READ_EVERY == 0:
            for p in policies:
                p.observe(laptop.reading())
        if estimates is None and t >= estimate_at:
            estimates = [p.usable_minutes for p in policies]
        laptop.run(item_kind(LESSON[index]) if index is not None else "home", 1.0)
        t += 1.0
    return t / 60.0, estimates


# Laptops whose idle draw and busy-core draw differ from the model's defaults (7 W, 12 W a core):
# the battery's readings scale the model, the measured rates shape it.
LAPTOPS = [(7.0, 12.0), (6.0, 10.0), (8.0, 14.0), (9.0, 15.0), (8.0, 10.0)]


@pytest.mark.parametrize("cpu, measured", [(SLOW, SLOW_MEASURED), (HERE, HERE_MEASURED)], ids=["slow", "here"])
@pytest.mark.parametrize("idle_w, w_per_core", LAPTOPS)
def test_the_estimate_from_measured_rates_is_within_ten_percent_of_the_run_out(idle_w, w_per_core, cpu, measured):
    clock = FakeClock()
    laptop = SimulatedLaptop(clock, idle_w, w_per_core, cpu=cpu)
    planner = PowerPolicy(clock, critical_percent=CRITICAL, energy=EnergyRates(cpu=measured, measured=True))
    drain_only = PowerPolicy(clock, critical_percent=CRITICAL)
    run_out, (estimate, old) = run_lesson(laptop, [planner, drain_only], estimate_at=300.0)
    error = abs(5.0 + estimate - run_out) / run_out
    old_error = abs(5.0 + old - run_out) / run_out
    assert error <= 0.10, (run_out, 5.0 + estimate)
    # The drain measured on a quiz, carried over a lesson of videos, promises too much.
    assert old_error > 0.12 and old_error > 1.5 * error, (run_out, 5.0 + old, 5.0 + estimate)


def test_whole_percent_readings_still_beat_the_drain_only_estimate():
    clock = FakeClock()
    laptop = SimulatedLaptop(clock, 7.0, 12.0, digits=0)
    planner = PowerPolicy(clock, critical_percent=CRITICAL, energy=EnergyRates(cpu=MEASURED, measured=True))
    drain_only = PowerPolicy(clock, critical_percent=CRITICAL)
    run_out, (estimate, old) = run_lesson(laptop, [planner, drain_only], estimate_at=600.0)
    assert abs(10.0 + estimate - run_out) < abs(10.0 + old - run_out)
    assert abs(10.0 + estimate - run_out) / run_out <= 0.15


def test_the_advice_comes_from_the_rest_of_the_lesson_not_the_present_drain():
    """After five quiet minutes the drain-only planner thinks the battery lasts; the energy planner
    knows the videos to come will not let it, and advises."""
    clock = FakeClock()
    laptop = SimulatedLaptop(clock, 7.0, 12.0)
    planner = PowerPolicy(clock, critical_percent=CRITICAL, energy=EnergyRates(cpu=MEASURED, measured=True))
    drain_only = PowerPolicy(clock, critical_percent=CRITICAL)
    said: dict[int, list] = {0: [], 1: []}
    for second in range(0, 330):
        index = 0 if second < 30 else 1 if second < 270 else 2
        if second in (0, 30, 270):
            for n, p in enumerate((planner, drain_only)):
                said[n] += p.replan(lesson_plan(LESSON, index, 0.0, {}, clock.monotonic()))
        if second % READ_EVERY == 0:
            for n, p in enumerate((planner, drain_only)):
                said[n] += p.observe(laptop.reading())
        laptop.run(item_kind(LESSON[index]), 1.0)
    advised = [d for d in said[0] if d.action.value == "advise"]
    assert advised, said[0]
    assert {"v1", "v2", "v3"} & set(advised[-1].advice)  # a video to skip: it is what drains
    assert not [d for d in said[1] if d.action.value == "advise"]


# ---- the model ----------------------------------------------------------------------------


def test_a_busy_kind_costs_more_power_and_unknown_kinds_fall_back():
    rates = EnergyRates(cpu={"video_720p": 30.0, "slides": 3.0}, idle_watts=6.0, watts_per_core=12.0)
    assert rates.watts("video_720p") == pytest.approx(6.0 + 12.0 * 0.5)
    assert rates.watts("slides") == pytest.approx(6.6)
    assert rates.rate("video") == 30.0  # the demo's 720p stands for a video of unknown size
    assert rates.rate("screen") == 3.0  # a title costs what a still slide does
    assert rates.rate("attendance") > 0  # not measured here: the shipped default


@pytest.mark.parametrize("item, kind", [
    (Item("video", "v"), "video_720p"),
    (Item("slides", "s"), "slides"),
    (quiz("q"), "quiz"),
    (Item("attendance", "a"), "attendance"),
    (Item("activity", "c", activity=quiz("c").activity, answer_by_card=True), "attendance"),
    (Item("break", "b"), "screen"),
])
def test_item_kinds(item, kind):
    assert item_kind(item) == kind


def test_video_kind_by_pixels():
    assert video_kind(None) == "video_720p"
    assert video_kind(1280 * 720) == "video_720p"
    assert video_kind(1920 * 1080) == "video_1080p"


def test_energy_follows_what_played():
    rates = EnergyRates(cpu={"video_720p": 60.0, "quiz": 0.0}, idle_watts=5.0, watts_per_core=10.0)
    kinds = [(60.0, "quiz"), (120.0, "video_720p")]
    # One minute at home (5 W), one of quiz (5 W), one of video (15 W).
    assert watt_minutes(kinds, rates, 0.0, 180.0, before="quiz") == pytest.approx(25.0)


def test_the_fitted_scale_matches_a_battery_that_follows_the_model():
    rates = EnergyRates(cpu={"video_720p": 60.0, "quiz": 6.0}, idle_watts=5.0, watts_per_core=10.0)
    kinds = [(0.0, "quiz"), (300.0, "video_720p")]
    scale = 0.02  # percent per watt-minute
    samples = [(t, 80.0 - scale * watt_minutes(kinds, rates, 0.0, t)) for t in range(0, 601, 30)]
    assert fit_scale(samples, kinds, rates) == pytest.approx(scale)
    assert fit_scale([(0.0, 50.0), (60.0, 50.0), (120.0, 50.0)], kinds, rates) is None  # not falling


def test_both_parts_of_the_drain_are_fitted_once_what_played_changed():
    rates = EnergyRates(cpu={"video_720p": 30.0, "quiz": 1.0})
    kinds = [(0.0, "quiz"), (300.0, "video_720p")]
    # 0.3 % a minute whatever plays, and 0.02 % per CPU second: not the model's own split.
    samples = [(t, 60.0 - 0.3 * t / 60 - 0.02 * cpu_seconds(kinds, rates, 0.0, t)) for t in range(0, 601, 30)]
    drain = fit_drain(samples, kinds, rates)
    assert drain is not None and drain.base == pytest.approx(0.3) and drain.per_cpu == pytest.approx(0.02)
    assert drain.per_minute("video_720p", rates) == pytest.approx(0.9)
    steady = [(t, p) for t, p in samples if t <= 300]  # the quiz alone: the two parts cannot be told apart
    assert fit_drain(steady, kinds, rates) is None


def test_a_laptop_unlike_the_model_is_estimated_well_once_a_video_has_played():
    """4 W idle but 25 W a busy core: five quiet minutes cannot show it; ten minutes with a video can."""
    clock = FakeClock()
    laptop = SimulatedLaptop(clock, 4.0, 25.0, cpu=HERE)
    planner = PowerPolicy(clock, critical_percent=CRITICAL, energy=EnergyRates(cpu=HERE_MEASURED, measured=True))
    run_out, (estimate,) = run_lesson(laptop, [planner], estimate_at=600.0)
    assert abs(10.0 + estimate - run_out) / run_out <= 0.03, (run_out, 10.0 + estimate)


def test_battery_minutes_walks_the_lesson_in_order():
    rates = EnergyRates(cpu={"video_720p": 60.0, "slides": 0.0, "hub_idle": 0.0}, idle_watts=10.0,
                        watts_per_core=10.0)
    # 1 % a minute on slides (10 W), 2 % on video (20 W): 30 % usable.
    short = battery_minutes(38.0, 8.0, Drain.scaled(0.1, rates), rates, [("slides", 10.0), ("video_720p", 20.0)])
    assert short.minutes == pytest.approx(20.0) and not short.fits and short.margin == pytest.approx(-10.0)
    fits = battery_minutes(38.0, 8.0, Drain.scaled(0.1, rates), rates, [("slides", 10.0)])
    assert fits.fits and fits.minutes == pytest.approx(30.0)  # then the home screen, as slow as slides


def test_without_readings_that_fall_the_default_battery_is_used_and_said():
    clock = FakeClock()
    planner = PowerPolicy(clock, energy=EnergyRates())
    planner.observe(PowerReading(80.0, None, False))
    budget = planner.budget(lesson_schedule(LESSON))
    assert budget is not None and not budget.calibrated
    assert planner.usable_minutes is None  # the advice waits for this battery's own figures
    planner.observe(PowerReading(80.0, 200.0, False))  # the battery says 200 minutes left
    assert planner.budget(lesson_schedule(LESSON)).calibrated


def test_no_budget_on_a_charger():
    clock = FakeClock()
    planner = PowerPolicy(clock, energy=EnergyRates())
    planner.observe(PowerReading(60.0, None, True))
    assert planner.budget([("video_720p", 30.0)]) is None
