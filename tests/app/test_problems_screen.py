"""The content-error screen as a teacher meets it: every problem reachable page by page, in the
kiosk's language, and closed only with the teacher PIN (a child's Escape leaves it up)."""

from __future__ import annotations

import os
import threading
import time

import pygame
import pytest

from cinema.app.kiosk import Kiosk, RunOptions
from cinema.app.problems_screen import ProblemPages
from cinema.display.renderer import Renderer
from cinema.locale import translator
from tests.app.kiosk_project import project  # noqa: F401  (fixture)

PROBLEMS = tuple(
    f"playlists/water.yaml:{10 + i}: items[{i}].type: 'brake' is not valid — did you mean \"break\"? "
    f"use one of: title, video, slides, audio, activity, checkin, attendance, break, closing"
    for i in range(9))


@pytest.fixture
def dummy_video(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    yield
    pygame.display.quit()


def pages_seen(pages: ProblemPages, size=(800, 600), keys=("right",) * 12):
    renderer = Renderer(size, pages.language, strict=True)
    seen, surface = [], pygame.Surface(size)

    def draw():
        layout = renderer.draw(surface, pages.view(0.0), None)
        pages.shown = tuple(int(b.name.rsplit(".", 1)[1]) for b in layout.starting("error.problem."))
        seen.append(pages.shown)
        return layout

    layout = draw()
    for key in keys:
        pages.key(key, 0.0)
        layout = draw()
    return seen, layout


@pytest.mark.parametrize("size", [(800, 600), (1024, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_every_problem_can_be_read_page_by_page(dummy_video, size, lang):
    pages = ProblemPages(PROBLEMS, "4321", lang)
    seen, layout = pages_seen(pages, size)
    shown = [i for page in seen for i in page]
    assert sorted(set(shown)) == list(range(len(PROBLEMS)))  # nothing out of reach
    assert seen[-1][-1] == len(PROBLEMS) - 1
    assert not [b.name for b in layout if b.kind == "text" and b.cut and b.name.startswith("error.")]
    # and back to the start
    for _ in range(12):
        pages.key("left", 0.0)
    assert pages.first == 0


def test_the_screen_speaks_the_kiosks_language(dummy_video):
    uk = translator("uk")
    _, layout = pages_seen(ProblemPages(PROBLEMS, "4321", "uk"), keys=())
    assert layout.get("error.heading").text == uk.gettext("This lesson could not be loaded")
    assert layout.get("error.heading").text != "This lesson could not be loaded"


def test_escape_alone_or_a_wrong_pin_does_not_close_it():
    pages = ProblemPages(PROBLEMS, "4321")
    assert not pages.key("escape", 0.0)
    assert pages.view(0.0).pin is not None  # the PIN prompt, not the desktop
    for key in "1234":
        assert not pages.key(key, 1.0)
    assert not pages.key("return", 1.0)
    assert pages.view(1.0).pin.wrong
    for key in ("[4]", "3", "2", "1"):
        pages.key(key, 2.0)
    assert pages.key("return", 2.0)


def test_the_real_kiosk_shows_broken_content_until_the_teacher_pin(project, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("language: en", "language: uk").replace(
        'teacher_pin: "1234"', 'teacher_pin: "4321"'))
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text().replace("type: break", "type: brake"))
    shots = tmp_path / "shots"
    kiosk = Kiosk(RunOptions(config=config, playlist=playlist, journal=project / "j.sqlite", windowed=True,
                             size=(800, 600), screenshots=shots, max_seconds=20), open(os.devnull, "w"))

    def teacher_and_child():
        while not pygame.display.get_init() or pygame.display.get_surface() is None:
            time.sleep(0.05)
        time.sleep(0.3)
        for key in (pygame.K_ESCAPE, pygame.K_ESCAPE, pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4,
                    pygame.K_RETURN, pygame.K_ESCAPE, pygame.K_4, pygame.K_3, pygame.K_2, pygame.K_1, pygame.K_RETURN):
            time.sleep(0.15)
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode="", mod=0, scancode=0))

    started = time.monotonic()
    helper = threading.Thread(target=teacher_and_child, daemon=True)
    helper.start()
    assert kiosk.run() == 1
    helper.join(5)
    took = time.monotonic() - started
    assert took < 15  # closed by the right PIN, not by the 20 s safety stop
    frames = sorted(shots.glob("*.png"))
    assert len(frames) >= 4  # the problems, the prompt, the wrong PIN, the prompt again
