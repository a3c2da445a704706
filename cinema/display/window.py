"""Opening the kiosk window: fullscreen on the chosen display, or off-screen when headless."""

from __future__ import annotations

import os

import pygame

HEADLESS_SIZE = (1024, 768)
WINDOW_TITLE = "Learning Cinema"


def open_window(display_index: int = 0, size: tuple[int, int] | None = None, fullscreen: bool = True,
                headless: bool = False, monitor=None) -> pygame.Surface:
    """Create the pygame display surface and hide the mouse pointer.

    Headless uses SDL's dummy video driver (no FULLSCREEN: the dummy driver refuses it) with
    1024x768 or the given size. Fullscreen with no size takes the display's own resolution.
    Fullscreen on `monitor` (cinema.core.screen_plan.Monitor, read from the X server): a borderless
    window covering that monitor's rectangle, which SDL's own display list may not know.
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
    elif fullscreen and monitor is not None:
        os.environ["SDL_VIDEO_WINDOW_POS"] = f"{monitor.x},{monitor.y}"
        surface = pygame.display.set_mode((monitor.width, monitor.height), pygame.NOFRAME)
    elif fullscreen:
        surface = pygame.display.set_mode(size or (0, 0), pygame.FULLSCREEN, display=index)
    else:
        surface = pygame.display.set_mode(size or HEADLESS_SIZE, 0, display=index)
    pygame.mouse.set_visible(False)
    return surface


class Window:
    """The kiosk's window as the main loop sees it: its events, its current surface (which a
    resized window or a replugged projector replaces), and showing what was drawn."""

    def __init__(self, surface: pygame.Surface) -> None:
        self._surface = surface

    @property
    def surface(self) -> pygame.Surface:
        """The display's surface now: a resized window has a new one, which may come before,
        after or (on a busy X server) without its resize event."""
        surface = pygame.display.get_surface()
        if surface is not None:
            self._surface = surface
        return self._surface

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def events(self) -> list:
        return pygame.event.get()

    def resized(self, event) -> bool:
        """Always False: the loop lays the screen out again whenever `size` differs from its layout (the
        new surface may come before, after or without its resize event), so an event adds nothing."""
        return False

    def show(self, area: pygame.Rect | None = None) -> None:
        """Put the drawing on the screen: all of it, or only `area`."""
        if area is None:
            pygame.display.flip()
        else:
            pygame.display.update(area)

    def save(self, path) -> None:
        """What the window shows, read back from its surface, as a PNG."""
        pygame.image.save(self.surface, str(path))


TEACHER_TITLE = "Learning Cinema — teacher"
SDL_WINDOWPOS_CENTERED_DISPLAY = 0x2FFF0000  # SDL_WINDOWPOS_CENTERED_DISPLAY(i) is this | i


class MonitorWindow:
    """A window of its own (pygame.Window) covering one monitor: the class window on the projector or
    the teacher window on the laptop in presenter mode. Placed by the monitor's rectangle on the
    desktop, borderless and of its size (SDL's own display list goes stale when a projector is
    unplugged or changes mode, so "fullscreen on display i" cannot be trusted)."""

    RESIZE_EVENTS = (pygame.WINDOWSIZECHANGED,)

    def __init__(self, win) -> None:
        self.win = win

    @property
    def surface(self) -> pygame.Surface:
        return self.win.get_surface()

    @property
    def size(self) -> tuple[int, int]:
        return self.win.size

    @property
    def handle(self) -> int:
        """The native (X11) window id, for VLC to draw video into."""
        return int(self.win.handle or 0)

    def owns(self, event) -> bool:
        return getattr(event, "window", None) is self.win

    def events(self) -> list:
        return pygame.event.get()

    def resized(self, event) -> bool:
        return event.type in self.RESIZE_EVENTS and self.owns(event)

    def show(self, area: pygame.Rect | None = None) -> None:
        self.win.flip()  # a Window has no partial update: the whole window (cheap in software)

    def save(self, path) -> None:
        pygame.image.save(self.surface, str(path))

    def focus(self) -> None:
        """Take the keyboard (no window manager on a kiosk: keys go where the X focus is)."""
        try:
            self.win.focus()
        except pygame.error:
            pass

    def close(self) -> None:
        self.win.destroy()


def open_on_monitor(title: str, monitor, headless: bool = False) -> MonitorWindow:
    """A window covering `monitor` (cinema.core.screen_plan.Monitor). Headless (SDL's dummy driver):
    an off-screen window of the monitor's size, for tests. Raises pygame.error when it cannot be made."""
    size = (monitor.width, monitor.height)
    if headless:
        win = pygame.Window(title, size, position=(monitor.x, monitor.y))
    elif monitor.sdl_index >= 0:  # known from SDL's list only: fullscreen on that display, as SDL places it
        centred = SDL_WINDOWPOS_CENTERED_DISPLAY | monitor.sdl_index
        win = pygame.Window(title, size, position=(centred, centred), fullscreen_desktop=True)
    else:
        win = pygame.Window(title, size, position=(monitor.x, monitor.y), borderless=True)
        win.always_on_top = True
    if win.size != size and monitor.sdl_index < 0:
        win.size = size
    pygame.mouse.set_visible(False)
    return MonitorWindow(win)


def close_display_window() -> None:
    """Close the window pygame.display.set_mode opened (one display), before the two windows of
    presenter mode are made; pygame.display stays initialised (fonts and surfaces keep working)."""
    import warnings

    if pygame.display.get_surface() is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # from_display_module: the way to close it
        pygame.Window.from_display_module().destroy()
