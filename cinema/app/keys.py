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
