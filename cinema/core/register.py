"""The class register: cards checked, who is present (each child once), the last few scans shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from cinema.core.events import Effect, PlaySound
from cinema.core.noise import NoiseMeter
from cinema.core.records import AttendanceRefused, AttendanceScanned, AttendanceUndone
from cinema.core.roster import Roster, verify_token
from cinema.core.view import ScanLine

RECENT_SCANS = 4
REPRINT = "Print a new card for this child"


@dataclass(frozen=True)
class Scan:
    """What one card scan gave: the records and sounds, and the child (None: refused)."""

    effects: list[Effect]
    learner: str | None = None
    already: bool = False  # the child was already marked present


@dataclass
class Register:
    roster: Roster | None
    present: set[str] = field(default_factory=set)
    recent: list[ScanLine] = field(default_factory=list)  # newest first
    noise: NoiseMeter = field(default_factory=NoiseMeter)  # refused cards per source, summed up once a minute
    by_hand: set[str] = field(default_factory=set)  # present because the teacher marked them (no card)

    def remember(self, line: ScanLine) -> None:
        self.recent.insert(0, line)
        del self.recent[RECENT_SCANS:]

    def scan(self, payload: str, source: str, index: int, show: bool = True, now: float = 0.0) -> Scan:
        """Check a card and mark the child present; `show` False keeps an accepted card off the
        recent list (the pairing screen lists the child once, when the handset is paired).

        Refused cards are journaled one by one only up to an allowance per source and minute; the
        rest are counted into that minute's `device.noise` record (see `cinema.core.noise`)."""
        if self.roster is None:
            return self._refused("no roster", source, now, sound=False)
        check = verify_token(payload, self.roster.program, self.roster.keys)
        if not check.valid or check.learner_id is None:
            return self._refused(check.reason, source, now)
        self.noise.accepted(source, now)
        learner = check.learner_id
        if learner in self.present:
            if learner in self.by_hand:
                # The child's card after all, after a mark by hand: present by card from now on (journaled
                # once, so the report does not count the child among those marked by hand).
                self.by_hand.discard(learner)
                confirmed = AttendanceScanned(learner_id=learner, source=source, index=index, old_key=check.old_key)
                return Scan([confirmed.record()], learner, already=True)
            return Scan([], learner, already=True)
        self.present.add(learner)
        # An old key is still accepted during the grace period after a key change; the teacher should reprint it.
        record = AttendanceScanned(learner_id=learner, source=source, index=index, old_key=check.old_key)
        if show:
            self.remember(ScanLine(self.roster.label(learner), True, REPRINT if check.old_key else ""))
        return Scan([record.record(), PlaySound("scan_ok")], learner)

    def mark(self, learner: str, index: int) -> list[Effect]:
        """The teacher marks a child present by hand (a forgotten card)."""
        self.present.add(learner)
        self.by_hand.add(learner)
        record = AttendanceScanned(learner_id=learner, source="teacher", index=index, via="teacher")
        return [record.record(), PlaySound("scan_ok")]

    def undo(self, learner: str) -> list[Effect]:
        """A mark by hand taken back: the child is not counted present any more."""
        self.present.discard(learner)
        self.by_hand.discard(learner)
        return [AttendanceUndone(learner_id=learner, via="teacher").record()]

    def _refused(self, reason: str, source: str, now: float, sound: bool = True) -> Scan:
        if not self.noise.refused(source, now):
            return Scan([])  # counted: the minute's device.noise record says how many
        effects: list[Effect] = [AttendanceRefused(reason=reason, source=source).record()]
        if sound:
            self.remember(ScanLine("", False, reason))
            effects.append(PlaySound("scan_refused"))
        return Scan(effects)
