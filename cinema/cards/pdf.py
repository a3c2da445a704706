"""Printable cards: each child's A5 card, a QR code on the front and a big answer marker on the back.

Two cards an A4 page (cut line in the middle); printed duplex, each page of fronts is followed by
its backs (flip on the long edge); `one_sided` puts a child's front and back on one page to fold.

The front has:
- the QR code of the card token (programme, learner id, check; never a name), drawn as vector
  squares so it prints sharp at any resolution, at the error-correction level qr_payload.LEVEL
  (Q: measured against H over code sizes and wear in benchmarks/bench_attendance.py, Q's larger
  modules read from further away and H was better only with a thumb over the code up close),
  with one module of white round it: the letter band round the code is white too, and the
  larger modules read more of the harsh photos (94.8 % against 89.9 % with three).
- the letters A (top), B (right), C (bottom), D (left) around the code, each with its top
  towards its edge, so it reads upright when that edge is held on top: a child answers a
  question by turning the card (cinema.devices.cards.answer_card reads which edge is up).
- a picture (shape + colour, cinema.cards.symbols) so a child who cannot read finds their card,
  the first name (unless names are left off), and small print for the teacher: the group and
  the learner id with the check, to type in when a camera cannot read a worn card.

The back has one large DICT_5X5_100 marker saying the child's card number (never a name or an
id: cinema.cards.numbers keeps who has which number), each edge's own letter (so B is on the left
and D on the right seen from the back: a child turns the card by the letters they see on the
front, cinema.devices.cards.markers reads the back's), and the number and picture in a corner.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
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

PAGE_W, PAGE_H = A4  # portrait; each half holds one card turned a quarter
CARD_W, CARD_H = PAGE_H / 2, PAGE_W  # A5 as the child holds it: 148.5 x 210 mm
PER_PAGE = 2
SAFE = 6 * mm  # no mark this close to a card's edge: printers leave 3-5 mm of the paper white
EDGE = 4.5 * mm  # ...except the back's letters, which need the room (the cut edge is not the paper's)
CAP = 0.714  # Noto Sans capital height, in em: letters are centred by it
CUT_GREY = 0.55
GUIDE_SIZE = 7  # pt: the note on the cut or fold line

# The front: the QR code (for attendance, and answering by turning it), larger than on the old 8-up cards.
QR_BLOCK = 120 * mm  # the code, its quiet zone and the band of letters round it
LETTER_BAND = 10 * mm
QUIET_MODULES = 1  # white modules around the code; the white letter band adds to it
LETTER_SIZE = 22  # pt
SYMBOL = 36 * mm
NAME_MAX, NAME_MIN = 32, 10  # pt: the first name shrinks to fit its column, never below NAME_MIN
SMALL = 8  # pt: group, learner id and check

# The back: one DICT_5X5_100 marker read across the room (cinema.devices.cards.markers). 7 cells of
# 14 mm = 98 mm with a cell of white round it, which leaves 25 mm between the marker and the long
# edges: a thumb holding the card sideways (answers B and D) reaches 10-21 mm in and stays off the
# marker. A 120 mm marker leaves 14 mm, and a thumb on it hides the card from the camera for the
# whole question. Measured in cinema.devices.cards.room's rooms (40 cards, 2-6 m, 1080p): 98 mm read
# 74-77 % of cards a frame against 91-95 % at 120 mm, still 40 of 40 within 3 s, 0 wrong.
MARKER_CELL = 14 * mm
MARKER_QUIET = 1  # cells of white round the marker
BIG_LETTER = 96  # pt: A and C (B and D get what the long edges leave)
NUMBER_SIZE = 16  # pt: the card number in the back's corner

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
                   show_names: bool = True, *, one_sided: bool = False) -> int:
    """Write the cards of `learners` (roster order) to `out_path` atomically; returns the page count.

    Every learner needs their answer card number (`Learner.card`, cinema.cards.numbers): the back
    says it. Duplex (the default): a page of fronts, then a page of their backs, for printing on
    both sides flipped on the long edge. `one_sided`: one page a child, front and back side by
    side, folded in the middle.
    """
    missing = [learner.learner_id for learner in learners if learner.card is None]
    if missing:
        raise ValueError(f"no answer card number for {', '.join(missing[:5])}: assign numbers first "
                         "(cinema.cards.numbers.assign_numbers)")
    fonts = _Fonts()
    symbols = symbols_for([learner.learner_id for learner in learners])
    fronts, backs = places(len(learners), one_sided)
    pages = max(1, 1 + max((p.page for p in fronts + backs), default=0))
    buffer = io.BytesIO()
    # invariant: no creation date or random id in the file, so the same roster gives the same bytes.
    c = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(_("Learning Cinema cards: {program}").format(program=program))
    c.setCreator("Learning Cinema")
    c.setAuthor("")
    c.setSubject("")
    for page in range(pages):
        for index, learner in enumerate(learners):
            symbol = symbols[learner.learner_id]
            if fronts[index].page == page:
                token = make_token(program, learner.learner_id, key)
                with _card(c, fronts[index]):
                    _draw_front(c, fonts, learner, token, symbol, show_names)
            if backs[index].page == page:
                with _card(c, backs[index]):
                    _draw_back(c, fonts, learner.card, symbol)
        if one_sided:
            _draw_guide(c, fonts, _("Fold along the dotted line, printed side out: the QR code on one side, the big "
                                    "square on the other.  {program}  ·  page {page} of {pages}").format(
                program=program, page=page + 1, pages=pages), fold=True)
        elif page % 2 == 0:  # the fronts' side: the backs' side would print the line a millimetre or two off
            sheets = math.ceil(pages / 2)
            _draw_guide(c, fonts, _("Cut along the dashed line.  Print on both sides, flip on long edge.  "
                                    "{program}  ·  sheet {sheet} of {sheets}").format(
                program=program, sheet=page // 2 + 1, sheets=sheets), fold=False)
        c.showPage()
    c.save()
    write_bytes(Path(out_path), buffer.getvalue(), private=True)  # names and card tokens: owner-only, like the key file
    return pages


@dataclass(frozen=True)
class Place:
    """Where one side of a card is printed: its page (0-based), its box on the page in points (y up),
    and which way its top edge points: `turn` 90 = to the page's left, -90 = to the page's right."""

    page: int
    x: float
    y: float
    w: float
    h: float
    turn: int


def places(count: int, one_sided: bool = False) -> tuple[list[Place], list[Place]]:
    """(fronts, backs): where each of `count` cards' two sides go.

    A4 portrait pages hold two A5 cards turned a quarter (no landscape page for a printer driver
    to turn its own way). Duplex: card 2k and 2k+1 on the upper and lower half of page 2k, their
    backs on page 2k+1 at the same height with their tops to the right: a sheet turned over on its
    long edge brings the page's right edge behind its left, so each back lands behind its own front.
    One-sided: page k holds card k's front above the middle and its back below, both tops to the
    left: folded on the middle line, printed sides out, the back is behind the front the right way up.
    """
    half = PAGE_H / 2
    fronts, backs = [], []
    for i in range(count):
        if one_sided:
            fronts.append(Place(i, 0.0, half, PAGE_W, half, 90))
            backs.append(Place(i, 0.0, 0.0, PAGE_W, half, 90))
        else:
            y = half if i % 2 == 0 else 0.0
            fronts.append(Place(2 * (i // 2), 0.0, y, PAGE_W, half, 90))
            backs.append(Place(2 * (i // 2) + 1, 0.0, y, PAGE_W, half, -90))
    return fronts, backs


def code_square() -> tuple[float, float, float]:
    """(left, top, side) in points of the front's QR code with its quiet zone, measured from the top-left
    corner of the card held upright (for tools that cut the code out of a rendered card)."""
    return (CARD_W - QR_BLOCK) / 2 + LETTER_BAND, SAFE + LETTER_BAND, QR_BLOCK - 2 * LETTER_BAND


@contextmanager
def _card(c: Canvas, place: Place) -> Iterator[None]:
    """Draw in the card's own frame: points from its lower-left corner as it is held, CARD_W x CARD_H."""
    c.saveState()
    if place.turn == 90:
        c.translate(place.x + place.w, place.y)
    else:
        c.translate(place.x, place.y + place.h)
    c.rotate(place.turn)
    yield
    c.restoreState()


