"""The video screen: the player's frame letterboxed in the video area, the title small below."""

from __future__ import annotations

import pygame

from cinema.core.view import MediaBody, View
from cinema.display.canvas import Canvas, LiveArea


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: MediaBody = view.body
    m = c.metrics
    area = m.video_rect
    # plain scaling: a new frame comes many times a second, smoothscale costs too much
    c.live_frame("video.frame", LiveArea(area, c.theme.video_bg), frame)
    c.record("video", area, "image")
    strip = pygame.Rect(area.left, area.bottom, area.width, m.content_rect.bottom - area.bottom)
    c.text("video.title", body.title, strip, m.min_text, align="center", valign="center",
           color=c.theme.muted, max_lines=1)
