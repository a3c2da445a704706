"""Drawing text right in every language: shaping, bidi order, font fallback, wrap and fit.

A line is wrapped in logical order, then each line is shaped (arabic_reshaper joins the
letters) and put in visual order (python-bidi, per line as UAX #9 asks, brackets mirrored,
vowel marks kept after their letter), then split into
runs by font coverage and drawn run by run. SDL_ttf is only ever asked to draw left to
right, so it cannot reverse digits or Latin words inside Arabic text.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

import arabic_reshaper
import pygame
# python-bidi's pure-Python implementation: the default Rust one (`from bidi import
# get_display`) does not mirror brackets and quotes (rule L4), so "(3)" became ")3(" and
# «…» pointed the wrong way in Arabic. Lines are cached, so its speed (~60 µs) does not matter.
from bidi.algorithm import get_display

from cinema.display.fonts import FontBook

Color = tuple[int, int, int]
ELLIPSIS = "…"
# Keep vowel marks (harakat): texts for young readers are often fully vowelled.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})
# Tallest and deepest letters children's text will use (not Quranic marks); the Arabic part
# is in the joined presentation forms the fonts will really be asked to draw.
_METRIC_SAMPLE = "ÁÉÇÖgjpqyЙ" + "\ufe83\ufe87\ufe81\ufedf\ufe9f\ufef2\ufec9\ufe85\ufefb\ufef7\ufe9d"


def base_direction(text: str, rtl_default: bool) -> bool:
    """True if the paragraph is right to left: its first strong character decides.

    A line with no letters ("3 / 7", "12:05") takes the direction of the interface.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return rtl_default


def visual_order(line: str, rtl: bool) -> str:
    """One line shaped and reordered for drawing left to right."""
    if not line:
        return line
    shaped = _RESHAPER.reshape(line) if _has_arabic(line) else line
    if _needs_bidi(shaped):
        shaped = _marks_after_base(get_display(shaped, base_dir="R" if rtl else "L"))
    # Bidi controls (LRM, RLM...) have done their work and are invisible; some fonts would
    # draw them as boxes.
    return "".join(c for c in shaped if unicodedata.category(c) != "Cf")


def _marks_after_base(visual: str) -> str:
    """UAX #9 rule L3, which python-bidi leaves out: reversing a right-to-left run puts each
    vowel mark (fatha, shadda...) before its letter; SDL_ttf attaches a mark to the glyph
    before it, so the marks must come after their letter again."""
    out: list[str] = []
    marks: list[str] = []
    for char in visual:
        if unicodedata.category(char) == "Mn":
            marks.append(char)
            continue
        if marks and unicodedata.bidirectional(char) in ("R", "AL"):
            out.append(char)
            out.extend(marks)
        else:
            out.extend(marks)
            out.append(char)
        marks = []
    out.extend(marks)
    return "".join(out)


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text)


def _needs_bidi(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN", "RLE", "RLO", "RLI") for c in text)


# Babel (CLDR) names each language's native numbering system but holds no digit characters: the
# digits of the systems a lesson language may use, by their Unicode names.
_DIGIT_NAMES = {"arab": "ARABIC-INDIC DIGIT", "arabext": "EXTENDED ARABIC-INDIC DIGIT",
                "deva": "DEVANAGARI DIGIT", "beng": "BENGALI DIGIT", "thai": "THAI DIGIT"}
_DIGIT_WORDS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


def digit_table(language: str, digits: str) -> dict[int, str] | None:
    """A `str.translate` table from 0-9 to `language`'s own digits (its "native" numbering system
    in Babel's locale data) when `digits` is "native" and they are not 0-9; None otherwise."""
    if digits != "native":
        return None
    from babel import Locale, UnknownLocaleError

    try:
        system = Locale.parse(language.replace("-", "_")).other_numbering_systems.get("native", "latn")
    except (ValueError, UnknownLocaleError):
        return None
    name = _DIGIT_NAMES.get(system)
    if name is None:
        return None  # latn, or a system no lesson language uses yet: 0-9
    return {ord("0") + d: unicodedata.lookup(f"{name} {word}") for d, word in enumerate(_DIGIT_WORDS)}


@dataclass(frozen=True)
class TextBlock:
    """Wrapped, sized text ready to draw: logical lines and the size they fit at."""

    lines: tuple[str, ...]
    size: int
    line_height: int
    width: int  # widest line in pixels
    rtl: bool
    cut: bool = False  # the text did not fit: lines were dropped and the last ends with '…'

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


class _Lru(OrderedDict):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)
        return value

    def hit(self, key):
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


