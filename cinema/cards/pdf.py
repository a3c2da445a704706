"""Printable QR cards: A4 pages of 8 cards with cut lines, each a QR token, answer letters, a picture and a name.

Each card has:
- the QR code of the card token (programme, learner id, check; never a name), drawn as vector
  squares so it prints sharp at any resolution, at error-correction level H: the token is
  short, so H costs only 4 modules over Q (29x29 instead of 25x25 for a usual token) and lets a
  card be read with 30% of it folded, torn, smudged or under a thumb, where Q allows 25%.
- the letters A (top), B (right), C (bottom), D (left) around the code, each with its top
  towards its edge, so it reads upright when that edge is held on top: a child answers a
  question by turning the card (cinema.devices.cards.answer_card reads which edge is up).
- a picture (shape + colour, cinema.cards.symbols) so a child who cannot read finds their card,
  the first name (unless names are left off), and small print for the teacher: the group and
  the learner id with the check, to type in when a camera cannot read a worn card.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass
from cinema.locale.runtime import gettext as _
from pathlib import Path
from typing import Iterable, Sequence

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cinema.core.roster import Learner, make_token

from cinema.atomic import write_bytes
from .qr_payload import qr_matrix
from .symbols import Symbol, symbols_for

COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
PAGE_MARGIN = 8 * mm  # every mark at least 12 mm from the paper's edge: no printer clips it
PAD = 4 * mm  # inside a card, around its content
LETTER_BAND = 5.5 * mm  # the strip around the code that holds A, B, C, D
QUIET_MODULES = 3  # white modules around the code; the card's white pad adds to it
LETTER_SIZE = 15  # pt
NAME_MAX, NAME_MIN = 20, 8  # pt: the first name shrinks to fit its column, never below NAME_MIN
SMALL = 7  # pt: group, learner id and check
CUT_GREY = 0.55

FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto",
             "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/noto")
# Tried in order for each character (names in Latin, Cyrillic, Arabic script...).
BOLD_FONTS = ("NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "DejaVuSans-Bold.ttf")
MONO_FONTS = ("NotoSansMono-Bold.ttf", "DejaVuSansMono-Bold.ttf")
_FALLBACK = "Helvetica-Bold"  # reportlab's own (Latin only), if no font file is found at all

# Keep vowel marks: names for young readers may be vowelled.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


@dataclass(frozen=True)
class _Face:
    name: str
    coverage: frozenset[int]

    def has(self, char: str) -> bool:
        return ord(char) in self.coverage


class _Fonts:
    """The embedded fonts, and which one draws each character."""

    def __init__(self, dirs: Sequence[str] = FONT_DIRS) -> None:
        self.bold = self._register(BOLD_FONTS, dirs)
        self.mono = self._register(MONO_FONTS, dirs) or self.bold

    @staticmethod
    def _register(names: Iterable[str], dirs: Sequence[str]) -> list[_Face]:
        faces = []
        for file in names:
            path = next((Path(d) / file for d in dirs if (Path(d) / file).is_file()), None)
            if path is None:
                continue
            font_name = "LC-" + file.rsplit(".", 1)[0]
            if font_name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(font_name, str(path)))  # subset-embedded on save
            font = pdfmetrics.getFont(font_name)
            faces.append(_Face(font_name, frozenset(font.face.charToGlyph)))
        return faces or [_Face(_FALLBACK, frozenset(range(0x20, 0x100)))]

    def runs(self, visual: str, mono: bool = False) -> list[tuple[str, str]]:
        """(font name, text) runs covering a line in visual order; a space keeps its neighbour's font."""
        faces = self.mono if mono else self.bold
        runs: list[tuple[str, str]] = []
        for char in visual:
            if runs and (char == " " or unicodedata.category(char) == "Mn") and \
                    next(f for f in faces if f.name == runs[-1][0]).has(char):
                face_name = runs[-1][0]
            else:
                face_name = next((f.name for f in faces if f.has(char)), faces[0].name)
            if runs and runs[-1][0] == face_name:
                runs[-1] = (face_name, runs[-1][1] + char)
            else:
                runs.append((face_name, char))
        return runs

    def width(self, visual: str, size: float, mono: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(text, name, size) for name, text in self.runs(visual, mono))

    def draw(self, c: Canvas, x: float, y: float, visual: str, size: float, mono: bool = False) -> None:
        for name, text in self.runs(visual, mono):
            c.setFont(name, size)
            c.drawString(x, y, text)
            x += pdfmetrics.stringWidth(text, name, size)


