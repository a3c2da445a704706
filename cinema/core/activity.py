"""Collecting answers to one question: one per handset, the last before the close wins."""

from __future__ import annotations

from dataclasses import dataclass, field

from cinema.core.content import Question


@dataclass
class AnswerBox:
    """Answers to one open question; keys outside the question's options are ignored."""

    question: Question
    answers: dict[str, str] = field(default_factory=dict)  # clicker -> key
    closed: bool = False

    def valid_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.question.options)

    def answer(self, clicker: str, key: str) -> bool:
        """Take a press; True when it counts (the question is open and the key is an option)."""
        key = key.upper()
        if self.closed or key not in self.valid_keys():
            return False
        self.answers[clicker] = key
        return True

    def close(self) -> None:
        self.closed = True

    @property
    def answered(self) -> int:
        return len(self.answers)

    def tally(self) -> dict[str, int]:
        counts = {k: 0 for k in self.valid_keys()}
        for key in self.answers.values():
            counts[key] += 1
        return counts

    def is_correct(self, key: str) -> bool | None:
        if self.question.correct is None:
            return None
        return key == self.question.correct
