"""The synthetic classroom (cinema/devices/cards/room.py): repeatable, and its truth is what it drew."""

import math

import cv2
import numpy as np
import pytest

from cinema.devices.cards.decode import decode_frame
from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.photos import letter_on_top
from cinema.devices.cards.room import CODE_M, QR, code_px, dictionary, make_room

SIZE = (1280, 720)


def read_markers(frame, family):
    det = cv2.aruco.ArucoDetector(dictionary(family), cv2.aruco.DetectorParameters())
    corners, ids, _ = det.detectMarkers(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    found = {}
    for c, i in zip(corners, [] if ids is None else ids.ravel()):
        (x0, y0), (x1, y1) = c[0][0], c[0][1]
        side = float(np.mean([np.linalg.norm(c[0][j] - c[0][(j + 1) % 4]) for j in range(4)]))
        found[int(i)] = (answer_for(math.degrees(math.atan2(y1 - y0, x1 - x0)), 45, back=True), side)
    return found


def test_the_same_seed_draws_the_same_room_and_another_seed_another():
    a, b = make_room("4X4_100", SIZE, 12, seed=5), make_room("4X4_100", SIZE, 12, seed=5)
    assert a.cards == b.cards
    assert np.array_equal(a.frame(3), b.frame(3))
    assert not np.array_equal(a.frame(3), a.frame(4))  # hands move between frames
    c = make_room("4X4_100", SIZE, 12, seed=6)
    assert [x.code for x in c.cards] != [x.code for x in a.cards]
    assert len({x.code for x in a.cards}) == 12  # every child has their own code


def test_upright_markers_close_up_read_back_with_their_ids_and_letter_a():
    room = make_room("4X4_100", SIZE, 5, seed=2, distances=(1.2, 1.6), upright=True)
    found = read_markers(room.frame(0), "4X4_100")
    assert set(found) == {c.code for c in room.cards}
    assert {letter for letter, _ in found.values()} == {"A"}


@pytest.mark.parametrize("family", ["5X5_100", "APRILTAG_36h11"])
def test_turned_cards_read_back_with_the_letter_the_truth_says(family):
    room = make_room(family, SIZE, 8, seed=4, distances=(1.2, 1.8), thumbs=False)
    assert len({c.letter for c in room.cards}) > 1  # the room holds up more than one answer
    found = read_markers(room.frame(0), family)
    assert {code: letter for code, (letter, _) in found.items()} == {c.code: c.letter for c in room.cards}


def test_a_card_is_as_large_as_the_cameras_field_of_view_makes_it():
    assert code_px(6.0, 1920) == pytest.approx(20.4, abs=0.5)  # 98 mm at 6 m, 75 degrees
    room = make_room("4X4_100", SIZE, 6, seed=8, distances=(1.5, 3.0), upright=True)
    found = read_markers(room.frame(0), "4X4_100")
    for card in room.cards:
        expected = code_px(card.distance_m, SIZE[0], size_m=CODE_M)
        assert found[card.code][1] == pytest.approx(expected, rel=0.25)


def test_a_qr_card_in_a_close_sharp_room_is_read_by_the_kiosks_decoder():
    room = make_room(QR, SIZE, 3, seed=1, distances=(0.7, 0.8))
    found = decode_frame(room.frame(0))
    got = {f.text: letter_on_top(f.orientation_degrees) for f in found}
    assert got == {c.payload: c.letter for c in room.cards}
    assert all(c.payload.split(".")[2] == room.learner_id(c.code) for c in room.cards)


def test_a_room_too_full_for_the_frame_says_so():
    with pytest.raises(ValueError):
        make_room("4X4_1000", (320, 180), 200, seed=1, distances=(1.0, 1.2))


def test_each_card_is_held_by_a_thumb_on_its_lower_edge_as_the_camera_sees_it():
    kw = dict(distances=(1.5, 2.5), upright=True)
    held = make_room("4X4_100", SIZE, 6, seed=3, **kw).frame(0).astype(int)
    room = make_room("4X4_100", SIZE, 6, seed=3, thumbs=False, **kw)
    ys, xs = np.nonzero(np.abs(held - room.frame(0).astype(int)).max(axis=2) > 40)
    assert len(ys) > 6 * 20  # a thumb on every card
    centres = np.array([c.center for c in room.cards])
    nearest = np.argmin((xs[:, None] - centres[:, 0]) ** 2 + (ys[:, None] - centres[:, 1]) ** 2, axis=1)
    below = ys > centres[nearest, 1] + 0.5 * np.array([c.card_px for c in room.cards])[nearest]
    assert below.mean() > 0.95  # under the code, on the card's bottom margin
