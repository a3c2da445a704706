"""The camera scanner: cards in view become scans, repeats are held back, a lost camera comes back."""

import threading
import time

import numpy as np
import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import CardScanned, DeviceChanged
from cinema.core.roster import make_token
from cinema.devices.cards import camera as camera_mod
from cinema.devices.cards import sources as sources_mod
from cinema.devices.cards.camera import CameraScanner, Debouncer
from cinema.devices.cards.sources import CameraUnavailable, FakeCamera, open_camera, register_fake_camera, \
    unregister_fake_camera
from cinema.devices.cards.photos import render_card

KEY = b"k"
EMPTY = np.full((720, 1280, 3), 140, np.uint8)


def frame_with(*learners):
    frame = EMPTY.copy()
    for i, learner in enumerate(learners):
        card = render_card(make_token("P", learner, KEY), module_px=5)
        x = 40 + i * 400
        frame[100:100 + card.shape[0], x:x + card.shape[1]] = card[:, :, None]
    return frame


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


class Recorder:
    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.events.append(event)

    def scans(self):
        with self.lock:
            return [e.payload for e in self.events if isinstance(e, CardScanned)]

    def devices(self):
        with self.lock:
            return [(e.name, e.connected) for e in self.events if isinstance(e, DeviceChanged)]


@pytest.fixture
def run():
    scanners = []

    def start(source, **kw):
        rec = Recorder()
        kw.setdefault("reopen_every", 0.05)
        kw.setdefault("lost_after", 0.1)
        scanner = CameraScanner(source, rec, **kw)
        scanners.append(scanner)
        scanner.start()
        return scanner, rec

    yield start
    for s in scanners:
        s.stop()
        assert not any(t.is_alive() for t in s._threads), "a camera thread did not stop"


def test_each_card_in_view_is_scanned_once_while_it_stays(run):
    frames = [EMPTY] * 3 + [frame_with("amal", "bohdan")] * 20 + [frame_with("chen")] * 20
    cam = FakeCamera(frames, fps=200, loop=False)
    scanner, rec = run(cam.open, repeat_after=60)
    assert wait_for(lambda: cam.ended and "LC1.P.chen" in " ".join(rec.scans()))
    assert sorted(rec.scans()) == sorted(make_token("P", n, KEY) for n in ("amal", "bohdan", "chen"))
    assert all(e.source == "camera" for e in rec.events if isinstance(e, CardScanned))
    assert rec.devices()[0] == ("camera", True)


def test_a_card_still_in_view_is_reported_again_after_the_repeat_time():
    clock = FakeClock()
    d = Debouncer(every=5.0)
    table = [(0.0, "a", True), (1.0, "a", False), (1.0, "b", True), (4.9, "a", False), (5.0, "a", True),
             (6.0, "b", True), (9.0, "a", False), (10.0, "a", True)]
    for at, text, fresh in table:
        clock.advance(1000 + at - clock.monotonic())
        assert d.fresh(text, clock.monotonic()) is fresh, (at, text)


def test_the_debouncer_forgets_the_oldest_codes_beyond_its_limit():
    d = Debouncer(every=5.0, keep=3)
    for i, text in enumerate("abcd"):
        assert d.fresh(text, i * 0.1)
    assert d.fresh("a", 0.5)  # forgotten: reported again
    assert not d.fresh("d", 0.5)


def test_no_camera_is_reported_at_once_and_tried_again_until_it_is_plugged_in(run):
    cam = FakeCamera([frame_with("amal")], fps=200, present=False)
    scanner, rec = run(cam.open)
    assert wait_for(lambda: rec.devices() == [("camera", False)])
    time.sleep(0.2)
    assert rec.devices() == [("camera", False)]  # told once, not at every retry
    cam.present = True
    assert wait_for(lambda: rec.devices() == [("camera", False), ("camera", True)] and rec.scans())
    assert scanner.status()["connected"] is True


def test_a_camera_that_vanishes_is_reported_lost_and_reopened(run):
    cam = FakeCamera([frame_with("amal")], fps=200)
    scanner, rec = run(cam.open, repeat_after=60)
    assert wait_for(lambda: rec.scans())
    cam.present = False
    assert wait_for(lambda: rec.devices() == [("camera", True), ("camera", False)])
    cam.present = True
    assert wait_for(lambda: rec.devices()[-1:] == [("camera", True)])
    assert cam.opens == 2 and scanner.stats.losses == 1
    assert rec.scans() == [make_token("P", "amal", KEY)]  # the same card, still within its repeat time