def visual_order(text: str) -> str:
    """A line shaped (Arabic letters joined) and in left-to-right drawing order.

    The same steps as cinema.display.text.visual_order, without pygame: reportlab, like
    SDL_ttf, draws glyphs left to right and puts a vowel mark over the glyph before it.
    """
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    visual = get_display(_RESHAPER.reshape(text))
    out: list[str] = []
    marks: list[str] = []
    for char in visual:  # reversing a right-to-left run put each mark before its letter: move it back
        if unicodedata.category(char) == "Mn":
            marks.append(char)
        elif marks and unicodedata.bidirectional(char) in ("R", "AL"):
            out.append(char)
            out.extend(marks)
            marks = []
        else:
            out.extend(marks)
            out.append(char)
            marks = []
    out.extend(marks)
    return "".join(c for c in out if unicodedata.category(c) != "Cf")


def make_cards_pdf(learners: Sequence[Learner], program: str, key: bytes, out_path: Path,
                   show_names: bool = True) -> int:
    """Write the cards of `learners` (roster order) to `out_path` atomically; returns the page count."""
    fonts = _Fonts()
    symbols = symbols_for([learner.learner_id for learner in learners])
    pages = max(1, math.ceil(len(learners) / PER_PAGE))
    buffer = io.BytesIO()
    # invariant: no creation date or random id in the file, so the same roster gives the same bytes.
    c = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(_("Learning Cinema cards: {program}").format(program=program))
    c.setCreator("Learning Cinema")
    c.setAuthor("")
    c.setSubject("")
    for page in range(pages):
        chunk = learners[page * PER_PAGE:(page + 1) * PER_PAGE]
        for index, learner in enumerate(chunk):
            x, y, w, h = _card_box(index)
            token = make_token(program, learner.learner_id, key)
            _draw_card(c, fonts, x, y, w, h, learner, token, symbols[learner.learner_id], show_names)
        _draw_cut_lines(c, math.ceil(len(chunk) / COLUMNS))
        _draw_footer(c, fonts, program, page + 1, pages)
        c.showPage()
    c.save()
    write_bytes(Path(out_path), buffer.getvalue(), private=True)  # names and card tokens: owner-only, like the key file
    return pages


