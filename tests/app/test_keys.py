"""Keyboard and presenter-remote keys drive the lesson; while the PIN is asked, only digits count."""

import pygame
import pytest

from cinema.app.keys import key_event
from cinema.core.events import Command, PinDigit, TeacherCommand


@pytest.mark.parametrize("key, command", [
    (pygame.K_RIGHT, Command.NEXT), (pygame.K_PAGEDOWN, Command.NEXT), (pygame.K_SPACE, Command.NEXT),
    (pygame.K_LEFT, Command.BACK), (pygame.K_PAGEUP, Command.BACK), (pygame.K_p, Command.PAUSE),
    (pygame.K_r, Command.REPEAT), (pygame.K_s, Command.SKIP), (pygame.K_RETURN, Command.ACCEPT),
    (pygame.K_n, Command.DECLINE), (pygame.K_ESCAPE, Command.QUIT),
])
def test_teacher_keys(key, command):
    assert key_event(key, "", pin_open=False) == TeacherCommand(command)


@pytest.mark.parametrize("key", [pygame.K_q, pygame.K_F4, pygame.K_TAB, pygame.K_LALT, pygame.K_DELETE])
def test_other_keys_do_nothing(key):
    assert key_event(key, "", pin_open=False) is None


def test_pin_prompt_takes_digits_enter_and_escape():
    assert key_event(pygame.K_7, "7", pin_open=True) == PinDigit("7")
    assert key_event(pygame.K_UNKNOWN, "٣", pin_open=True) == PinDigit("3")  # Arabic-Indic digit
    assert key_event(pygame.K_RETURN, "\r", pin_open=True) == PinDigit(submit=True)
    assert key_event(pygame.K_ESCAPE, "", pin_open=True) == PinDigit(cancel=True)
    assert key_event(pygame.K_RIGHT, "", pin_open=True) is None
