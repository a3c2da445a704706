"""The class register: cards checked, who is present (each child once), the last few scans shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from cinema.core.events import Effect, PlaySound
from cinema.core.records import AttendanceRefused, AttendanceScanned
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

    def remember(self, line: ScanLine) -> None:
        self.recent.insert(0, line)
        del self.recent[RECENT_SCANS:]

    def scan(self, payload: str, source: str, index: int, show: bool = True) -> Scan:
        """Check a card and mark the child present; `show` False keeps an accepted card off the
        recent list (the pairing screen lists the child once, when the handset is paired)."""
        if self.roster is None:
            return Scan([AttendanceRefused(reason="no roster", source=source).record()])
        check = verify_token(payload, self.roster.program, self.roster.keys)
        if not check.valid or check.learner_id is None:
            self.remember(ScanLine("", False, check.reason))
            return Scan([AttendanceRefused(reason=check.reason, source=source).record(), PlaySound("scan_refused")])
        learner = check.learner_id
        if learner in self.present:
            return Scan([], learner, already=True)
        self.present.add(learner)
        # An old key is still accepted during the grace period after a key change; the teacher should reprint it.
        record = AttendanceScanned(learner_id=learner, source=source, index=index, old_key=check.old_key)
        if show:
            self.remember(ScanLine(self.roster.label(learner), True, REPRINT if check.old_key else ""))
        return Scan([record.record(), PlaySound("scan_ok")], learner)
