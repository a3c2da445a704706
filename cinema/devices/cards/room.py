"""Synthetic webcam frames of a classroom holding up answer cards, with their ground truth.

For measuring which code a webcam reads across a room (issue 15; benchmarks/bench_card_room.py).
A `Room` is a class of children, each at a distance of 2-6 m from the camera, holding up one
card turned to their answer (0/90/180/270 degrees, ±15 degrees of wobble, some perspective tilt,
a thumb on its lower edge).
`Room.frame(k)` renders frame k: the same room with small hand motion from frame to frame,
uneven light, blur, sensor noise and JPEG loss. Seeded: the same arguments give the same pixels.

Sizes come from the camera, not from a guess in pixels (a pinhole camera):

    card_px = card_width_m * frame_width_px / (2 * distance_m * tan(hfov / 2))

Assumed: a laptop or USB webcam with a 75 degree horizontal field of view (they are 70-78),
an A5 card (148 x 210 mm) held in portrait, its code 98 mm square as `cinema cards` prints the
marker (7 cells of 14 mm, black border included; a QR code: without its quiet zone), with the
letters A (top), B (right), C (bottom), D (left) in the margins (a marker's back: B left, D right).
At 1920x1080 and 6 m the code is 20 px wide; at 1280x720 and 6 m, 14 px.

Codes: an ArUco or AprilTag marker from any `cv2.aruco` predefined dictionary, or the kiosk's QR
code (the real token `make_token` prints, level H as `cinema cards` prints it).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np

from cinema.cards.qr_payload import qr_matrix
from cinema.core.roster import make_token
from cinema.devices.cards.answer_card import SEEN_FROM_THE_BACK
from cinema.devices.cards.markers import dictionary
from cinema.devices.cards.photos import _letter_patch, letter_on_top

HFOV_DEGREES = 75.0
CARD_M = (0.148, 0.210)  # A5, portrait: width, height
CODE_M = 0.098  # the code's side on the card: `cinema cards` prints the marker 7 cells of 14 mm
DISTANCES_M = (2.0, 6.0)
QR = "QR"  # the family name of the kiosk's QR cards
ROOM_PROGRAM, ROOM_KEY = "ROOM", b"room key"  # the programme and card key of a QR room's tokens
CARD_PX_PER_M = 1500  # the card is drawn at this resolution before it is warped into the frame


def code_px(distance_m: float, frame_width: int, hfov_degrees: float = HFOV_DEGREES, size_m: float = CODE_M) -> float:
    """How many pixels wide something `size_m` across looks at `distance_m` (pinhole camera)."""
    return size_m * frame_width / (2 * distance_m * math.tan(math.radians(hfov_degrees) / 2))


def family_size(family: str) -> int:
    """How many different codes a family has (a QR code: as many as there are learner ids)."""
    if family == QR:
        return 10**6
    return int(dictionary(family).bytesList.shape[0])


@dataclass(frozen=True)
class CardInRoom:
    """One child's card: what it says, how far away, how it is turned (clockwise, degrees)."""

    code: int  # the marker id (a QR card: the child's number, its learner id is f"s{code:03d}")
    payload: str  # a QR card's token ("" for a marker)
    distance_m: float
    angle: float
    letter: str  # the answer: the letter on the card's top edge as the camera sees it
    center: tuple[float, float]
    card_px: float  # the card's width in the frame


