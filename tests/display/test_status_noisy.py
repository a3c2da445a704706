"""A device that sends mostly junk is flagged on the status bar: its icon in the warning colour and the
words "sends junk" beside it, after the icon in reading order (to its left in Arabic)."""

import dataclasses

import pygame
import pytest

from cinema.core.view import DeviceStatus, StatusBar
from cinema.locale import translator

FIXED_NOW = 1741945500.0


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_noisy_scanner_is_flagged_in_words_after_its_icon(renderers, views, lang):
    devices = (DeviceStatus("clickers", True), DeviceStatus("scanner /dev/ttyUSB1", True, noisy=True))
    view = dataclasses.replace(views[lang]["title"], status=StatusBar(attendance=3, devices=devices))
    surface = pygame.Surface((1920, 1080))
    layout = renderers((1920, 1080)).draw(surface, view, now=FIXED_NOW)
    label = layout.get("status.device.1.noisy")
    assert label.text == translator(lang).gettext("sends junk")
    icon, quiet = layout.get("status.device.1").rect, layout.get("status.device.0").rect
    if lang == "ar":
        assert label.rect.right <= icon.left and icon.right <= quiet.left  # read from the right
    else:
        assert label.rect.left >= icon.right and icon.left >= quiet.right
    assert not layout.starting("status.device.0.noisy")  # the quiet receiver says nothing
    warn = renderers((1920, 1080)).theme.warn
    colours = {tuple(surface.get_at((x, y)))[:3] for x in range(icon.left, icon.right)
               for y in range(icon.top, icon.bottom)}
    assert tuple(warn)[:3] in colours  # drawn in the warning colour, not the usual green


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_crowded_strip_drops_quiet_devices_before_the_noisy_one(renderers, views, lang):
    """800x600 with the battery, a full disk and the class's devices: the quiet icons give way, the noisy
    scanner stays in its warning colour (it was the last device, so it went first)."""
    devices = (DeviceStatus("camera", True), DeviceStatus("clickers", True),
               DeviceStatus("scanner ttyUSB0", True, noisy=True))
    status = StatusBar(battery_percent=35.0, attendance=3, devices=devices, disk="full")
    view = dataclasses.replace(views[lang]["title"], status=status)
    layout = renderers((800, 600)).draw(pygame.Surface((800, 600)), view, now=FIXED_NOW)
    assert layout.starting("status.device.2") and layout.get("status.disk")
    assert not layout.starting("status.device.1")  # a quiet icon went first
