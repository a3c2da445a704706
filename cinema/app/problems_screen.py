"""The content-error screen's own small loop (broken content: no lesson, no engine): the problems
page by page (→ / Page Down / Space and ← / Page Up), on the configured display, in the kiosk's
language; Escape opens the teacher PIN prompt and only the right PIN closes the screen, so a child
at the keyboard cannot drop the kiosk to the desktop."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cinema.core.events import PinDigit
from cinema.core.pin import PinHash, PinPad, PinResult
from cinema.core.view import ContentErrorBody, Screen, View

NEXT_KEYS = ("right", "page down", "space", "down")
BACK_KEYS = ("left", "page up", "up")


@dataclass
class ProblemPages:
    """What the screen shows and what a key does to it; pure, so tests drive it without a window."""

    problems: tuple[str, ...]
    pin: PinHash | str
    language: str = "en"
    first: int = 0
    shown: tuple[int, ...] = ()  # the problems on the page drawn last (the renderer's layout says)
    _back: list[int] = field(default_factory=list)
    pinpad: PinPad = field(init=False)

    def __post_init__(self) -> None:
        self.pinpad = PinPad(self.pin)

    def view(self, now: float) -> View:
        return View(Screen.CONTENT_ERROR, ContentErrorBody(self.problems, self.first), language=self.language,
                    pin=self.pinpad.prompt(now))

    def key(self, name: str, now: float) -> bool:
        """One key by its pygame name ("right", "escape", "3", "return"...); True when the screen closes."""
        if self.pinpad.is_open:
            if name == "escape":
                event = PinDigit(cancel=True)
            elif name in ("return", "enter"):
                event = PinDigit(submit=True)
            elif name.strip("[]").isdigit() and len(name.strip("[]")) == 1:
                event = PinDigit(name.strip("[]"))  # "[3]" is the keypad's 3
            else:
                return False
            return self.pinpad.key(event, now) is PinResult.RIGHT
        if name == "escape":
            self.pinpad.open(now)
        elif name in NEXT_KEYS and self.shown and self.shown[-1] < len(self.problems) - 1:
            self._back.append(self.first)
            self.first = self.shown[-1] + 1
        elif name in BACK_KEYS and self._back:
            self.first = self._back.pop()
        return False

    def tick(self, now: float) -> None:
        self.pinpad.expire(now)


def show_problems(pages: ProblemPages, *, display: int, size: tuple[int, int] | None, fullscreen: bool,
                  digits: str = "latn", screenshots: Path | None = None, max_seconds: float | None = None,
                  monitor=None) -> int:
    """Run the screen until the teacher closes it with the PIN (or `max_seconds` pass); returns 1."""
    import pygame

    from cinema.display.renderer import Renderer
    from cinema.display.window import open_window

    pygame.display.init()
    pygame.font.init()
    try:
        surface = open_window(display, size, fullscreen, False, monitor=monitor)  # monitor: the teacher's own
        renderer = Renderer(surface.get_size(), pages.language, digits=digits)
        start = time.monotonic()
        drawn: View | None = None
        shots = 0
        while max_seconds is None or time.monotonic() - start < max_seconds:
            now = time.monotonic()
            pages.tick(now)
            view = pages.view(now)
            if view != drawn:
                layout = renderer.draw(surface, view, None)
                pages.shown = tuple(int(b.name.rsplit(".", 1)[1]) for b in layout.starting("error.problem."))
                pygame.display.flip()
                drawn = view
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    shots += 1
                    pygame.image.save(surface, str(screenshots / f"{shots:03d}-content_error.png"))
            for ev in pygame.event.get():
                if ev.type == pygame.KEYDOWN and pages.key(pygame.key.name(ev.key), time.monotonic()):
                    return 1
            pygame.time.wait(50)
        return 1
    finally:
        from cinema.display.fonts import release_all_fonts

        release_all_fonts()
        pygame.quit()
