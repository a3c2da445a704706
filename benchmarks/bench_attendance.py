"""Attendance cards read first time (issue 15, part 3): the harsh photo set, plain vs second passes.

1. Harsh webcam-like photos (cinema.devices.cards.harsh_photos: the cards `cinema cards` prints,
   rendered with pdftoppm, turned up to ±40°, in perspective, glare, motion blur up to 5 px,
   JPEG 40-75, cards 150-280 px tall in 1280x720) go through decode_frame (a) plain zxing-cpp,
   the default options with second passes off, and (b) with the second passes: cards read,
   wrong cards (a valid card that is not in the photo: must be 0), time per frame (mean, p95).
   Target: >= 90% read, 0 wrong.
2. The QR error-correction level (L/M/Q/H) x the code's size in the frame (its distance) x wear:
   the same token drawn in the same square of the printed card as `cinema cards` draws it (so a
   higher level has more, smaller modules), 2 cards a photo (1 where the cards are large), wear
   none / scuffed (smudges, scuffs, a fold, sparing the finder squares) / a thumb over an edge of
   the code / its corner torn off, read with every second pass. Each printed card gets its own
   wear (8 cards per level), the same for every level. Prints the level with most cards read.
3. Tracking across frames: short clips of one printed card moving, turning and blurring (and then
   gone), through the camera's FrameDecoder without and with tracking: frames read, ms a frame,
   wrong reads (0: never a card that is not, or no longer, in the frame).

Usage: python benchmarks/bench_attendance.py [--photos 200] [--seed 1] [--sweep-photos 20] [--skip-sweep]
       [--clips 40] [--clip-frames 15] [--quiet-modules N]
Needs pdftoppm (Debian: poppler-utils).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    import numpy as np

TARGET_READ = 0.90
LEVELS = "LMQH"
WEAR = ("none", "scuffed", "thumb", "torn")
SWEEP_CODE_PX = (60, 75, 90, 120, 160)  # the code square (quiet zone included) across, in the 1280x720 frame


@dataclass
class Row:
    name: str
    cards: int = 0
    read: int = 0
    wrong: int = 0
    times: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.read / self.cards if self.cards else 0.0

    def ms(self) -> tuple[float, float]:
        ts = sorted(self.times)
        return 1000 * statistics.fmean(ts), 1000 * ts[min(len(ts) - 1, int(0.95 * len(ts)))]


def score(row: Row, found_texts: list[str], truth: tuple[str, ...], program: str, key: bytes) -> None:
    from cinema.core.roster import verify_token

    accepted = {c.learner_id for c in (verify_token(t, program, (key,)) for t in found_texts) if c.valid}
    row.cards += len(truth)
    row.read += len(accepted & set(truth))
    row.wrong += len(accepted - set(truth))


def bench_passes(photos, printed) -> list[Row]:
    from cinema.devices.cards.decode import CAMERA_OPTIONS, DEFAULT_OPTIONS, decode_frame, to_gray

    variants = [("(a) plain zxing-cpp", replace(DEFAULT_OPTIONS, second_passes=False)),
                ("(b) with second passes", DEFAULT_OPTIONS),
                ("(c) the camera's: (b) once a code is seen", CAMERA_OPTIONS)]
    rows = [Row(name) for name, _ in variants]
    grays = [to_gray(p.image) for p in photos]
    decode_frame(grays[0])  # warm up
    for gray, photo in zip(grays, photos):
        for row, (_, options) in zip(rows, variants):  # alternate: the machine's load hits both alike
            t0 = time.perf_counter()
            found = decode_frame(gray, options)
            row.times.append(time.perf_counter() - t0)
            score(row, [f.text for f in found], photo.learner_ids, printed.program, printed.key)
    return rows


def empty_frame_ms(photos, rounds: int = 40) -> list[float]:
    """What a frame with nobody holding a card up costs (most frames of a lesson): the photos' own
    backgrounds with the cards blanked, decoded plain, with every second pass, and the camera's way."""
    import numpy as np

    from cinema.devices.cards.decode import CAMERA_OPTIONS, DEFAULT_OPTIONS, decode_frame, to_gray

    frames = [np.full_like(to_gray(p.image), int(np.median(to_gray(p.image)))) for p in photos[:4]]
    for frame, photo in zip(frames, photos):
        noise = np.random.default_rng(len(photo.learner_ids)).normal(0, 6, frame.shape)
        frame[:] = np.clip(frame + noise, 0, 255).astype(np.uint8)
    results = []
    for options in (replace(DEFAULT_OPTIONS, second_passes=False), DEFAULT_OPTIONS, CAMERA_OPTIONS):
        t0 = time.perf_counter()
        for i in range(rounds):
            decode_frame(frames[i % len(frames)], options)
        results.append((time.perf_counter() - t0) * 1000 / rounds)
    return results


