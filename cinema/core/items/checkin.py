"""Wellbeing check-in: five faces, anonymous counts, and the calm item offered when the room needs it."""

from __future__ import annotations

from dataclasses import dataclass

from cinema.core.checkin import CheckinBox, face_for_key, needs_calm
from cinema.core.events import ClickerPressed, Effect, Event, ReplyStatus
from cinema.core.items.base import ItemHandler
from cinema.core.records import CheckinCalmAccepted, CheckinChanged, CheckinClosed, CheckinRecorded
from cinema.core.view import Body, CheckinBody, CheckinResultsBody, Screen


@dataclass(frozen=True)
class CalmOffer:
    """Decided once, when the check-in closes: the calm item the teacher may take (Enter) or not (N)."""

    index: int  # the calm item's place in the playlist
    title: str


class CheckinHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self.box = CheckinBox()
        self.results = False
        self.offer: CalmOffer | None = None
        return []

    def handle(self, event: Event) -> list[Effect]:
        if not isinstance(event, ClickerPressed) or self.results:
            return []
        vote = self.box.vote(event.clicker, event.key)
        if vote is None:
            return []
        face, previous = vote
        # The handset id is dropped here: only the face reaches the journal.
        kind = CheckinRecorded if previous is None else CheckinChanged
        return [kind(index=self.lesson.index, item=self.item.id, face=face, replaces=previous).record()]

    def phone_answer(self, device: str, key: str, learner: str | None) -> tuple[list[Effect], ReplyStatus]:
        """A phone's face: anonymous like a handset's (the phone and any child linked to it never reach
        the journal)."""
        if self.results:
            return [], ReplyStatus.CLOSED
        voter = f"phone:{device}"
        fx = self.handle(ClickerPressed(voter, key))
        face = face_for_key(key)
        if face is not None and self.box.votes.get(voter) == face:
            return fx, ReplyStatus.RECEIVED
        return fx, ReplyStatus.REFUSED

    def _close(self) -> list[Effect]:
        self.box.close()
        self.results = True
        counts = self.box.counts()
        target = self.lesson.playlist.index_of(self.item.calm_item) if self.item.calm_item else None
        if target is not None and needs_calm(counts, self.item.calm_threshold):
            self.offer = CalmOffer(target, self.lesson.playlist.items[target].title)
        return [CheckinClosed(index=self.lesson.index, item=self.item.id, counts=tuple(counts),
                              offer_calm=self.offer is not None).record()]

    def next(self) -> list[Effect] | None:
        return None if self.results else self._close()

    def accept(self) -> list[Effect] | None:
        if self.offer is None:
            return self.next()  # nothing offered: Enter just goes on, it never plays the calm item
        taken = CheckinCalmAccepted(index=self.lesson.index, item=self.item.id, calm_item=self.item.calm_item)
        return self.lesson.detour(self.offer.index, [taken.record()])

    def decline(self) -> list[Effect] | None:
        return None if self.results else []

    def answering(self) -> set[str] | None:
        return None if self.results else set(self.box.votes)

    def view(self) -> tuple[Screen, Body]:
        prompt = self.item.prompt or self.item.title
        if self.results:
            offer = self.offer
            return Screen.CHECKIN_RESULTS, CheckinResultsBody(prompt, self.box.counts(), offer is not None,
                                                              offer.title if offer else "")
        return Screen.CHECKIN, CheckinBody(prompt, self.box.answered)
