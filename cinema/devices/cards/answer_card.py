"""Answer by card: which letter a learner chose from how far their QR card is turned."""

from __future__ import annotations

# A card has A printed on its top edge, B right, C bottom, D left. A learner answers by holding
# the card with the chosen letter's edge on top. zxing-cpp reports how far the code is turned
# clockwise in the picture (checked on rendered cards: tests/devices/cards/test_answer_card.py):
# turned 90° clockwise the left edge (D) is on top; turned 90° counterclockwise (-90) the right
# edge (B) is.
LETTER_BY_TURN = {0: "A", 90: "D", 180: "C", 270: "B"}
# The back of an answer card (its big marker faces the camera, its QR side faces the child) carries
# each edge's own letter: the edge that is B on the front is B on the back too. Seen from the back,
# left and right swap, so the back has B on the left and D on the right, and a back turned 90°
# clockwise in the picture has B (its left edge) on top.
BACK_LETTER_BY_TURN = {0: "A", 90: "B", 180: "C", 270: "D"}
SEEN_FROM_THE_BACK = {"A": "A", "B": "D", "C": "C", "D": "B"}  # a front's edge letter -> the back's
TOLERANCE = 30.0  # degrees either side of upright / a quarter turn; between these it is unclear


def answer_for(orientation_degrees: float, tolerance: float = TOLERANCE, *, back: bool = False) -> str | None:
    """The letter on top for a card turned `orientation_degrees` clockwise, or None when the card
    is held too far between two letters (more than `tolerance` from every quarter turn).
    back: the angle is the back's (an answer card's marker), whose B and D are mirrored."""
    turn = orientation_degrees % 360.0
    nearest = round(turn / 90.0) % 4 * 90
    off = abs((turn - nearest + 180.0) % 360.0 - 180.0)
    if off > tolerance:
        return None
    return (BACK_LETTER_BY_TURN if back else LETTER_BY_TURN)[nearest]