def _draw_guide(c: Canvas, fonts: _Fonts, text: str, fold: bool) -> None:
    """The line to cut (dashed) or fold (dotted) across the middle of the page, with the note on it.
    The note sits on the line, so cutting leaves at most a sliver of it on a card's edge."""
    y = PAGE_H / 2
    line = ("\u2702  " if not fold else "") + visual_order(text)  # scissors (DejaVu) say "cut" in any language
    size = _fit(fonts, line, PAGE_W - 40 * mm, GUIDE_SIZE, 4.5)
    width = fonts.width(line, size)
    c.saveState()
    c.setStrokeGray(CUT_GREY)
    c.setLineWidth(0.6)
    c.setDash(*((1, 2) if fold else (4, 3)))
    c.line(0, y, (PAGE_W - width) / 2 - 2 * mm, y)
    c.line((PAGE_W + width) / 2 + 2 * mm, y, PAGE_W, y)
    c.setFillGray(0.4)
    fonts.draw(c, (PAGE_W - width) / 2, y - size * 0.35, line, size)
    c.restoreState()


def _draw_front(c: Canvas, fonts: _Fonts, learner: Learner, token: str, symbol: Symbol, show_names: bool) -> None:
    """The QR code with A/B/C/D round it near the top; below it the picture, the first name and the small print."""
    bx, by = (CARD_W - QR_BLOCK) / 2, CARD_H - SAFE - QR_BLOCK
    _draw_code(c, bx + LETTER_BAND, by + LETTER_BAND, QR_BLOCK - 2 * LETTER_BAND, token)
    reach = QR_BLOCK / 2 - LETTER_BAND / 2
    _draw_letters(c, fonts, bx + QR_BLOCK / 2, by + QR_BLOCK / 2, {letter: (reach, LETTER_SIZE) for letter in "ABCD"})

    top = by - 5 * mm
    _draw_symbol(c, bx, top - SYMBOL, SYMBOL, symbol)
    col_x = bx + SYMBOL + 6 * mm
    col_w = bx + QR_BLOCK - col_x
    if show_names and learner.first_name:
        name = visual_order(learner.first_name)
        size = _fit(fonts, name, col_w, NAME_MAX, NAME_MIN)
        if fonts.width(name, size) > col_w:
            name = _shorten(fonts, name, col_w, size)
        c.setFillGray(0)
        fonts.draw(c, col_x + (col_w - fonts.width(name, size)) / 2, top - 4 * mm - size * 0.75, name, size)

    # Small print for the teacher, from the bottom up: check, learner id, group.
    check = token.rsplit(".", 1)[1]
    lines = [f"{check[:4]} {check[4:]}", learner.learner_id]
    if learner.group:
        lines.append(visual_order(learner.group))
    c.setFillGray(0.3)
    line_y = SAFE + 2 * mm
    for i, text in enumerate(lines):
        mono = i < 2
        size = _fit(fonts, text, col_w, SMALL, 4.5, mono)
        fonts.draw(c, col_x + (col_w - fonts.width(text, size, mono)) / 2, line_y, text, size, mono)
        line_y += SMALL + 3


