"""Colours: dark background, light text, and bar colours that colour-blind children can tell apart."""

from __future__ import annotations

from dataclasses import dataclass

Color = tuple[int, int, int]

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
ORANGE: Color = (230, 159, 0)
SKY_BLUE: Color = (86, 180, 233)
BLUISH_GREEN: Color = (0, 158, 115)
YELLOW: Color = (240, 228, 66)
BLUE: Color = (0, 114, 178)
VERMILLION: Color = (213, 94, 0)
REDDISH_PURPLE: Color = (204, 121, 167)


@dataclass(frozen=True)
class Theme:
    background: Color = (14, 17, 22)
    panel: Color = (32, 38, 48)
    panel_edge: Color = (72, 82, 98)
    text: Color = (244, 244, 240)
    muted: Color = (178, 186, 198)  # still 9:1 on the background
    status_bg: Color = (24, 28, 36)
    video_bg: Color = (0, 0, 0)
    good: Color = BLUISH_GREEN  # connected, accepted, correct (always with a tick too)
    bad: Color = VERMILLION  # lost, refused, wrong PIN (always with a cross too)
    warn: Color = YELLOW
    accent: Color = SKY_BLUE
    neutral_bar: Color = (110, 122, 140)
    progress: Color = SKY_BLUE
    option_colors: tuple[Color, ...] = (
        ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, REDDISH_PURPLE, VERMILLION, BLUE,
    )
    # Very sad .. very happy: warm to cool, and each face has its own mouth shape as well.
    face_colors: tuple[Color, ...] = (VERMILLION, ORANGE, YELLOW, SKY_BLUE, BLUISH_GREEN)

    def option_color(self, index: int) -> Color:
        return self.option_colors[index % len(self.option_colors)]


def ink_on(color: Color) -> Color:
    """Black or white, whichever reads better on `color` (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (0, 0, 0) if luminance > 0.18 else (255, 255, 255)
