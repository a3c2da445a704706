"""Synthetic camera photos of QR cards (and of other codes, and of none) with their ground truth.

Tests, the QR benchmark and the simulated class use these instead of real photos: a white card
with a QR code and the letters A (top), B (right), C (bottom), D (left) around it, pasted into a
1280x720 scene with perspective, rotation, blur, noise, dim light and JPEG loss.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from cinema.core.roster import make_token

FRAME_SIZE = (1280, 720)
LETTERS = "ABCD"  # top, right, bottom, left of the card as printed


@dataclass(frozen=True)
class CardTruth:
    """One card in a photo: what it says and how it was turned."""

    token: str
    learner_id: str
    angle: float  # degrees the card is turned clockwise in the picture
    letter_on_top: str  # the letter whose edge is nearest the top of the picture
    center: tuple[float, float]


@dataclass(frozen=True)
class PhotoTruth:
    """What a photo shows: cards (valid tokens), other codes (not cards), nothing else."""

    name: str
    cards: tuple[CardTruth, ...] = ()
    others: tuple[str, ...] = ()  # payloads of QR codes that are not this programme's cards


@dataclass
class PhotoSet:
    """The photos `make_card_photos` wrote, with the programme and key their cards were made with."""

    folder: str
    program: str
    key: bytes
    photos: list[PhotoTruth] = field(default_factory=list)

    def path(self, photo: PhotoTruth) -> str:
        return os.path.join(self.folder, photo.name)


# ---- one card ----------------------------------------------------------------------------


def qr_matrix(text: str) -> np.ndarray:
    """The QR code of `text` as a bool array (True = dark module), no quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=0)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def _letter_patch(letter: str, size: int) -> np.ndarray:
    patch = np.full((size, size), 255, np.uint8)
    scale = size / 32.0
    thick = max(2, int(size / 10))
    (w, h), _ = cv2.getTextSize(letter, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    cv2.putText(patch, letter, ((size - w) // 2, (size + h) // 2), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, thick,
                cv2.LINE_AA)
    return patch


def render_card(token: str, module_px: int = 8) -> np.ndarray:
    """A grayscale card: the QR code (4-module quiet zone) with A/B/C/D on its four edges.

    Each letter faces its own edge, so it reads upright when that edge is held on top.
    """
    matrix = qr_matrix(token)
    n = matrix.shape[0]
    qr = np.where(np.kron(matrix, np.ones((module_px, module_px), bool)), 0, 255).astype(np.uint8)
    quiet = 4 * module_px
    letter = max(12, int(n * module_px * 0.22))
    side = n * module_px + 2 * quiet + 2 * letter
    card = np.full((side, side), 255, np.uint8)
    off = letter + quiet
    card[off:off + n * module_px, off:off + n * module_px] = qr
    mid = (side - letter) // 2
    # np.rot90 turns counterclockwise: B (right edge) is drawn turned clockwise, D counterclockwise
    places = {"A": (0, mid, 0), "B": (mid, side - letter, -1), "C": (side - letter, mid, 2), "D": (mid, 0, 1)}
    for name, (y, x, turns) in places.items():
        card[y:y + letter, x:x + letter] = np.rot90(_letter_patch(name, letter), turns)
    cv2.rectangle(card, (0, 0), (side - 1, side - 1), 200, 1)  # the card's cut edge
    return card


def letter_on_top(angle: float) -> str:
    """Which printed edge is highest when a card is turned `angle` degrees clockwise (geometry)."""
    best, top = "", math.inf
    for i, name in enumerate(LETTERS):
        # direction of the edge's middle from the centre, turned clockwise (y grows downwards)
        a = math.radians(i * 90 + angle)
        y = -math.cos(a)
        if y < top:
            best, top = name, y
    return best


# ---- a scene -----------------------------------------------------------------------------


def _background(rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    w, h = FRAME_SIZE
    base = rng.uniform(60, 190)
    gx = np.linspace(-1, 1, w)[None, :] * rng.uniform(-40, 40)
    gy = np.linspace(-1, 1, h)[:, None] * rng.uniform(-40, 40)
    img = np.clip(base + gx + gy, 0, 255).astype(np.float32)
    img = np.repeat(img[:, :, None], 3, axis=2) * np.array([rng.uniform(0.8, 1.2) for _ in range(3)], np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    # clutter: rectangles, circles, lines and words, like a classroom wall
    for _ in range(rng.randint(8, 25)):
        color = tuple(rng.randint(0, 255) for _ in range(3))
        kind = rng.random()
        x, y = rng.randint(0, w), rng.randint(0, h)
        if kind < 0.35:
            cv2.rectangle(img, (x, y), (x + rng.randint(20, 300), y + rng.randint(20, 200)), color, -1)
        elif kind < 0.6:
            cv2.circle(img, (x, y), rng.randint(10, 120), color, -1)
        elif kind < 0.85:
            cv2.line(img, (x, y), (rng.randint(0, w), rng.randint(0, h)), color, rng.randint(1, 8))
        else:
            cv2.putText(img, rng.choice(["ABC", "123", "hello", "class 4", "xyz"]), (x, y),
                        cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.8, 3), color, rng.randint(1, 5))
    return _add_noise(img, 6.0, nrng)


def _add_noise(img: np.ndarray, sigma: float, nrng: np.random.Generator) -> np.ndarray:
    """Sensor noise per pixel. OpenCV's generator (seeded from ours, so photos repeat) is
    several times faster than numpy's, and noise is most of the time this generator takes."""
    cv2.setRNGSeed(int(nrng.integers(2**31)))
    noise = np.empty(img.shape, np.int16)
    cv2.randn(noise, 0, sigma)
    return np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def _quad(center: tuple[float, float], size: float, angle: float, tilt: float,
          rng: random.Random) -> np.ndarray:
    """Corners (TL, TR, BR, BL of the card) turned clockwise by `angle`, with perspective jitter."""
    cx, cy = center
    a = math.radians(angle)
    ca, sa = math.cos(a), math.sin(a)
    half = size / 2
    # perspective: one pair of edges nearer the camera than the other
    sx, sy = 1 + rng.uniform(-tilt, tilt), 1 + rng.uniform(-tilt, tilt)
    local = [(-half * sy, -half * sx), (half * sy, -half / sx), (half / sy, half / sx), (-half / sy, half * sx)]
    pts = []
    for x, y in local:
        x += rng.uniform(-tilt, tilt) * half * 0.3
        y += rng.uniform(-tilt, tilt) * half * 0.3
        pts.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return np.array(pts, np.float32)


def _paste(scene: np.ndarray, card: np.ndarray, quad: np.ndarray, light: float, tint: np.ndarray) -> None:
    h, w = card.shape[:2]
    src = np.array([(0, 0), (w, 0), (w, h), (0, h)], np.float32)
    # work in the quad's bounding box only: a full-frame warp per card is most of the cost
    x0, y0 = np.floor(quad.min(axis=0)).astype(int) - 1
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 1
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, scene.shape[1]), min(y1, scene.shape[0])
    m = cv2.getPerspectiveTransform(src, quad - np.array([x0, y0], np.float32))
    size = (x1 - x0, y1 - y0)
    card_bgr = cv2.cvtColor(card, cv2.COLOR_GRAY2BGR).astype(np.float32) * light * tint
    warped = cv2.warpPerspective(np.clip(card_bgr, 0, 255).astype(np.uint8), m, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    region = scene[y0:y1, x0:x1]
    region[:] = (region * (1 - alpha) + warped * alpha).astype(np.uint8)


def _thumb(scene: np.ndarray, quad: np.ndarray, rng: random.Random) -> None:
    """A finger holding the card at one edge, over the letter margin but not over the code."""
    i = rng.randrange(4)
    p, q = quad[i], quad[(i + 1) % 4]
    t = rng.uniform(0.25, 0.75)
    x, y = p + (q - p) * t
    edge = float(np.linalg.norm(q - p))
    centre = quad.mean(axis=0)
    out = np.array([x, y]) - centre
    out = out / (np.linalg.norm(out) + 1e-6)
    x, y = np.array([x, y]) + out * edge * 0.06
    skin = (rng.randint(60, 140), rng.randint(90, 170), rng.randint(140, 220))
    cv2.ellipse(scene, (int(x), int(y)), (int(edge * 0.12), int(edge * 0.07)), rng.uniform(0, 180), 0, 360,
                skin, -1)


def _finish(img: np.ndarray, rng: random.Random, nrng: np.random.Generator, hard: bool) -> np.ndarray:
    """Camera and room faults: dim light, uneven light, blur, sensor noise, JPEG loss."""
    f = img.astype(np.float32)
    if rng.random() < 0.4:
        f *= rng.uniform(0.3, 0.6)  # a dim room
    w, h = FRAME_SIZE
    yy, xx = np.mgrid[0:45, 0:80].astype(np.float32)  # light falls off smoothly: compute it small
    cx, cy = rng.uniform(0, 80), rng.uniform(0, 45)
    spot = 1 - rng.uniform(0, 0.35) * (((xx - cx) / 80) ** 2 + ((yy - cy) / 45) ** 2)
    f *= cv2.resize(spot, (w, h), interpolation=cv2.INTER_LINEAR)[:, :, None]
    img = np.clip(f, 0, 255).astype(np.uint8)
    blur = rng.random()
    if blur < 0.35:
        k = rng.choice([3, 5])
        img = cv2.GaussianBlur(img, (k, k), rng.uniform(0.5, 1.2 if not hard else 1.6))
    elif blur < 0.55:
        n = rng.choice([3, 5] if not hard else [5, 7])
        kernel = np.zeros((n, n), np.float32)
        kernel[n // 2, :] = 1.0 / n  # a hand moving sideways
        m = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, m, (n, n))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
    img = _add_noise(img, rng.uniform(2, 10), nrng)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(60, 92)])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else img


def scatter(radii: list[float], rng: random.Random, *, gap: float, tries: int,
            frame: tuple[int, int] = FRAME_SIZE) -> list[tuple[float, float]] | None:
    """Centres for cards of these radii inside the frame, none overlapping another (`gap` px apart),
    each tried at `tries` random places; None when they do not fit (draw the photo again)."""
    w, h = frame
    placed: list[tuple[float, float, float]] = []
    for r in radii:
        for _ in range(tries):
            x, y = rng.uniform(r, w - r), rng.uniform(r, h - r)
            if all(math.hypot(x - px, y - py) > r + pr + gap for px, py, pr in placed):
                placed.append((x, y, r))
                break
        else:
            return None
    return [(x, y) for x, y, _ in placed]


def _slots(n: int, sizes: list[float], rng: random.Random) -> list[tuple[float, float]] | None:
    # a turned card reaches out to its half-diagonal, plus some perspective
    return scatter([size * 0.75 for size in sizes], rng, gap=8, tries=200)


def _other_payload(rng: random.Random, program: str, key: bytes) -> str:
    """A QR code that is not a card of this programme: a URL, Wi-Fi, a forged or foreign card."""
    kind = rng.randrange(5)
    if kind == 0:
        return f"https://example.org/{rng.randrange(10**6)}"
    if kind == 1:
        return f"WIFI:S:school{rng.randrange(100)};T:WPA;P:{rng.randrange(10**8)};;"
    if kind == 2:  # another programme's card
        return make_token("OTHER", f"s{rng.randrange(1000)}", b"another key")
    if kind == 3:  # a card with a wrong check (a forged or mistyped card)
        good = make_token(program, f"s{rng.randrange(1000)}", key)
        return good[:-1] + ("A" if good[-1] != "A" else "B")
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(rng.randint(5, 60)))


