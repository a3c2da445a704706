"""The teacher PIN prompt: digits typed (shown as dots), a wrong PIN said, closed after a quiet while."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cinema.core.events import PinDigit
from cinema.core.view import PinPrompt

PIN_TIMEOUT = 20.0  # seconds without a key before the prompt closes by itself
MAX_DIGITS = 12  # a child pressing keys cannot grow the PIN without bound


class PinResult(Enum):
    TYPING = "typing"
    RIGHT = "right"
    WRONG = "wrong"


@dataclass
class PinPad:
    expected: str
    typed: str | None = None  # None: the prompt is closed
    wrong: bool = False
    last_key_at: float = 0.0

    @property
    def is_open(self) -> bool:
        return self.typed is not None

    def open(self, now: float) -> None:
        self.typed, self.wrong, self.last_key_at = "", False, now

    def close(self) -> None:
        self.typed = None

    def key(self, event: PinDigit, now: float) -> PinResult:
        assert self.typed is not None
        if event.cancel:
            self.close()
        elif event.submit:
            if self.typed == self.expected:
                self.close()
                return PinResult.RIGHT
            self.typed, self.wrong = "", True
            return PinResult.WRONG
        elif event.digit.isdigit() and len(self.typed) < MAX_DIGITS:
            self.typed += event.digit
            self.last_key_at = now
        return PinResult.TYPING

    def expire(self, now: float) -> None:
        if self.typed is not None and now - self.last_key_at > PIN_TIMEOUT:
            self.close()

    def prompt(self) -> PinPrompt | None:
        return PinPrompt(len(self.typed), self.wrong) if self.typed is not None else None
