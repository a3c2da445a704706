"""Judging a camera's picture for answer cards: too dark, out of focus, and how far cards can be read."""

import threading
import time

import cv2
import numpy as np
import pytest

from cinema.devices.cards.camera_check import grab_frames, look_at, look_at_frames, verdict
from cinema.devices.cards.markers import MarkerReader
from cinema.devices.cards.room import make_room
from cinema.devices.cards.sources import CameraUnavailable, FakeCamera


@pytest.fixture(scope="module")
def room():
    return make_room("5X5_100", (1920, 1080), 40, seed=3)


@pytest.fixture(scope="module")
def good(room):
    return room.frame(1)


def test_a_good_1080p_room_is_bright_and_sharp_and_reaches_the_back_row(good):
    look = look_at(good)
    ok, said, fix = verdict(look)
    assert ok and fix == ""
    assert look.reach_m > 6.0 and "1920x1080" in said and "readable up to 7.2 m" in said  # 98 mm codes, 17 px


def test_a_dark_room_is_said_to_be_too_dark_with_what_to_do(good):
    ok, said, fix = verdict(look_at((good * 0.25).astype(np.uint8)))
    assert not ok and "too dark" in said and "lights" in fix


def test_a_washed_out_picture_is_named(good):
    ok, said, fix = verdict(look_at(cv2.add(good, 170)))
    assert not ok and "washed out" in said and "window" in fix


def test_a_blurred_room_is_out_of_focus_and_its_reach_is_where_cards_stop_being_read(room, good):
    blurred = cv2.GaussianBlur(room.frame(0), (0, 0), 2.0)
    look = look_at(blurred)
    ok, said, fix = verdict(look)
    assert not ok and "out of focus" in said and "focus ring" in fix
    assert 2.5 < look.reach_m < 4.0
    # the reach it states is true: most cards nearer are read, few beyond it
    read = {m.number - 1 for m in MarkerReader().read(blurred)}
    near = [c.code in read for c in room.cards if c.distance_m <= look.reach_m]
    far = [c.code in read for c in room.cards if c.distance_m > look.reach_m]
    assert sum(near) >= 0.8 * len(near) and sum(far) <= 0.2 * len(far)


def test_sharpness_is_judged_at_the_frames_own_resolution(good):
    # the same room seen by a 720p camera: as sharp for its pixels, but the far cards are too few pixels wide
    small = look_at(cv2.resize(good, (1280, 720), interpolation=cv2.INTER_AREA))
    ok, said, fix = verdict(small)
    assert not small.blurred() and 4.5 < small.reach_m < 5.0
    assert not ok and "1280x720" in said and "the back row is at 6 m" in said and "1920x1080" in fix
    assert verdict(small, distance_m=4.5)[0]  # a class sitting closer is read


def test_a_covered_lens_gives_no_sharpness_to_judge():
    look = look_at(np.full((120, 160, 3), 128, np.uint8))
    ok, said, fix = verdict(look)
    assert look.edge_px is None and not ok and "lens cap" in fix


def test_a_few_frames_are_judged_by_their_median(good):
    dark = np.zeros_like(good)
    look = look_at_frames([dark, good, good])  # a camera's first frame, still setting its exposure
    assert verdict(look)[0]
    assert look_at_frames([]) is None


def test_frames_are_grabbed_within_the_time_given_even_from_a_camera_that_hangs(good):
    small = cv2.resize(good, (320, 180))
    assert len(grab_frames(FakeCamera([small], fps=None).open, seconds=2.0, count=3, settle=0)) == 3
    # a camera still finding its exposure: its first second is left out, unless nothing else comes
    camera = FakeCamera([np.zeros_like(small)] * 2 + [small], fps=5, loop=False)  # 0.2 s apart
    assert [f.mean() > 0 for f in grab_frames(camera.open, seconds=2.0, count=3, settle=0.5)] == [True]

    release = threading.Event()

    class Hangs:
        def read(self):
            release.wait(5)
            return None

        def close(self):
            pass

    start = time.monotonic()
    assert grab_frames(lambda: Hangs(), seconds=0.2) == []
    assert time.monotonic() - start < 1.0
    release.set()

    def unplugged():
        raise CameraUnavailable("no camera plugged in")

    assert grab_frames(unplugged, seconds=1.0) == []
