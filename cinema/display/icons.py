"""Pictures drawn with pygame primitives, scaled to any box: no image files to lose."""

from __future__ import annotations

import math

import pygame

Color = tuple[int, int, int]


def _w(rect: pygame.Rect, fraction: float) -> int:
    return max(2, round(min(rect.width, rect.height) * fraction))


def square(rect: pygame.Rect) -> pygame.Rect:
    """The largest square centred in `rect` (icons keep their shape)."""
    side = min(rect.width, rect.height)
    out = pygame.Rect(0, 0, side, side)
    out.center = rect.center
    return out


def tick(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    points = [(r.left + r.width * 0.12, r.top + r.height * 0.55),
              (r.left + r.width * 0.40, r.top + r.height * 0.82),
              (r.left + r.width * 0.90, r.top + r.height * 0.20)]
    pygame.draw.lines(surface, color, False, points, _w(r, 0.16))


def cross(surface: pygame.Surface, rect: pygame.Rect, color: Color, width: float = 0.14) -> None:
    r = square(rect).inflate(-rect.width * 0.2, -rect.height * 0.2) if rect.width > 10 else square(rect)
    pygame.draw.line(surface, color, r.topleft, r.bottomright, _w(rect, width))
    pygame.draw.line(surface, color, r.bottomleft, r.topright, _w(rect, width))


def speaker(surface: pygame.Surface, rect: pygame.Rect, color: Color, waves: int = 3,
            dim: Color | None = None, flip: bool = False) -> None:
    """A loudspeaker with `waves` of three sound arcs lit (the rest drawn `dim`)."""
    r = square(rect)
    s = r.width
    body = [(0.08, 0.38), (0.26, 0.38), (0.48, 0.16), (0.48, 0.84), (0.26, 0.62), (0.08, 0.62)]
    pts = [((1 - x) if flip else x, y) for x, y in body]
    pygame.draw.polygon(surface, color, [(r.left + x * s, r.top + y * s) for x, y in pts])
    for i in range(3):
        radius = s * (0.16 + 0.14 * i)
        arc = pygame.Rect(0, 0, radius * 2, radius * 2)
        arc.center = (r.left + (0.52 if not flip else 0.48) * s, r.centery)
        start, stop = (-0.9, 0.9) if not flip else (math.pi - 0.9, math.pi + 0.9)
        shade = color if i < waves else (dim or color)
        if i < waves or dim:
            pygame.draw.arc(surface, shade, arc, start, stop, _w(r, 0.05))


def battery(surface: pygame.Surface, rect: pygame.Rect, percent: float | None, color: Color,
            fill: Color, charging: bool | None = None) -> None:
    """A horizontal battery filled to `percent`; a lightning bolt when charging."""
    h = min(rect.height, rect.width // 2)
    body = pygame.Rect(0, 0, h * 2 - h // 5, h)
    body.midleft = (rect.left, rect.centery)
    nub = pygame.Rect(body.right, body.top + h // 4, max(2, h // 5), h // 2)
    edge = max(2, h // 9)
    pygame.draw.rect(surface, color, body, edge, border_radius=edge)
    pygame.draw.rect(surface, color, nub)
    if percent is not None:
        inner = body.inflate(-edge * 3, -edge * 3)
        inner.width = round(inner.width * max(0.0, min(100.0, percent)) / 100)
        if inner.width > 0:
            pygame.draw.rect(surface, fill, inner)
    if charging:
        cx, cy, u = body.centerx, body.centery, h / 10
        bolt = [(cx + u, cy - 4 * u), (cx - 2 * u, cy + u), (cx, cy + u), (cx - u, cy + 4 * u),
                (cx + 2 * u, cy - u), (cx, cy - u)]
        pygame.draw.polygon(surface, (0, 0, 0), bolt)
        pygame.draw.polygon(surface, color, bolt, 1)


def person(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    pygame.draw.circle(surface, color, (r.centerx, r.top + s * 0.28), s * 0.2)
    # Shoulders: the top half of an ellipse, cut at the bottom of the icon's square.
    shoulders = pygame.Rect(r.left + s * 0.12, r.top + s * 0.55, s * 0.76, s * 0.9)
    old_clip = surface.get_clip()
    surface.set_clip(r.clip(old_clip))
    pygame.draw.ellipse(surface, color, shoulders)
    surface.set_clip(old_clip)


def clicker(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    body = pygame.Rect(r.left + s * 0.25, r.top + s * 0.05, s * 0.5, s * 0.9)
    pygame.draw.rect(surface, color, body, _w(r, 0.08), border_radius=round(s * 0.12))
    for row in range(3):
        for col in range(2):
            pygame.draw.circle(surface, color,
                               (body.left + body.width * (0.32 + 0.36 * col),
                                body.top + body.height * (0.3 + 0.2 * row)), max(1, s * 0.06))


def camera(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    body = pygame.Rect(r.left + s * 0.05, r.top + s * 0.28, s * 0.9, s * 0.6)
    pygame.draw.rect(surface, color, body, _w(r, 0.08), border_radius=round(s * 0.08))
    pygame.draw.rect(surface, color, (r.left + s * 0.32, r.top + s * 0.14, s * 0.36, s * 0.16))
    pygame.draw.circle(surface, color, body.center, s * 0.17, _w(r, 0.08))


def card(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    """A QR card: three finder squares and a few modules."""
    r = square(rect)
    s = r.width
    pygame.draw.rect(surface, color, r.inflate(-s * 0.1, -s * 0.1), _w(r, 0.06))
    u = s * 0.22
    for x, y in ((0.14, 0.14), (0.64, 0.14), (0.14, 0.64)):
        pygame.draw.rect(surface, color, (r.left + x * s, r.top + y * s, u, u), _w(r, 0.06))
    pygame.draw.rect(surface, color, (r.left + 0.66 * s, r.top + 0.66 * s, u * 0.8, u * 0.8))


def plug(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    pygame.draw.rect(surface, color, (r.left + s * 0.25, r.top + s * 0.35, s * 0.5, s * 0.35),
                     border_radius=round(s * 0.08))
    for x in (0.35, 0.6):
        pygame.draw.rect(surface, color, (r.left + s * x, r.top + s * 0.1, s * 0.06, s * 0.25))
    pygame.draw.line(surface, color, (r.centerx, r.top + s * 0.7), (r.centerx, r.bottom), _w(r, 0.08))


def warning(surface: pygame.Surface, rect: pygame.Rect, color: Color, ink: Color) -> None:
    """A warning triangle with an exclamation mark."""
    r = square(rect)
    s = r.width
    pygame.draw.polygon(surface, color, [(r.centerx, r.top + s * 0.05), (r.right, r.bottom - s * 0.08),
                                         (r.left, r.bottom - s * 0.08)])
    pygame.draw.rect(surface, ink, (r.centerx - s * 0.045, r.top + s * 0.32, s * 0.09, s * 0.32))
    pygame.draw.circle(surface, ink, (r.centerx, r.top + s * 0.76), s * 0.055)


def pause(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    for x in (0.2, 0.58):
        pygame.draw.rect(surface, color, (r.left + s * x, r.top + s * 0.15, s * 0.22, s * 0.7))


def lock(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    s = r.width
    shackle = pygame.Rect(r.left + s * 0.25, r.top + s * 0.05, s * 0.5, s * 0.6)
    pygame.draw.arc(surface, color, shackle, 0, math.pi, _w(r, 0.09))
    pygame.draw.line(surface, color, (shackle.left + s * 0.04, shackle.centery),
                     (shackle.left + s * 0.04, r.top + s * 0.5), _w(r, 0.09))
    pygame.draw.line(surface, color, (shackle.right - s * 0.05, shackle.centery),
                     (shackle.right - s * 0.05, r.top + s * 0.5), _w(r, 0.09))
    pygame.draw.rect(surface, color, (r.left + s * 0.15, r.top + s * 0.45, s * 0.7, s * 0.5),
                     border_radius=round(s * 0.06))


def face(surface: pygame.Surface, rect: pygame.Rect, mood: int, color: Color, ink: Color) -> None:
    """A face from very sad (mood 1) to very happy (mood 5); the mouth alone tells them apart."""
    r = square(rect)
    s = r.width
    pygame.draw.circle(surface, color, r.center, s * 0.48)
    eye_y = r.top + s * 0.38
    for x in (0.35, 0.65):
        pygame.draw.circle(surface, ink, (r.left + s * x, eye_y), s * 0.055)
    width = _w(r, 0.055)
    mouth = pygame.Rect(0, 0, s * 0.5, s * 0.3)
    if mood == 1:  # very sad: deep frown and brows slanting down outwards
        mouth.center = (r.centerx, r.top + s * 0.78)
        pygame.draw.arc(surface, ink, mouth, 0.15, math.pi - 0.15, width)
        pygame.draw.line(surface, ink, (r.left + s * 0.24, r.top + s * 0.30), (r.left + s * 0.42, r.top + s * 0.25), width)
        pygame.draw.line(surface, ink, (r.left + s * 0.76, r.top + s * 0.30), (r.left + s * 0.58, r.top + s * 0.25), width)
    elif mood == 2:  # sad: shallow frown
        mouth.height = s * 0.16
        mouth.center = (r.centerx, r.top + s * 0.74)
        pygame.draw.arc(surface, ink, mouth, 0.2, math.pi - 0.2, width)
    elif mood == 3:  # neither: a straight mouth
        pygame.draw.line(surface, ink, (r.left + s * 0.32, r.top + s * 0.68), (r.left + s * 0.68, r.top + s * 0.68), width)
    elif mood == 4:  # happy: smile
        mouth.height = s * 0.22
        mouth.center = (r.centerx, r.top + s * 0.58)
        pygame.draw.arc(surface, ink, mouth, math.pi + 0.25, 2 * math.pi - 0.25, width)
    else:  # very happy: open laughing mouth
        mouth = pygame.Rect(0, 0, s * 0.52, s * 0.34)
        mouth.center = (r.centerx, r.top + s * 0.6)
        pygame.draw.ellipse(surface, ink, mouth)
        pygame.draw.rect(surface, color, (mouth.left, mouth.top, mouth.width, mouth.height * 0.5))


def picture_missing(surface: pygame.Surface, rect: pygame.Rect, color: Color, cross_color: Color) -> None:
    """A picture frame with mountains, crossed out: the slide's image could not be loaded."""
    r = square(rect)
    s = r.width
    frame = r.inflate(-s * 0.1, -s * 0.25)
    pygame.draw.rect(surface, color, frame, _w(r, 0.05))
    pygame.draw.polygon(surface, color, [(frame.left + s * 0.08, frame.bottom - s * 0.06),
                                         (frame.left + s * 0.35, frame.top + s * 0.25),
                                         (frame.left + s * 0.55, frame.bottom - s * 0.06)])
    pygame.draw.circle(surface, color, (frame.right - s * 0.18, frame.top + s * 0.16), s * 0.07)
    cross(surface, r, cross_color, 0.08)


def projector(surface: pygame.Surface, rect: pygame.Rect, color: Color, light: Color) -> None:
    """A film projector with its beam: the title screen's picture."""
    r = square(rect)
    s = r.width
    for x in (0.22, 0.5):
        pygame.draw.circle(surface, color, (r.left + s * x, r.top + s * 0.3), s * 0.15, _w(r, 0.05))
        pygame.draw.circle(surface, color, (r.left + s * x, r.top + s * 0.3), s * 0.03)
    body = pygame.Rect(r.left + s * 0.08, r.top + s * 0.48, s * 0.56, s * 0.3)
    pygame.draw.rect(surface, color, body, border_radius=round(s * 0.04))
    pygame.draw.rect(surface, color, (body.right, body.top + s * 0.08, s * 0.08, s * 0.14))
    beam = [(body.right + s * 0.08, body.top + s * 0.1), (r.right, body.top - s * 0.1),
            (r.right, body.bottom + s * 0.08), (body.right + s * 0.08, body.top + s * 0.2)]
    pygame.draw.polygon(surface, light, beam)


def star(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> None:
    r = square(rect)
    cx, cy, big, small = r.centerx, r.centery, r.width * 0.5, r.width * 0.2
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        radius = big if i % 2 == 0 else small
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    pygame.draw.polygon(surface, color, points)


def ring(surface: pygame.Surface, rect: pygame.Rect, fraction: float, color: Color, track: Color,
         clockwise: bool = True) -> None:
    """A ring filled to `fraction` from twelve o'clock, clockwise: clocks run clockwise in
    right-to-left languages too, so a ring running the other way reads as time going back."""
    r = square(rect)
    width = _w(r, 0.07)
    pygame.draw.circle(surface, track, r.center, r.width / 2, width)
    fraction = max(0.0, min(1.0, fraction))
    if fraction <= 0:
        return
    # A filled band (outer edge out, inner edge back): pygame's thick arcs leave gaps.
    steps = max(2, int(120 * fraction))
    outer, inner = r.width / 2, r.width / 2 - width
    edge_out, edge_in = [], []
    for i in range(steps + 1):
        t = fraction * i / steps
        angle = math.pi / 2 - (2 * math.pi * t if clockwise else -2 * math.pi * t)
        cos, sin = math.cos(angle), math.sin(angle)
        edge_out.append((r.centerx + outer * cos, r.centery - outer * sin))
        edge_in.append((r.centerx + inner * cos, r.centery - inner * sin))
    pygame.draw.polygon(surface, color, edge_out + edge_in[::-1])
    for a, b in ((edge_out[0], edge_in[0]), (edge_out[-1], edge_in[-1])):
        pygame.draw.circle(surface, color, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), width / 2)


POWER_SOURCE_WORDS = ("battery", "ups", "victron", "power")


def is_power_source(name: str) -> bool:
    """The battery reader (laptop battery, UPS, Victron): its state is the battery icon's job."""
    lowered = name.lower()
    return any(word in lowered.split() or lowered.startswith(word) for word in POWER_SOURCE_WORDS)


def device(surface: pygame.Surface, rect: pygame.Rect, name: str, connected: bool,
           good: Color, bad: Color) -> None:
    """A device by its kind, green when connected, red and crossed out when lost. A battery reader is
    drawn as a battery, never as a plug: a plug reads as "on mains" while the laptop runs down."""
    color = good if connected else bad
    lowered = name.lower()
    if is_power_source(name):
        battery(surface, rect, None, color, color)
    elif "click" in lowered or "remote" in lowered or "class" in lowered:
        clicker(surface, rect, color)
    elif "cam" in lowered:
        camera(surface, rect, color)
    elif "scan" in lowered or "card" in lowered:
        card(surface, rect, color)
    else:
        plug(surface, rect, color)
    if not connected:
        cross(surface, rect, bad, 0.1)
