"""The teacher PIN prompt, drawn over any screen: its own small state table (closed, open, wrong),
the digits typed (shown as dots), and closed again after a quiet while."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cinema.core.events import PinDigit
from cinema.core.view import PinPrompt

PIN_TIMEOUT = 20.0  # seconds without a key before the prompt closes by itself
MAX_DIGITS = 12  # a child pressing keys cannot grow the PIN without bound


class PinState(Enum):
    CLOSED = "closed"
    OPEN = "open"  # asking for the PIN
    WRONG = "wrong"  # asking again, saying the last one was wrong


class PinStep(Enum):
    OPEN = "open"
    RIGHT = "right"
    WRONG = "wrong"
    CLOSE = "close"  # cancelled, or no key for PIN_TIMEOUT


TRANSITIONS: dict[tuple[PinState, PinStep], PinState] = {
    (PinState.CLOSED, PinStep.OPEN): PinState.OPEN,
    (PinState.OPEN, PinStep.OPEN): PinState.OPEN,  # Escape again: start the PIN over
    (PinState.WRONG, PinStep.OPEN): PinState.OPEN,
    (PinState.OPEN, PinStep.WRONG): PinState.WRONG,
    (PinState.WRONG, PinStep.WRONG): PinState.WRONG,
    (PinState.OPEN, PinStep.RIGHT): PinState.CLOSED,
    (PinState.WRONG, PinStep.RIGHT): PinState.CLOSED,
    (PinState.OPEN, PinStep.CLOSE): PinState.CLOSED,
    (PinState.WRONG, PinStep.CLOSE): PinState.CLOSED,
}


class PinResult(Enum):
    TYPING = "typing"
    RIGHT = "right"
    WRONG = "wrong"


@dataclass
class PinPad:
    expected: str
    state: PinState = PinState.CLOSED
    typed: str | None = None  # the digits so far; None while closed
    last_key_at: float = 0.0

    @property
    def is_open(self) -> bool:
        return self.state is not PinState.CLOSED

    def _go(self, step: PinStep) -> None:
        self.state = TRANSITIONS[(self.state, step)]
        self.typed = None if self.state is PinState.CLOSED else ""

    def open(self, now: float) -> None:
        self._go(PinStep.OPEN)
        self.last_key_at = now

    def close(self) -> None:
        if self.is_open:
            self._go(PinStep.CLOSE)

    def key(self, event: PinDigit, now: float) -> PinResult:
        assert self.typed is not None
        if event.cancel:
            self.close()
        elif event.submit:
            right = self.typed == self.expected
            self._go(PinStep.RIGHT if right else PinStep.WRONG)
            return PinResult.RIGHT if right else PinResult.WRONG
        elif event.digit.isdigit() and len(self.typed) < MAX_DIGITS:
            self.typed += event.digit
            self.last_key_at = now
        return PinResult.TYPING

    def expire(self, now: float) -> None:
        if self.is_open and now - self.last_key_at > PIN_TIMEOUT:
            self.close()

    def prompt(self) -> PinPrompt | None:
        if self.typed is None:
            return None
        return PinPrompt(len(self.typed), self.state is PinState.WRONG)
