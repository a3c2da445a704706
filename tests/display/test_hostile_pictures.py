"""A slide or question picture that must not be opened shows the placeholder at once: a pipe (it
would block the kiosk for good), a picture whose header says it is huge (gigabytes to decode)."""

from __future__ import annotations

import os

import pygame
import pytest

from cinema.core.view import Screen, SlideBody, View
from cinema.display.images import ImageCache
from cinema.display.renderer import Renderer
from tests.budget import budget
from tests.config.media_samples import png

NOW = 1_700_000_000.0


def _pipe(folder):
    os.mkfifo(folder / "pipe.png")
    return folder / "pipe.png"


def _huge(folder):
    (folder / "huge.png").write_bytes(png(20000, 20000, pixels=False))
    return folder / "huge.png"


@pytest.mark.parametrize("make", [_pipe, _huge], ids=["fifo", "20000x20000"])
def test_a_picture_that_must_not_be_opened_gives_the_placeholder_within_budget(tmp_path, make):
    path = make(tmp_path)
    r = Renderer((800, 600), strict=True)
    with budget(seconds=2, megabytes=32):
        layout = r.draw(pygame.Surface((800, 600)), View(Screen.SLIDES, SlideBody(str(path), 0, 1)), now=NOW)
    assert "slide.image" not in layout.names()
    assert layout.get("slide.message").text == "This slide could not be shown."
    assert layout.get("slide.file").text == path.name


def test_an_ordinary_picture_is_still_shown(tmp_path):
    (tmp_path / "ok.png").write_bytes(png(40, 30))
    image = ImageCache().fitted(str(tmp_path / "ok.png"), (400, 300))
    assert image is not None and image.get_size() == (400, 300)
