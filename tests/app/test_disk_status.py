"""The teacher's warning on the status strip while the journal's disk is full or on its reserve:
drawn at the end of the strip in reading order (right in English, left in Arabic), never dropped."""

from __future__ import annotations

import pygame
import pytest

from cinema.core.view import DeviceStatus, Screen, StatusBar, TitleBody, View
from cinema.display.renderer import Renderer


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    yield


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("disk", ["full", "reserve"])
def test_the_disk_warning_is_on_the_strip_at_the_reading_end(language, disk):
    crowded = StatusBar(40.0, 90.0, False, 23, tuple(DeviceStatus(f"d{i}", i % 2 == 0) for i in range(8)), disk=disk)
    view = View(Screen.TITLE, TitleBody("Hello"), language=language, item_number=3, item_count=9, status=crowded)
    renderer = Renderer((800, 600), language, strict=True)
    layout = renderer.draw(pygame.Surface((800, 600)), view, now=0.0)
    warning, items, clock = layout.get("status.disk"), layout.get("status.items"), layout.get("status.clock")
    assert warning.text and renderer.metrics.status_rect.contains(warning.rect)
    assert not warning.rect.colliderect(items.rect) and not warning.rect.colliderect(clock.rect)
    if language == "ar":
        assert warning.rect.right <= 400 < clock.rect.left  # right to left: the strip's end is on the left
    else:
        assert clock.rect.right < 400 <= warning.rect.left


def test_no_warning_while_the_disk_is_fine():
    view = View(Screen.TITLE, TitleBody("Hello"), item_number=1, item_count=2)
    layout = Renderer((800, 600), strict=True).draw(pygame.Surface((800, 600)), view, now=0.0)
    assert "status.disk" not in layout.names()
