"""Tracking across frames: a code read in one frame is looked for again where it was when the next
frame's reads miss it; tracks are bounded, expire, and never report a code that is not in the frame."""

import shutil
from dataclasses import replace

import cv2
import numpy as np
import pytest

from cinema.cards.qr_payload import qr_code
from cinema.devices.cards.decode import CAMERA_OPTIONS, FrameDecoder, decode_frame
from cinema.devices.cards.tracking import Track, Tracks

TOKEN = "LC1.P.s001.ABCDEFGH"
OTHER = "LC1.P.s002.ABCDEFGH"
SQUARE = ((10, 10), (50, 10), (50, 50), (10, 50))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def frame(module_px: float = 0.0, at: tuple[int, int] = (200, 100), angle: float = 0.0,
          token: str = TOKEN) -> np.ndarray:
    """A small grey frame (640x360) with one code `module_px` a module (none when 0), turned `angle`°."""
    img = np.full((360, 640), 140, np.uint8)
    if module_px:
        code = np.pad(np.where(np.array(qr_code(token, "H").get_matrix(), bool), 0, 255).astype(np.uint8), 4, constant_values=255)
        side = round(code.shape[0] * module_px)
        x, y = at
        img[y:y + side, x:x + side] = cv2.resize(np.kron(code, np.ones((20, 20), np.uint8)), (side, side),
                                                 interpolation=cv2.INTER_AREA)
        img = cv2.warpAffine(img, cv2.getRotationMatrix2D((x + side / 2, y + side / 2), angle, 1), (640, 360),
                             borderValue=140)
    noise = np.random.default_rng(1).normal(0, 4, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


NEAR = frame(4.0)  # held up close: read by any decoder
# moved, turned and further away: 1.6 px a module, which plain decoding of the frame misses
FAR = frame(1.6, at=(220, 120), angle=25)


def test_a_track_reads_a_card_that_the_frame_s_own_reads_miss():
    assert decode_frame(FAR, CAMERA_OPTIONS) == []
    clock = FakeClock()
    decoder = FrameDecoder(CAMERA_OPTIONS, clock)
    assert [f.text for f in decoder.decode(NEAR)] == [TOKEN]
    clock.now = 0.1
    (found,) = decoder.decode(FAR)
    assert found.text == TOKEN
    # its corners are the frame's own pixels, on the card (53 px square around (246, 146))
    for x, y in found.corners:
        assert 200 <= x <= 295 and 100 <= y <= 195
    clock.now = 0.2  # read through the track, the track follows: the next frame finds it too
    assert [f.text for f in decoder.decode(FAR)] == [TOKEN]


def test_without_tracking_or_budget_the_far_card_is_not_read():
    for options in (replace(CAMERA_OPTIONS, tracking=False), replace(CAMERA_OPTIONS, track_ms=0.0)):
        decoder = FrameDecoder(options, FakeClock())
        decoder.decode(NEAR)
        assert decoder.decode(FAR) == []


def test_no_ghost_once_the_card_has_left_and_no_track_after_a_second():
    clock = FakeClock()
    decoder = FrameDecoder(CAMERA_OPTIONS, clock)
    decoder.decode(NEAR)
    clock.now = 0.1
    assert decoder.decode(frame()) == []  # gone: the track looks, finds nothing, reports nothing
    clock.now = 0.2
    # another card where the first one was: that one is what is there
    assert [f.text for f in decoder.decode(frame(4.0, token=OTHER))] == [OTHER]
    clock.now = 1.5  # both tracks last read over a second ago: forgotten
    assert decoder.decode(FAR) == [] and len(decoder.tracks) == 0


@pytest.mark.parametrize("seen, now, wanted", [
    ({"a": 0.0, "b": 0.5}, 0.6, ["b", "a"]),  # most recent first
    ({"a": 0.0, "b": 0.5}, 1.2, ["b"]),  # a's second is over
    ({"a": 0.0, "b": 0.1, "c": 0.2, "d": 0.3, "e": 0.4}, 0.5, ["e", "d", "c", "b"]),  # 4 at most: a made room
])
def test_tracks_are_few_and_expire(seen, now, wanted):
    tracks = Tracks(limit=4, lifetime=1.0)
    for text, at in seen.items():
        tracks.seen(text, SQUARE, at)
    assert [t.text for t in tracks.missing(set(), now)] == wanted
    assert [t.text for t in tracks.missing({wanted[0]}, now)] == wanted[1:]  # read this frame: not missing


def test_a_track_looked_for_in_vain_a_few_frames_running_is_dropped():
    tracks = Tracks(limit=4, lifetime=1.0, misses=3)
    tracks.seen("a", SQUARE, 0.0)
    for _ in range(2):
        tracks.looked("a")
    tracks.seen("a", SQUARE, 0.1)  # read again: the count starts over
    for k in range(3):
        assert [t.text for t in tracks.missing(set(), 0.2)] == ["a"]
        tracks.looked("a")
    assert tracks.missing(set(), 0.3) == [] and len(tracks) == 0


@pytest.mark.parametrize("corners, window", [
    (SQUARE, (0, 0, 81, 81)),  # 40 px code, grown by 30 px each side, clipped at the frame's top left
    (((600, 330), (630, 330), (630, 355), (600, 355)), (577, 307, 640, 360)),
    (((700, 10), (740, 10), (740, 50), (700, 50)), None),  # wholly outside the frame
])
def test_a_track_s_window_is_around_its_code_within_the_frame(corners, window):
    assert Track("x", corners, 0.0).window(640, 360, reach=0.75) == window


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils' pdftoppm")
def test_a_printed_card_moving_and_blurring_is_read_in_more_frames_and_never_after_it_left():
    from cinema.core.roster import verify_token
    from cinema.devices.cards.harsh_photos import moving_card, print_cards

    printed = print_cards(["m1"])
    clip = moving_card(printed, "m1", 10, seed=21, leaves_at=7)  # a clip where plain reads miss half: found by search
    assert [p.learner_ids for p in clip] == [("m1",)] * 7 + [()] * 3
    read = {}
    for tracking in (False, True):
        clock = FakeClock()
        # every pass, however loaded the machine running the tests
        decoder = FrameDecoder(replace(CAMERA_OPTIONS, tracking=tracking, track_ms=1e4), clock)
        read[tracking] = []
        for k, photo in enumerate(clip):
            clock.now = k / 30
            ids = {verify_token(f.text, printed.program, (printed.key,)).learner_id for f in decoder.decode(photo.image)}
            assert ids <= set(photo.learner_ids)  # never a wrong card, never one that has left
            read[tracking].append(bool(ids))
    assert all(read[True][k] or not read[False][k] for k in range(10))  # tracking only adds
    assert sum(read[True]) >= sum(read[False]) + 2 and sum(read[False]) >= 1


def test_looking_again_is_bounded_in_pixels_and_passes(monkeypatch):
    from cinema.devices.cards import decode

    clock = FakeClock()
    decoder = FrameDecoder(replace(CAMERA_OPTIONS, track_ms=1e4), clock)
    assert [f.text for f in decoder.decode(frame(8.0, at=(200, 50)))] == [TOKEN]  # a large code, near
    reads = []
    plain_read = decode._read
    monkeypatch.setattr(decode, "_read", lambda gray, options, binarizer: reads.append(gray.shape) or
                        plain_read(gray, options, binarizer))
    clock.now = 0.1
    assert decoder.decode(frame()) == []  # gone: the frame's read, then its window's passes
    assert 2 <= len(reads) <= 4 and all(max(shape) <= 1200 for shape in reads)
    # a large code (232 px) is enlarged only to about 300 px: its window, the whole 640x360 frame here, by 1.3x
    assert all(shape[0] <= 360 * 1.3 and shape[1] <= 640 * 1.3 for shape in reads[1:])
