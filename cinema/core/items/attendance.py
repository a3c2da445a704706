"""Attendance and pairing screens: cards are scanned (the engine marks attendance in any item);
on the pairing screen a scanned card followed by a key press gives that handset to the child."""

from __future__ import annotations

from cinema.core.events import ClickerPressed, Effect, Event, PlaySound
from cinema.core.items.base import ItemHandler
from cinema.core.records import HandsetPaired
from cinema.core.view import AttendanceBody, Body, ScanLine, Screen

PAIRING_WINDOW = 20.0  # seconds after a card scan in which a key press pairs the handset


class AttendanceHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        self.lesson.clear_scans()  # the screen lists this item's scans, newest first
        return super().enter()

    def view(self) -> tuple[Screen, Body]:
        roster = self.lesson.roster
        expected = len(roster.learners) if roster and roster.learners else None
        return Screen.ATTENDANCE, AttendanceBody(len(self.lesson.attendance), expected, self.lesson.recent_scans())


class PairingHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self.lesson.clear_scans()
        self.learner: str | None = None  # card just scanned, waiting for a key press
        self.since = 0.0
        return []

    def card_seen(self, learner: str) -> None:
        self.learner, self.since = learner, self.lesson.now()

    def _waiting(self) -> str | None:
        if self.learner is not None and self.lesson.now() - self.since <= PAIRING_WINDOW:
            return self.learner
        return None

    def handle(self, event: Event) -> list[Effect]:
        if not isinstance(event, ClickerPressed):
            return []
        learner = self._waiting()
        if learner is None:
            return []
        self.learner = None
        handsets = self.lesson.handsets
        if handsets.learner(event.clicker) == learner:
            return []
        before = handsets.learner(event.clicker)
        swapped = handsets.pair(event.clicker, learner)
        assert self.lesson.roster is not None
        self.lesson.remember(ScanLine(self.lesson.roster.label(learner), True))
        paired = HandsetPaired(clicker=event.clicker, learner_id=learner, replaces=swapped, was_learner=before)
        return [paired.record(), PlaySound("scan_ok")]

    def view(self) -> tuple[Screen, Body]:
        learner, roster = self._waiting(), self.lesson.roster
        waiting = roster.label(learner) if learner and roster is not None else ""
        expected = len(self.lesson.attendance) or None
        return Screen.PAIRING, AttendanceBody(len(self.lesson.handsets.learner_by_clicker), expected,
                                              self.lesson.recent_scans(), waiting)