class TextRenderer:
    """Measures, wraps, fits and draws text; every result is cached by its inputs."""

    def __init__(self, fonts: FontBook | None = None, cache_size: int = 600) -> None:
        self.fonts = fonts or FontBook()
        self._lines = _Lru(cache_size)  # (text, size, color, rtl, bold) -> Surface
        self._widths = _Lru(cache_size * 8)  # (text, size, rtl, bold) -> int
        self._blocks = _Lru(cache_size)  # fit arguments -> TextBlock
        self._heights: dict[tuple[int, bool], tuple[int, int]] = {}
        self.lines_rendered = 0  # cache misses: how often SDL_ttf was really asked to draw

    # --- one line ---------------------------------------------------------------------------
    def metrics(self, size: int, bold: bool = False) -> tuple[int, int]:
        """(baseline from the top, line height) for a size.

        Taken from the ink of accented capitals, descenders and Arabic letters with hamza
        in the first fonts of the chain, not from the fonts' declared ascent: Noto Sans
        Arabic declares a line of 2.1 em, which would space Arabic lines twice as far apart.
        Lines with and without Arabic get the same height so a block does not jump.
        """
        key = (size, bold)
        if key not in self._heights:
            top, bottom = 0, 0
            for face in self.fonts.chain(bold)[:2]:
                font = self.fonts.font(face, size)
                sample = "".join(c for c in _METRIC_SAMPLE if face.has(c))
                for m in font.metrics(sample) if sample else []:
                    if m:
                        top, bottom = max(top, m[3]), min(bottom, m[2])
                if not sample:
                    top, bottom = max(top, font.get_ascent()), min(bottom, font.get_descent())
            leading = max(2, round(size * 0.12))
            self._heights[key] = (top + leading // 2, top - bottom + leading)
        return self._heights[key]

    def width(self, text: str, size: int, rtl: bool = False, bold: bool = False) -> int:
        key = (text, size, rtl, bold)
        cached = self._widths.hit(key)
        if cached is not None:
            return cached
        visual = visual_order(text, base_direction(text, rtl))
        total = sum(
            self.fonts.font(face, size).size(run)[0] for face, run in self.fonts.runs(visual, bold)
        )
        return self._widths.put(key, total)

    def render_line(
        self, text: str, size: int, color: Color, rtl: bool = False, bold: bool = False
    ) -> pygame.Surface:
        """One line as a transparent surface, runs side by side on a common baseline."""
        key = (text, size, color, rtl, bold)
        cached = self._lines.hit(key)
        if cached is not None:
            return cached
        self.lines_rendered += 1
        visual = visual_order(text, base_direction(text, rtl))
        ascent, height = self.metrics(size, bold)
        pieces = []
        for face, run in self.fonts.runs(visual, bold):
            font = self.fonts.font(face, size)
            pieces.append((font.render(run, True, color), ascent - font.get_ascent()))
        width = sum(p.get_width() for p, _ in pieces)
        surface = pygame.Surface((max(1, width), height), pygame.SRCALPHA)
        x = 0
        for piece, dy in pieces:
            surface.blit(piece, (x, dy))
            x += piece.get_width()
        return self._lines.put(key, surface)

    # --- wrapping and fitting -----------------------------------------------------------------
    def wrap(self, text: str, max_width: int, size: int, rtl: bool = False, bold: bool = False) -> list[str]:
        """Greedy word wrap in logical order; a word wider than the box is cut by characters."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                lines.append("")
                continue
            current = ""
            for word in words:
                candidate = f"{current} {word}" if current else word
                if self.width(candidate, size, rtl, bold) <= max_width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                if self.width(word, size, rtl, bold) <= max_width:
                    current = word
                else:
                    pieces = self._cut(word, max_width, size, rtl, bold)
                    lines.extend(pieces[:-1])
                    current = pieces[-1]
            lines.append(current)
        return lines

    def _cut(self, word: str, max_width: int, size: int, rtl: bool, bold: bool) -> list[str]:
        pieces, current = [], ""
        for char in word:
            if current and self.width(current + char, size, rtl, bold) > max_width:
                pieces.append(current)
                current = ""
            current += char
        pieces.append(current)
        return pieces

    def fit(
        self,
        text: str,
        width: int,
        height: int,
        max_size: int,
        min_size: int,
        rtl: bool = False,
        bold: bool = False,
        max_lines: int | None = None,
    ) -> TextBlock:
        """The largest size from max_size down to min_size at which the wrapped text fits
        the box; at min_size what does not fit is cut and the last line ends with '…'."""
        key = (text, width, height, max_size, min_size, rtl, bold, max_lines)
        cached = self._blocks.hit(key)
        if cached is not None:
            return cached
        width = max(1, width)
        size = max(min_size, max_size)
        while True:
            line_height = self.metrics(size, bold)[1]
            lines = self.wrap(text, width, size, rtl, bold)
            fits = len(lines) * line_height <= height and (max_lines is None or len(lines) <= max_lines)
            if fits or size <= min_size:
                break
            size = max(min_size, int(size * 0.92))
        cut = False
        if not fits:
            room = max(1, min(height // line_height, max_lines or len(lines)))
            if len(lines) > room:
                lines = lines[:room]
                lines[-1] = self._ellipsize(lines[-1], width, size, rtl, bold)
                cut = True
        widest = max((self.width(line, size, rtl, bold) for line in lines), default=0)
        block = TextBlock(tuple(lines), size, line_height, min(widest, width), rtl, cut)
        return self._blocks.put(key, block)

    def _ellipsize(self, line: str, width: int, size: int, rtl: bool, bold: bool) -> str:
        while line and self.width(line + ELLIPSIS, size, rtl, bold) > width:
            line = line[:-1]
        return line.rstrip() + ELLIPSIS

    # --- drawing ------------------------------------------------------------------------------
    def draw_block(
        self,
        surface: pygame.Surface,
        block: TextBlock,
        box: pygame.Rect,
        color: Color,
        align: str = "start",
        valign: str = "top",
        bold: bool = False,
    ) -> pygame.Rect:
        """Draw a fitted block in `box`; returns the rectangle the ink area fills.

        `align` is "start" (left, or right on a right-to-left screen), "center", "end", or
        "auto": each line flush with the side its own first letter reads from (an English
        file path on an Arabic screen starts at the left).
        """
        top = box.top
        if valign == "center":
            top = box.top + (box.height - block.height) // 2
        elif valign == "bottom":
            top = box.bottom - block.height
        drawn: pygame.Rect | None = None
        for i, line in enumerate(block.lines):
            image = self.render_line(line, block.size, color, block.rtl, bold)
            w = min(image.get_width(), box.width)
            if align == "auto":
                x = box.right - w if base_direction(line, block.rtl) else box.left
            elif align == "center":
                x = box.left + (box.width - w) // 2
            elif (align == "start") == block.rtl:  # start in RTL, or end in LTR: flush right
                x = box.right - w
            else:
                x = box.left
            rect = pygame.Rect(x, top + i * block.line_height, w, block.line_height)
            surface.blit(image, rect, pygame.Rect(0, 0, w, image.get_height()))
            drawn = rect if drawn is None else drawn.union(rect)
        return drawn or pygame.Rect(box.left, box.top, 0, 0)