def _draw_back(c: Canvas, fonts: _Fonts, number: int, symbol: Symbol) -> None:
    """The big marker in the middle with white round it, A/B/C/D on the edges, the number and picture in a corner."""
    side = 7 * MARKER_CELL
    x0, y0 = (CARD_W - side) / 2, (CARD_H - side) / 2
    _draw_modules(c, x0, y0, side, 7, marker_matrix(number))
    clear = side / 2 + MARKER_QUIET * MARKER_CELL  # from the centre to the end of the white round the marker
    across = (clear + CARD_W / 2 - EDGE) / 2  # the middle of the band between the white and the edge
    along = (clear + CARD_H / 2 - EDGE) / 2
    beside = _cap_fit(CARD_W / 2 - EDGE - clear - 1 * mm, BIG_LETTER)
    tall = _cap_fit(CARD_H / 2 - EDGE - clear - 6 * mm, BIG_LETTER)
    _draw_letters(c, fonts, CARD_W / 2, CARD_H / 2, {"A": (along, tall), "C": (along, tall),
                                                     "B": (across, beside), "D": (across, beside)}, back=True)
    # The number (for the teacher sorting cards) and the picture (for the child), clear of the marker's white
    corner = 12 * mm
    _draw_symbol(c, SAFE, CARD_H - SAFE - corner, corner, symbol)
    text = str(number)
    c.setFillGray(0.2)
    fonts.draw(c, SAFE + corner + 3 * mm, CARD_H - SAFE - corner / 2 - NUMBER_SIZE * 0.36, text, NUMBER_SIZE, True)


