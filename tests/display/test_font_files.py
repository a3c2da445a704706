"""The kiosk closes its font files before pygame quits: a Font dropped after pygame.quit() keeps its
file open for good, and a process that opens the kiosk again and again (the tests) ran past 1024 open
files, where select() fails (CI saw a keypad reader's thread die of it)."""

from __future__ import annotations

import os

from cinema.display.fonts import FontBook, release_all_fonts


def open_font_files() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").endswith((".ttf", ".otf", ".ttc"))
        except OSError:
            pass
    return count


def test_released_fonts_close_their_files_and_open_again_when_needed():
    book = FontBook()
    face = book.chain(bold=True)[0]
    before = open_font_files()
    fonts = [book.font(face, size) for size in (21, 23, 29)]
    if face.path is not None:  # pygame's own font is inside pygame, not a file of its own
        assert open_font_files() == before + 3
    del fonts
    release_all_fonts()
    assert open_font_files() == before
    assert book.font(face, 21).size("A")[0] > 0  # drawn again after the release
