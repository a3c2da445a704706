"""Where camera frames come from: the webcams found, and a real OpenCV capture of an MJPEG file."""

import time

import cv2
import numpy as np

from cinema.devices.cards.sources import list_cameras, open_camera


def test_only_the_nodes_that_give_pictures_are_listed(tmp_path):
    dev, v4l = tmp_path / "dev", tmp_path / "sys"
    dev.mkdir()
    for n, index in ((0, "0"), (1, "1"), (2, "0"), (10, None)):
        (dev / f"video{n}").write_text("")
        if index is not None:
            (v4l / f"video{n}").mkdir(parents=True)
            (v4l / f"video{n}" / "index").write_text(index + "\n")
    # video1 is the first webcam's metadata node; video10 has no sysfs entry and is kept
    assert list_cameras(str(dev), str(v4l)) == [str(dev / "video0"), str(dev / "video2"), str(dev / "video10")]
    assert list_cameras(str(tmp_path / "nowhere"), str(v4l)) == []


def test_an_mjpeg_recording_plays_like_a_camera_at_its_own_rate_and_over_again(tmp_path):
    path = tmp_path / "room.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 20, (320, 240))
    for k in range(3):
        writer.write(np.full((240, 320, 3), 60 * (k + 1), np.uint8))
    writer.release()
    camera = open_camera(str(path))
    try:
        started = time.monotonic()
        frames = [camera.read() for _ in range(7)]
        took = time.monotonic() - started
    finally:
        camera.close()
    assert [f.shape for f in frames] == [(240, 320, 3)] * 7
    # frame by frame, and from the start again when it ends (a camera always shows the room)
    assert [round(float(f.mean()) / 60) for f in frames] == [1, 2, 3, 1, 2, 3, 1]
    assert took >= 6 / 20 * 0.9  # at the recording's 20 frames a second, not as fast as it decodes
    assert camera.mode is None  # no webcam mode asked of a file
