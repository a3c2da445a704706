"""The video screen: the player's frame letterboxed in the video area, the title small below."""

from __future__ import annotations

import pygame

from cinema.core.view import MediaBody, View
from cinema.display.canvas import Canvas
from cinema.display.layout import fit_rect


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: MediaBody = view.body
    m = c.metrics
    area = m.video_rect
    pygame.draw.rect(c.surface, c.theme.video_bg, area)
    if frame is not None:
        target = fit_rect(frame.get_size(), area)
        if target.size != frame.get_size():
            # plain scale: a new frame comes many times a second, smoothscale costs too much
            frame = pygame.transform.scale(frame, target.size)
        c.surface.blit(frame, target)
        c.record("video.frame", target, "image")
    c.record("video", area, "image")
    strip = pygame.Rect(area.left, area.bottom, area.width, m.content_rect.bottom - area.bottom)
    c.text("video.title", body.title, strip, m.min_text, align="center", valign="center",
           color=c.theme.muted, max_lines=1)
