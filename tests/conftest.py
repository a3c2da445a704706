"""Shared test setup: everything headless."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ["CINEMA_LANGUAGE"] = "en"  # messages asserted in English whatever the machine's locale

from tests.app.kiosk_project import project  # noqa: E402,F401  (a fixture: a small kiosk project folder)
