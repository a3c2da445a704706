"""The audio screen: a big loudspeaker whose sound waves move with the playing position (all of
them lit and still on a low battery), the title, and a progress bar with the time played."""

from __future__ import annotations

import pygame

from cinema.core.view import MediaBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.display.screens.common import mmss


def wave_count(position: float, still: bool = False) -> int:
    """0..3 lit sound waves, stepping with the position so the picture visibly moves; all three, not
    moving, when the view asks for stillness (below the battery's warning level)."""
    return 3 if still else int(position * 2) % 4


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: MediaBody = view.body
    m, area = c.metrics, c.content
    bar_h = max(12, round(m.height * 0.03))
    time_h = c.line_height(m.min_text)
    title_h = c.line_height(m.heading) * 2
    picture_h = area.height - title_h - bar_h - time_h - 3 * m.gap
    picture, title, bar, times = stack(area, [picture_h, title_h, bar_h, time_h], m.gap)
    speaker_rect = icons.square(picture)
    c.icon("audio.speaker", speaker_rect, icons.speaker, c.theme.accent, wave_count(body.position, view.still),
           c.theme.panel, c.rtl)
    c.text("audio.title", body.title, title, m.heading, align="center", valign="center", max_lines=2)

    track = bar.inflate(-area.width // 8, 0)
    pygame.draw.rect(c.surface, c.theme.panel, track, border_radius=bar_h // 2)
    if body.duration:
        fraction = max(0.0, min(1.0, body.position / body.duration))
        filled = pygame.Rect(track.left, track.top, round(track.width * fraction), track.height)
        pygame.draw.rect(c.surface, c.theme.accent, c.mirror(filled, track), border_radius=bar_h // 2)
    c.record("audio.progress", track, "chart")
    times = pygame.Rect(track.left, times.top, track.width, times.height)
    half = times.width // 2
    c.text("audio.position", mmss(body.position, countdown=False), c.mirror(pygame.Rect(times.left, times.top, half, time_h), times),
           m.min_text, align="start", max_lines=1, color=c.theme.muted)
    if body.duration:
        c.text("audio.duration", mmss(body.duration, countdown=False),
               c.mirror(pygame.Rect(times.right - half, times.top, half, time_h), times),
               m.min_text, align="end", max_lines=1, color=c.theme.muted)
