"""Answer by card: the letter held on top is the answer, read from rendered cards turned by known angles."""

import math

import cv2
import numpy as np
import pytest

from cinema.core.roster import make_token
from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.decode import decode_frame
from cinema.devices.cards.photos import letter_on_top, render_card


@pytest.mark.parametrize("degrees, letter", [
    (0, "A"), (29, "A"), (-29, "A"), (30, "A"), (360, "A"),
    (90, "D"), (61, "D"), (119, "D"), (-270, "D"),
    (180, "C"), (-180, "C"), (155, "C"), (-155, "C"), (540, "C"),
    (-90, "B"), (270, "B"), (-115, "B"), (-61, "B"),
    (31, None), (45, None), (59, None), (-45, None), (135, None), (-135, None), (-31, None), (211, None),
])
def test_angle_to_letter(degrees, letter):
    assert answer_for(degrees) == letter


def test_a_narrower_tolerance_makes_more_cards_unclear():
    assert answer_for(20) == "A"
    assert answer_for(20, tolerance=15) is None


def turned(card: np.ndarray, degrees: float) -> np.ndarray:
    """The card turned `degrees` clockwise on a grey table, as a camera would see it."""
    pad = card.shape[0]
    big = cv2.copyMakeBorder(card, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=120)
    h, w = big.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)  # OpenCV turns counterclockwise
    return cv2.warpAffine(big, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=120)


def topmost_letter(card: np.ndarray, degrees: float) -> str:
    """Where each printed letter ends up after the turn, found from the drawing, not a table:
    the letter nearest the top of the picture is the one the learner holds up."""
    side = card.shape[0]
    letter = max(12, int((side) * 0.1))
    centres = {"A": (side / 2, letter / 2), "B": (side - letter / 2, side / 2),
               "C": (side / 2, side - letter / 2), "D": (letter / 2, side / 2)}
    a = math.radians(degrees)
    ys = {k: (x - side / 2) * math.sin(a) + (y - side / 2) * math.cos(a) for k, (x, y) in centres.items()}
    return min(ys, key=ys.get)


ANGLES = [0, 12, -25, 28, 90, 75, 105, 180, 170, -160, -90, 270, 250, -70, 40, -45, 135, 225]


@pytest.mark.parametrize("degrees", ANGLES)
def test_a_rendered_card_turned_by_a_known_angle_gives_the_letter_on_top(degrees):
    card = render_card(make_token("P", "s1", b"k"), module_px=6)
    found = decode_frame(turned(card, degrees))
    assert len(found) == 1
    expected = topmost_letter(card, degrees)
    assert letter_on_top(degrees) == expected  # the photo generator's truth agrees with the drawing
    off = abs((degrees % 90 + 45) % 90 - 45)
    if off <= 28:
        assert answer_for(found[0].orientation_degrees) == expected
    else:
        assert answer_for(found[0].orientation_degrees) is None


def test_the_letters_are_printed_where_the_mapping_expects_them():
    """A is on the top edge and faces up: the top band of an upright card holds ink, centred."""
    card = render_card(make_token("P", "s1", b"k"), module_px=6)
    side = card.shape[0]
    band = int(side * 0.08)
    for name, strip in {"A": card[2:band, :], "C": card[-band:-2, :],
                        "D": card[:, 2:band].T, "B": card[:, -band:-2].T}.items():
        ink = np.where(strip.min(axis=0) < 100)[0]
        assert len(ink), f"no letter {name}"
        assert abs((ink.min() + ink.max()) / 2 - side / 2) < side * 0.05, name
