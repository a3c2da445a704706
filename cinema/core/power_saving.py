"""Less work below the battery's warning level: which steps apply at a power level, and one record per
step when it is taken or undone (never again at every reading).

The status bar's clock is not a step: it shows HH:MM and is drawn once a minute at every level
(`cinema.app.presenter.Presenter`); a record saying it was slowed on a low battery would not be true."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from cinema.core.events import Record
from cinema.core.power import Level
from cinema.core.records import PowerSavingRecord


class Step(Enum):
    """One way the kiosk works less; the value is the `step` of a `power.saving` record."""

    LOW_POWER_VIDEO = "low_power_video"  # videos play their lighter copy (`cinema import --low-power`)
    CAMERA_RATE = "camera_rate"  # fewer camera pictures read, outside attendance and answer-card questions
    # Nothing moves on screen that tells nothing: the audio screen's sound waves stand still, the webcam's
    # preview changes twice a second unless a card is in view (countdowns and times still count).
    NO_ANIMATIONS = "no_animations"


ALL_STEPS = frozenset(Step)
# Below the warning level every step; a stop keeps them (the lesson is paused, nothing should move).
STEPS: dict[Level, frozenset[Step]] = {
    Level.NORMAL: frozenset(),
    Level.LOW: ALL_STEPS,
    Level.STOPPED: ALL_STEPS,
}


def steps_at(level: Level, available: Iterable[Step] = ALL_STEPS) -> frozenset[Step]:
    """The steps taken at `level`, of those the lesson can take (no low-power copies: no such step)."""
    return STEPS[level] & frozenset(available)


@dataclass
class PowerSaving:
    """Feed it each change of power level (`follow`); it answers the records of the steps taken and
    undone since the last call, in `Step` order, and says which steps are on now (`on`)."""

    available: frozenset[Step] = ALL_STEPS
    steps: frozenset[Step] = field(default=frozenset(), init=False)

    def follow(self, level: Level) -> list[Record]:
        now = steps_at(level, self.available)
        taken, undone = now - self.steps, self.steps - now
        self.steps = now
        return [PowerSavingRecord(step=s.value, on=s in taken, level=level.value).record()
                for s in Step if s in taken or s in undone]

    def on(self, step: Step) -> bool:
        return step in self.steps