# ---- tracking across frames ------------------------------------------------------------------


def bench_tracking(printed, clips: int, frames: int, seed: int) -> list[Row]:
    """Clips of one card held up and moved (harsh_photos.moving_card: 150-190 px tall, turning, motion
    blur 0-7 px along its path, glare, JPEG), each leaving the frame for its last 3 frames, through a
    FrameDecoder with the camera's options, without and with tracking. A row counts the frames with
    the card in view (read = frames where it was read) and the wrong reads (a card not in the frame,
    also after it has left: must be 0)."""
    from cinema.devices.cards.decode import CAMERA_OPTIONS, FrameDecoder, to_gray
    from cinema.devices.cards.harsh_photos import moving_card

    ids = sorted(printed.cards)
    variants = [("(a) the camera's, no tracking", replace(CAMERA_OPTIONS, tracking=False)),
                ("(b) the camera's, with tracking", CAMERA_OPTIONS)]
    rows = [Row(name) for name, _ in variants]
    for k in range(clips):
        clip = moving_card(printed, ids[k % len(ids)], frames, seed * 100 + k, leaves_at=frames - 3)
        grays = [to_gray(p.image) for p in clip]
        for row, (_, options) in zip(rows, variants):
            now = [0.0]
            decoder = FrameDecoder(options, clock=lambda: now[0])
            for i, (gray, photo) in enumerate(zip(grays, clip)):
                now[0] = i / 30  # a 30 frames/s camera
                t0 = time.perf_counter()
                found = decoder.decode(gray)
                row.times.append(time.perf_counter() - t0)
                score(row, [f.text for f in found], photo.learner_ids, printed.program, printed.key)
    return rows


# ---- error-correction level x code size (distance) x wear ----------------------------------

# A 1280x720 webcam of 70° across (a usual laptop or USB camera): its focal length in pixels turns
# a code's size in the frame into a distance for a printed size.
FOCAL_PX = 640 / 0.7002  # 640 / tan(35°)


def code_box(card: "np.ndarray", dpi: int) -> tuple[int, int, int]:
    """(left, top, side) in px of the front's code square (quiet zone included) in an upright card."""
    from cinema.cards.pdf import code_square

    left, top, side = (round(v * dpi / 72.0) for v in code_square())
    return left, top, side


def card_with_level(card: "np.ndarray", token: str, level: str, dpi: int) -> "np.ndarray":
    """`card` (cut from the rendered PDF) with its code redrawn at `level`, in the same square."""
    import cv2
    import numpy as np

    from cinema.cards.pdf import QUIET_MODULES
    from cinema.cards.qr_payload import qr_code

    matrix = np.array(qr_code(token, level).get_matrix(), bool)
    left, top, side = code_box(card, dpi)
    img = np.where(np.pad(matrix, QUIET_MODULES), 0, 255).astype(np.uint8)
    out = card.copy()
    out[top:top + side, left:left + side] = cv2.resize(img, (side, side), interpolation=cv2.INTER_NEAREST)
    return out


