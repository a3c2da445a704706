"""Decoding frames and files: every code in a frame, where it is, and a clear error for a bad file."""

import cv2
import numpy as np
import pytest

from cinema.core.roster import make_token
from cinema.devices.cards.decode import UnreadableImage, decode_file, decode_frame
from cinema.devices.cards.photos import render_card

KEY = b"k"


def scene_with_cards(tokens, size=(720, 1280)):
    frame = np.full(size, 150, np.uint8)
    for i, token in enumerate(tokens):
        card = render_card(token, module_px=5)
        y, x = 40 + (i // 4) * 330, 20 + (i % 4) * 315
        frame[y:y + card.shape[0], x:x + card.shape[1]] = card
    return frame


def test_every_card_in_a_frame_is_read_once_with_its_corners():
    tokens = [make_token("P", f"s{i}", KEY) for i in range(8)]
    found = decode_frame(scene_with_cards(tokens))
    assert sorted(f.text for f in found) == sorted(tokens)
    for f in found:
        xs = [x for x, _ in f.corners]
        ys = [y for _, y in f.corners]
        assert max(xs) - min(xs) > 100 and max(ys) - min(ys) > 100  # the code, not a point
        assert f.orientation_degrees == 0
        tl, tr, br, bl = f.corners
        assert tl[0] < tr[0] and tl[1] < bl[1]  # upright: top-left really is top left


def test_colour_and_grayscale_frames_give_the_same_codes():
    gray = scene_with_cards([make_token("P", "a", KEY), make_token("P", "b", KEY)])
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    assert decode_frame(gray) == decode_frame(bgr) == decode_frame(bgra)


@pytest.mark.parametrize("frame", [np.zeros((0, 0), np.uint8), np.zeros((720, 1280), np.uint8),
                                   np.zeros((4, 4, 7), np.uint8), np.full((720, 1280, 3), 255, np.uint8)])
def test_empty_or_odd_frames_find_nothing_and_do_not_raise(frame):
    assert decode_frame(frame) == []


def test_decode_file_reads_png_and_jpeg(tmp_path):
    token = make_token("P", "x1", KEY)
    frame = scene_with_cards([token])
    for name in ("card.png", "card.jpg", "card kärtchen.bmp"):
        ok, data = cv2.imencode("." + name.rsplit(".", 1)[1], frame)
        (tmp_path / name).write_bytes(data.tobytes())
        assert [f.text for f in decode_file(str(tmp_path / name))] == [token]


def test_decode_file_reads_what_only_pillow_opens(tmp_path):
    from PIL import Image

    token = make_token("P", "gif", KEY)
    Image.fromarray(scene_with_cards([token])).save(tmp_path / "card.gif")
    assert [f.text for f in decode_file(str(tmp_path / "card.gif"))] == [token]


@pytest.mark.parametrize("make, reason", [
    (lambda d: str(d / "missing.png"), "no such file"),
    (lambda d: str(d), "is a folder, not an image"),
    (lambda d: (d / "notes.png").write_text("not a picture") and str(d / "notes.png"), "not an image"),
    (lambda d: (d / "empty.jpg").write_bytes(b"") or str(d / "empty.jpg"), "not an image"),
])
def test_a_file_that_is_not_an_image_says_why(tmp_path, make, reason):
    with pytest.raises(UnreadableImage, match=reason):
        decode_file(make(tmp_path))


def test_second_passes_add_no_copy_of_a_card_already_read():
    from dataclasses import replace

    from cinema.devices.cards.decode import DEFAULT_OPTIONS

    tokens = [make_token("P", f"s{i}", KEY) for i in range(8)]
    frame = scene_with_cards(tokens)
    plain = decode_frame(frame, replace(DEFAULT_OPTIONS, second_passes=False))
    with_passes = decode_frame(frame, replace(DEFAULT_OPTIONS, second_pass_ms=1000.0))  # every pass runs
    assert sorted(f.text for f in with_passes) == sorted(tokens)  # each once, though every pass reads them
    assert with_passes[:len(plain)] == plain  # what plain reading found comes first, unchanged
