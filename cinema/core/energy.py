"""Energy budget: what each kind of lesson item costs the battery, and how long it lasts THIS lesson.

The software's share of a laptop's draw is its CPU time, so `cinema doctor --energy` measures CPU
seconds per lesson-minute for each kind of item (`EnergyRates`). Power is modelled as
`idle_watts + watts_per_core * busy cores`; the battery's own falling percent scales the model to
this laptop and this battery (`fit_scale`), or, once what played has changed enough, sets both
parts itself (`fit_drain`): the kiosk knows what played while the battery fell. Then the
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
    "video_720p": 10.0,
    "video_1080p": 12.5,
    "slides": 0.25,
    "quiz": 0.25,  # a question waiting for answers
    "attendance": 6.7,  # the camera on: 30 pictures a second read for cards
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


@dataclass(frozen=True)
class Drain:
    """Battery percent per minute while a kind plays: `base` + `per_cpu` x its CPU seconds per
    lesson-minute. `calibrated`: from this battery's readings, not from the default battery size."""

    base: float
    per_cpu: float
    calibrated: bool = True

    def per_minute(self, kind: str, rates: EnergyRates) -> float:
        return self.base + self.per_cpu * rates.rate(kind)

    @classmethod
    def scaled(cls, scale: float, rates: EnergyRates, calibrated: bool = True) -> Drain:
        """The model's watts (`idle_watts`, `watts_per_core`) at `scale` percent per watt-minute."""
        return cls(scale * rates.idle_watts, scale * rates.watts_per_core / 60.0, calibrated)


def _integral(kinds: Sequence[tuple[float, str]], start: float, end: float, before: str,
              per_minute) -> float:
    """The sum of `per_minute(kind)` over the minutes from `start` to `end` (clock seconds), given
    `kinds`: when each kind began, in time order; before the first, `before` was playing."""
    total, kind, at = 0.0, before, start
    for began, next_kind in kinds:
        if began <= start:
            kind = next_kind
            continue
        if began >= end:
            break
        total += per_minute(kind) * (began - at) / 60.0
        kind, at = next_kind, began
    return total + per_minute(kind) * max(0.0, end - at) / 60.0


def watt_minutes(kinds: Sequence[tuple[float, str]], rates: EnergyRates, start: float, end: float,
                 before: str = "home") -> float:
    """The model's energy (watt-minutes) from `start` to `end` while `kinds` played."""
    return _integral(kinds, start, end, before, rates.watts)


def cpu_seconds(kinds: Sequence[tuple[float, str]], rates: EnergyRates, start: float, end: float,
                before: str = "home") -> float:
    """The CPU seconds the measured rates say were used from `start` to `end` while `kinds` played."""
    return _integral(kinds, start, end, before, rates.rate)


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


# The two parts of the draw are believed only when the readings pin each down to this share of it.
MAX_ERROR = 0.2


def fit_drain(samples: Sequence[tuple[float, float]], kinds: Sequence[tuple[float, str]],
              rates: EnergyRates) -> Drain | None:
    """Both parts of the drain from the readings: percent per minute whatever plays (`base`) and per
    CPU second (`per_cpu`), by least squares against the minutes and the CPU seconds that went by.
    None when the readings cannot tell them apart (what played hardly changed, so either part's
    standard error passes MAX_ERROR of it) or a part comes out negative: then only the model's
    scale is fitted (`fit_scale`)."""
    n = len(samples)
    if n < 4:
        return None
    t0 = samples[0][0]
    x1 = [(t - t0) / 60.0 for t, _p in samples]
    x2 = [cpu_seconds(kinds, rates, t0, t) for t, _p in samples]
    ps = [p for _t, p in samples]
    m1, m2, mp = sum(x1) / n, sum(x2) / n, sum(ps) / n
    s11 = sum((a - m1) ** 2 for a in x1)
    s22 = sum((b - m2) ** 2 for b in x2)
    s12 = sum((a - m1) * (b - m2) for a, b in zip(x1, x2))
    det = s11 * s22 - s12 * s12
    if s11 <= 0 or s22 <= 0 or det <= 1e-9 * s11 * s22:
        return None
    s1p = sum((a - m1) * (p - mp) for a, p in zip(x1, ps))
    s2p = sum((b - m2) * (p - mp) for b, p in zip(x2, ps))
    base = -(s1p * s22 - s2p * s12) / det
    per_cpu = -(s2p * s11 - s1p * s12) / det
    if base <= 0 or per_cpu <= 0:
        return None
    residual = sum((p - mp + base * (a - m1) + per_cpu * (b - m2)) ** 2 for a, b, p in zip(x1, x2, ps))
    variance = residual / (n - 3)
    if variance * s22 / det > (MAX_ERROR * base) ** 2 or variance * s11 / det > (MAX_ERROR * per_cpu) ** 2:
        return None
    return Drain(base, per_cpu)


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
    calibrated: bool  # from this battery's readings, not from the default battery size

    @property
    def fits(self) -> bool:
        return self.minutes >= self.lesson_minutes

    @property
    def margin(self) -> float:
        """Minutes to spare after the lesson (negative: how many it is short)."""
        return self.minutes - self.lesson_minutes


def battery_minutes(percent: float, critical: float, drain: Drain, rates: EnergyRates,
                    schedule: Sequence[tuple[str, float]], after: str = "home") -> Budget:
    """Minutes until the battery (at `percent`) reaches `critical` while `schedule` plays: (kind,
    minutes) in lesson order, then `after` (the home screen) for as long as it lasts."""
    left = max(0.0, percent - critical)
    lesson = sum(max(0.0, m) for _k, m in schedule)
    elapsed = 0.0
    for kind, minutes in schedule:
        minutes = max(0.0, minutes)
        rate = drain.per_minute(kind, rates)
        if rate * minutes >= left:
            return Budget(elapsed + (left / rate if rate > 0 else minutes), lesson, drain.calibrated)
        left -= rate * minutes
        elapsed += minutes
    rate = drain.per_minute(after, rates)
    return Budget(elapsed + left / rate if rate > 0 else float("inf"), lesson, drain.calibrated)


__all__ = [
    "DEFAULT_CPU", "KINDS", "Budget", "Drain", "EnergyRates", "battery_minutes", "cpu_seconds", "default_scale",
    "fit_drain", "fit_scale", "item_kind", "scale_from_drain", "video_kind", "watt_minutes",
]
