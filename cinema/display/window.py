"""Opening the kiosk window: fullscreen on the chosen display, or off-screen when headless."""

from __future__ import annotations

import os

import pygame

HEADLESS_SIZE = (1024, 768)
WINDOW_TITLE = "Learning Cinema"


def open_window(display_index: int = 0, size: tuple[int, int] | None = None, fullscreen: bool = True,
                headless: bool = False) -> pygame.Surface:
    """Create the pygame display surface and hide the mouse pointer.

    Headless uses SDL's dummy video driver (no FULLSCREEN: the dummy driver refuses it) with
    1024x768 or the given size. Fullscreen with no size takes the display's own resolution.
    """
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(WINDOW_TITLE)
    count = max(1, pygame.display.get_num_displays())
    index = display_index if 0 <= display_index < count else 0
    if headless:
        surface = pygame.display.set_mode(size or HEADLESS_SIZE)
    elif fullscreen:
        surface = pygame.display.set_mode(size or (0, 0), pygame.FULLSCREEN, display=index)
    else:
        surface = pygame.display.set_mode(size or HEADLESS_SIZE, 0, display=index)
    pygame.mouse.set_visible(False)
    return surface


class Window:
    """The kiosk's window as the main loop sees it: its events, its current surface (which a
    resized window or a replugged projector replaces), and showing what was drawn."""

    RESIZE_EVENTS = (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED)

    def __init__(self, surface: pygame.Surface) -> None:
        self.surface = surface

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def events(self) -> list:
        return pygame.event.get()

    def resized(self, event) -> bool:
        """True when `event` changed the window's size; `surface` is then the new one."""
        if event.type not in self.RESIZE_EVENTS:
            return False
        surface = pygame.display.get_surface()
        if surface is None:
            return False
        old, self.surface = self.surface.get_size(), surface
        return surface.get_size() != old

    def show(self, area: pygame.Rect | None = None) -> None:
        """Put the drawing on the screen: all of it, or only `area`."""
        if area is None:
            pygame.display.flip()
        else:
            pygame.display.update(area)

    def save(self, path) -> None:
        """What the window shows, read back from its surface, as a PNG."""
        pygame.image.save(self.surface, str(path))