def test_black_frames_scan_nothing_and_are_noticed(run):
    cam = FakeCamera([frame_with("amal")], fps=200)
    cam.black = True
    clock = FakeClock()
    scanner, rec = run(cam.open, clock=clock)
    assert wait_for(lambda: scanner.stats.decoded > 5)
    assert not scanner.dark  # a moment of black is a hand in front of the lens
    clock.advance(3.0)
    assert wait_for(lambda: scanner.dark)
    assert rec.scans() == []
    cam.black = False
    assert wait_for(lambda: rec.scans() and not scanner.dark)


def test_dropped_frames_are_not_a_lost_camera(run):
    cam = FakeCamera([frame_with("amal"), EMPTY], fps=300)
    cam.drop_every = 2
    scanner, rec = run(cam.open, lost_after=0.5, repeat_after=0.05)
    assert wait_for(lambda: len(rec.scans()) >= 3)
    assert rec.devices() == [("camera", True)]


def test_a_slow_decoder_skips_to_the_newest_frame(run, monkeypatch):
    real = camera_mod.FrameDecoder.decode

    def slow(self, frame):
        time.sleep(0.05)
        return real(self, frame)

    monkeypatch.setattr(camera_mod.FrameDecoder, "decode", slow)
    frames = [EMPTY] * 30 + [frame_with("late")] * 1000
    cam = FakeCamera(frames, fps=200, loop=False)
    started = time.monotonic()
    scanner, rec = run(cam.open)
    assert wait_for(lambda: rec.scans())
    # the card appeared 0.15 s in; decoding every frame in turn would take 30 x 0.05 = 1.5 s to reach it
    assert time.monotonic() - started < 0.9
    assert scanner.stats.skipped > 0


def test_a_failing_event_handler_does_not_stop_the_camera(run):
    calls = []

    def broken(event):
        calls.append(event)
        raise RuntimeError("handler bug")

    cam = FakeCamera([frame_with("amal"), frame_with("bohdan")] * 5, fps=200, loop=False)
    scanner = CameraScanner(cam.open, broken, reopen_every=0.05, repeat_after=60)
    scanner.start()
    try:
        assert wait_for(lambda: len([c for c in calls if isinstance(c, CardScanned)]) == 2)
    finally:
        scanner.stop()


def test_the_preview_is_small_rgb_with_the_codes_scaled_to_it(run):
    cam = FakeCamera([frame_with("amal")], fps=200)
    scanner, rec = run(cam.open)
    assert wait_for(lambda: scanner.preview() is not None and scanner.preview().codes)
    p = scanner.preview()
    assert (p.width, p.height) == (320, 180) and len(p.rgb) == 320 * 180 * 3
    xs = [x for x, _ in p.codes[0].corners]
    assert 0 <= min(xs) < max(xs) <= 320
    assert max(xs) - min(xs) < 100  # scaled from 1280 wide to 320


def test_answer_by_card_gets_each_frames_codes_with_their_orientation(run):
    seen = []
    frame = np.ascontiguousarray(np.rot90(frame_with("amal")[:, :720]))  # the card turned 90° (CCW)
    cam = FakeCamera([frame], fps=200)
    scanner, rec = run(cam.open, on_found=seen.append)
    assert wait_for(lambda: seen)
    assert seen[0][0].orientation_degrees == -90


def test_open_camera_finds_registered_fakes_and_says_when_there_is_none(monkeypatch):
    cam = FakeCamera([EMPTY])
    register_fake_camera("fake://cam", cam.open)
    try:
        assert open_camera("fake://cam") is cam
    finally:
        unregister_fake_camera("fake://cam")
    with pytest.raises(LookupError):
        open_camera("fake://nobody")
    monkeypatch.setattr(sources_mod, "list_cameras", lambda: [])
    with pytest.raises(CameraUnavailable, match="no camera"):
        open_camera("auto")


def test_a_scanner_given_a_spec_string_opens_through_the_seam(run):
    cam = FakeCamera([frame_with("amal")], fps=200)
    register_fake_camera("fake://class", cam.open)
    try:
        scanner, rec = run("fake://class")
        assert wait_for(lambda: rec.scans())
    finally:
        unregister_fake_camera("fake://class")


def test_a_missing_real_device_is_unavailable_not_a_crash():
    with pytest.raises(CameraUnavailable):
        open_camera("/dev/video-not-there")


