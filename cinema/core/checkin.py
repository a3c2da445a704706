"""Wellbeing check-in: anonymous counts of five faces and the "room needs calm" rule."""

from __future__ import annotations

from dataclasses import dataclass, field

FACE_KEYS = ("1", "2", "3", "4", "5")  # 1 = very sad .. 5 = very happy
# With fewer answers than this no counts are shown anywhere: two sad faces out of three votes single
# a child out.
MIN_ANSWERS_SHOWN = 5
# The counts of the saddest faces are for the teacher, never for the whole room on the projector.
PRIVATE_FACES = 2
# Handsets with letters only: A..E stand for the same five faces.
LETTER_FACES = {"A": "1", "B": "2", "C": "3", "D": "4", "E": "5"}


def face_for_key(key: str) -> int | None:
    key = LETTER_FACES.get(key.upper(), key.upper())
    return int(key) if key in FACE_KEYS else None


@dataclass
class CheckinBox:
    """Votes by handset, held only in memory so a changed vote replaces the old one.

    Only faces (never the handset) go to the journal.
    """

    votes: dict[str, int] = field(default_factory=dict)
    closed: bool = False

    def vote(self, clicker: str, key: str) -> tuple[int, int | None] | None:
        """Returns (face, previous face or None) when the vote counts."""
        face = face_for_key(key)
        if self.closed or face is None:
            return None
        previous = self.votes.get(clicker)
        if previous == face:
            return None
        self.votes[clicker] = face
        return face, previous

    def close(self) -> None:
        self.closed = True

    @property
    def answered(self) -> int:
        return len(self.votes)

    def counts(self) -> tuple[int, int, int, int, int]:
        c = [0, 0, 0, 0, 0]
        for face in self.votes.values():
            c[face - 1] += 1
        return (c[0], c[1], c[2], c[3], c[4])


def shown_counts(counts: tuple[int, ...]) -> tuple[int, ...] | None:
    """The counts anyone may be shown (the teacher's strip, a report): None with too few answers."""
    return tuple(counts) if sum(counts) >= MIN_ANSWERS_SHOWN else None


def room_counts(counts: tuple[int, ...]) -> tuple[int | None, ...]:
    """What the projector may show the room, face by face: None where the count stays hidden (the
    saddest faces always; every face with too few answers)."""
    shown = shown_counts(counts)
    if shown is None:
        return tuple(None for _ in counts)
    return tuple(None if face <= PRIVATE_FACES else n for face, n in enumerate(shown, start=1))


def needs_calm(counts: tuple[int, ...], threshold: float) -> bool:
    """True when the two lowest faces make up more than `threshold` of the votes."""
    total = sum(counts)
    if total == 0:
        return False
    return (counts[0] + counts[1]) / total > threshold
