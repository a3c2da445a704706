"""Draw the demo lesson's pictures with pygame: sun, cloud, rain, hills, title cards, slides."""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import pygame

SIZE = (1280, 720)

SKY = (120, 200, 250)
SUN = (255, 214, 0)
SUN_RAY = (255, 152, 0)
CLOUD = (250, 250, 252)
CLOUD_SHADE = (205, 215, 228)
DROP = (25, 118, 210)
DROP_LIGHT = (144, 202, 249)
GRASS = (76, 175, 80)
GRASS_DARK = (46, 125, 50)
RIVER = (30, 136, 229)
INK = (20, 24, 40)
WHITE = (255, 255, 255)

_FONT_FILES = {
    "latin": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",),
    "arabic": (
        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


def _font(size: int, script: str = "latin") -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    for path in _FONT_FILES.get(script, ()) + _FONT_FILES["latin"]:
        if os.path.exists(path):
            return pygame.font.Font(path, size)
    return pygame.font.Font(None, size)  # pygame's own font: Latin only, but never missing


def _visual_text(text: str, script: str) -> str:
    """Arabic must be joined and laid out right to left before pygame draws it."""
    if script != "arabic":
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


# -- pictures -------------------------------------------------------------------


def draw_sun(surface: pygame.Surface, center: tuple[int, int], radius: int, face: bool = True) -> None:
    cx, cy = center
    for i in range(12):
        angle = i * math.pi / 6
        inner = radius * 1.2
        outer = radius * 1.6
        half = math.pi / 28
        points = [
            (cx + inner * math.cos(angle - half * 2), cy + inner * math.sin(angle - half * 2)),
            (cx + outer * math.cos(angle), cy + outer * math.sin(angle)),
            (cx + inner * math.cos(angle + half * 2), cy + inner * math.sin(angle + half * 2)),
        ]
        pygame.draw.polygon(surface, SUN_RAY, points)
    pygame.draw.circle(surface, SUN_RAY, center, radius + max(3, radius // 12))
    pygame.draw.circle(surface, SUN, center, radius)
    if face:
        eye = max(3, radius // 9)
        pygame.draw.circle(surface, INK, (cx - radius // 3, cy - radius // 5), eye)
        pygame.draw.circle(surface, INK, (cx + radius // 3, cy - radius // 5), eye)
        mouth = pygame.Rect(0, 0, radius, radius * 2 // 3)
        mouth.center = (cx, cy + radius // 8)
        pygame.draw.arc(surface, INK, mouth, math.pi * 1.1, math.pi * 1.9, max(3, radius // 14))


def draw_cloud(surface: pygame.Surface, rect: pygame.Rect, shade: tuple[int, int, int] = CLOUD_SHADE) -> None:
    x, y, w, h = rect
    puffs = [(0.22, 0.62, 0.22), (0.42, 0.42, 0.28), (0.64, 0.45, 0.25), (0.80, 0.64, 0.19), (0.5, 0.68, 0.24)]
    for px, py, pr in puffs:
        pygame.draw.circle(surface, shade, (int(x + px * w), int(y + py * h + h * 0.05)), int(pr * w))
    for px, py, pr in puffs:
        pygame.draw.circle(surface, CLOUD, (int(x + px * w), int(y + py * h)), int(pr * w))
    pygame.draw.rect(surface, CLOUD, (x + w * 0.2, y + h * 0.6, w * 0.62, h * 0.25), border_radius=int(h * 0.1))


def draw_drop(surface: pygame.Surface, center: tuple[int, int], size: int) -> None:
    cx, cy = center
    r = size // 2
    pygame.draw.polygon(surface, DROP, [(cx, cy - size), (cx - r * 0.87, cy - r * 0.5), (cx + r * 0.87, cy - r * 0.5)])
    pygame.draw.circle(surface, DROP, (cx, cy), r)
    pygame.draw.circle(surface, DROP_LIGHT, (cx - r // 3, cy - r // 4), max(2, r // 4))


def draw_hills(surface: pygame.Surface, top: int, river: bool = False) -> None:
    w, h = surface.get_size()
    pygame.draw.ellipse(surface, GRASS_DARK, (-w * 0.2, top, w * 0.9, (h - top) * 2))
    pygame.draw.ellipse(surface, GRASS, (w * 0.35, top + 30, w * 0.9, (h - top) * 2))
    if river:
        points = []
        for i in range(0, 41):
            t = i / 40
            points.append((w * 0.45 + math.sin(t * 5) * 60 + t * 120 - 60 * (1 - t), top + 40 + t * (h - top)))
        pygame.draw.lines(surface, RIVER, False, points, 70)


def sprite(size: tuple[int, int]) -> pygame.Surface:
    return pygame.Surface(size, pygame.SRCALPHA)


def sun_sprite(radius: int = 110) -> pygame.Surface:
    side = int(radius * 3.4)
    s = sprite((side, side))
    draw_sun(s, (side // 2, side // 2), radius)
    return s


def cloud_sprite(width: int = 420) -> pygame.Surface:
    # Puffs reach above and below the cloud's box: leave room so none is cut flat.
    s = sprite((width, int(width * 0.8)))
    draw_cloud(s, pygame.Rect(0, int(width * 0.08), width, int(width * 0.55)))
    return s


def rain_layer(seed: int = 7, count: int = 70) -> pygame.Surface:
    """A full-frame layer of drops; two copies scrolled down make endless rain."""
    s = sprite(SIZE)
    rng = random.Random(seed)
    for _ in range(count):
        draw_drop(s, (rng.randrange(20, SIZE[0] - 20), rng.randrange(20, SIZE[1] - 20)), rng.randrange(18, 34))
    return s


def hills_layer(river: bool = False) -> pygame.Surface:
    s = sprite(SIZE)
    draw_hills(s, int(SIZE[1] * 0.68), river=river)
    return s


def title_card(text: str, script: str = "latin", size: int = 84) -> pygame.Surface:
    """Big white words with a dark outline, readable on any background."""
    font = _font(size, script)
    shown = _visual_text(text, script)
    fill = font.render(shown, True, WHITE)
    edge = font.render(shown, True, INK)
    pad = 8
    card = sprite((fill.get_width() + pad * 2, fill.get_height() + pad * 2))
    for dx in range(-5, 6, 2):
        for dy in range(-5, 6, 2):
            card.blit(edge, (pad + dx, pad + dy))
    card.blit(fill, (pad, pad))
    return card


# -- slides -------------------------------------------------------------------------


def _slide_base(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> pygame.Surface:
    s = pygame.Surface(SIZE)
    w, h = SIZE
    for y in range(h):
        t = y / (h - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
        pygame.draw.line(s, colour, (0, y), (w, y))
    return s


def _caption(surface: pygame.Surface, word: str, script: str = "latin") -> None:
    band = pygame.Rect(0, SIZE[1] - 170, SIZE[0], 170)
    pygame.draw.rect(surface, WHITE, band)
    pygame.draw.line(surface, INK, band.topleft, band.topright, 6)
    text = _font(120, script).render(_visual_text(word, script), True, INK)
    surface.blit(text, text.get_rect(center=band.center))


def slide(kind: str, word: str | None = None, script: str = "latin") -> pygame.Surface:
    """One 1280x720 slide: "sun", "cloud" or "rain", captioned with `word` (the lesson's language;
    English by default) in `script` ("latin" covers Cyrillic too, "arabic" is joined right to left)."""
    if kind == "sun":
        s = _slide_base((100, 190, 255), (190, 235, 255))
        draw_sun(s, (640, 270), 150)
        _caption(s, word or "Sun", script)
    elif kind == "cloud":
        s = _slide_base((70, 140, 220), (150, 200, 245))
        draw_cloud(s, pygame.Rect(150, 70, 560, 300))
        draw_cloud(s, pygame.Rect(660, 150, 440, 260))
        _caption(s, word or "Cloud", script)
    elif kind == "rain":
        s = _slide_base((70, 90, 120), (140, 165, 195))
        draw_cloud(s, pygame.Rect(390, 40, 500, 260))
        rng = random.Random(3)
        for row in range(3):
            for col in range(7):
                x = 400 + col * 80 + rng.randrange(-15, 15)
                y = 330 + row * 70 + (col % 2) * 30
                draw_drop(s, (x, y), 40)
        _caption(s, word or "Rain", script)
    else:
        raise ValueError(f"unknown slide {kind!r}")
    return s


def save(surface: pygame.Surface, path: Path) -> None:
    pygame.image.save(surface, str(path))