def test_a_class_walking_past_the_camera_is_all_marked_and_nobody_else(run):
    from cinema.core.roster import verify_token
    from cinema.devices.cards.photos import class_parade

    ids = [f"k{i}" for i in range(6)]
    shown = []
    frames = class_parade("P", KEY, ids, seed=3, hold_frames=12, gap_frames=3, on_show=shown.append)
    cam = FakeCamera(frames, fps=300)
    scanner, rec = run(cam.open, repeat_after=60)
    assert wait_for(lambda: cam.ended, seconds=20)
    marked = [verify_token(p, "P", (KEY,)).learner_id for p in rec.scans()]
    assert sorted(marked) == ids  # each once: still in view for 12 frames, reported once
    assert sorted(i for group in shown for i in group) == ids


def test_on_a_low_battery_fewer_pictures_are_decoded_and_cards_are_still_read(run):
    cam = FakeCamera([EMPTY] * 10 + [frame_with("amal")] * 10, fps=200)
    scanner, rec = run(cam.open, repeat_after=60)
    time.sleep(0.5)
    busy = scanner.stats.decoded
    scanner.rest_between = 0.2
    before = scanner.stats.decoded
    time.sleep(1.0)
    assert scanner.stats.decoded - before <= 7  # about 5 a second instead of every frame it can
    assert busy > 10  # every frame it could, before
    assert rec.scans()  # the card was still read


def test_the_projectors_join_codes_behind_a_card_are_not_scans(run):
    """The hub's Wi-Fi and page codes on the projector may be in the camera's view: never a refused card."""
    frame = frame_with("amal")
    for i, text in enumerate(("WIFI:T:WPA;S:Classroom-7;P:water123;;", "http://10.42.0.1:8080/?c=K7P2")):
        code = _qr(text)
        frame[400:400 + code.shape[0], 400 + i * 400:400 + i * 400 + code.shape[1]] = code[:, :, None]
    cam = FakeCamera([frame] * 20, fps=200, loop=False)
    scanner, rec = run(cam.open, repeat_after=60)
    assert wait_for(lambda: cam.ended and rec.scans())
    time.sleep(0.1)
    assert rec.scans() == [make_token("P", "amal", KEY)]
    assert scanner.stats.codes >= 3  # the two join codes were decoded, and dropped


def _qr(text: str) -> np.ndarray:
    import qrcode

    q = qrcode.QRCode(border=4)
    q.add_data(text)
    q.make(fit=True)
    m = np.array(q.get_matrix(), dtype=bool)
    return np.kron(np.where(m, 0, 255), np.ones((5, 5))).astype(np.uint8)


def _answer_cards(*cards):
    """A frame with answer cards (number, quarter turns clockwise) held up, drawn as printed."""
    import cv2

    from cinema.devices.cards.markers import marker_id
    from cinema.devices.cards.room import render_card_face

    frame = np.full((360, 640, 3), 150, np.uint8)
    for i, (number, turns) in enumerate(cards):
        face = render_card_face("5X5_100", marker_id(number))
        face = cv2.resize(face, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
        face = np.rot90(face, -turns)
        h, w = face.shape
        frame[20:20 + h, 20 + i * 200:20 + i * 200 + w] = face[:, :, None]
    return frame


def test_answer_cards_are_read_in_every_frame_only_while_a_question_wants_them(run):
    got = []
    # A on top; turned a quarter clockwise: B (the back's left edge, answer_card.BACK_LETTER_BY_TURN); upside down: C
    frame = _answer_cards((1, 0), (2, 1), (40, 2))
    scanner, _rec = run(FakeCamera([frame], fps=100).open, on_markers=got.append)
    assert wait_for(lambda: scanner.stats.decoded >= 5)
    assert got == [] and scanner.stats.marker_frames == 0  # nobody asked: no frame read for answer cards
    scanner.want_markers(True)
    assert wait_for(lambda: len(got) >= 3)
    assert {(m.number, m.letter) for m in got[-1]} == {(1, "A"), (2, "B"), (40, "C")}
    assert all(len(markers) == 3 for markers in got)  # one call a frame, every card in it
    scanner.want_markers(False)
    time.sleep(0.1)
    seen = len(got)
    assert wait_for(lambda: scanner.stats.decoded >= scanner.stats.marker_frames + 5)
    assert len(got) == seen
    assert scanner.status()["markers_ms"] > 0