def _card_box(index: int) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the card at `index` on its page, filled row by row from the top."""
    page_w, page_h = A4
    w = (page_w - 2 * PAGE_MARGIN) / COLUMNS
    h = (page_h - 2 * PAGE_MARGIN) / ROWS
    col, row = index % COLUMNS, index // COLUMNS
    return PAGE_MARGIN + col * w, page_h - PAGE_MARGIN - (row + 1) * h, w, h


def _draw_cut_lines(c: Canvas, rows: int) -> None:
    """Dashed lines round the rows that hold cards (a last page half full is not cut to pieces)."""
    page_w, page_h = A4
    left, right, top = PAGE_MARGIN, page_w - PAGE_MARGIN, page_h - PAGE_MARGIN
    height = (page_h - 2 * PAGE_MARGIN) / ROWS
    bottom = top - rows * height
    c.saveState()
    c.setStrokeGray(CUT_GREY)
    c.setLineWidth(0.6)
    c.setDash(4, 3)
    for col in range(COLUMNS + 1):
        x = left + col * (right - left) / COLUMNS
        c.line(x, bottom, x, top)
    for row in range(rows + 1):
        c.line(left, top - row * height, right, top - row * height)
    c.restoreState()


def _draw_footer(c: Canvas, fonts: _Fonts, program: str, page: int, pages: int) -> None:
    text = _("Cut along the dashed lines.  {program}  ·  page {page} of {pages}").format(
        program=program, page=page, pages=pages)
    c.saveState()
    c.setFillGray(0.4)
    # The scissors (DejaVu has the glyph) say "cut" to a teacher who does not read this language.
    fonts.draw(c, PAGE_MARGIN, PAGE_MARGIN - 5 * mm, "\u2702  " + visual_order(text), 7)
    c.restoreState()


def _draw_card(c: Canvas, fonts: _Fonts, x: float, y: float, w: float, h: float, learner: Learner,
               token: str, symbol: Symbol, show_names: bool) -> None:
    block = h - 2 * PAD  # the square holding the code and its letters
    bx, by = x + PAD, y + PAD
    _draw_code(c, bx + LETTER_BAND, by + LETTER_BAND, block - 2 * LETTER_BAND, token)
    _draw_letters(c, fonts, bx, by, block)

    col_x = bx + block + 2 * mm
    col_w = x + w - PAD - col_x
    top = y + h - PAD
    side = min(col_w, 24 * mm)
    _draw_symbol(c, col_x + (col_w - side) / 2, top - side, side, symbol)
    if show_names and learner.first_name:
        name = visual_order(learner.first_name)
        size = _fit(fonts, name, col_w, NAME_MAX, NAME_MIN)
        if fonts.width(name, size) > col_w:
            name = _shorten(fonts, name, col_w, size)
        c.setFillGray(0)
        fonts.draw(c, col_x + (col_w - fonts.width(name, size)) / 2, top - side - 4 * mm - size * 0.75, name, size)

    # Small print for the teacher, from the bottom up: check, learner id, group.
    check = token.rsplit(".", 1)[1]
    lines = [f"{check[:4]} {check[4:]}", learner.learner_id]
    if learner.group:
        lines.append(visual_order(learner.group))
    c.setFillGray(0.3)
    line_y = y + PAD + 0.5 * mm
    for i, text in enumerate(lines):
        mono = i < 2
        size = _fit(fonts, text, col_w, SMALL, 4.5, mono)
        fonts.draw(c, col_x + (col_w - fonts.width(text, size, mono)) / 2, line_y, text, size, mono)
        line_y += SMALL + 2.5


def _draw_code(c: Canvas, x: float, y: float, side: float, token: str) -> None:
    """The QR code as one filled outline per dark patch: no seams between modules in any viewer."""
    matrix = qr_matrix(token)
    module = side / (len(matrix) + 2 * QUIET_MODULES)
    left = x + QUIET_MODULES * module
    top = y + side - QUIET_MODULES * module
    c.saveState()
    # Draw in module units (rows down): the path is small whole numbers, exact at any scale.
    c.translate(left, top)
    c.scale(module, -module)
    path = c.beginPath()
    for loop in outline(matrix):
        path.moveTo(*loop[0])
        for point in loop[1:]:
            path.lineTo(*point)
        path.close()
    c.setFillGray(0)
    c.drawPath(path, stroke=0, fill=1)  # non-zero winding: holes run the other way round
    c.restoreState()


def outline(matrix: Sequence[Sequence[bool]]) -> list[list[tuple[int, int]]]:
    """Closed corner loops (column, row; rows down) around the dark modules.

    Each dark module adds its four edges clockwise; an edge two dark modules share comes in
    both directions and cancels. What is left is the boundary, dark always on the same side,
    so however the edges are chained into loops the fill is the same. (Touching squares drawn
    one by one leave hairline seams in some viewers and printer drivers.)
    """
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    count = 0
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if not dark:
                continue
            corners = [(col, r), (col + 1, r), (col + 1, r + 1), (col, r + 1)]
            for a, b in zip(corners, corners[1:] + corners[:1]):
                if a in edges.get(b, ()):
                    edges[b].remove(a)
                    count -= 1
                else:
                    edges.setdefault(a, []).append(b)
                    count += 1
    loops = []
    while count:
        start = next(point for point, ends in edges.items() if ends)
        loop = [start]
        point = edges[start].pop()
        count -= 1
        while point != start:
            loop.append(point)
            point = edges[point].pop()
            count -= 1
        loops.append(_corners_only(loop))
    return loops


def _corners_only(loop: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The loop without the points in the middle of straight runs (a smaller file)."""
    n = len(loop)
    return [p for i, p in enumerate(loop)
            if (p[0] - loop[i - 1][0], p[1] - loop[i - 1][1]) != (loop[(i + 1) % n][0] - p[0], loop[(i + 1) % n][1] - p[1])]


def _draw_letters(c: Canvas, fonts: _Fonts, x: float, y: float, side: float) -> None:
    """A on top, B right, C bottom, D left; each letter's top points away from the code."""
    cx, cy = x + side / 2, y + side / 2
    reach = side / 2 - LETTER_BAND / 2  # from the centre to the middle of the letter band
    face = fonts.bold[0].name
    cap = LETTER_SIZE * 0.714  # cap height of Noto Sans, to centre the letter on its band
    c.saveState()
    c.setFillGray(0)
    for letter, angle in (("A", 0), ("B", -90), ("C", 180), ("D", 90)):
        c.saveState()
        c.translate(cx, cy)
        c.rotate(angle)  # counterclockwise; the letter's "up" then points at its edge
        c.setFont(face, LETTER_SIZE)
        c.drawCentredString(0, reach - cap / 2, letter)
        c.restoreState()
    c.restoreState()


def _fit(fonts: _Fonts, text: str, width: float, largest: float, smallest: float, mono: bool = False) -> float:
    size = largest
    while size > smallest and fonts.width(text, size, mono) > width:
        size -= 0.5
    return size


def _shorten(fonts: _Fonts, text: str, width: float, size: float) -> str:
    while len(text) > 1 and fonts.width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


# ---- the pictures -----------------------------------------------------------------

