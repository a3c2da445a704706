"""Battery policy: warn and dim when low, save and stop when critical, advise what to skip to finish."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from cinema.core.clock import Clock
from cinema.core.content import Item
from cinema.core.energy import (
    Budget, Drain, EnergyRates, battery_minutes, default_scale, fit_drain, fit_scale, item_kind, scale_from_drain,
)
from cinema.core.events import PowerReading, Record
from cinema.core.messages import N_
from cinema.core.records import PowerAction

if TYPE_CHECKING:
    from cinema.config.models import PowerConfig

# ---- what the policy says ---------------------------------------------------


class Level(Enum):
    """How the kiosk should be running, as far as power goes."""

    NORMAL = "normal"
    LOW = "low"  # warned: screen dimmed, less work
    STOPPED = "stopped"  # critical: saved and paused until power comes back


class Band(Enum):
    """Where one accepted reading falls; the transition table is keyed on it."""

    CHARGING = "charging"  # on a charger that keeps up: never a warning
    CLEAR = "clear"  # at or above warn + the hysteresis gap
    FAIR = "fair"  # above warn but inside the gap: no change either way (no flapping)
    LOW = "low"  # at or below warn
    CRITICAL = "critical"  # at or below critical


class Action(Enum):
    """The `action` of a `power.action` record."""

    WARN = "warn"  # tell the teacher, dim the screen, do less work
    DIM = "dim"  # the kiosk's report of what the dimmer did (cinema.app.brightness)
    STOP = "stop"  # save everything, pause, show "Saved. Connect power."
    RESTORE = "restore"  # power is back: undim, resume if the stop paused the lesson
    ADVISE = "advise"  # the rest of the lesson needs more time than the battery has


TRANSITIONS: dict[tuple[Level, Band], tuple[Level, Action | None]] = {
    (Level.NORMAL, Band.CHARGING): (Level.NORMAL, None),
    (Level.NORMAL, Band.CLEAR): (Level.NORMAL, None),
    (Level.NORMAL, Band.FAIR): (Level.NORMAL, None),
    (Level.NORMAL, Band.LOW): (Level.LOW, Action.WARN),
    (Level.NORMAL, Band.CRITICAL): (Level.STOPPED, Action.STOP),
    (Level.LOW, Band.CHARGING): (Level.NORMAL, Action.RESTORE),
    (Level.LOW, Band.CLEAR): (Level.NORMAL, Action.RESTORE),
    (Level.LOW, Band.FAIR): (Level.LOW, None),
    (Level.LOW, Band.LOW): (Level.LOW, None),
    (Level.LOW, Band.CRITICAL): (Level.STOPPED, Action.STOP),
    (Level.STOPPED, Band.CHARGING): (Level.NORMAL, Action.RESTORE),
    (Level.STOPPED, Band.CLEAR): (Level.NORMAL, Action.RESTORE),
    (Level.STOPPED, Band.FAIR): (Level.STOPPED, None),
    (Level.STOPPED, Band.LOW): (Level.STOPPED, None),
    (Level.STOPPED, Band.CRITICAL): (Level.STOPPED, None),  # the stop fires once
}


@dataclass(frozen=True)
class Work:
    """How hard the kiosk works at a level: screen brightness (1.0 = as it was), tick period, and
    the rest between two camera pictures read outside attendance and answer-card questions (a card
    held up is still read within it; while cards are being read the camera keeps its full rate)."""

    brightness: float
    tick_seconds: float
    camera_rest: float = 0.0


WORK: dict[Level, Work] = {
    Level.NORMAL: Work(1.0, 0.25),
    Level.LOW: Work(0.6, 0.5, 0.5),  # timers show whole seconds: two ticks a second are enough
    Level.STOPPED: Work(0.3, 1.0, 1.0),  # nothing moves on screen while stopped
}

# ---- the rest of the lesson -------------------------------------------------

# Used when a length is not in the playlist (teacher advances) or a media file has not been played
# yet; deliberately on the long side, so the advice errs towards finishing early.
DEFAULT_SECONDS: dict[str, float] = {
    "title": 30.0,
    "video": 300.0,
    "audio": 300.0,
    "slide": 30.0,  # per slide, when the teacher advances them
    "question": 60.0,  # per activity question without a timer
    "results": 20.0,  # per question: looking at the bar chart
    "checkin": 60.0,
    "attendance": 180.0,
    "pairing": 180.0,
    "break": 300.0,
    "closing": 30.0,
}

# What the planner offers to skip first (lower rank first). Attendance, pairing, check-ins,
# closing and scored questions are never offered: they are what the lesson's records are made of.
SKIP_RANK: dict[str, int] = {
    "break": 1,
    "energizer": 2,
    "discussion": 3,
    "audio": 4,
    "video": 5,
    "slides": 6,
    "title": 7,
    "poll": 8,
}


@dataclass(frozen=True)
class PlannedItem:
    index: int
    id: str
    title: str
    type: str
    minutes: float
    known: bool  # the length comes from the playlist or the media file, not a default
    skip_rank: int | None  # None: never offered for skipping
    kind: str = "screen"  # what it costs the battery (cinema.core.energy.item_kind)


@dataclass(frozen=True)
class LessonPlan:
    """The lesson from the current item on, as estimated when `made_at` (clock seconds)."""

    index: int
    current_minutes: float  # what is left of the current item at made_at
    rest: tuple[PlannedItem, ...]  # the items after it that will play in sequence
    made_at: float
    current_kind: str = "screen"  # the current item's energy kind

    def schedule(self, now: float) -> tuple[tuple[str, float], ...]:
        """(energy kind, minutes) of what is left at `now`, in the order it plays."""
        current = max(0.0, self.current_minutes - max(0.0, now - self.made_at) / 60.0)
        return ((self.current_kind, current), *((p.kind, p.minutes) for p in self.rest))

    def needs(self, now: float) -> float:
        """Minutes the lesson still needs at `now` (the current item's part runs down meanwhile)."""
        current = max(0.0, self.current_minutes - max(0.0, now - self.made_at) / 60.0)
        return current + sum(p.minutes for p in self.rest)


def item_seconds(item: Item, durations: dict[str, float]) -> tuple[float, bool]:
    """How long one item takes, and whether that length is known rather than a default."""
    d = DEFAULT_SECONDS
    if item.type in ("video", "audio"):
        known = durations.get(item.id) or item.duration
        return (known, True) if known else (d[item.type], False)
    if item.type == "slides":
        count = max(1, len(item.slides))
        return (count * item.seconds, True) if item.seconds else (count * d["slide"], False)
    if item.type == "activity":
        activity = item.activity
        if activity is None:
            return 0.0, True  # it fails at once and the lesson moves on
        per = activity.seconds or d["question"]
        return len(activity.questions) * (per + d["results"]), activity.seconds is not None
    if item.type in ("title", "break") and item.seconds:
        return item.seconds, True
    return d.get(item.type, d["title"]), False


def _skip_rank(item: Item) -> int | None:
    if item.type == "activity":
        return SKIP_RANK.get(item.activity.kind) if item.activity is not None else None
    return SKIP_RANK.get(item.type)


def lesson_plan(items: Iterable[Item], index: int, elapsed_seconds: float = 0.0,
                durations: dict[str, float] | None = None, made_at: float = 0.0) -> LessonPlan:
    """The rest of a playlist from item `index`, `elapsed_seconds` into it (media position or
    time on the item). Calm items that play only when a check-in offers them are left out."""
    items = tuple(items)
    durations = durations or {}
    on_offer = {i.calm_item for i in items if i.type == "checkin" and i.calm_item}
    current, current_kind = 0.0, "screen"
    if 0 <= index < len(items):
        seconds, _known = item_seconds(items[index], durations)
        current = max(0.0, seconds - elapsed_seconds) / 60.0
        current_kind = item_kind(items[index])
    rest = []
    for n in range(max(index + 1, 0), len(items)):
        item = items[n]
        if item.id in on_offer:
            continue
        seconds, known = item_seconds(item, durations)
        rest.append(PlannedItem(n, item.id, item.title or item.id, item.type, seconds / 60.0, known,
                                _skip_rank(item), item_kind(item)))
    return LessonPlan(index, current, tuple(rest), made_at, current_kind)


def lesson_schedule(items: Iterable[Item], durations: dict[str, float] | None = None) -> tuple[tuple[str, float], ...]:
    """A whole lesson as (energy kind, minutes) in playing order: what the home screen weighs."""
    return lesson_plan(items, 0, 0.0, durations).schedule(0.0)


def remaining_minutes(items: Iterable[Item], index: int, position: float = 0.0,
                      durations: dict[str, float] | None = None) -> float:
    """Minutes the playlist needs from item `index`, `position` seconds into it."""
    return lesson_plan(items, index, position, durations).needs(0.0)


def plan_skips(rest: Iterable[PlannedItem], short_minutes: float) -> tuple[tuple[PlannedItem, ...], bool]:
    """Which of the coming items to skip to save `short_minutes`, in playlist order, and whether
    that is enough. Cheapest kinds first, longest first within a kind; then any pick the others
    already cover is put back, so nothing is skipped for nothing."""
    if short_minutes <= 0:
        return (), True
    candidates = sorted((p for p in rest if p.skip_rank is not None and p.minutes > 0),
                        key=lambda p: (p.skip_rank, -p.minutes, p.index))
    chosen: list[PlannedItem] = []
    saved = 0.0
    for p in candidates:
        if saved >= short_minutes:
            break
        chosen.append(p)
        saved += p.minutes
    for p in reversed(list(chosen)):
        if saved - p.minutes >= short_minutes:
            chosen.remove(p)
            saved -= p.minutes
    return tuple(sorted(chosen, key=lambda p: p.index)), saved >= short_minutes


# ---- decisions ----------------------------------------------------------------


@dataclass(frozen=True)
class PowerDecision:
    action: Action
    percent: float | None
    minutes_left: float | None  # until empty: as reported, or the policy's own estimate
    estimated: bool = False  # minutes_left is the policy's estimate from the drain it measured
    usable_minutes: float | None = None  # until the critical threshold, where the kiosk stops
    needs_minutes: float | None = None  # what the rest of the lesson needs
    skip: tuple[PlannedItem, ...] = ()  # ADVISE: the items to skip
    enough: bool = True  # ADVISE: skipping them is enough to finish

    @property
    def advice(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.skip)

    def record(self) -> Record:
        return PowerAction(action=self.action.value, percent=_round(self.percent),
                           minutes_left=_round(self.minutes_left), estimated=self.estimated,
                           usable_minutes=_round(self.usable_minutes), needs_minutes=_round(self.needs_minutes),
                           advice=self.advice, enough=self.enough).record()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Message ids shown to the teacher; the display translates them (see `describe`).
MSG_LOW = N_("Battery low")
MSG_STOP = N_("Saved. Connect power.")
MSG_RESTORE = N_("Power is back")
MSG_SHORT = N_("Battery: about %(have)d min. The rest of the lesson needs about %(need)d min.")
MSG_SKIP = N_("To finish, skip: %(items)s")
MSG_NOT_ENOUGH = N_("Connect power: even skipping %(items)s will not be enough.")
MSG_NOTHING_TO_SKIP = N_("Connect power: nothing can be skipped to finish.")
MSG_SKIP_BRIEF = N_("Skip: %(items)s")
MSG_SKIP_COUNT = N_("Items to skip: %(n)d")
MSG_CONNECT = N_("Connect power if you can.")
MSG_ITEM = N_("%(title)s (%(minutes)d min)")
MSG_LIST_SEPARATOR = N_(", ")
MSG_MORE = N_("%(n)d more")


def shown_minutes(minutes: float | None) -> int | None:
    """Battery minutes as the teacher reads them, in the status bar and the advice alike: whole
    minutes, rounded down (a promise of a minute the battery does not have is worse than one less)."""
    if minutes is None or minutes < 0:
        return None
    return math.floor(minutes)


def describe(decision: PowerDecision, _: Callable[[str], str] = lambda s: s, *, minutes: bool = True,
             items: int | None = None, brief: bool = False) -> tuple[str, ...]:
    """The lines to show the teacher for a decision, through the translation function `_`: at most
    two, and never one that takes back the other (a list of items to skip "to finish" followed by
    "skipping will not be enough"). Shorter forms for a narrow strip: item titles without their
    `minutes`, or only the first `items` of them and how many more, or `brief` words (with
    `items=0`: only how many)."""
    if decision.action is Action.WARN:
        return (_(MSG_LOW),)
    if decision.action is Action.STOP:
        return (_(MSG_STOP),)
    if decision.action is Action.RESTORE:
        return (_(MSG_RESTORE),)
    if decision.action is not Action.ADVISE:
        return ()
    # The minutes until the kiosk saves and stops: the number the status bar shows too.
    lines = [_(MSG_SHORT) % {"have": shown_minutes(decision.usable_minutes) or 0,
                             "need": math.ceil(decision.needs_minutes or 0)}]
    named = decision.skip if items is None else decision.skip[:max(0, items)]
    parts = [_(MSG_ITEM) % {"title": p.title, "minutes": max(1, round(p.minutes))} if minutes else p.title
             for p in named]
    if len(named) < len(decision.skip):
        parts.append(_(MSG_MORE) % {"n": len(decision.skip) - len(named)})
    names = _(MSG_LIST_SEPARATOR).join(parts)
    if not decision.enough and (brief or not decision.skip):
        lines.append(_(MSG_CONNECT) if brief else _(MSG_NOTHING_TO_SKIP))
    elif decision.skip and decision.enough and brief and not named:
        lines.append(_(MSG_SKIP_COUNT) % {"n": len(decision.skip)})
    elif decision.skip and decision.enough:
        lines.append(_(MSG_SKIP_BRIEF if brief else MSG_SKIP) % {"items": names})
    elif decision.skip:
        lines.append(_(MSG_NOT_ENOUGH) % {"items": names})
    return tuple(lines)


# ---- the policy -------------------------------------------------------------------


@dataclass
class _Sample:
    at: float
    percent: float


@dataclass
class PowerPolicy:
    """Feed it every battery reading (`observe`) and a new plan at every item (`replan`); apply the
    decisions it returns and journal each one (`decision.record()`)."""

    clock: Clock
    warn_percent: float = 20.0
    critical_percent: float = 8.0
    clear_gap: float = 3.0  # percent above warn needed to leave LOW on battery (no flapping)
    safety_margin: float = 0.15  # share of the lesson's need kept in reserve when advising
    safety_minutes: float = 3.0  # and at least this many minutes
    window_seconds: float = 900.0  # drain measured over the last 15 minutes
    min_fit_seconds: float = 180.0  # no estimate from less than 3 minutes of readings
    # Real drain is about 1 % a minute at worst (laptop + projector); a faster fall on battery is
    # doubted until a second reading agrees, so one bad reading near 8 % cannot stop a lesson.
    max_drop_per_minute: float = 3.0
    min_drop_allowance: float = 3.0  # a drop of up to this many points is always believed
    max_rise: float = 5.0  # on battery, a rise above this is a glitch until seen twice
    confirm_within: float = 5.0  # a second reading this close to a doubtful one confirms it
    weak_charger_drop: float = 3.0  # plugged in yet this many points down: the charger cannot keep up
    # What each kind of item costs (cinema doctor --energy); None: the rest of the lesson is assumed
    # to drain as fast as what played while the drain was measured.
    energy: EnergyRates | None = None
    level: Level = field(default=Level.NORMAL, init=False)
    ignored: int = field(default=0, init=False)  # readings thrown away (nonsense, or a jump never confirmed)
    _samples: list[_Sample] = field(default_factory=list, init=False, repr=False)  # since the charger changed
    _last: PowerReading | None = field(default=None, init=False, repr=False)  # last accepted reading
    _doubtful: PowerReading | None = field(default=None, init=False, repr=False)
    _plan: LessonPlan | None = field(default=None, init=False, repr=False)
    _checked_index: int | None = field(default=None, init=False, repr=False)  # item last compared
    _last_advice: tuple[str, ...] | None = field(default=None, init=False, repr=False)
    _kinds: list[tuple[float, str]] = field(default_factory=list, init=False, repr=False)  # (since, energy kind)

    @classmethod
    def from_config(cls, config: PowerConfig, clock: Clock) -> PowerPolicy:
        return cls(clock, warn_percent=config.warn_percent, critical_percent=config.critical_percent)

    # ---- inputs -------------------------------------------------------------------

    def observe(self, reading: PowerReading) -> list[PowerDecision]:
        """One battery reading: maybe a change of level, maybe advice for the current plan."""
        now = self.clock.monotonic()
        if not self._accept(reading, now):
            return []
        decisions: list[PowerDecision] = []
        self.level, action = TRANSITIONS[(self.level, self._band(reading))]
        if action is not None:
            decisions.append(self._decision(action))
        return decisions + self._advise(now)

    def replan(self, plan: LessonPlan) -> list[PowerDecision]:
        """An item started (or the session did): compare what is left with the battery."""
        self._plan = plan
        now = self.clock.monotonic()
        self._played(now, plan.current_kind)
        return self._advise(now)

    # ---- what the kiosk may read ----------------------------------------------------

    @property
    def charging(self) -> bool:
        """On a charger that keeps up (a plugged-in battery that keeps falling does not count)."""
        return bool(self._last is not None and self._last.charging and not self._weak_charger())

    @property
    def on_battery(self) -> bool:
        """A battery reading says the laptop runs on it (unplugged, or a charger that does not keep up);
        False with no reading at all (a laptop with no battery to read is on mains)."""
        return self._last is not None and self._last.percent is not None and not self.charging

    @property
    def usable_minutes(self) -> float | None:
        """Minutes until the critical level, where the kiosk saves and stops: what the teacher has."""
        return self._usable()

    def budget(self, schedule: Iterable[tuple[str, float]] | None = None) -> Budget | None:
        """How long the battery lasts `schedule` ((energy kind, minutes) in order; default: the rest
        of the current plan), to the critical level; None on power, without a reading or rates."""
        last = self._last
        if self.energy is None or last is None or last.percent is None or self.charging:
            return None
        now = self.clock.monotonic()
        if schedule is None:
            schedule = self._plan.schedule(now) if self._plan is not None else ()
        return battery_minutes(last.percent, self.critical_percent, self._drain_model(), self.energy,
                               tuple(schedule))

    @property
    def minutes_left(self) -> float | None:
        """Minutes to empty: the battery's own figure when it gives a sane one, else the estimate."""
        return self._minutes()[0]

    @property
    def advising(self) -> bool:
        """The last comparison of the lesson with the battery found it short: its advice still stands."""
        return self._last_advice is not None

    @property
    def work(self) -> Work:
        return WORK[self.level]

    # ---- readings -------------------------------------------------------------------

    def _accept(self, reading: PowerReading, now: float) -> bool:
        p = reading.percent
        if p is None or not math.isfinite(p) or not 0.0 <= p <= 100.0:
            self.ignored += 1
            return False
        last = self._last
        if last is None or bool(last.charging) != bool(reading.charging):
            self._take(reading, now, fresh=True)
            return True
        if self._believable(last, reading, now):
            self._take(reading, now, fresh=False)
            return True
        doubtful = self._doubtful
        if doubtful is not None and abs(doubtful.percent - p) <= self.confirm_within:  # type: ignore[operator]
            # Seen twice: the battery really did jump (a recalibration, a swapped pack).
            self._take(reading, now, fresh=True)
            return True
        if doubtful is not None:
            self.ignored += 1  # the earlier doubtful reading was never confirmed
        self._doubtful = reading
        return False

    def _believable(self, last: PowerReading, reading: PowerReading, now: float) -> bool:
        assert last.percent is not None and reading.percent is not None
        change = reading.percent - last.percent
        if change > 0:
            return bool(reading.charging) or change <= self.max_rise
        minutes = max(0.0, now - self._samples[-1].at) / 60.0 if self._samples else 0.0
        return -change <= max(self.min_drop_allowance, self.max_drop_per_minute * minutes)

    def _take(self, reading: PowerReading, now: float, fresh: bool) -> None:
        if self._doubtful is not None and fresh:
            self._doubtful = None
        elif self._doubtful is not None:
            self.ignored += 1
            self._doubtful = None
        if fresh:
            self._samples = []  # a new charger state or a step: the old drain no longer applies
        assert reading.percent is not None
        self._samples.append(_Sample(now, reading.percent))
        self._samples = [s for s in self._samples if now - s.at <= self.window_seconds]
        self._last = reading

    def _weak_charger(self) -> bool:
        if self._last is None or not self._last.charging or not self._samples:
            return False
        return max(s.percent for s in self._samples) - self._samples[-1].percent >= self.weak_charger_drop

    def _band(self, reading: PowerReading) -> Band:
        p = reading.percent
        assert p is not None
        if self.charging:
            return Band.CHARGING
        if p <= self.critical_percent:
            return Band.CRITICAL
        if p <= self.warn_percent:
            return Band.LOW
        if p >= self.warn_percent + self.clear_gap:
            return Band.CLEAR
        return Band.FAIR

    # ---- time left ----------------------------------------------------------------------

    def _drain_per_minute(self) -> float | None:
        """Percent per minute lost, from a least-squares line through the recent readings."""
        samples = self._samples
        if len(samples) < 3 or samples[-1].at - samples[0].at < self.min_fit_seconds:
            return None
        n = len(samples)
        mean_t = sum(s.at for s in samples) / n
        mean_p = sum(s.percent for s in samples) / n
        var = sum((s.at - mean_t) ** 2 for s in samples)
        if var <= 0:
            return None
        slope = sum((s.at - mean_t) * (s.percent - mean_p) for s in samples) / var  # percent per second
        return -slope * 60.0 if slope < 0 else None

    def _minutes(self) -> tuple[float | None, bool]:
        last = self._last
        if last is None or self.charging:
            return None, False
        reported = last.minutes_left
        if reported is not None and math.isfinite(reported) and 0 <= reported <= 24 * 60:
            return reported, False
        drain = self._drain_per_minute()
        if drain is None or last.percent is None:
            return None, False
        return last.percent / drain, True

    def _played(self, now: float, kind: str) -> None:
        """`kind` plays from `now` on: kept for as long as the drain's window reaches back."""
        kinds = [k for k in self._kinds if now - k[0] <= self.window_seconds]
        older = [k for k in self._kinds if now - k[0] > self.window_seconds]
        self._kinds = older[-1:] + kinds + [(now, kind)]

    def _drain_model(self) -> Drain:
        """How fast each kind drains this battery: fitted to the readings against what played
        meanwhile (both parts of the draw when what played changed enough, else the model's scale),
        else scaled by the battery's own minutes left, else by the default battery size."""
        rates = self.energy
        assert rates is not None
        samples = self._samples
        if len(samples) >= 3 and samples[-1].at - samples[0].at >= self.min_fit_seconds:
            readings = [(s.at, s.percent) for s in samples]
            drain = fit_drain(readings, self._kinds, rates)
            if drain is not None:
                return drain
            scale = fit_scale(readings, self._kinds, rates)
            if scale is not None:
                return Drain.scaled(scale, rates)
        last = self._last
        reported = last.minutes_left if last is not None else None
        if (last is not None and last.percent and reported is not None and math.isfinite(reported)
                and 0 < reported <= 24 * 60):
            playing = self._kinds[-1][1] if self._kinds else "home"
            return Drain.scaled(scale_from_drain(last.percent / reported, playing, rates), rates)
        return Drain.scaled(default_scale(rates), rates, calibrated=False)

    def _usable(self) -> float | None:
        """Minutes until the critical threshold, where the kiosk will stop."""
        if self.energy is not None and self._plan is not None:
            budget = self.budget()
            if budget is not None and budget.calibrated:
                return budget.minutes  # the rest of the lesson's own items, in order
        minutes, _estimated = self._minutes()
        last = self._last
        if minutes is None or last is None or last.percent is None or last.percent <= 0:
            return None
        return max(0.0, minutes * (last.percent - self.critical_percent) / last.percent)

    # ---- advice ---------------------------------------------------------------------------

    def _advise(self, now: float) -> list[PowerDecision]:
        plan = self._plan
        if plan is None or plan.index == self._checked_index or self.level is Level.STOPPED:
            return []
        if self.charging:
            return []  # on power: nothing to shorten (looked at again once it is unplugged)
        usable = self._usable()
        if usable is None:
            return []  # not known yet; asked again with the next reading
        self._checked_index = plan.index
        needs = plan.needs(now)
        short = needs + max(self.safety_minutes, self.safety_margin * needs) - usable
        if short <= 0:
            self._last_advice = None
            return []
        skip, enough = plan_skips(plan.rest, short)
        ids = tuple(p.id for p in skip)
        if ids == self._last_advice:
            return []  # the same advice again would only nag
        self._last_advice = ids
        return [self._decision(Action.ADVISE, needs=needs, skip=skip, enough=enough)]

    def _decision(self, action: Action, needs: float | None = None, skip: tuple[PlannedItem, ...] = (),
                  enough: bool = True) -> PowerDecision:
        minutes, estimated = self._minutes()
        if needs is None and self._plan is not None:
            needs = self._plan.needs(self.clock.monotonic())
        percent = self._last.percent if self._last is not None else None
        return PowerDecision(action, percent, minutes, estimated, self._usable(), needs, skip, enough)