def render_photo(rng: random.Random, program: str, key: bytes, learner_ids: list[str], *,
                 others: int = 0, angle_mode: str = "any", hard: bool = False,
                 card_px: tuple[float, float] = (150, 320), name: str = "") -> tuple[np.ndarray, PhotoTruth]:
    """One BGR 1280x720 photo with a card for each learner id and `others` non-card codes.

    angle_mode: "any" turns cards anywhere (mostly upright), "answer" near 0/90/180/270
    (held up to answer), "upright" within ±15°.
    """
    nrng = np.random.default_rng(rng.randrange(2**32))
    scene = _background(rng, nrng)
    payloads = [make_token(program, lid, key) for lid in learner_ids]
    payloads += [_other_payload(rng, program, key) for _ in range(others)]
    sizes = [rng.uniform(*card_px) for _ in payloads]
    centres = _slots(len(payloads), sizes, rng)
    while centres is None:  # too crowded: smaller cards
        sizes = [s * 0.85 for s in sizes]
        centres = _slots(len(payloads), sizes, rng)
    cards: list[CardTruth] = []
    for i, (text, size, centre) in enumerate(zip(payloads, sizes, centres)):
        if angle_mode == "answer":
            angle = rng.choice([0, 90, 180, 270]) + rng.uniform(-20, 20)
        elif angle_mode == "upright":
            angle = rng.uniform(-15, 15)
        else:
            angle = rng.uniform(-25, 25) if rng.random() < 0.6 else rng.uniform(0, 360)
        angle = (angle + 180) % 360 - 180
        card = render_card(text, module_px=6)
        quad = _quad(centre, size, angle, 0.12 if not hard else 0.2, rng)
        light = rng.uniform(0.65, 1.0)
        tint = np.array([rng.uniform(0.85, 1.0) for _ in range(3)], np.float32)
        _paste(scene, card, quad, light, tint)
        if rng.random() < 0.3:
            _thumb(scene, quad, rng)
        if i < len(learner_ids):
            cards.append(CardTruth(text, learner_ids[i], round(angle, 1), letter_on_top(angle),
                                   (round(centre[0], 1), round(centre[1], 1))))
    img = _finish(scene, rng, nrng, hard)
    return img, PhotoTruth(name, tuple(cards), tuple(payloads[len(learner_ids):]))


