"""Harsh webcam-like photos of the attendance cards that `cinema cards` really prints (issue 15, part 3).

The cards are not drawn here: a roster CSV and a key file go to cinema.cards' PDF maker, the
PDF's pages of fronts are rendered with pdftoppm (poppler-utils), and each card is cut out of
the page by the PDF's own layout (cinema.cards.pdf.places) and turned upright. Each photo is a 1280x720 frame with 1 to 4
cards 150-280 px tall, turned up to ±40°, in perspective, with glare spots, uneven and dim
light, motion blur up to 5 px, sensor noise and JPEG quality 40-75. Seeded: the same seed
gives the same photos, with their truth (the learner ids in each photo).
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from cinema.devices.cards.photos import FRAME_SIZE, _add_noise, _background, _paste, scatter

PROGRAM = "HARSH"
KEY_BYTES = b"harsh photo test key, 32 bytes!!"  # fixed, so the printed tokens repeat
DPI = 100  # an A5 card is about 830 px tall on the rendered page: cut out, it is only ever made smaller
CARD_PX = (150.0, 280.0)  # card height in the frame
MAX_ANGLE = 40.0
JPEG_QUALITY = (40, 75)
MAX_BLUR_PX = 5


class PdftoppmMissing(RuntimeError):
    """poppler-utils' pdftoppm is not installed (Debian: apt-get install poppler-utils)."""


@dataclass(frozen=True)
class HarshPhoto:
    """One photo and what is in it: the learner id of each card, and each card's corners."""

    image: np.ndarray  # BGR 720x1280
    learner_ids: tuple[str, ...]
    quads: tuple[tuple[tuple[float, float], ...], ...]  # the cards' corners (TL, TR, BR, BL of the card)


@dataclass
class PrintedCards:
    """Cards cut out of the rendered PDF (grayscale), by learner id, and the key that signed them."""

    program: str
    key: bytes
    cards: dict[str, np.ndarray] = field(default_factory=dict)


def print_cards(learner_ids: list[str], work_dir: str | None = None, dpi: int = DPI) -> PrintedCards:
    """Run the real card printer for `learner_ids` and cut each card's front out of its rendered page,
    upright (as the child holds it up)."""
    import dataclasses

    from cinema.cards.keys import CardKey, current_key, write_key_file
    from cinema.cards.pdf import make_cards_pdf, places
    from cinema.cards.roster_csv import load_roster_csv
    from reportlab.lib.pagesizes import A4

    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        folder = Path(tmp)
        roster = folder / "class.csv"
        roster.write_text("learner_id,name\n" + "".join(f"{lid},Child {i}\n" for i, lid in enumerate(learner_ids)),
                          encoding="utf-8")
        keys = folder / "card-keys.json"
        write_key_file(keys, (CardKey(KEY_BYTES, date(2026, 1, 1)),))
        key = current_key(keys)
        # every card has an answer number on its back; the fronts do not depend on it
        learners = [dataclasses.replace(lr, card=i + 1) for i, lr in enumerate(load_roster_csv(roster))]
        pdf = folder / "cards.pdf"
        make_cards_pdf(learners, PROGRAM, key, pdf)
        fronts, _backs = places(len(learners))
        wanted = sorted({f.page for f in fronts})
        try:
            for page in wanted:  # the fronts' pages only (the backs are the answer markers)
                subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page + 1), "-l", str(page + 1),
                                str(pdf), str(folder / f"front{page:04d}")], check=True, capture_output=True)
        except FileNotFoundError as exc:
            raise PdftoppmMissing("pdftoppm is not installed (poppler-utils)") from exc
        scale = dpi / 72.0
        page_h = A4[1]
        out = PrintedCards(PROGRAM, key)
        for learner, place in zip(learners, fronts):
            (rendered,) = folder.glob(f"front{place.page:04d}*.pgm")
            page = cv2.imread(str(rendered), cv2.IMREAD_GRAYSCALE)
            x0, x1 = round(place.x * scale), round((place.x + place.w) * scale)
            y0, y1 = round((page_h - place.y - place.h) * scale), round((page_h - place.y) * scale)
            card = page[y0:y1, x0:x1]
            # turned a quarter on the page: its top edge to the page's left (90) or right (-90)
            card = cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE if place.turn == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE)
            out.cards[learner.learner_id] = card.copy()
        return out


