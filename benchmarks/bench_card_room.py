"""Which code does a webcam read across a classroom? Fiducial markers and the kiosk's QR cards side by side.

For each family (ArUco 4x4 and 5x5, AprilTag 16h5 / 25h9 / 36h11 through cv2.aruco, and the
kiosk's QR cards through its own decoder), rooms of 20, 40 and 63 children at 2-6 m from a
720p and a 1080p webcam (cinema/devices/cards/room.py: 75 degree field of view, A5 cards with a
code as `cinema cards` prints it) are rendered frame by frame with small hand motion. Printed per row:

- per frame: the share of the room's cards read (right id, right letter) in one frame;
- in 3 s: cards read (right id and letter) in at least 2 frames of the first 3 seconds, at the
  frame rate the detector reaches on this machine or the camera's (`--camera-fps`, default 15),
  whichever is lower (the kiosk counts a card seen in 2 frames, not one waved past);
- near / far: the per-frame share for cards at 2-4 m and at 4 m or more (a child with no room
  to stand in a full frame steps back: a few cards of a 63-card room end up at 6-7 m);
- wrong: reads of a code not in the room or with the wrong letter, over all frames (must be 0);
- fps: frames per second of the detector alone (grayscale conversion included), OpenCV on 2 threads;
- the kiosk's counting (cinema.core.items.activity.CardSightings, fed each frame's reads as the kiosk's
  MarkersInView events are): children counted (an answer journaled) within 3 s, the seconds until the whole
  class is counted (frames past 3 s are read until it is, up to 6 s; "-": not by then), and answers counted
  with a wrong letter or for a card not in the room (must be 0). For families of at most 100 codes (the
  kiosk's cards are numbered 1..100); "-" for the others.

Run: .venv/bin/python benchmarks/bench_card_room.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# OpenCV and the project are imported where they are used, so `--help` answers at once, even from
# a Python without them.
if TYPE_CHECKING:
    import cv2

QR = "QR"  # cinema.devices.cards.room.QR: the kiosk's QR cards
FAMILIES = ["4X4_50", "4X4_100", "4X4_1000", "5X5_100", "5X5_1000", "APRILTAG_16h5", "APRILTAG_25h9",
            "APRILTAG_36h11", QR]
SIZES = [(1280, 720), (1920, 1080)]
CLASSES = [20, 40, 63]


def marker_reader(family: str, defaults: bool):
    import cv2

    from cinema.devices.cards.answer_card import SEEN_FROM_THE_BACK, answer_for
    from cinema.devices.cards.photos import letter_on_top
    from cinema.devices.cards.room import dictionary

    from cinema.devices.cards.markers import detector_parameters  # the kiosk's own tuned parameters

    det = cv2.aruco.ArucoDetector(dictionary(family),
                                  cv2.aruco.DetectorParameters() if defaults else detector_parameters())

    def read(frame) -> list[tuple[int, str, str | None]]:
        """(code, the nearest letter on top, the kiosk's letter: None when held between two)."""
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        corners, ids, _ = det.detectMarkers(gray)
        out = []
        if ids is None:
            return out
        for c, i in zip(corners, ids.ravel()):
            (x0, y0), (x1, y1) = c[0][0], c[0][1]  # the marker's own top-left and top-right corners
            angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
            # a marker is a card's back: its B and D are mirrored (cinema.devices.cards.answer_card)
            out.append((int(i), SEEN_FROM_THE_BACK[letter_on_top(angle)], answer_for(angle, back=True)))
        return out

    return read


def qr_reader():
    from cinema.devices.cards.decode import decode_frame
    from cinema.devices.cards.photos import letter_on_top

    def read(frame) -> list[tuple[int, str, str | None]]:
        out = []
        for f in decode_frame(frame):
            parts = f.text.split(".")
            try:
                code = int(parts[2][1:])
            except (IndexError, ValueError):
                code = -1  # not a card of this room: a wrong read
            letter = letter_on_top(f.orientation_degrees)
            out.append((code, letter, letter))
        return out

    return read


@dataclass
class Row:
    family: str
    size: tuple[int, int]
    n: int
    frames: int
    per_frame: float
    in_3s: int
    near: float
    far: float
    wrong: int
    fps: float
    counted_3s: int | None = None  # the kiosk's counting: children with an answer within 3 s
    whole_class_s: float | None = None  # seconds until every child is counted (None: not within the frames read)
    whole_class_frames: int | None = None  # the same in frames (--quick: its frames are not 3 s of a camera)
    counted_wrong: int | None = None  # answers counted with a wrong letter or for a card not in the room


def measure(family: str, size: tuple[int, int], n: int, seed: int, camera_fps: float, max_frames: int,
            defaults: bool) -> Row:
    from cinema.core.items.activity import CARD_NUMBERS, CardSightings
    from cinema.devices.cards.room import make_room

    room = make_room(family, size, n, seed)
    read = qr_reader() if family == QR else marker_reader(family, defaults)
    truth = {c.code: c for c in room.cards}
    seen = {c.code: 0 for c in room.cards}
    near = [c.code for c in room.cards if c.distance_m < 4]
    far = [c.code for c in room.cards if c.distance_m >= 4]
    shares, near_shares, far_shares, wrong, spent = [], [], [], 0, 0.0
    # the kiosk's counting (card number = code + 1), for families whose codes are card numbers
    counting = family != QR and max(truth) < CARD_NUMBERS
    sightings, answers, counted_3s, whole_class_at = CardSightings(), {}, None, None
    k, fps, frames_3s, limit = 0, camera_fps, 3, 3
    while k < limit:
        frame = room.frame(k)
        t = time.perf_counter()
        reads = read(frame)
        spent += time.perf_counter() - t
        k += 1
        if counting:
            for code, letter in {code: kiosk for code, _, kiosk in reads}.items():  # one MarkersInView a frame
                key = sightings.seen(code + 1, letter)
                if key is not None:
                    answers[code] = key
            if whole_class_at is None and len(answers.keys() & truth.keys()) == n:
                whole_class_at = k
        if k <= frames_3s:
            right = set()
            for code, letter, _ in reads:
                if code in truth and truth[code].letter == letter:
                    right.add(code)
                else:
                    wrong += 1
            for code in right:
                seen[code] += 1
            shares.append(len(right) / n)
            near_shares.append(sum(c in right for c in near) / max(len(near), 1))
            far_shares.append(sum(c in right for c in far) / max(len(far), 1))
        if k == 3:  # the detector's speed decides how many frames 3 s are
            fps = min(camera_fps, k / spent)
            frames_3s = limit = min(max_frames, max(3, int(3 * fps)))
        if k == frames_3s:
            counted_3s = len(answers.keys() & truth.keys())
            if counting and whole_class_at is None:  # on to 6 s for the time the whole class takes
                limit = 2 * frames_3s
    shown = len(shares)
    row = Row(family, size, n, shown, sum(shares) / shown, sum(v >= 2 for v in seen.values()),
              sum(near_shares) / shown, sum(far_shares) / shown, wrong, k / spent)
    if counting:
        row.counted_3s = counted_3s
        row.whole_class_s = None if whole_class_at is None else whole_class_at / fps
        row.whole_class_frames = whole_class_at
        row.counted_wrong = sum(code not in truth or truth[code].letter != key for code, key in answers.items())
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="40 cards only, at most 6 frames a room")
    ap.add_argument("--camera-fps", type=float, default=15.0)
    ap.add_argument("--defaults", action="store_true", help="OpenCV's default DetectorParameters")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    import cv2

    from cinema.devices.cards.room import CODE_M, HFOV_DEGREES, family_size

    cv2.setNumThreads(2)
    classes = [40] if args.quick else CLASSES
    max_frames = 6 if args.quick else 10**6
    families = args.families.split(",")
    print(f"camera: {HFOV_DEGREES:.0f} degree field of view, up to {args.camera_fps:g} fps; A5 cards, "
          f"{CODE_M * 1000:.0f} mm codes, "
          f"2-6 m; detector parameters: {'OpenCV defaults' if args.defaults else 'tuned'}")
    print(f"{'family':16} {'codes':>6} {'frame':>9} {'class':>5} {'frames':>6} {'per frame':>9} "
          f"{'in 3 s':>7} {'2-4 m':>6} {'4 m+':>6} {'wrong':>5} {'fps':>6} | kiosk: {'counted 3 s':>11} "
          f"{'all in':>6} {'wrong':>5}")
    if args.quick:
        print(f"--quick: {max_frames} frames a room, so 'in 3 s' is within {max_frames} frames, and the kiosk's "
              f"'all in' is in frames (up to {2 * max_frames})")
    total_wrong = 0
    for size in SIZES:
        for n in classes:
            for family in families:
                codes = family_size(family)
                if codes < n:
                    print(f"{family:16} {codes:>6} {size[0]}x{size[1]:<4} {n:>5}   (only {codes} codes)")
                    continue
                r = measure(family, size, n, args.seed + n, args.camera_fps, max_frames, args.defaults)
                total_wrong += r.wrong
                if r.counted_3s is None:
                    kiosk = f"{'-':>11} {'-':>6} {'-':>5}"
                else:
                    total_wrong += r.counted_wrong or 0
                    whole = ("-" if r.whole_class_s is None else f"{r.whole_class_frames} fr" if args.quick
                             else f"{r.whole_class_s:.1f} s")
                    kiosk = f"{r.counted_3s:>7}/{n:<3} {whole:>6} {r.counted_wrong:>5}"
                print(f"{family:16} {codes if family != QR else '-':>6} {size[0]}x{size[1]:<4} {n:>5} {r.frames:>6} "
                      f"{r.per_frame:>9.0%} {r.in_3s:>3}/{n:<3} {r.near:>6.0%} {r.far:>6.0%} {r.wrong:>5} "
                      f"{r.fps:>6.1f} | kiosk: {kiosk}", flush=True)
    print(f"wrong reads and wrong answers counted, in all: {total_wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
