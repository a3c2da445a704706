"""Keyboard and presenter-remote keys to teacher commands."""

from __future__ import annotations

import pygame

from cinema.core.events import Command, PinDigit, TeacherCommand

# Presenter remotes send PageUp/PageDown (some also B, F5, Escape).
COMMAND_KEYS = {
    pygame.K_RIGHT: Command.NEXT,
    pygame.K_PAGEDOWN: Command.NEXT,
    pygame.K_SPACE: Command.NEXT,
    pygame.K_LEFT: Command.BACK,
    pygame.K_PAGEUP: Command.BACK,
    pygame.K_p: Command.PAUSE,
    pygame.K_r: Command.REPEAT,
    pygame.K_s: Command.SKIP,
    pygame.K_RETURN: Command.ACCEPT,
    pygame.K_KP_ENTER: Command.ACCEPT,
    pygame.K_n: Command.DECLINE,
    pygame.K_ESCAPE: Command.QUIT,
}


def key_event(key: int, unicode: str, pin_open: bool):
    """The engine event for a key press, or None for keys that do nothing."""
    if pin_open:
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return PinDigit(submit=True)
        if key == pygame.K_ESCAPE:
            return PinDigit(cancel=True)
        if unicode and unicode.isdigit():
            return PinDigit(digit=str(int(unicode)))  # Arabic-Indic digits typed work too
        return None
    command = COMMAND_KEYS.get(key)
    return TeacherCommand(command) if command else None


def _char_key(ch: str) -> int:
    if ch in "\r\n":
        return pygame.K_RETURN
    if ch == " ":
        return pygame.K_SPACE
    if ch.isascii() and ch.isalnum():
        return ord(ch.lower())  # pygame's key codes for letters and digits are their ASCII codes
    return pygame.K_UNKNOWN


class KeyboardInput:
    """The laptop keyboard, which a keyboard-wedge card scanner also types into.

    A scanner types a whole code and Enter in a fast burst; such a burst becomes a card scan,
    anything slower is handed back as the keys a person typed (held at most ~60 ms).
    """

    def __init__(self, max_gap: float = 0.06) -> None:
        from cinema.devices.cards.wedge import WedgeDetector

        # Keys are stamped when the loop polls them (every ~40 ms), so one burst may look 40 ms apart.
        self.wedge = WedgeDetector(max_gap=max_gap)

    def key(self, key: int, unicode: str, now: float, pin_open: bool) -> list:
        ch = "\r" if key in (pygame.K_RETURN, pygame.K_KP_ENTER) else unicode
        if ch and (ch == "\r" or ch.isprintable()):
            return self._convert(self.wedge.feed(ch, now), pin_open)
        event = key_event(key, unicode, pin_open)
        return [event] if event is not None else []

    def poll(self, now: float, pin_open: bool) -> list:
        return self._convert(self.wedge.poll(now), pin_open)

    def _convert(self, out: list, pin_open: bool) -> list:
        from cinema.core.events import CardScanned

        events = []
        for item in out:
            if isinstance(item, CardScanned):
                events.append(item)
                continue
            for ch in item.keys:
                event = key_event(_char_key(ch), ch, pin_open)
                if event is not None:
                    events.append(event)
        return events
