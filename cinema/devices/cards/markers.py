"""Answer cards read across a room: the big marker on a card's back, its number and the letter on top.

The family is ArUco DICT_5X5_100 (chosen by benchmarks/bench_card_room.py: at 1080p it read 40 of
40 and 63 of 63 cards within 3 s at 2-6 m with no wrong read; the 4x4 families made wrong reads
or read fewer). A card's number n (1..100) is marker id n - 1 (cinema.cards.numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from cinema.cards.numbers import CODES
from cinema.devices.cards.answer_card import answer_for

FAMILY = "5X5_100"  # CODES (cinema.cards.numbers) cards


def marker_id(number: int) -> int:
    """The marker id printed for card `number` (1..CODES)."""
    if not 1 <= number <= CODES:
        raise ValueError(f"an answer card number is 1 to {CODES}, not {number}")
    return number - 1


def card_number(marker: int) -> int:
    return marker + 1


def dictionary(family: str = FAMILY) -> cv2.aruco.Dictionary:
    """A cv2.aruco predefined dictionary by name without its prefix: "5X5_100", "APRILTAG_36h11"."""
    return cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, "DICT_" + family))


def detector_parameters() -> cv2.aruco.DetectorParameters:
    """The tuned parameters. Measured on 8 frames of 63-card rooms (4X4_100), reads / fps against
    OpenCV's defaults (bench_card_room.py `--defaults`): at 720p 86 % / 56 fps vs 84 % / 68 fps, at
    1080p 96 % / 52 vs 95 % / 62.

    - adaptive threshold windows 5, 15, 25, 35 px (default 3, 13, 23): the wider window keeps the
      inside of a large near card in one piece; 5 px still finds the 17-25 px far markers;
    - corner refinement: none (the default). The id and the letter need the corners only to a pixel;
      CORNER_REFINE_SUBPIX read the same cards and cost a quarter of the speed at 1080p;
    - minMarkerPerimeterRate left at 0.03: the smallest marker here (17 px at 6 m in a 1280 px frame,
      a 68 px perimeter) is above it, and 0.02 or 0.015 read nothing more;
    - useAruco3Detection off: it read fewer (74 % vs 84 % at 720p).
    """
    p = cv2.aruco.DetectorParameters()
    p.adaptiveThreshWinSizeMin = 5
    p.adaptiveThreshWinSizeMax = 35
    p.adaptiveThreshWinSizeStep = 10
    p.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_NONE
    return p


@dataclass(frozen=True)
class Marker:
    """One answer card in a picture."""

    number: int  # the card's number (1..CODES)
    angle: float  # how far the card is turned clockwise in the picture, degrees (-180..180]
    letter: str | None  # the letter on top (A/B/C/D, the back's: answer_card.BACK_LETTER_BY_TURN), None between two
    corners: tuple[tuple[float, float], ...]  # the marker's own TL, TR, BR, BL in the picture


class MarkerReader:
    """Reads every answer card in a frame (BGR or grayscale, full resolution). Not thread-safe: one
    reader per thread."""

    def __init__(self, family: str = FAMILY) -> None:
        self._detector = cv2.aruco.ArucoDetector(dictionary(family), detector_parameters())

    def read(self, frame: np.ndarray) -> list[Marker]:
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        corners, ids, _rejected = self._detector.detectMarkers(gray)
        if ids is None:
            return []
        found = []
        for quad, marker in zip(corners, ids.ravel()):
            points = tuple((float(x), float(y)) for x, y in quad[0])
            (x0, y0), (x1, y1) = points[0], points[1]  # the marker's own top edge
            angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
            found.append(Marker(card_number(int(marker)), round(angle, 1), answer_for(angle, back=True), points))
        return found