def _draw_symbol(c: Canvas, x: float, y: float, side: float, symbol: Symbol) -> None:
    """The shape filled with its colour, with a dark outline so it also reads in black and white."""
    c.saveState()
    c.translate(x + side / 2, y + side / 2)
    c.scale(side / 100, side / 100)  # shapes are drawn on a 100 x 100 square centred on 0, 0
    c.setFillColorRGB(*symbol.rgb)
    c.setStrokeGray(0.1)
    c.setLineWidth(3)
    c.setLineJoin(1)
    _SHAPES[symbol.shape](c)
    c.restoreState()


def _polygon(c: Canvas, points: Sequence[tuple[float, float]]) -> None:
    p = c.beginPath()
    p.moveTo(*points[0])
    for point in points[1:]:
        p.lineTo(*point)
    p.close()
    c.drawPath(p, stroke=1, fill=1)


def _star_points(tips: int, outer: float, inner: float, turn: float = 90) -> list[tuple[float, float]]:
    points = []
    for i in range(tips * 2):
        r = outer if i % 2 == 0 else inner
        a = math.radians(turn + i * 180 / tips)
        points.append((r * math.cos(a), r * math.sin(a)))
    return points


def _circle(c: Canvas) -> None:
    c.circle(0, 0, 44, stroke=1, fill=1)


def _square(c: Canvas) -> None:
    c.roundRect(-40, -40, 80, 80, 6, stroke=1, fill=1)


def _triangle(c: Canvas) -> None:
    _polygon(c, [(0, 46), (46, -36), (-46, -36)])


def _star(c: Canvas) -> None:
    _polygon(c, [(px, py - 4) for px, py in _star_points(5, 48, 20)])


def _heart(c: Canvas) -> None:
    p = c.beginPath()
    p.moveTo(0, -42)
    p.curveTo(-20, -20, -48, -2, -46, 18)
    p.curveTo(-44, 40, -14, 46, 0, 24)
    p.curveTo(14, 46, 44, 40, 46, 18)
    p.curveTo(48, -2, 20, -20, 0, -42)
    p.close()
    c.drawPath(p, stroke=1, fill=1)


def _diamond(c: Canvas) -> None:
    _polygon(c, [(0, 48), (34, 0), (0, -48), (-34, 0)])


def _moon(c: Canvas) -> None:
    # A crescent: the outer circle from 60° round to 300°, then back along a circle further right.
    outer = [(44 * math.cos(math.radians(a)), 44 * math.sin(math.radians(a))) for a in range(60, 301, 5)]
    cx = 30.0
    r = math.hypot(22 - cx, 44 * math.sin(math.radians(60)))
    start = math.degrees(math.atan2(44 * math.sin(math.radians(60)), 22 - cx))
    inner = [(cx + r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
             for a in _steps(360 - start, start, 24)]
    _polygon(c, [(x - 8, y) for x, y in outer + inner])


def _steps(first: float, last: float, count: int) -> list[float]:
    return [first + (last - first) * i / count for i in range(count + 1)]


def _house(c: Canvas) -> None:
    _polygon(c, [(0, 46), (44, 6), (32, 6), (32, -42), (-32, -42), (-32, 6), (-44, 6)])
    c.setFillGray(1)
    c.rect(-9, -42, 18, 28, stroke=1, fill=1)  # the door


def _flower(c: Canvas) -> None:
    for i in range(6):
        a = math.radians(90 + i * 60)
        c.circle(26 * math.cos(a), 26 * math.sin(a), 16, stroke=1, fill=1)
    c.setFillColorRGB(1.0, 0.85, 0.2)
    c.circle(0, 0, 13, stroke=1, fill=1)


def _tree(c: Canvas) -> None:
    c.saveState()
    c.setFillColorRGB(0.45, 0.28, 0.12)
    c.rect(-8, -46, 16, 30, stroke=1, fill=1)  # trunk
    c.restoreState()
    _polygon(c, [(0, 48), (34, 8), (20, 8), (40, -20), (-40, -20), (-20, 8), (-34, 8)])


def _fish(c: Canvas) -> None:
    _polygon(c, [(24, 0), (46, 22), (46, -22)])  # tail
    c.ellipse(-46, -24, 30, 24, stroke=1, fill=1)
    c.setFillGray(1)
    c.circle(-26, 6, 5, stroke=1, fill=1)  # eye


def _sun(c: Canvas) -> None:
    _polygon(c, _star_points(12, 48, 30))
    c.circle(0, 0, 26, stroke=1, fill=1)


_SHAPES = {"circle": _circle, "square": _square, "triangle": _triangle, "star": _star, "heart": _heart,
           "diamond": _diamond, "moon": _moon, "house": _house, "flower": _flower, "tree": _tree,
           "fish": _fish, "sun": _sun}