def _card_quad(center: tuple[float, float], height: float, aspect: float, angle: float,
               rng: random.Random) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a card `height` px tall turned `angle`° clockwise, in perspective."""
    cx, cy = center
    a = math.radians(angle)
    ca, sa = math.cos(a), math.sin(a)
    hw, hh = height * aspect / 2, height / 2
    # perspective: the card tipped about one axis (one edge nearer the camera), then corner jitter
    tip = rng.uniform(-0.25, 0.25)
    axis_vertical = rng.random() < 0.5
    local = []
    for x, y in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)):
        f = 1 + tip * (x / hw if axis_vertical else y / hh)
        x, y = x * (f if not axis_vertical else 1), y * (f if axis_vertical else 1)
        x += rng.uniform(-0.05, 0.05) * hh
        y += rng.uniform(-0.05, 0.05) * hh
        local.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return np.array(local, np.float32)


def _place(heights: list[float], aspect: float, rng: random.Random) -> list[tuple[float, float]] | None:
    # half the diagonal, and some perspective
    return scatter([height * math.hypot(aspect, 1) / 2 * 1.1 for height in heights], rng, gap=6, tries=300,
                   frame=FRAME_SIZE)


def _glare(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> None:
    """A bright spot (a window or a lamp on glossy paper) somewhere on the card."""
    h, w = img.shape[:2]
    t = [rng.random() for _ in range(4)]
    s = sum(t)
    cx, cy = sum(quad[i] * t[i] for i in range(4)) / s
    size = float(np.linalg.norm(quad[1] - quad[0]))
    rx, ry = size * rng.uniform(0.05, 0.16), size * rng.uniform(0.04, 0.12)
    x0, x1 = int(max(cx - 3 * rx, 0)), int(min(cx + 3 * rx, w))
    y0, y1 = int(max(cy - 3 * ry, 0)), int(min(cy + 3 * ry, h))
    if x1 <= x0 or y1 <= y0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    spot = np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)) * rng.uniform(90, 200)
    region = img[y0:y1, x0:x1].astype(np.float32) + spot[:, :, None]
    img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def _motion_blur(img: np.ndarray, length: int, angle: float) -> np.ndarray:
    """A straight smear `length` px long in direction `angle` (a hand moving)."""
    if length < 2:
        return img
    n = length if length % 2 else length + 1
    kernel = np.zeros((n, n), np.float32)
    half = (length - 1) / 2
    c = (n - 1) / 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    cv2.line(kernel, (round(c - dx * half), round(c - dy * half)), (round(c + dx * half), round(c + dy * half)), 1.0, 1)
    return cv2.filter2D(img, -1, kernel / kernel.sum())


def _finish(img: np.ndarray, rng: random.Random, nrng: np.random.Generator,
            blur: tuple[int, float] | None = None) -> np.ndarray:
    """The camera: dim and uneven light, focus, motion blur (`blur`: length px and direction °, else
    drawn from `rng`), sensor noise, JPEG."""
    f = img.astype(np.float32)
    if rng.random() < 0.4:
        f *= rng.uniform(0.35, 0.65)  # a dim room
    w, h = FRAME_SIZE
    yy, xx = np.mgrid[0:45, 0:80].astype(np.float32)
    cx, cy = rng.uniform(0, 80), rng.uniform(0, 45)
    light = 1 - rng.uniform(0.2, 0.55) * (((xx - cx) / 80) ** 2 + ((yy - cy) / 45) ** 2)  # uneven light
    f *= np.clip(cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR), 0.2, 1)[:, :, None]
    img = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (5, 5), rng.uniform(0.6, 1.2))  # focus
    if blur is None:
        blur = (rng.randint(0, MAX_BLUR_PX), rng.uniform(0, 180))
    img = _motion_blur(img, *blur)
    img = _add_noise(img, rng.uniform(3, 10), nrng)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*JPEG_QUALITY)])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR)


def render_harsh_photo(printed: PrintedCards, learner_ids: list[str], rng: random.Random,
                       card_px: tuple[float, float] = CARD_PX) -> HarshPhoto:
    """One 1280x720 BGR photo with the printed cards of `learner_ids`, each `card_px` tall."""
    nrng = np.random.default_rng(rng.randrange(2**32))
    scene = _background(rng, nrng)
    first = printed.cards[learner_ids[0]]
    aspect = first.shape[1] / first.shape[0]
    heights = [rng.uniform(*card_px) for _ in learner_ids]
    centres = _place(heights, aspect, rng)
    while centres is None:  # crowded: fewer cards would change the truth, so smaller ones within range
        if all(hh <= card_px[0] for hh in heights):
            raise ValueError(f"{len(learner_ids)} cards {card_px[0]:.0f} px tall do not fit in one frame")
        heights = [max(card_px[0], hh * 0.9) for hh in heights]
        centres = _place(heights, aspect, rng)
    quads = []
    for lid, height, centre in zip(learner_ids, heights, centres):
        card = printed.cards[lid]
        angle = rng.uniform(-MAX_ANGLE, MAX_ANGLE)
        quad = _card_quad(centre, height, aspect, angle, rng)
        # shrink first (INTER_AREA, as a camera's optics would), then warp: no aliasing from a 4x warp
        small = cv2.resize(card, (max(2, round(height * aspect)), max(2, round(height))), interpolation=cv2.INTER_AREA)
        light = rng.uniform(0.6, 1.0)
        tint = np.array([rng.uniform(0.85, 1.0) for _ in range(3)], np.float32)
        _paste(scene, small, quad, light, tint)
        if rng.random() < 0.5:
            _glare(scene, quad, rng)
        quads.append(tuple((float(x), float(y)) for x, y in quad))
    return HarshPhoto(_finish(scene, rng, nrng), tuple(learner_ids), tuple(quads))


def harsh_photos(count: int, seed: int = 1, printed: PrintedCards | None = None,
                 roster_size: int = 24) -> tuple[PrintedCards, list[HarshPhoto]]:
    """`count` photos, each with 1 to 4 of the `roster_size` printed cards; same seed, same photos."""
    printed = printed or print_cards([f"h{i:03d}" for i in range(roster_size)])
    ids = sorted(printed.cards)
    rng = random.Random(seed)
    photos = [render_harsh_photo(printed, rng.sample(ids, rng.randint(1, 4)), rng) for _ in range(count)]
    return printed, photos


def moving_card(printed: PrintedCards, learner_id: str, frames: int, seed: int = 1,
                card_px: tuple[float, float] = (220.0, 300.0), max_blur: int = 7,
                leaves_at: int | None = None) -> list[HarshPhoto]:
    """A short webcam clip of one card held up and moved: `frames` 1280x720 frames of the same room
    and light (seeded), the card crossing part of the frame while it turns, with motion blur along its
    path of 0 to `max_blur` px that changes from frame to frame (a hand speeding up and slowing down:
    at 30 frames/s a card moving 1 m/s at 2 m smears several px), glare that comes and goes, noise
    and JPEG. From frame `leaves_at` on, the card is gone (the truth is empty): what a tracker must
    not report from memory."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(rng.randrange(2**32))
    room = _background(rng, nrng)
    card = printed.cards[learner_id]
    aspect = card.shape[1] / card.shape[0]
    height = rng.uniform(*card_px)
    small = cv2.resize(card, (max(2, round(height * aspect)), max(2, round(height))), interpolation=cv2.INTER_AREA)
    w, h = FRAME_SIZE
    reach = height * math.hypot(aspect, 1) / 2 * 1.1
    start = np.array([rng.uniform(reach, w - reach), rng.uniform(reach, h - reach)])
    end = np.array([rng.uniform(reach, w - reach), rng.uniform(reach, h - reach)])
    path = end - start
    heading = math.degrees(math.atan2(path[1], path[0]))
    angle0, turn = rng.uniform(-MAX_ANGLE, MAX_ANGLE), rng.uniform(-20, 20)
    pose, camera = rng.randrange(2**32), rng.randrange(2**32)  # how it is held; the camera's light and JPEG
    light = rng.uniform(0.6, 1.0)
    tint = np.array([rng.uniform(0.85, 1.0) for _ in range(3)], np.float32)
    out = []
    for k in range(frames):
        t = k / max(frames - 1, 1)
        scene = room.copy()
        shown: tuple[str, ...] = ()
        quads: tuple[tuple[tuple[float, float], ...], ...] = ()
        if leaves_at is None or k < leaves_at:
            centre = start + path * t
            angle = max(-MAX_ANGLE, min(MAX_ANGLE, angle0 + turn * t))
            quad = _card_quad((float(centre[0]), float(centre[1])), height, aspect, angle, random.Random(pose))
            _paste(scene, small, quad, light, tint)
            if rng.random() < 0.5:
                _glare(scene, quad, rng)
            shown, quads = (learner_id,), (tuple((float(x), float(y)) for x, y in quad),)
        blur = (rng.randint(0, max_blur), heading + rng.uniform(-15, 15))
        out.append(HarshPhoto(_finish(scene, random.Random(camera), nrng, blur), shown, quads))
    return out


def write_harsh_photos(out_dir: str, count: int = 40, seed: int = 1) -> tuple[PrintedCards, list[HarshPhoto]]:
    """Write OUTDIR/harsh_NNN.jpg (quality 95 over the photo's own JPEG loss) and truth.json."""
    import json

    os.makedirs(out_dir, exist_ok=True)
    printed, photos = harsh_photos(count, seed)
    truth = []
    for i, photo in enumerate(photos):
        name = f"harsh_{i:03d}.jpg"
        cv2.imwrite(os.path.join(out_dir, name), photo.image, [cv2.IMWRITE_JPEG_QUALITY, 95])
        truth.append({"name": name, "learner_ids": list(photo.learner_ids)})
    with open(os.path.join(out_dir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump({"program": printed.program, "key": printed.key.decode("latin-1"), "photos": truth}, f, indent=1)
    return printed, photos
