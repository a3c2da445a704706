"""Display test fixtures: a pygame display to convert images against, sample Views, PNG output."""

from __future__ import annotations

import pygame
import pytest

from cinema.display.renderer import Renderer
from cinema.display.samples import sample_views


@pytest.fixture(scope="session", autouse=True)
def pygame_display():
    pygame.display.init()
    pygame.font.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    yield


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def views(media_dir):
    """Sample Views by language, then by name."""
    return {lang: sample_views(lang, media_dir) for lang in ("en", "ar", "uk")}


@pytest.fixture(scope="session")
def renderers():
    """One strict renderer per screen size, shared so the caches are exercised too."""
    cache: dict[tuple[int, int], Renderer] = {}

    def get(size: tuple[int, int]) -> Renderer:
        if size not in cache:
            cache[size] = Renderer(size, strict=True)
        return cache[size]

    return get
