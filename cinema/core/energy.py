"""Energy budget: what each kind of lesson item costs the battery, and how long it lasts THIS lesson.

The software's share of a laptop's draw is its CPU time, so `cinema doctor --energy` measures CPU
seconds per lesson-minute for each kind of item (`EnergyRates`). Power is modelled as
`idle_watts + watts_per_core * busy cores`; the battery's own falling percent scales the model to
this laptop and this battery (`fit_scale`): the kiosk knows what played while it fell. Then the
minutes the battery gives a lesson are where the cumulative drain of its items, in order, reaches
the critical level (`battery_minutes`): a video-heavy rest of the lesson runs out sooner than the
quiz the drain was measured on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from cinema.core.content import Item

# CPU seconds per lesson-minute by kind, as `cinema doctor --energy` measured the kiosk on the
# development laptop (2 cores, headless 1280x720, 2026-12-07); each kiosk measures its own.
DEFAULT_CPU: dict[str, float] = {
    "video_720p": 12.5,
    "video_1080p": 13.0,
    "slides": 0.2,
    "quiz": 0.25,  # a question waiting for answers
    "attendance": 19.0,  # the camera on, decoding cards
    "hub_idle": 0.5,  # the home screen with the phone hub listening: nothing plays
}
KINDS = tuple(DEFAULT_CPU)

# A kind nobody measured costs what the nearest measured one does.
NEAREST: dict[str, str] = {
    "video": "video_720p",
    "audio": "slides",  # decoding sound is cheap; the screen shows a still picture
    "screen": "slides",  # titles, breaks, results, closing: a still screen
    "home": "hub_idle",
}

PIXELS_720P = 1280 * 720
PIXELS_1080P = 1920 * 1080


@dataclass(frozen=True)
class EnergyRates:
    """CPU seconds per lesson-minute for each kind of item, and the power model's two defaults.

    `measured` is False for the shipped defaults (no `cinema doctor --energy` run on this laptop).
    `idle_watts` and `watts_per_core` set how much a busy core weighs against a laptop doing
    nothing; the battery's readings then scale both together. `battery_wh` is used only before
    the battery has said how fast it falls."""

    cpu: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CPU))
    measured: bool = False
    idle_watts: float = 7.0  # screen on, nothing running
    watts_per_core: float = 12.0  # one core kept busy
    battery_wh: float = 40.0
    note: str = ""  # where the rates came from (a file, a date), for `cinema doctor`

    def rate(self, kind: str) -> float:
        """CPU seconds per lesson-minute for `kind`, falling back to the nearest kind, then the defaults."""
        for k in (kind, NEAREST.get(kind, "")):
            if k in self.cpu:
                return max(0.0, float(self.cpu[k]))
        for k in (kind, NEAREST.get(kind, "")):
            if k in DEFAULT_CPU:
                return DEFAULT_CPU[k]
        return DEFAULT_CPU["slides"]

    def watts(self, kind: str) -> float:
        """The model's power while `kind` plays (relative: the battery's readings scale it)."""
        return self.idle_watts + self.watts_per_core * self.rate(kind) / 60.0

    def with_cpu(self, measured: Mapping[str, float], note: str = "") -> EnergyRates:
        return replace(self, cpu={**self.cpu, **measured}, measured=True, note=note)


def video_kind(pixels: int | None) -> str:
    """The measured video kind nearest a picture of `pixels` (unknown: the demo's 720p)."""
    if pixels is not None and pixels > (PIXELS_720P + PIXELS_1080P) // 2:
        return "video_1080p"
    return "video_720p"


def item_kind(item: Item, pixels: int | None = None) -> str:
    """The energy kind of a playlist item (`pixels`: its video's size when known)."""
    if item.type == "video":
        return video_kind(pixels)
    if item.type == "audio":
        return "audio"
    if item.type == "slides":
        return "slides"
    if item.type == "attendance" or (item.type == "activity" and item.answer_by_card):
        return "attendance"  # the camera is on
    if item.type in ("activity", "checkin", "pairing"):
        return "quiz"  # waiting for handsets, the screen redrawing a timer
    return "screen"


# ---- calibration from the battery's own readings ----------------------------------------


def watt_minutes(kinds: Sequence[tuple[float, str]], rates: EnergyRates, start: float, end: float,
                 before: str = "home") -> float:
    """The model's energy (watt-minutes) from `start` to `end` (clock seconds), given `kinds`: when
    each kind began, in time order. Before the first entry `before` was playing."""
    total, kind, at = 0.0, before, start
    for began, next_kind in kinds:
        if began <= start:
            kind = next_kind
            continue
        if began >= end:
            break
        total += rates.watts(kind) * (began - at) / 60.0
        kind, at = next_kind, began
    return total + rates.watts(kind) * max(0.0, end - at) / 60.0


def fit_scale(samples: Sequence[tuple[float, float]], kinds: Sequence[tuple[float, str]],
              rates: EnergyRates) -> float | None:
    """Percent of battery per model watt-minute: least squares of the readings (clock seconds,
    percent) against the model's cumulative energy over them. None when they do not fall."""
    if len(samples) < 3:
        return None
    t0 = samples[0][0]
    xs = [watt_minutes(kinds, rates, t0, t) for t, _p in samples]
    ps = [p for _t, p in samples]
    n = len(xs)
    mx, mp = sum(xs) / n, sum(ps) / n
    var = sum((x - mx) ** 2 for x in xs)
    if var <= 0:
        return None
    slope = sum((x - mx) * (p - mp) for x, p in zip(xs, ps)) / var
    return -slope if slope < 0 else None


def scale_from_drain(percent_per_minute: float, kind: str, rates: EnergyRates) -> float:
    """The scale from one drain figure (the battery's own minutes left) while `kind` played."""
    return percent_per_minute / rates.watts(kind)


def default_scale(rates: EnergyRates) -> float:
    """Percent per watt-minute for a `battery_wh` battery: before any reading says better."""
    return 100.0 / (rates.battery_wh * 60.0)


# ---- the budget for a lesson ------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How long the battery lasts a lesson, to the critical level where the kiosk saves and stops."""

    minutes: float  # from now until the critical level, the lesson's items playing in order, then home
    lesson_minutes: float  # what the lesson needs
    calibrated: bool  # scaled by this battery's readings, not by the default battery size

    @property
    def fits(self) -> bool:
        return self.minutes >= self.lesson_minutes

    @property
    def margin(self) -> float:
        """Minutes to spare after the lesson (negative: how many it is short)."""
        return self.minutes - self.lesson_minutes


def battery_minutes(percent: float, critical: float, scale: float, rates: EnergyRates,
                    schedule: Sequence[tuple[str, float]], after: str = "home",
                    calibrated: bool = True) -> Budget:
    """Minutes until the battery (at `percent`) reaches `critical` while `schedule` plays: (kind,
    minutes) in lesson order, then `after` (the home screen) for as long as it lasts."""
    left = max(0.0, percent - critical)
    lesson = sum(max(0.0, m) for _k, m in schedule)
    elapsed = 0.0
    for kind, minutes in schedule:
        minutes = max(0.0, minutes)
        rate = scale * rates.watts(kind)  # percent per minute
        if rate * minutes >= left:
            return Budget(elapsed + (left / rate if rate > 0 else minutes), lesson, calibrated)
        left -= rate * minutes
        elapsed += minutes
    rate = scale * rates.watts(after)
    return Budget(elapsed + left / rate if rate > 0 else float("inf"), lesson, calibrated)


__all__ = [
    "DEFAULT_CPU", "KINDS", "Budget", "EnergyRates", "battery_minutes", "default_scale", "fit_scale",
    "item_kind", "scale_from_drain", "video_kind", "watt_minutes",
]
