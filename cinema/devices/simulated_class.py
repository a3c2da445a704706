"""A simulated class: N children scanning cards, answering with clickers, voting in check-ins.

It watches what the screen shows and produces the same events real devices do. With
`teacher=True` it also plays the teacher (moves on when the room has answered), so a
headless demo runs from start to end with nobody at the keyboard.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

from cinema.core.clock import Clock
from cinema.core.events import CardScanned, ClickerPressed, Command, Event, TeacherCommand
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.view import Screen, View

FIRST_NAMES = (
    "Amina", "Yusuf", "Olena", "Taras", "Mariam", "Omar", "Sofia", "Ahmad", "Iryna", "Layla",
    "Bohdan", "Fatima", "Hassan", "Nadia", "Karim", "Daryna", "Zainab", "Ali", "Maksym", "Huda",
)
DEMO_PROGRAM = "DEMO"
DEMO_KEY = b"learning-cinema-demo-key"
TEACHER_WAIT = {  # seconds of session time the simulated teacher waits on screens that wait for them
    Screen.TITLE: 4.0, Screen.ATTENDANCE: 6.0, Screen.RESULTS: 4.0, Screen.CHECKIN_RESULTS: 4.0,
    Screen.CLOSING: 4.0, Screen.RESUME: 2.0, Screen.SLIDES: 5.0,
}


def demo_roster(n: int, program: str = DEMO_PROGRAM, key: bytes = DEMO_KEY) -> Roster:
    learners = tuple(Learner(f"L{i + 1:03d}", f"{FIRST_NAMES[i % len(FIRST_NAMES)]}") for i in range(n))
    return Roster(program, (key,), learners)


@dataclass
class _Plan:
    due: float
    event: Event


@dataclass
class SimulatedClass:
    roster: Roster
    clock: Clock
    key: bytes = DEMO_KEY
    teacher: bool = False
    seed: int = 7
    late: int = 2  # children who arrive during the next item and scan late
    plans: list[_Plan] = field(default_factory=list)
    # When set, the children show their cards to a (simulated) webcam instead: called once when
    # the attendance screen appears; only the refused cards still come as direct scans.
    cards_by_camera: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._screen_key: tuple | None = None
        self._screen_since = 0.0
        self._scanned = False
        self._late_done = False
        self._teacher_due: float | None = None

    @property
    def size(self) -> int:
        return len(self.roster.learners)

    def clicker(self, i: int) -> str:
        return f"{0xC1000 + i:08X}"  # as receivers report ids: 8 hex digits

    def step(self, view: View) -> list[Event]:
        """Events due now, given what the screen shows."""
        now = self.clock.monotonic()
        key = self._key(view)
        if key != self._screen_key:
            self._screen_key = key
            self._screen_since = now
            self.plans = [p for p in self.plans if isinstance(p.event, CardScanned)]
            self._teacher_due = None
            self._plan(view, now)
        due = [p for p in self.plans if p.due <= now]
        self.plans = [p for p in self.plans if p.due > now]
        events = [p.event for p in due]
        if self.teacher and view.pin is None and not view.paused:
            events += self._teach(view, now)
        return events

    @staticmethod
    def _key(view: View) -> tuple:
        body = view.body
        extra = getattr(body, "question_number", None) or getattr(body, "index", None)
        return (view.screen, view.item_number, extra)

    def _plan(self, view: View, now: float) -> None:
        n = self.size
        if view.screen is Screen.ATTENDANCE and not self._scanned:
            self._scanned = True
            on_time = max(0, n - self.late)
            t = now + 0.5
            if self.cards_by_camera is not None:
                self.cards_by_camera()
                self._late_done = True  # the camera keeps reading the late ones on later screens
                on_time = 0
            for i in range(on_time):
                t += self.rng.uniform(0.3, 1.0)
                self.plans.append(_Plan(t, CardScanned(self._card(i))))
                if i == 3:  # one child shows their card twice
                    self.plans.append(_Plan(t + 0.2, CardScanned(self._card(i))))
            # a card from another programme and a random QR code
            self.plans.append(_Plan(t + 0.4, CardScanned(make_token("OTHER", "X001", b"other"))))
            self.plans.append(_Plan(t + 0.8, CardScanned("https://example.org/not-a-card")))
        elif self._scanned and not self._late_done and view.screen is not Screen.ATTENDANCE:
            self._late_done = True
            for i in range(max(0, n - self.late), n):
                self.plans.append(_Plan(now + self.rng.uniform(1.0, 4.0), CardScanned(self._card(i))))
        if view.screen is Screen.PAIRING:
            # Each child scans their card, then presses a key on the handset they took from the bag.
            t = now + 0.5
            for i in range(n):
                t += self.rng.uniform(0.6, 1.2)
                self.plans.append(_Plan(t, CardScanned(self._card(i))))
                self.plans.append(_Plan(t + 0.3, ClickerPressed(self.clicker(i), self.rng.choice("ABCD"))))
            self._teacher_due = t + 2.0
            return
        if view.screen is Screen.QUESTION:
            body = view.body
            keys = [o.key for o in body.options]  # type: ignore[union-attr]
            for i in range(n):
                t = now + self.rng.uniform(1.0, 6.0)
                first = self.rng.choice(keys)
                self.plans.append(_Plan(t, ClickerPressed(self.clicker(i), first)))
                if self.rng.random() < 0.15:  # changes their mind
                    self.plans.append(_Plan(t + 1.0, ClickerPressed(self.clicker(i), self.rng.choice(keys))))
            self._teacher_due = now + 8.0
        if view.screen is Screen.CHECKIN:
            for i in range(n):
                face = self.rng.choices("12345", weights=(3, 3, 2, 2, 2))[0]
                self.plans.append(_Plan(now + self.rng.uniform(1.0, 5.0), ClickerPressed(self.clicker(i), face)))
            self._teacher_due = now + 7.0
        if view.screen in TEACHER_WAIT:
            if view.screen is Screen.SLIDES and getattr(view.body, "seconds_left", None) is not None:
                return  # timed slides move by themselves
            self._teacher_due = now + TEACHER_WAIT[view.screen]

    def _card(self, i: int) -> str:
        return make_token(self.roster.program, self.roster.learners[i].learner_id, self.key)

    def _teach(self, view: View, now: float) -> list[Event]:
        if self._teacher_due is None or now < self._teacher_due:
            return []
        if (view.screen is Screen.ATTENDANCE and view.body.count < self.size - self.late  # type: ignore[union-attr]
                and now < self._screen_since + 60):
            return []  # the teacher waits for the class to file past
        self._teacher_due = None
        if view.screen is Screen.RESUME:
            return [TeacherCommand(Command.ACCEPT)]
        if view.screen is Screen.CHECKIN_RESULTS and view.body.offer_calm:  # type: ignore[union-attr]
            return [TeacherCommand(Command.ACCEPT)]
        self._screen_key = None  # re-plan on the next step even if the screen looks the same
        return [TeacherCommand(Command.NEXT)]