def _cap_fit(height: float, largest: float) -> float:
    """The font size (pt) whose capitals are `height` tall, at most `largest`."""
    return min(largest, height / CAP)


def marker_matrix(number: int) -> list[list[bool]]:
    """Card `number`'s marker as cells (True = black), its black border included: 7 x 7."""
    import cv2

    from cinema.devices.cards.markers import dictionary, marker_id

    image = cv2.aruco.generateImageMarker(dictionary(), marker_id(number), 7, borderBits=1)
    return [[value < 128 for value in row] for row in image.tolist()]


def _draw_code(c: Canvas, x: float, y: float, side: float, token: str) -> None:
    """The QR code with its quiet zone in the square at x, y (lower-left corner)."""
    matrix = qr_matrix(token)
    _draw_modules(c, x, y, side, len(matrix) + 2 * QUIET_MODULES, matrix, QUIET_MODULES)


def _draw_modules(c: Canvas, x: float, y: float, side: float, across: int, matrix: Sequence[Sequence[bool]],
                  offset: int = 0) -> None:
    """Dark modules as one filled outline per dark patch (no seams between modules in any viewer):
    the square x, y, side is `across` modules wide and the matrix starts `offset` modules in."""
    module = side / across
    c.saveState()
    # Draw in module units (rows down): the path is small whole numbers, exact at any scale.
    c.translate(x + offset * module, y + side - offset * module)
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


def _draw_letters(c: Canvas, fonts: _Fonts, cx: float, cy: float, letters: dict[str, tuple[float, float]],
                  back: bool = False) -> None:
    """A on top, B right, C bottom, D left of the point cx, cy; each letter's top points away from it
    (so it reads upright when its edge is held on top). `letters`: letter -> (distance of its middle
    from cx, cy; size in pt). back: the card's back, where each edge keeps its front letter, so B is
    on the left and D on the right as seen from the back (answer_card.BACK_LETTER_BY_TURN)."""
    face = fonts.bold[0].name
    c.saveState()
    c.setFillGray(0)
    for letter, angle in (("A", 0), ("B", 90 if back else -90), ("C", 180), ("D", -90 if back else 90)):
        reach, size = letters[letter]
        c.saveState()
        c.translate(cx, cy)
        c.rotate(angle)  # counterclockwise; the letter's "up" then points at its edge
        c.setFont(face, size)
        c.drawCentredString(0, reach - size * CAP / 2, letter)
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