def worn(card: "np.ndarray", rng: random.Random, dpi: int, modules: int, kind: str) -> "np.ndarray":
    """Wear over the code. scuffed: 1-2 grey smudges and 1-2 white scuffs (each about 2% of the code)
    and a fold line across it, sparing the three finder squares (which no error correction repairs);
    thumb: a thumb over the middle of one edge of the code (about 10% of it); torn: the code's
    corner without a finder square torn off (about 8% of it, the table behind showing through)."""
    import cv2
    import numpy as np

    from cinema.cards.pdf import QUIET_MODULES

    out = card.copy()
    left, top, side = code_box(card, dpi)
    module = side / (modules + 2 * QUIET_MODULES)
    lo_x, lo_y = left + QUIET_MODULES * module, top + QUIET_MODULES * module
    code = modules * module
    finder = 8 * module  # 7 modules and the separator

    def clear(x: float, y: float, r: float) -> bool:
        near_left, near_right = x - r < lo_x + finder, x + r > lo_x + code - finder
        near_top, near_bottom = y - r < lo_y + finder, y + r > lo_y + code - finder
        return not ((near_left and near_top) or (near_right and near_top) or (near_left and near_bottom))

    if kind == "scuffed":
        def blot(grey_range: tuple[int, int]) -> None:
            a, b = code / 12, code / 18
            for _ in range(200):
                x, y = rng.uniform(lo_x, lo_x + code), rng.uniform(lo_y, lo_y + code)
                if clear(x, y, a):
                    cv2.ellipse(out, (round(x), round(y)), (round(a), round(b)), rng.uniform(0, 180), 0, 360,
                                rng.randint(*grey_range), -1)
                    return

        for _ in range(rng.randint(1, 2)):
            blot((50, 120))  # a smudge
        for _ in range(rng.randint(1, 2)):
            blot((215, 255))  # a scuff
        width = max(2, round(module / 2))
        for _ in range(200):  # a fold across the code
            x0, x1 = rng.uniform(lo_x, lo_x + code), rng.uniform(lo_x, lo_x + code)
            if all(lo_x + finder + width < x < lo_x + code - finder - width for x in (x0, x1)):
                cv2.line(out, (round(x0), round(lo_y)), (round(x1), round(lo_y + code)), rng.randint(110, 170), width)
                break
    elif kind == "thumb":
        edge = rng.choice("LRB")  # a thumb comes in from the side or below (the top is the child's view)
        t = rng.uniform(0.4, 0.6) * code
        cx, cy = {"L": (lo_x, lo_y + t), "R": (lo_x + code, lo_y + t), "B": (lo_x + t, lo_y + code)}[edge]
        axes = (round(code * 0.13), round(code * 0.2)) if edge != "B" else (round(code * 0.2), round(code * 0.13))
        cv2.ellipse(out, (round(cx), round(cy)), axes, rng.uniform(-15, 15), 0, 360, rng.randint(120, 170), -1)
    elif kind == "torn":
        leg = code * rng.uniform(0.35, 0.42)
        x1, y1 = lo_x + code + QUIET_MODULES * module, lo_y + code + QUIET_MODULES * module
        tri = np.array([(x1, y1 - leg - QUIET_MODULES * module), (x1, y1), (x1 - leg - QUIET_MODULES * module, y1)])
        cv2.fillPoly(out, [np.round(tri).astype(np.int32)], rng.randint(60, 110))
    return cv2.GaussianBlur(out, (3, 3), 0)


def bench_levels(printed, n_photos: int, seed: int, levels: str = LEVELS,
                 n_cards: int = 8) -> list[tuple[str, int, int, str, Row]]:
    """Rows (level, modules, code px, wear, Row) of the level x size x wear table."""
    from cinema.cards.qr_payload import qr_code
    from cinema.core.roster import make_token
    from cinema.devices.cards.decode import DEFAULT_OPTIONS, decode_frame, to_gray
    from cinema.devices.cards.harsh_photos import DPI, PrintedCards, render_harsh_photo

    options = replace(DEFAULT_OPTIONS, second_pass_ms=1e4)  # every pass: what can be read, whatever the load
    ids = sorted(printed.cards)[:n_cards]
    card_h = printed.cards[ids[0]].shape[0]
    code_frac = code_box(printed.cards[ids[0]], DPI)[2] / card_h
    results = []
    for level in levels:
        modules = len(qr_code(make_token(printed.program, ids[0], printed.key), level).get_matrix())
        for wear in WEAR:
            rng = random.Random(seed)
            cards = {}
            for lid in ids:
                card = card_with_level(printed.cards[lid], make_token(printed.program, lid, printed.key), level, DPI)
                cards[lid] = card if wear == "none" else worn(card, rng, DPI, modules, wear)
            variant = PrintedCards(printed.program, printed.key, cards)
            for code_px in SWEEP_CODE_PX:
                height = code_px / code_frac
                rng = random.Random(seed * 1000 + code_px)
                row = Row(level)
                for _ in range(n_photos):
                    shown = rng.sample(ids, 2 if height <= 330 else 1)
                    photo = render_harsh_photo(variant, shown, rng, card_px=(height, height))
                    gray = to_gray(photo.image)
                    found = decode_frame(gray, options)
                    score(row, [f.text for f in found], photo.learner_ids, printed.program, printed.key)
                results.append((level, modules, code_px, wear, row))
    return results


