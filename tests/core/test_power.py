"""Power policy: warn, stop and advise on a fake clock with a draining simulated battery."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from cinema.config.models import Activity, Item, Option, PowerConfig, Question
from cinema.core.clock import FakeClock
from cinema.core.events import PowerReading
from cinema.core.power import (
    Action, Level, PlannedItem, PowerDecision, PowerPolicy, describe, item_seconds, lesson_plan, plan_skips, remaining_minutes,
)

READ_EVERY = 30.0  # the kiosk reads the battery every 30 s


@dataclass
class Battery:
    """A tiny battery: drains (or charges) linearly with the clock, reads in whole percent like sysfs."""

    clock: FakeClock
    percent: float
    drain_per_minute: float = 1.0
    charging: bool = False
    charge_per_minute: float = 0.5
    reports_minutes: bool = True

    def step(self, seconds: float) -> None:
        self.clock.advance(seconds)
        rate = self.charge_per_minute if self.charging else -self.drain_per_minute
        self.percent = min(100.0, max(0.0, self.percent + rate * seconds / 60.0))

    def true_minutes(self) -> float:
        return self.percent / self.drain_per_minute

    def read(self) -> PowerReading:
        minutes = self.true_minutes() if self.reports_minutes and not self.charging else None
        return PowerReading(float(math.floor(self.percent)), minutes, self.charging)


def question(n: int) -> Question:
    return Question(f"Q{n}?", (Option("A", "yes"), Option("B", "no")), correct="A")


QUIZ = Activity("quiz", "multiple_choice", "Quiz", tuple(question(n) for n in range(3)), seconds=60)
MOVE = Activity("move", "energizer", "Move", (question(0),), seconds=120)

LESSON = (
    Item("title", "hello", title="Hello", seconds=30),
    Item("attendance", "att", title="Who is here"),
    Item("video", "film", title="The film", media=Path("film.mp4")),
    Item("activity", "quiz", title="Quiz", activity=QUIZ),
    Item("audio", "story", title="The story", media=Path("story.mp3")),
    Item("break", "break", title="Break", seconds=300),
    Item("activity", "move", title="Move", activity=MOVE),
    Item("video", "film2", title="Second film", media=Path("film2.mp4")),
    Item("closing", "bye", title="Bye"),
)
DURATIONS = {"film": 1200.0, "story": 360.0, "film2": 900.0}


def run_lesson(policy: PowerPolicy, battery: Battery, items=LESSON, durations=DURATIONS, extra_minutes=10.0):
    """Play the items for their planned lengths, reading the battery every 30 s; collect decisions
    as (minute, item index, decision). The lesson stops where the policy says STOP."""
    clock = battery.clock
    start = clock.monotonic()
    seen = []
    stopped = False
    for index, item in enumerate(items):
        seconds, _known = item_seconds(item, durations)
        for d in policy.replan(lesson_plan(items, index, 0.0, durations, clock.monotonic())):
            seen.append(((clock.monotonic() - start) / 60, index, d))
        end = clock.monotonic() + seconds
        while clock.monotonic() < end:
            for d in policy.observe(battery.read()):
                seen.append(((clock.monotonic() - start) / 60, index, d))
                stopped = stopped or d.action is Action.STOP
            battery.step(READ_EVERY)
        if stopped:
            break
    for _ in range(int(extra_minutes * 60 / READ_EVERY)):  # the stopped kiosk keeps reading the battery
        for d in policy.observe(battery.read()):
            seen.append(((clock.monotonic() - start) / 60, -1, d))
        battery.step(READ_EVERY)
    return seen


def actions(seen):
    return [d.action for _m, _i, d in seen]


@pytest.fixture
def clock():
    return FakeClock()


# ---- a whole lesson on a draining battery -------------------------------------------


def test_a_lesson_from_60_percent_is_advised_at_start_warned_at_20_and_stopped_once_at_8(clock):
    need = remaining_minutes(LESSON, 0, 0.0, DURATIONS)
    assert need > 52  # more lesson than battery (60 min to empty, stopping at 8 %)
    policy = PowerPolicy(clock, warn_percent=20, critical_percent=8)
    seen = run_lesson(policy, Battery(clock, 60.0, drain_per_minute=1.0))

    minute, index, advice = seen[0]
    assert advice.action is Action.ADVISE and minute == 0 and index == 0
    assert advice.needs_minutes == pytest.approx(need)
    assert advice.usable_minutes == pytest.approx(52)  # 60 min to empty, stopping at 8 %
    assert set(advice.advice) >= {"break", "move"}  # the cheap things go first
    assert "att" not in advice.advice and "quiz" not in advice.advice and "bye" not in advice.advice

    warns = [(m, d) for m, _i, d in seen if d.action is Action.WARN]
    stops = [(m, d) for m, _i, d in seen if d.action is Action.STOP]
    assert [d.percent for _m, d in warns] == [20]
    assert warns[0][0] == pytest.approx(40, abs=1)
    assert len(stops) == 1 and stops[0][1].percent == 8  # exactly one, though it drains on below
    assert stops[0][0] == pytest.approx(52, abs=1)
    assert policy.level is Level.STOPPED and policy.work.brightness < 1
    assert Action.RESTORE not in actions(seen)
    record = stops[0][1].record()
    assert record.kind == "power.action" and record.payload["action"] == "stop"
    assert record.payload["percent"] == 8 and record.payload["needs_minutes"] is not None


def test_a_lesson_that_fits_gets_no_advice_and_no_warning(clock):
    policy = PowerPolicy(clock)
    seen = run_lesson(policy, Battery(clock, 100.0, drain_per_minute=0.5), extra_minutes=0)
    assert seen == []
    assert policy.level is Level.NORMAL and policy.work.brightness == 1.0


def test_advice_is_not_repeated_word_for_word_but_follows_the_lesson(clock):
    policy = PowerPolicy(clock)
    seen = run_lesson(policy, Battery(clock, 60.0, drain_per_minute=1.0))
    advice = [d.advice for _m, _i, d in seen if d.action is Action.ADVISE]
    assert len(advice) >= 2  # later items bring fresh advice as the lesson moves on
    assert all(a != b for a, b in itertools.pairwise(advice))


# ---- thresholds, noise, chargers ------------------------------------------------------


def feed(policy, clock, percents, charging=False, minutes=None, every=READ_EVERY):
    out = []
    for p in percents:
        out += policy.observe(PowerReading(p, minutes, charging))
        clock.advance(every)
    return out


def test_noisy_readings_around_the_threshold_warn_once_and_do_not_flap(clock):
    policy = PowerPolicy(clock, warn_percent=20)
    decisions = feed(policy, clock, [24, 21, 20.4, 19.6, 20.8, 19.2, 21.5, 19.9, 22.4, 20.1, 19.5])
    assert [d.action for d in decisions] == [Action.WARN]
    assert policy.level is Level.LOW
    assert [d.action for d in feed(policy, clock, [23.5])] == [Action.RESTORE]  # 3 points above: clear


def test_charger_plugged_in_mid_warning_restores_and_unplugging_can_warn_again(clock):
    policy = PowerPolicy(clock, warn_percent=20)
    assert [d.action for d in feed(policy, clock, [21, 20, 19])] == [Action.WARN]
    assert policy.work.brightness < 1 and policy.work.tick_seconds > 0.25
    restored = feed(policy, clock, [19], charging=True)
    assert [d.action for d in restored] == [Action.RESTORE]
    assert restored[0].record().payload["action"] == "restore"
    assert policy.level is Level.NORMAL and policy.work.brightness == 1.0
    assert [d.action for d in feed(policy, clock, [19, 18])] == [Action.WARN]


def test_critical_stops_once_and_power_back_lets_the_lesson_resume(clock):
    policy = PowerPolicy(clock, warn_percent=20, critical_percent=8)
    assert [d.action for d in feed(policy, clock, [9, 8, 7, 6, 8, 5])] == [Action.WARN, Action.STOP]
    assert [d.action for d in feed(policy, clock, [5], charging=True)] == [Action.RESTORE]
    assert policy.level is Level.NORMAL


def test_on_a_charger_nothing_warns_even_when_nearly_empty(clock):
    policy = PowerPolicy(clock)
    assert feed(policy, clock, [5, 5.5, 6, 6.5, 7], charging=True) == []
    assert policy.minutes_left is None


def test_a_charger_too_weak_to_keep_up_counts_as_battery(clock):
    policy = PowerPolicy(clock, warn_percent=20)
    # Plugged in (a small solar box), yet falling 1 % a minute.
    decisions = feed(policy, clock, [25 - n / 2 for n in range(20)], charging=True)
    assert [d.action for d in decisions] == [Action.WARN]
    assert not policy.charging


@pytest.mark.parametrize("glitch", [0.0, 7.0, 55.0, 100.0])
def test_a_single_absurd_reading_is_ignored(clock, glitch):
    policy = PowerPolicy(clock, warn_percent=20, critical_percent=8)
    decisions = feed(policy, clock, [12.0, 11.5, glitch, 11.0, 10.5])
    assert [d.action for d in decisions] == [Action.WARN]  # from the real 12 %: no stop, no restore
    assert policy.ignored == 1


def test_a_jump_seen_twice_is_believed(clock):
    policy = PowerPolicy(clock, warn_percent=20, critical_percent=8)
    assert feed(policy, clock, [50, 49.5, 6]) == []
    assert [d.action for d in feed(policy, clock, [6])] == [Action.STOP]  # straight to the stop
    assert policy.level is Level.STOPPED


@pytest.mark.parametrize("reading", [PowerReading(None), PowerReading(float("nan")), PowerReading(-3.0),
                                     PowerReading(140.0)])
def test_nonsense_readings_are_counted_and_change_nothing(clock, reading):
    policy = PowerPolicy(clock)
    assert policy.observe(reading) == []
    assert policy.ignored == 1 and policy.minutes_left is None


# ---- time left when the battery does not say ------------------------------------------------


@pytest.mark.parametrize("drain", [0.3, 0.7, 1.5])
def test_unknown_minutes_left_are_estimated_within_20_percent(clock, drain):
    battery = Battery(clock, 80.0, drain_per_minute=drain, reports_minutes=False)
    policy = PowerPolicy(clock)
    for _ in range(4):  # two minutes: too soon to say
        policy.observe(battery.read())
        battery.step(READ_EVERY)
    assert policy.minutes_left is None
    for _ in range(30):
        policy.observe(battery.read())
        battery.step(READ_EVERY)
    estimate = policy.minutes_left
    assert estimate == pytest.approx(battery.true_minutes(), rel=0.2)


def test_advice_waits_for_an_estimate_then_says_it_is_one(clock):
    battery = Battery(clock, 40.0, drain_per_minute=1.0, reports_minutes=False)
    policy = PowerPolicy(clock)
    assert policy.replan(lesson_plan(LESSON, 0, 0.0, DURATIONS, clock.monotonic())) == []
    decisions = []
    for _ in range(10):
        decisions += policy.observe(battery.read())
        battery.step(READ_EVERY)
    assert [d.action for d in decisions] == [Action.ADVISE]
    assert decisions[0].estimated
    assert decisions[0].record().payload["estimated"] is True


def test_a_battery_figure_of_nonsense_minutes_falls_back_to_the_estimate(clock):
    policy = PowerPolicy(clock)
    feed(policy, clock, [60 - n for n in range(10)], minutes=1e9, every=60)  # 1 % a minute
    assert policy.minutes_left == pytest.approx(51, rel=0.1)


# ---- how long the rest of the lesson takes ------------------------------------------------


SLIDES5 = Item("slides", "s", slides=tuple(Path(f"{n}.png") for n in range(5)), seconds=20)
SLIDES_BY_HAND = Item("slides", "sh", slides=(Path("a.png"), Path("b.png")))
CALM = Item("break", "calm", title="Breathe", seconds=120)
CHECKIN = Item("checkin", "feel", calm_item="calm")


@pytest.mark.parametrize("items, index, position, durations, minutes", [
    ((SLIDES5,), 0, 0, {}, 100 / 60),  # 5 slides x 20 s
    ((SLIDES5,), 0, 40, {}, 60 / 60),  # 40 s in
    ((SLIDES_BY_HAND,), 0, 0, {}, 1.0),  # teacher advances: 30 s a slide
    ((Item("activity", "quiz", activity=QUIZ),), 0, 0, {}, 3 * (60 + 20) / 60),  # timer + results each
    ((Item("video", "v", media=Path("v.mp4")),), 0, 0, {"v": 600}, 10.0),
    ((Item("video", "v", media=Path("v.mp4")),), 0, 0, {}, 5.0),  # not played yet: the default
    ((Item("video", "v", media=Path("v.mp4")),), 0, 900, {"v": 600}, 0.0),  # never below zero
    ((Item("break", "b", seconds=90), Item("closing", "end")), 0, 0, {}, 1.5 + 0.5),
    ((CHECKIN, CALM, Item("closing", "end")), 0, 0, {}, 1.0 + 0.5),  # the calm item only plays on offer
    ((SLIDES5, Item("break", "b", seconds=60)), 1, 0, {}, 1.0),  # earlier items are done
])
def test_remaining_minutes(items, index, position, durations, minutes):
    assert remaining_minutes(items, index, position, durations) == pytest.approx(minutes)


def test_the_plan_runs_down_with_the_clock_during_an_item():
    plan = lesson_plan(LESSON, 2, 0.0, DURATIONS, made_at=100.0)
    assert plan.needs(100.0) - plan.needs(100.0 + 300) == pytest.approx(5.0)
    assert plan.needs(100.0 + 5000) == pytest.approx(sum(p.minutes for p in plan.rest))


# ---- what to skip ---------------------------------------------------------------------------


def planned(*specs):
    """(id, type, minutes, rank) -> PlannedItem in playlist order."""
    return tuple(PlannedItem(n, i, i.title(), t, m, True, r) for n, (i, t, m, r) in enumerate(specs))


REST = planned(("quiz", "activity", 4, None), ("story", "audio", 6, 4), ("break", "break", 5, 1),
               ("move", "activity", 2, 2), ("film", "video", 20, 5), ("bye", "closing", 0.5, None))


@pytest.mark.parametrize("short, skipped, enough", [
    (0, (), True),
    (-5, (), True),
    (1.5, ("break",), True),  # the break alone covers it
    (5, ("break",), True),
    (6, ("break", "move"), True),
    (11, ("story", "break"), True),  # the energizer is put back: break + story already cover it
    (13, ("story", "break", "move"), True),
    (20, ("film",), True),  # the film must go anyway, and then nothing else needs to
    (40, ("story", "break", "move", "film"), False),  # everything skippable, still short
])
def test_plan_skips(short, skipped, enough):
    chosen, ok = plan_skips(REST, short)
    assert tuple(p.id for p in chosen) == skipped
    assert ok is enough


def test_nothing_skippable_is_never_offered():
    chosen, ok = plan_skips(planned(("att", "attendance", 3, None), ("bye", "closing", 1, None)), 2)
    assert chosen == () and not ok


# ---- what the teacher reads, and the config ---------------------------------------------------


def test_advice_reads_as_minutes_and_item_titles(clock):
    policy = PowerPolicy(clock)
    seen = run_lesson(policy, Battery(clock, 60.0, drain_per_minute=1.0))
    lines = describe(seen[0][2])
    assert lines[0] == "Battery: about 52 min. The rest of the lesson needs about 57 min."
    assert lines[1].startswith("To finish, skip: ") and "Break (5 min)" in lines[1]
    translated = describe(seen[0][2], lambda s: "»" + s)  # every piece goes through the translator
    assert translated[1].startswith("»To finish, skip: »") and "»Break (5 min)" in translated[1]
    assert describe(next(d for _m, _i, d in seen if d.action is Action.STOP)) == ("Saved. Connect power.",)


def test_the_config_thresholds_are_used(clock):
    policy = PowerPolicy.from_config(PowerConfig(warn_percent=30, critical_percent=15), clock)
    decisions = feed(policy, clock, [31, 30, 25, 20, 15], every=120)
    assert [(d.action, d.percent) for d in decisions] == [(Action.WARN, 30), (Action.STOP, 15)]


@pytest.mark.parametrize("skip, enough, second", [
    (("break",), True, "To finish, skip: Break (5 min)"),
    (("story", "break", "move", "film"), False,
     "Connect power: even skipping Story (6 min), Break (5 min), Move (2 min), Film (20 min) will not be enough."),
    ((), False, "Connect power: nothing can be skipped to finish."),
])
def test_the_advice_never_takes_back_what_it_said(skip, enough, second):
    chosen = tuple(p for p in REST if p.id in skip)
    decision = PowerDecision(Action.ADVISE, 30.0, 40.0, usable_minutes=31.7, needs_minutes=52.2, skip=chosen,
                             enough=enough)
    lines = describe(decision)
    assert lines == ("Battery: about 31 min. The rest of the lesson needs about 53 min.", second)
    assert enough or not any(line.startswith("To finish") for line in lines)
    # the shortest form, for a narrow strip, keeps the same sense
    assert describe(decision, minutes=False, items=1, brief=True)[-1] == (
        "Skip: Break" if enough else "Connect power if you can.")
