"""Below the battery's warning level the engine asks for a still screen (`View.still`): the audio
screen's sound waves stop moving, while the time played, which is information, still counts."""

import dataclasses

import pygame
import pytest

from cinema.core.view import MediaBody, Screen, View
from cinema.display.renderer import Renderer

NOW = 1_000_000.0
SIZE = (1280, 720)


def speaker_and_time(view: View, position: float) -> tuple[bytes, bytes]:
    renderer = Renderer(SIZE, strict=True)
    surface = pygame.Surface(SIZE)
    shown = dataclasses.replace(view, body=dataclasses.replace(view.body, position=position))
    layout = renderer.draw(surface, shown, now=NOW)
    speaker, played = layout.get("audio.speaker").rect, layout.get("audio.position").rect
    return (pygame.image.tobytes(surface.subsurface(speaker), "RGB"),
            pygame.image.tobytes(surface.subsurface(played), "RGB"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_sound_waves_stand_still_on_a_low_battery_and_the_time_played_still_counts(language):
    view = View(Screen.AUDIO, MediaBody("song.ogg", "A song", 0.0, 180.0), language=language)
    moving = [speaker_and_time(view, p) for p in (10.0, 11.0)]
    assert moving[0][0] != moving[1][0]  # on a charged battery the waves move with the song
    still = [speaker_and_time(dataclasses.replace(view, still=True), p) for p in (10.0, 11.0)]
    assert still[0][0] == still[1][0]  # still
    assert still[0][1] != still[1][1]  # 0:10, then 0:11