@dataclass
class Room:
    """A class holding up cards in front of one camera; `frame(k)` renders frame k."""

    family: str
    size: tuple[int, int]  # the camera's frame, width x height
    cards: list[CardInRoom]
    seed: int
    background: np.ndarray = field(repr=False, compare=False)  # the room without cards, before the camera
    light: np.ndarray = field(repr=False, compare=False)  # how bright each part of the room is (h x w x 1)
    thumbs: bool = True  # each child's thumb over the lower edge of the card as it is held
    _faces: dict[int, np.ndarray] = field(init=False, repr=False, compare=False, default_factory=dict)

    @staticmethod
    def learner_id(code: int) -> str:
        """The learner id a QR card of this room carries for child number `code`."""
        return f"s{code:03d}"

    def face(self, card: CardInRoom) -> np.ndarray:
        """The card as printed (grayscale), drawn once per card."""
        if card.code not in self._faces:
            self._faces[card.code] = render_card_face(self.family, card.code, card.payload)
        return self._faces[card.code]

    def frame(self, k: int) -> np.ndarray:
        """Frame k (BGR): the room with each hand moved a little since frame 0."""
        rng = random.Random(self.seed * 100_003 + k)
        nrng = np.random.default_rng(self.seed * 100_003 + k)
        scene = self.background.copy()
        for card in self.cards:
            if k and rng.random() < 0.04:
                continue  # an arm or a head in front of the card in this frame
            shake = 0.03 * card.card_px + 1.5
            cx = card.center[0] + (rng.uniform(-shake, shake) if k else 0)
            cy = card.center[1] + (rng.uniform(-shake, shake) if k else 0)
            angle = card.angle + (rng.uniform(-2, 2) if k else 0)
            face = self.face(card)
            pose = random.Random(self.seed * 1_000_003 + card.code)  # how this child holds the card
            quad = _card_quad((cx, cy), card.card_px, face.shape[0] / face.shape[1], angle, pose, rng)
            blur = rng.choice([0, 0, 0, 3, 5]) if k else 0  # a moving hand smears its card
            _paste(scene, face, quad, rng.uniform(0.7, 1.0), blur, rng)
            if self.thumbs:
                _thumb(scene, quad, card.card_px, pose)
        return _camera(scene, self.light, rng, nrng)