def photo_stream(seed: int, program: str, key: bytes, count: int, **kw) -> Iterator[tuple[np.ndarray, PhotoTruth]]:
    """`count` photos in the same mix as `make_card_photos` (without writing them)."""
    rng = random.Random(seed)
    serial = 0
    for i in range(count):
        kind = i % 10
        n_cards, others, mode, hard = 0, 0, "any", False
        if kind in (0, 1, 2, 3):
            n_cards, hard = rng.randint(1, 4), kind == 3  # one photo in ten: steeper, more blur
        elif kind in (4, 5):
            n_cards, mode = rng.randint(1, 3), "answer"
        elif kind == 6:
            n_cards, others = rng.randint(1, 2), 1
        elif kind in (7, 8):
            others = rng.randint(1, 2)
        ids = [f"s{serial + j:03d}" for j in range(n_cards)]
        serial += n_cards
        yield render_photo(rng, program, key, ids, others=others, angle_mode=mode, hard=hard,
                           name=f"photo_{i:03d}.jpg", **kw)


def make_card_photos(out_dir: str, n: int = 40, seed: int = 1, program: str = "TEST",
                     key: bytes = b"photo test key") -> PhotoSet:
    """Write `n` JPEG photos and `truth.json` to `out_dir`: 40% with 1-4 cards (a quarter of them
    harder: steeper perspective, more blur), 20% with cards held
    up to answer (near 0/90/180/270°), 10% cards and a foreign code, 20% foreign codes only,
    10% no code at all."""
    os.makedirs(out_dir, exist_ok=True)
    result = PhotoSet(out_dir, program, key)
    for img, truth in photo_stream(seed, program, key, n):
        cv2.imwrite(os.path.join(out_dir, truth.name), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        result.photos.append(truth)
    with open(os.path.join(out_dir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump({"program": program, "key": key.decode("latin-1"),
                   "photos": [asdict(p) for p in result.photos]}, f, indent=1)
    return result


def class_parade(program: str, key: bytes, learner_ids: list[str], *, seed: int = 5, hold_frames: int = 30,
                 gap_frames: int = 9, pair_share: float = 0.25,
                 on_show: Callable[[list[str]], None] | None = None) -> Iterator[np.ndarray]:
    """Camera frames of a class walking past: each child (sometimes two at once) raises their
    card (motion blur for the first fifth), holds it for `hold_frames` with a shaking hand, then
    the room is empty for `gap_frames`. For `FakeCamera`: 30 frames is one second at 30 fps.
    `on_show(ids)` is called as the first frame of each showing is handed out.
    """
    rng = random.Random(seed)
    ids = list(learner_ids)
    rng.shuffle(ids)
    empty, _ = render_photo(rng, program, key, [])
    raising = hold_frames // 5
    while ids:
        n = 2 if len(ids) >= 2 and rng.random() < pair_share else 1
        group, ids = ids[:n], ids[n:]
        shown, _ = render_photo(rng, program, key, group, angle_mode="upright", card_px=(160, 300))
        for i in range(hold_frames):
            if i == 0 and on_show is not None:
                on_show(group)
            frame = np.roll(shown, (rng.randint(-3, 3), rng.randint(-4, 4)), axis=(0, 1))
            yield cv2.blur(frame, (1, 9)) if i < raising else frame
        for _ in range(gap_frames):
            yield empty
