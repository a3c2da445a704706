"""Finding font files and choosing, per character, a font that really has its glyph."""

from __future__ import annotations

import os
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path

import pygame

from cinema.display.fontcover import read_cmap

DEFAULT_SEARCH_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/noto",
    "/usr/local/share/fonts",
)

# Tried in this order for each character: Noto for Latin/Cyrillic/Greek, Noto Arabic,
# DejaVu (wide coverage: Arabic, Cyrillic, arrows, ticks), then symbol fonts.
REGULAR_CHAIN: tuple[str, ...] = (
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "DejaVuSans.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoSansMath-Regular.ttf",
)
BOLD_CHAIN: tuple[str, ...] = (
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "DejaVuSans.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
)

# Characters that take the font of their neighbour instead of forcing a font change.
_NEUTRAL_CATEGORIES = {"Zs", "Po", "Pd", "Ps", "Pe", "Pi", "Pf", "Nd", "Sm"}


@dataclass(frozen=True)
class FontFace:
    path: str | None  # None: pygame's built-in default font
    bold: bool  # synthesised bold when the file is a regular weight
    coverage: frozenset[int]

    def has(self, char: str) -> bool:
        return ord(char) in self.coverage


def find_fonts(names: tuple[str, ...], search_dirs: tuple[str, ...]) -> list[str]:
    """Paths of the named font files, in the order named, each found in the first dir that has it."""
    found = []
    for name in names:
        for folder in search_dirs:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append(path)
                break
    return found


def _default_font_path() -> str:
    return str(Path(pygame.__file__).parent / pygame.font.get_default_font())


_BOOKS: weakref.WeakSet = weakref.WeakSet()  # every FontBook, to close their files before pygame quits


def release_all_fonts() -> None:
    """Close every book's font files: call before pygame.quit(). A pygame Font dropped after
    pygame.quit() never closes its file, and a process that opens the kiosk again (the tests do it
    hundreds of times) runs out of file numbers below 1024, where select() works."""
    for book in list(_BOOKS):
        book.release()


class FontBook:
    """Font files, their coverage and pygame Font objects per size, all cached."""

    def __init__(self, search_dirs: tuple[str, ...] = DEFAULT_SEARCH_DIRS) -> None:
        self._chains: dict[bool, list[FontFace]] = {}
        for bold, names in ((False, REGULAR_CHAIN), (True, BOLD_CHAIN)):
            faces = []
            for path in find_fonts(names, search_dirs):
                synthetic = bold and "Bold" not in os.path.basename(path)
                faces.append(FontFace(path, synthetic, read_cmap(path)))
            # pygame's own font is always there: it is the last resort, never a missing box.
            faces.append(FontFace(None, bold, read_cmap(_default_font_path())))
            self._chains[bold] = faces
        self._fonts: dict[tuple[str | None, bool, int], pygame.font.Font] = {}
        self._pick: dict[tuple[str, bool], FontFace] = {}
        _BOOKS.add(self)

    def release(self) -> None:
        """Close the open font files (they are opened again when next needed)."""
        self._fonts.clear()

    def chain(self, bold: bool = False) -> list[FontFace]:
        return self._chains[bold]

    def face_for(self, char: str, bold: bool = False) -> FontFace:
        """The first face in the chain with a glyph for `char` (the first face if none has)."""
        key = (char, bold)
        face = self._pick.get(key)
        if face is None:
            chain = self._chains[bold]
            face = next((f for f in chain if f.has(char)), chain[0])
            self._pick[key] = face
        return face

    def font(self, face: FontFace, size: int) -> pygame.font.Font:
        key = (face.path, face.bold, size)
        font = self._fonts.get(key)
        if font is None:
            if not pygame.font.get_init():
                pygame.font.init()
            font = pygame.font.Font(face.path, size)
            if face.bold and face.path is not None and "Bold" not in face.path:
                font.bold = True
            self._fonts[key] = font
        return font

    def runs(self, visual: str, bold: bool = False) -> list[tuple[FontFace, str]]:
        """Split a line (already in visual order) into runs that one font can draw.

        Spaces, digits and punctuation stay with the run they sit in when that font has
        them, so "3 من 10" does not become five tiny runs.
        """
        out: list[tuple[FontFace, list[str]]] = []
        for char in visual:
            current = out[-1][0] if out else None
            if (
                current is not None
                and unicodedata.category(char) in _NEUTRAL_CATEGORIES
                and current.has(char)
            ):
                out[-1][1].append(char)
                continue
            face = self.face_for(char, bold)
            if face is current:
                out[-1][1].append(char)
            else:
                out.append((face, [char]))
        return [(face, "".join(chars)) for face, chars in out]
