"""QR benchmarks: decode rate at 1280x720 (zxing-cpp vs pyzbar vs OpenCV), and the time to mark a class of 40.

1. The same generated camera frames (cards with perspective, blur, noise, dim light; other
   codes; empty frames) go through each decoder: frames/s, cards read, wrong learners.
   Targets: zxing-cpp >= 30 frames/s, and >= 2x the slower baseline.
2. A class of 40 walks past a FakeCamera at 30 frames/s, each child showing their card for
   about 1 s (some two at once), through the real CameraScanner threads and verify_token:
   the time until all 40 are marked. Target < 60 s.

3. The card's payload: QR modules across for usual tokens at each level, qrcode's own split (before)
   vs the cheapest segments (now) vs a token in capitals (proposed), and a module's printed size.

Usage: python benchmarks/bench_qr.py [--frames 60] [--class-size 40] [--speed 1.0] [--skip-class] [--payload-only]
pyzbar needs Debian's libzbar0; a decoder that is not installed is shown as such.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The checkout's own package, whatever the working folder. OpenCV, numpy and the package are
# imported where they are used, so `--help` answers at once, even from a Python without them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    import numpy as np

    from cinema.devices.cards.photos import PhotoTruth

PROGRAM, KEY = "BENCH", b"bench key"
TARGET_FPS = 30.0
TARGET_CLASS_SECONDS = 60.0

Decoder = Callable[["np.ndarray"], list[str]]


# ---- the decoders ------------------------------------------------------------------------


def zxing_decoder() -> Decoder:
    from cinema.devices.cards.decode import decode_frame

    return lambda gray: [f.text for f in decode_frame(gray)]


def pyzbar_decoder() -> Decoder:
    from pyzbar import pyzbar

    def decode(gray: np.ndarray) -> list[str]:
        return [s.data.decode("utf-8", "replace") for s in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])]

    return decode


def opencv_decoder(aruco: bool = False) -> Decoder:
    import cv2

    detector = cv2.QRCodeDetectorAruco() if aruco else cv2.QRCodeDetector()

    def decode(gray: np.ndarray) -> list[str]:
        ok, texts, _points, _ = detector.detectAndDecodeMulti(gray)
        return [t for t in texts if t] if ok else []

    return decode


DECODERS: list[tuple[str, Callable[[], Decoder]]] = [
    ("zxing-cpp", zxing_decoder),
    ("pyzbar (zbar)", pyzbar_decoder),
    ("OpenCV QRCodeDetector", opencv_decoder),
    ("OpenCV QRCodeDetectorAruco", lambda: opencv_decoder(aruco=True)),
]
BASELINES = ("pyzbar (zbar)", "OpenCV QRCodeDetector")


@dataclass
class DecodeRow:
    name: str
    frames: int = 0
    seconds: float = 0.0
    cards: int = 0
    read: int = 0
    wrong: int = 0
    others_refused: int = 0
    error: str = ""

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def bench_decoder(name: str, make: Callable[[], Decoder], frames: list[tuple[np.ndarray, PhotoTruth]],
                  budget: float) -> DecodeRow:
    from cinema.core.roster import verify_token

    row = DecodeRow(name)
    try:
        decode = make()
        decode(frames[0][0])  # warm up (allocations, lazy loading)
    except Exception as exc:  # not installed (pyzbar without libzbar0), or too old an OpenCV
        row.error = str(exc).splitlines()[0][:60]
        return row
    for gray, truth in frames:
        t0 = time.perf_counter()
        texts = decode(gray)
        row.seconds += time.perf_counter() - t0
        row.frames += 1
        wanted = {c.learner_id for c in truth.cards}
        row.cards += len(wanted)
        accepted = set()
        for text in texts:
            check = verify_token(text, PROGRAM, (KEY,))
            if check.valid:
                accepted.add(check.learner_id)
            elif text in truth.others:
                row.others_refused += 1
        row.read += len(accepted & wanted)
        row.wrong += len(accepted - wanted)
        if row.seconds > budget:  # a slow decoder gets a time budget, not the whole set
            break
    return row


def run_decoders(n_frames: int, budget: float) -> list[DecodeRow]:
    import cv2

    from cinema.devices.cards.photos import photo_stream

    t0 = time.perf_counter()
    frames = [(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), truth) for img, truth in photo_stream(21, PROGRAM, KEY, n_frames)]
    cards = sum(len(t.cards) for _, t in frames)
    print(f"{n_frames} frames 1280x720 (grayscale), {cards} cards, made in {time.perf_counter() - t0:.1f} s; "
          f"slow decoders stop after {budget:.0f} s\n")
    header = f"{'decoder':<28} {'frames':>6} {'frames/s':>9} {'ms/frame':>9} {'cards read':>12} {'wrong':>6} " \
             f"{'others refused':>15}"
    print(header)
    print("-" * len(header))
    rows = []
    for name, make in DECODERS:
        row = bench_decoder(name, make, frames, budget)
        rows.append(row)
        if row.error:
            print(f"{name:<28} not available: {row.error}")
            continue
        pct = 100.0 * row.read / row.cards if row.cards else 0.0
        print(f"{name:<28} {row.frames:>6} {row.fps:>9.1f} {1000 / row.fps:>9.1f} "
              f"{f'{row.read}/{row.cards}':>7} {pct:>3.0f}% {row.wrong:>6} {row.others_refused:>15}")
    return rows


def summarise_decoders(rows: list[DecodeRow]) -> None:
    by = {r.name: r for r in rows if not r.error}
    zx = by.get("zxing-cpp")
    if zx is None:
        return
    base = [by[n] for n in BASELINES if n in by]
    print(f"\nzxing-cpp: {zx.fps:.0f} frames/s (target >= {TARGET_FPS:.0f}: {'met' if zx.fps >= TARGET_FPS else 'MISSED'})")
    for b in base:
        print(f"  {zx.fps / b.fps:6.1f}x the frames/s of {b.name} ({b.fps:.1f} frames/s), "
              f"cards read {zx.read} vs {b.read}")
    if base:
        slower = min(base, key=lambda r: r.fps)
        ratio = zx.fps / slower.fps
        print(f"  vs the slower baseline ({slower.name}): {ratio:.1f}x (target >= 2x: {'met' if ratio >= 2 else 'MISSED'})")


# ---- a class of 40 walks past the camera ---------------------------------------------------


def bench_class(size: int, speed: float) -> None:
    from cinema.core.events import CardScanned
    from cinema.core.roster import verify_token
    from cinema.devices.cards.camera import CameraScanner
    from cinema.devices.cards.photos import class_parade
    from cinema.devices.cards.sources import FakeCamera

    hold, gap = 1.0, 0.3
    print(f"\nclass of {size}: each child shows their card for {hold:.0f} s, {gap} s between children, "
          f"camera at 30 frames/s" + (f" (run {speed}x faster)" if speed != 1 else ""))
    shown_at: dict[str, float] = {}
    showings: list[list[str]] = []
    marked: dict[str, float] = {}
    done = threading.Event()
    lock = threading.Lock()

    def on_show(group: list[str]) -> None:
        showings.append(group)
        now = time.monotonic()
        for lid in group:
            shown_at[lid] = now

    def on_event(event: object) -> None:
        if isinstance(event, CardScanned):
            check = verify_token(event.payload, PROGRAM, (KEY,))
            if check.valid:
                with lock:
                    marked.setdefault(check.learner_id, time.monotonic())
                    if len(marked) == size:
                        done.set()

    ids = [f"c{i:02d}" for i in range(size)]
    frames = class_parade(PROGRAM, KEY, ids, hold_frames=int(hold * 30), gap_frames=int(gap * 30), on_show=on_show)
    cam = FakeCamera(frames, fps=30.0 * speed)
    scanner = CameraScanner(cam.open, on_event)
    cpu0, t0 = time.process_time(), time.monotonic()
    scanner.start()
    done.wait(size * (hold + gap) / speed + 10)
    elapsed = time.monotonic() - t0
    cpu = time.process_time() - cpu0
    scanner.stop()
    latencies = sorted((marked[lid] - shown_at[lid]) * speed for lid in marked if lid in shown_at)
    pairs = sum(1 for g in showings if len(g) == 2)
    st = scanner.stats
    print(f"{len(showings)} showings ({pairs} with two children at once); "
          f"the stream lasts {len(showings) * (hold + gap):.1f} s")
    ok = len(marked) == size and elapsed * speed < TARGET_CLASS_SECONDS
    print(f"marked {len(marked)}/{size} in {elapsed * speed:.1f} s (target < {TARGET_CLASS_SECONDS:.0f} s: "
          f"{'met' if ok else 'MISSED'})")
    if latencies:
        print(f"card raised -> marked: median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
              f"max {latencies[-1] * 1000:.0f} ms (the first 0.2 s of each showing is motion-blurred)")
    print(f"camera: {st.frames} frames, {st.decoded} decoded, {st.skipped} skipped, "
          f"{1000 * st.decode_seconds / max(st.decoded, 1):.1f} ms per decode; "
          f"process CPU {100 * cpu / elapsed:.0f}% of a core (incl. making the fake frames)")


# ---- the card's payload: QR version and module size --------------------------------------

# (what, programme, learner id): the tokens a class gets
PAYLOADS = [
    ("uppercase ids", "CLASS7B", "S001"),
    ("lowercase ids", "CLASS7B", "s001"),
    ("names as ids", "math_2026", "maria-lopez_3"),
    ("longest ids (32+32)", "P" * 32, "q" * 32),
]
PRINTED_MM = (60.0, 90.0, 100.0)  # the code's printed square, its 3-module quiet zone included (A5 card: 100)


def bench_payload() -> None:
    """Modules across for each kind of token at each level: qrcode's own split (cards printed before,
    the baseline), the cheapest segments (cinema.cards.qr_payload, printed now) and, proposed, the
    token in capitals (a case-insensitive id: every character alphanumeric); a module's size in mm
    for each printed square."""
    from cinema.cards.pdf import QUIET_MODULES
    from cinema.cards.qr_payload import LEVEL, qr_code
    from cinema.core.roster import make_token

    mm_head = "  ".join(f"{f'mm @{mm:.0f}':>7}" for mm in PRINTED_MM)
    print(f"\ncard payload: modules across (version), before -> now -> all capitals; module mm now for a code "
          f"printed {', '.join(f'{mm:.0f}' for mm in PRINTED_MM)} mm square (quiet zone included); cinema cards: "
          f"level {LEVEL}")
    header = f"{'token':<24} {'chars':>5} {'level':>5} {'before':>9} {'now':>9} {'capitals':>9}  {mm_head}  {'module ratio':>12}"
    print(header)
    print("-" * len(header))
    for what, program, learner in PAYLOADS:
        token = make_token(program, learner, KEY)
        for level in "LMQH":
            before, now = qr_code(token, level, dense=False), qr_code(token, level)
            caps = qr_code(token.upper(), level)

            def cell(code) -> str:
                return f"{code.version * 4 + 17} (v{code.version})"

            n = now.version * 4 + 17
            mms = "  ".join(f"{mm / (n + 2 * QUIET_MODULES):7.2f}" for mm in PRINTED_MM)
            ratio = (before.version * 4 + 17 + 2 * QUIET_MODULES) / (n + 2 * QUIET_MODULES)
            print(f"{what:<24} {len(token):>5} {level:>5} {cell(before):>9} {cell(now):>9} {cell(caps):>9}  {mms}  "
                  f"{ratio:11.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=60, help="generated frames per decoder")
    ap.add_argument("--budget", type=float, default=30.0, help="seconds a slow decoder may take")
    ap.add_argument("--class-size", type=int, default=40)
    ap.add_argument("--speed", type=float, default=1.0, help="run the class faster than real time")
    ap.add_argument("--skip-class", action="store_true")
    ap.add_argument("--payload-only", action="store_true", help="only the card payload table (no decoding)")
    args = ap.parse_args(argv)
    bench_payload()
    if args.payload_only:
        return 0
    rows = run_decoders(args.frames, args.budget)
    summarise_decoders(rows)
    if not args.skip_class:
        bench_class(args.class_size, args.speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
