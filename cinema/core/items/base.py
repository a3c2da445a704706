"""What every item handler is: the lesson services it may use, and what it does (enter, handle, tick, view)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from cinema.core.events import ReplyStatus, Effect, Event
from cinema.core.view import Body, ScanLine, Screen

if TYPE_CHECKING:
    from cinema.core.content import Item, Playlist
    from cinema.core.roster import Handsets, Roster


class Lesson(Protocol):
    """The part of the session engine an item handler may use (and nothing else)."""

    playlist: Playlist
    roster: Roster | None
    handsets: Handsets
    index: int
    attendance: set[str]
    answers: int  # distinct answers (a changed answer counts once), for the closing screen

    def now(self) -> float: ...

    def frozen_now(self) -> float:
        """Now, or the moment the lesson was paused: timers do not run while paused."""
        ...

    def paused_total(self) -> float:
        """Seconds the current item has spent paused so far."""
        ...

    def remember(self, line: ScanLine) -> None:
        """Show a scanned card on the attendance and pairing screens."""
        ...

    def recent_scans(self) -> tuple[ScanLine, ...]: ...

    def clear_scans(self) -> None: ...

    def fail(self, reason: str) -> list[Effect]:
        """The item cannot go on: journal it, show a notice, then move on."""
        ...

    def finish(self, reason: str = "finished") -> list[Effect]:
        """The item is done: leave it and start the next one (or end the lesson)."""
        ...

    def detour(self, index: int, records: list[Effect]) -> list[Effect]:
        """Leave this item for the one at `index` (after `records`), then come back to the one after this."""
        ...

    def expected_handsets(self) -> int | None: ...

    def new_media_token(self) -> int:
        """A fresh token for a play request (stale media events carry an older one)."""
        ...

    def learn_duration(self, item_id: str, seconds: float) -> None:
        """A media file's length, learnt while playing, for the battery plan."""
        ...


@dataclass
class Stopwatch:
    """Seconds since a start, not counting time spent paused (a slide's or a question's timer)."""

    lesson: Lesson
    started_at: float = 0.0
    paused_base: float = 0.0

    def restart(self) -> None:
        self.started_at = self.lesson.now()
        self.paused_base = self.lesson.paused_total()

    def elapsed(self) -> float:
        return self.lesson.frozen_now() - self.started_at - (self.lesson.paused_total() - self.paused_base)


class ItemHandler:
    """One playlist item while it is the current one: `enter`, `handle`, `tick`, `view`.

    `next()`/`back()` step inside the item (a slide, a question) and return None when there is
    nothing left to step, so that the engine moves to the next (or previous) item.
    """

    #: set by media handlers: MediaFinished/MediaFailed/MediaPosition with another token are stale
    media_token: int = 0

    def __init__(self, item: Item, lesson: Lesson) -> None:
        self.item = item
        self.lesson = lesson
        self.watch = Stopwatch(lesson)

    def enter(self, start_at: float = 0.0) -> list[Effect]:
        self.watch.restart()
        return []

    def handle(self, event: Event) -> list[Effect]:
        """Presses, cards and media events while the lesson runs; ignored by default."""
        return []

    def tick(self) -> list[Effect]:
        return []

    def phone_answer(self, device: str, key: str, learner: str | None) -> tuple[list[Effect], ReplyStatus]:
        """A phone's answer (cinema.core.phone): the records, and what the phone is told. Only items
        with a question open take one."""
        return [], ReplyStatus.CLOSED

    def next(self) -> list[Effect] | None:
        return None

    def back(self) -> list[Effect] | None:
        return None

    def accept(self) -> list[Effect] | None:
        """Enter / OK: take what is offered on screen; by default the same as next."""
        return self.next()

    def decline(self) -> list[Effect] | None:
        """N: turn down what is offered; by default nothing happens ([])."""
        return []

    def pause(self, paused: bool) -> list[Effect]:
        """The lesson was paused or resumed (media items pause the player)."""
        return []

    def leave(self) -> list[Effect]:
        """The item is being left (media items stop the player)."""
        return []

    def view(self) -> tuple[Screen, Body]:
        raise NotImplementedError

    def seconds_left(self) -> float | None:
        """Time left on this item's timer, None when the teacher advances."""
        return None

    def item_seconds_left(self) -> float | None:
        """Time left on the whole item for the teacher screen (a timer, a video's rest); None: not known."""
        return self.seconds_left()

    def answering(self) -> set[str] | None:
        """Who has answered what is open now (handset ids, "card:<learner>" for a turned card); None when
        no question or check-in is open."""
        return None

    def elapsed(self) -> float:
        """How far into the item the lesson is, for the battery plan and the resume table."""
        return self.watch.elapsed()

    @property
    def position(self) -> float:
        """The second to resume at after a power cut (media items: the playing position)."""
        return 0.0


def whole_seconds(left: float | None) -> float | None:
    """Timers are shown in whole seconds, so a view changes at most once a second."""
    return None if left is None else max(0, math.ceil(left))
