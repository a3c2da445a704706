"""The picture on each card (a shape in a colour) so a child who cannot read finds their own.

A learner's symbol comes from their id (a hash), so a reprinted card keeps its picture; within
one class two children never share one while the class has at most 72 (12 shapes x 6 colours):
a child whose picture is taken gets the next free one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Things an 8-year-old can name in their own language, distinct in outline (so they still
# differ when printed in black and white).
SHAPES = ("circle", "square", "triangle", "star", "heart", "diamond",
          "moon", "house", "flower", "tree", "fish", "sun")
# Strong colours that stay apart on a cheap inkjet; red/green pairs also differ in lightness.
COLORS = {
    "red": (0.84, 0.15, 0.17),
    "blue": (0.12, 0.40, 0.80),
    "green": (0.16, 0.58, 0.25),
    "orange": (0.96, 0.55, 0.00),
    "purple": (0.50, 0.25, 0.65),
    "black": (0.15, 0.15, 0.15),
}
_COLOR_NAMES = tuple(COLORS)
COUNT = len(SHAPES) * len(COLORS)


@dataclass(frozen=True)
class Symbol:
    shape: str
    color: str

    @property
    def rgb(self) -> tuple[float, float, float]:
        return COLORS[self.color]


def _slot(learner_id: str) -> int:
    return int.from_bytes(hashlib.sha256(learner_id.encode()).digest()[:4], "big") % COUNT


def _symbol(slot: int) -> Symbol:
    # Neighbouring slots differ in shape first: a child who had to move on gets another shape.
    return Symbol(SHAPES[slot % len(SHAPES)], _COLOR_NAMES[(slot // len(SHAPES)) % len(COLORS)])


def symbol_for(learner_id: str) -> Symbol:
    """The learner's own symbol when nobody in the class shares it."""
    return _symbol(_slot(learner_id))


def symbols_for(learner_ids: list[str]) -> dict[str, Symbol]:
    """A symbol per learner, all different for up to 72 learners.

    Everyone first gets their own symbol where nobody else wants it (the lowest id wins a
    tie), then the others take the next free ones: a child's picture changes only when a
    newcomer to the class wants the very same one (or takes the one it had moved to).
    """
    ids = sorted(set(learner_ids))
    taken: dict[int, str] = {}
    waiting = []
    for learner_id in ids:
        slot = _slot(learner_id)
        if slot in taken:
            waiting.append(learner_id)
        else:
            taken[slot] = learner_id
    placed = {learner_id: slot for slot, learner_id in taken.items()}
    for learner_id in waiting:
        home = _slot(learner_id)
        free = next(((home + step) % COUNT for step in range(COUNT) if (home + step) % COUNT not in taken), None)
        if free is None:
            placed[learner_id] = home  # more than 72 learners: pictures repeat
        else:
            taken[free] = learner_id
            placed[learner_id] = free
    return {learner_id: _symbol(placed[learner_id]) for learner_id in learner_ids}
