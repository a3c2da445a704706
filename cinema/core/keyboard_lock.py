"""The laptop keyboard during a lesson: locked, so a child's key press skips, restarts or closes
nothing; a key shows a short hint instead; the teacher opens it with the PIN for a while.

Pure and clocked from outside. What a locked key writes to the journal is bounded: one
`keyboard.locked` record when the hint appears, at most one a minute, however fast keys come.
"""

from __future__ import annotations

from dataclasses import dataclass

from cinema.core.events import Effect
from cinema.core.records import KeyboardLocked, KeyboardUnlocked

HINT_SECONDS = 4.0  # the hint stays this long after the last locked key, then goes
RECORD_EVERY = 60.0  # at most one keyboard.locked record a minute
OPEN_IDLE_SECONDS = 10 * 60.0  # an opened keyboard locks again after this long without a key


@dataclass
class KeyboardLock:
    open_until: float = float("-inf")  # unlocked while now < open_until; each key used extends it
    hint_until: float = float("-inf")
    ignored: int = 0  # locked keys not yet written in a keyboard.locked record
    last_record: float = float("-inf")

    def locked(self, now: float) -> bool:
        return now >= self.open_until

    def used(self, now: float) -> None:
        """The teacher used the open keyboard: it stays open a while longer."""
        self.open_until = now + OPEN_IDLE_SECONDS

    def unlock(self, now: float) -> list[Effect]:
        self.used(now)
        self.hint_until = float("-inf")
        return [KeyboardUnlocked(idle_minutes=OPEN_IDLE_SECONDS / 60).record()]

    def lock(self) -> None:
        self.open_until = float("-inf")

    def key(self, now: float) -> list[Effect]:
        """A key pressed while locked: the hint shows (or stays); journaled when it appears, at most once a minute."""
        appears = now >= self.hint_until
        self.hint_until = now + HINT_SECONDS
        self.ignored += 1
        if appears and now - self.last_record >= RECORD_EVERY:
            keys, self.ignored, self.last_record = self.ignored, 0, now
            return [KeyboardLocked(keys=keys).record()]
        return []

    def hint(self, now: float) -> bool:
        return now < self.hint_until