def print_levels(results, printed_mm: tuple[float, ...] = (100.0, 60.0)) -> str:
    """The table (a row per level and code size, a column per wear) and the level chosen, with why."""
    from cinema.cards.pdf import QUIET_MODULES
    from cinema.cards.qr_payload import LEVEL

    by = {(lv, px, wear): row for lv, _m, px, wear, row in results}
    modules = {lv: m for lv, m, *_ in results}
    levels = "".join(modules)
    dist = "  ".join(f"m at {mm:.0f} mm" for mm in printed_mm)
    print(f"{'level':6} {'code px':>7} {'module px':>9}  {dist}  " + "".join(f"{w:>13}" for w in WEAR) + "  wrong")
    for lv in levels:
        for px in SWEEP_CODE_PX:
            module_px = px / (modules[lv] + 2 * QUIET_MODULES)
            far = "  ".join(f"{FOCAL_PX * mm / 1000 / px:>{len(f'm at {mm:.0f} mm')}.2f}" for mm in printed_mm)
            cells = "".join(f"{100 * by[lv, px, w].rate:12.0f}%" for w in WEAR)
            wrong = sum(by[lv, px, w].wrong for w in WEAR)
            print(f"{lv} {modules[lv]:>2}x{modules[lv]:<2} {px:>7} {module_px:>9.1f}  {far}  {cells}  {wrong:5d}")
    print("  (m: how far a 1280x720 webcam of 70° across sees the code, quiet zone included, that many px "
          "across when it is printed that size)")
    # the choice: the most cards read over every size and wear, all counted alike
    totals = {lv: sum(by[lv, px, w].read for px in SWEEP_CODE_PX for w in WEAR) /
              max(1, sum(by[lv, px, w].cards for px in SWEEP_CODE_PX for w in WEAR)) for lv in levels}
    best = max(levels, key=lambda lv: totals[lv])
    print("cards read over every size and wear: " + ", ".join(f"{lv} {100 * totals[lv]:.1f}%" for lv in levels))
    print(f"best here: {best}; cinema cards prints level {LEVEL}" + ("" if best == LEVEL else " (NOT the best here)"))
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sweep-photos", type=int, default=20, help="photos per level, size and wear")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument("--levels", default=LEVELS, help="error-correction levels to sweep (LMQH)")
    ap.add_argument("--sweep-cards", type=int, default=8, help="printed cards per level (each its own wear)")
    ap.add_argument("--clips", type=int, default=40, help="moving-card clips for tracking (0: skip)")
    ap.add_argument("--clip-frames", type=int, default=15)
    ap.add_argument("--quiet-modules", type=int, default=None,
                    help="what if: print the cards with this many modules of quiet zone inside the code's square "
                         "(cinema.cards.pdf.QUIET_MODULES) instead")
    args = ap.parse_args(argv)
    if args.quiet_modules is not None:
        import cinema.cards.pdf as pdf

        print(f"what if: the code's quiet zone is {args.quiet_modules} modules, not {pdf.QUIET_MODULES}")
        pdf.QUIET_MODULES = args.quiet_modules

    from cinema.devices.cards.harsh_photos import harsh_photos

    t0 = time.perf_counter()
    printed, photos = harsh_photos(args.photos, args.seed)
    print(f"{len(photos)} harsh photos, {sum(len(p.learner_ids) for p in photos)} cards, "
          f"made in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    ok = True
    print(f"{'decoder':42} {'read':>14} {'wrong':>6} {'ms/frame mean':>14} {'p95':>7}  {'vs (a): read, time':>18}")
    rows = bench_passes(photos, printed)
    for row in rows:
        mean, p95 = row.ms()
        print(f"{row.name:42} {row.read:5d}/{row.cards:<5d} {100 * row.rate:5.1f}% {row.wrong:6d} "
              f"{mean:14.1f} {p95:7.1f}  {row.read / max(rows[0].read, 1):8.2f}x {mean / max(rows[0].ms()[0], 1e-9):7.1f}x")
        ok = ok and row.wrong == 0
    ok = ok and row.rate >= TARGET_READ
    print(f"{'a frame with no card':42} ms/frame mean, plain / with second passes / the camera's: "
          + " / ".join(f"{ms:.1f}" for ms in empty_frame_ms(photos)))
    if args.clips:
        print(f"\ntracking across frames: {args.clips} clips of {args.clip_frames} frames (30 frames/s), one card "
              "moving, turning and blurring, gone for the last 3 frames; frames with the card read:")
        rows = bench_tracking(printed, args.clips, args.clip_frames, args.seed)
        print(f"{'decoder':42} {'frames read':>14} {'wrong':>6} {'ms/frame mean':>14} {'p95':>7}")
        for row in rows:
            mean, p95 = row.ms()
            print(f"{row.name:42} {row.read:5d}/{row.cards:<5d} {100 * row.rate:5.1f}% {row.wrong:6d} "
                  f"{mean:14.1f} {p95:7.1f}")
            ok = ok and row.wrong == 0
        base, tracked = rows
        print(f"  with tracking: {tracked.read / max(base.read, 1):.2f}x the frames read, "
              f"{tracked.ms()[0] / max(base.ms()[0], 1e-9):.2f}x the time a frame")
    if not args.skip_sweep:
        print(f"\nerror-correction level x code size in the frame (distance) x wear: cards read, "
              f"{args.sweep_photos} photos a cell (2 cards each below 330 px a card), "
              f"{args.sweep_cards} cards a level")
        results = bench_levels(printed, args.sweep_photos, args.seed, args.levels, args.sweep_cards)
        print_levels(results)
        ok = ok and all(row.wrong == 0 for *_, row in results)
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    print("target (>= 90% read with second passes, 0 wrong):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