def render_card_face(family: str, code: int, payload: str = "") -> np.ndarray:
    """A card (grayscale, portrait A5 proportions): the code in the middle, A/B/C/D in the margins."""
    w, h = (round(m * CARD_PX_PER_M) for m in CARD_M)
    side = round(CODE_M * CARD_PX_PER_M)
    card = np.full((h, w), 255, np.uint8)
    if family == QR:
        matrix = np.array(qr_matrix(payload), dtype=bool)
        n = matrix.shape[0]
        cell = side // n
        img = np.where(np.kron(matrix, np.ones((cell, cell), bool)), 0, 255).astype(np.uint8)
        img = cv2.resize(img, (side, side), interpolation=cv2.INTER_NEAREST)
    else:
        img = cv2.aruco.generateImageMarker(dictionary(family), code, side, borderBits=1)
    x0, y0 = (w - side) // 2, (h - side) // 2
    card[y0:y0 + side, x0:x0 + side] = img
    letter = min(x0, y0) - 2
    places = {"A": (max(0, y0 - letter - 2), (w - letter) // 2, 0), "B": ((h - letter) // 2, w - letter, -1),
              "C": (min(h - letter, y0 + side + 2), (w - letter) // 2, 2), "D": ((h - letter) // 2, 0, 1)}
    if family != QR:  # a marker is the card's back: each edge has its own letter, so B and D swap sides
        places["B"], places["D"] = places["D"][:2] + (1,), places["B"][:2] + (-1,)  # each top towards its edge
    for name, (y, x, turns) in places.items():
        card[y:y + letter, x:x + letter] = np.minimum(card[y:y + letter, x:x + letter],
                                                      np.rot90(_letter_patch(name, letter), turns))
    cv2.rectangle(card, (0, 0), (w - 1, h - 1), 190, 2)
    return card


def make_room(family: str, size: tuple[int, int], n_cards: int, seed: int, *,
              distances: tuple[float, float] = DISTANCES_M, hfov_degrees: float = HFOV_DEGREES,
              upright: bool = False, thumbs: bool = True) -> Room:
    """A room of `n_cards` children (distinct codes drawn from the family) at `distances` metres.

    upright: every card held with A on top and no wobble, in even light (for checking the
    generator itself). thumbs: each card held by a thumb reaching 10-21 mm in from its lower edge.
    """
    rng = random.Random(seed)  # the room: where each child sits, how they hold the card
    # the codes from their own generator, so that every family is measured in the same room
    codes = random.Random(f"{seed}-{family}").sample(range(min(family_size(family), 1000)), n_cards)
    w, h = size
    cards: list[CardInRoom] = []
    wanted = sorted(((rng.uniform(*distances), code) for code in codes), key=lambda t: t[0])
    placed: list[tuple[float, float, float]] = []
    for distance, code in wanted:  # the nearest (largest) cards first
        for _ in range(400):
            px = code_px(distance, w, hfov_degrees, CARD_M[0])
            r = 0.5 * math.hypot(CARD_M[0], CARD_M[1]) / CARD_M[0] * px + 3
            # children further away stand higher in the picture (the camera looks across the room)
            depth = (distance - distances[0]) / max(distances[1] - distances[0], 1e-6)
            y_mid = h * (0.62 - 0.3 * depth)
            x, y = rng.uniform(r, w - r), rng.gauss(y_mid, h * 0.12)
            y = min(max(y, r), h - r)
            if all(math.hypot(x - qx, y - qy) > r + qr for qx, qy, qr in placed):
                break
            distance = min(distance * 1.02, distances[1] * 1.5)  # no room here: a step further back
        else:
            raise ValueError(f"{n_cards} cards do not fit in a {w}x{h} frame")
        placed.append((x, y, r))
        angle = 0.0 if upright else rng.choice([0, 90, 180, 270]) + rng.uniform(-15, 15)
        angle = (angle + 180) % 360 - 180
        payload = make_token(ROOM_PROGRAM, Room.learner_id(code), ROOM_KEY) if family == QR else ""
        letter = letter_on_top(angle) if family == QR else SEEN_FROM_THE_BACK[letter_on_top(angle)]
        cards.append(CardInRoom(code, payload, round(distance, 2), round(angle, 1), letter,
                                     (round(x, 1), round(y, 1)), round(px, 1)))
    background = _classroom(size, rng, np.random.default_rng(seed))
    return Room(family, size, cards, seed, background, _uneven_light(size, rng, bright=upright), thumbs)


# ---- drawing -------------------------------------------------------------------------------


def _classroom(size: tuple[int, int], rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A wall, a board, windows, posters and children's heads and shoulders (clutter for the detector)."""
    w, h = size
    s = w / 1280
    img = np.empty((h, w, 3), np.uint8)
    img[:] = [rng.randint(120, 200) for _ in range(3)]
    cv2.rectangle(img, (int(w * 0.2), int(h * 0.05)), (int(w * 0.8), int(h * 0.35)), (40, 60, 40), -1)  # board
    for _ in range(rng.randint(10, 25)):  # posters, windows, shelves, text
        color = tuple(rng.randint(0, 255) for _ in range(3))
        x, y = rng.randint(0, w), rng.randint(0, h)
        if rng.random() < 0.6:
            cv2.rectangle(img, (x, y), (x + int(rng.randint(20, 200) * s), y + int(rng.randint(20, 150) * s)), color, -1)
        else:
            cv2.putText(img, rng.choice(["ABC", "2+3=5", "class 4", "x y z", "1 2 3"]), (x, y),
                        cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.8, 2.5) * s, color, max(1, int(3 * s)))
    for _ in range(rng.randint(25, 60)):  # heads and shoulders
        x, y = rng.randint(0, w), rng.randint(int(h * 0.25), h)
        r = int(rng.uniform(12, 40) * s * (0.6 + y / h))
        skin = (rng.randint(40, 150), rng.randint(60, 170), rng.randint(90, 220))
        cv2.ellipse(img, (x, y + 3 * r), (2 * r, 2 * r), 0, 180, 360, tuple(rng.randint(0, 255) for _ in range(3)), -1)
        cv2.circle(img, (x, y), r, skin, -1)
    noise = nrng.normal(0, 4, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def _uneven_light(size: tuple[int, int], rng: random.Random, bright: bool) -> np.ndarray:
    """Light across the room: a window on one side, dimmer at the back; computed small, resized."""
    yy, xx = np.mgrid[0:45, 0:80].astype(np.float32)
    cx, cy = rng.uniform(-20, 100), rng.uniform(0, 45)
    fall = rng.uniform(0.2, 0.55) if not bright else 0.1
    light = 1 - fall * np.clip(((xx - cx) / 80) ** 2 + ((yy - cy) / 45) ** 2, 0, 1.2)
    light *= 1.0 if bright else rng.uniform(0.55, 1.0)  # a dim room
    return cv2.resize(light, size, interpolation=cv2.INTER_LINEAR)[:, :, None]


def _card_quad(center: tuple[float, float], width: float, aspect: float, angle: float,
               pose: random.Random, rng: random.Random) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a card `width` px wide, turned clockwise by `angle`, tilted.

    pose: the card's own tilt (the same in every frame); rng: a little more each frame.
    """
    cx, cy = center
    a = math.radians(angle)
    ca, sa = math.cos(a), math.sin(a)
    hw, hh = width / 2, width * aspect / 2
    tx = pose.uniform(-0.25, 0.25) + rng.uniform(-0.03, 0.03)  # turned about the vertical axis
    ty = pose.uniform(-0.2, 0.2) + rng.uniform(-0.03, 0.03)  # leaned back or forward
    # the nearer edge of a turned card looks longer, the further one shorter
    local = [(-hw * (1 - ty), -hh * (1 - tx)), (hw * (1 - ty), -hh * (1 + tx)),
             (hw * (1 + ty), hh * (1 + tx)), (-hw * (1 + ty), hh * (1 - tx))]
    return np.array([(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in local], np.float32)


def _thumb(scene: np.ndarray, quad: np.ndarray, card_px: float, pose: random.Random) -> None:
    """The holding thumb: on the card's lowest edge in the picture (whichever edge that is after
    turning it to an answer), reaching 10-21 mm onto the card (a 148 mm card: 7-14 % of its width).
    A portrait card turned sideways has only 14 mm beside its code, so a thumb may cover the code."""
    edges = [(quad[i], quad[(i + 1) % 4]) for i in range(4)]
    p, q = max(edges, key=lambda e: e[0][1] + e[1][1])
    t = pose.uniform(0.3, 0.7)
    reach = pose.uniform(0.07, 0.14) * card_px
    x, y = p + (q - p) * t
    along = math.degrees(math.atan2(float(q[1] - p[1]), float(q[0] - p[0])))
    skin = (pose.randint(60, 140), pose.randint(90, 170), pose.randint(140, 220))
    cv2.ellipse(scene, (int(round(x)), int(round(y))), (max(1, int(0.09 * card_px)), max(1, int(reach))), along,
                0, 360, skin, -1, cv2.LINE_AA)


def _paste(scene: np.ndarray, face: np.ndarray, quad: np.ndarray, light: float, blur: int,
           rng: random.Random) -> None:
    h, w = face.shape
    x0, y0 = (np.floor(quad.min(axis=0)).astype(int) - 2).tolist()
    x1, y1 = (np.ceil(quad.max(axis=0)).astype(int) + 2).tolist()
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, scene.shape[1]), min(y1, scene.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    src = np.array([(0, 0), (w, 0), (w, h), (0, h)], np.float32)
    m = cv2.getPerspectiveTransform(src, quad - np.array([x0, y0], np.float32))
    out = (x1 - x0, y1 - y0)
    # a big downscale: area-average first (as a lens and sensor do), then the exact perspective warp
    scale = max(out) / max(w, h)
    if scale < 0.5:
        small = cv2.resize(face, (max(1, round(w * scale * 2)), max(1, round(h * scale * 2))),
                           interpolation=cv2.INTER_AREA)
        m = m @ np.diag([w / small.shape[1], h / small.shape[0], 1.0])
        face = small
        h, w = face.shape
    warped = cv2.warpPerspective(face, m, out, flags=cv2.INTER_LINEAR).astype(np.float32)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, out, flags=cv2.INTER_LINEAR)
    if blur:
        kernel = np.zeros((blur, blur), np.float32)
        kernel[blur // 2, :] = 1.0 / blur
        rot = cv2.getRotationMatrix2D((blur / 2 - 0.5, blur / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, (blur, blur))
        kernel /= max(float(kernel.sum()), 1e-6)
        warped = cv2.filter2D(warped, -1, kernel)
        mask = cv2.filter2D(mask, -1, kernel)
    tint = np.array([rng.uniform(0.85, 1.0) for _ in range(3)], np.float32)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    region = scene[y0:y1, x0:x1]
    region[:] = (region * (1 - alpha) + warped[:, :, None] * light * tint * alpha).clip(0, 255).astype(np.uint8)


def _camera(scene: np.ndarray, light: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """What a webcam makes of the room: its light, a soft lens, sensor noise, MJPEG compression."""
    img = (scene.astype(np.float32) * light).clip(0, 255).astype(np.uint8)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.0))
    cv2.setRNGSeed(int(nrng.integers(2**31)))
    noise = np.empty(img.shape, np.int16)
    cv2.randn(noise, 0, rng.uniform(2, 6))
    img = np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 90)])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else img
