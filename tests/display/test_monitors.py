"""The monitors as the kiosk reads them from a real X server (Xorg's dummy driver with two outputs):
a projector unplugged, plugged back, at another resolution or mirrored is seen at the next look."""

from __future__ import annotations

import time

import pytest

from cinema.core.screen_plan import PRESENTER, SINGLE, change_reason, plan_screens
from cinema.display.monitors import RandrMonitors
from cinema.display.virtual_x import XvfbError, virtual_monitors


@pytest.fixture
def screens():
    try:
        with virtual_monitors("1280x800", "1024x768") as vm:
            yield vm
    except XvfbError as exc:
        pytest.skip(str(exc))


def sizes(monitors):
    return [(m.name, m.x, m.y, m.size) for m in monitors]


def test_randr_sees_the_projector_come_and_go_and_change_resolution(screens):
    source = RandrMonitors(screens.display)
    try:
        seen = [source.read()]
        assert sizes(seen[0]) == [("DUMMY0", 0, 0, "1280x800"), ("DUMMY1", 1280, 0, "1024x768")]
        screens.unplug()
        seen.append(source.read())
        assert sizes(seen[-1]) == [("DUMMY0", 0, 0, "1280x800")]
        screens.plug()
        seen.append(source.read())
        screens.resize("800x600")
        seen.append(source.read())
        assert sizes(seen[-1])[1] == ("DUMMY1", 1280, 0, "800x600")
        screens.mirror()
        seen.append(source.read())
        plans = [plan_screens(m, display_index=1) for m in seen]
        assert [p.mode for p in plans] == [PRESENTER, SINGLE, PRESENTER, PRESENTER, SINGLE]
        assert [change_reason(a, b) for a, b in zip(plans, plans[1:])] == ["unplugged", "plugged", "resized",
                                                                          "mirrored"]
    finally:
        source.close()


def test_a_look_at_the_monitors_is_cheap_enough_to_do_every_two_seconds(screens):
    source = RandrMonitors(screens.display)
    try:
        start = time.perf_counter()
        for _ in range(50):
            source.read()
        per_look = (time.perf_counter() - start) / 50
    finally:
        source.close()
    assert per_look < 0.01  # measured here: about 0.4 ms a look


def test_a_server_gone_away_reads_as_not_known_not_a_crash():
    try:
        with virtual_monitors("1280x800", None) as vm:
            source = RandrMonitors(vm.display)
            assert sizes(source.read()) == [("DUMMY0", 0, 0, "1280x800")]
    except XvfbError as exc:
        pytest.skip(str(exc))
    assert source.read() is None
    source.close()


# ---- the class window's welcome while the teacher window has the home screen ------------------------

@pytest.mark.parametrize("size", [(800, 600), (1024, 768), (1920, 1080)])
@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_the_projectors_welcome_at_home_is_whole_and_names_no_lesson(views, renderers, lang, size):
    import pygame

    from cinema.app.presenter import PRODUCT, welcome_view
    from cinema.core.view import LibraryBody, Screen

    home = next(v for v in views[lang].values() if v.screen is Screen.LIBRARY)
    assert isinstance(home.body, LibraryBody)
    surface = pygame.Surface(size)
    layout = renderers(size).draw(surface, welcome_view(home), now=0)
    texts = [b.text for b in layout if b.text]
    from cinema.locale import translator

    assert translator(lang).gettext(PRODUCT) in texts  # the kiosk's name in the kiosk's language
    # Nothing of the lesson list (the teacher is choosing) reaches the projector.
    lessons = [row.title for row in home.body.rows if row.title]
    assert lessons and not any(title in t for title in lessons for t in texts)
    assert [b.name for b in layout if b.kind == "text" and b.cut] == []
    assert all(surface.get_rect().contains(b.rect) for b in layout), [(b.name, b.rect) for b in layout]


def test_the_kiosk_reads_randr_on_x11_and_sdls_list_elsewhere(screens, monkeypatch):
    from cinema.display.monitors import FixedMonitors, SdlMonitors, monitor_source

    assert isinstance(monitor_source(headless=True), FixedMonitors)  # headless: nothing known, one window
    monkeypatch.setenv("DISPLAY", screens.display)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    source = monitor_source(headless=False)
    try:
        assert isinstance(source, RandrMonitors) and len(source.read()) == 2
    finally:
        source.close()
    monkeypatch.setenv("DISPLAY", ":9999")  # an X server that is not there
    assert isinstance(monitor_source(headless=False), SdlMonitors)
    monkeypatch.delenv("DISPLAY")
    assert isinstance(monitor_source(headless=False), SdlMonitors)
