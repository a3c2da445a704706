"""The video screen: the player's frame letterboxed in the video area, the title small below;
while paused or just after a seek, a time bar under the picture with the time played and left."""

from __future__ import annotations

import pygame

from cinema.core.view import MediaBody, View
from cinema.display.canvas import Canvas, LiveArea
from cinema.display.screens.common import mmss

MINUS = "\u2212"  # the minus sign before the time left ("−2:10")


def time_bar_height(c: Canvas) -> int:
    """The band the time bar takes from the bottom of the video area: the track and one line of times."""
    m = c.metrics
    return m.gap * 3 + track_height(c) + c.line_height(m.min_text)


def track_height(c: Canvas) -> int:
    return max(8, round(c.metrics.height * 0.015))


def draw_time_bar(c: Canvas, band: pygame.Rect, position: float, duration: float | None) -> None:
    """The track filled up to `position` (from the right in right-to-left languages), the time
    played at its start and the time left at its end."""
    m = c.metrics
    c.panel(band, c.theme.panel, radius=0)
    inner = band.inflate(-2 * m.gap, -2 * m.gap)
    bar_h = track_height(c)
    track = pygame.Rect(inner.left, inner.top, inner.width, bar_h)
    pygame.draw.rect(c.surface, c.theme.background, track, border_radius=bar_h // 2)
    if duration:
        fraction = max(0.0, min(1.0, position / duration))
        filled = pygame.Rect(track.left, track.top, round(track.width * fraction), track.height)
        pygame.draw.rect(c.surface, c.theme.accent, c.mirror(filled, track), border_radius=bar_h // 2)
    c.record("video.progress", track, "chart")
    time_h = c.line_height(m.min_text)
    times = pygame.Rect(inner.left, track.bottom + m.gap, inner.width, time_h)
    half = times.width // 2
    # In right-to-left languages the time played is on the right, where the filling starts.
    c.text("video.elapsed", mmss(position, countdown=False),
           c.mirror(pygame.Rect(times.left, times.top, half, time_h), times),
           m.min_text, align="start", max_lines=1)
    if duration:
        c.text("video.remaining", MINUS + mmss(max(0.0, duration - position)),
               c.mirror(pygame.Rect(times.right - half, times.top, half, time_h), times),
               m.min_text, align="end", max_lines=1)


def draw_over(c: Canvas, view: View) -> None:
    """Over a video VLC draws into the window itself (video: window): only the time bar, while paused or
    just after a seek, at the bottom of the video area as `draw` puts it."""
    body: MediaBody = view.body
    if view.paused or body.seeking:
        area = c.metrics.video_rect
        band_h = time_bar_height(c)
        draw_time_bar(c, pygame.Rect(area.left, area.bottom - band_h, area.width, band_h), body.position, body.duration)


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: MediaBody = view.body
    m = c.metrics
    area = m.video_rect
    picture = area
    if view.paused or body.seeking:
        band_h = time_bar_height(c)
        picture = pygame.Rect(area.left, area.top, area.width, area.height - band_h)
        draw_time_bar(c, pygame.Rect(area.left, picture.bottom, area.width, band_h), body.position, body.duration)
    # plain scaling: a new frame comes many times a second, smoothscale costs too much
    c.live_frame("video.frame", LiveArea(picture, c.theme.video_bg), frame)
    c.record("video", picture, "image")
    strip = pygame.Rect(area.left, area.bottom, area.width, m.content_rect.bottom - area.bottom)
    c.text("video.title", body.title, strip, m.min_text, align="center", valign="center",
           color=c.theme.muted, max_lines=1)
