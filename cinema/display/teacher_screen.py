"""The teacher window beside the projector (presenter mode): what is on now and next, the time left,
the battery and its advice, the calm offer, who has not answered, notices, the PIN prompt and
marking children by hand, in the teacher's language, for a laptop at arm's length in daylight."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import pygame

from cinema.core.messages import DISK_BACK, USB_SAVED
from cinema.core.power import MSG_RESTORE, Action, PowerDecision, describe
from cinema.core.view import AnswerList, CalmNote, TeacherItem, TeacherView
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import Layout, Metrics, row
from cinema.display.overlays import LOCKED, LOCKED_TRAINING
from cinema.display.picker import draw_picker
from cinema.display.pin_prompt import draw_pin
from cinema.display.screens.common import mmss
from cinema.display.status import battery_color, battery_time_text, clock_text
from cinema.display.text import TextRenderer, digit_table
from cinema.display.theme import ORANGE, REDDISH_PURPLE, Theme
from cinema.locale import N_, base_language, is_rtl, translator

log = logging.getLogger(__name__)

KINDS = {
    "video": N_("Video"), "slides": N_("Slides"), "audio": N_("Audio"), "activity": N_("Quiz"),
    "checkin": N_("Check-in"), "attendance": N_("Attendance"), "pairing": N_("Handsets"),
    "break": N_("Break"), "closing": N_("Closing"), "title": N_("Title"),
}
# The failed-item notices the engine writes: the item's title (notice_detail) goes under them.
FAILURES = frozenset({"This video could not be played.", "This audio could not be played.",
                      "This slide could not be shown."})
# Good news among the notices: a tick, not a warning sign.
GOOD_NEWS = frozenset({MSG_RESTORE, USB_SAVED, DISK_BACK})


@dataclass(frozen=True)
class TeacherMetrics(Metrics):
    """Sizes for the teacher's own screen, read from arm's length rather than across a room: the
    smallest text is 1/30 of the height (20 px at 600, 36 px at 1080), so a lesson's worth of facts fits."""

    @property
    def min_text(self) -> int:
        return math.ceil(self.height / 30)

    @property
    def body(self) -> int:
        return max(self.min_text, round(self.height / 22))

    @property
    def heading(self) -> int:
        return round(self.height / 15)

    @property
    def status_height(self) -> int:
        return round(self.body * 1.5)


class TeacherRenderer:
    """Draws a TeacherView on the laptop's own window (the pygame thread only). `strict=True` (tests)
    lets a drawing error through; the kiosk logs it and shows the header over an empty page."""

    def __init__(self, size: tuple[int, int], language: str = "en", *, theme: Theme | None = None,
                 text: TextRenderer | None = None, strict: bool = False, digits: str = "latn") -> None:
        self.language = language
        self.digits = digits  # display.digits: "latn", or "native" for each language's own digits
        self.theme = theme or Theme()
        self.text = text or TextRenderer()
        self.strict = strict
        self.metrics = TeacherMetrics(*size)
        self._digit_tables: dict[str, dict[int, str] | None] = {}
        self._last_view: TeacherView | None = None
        self._last_second: int | None = None

    @property
    def size(self) -> tuple[int, int]:
        return (self.metrics.width, self.metrics.height)

    def resize(self, size: tuple[int, int]) -> None:
        if tuple(size) != self.size:
            self.metrics = TeacherMetrics(*size)
            self._last_view = None

    def needs_redraw(self, view: TeacherView, now_second: int) -> bool:
        """True when the view changed or the clock's second ticked since the last draw."""
        return view != self._last_view or int(now_second) != self._last_second

    def draw(self, surface: pygame.Surface, view: TeacherView, now: float | None = None) -> Layout:
        """Draw `view` on `surface`; returns every box drawn (and every text, for tests)."""
        now = time.time() if now is None else now
        self.resize(surface.get_size())
        language = view.language or self.language
        base = base_language(language)
        if base not in self._digit_tables:
            self._digit_tables[base] = digit_table(base, self.digits)
        rtl = is_rtl(language)
        layout = Layout(self.metrics.width, self.metrics.height, rtl)
        c = Canvas(surface, self.metrics, self.theme, self.text, translator(base), rtl, layout,
                   digits=self._digit_tables[base])
        surface.fill(self.theme.background)
        try:
            if view.picker is not None:
                draw_picker(c, view.picker, c.content, "teacher.picker")
            else:
                _page(c, view)
            if view.pin is not None:
                draw_pin(c, view.pin)
        except Exception:
            if self.strict:
                raise
            log.exception("could not draw the teacher screen")
        _header(c, view, now)
        self._last_view = view
        self._last_second = int(now)
        return layout


# ---- the header: the lesson, the place in it, the clock ------------------------------------------

def _header(c: Canvas, view: TeacherView, now: float) -> None:
    m = c.metrics
    strip = pygame.Rect(0, 0, m.width, m.status_height)
    pygame.draw.rect(c.surface, c.theme.status_bg, strip)
    c.record("status", m.status_rect, "status")
    inner = strip.inflate(-2 * m.margin, 0)
    clock = clock_text(now)
    clock_w = c.text_width(clock, m.body) + 2
    place = f"{view.now.number} / {view.item_count}" if view.now is not None and view.item_count else ""
    place_w = c.text_width(place, m.min_text) + 2 if place else 0
    c.text("status.clock", clock, c.mirror(pygame.Rect(inner.right - clock_w, inner.top, clock_w, inner.height),
                                           inner), m.body, align="end", valign="center", max_lines=1, kind="status")
    end = inner.right - clock_w - m.margin
    if place:
        box = c.mirror(pygame.Rect(end - place_w, inner.top, place_w, inner.height), inner)
        c.text("status.items", place, box, m.min_text, color=c.theme.muted, align="end", valign="center",
               max_lines=1, kind="status")
        end -= place_w + m.margin
    title = c.mirror(pygame.Rect(inner.left, inner.top, max(0, end - inner.left), inner.height), inner)
    c.text("status.lesson", view.lesson_title, title, m.body, bold=True, valign="center", max_lines=1,
           kind="status")
    bar = pygame.Rect(0, m.status_height, m.width, m.progress_height)
    pygame.draw.rect(c.surface, c.theme.panel, bar)
    if view.item_count and view.now is not None:
        done = pygame.Rect(0, bar.top, round(bar.width * max(0.0, min(1.0, view.now.number / view.item_count))),
                           bar.height)
        pygame.draw.rect(c.surface, c.theme.progress, c.mirror(done, bar))
    c.record("status.progress", bar, "status")


# ---- the page: the lesson on the start side, the room and the laptop on the end side ------------

def _page(c: Canvas, view: TeacherView) -> None:
    m = c.metrics
    area = c.content
    if view.answers is not None:
        # Who has not answered spans the window's width at the bottom: the list the teacher acts on,
        # as many names to a row as the window holds; the rest of the page sits above it.
        need = _answers_height(c, view.answers, area.width)
        # a card question's whole class (40 children) takes more of the page than a list of who is missing
        h = min(need, round(area.height * (0.7 if view.answers.grid else 0.45)))
        _answers(c, view.answers, pygame.Rect(area.left, area.bottom - h, area.width, h))
        area = pygame.Rect(area.left, area.top, area.width, area.height - h - m.margin)
    lesson_w = round((area.width - m.margin) * 0.56)
    lesson, side = row(area, [lesson_w, area.width - lesson_w - m.margin], m.margin, c.rtl)
    _next(c, view, lesson, _now(c, view, lesson))
    # The side column in the order the teacher must act on it: the battery, the calm offer waiting for
    # Enter or N, the locked keyboard; then what is good to know.
    y = _battery(c, view, side, side.top)
    if view.calm is not None:
        y = _calm(c, view.calm, side, y)
    if view.keyboard_locked:
        y = _keyboard(c, view, side, y)
    y = _lesson_left(c, view, side, y)
    y = _present(c, view, side, y)
    _notices(c, view, pygame.Rect(side.left, y, side.width, side.bottom - y))


def _line(c: Canvas, within: pygame.Rect, y: int, height: int) -> pygame.Rect:
    return pygame.Rect(within.left, y, within.width, height)


def _height(c: Canvas, text: str, width: int, size: int, max_lines: int, bold: bool = False) -> int:
    """The height `text` takes in `width`, shrinking from `size` towards the smallest text before it
    wraps onto more lines (at most `max_lines`)."""
    if c.digits:
        text = text.translate(c.digits)
    block = c.text_renderer.fit(text, max(1, width), 10 ** 5, size, c.metrics.min_text, c.rtl, bold, max_lines)
    return block.height


def _kind_icon(c: Canvas, name: str, kind: str, box: pygame.Rect) -> None:
    t = c.theme
    drawers = {
        "video": lambda s, r: icons.projector(s, r, t.text, t.accent),
        "slides": lambda s, r: icons.projector(s, r, t.text, t.accent),
        "title": lambda s, r: icons.projector(s, r, t.text, t.accent),
        "audio": lambda s, r: icons.speaker(s, r, t.text, flip=c.rtl),
        "activity": lambda s, r: icons.clicker(s, r, t.text),
        "pairing": lambda s, r: icons.clicker(s, r, t.text),
        "checkin": lambda s, r: icons.face(s, r, 4, t.face_colors[3], (0, 0, 0)),
        "attendance": lambda s, r: icons.card(s, r, t.text),
        "break": lambda s, r: icons.ring(s, r, 0.7, t.accent, t.panel),
        "closing": lambda s, r: icons.star(s, r, t.warn),
    }
    draw = drawers.get(kind)
    if draw is not None:
        c.icon(name, box, draw)


def _kind_word(c: Canvas, item: TeacherItem) -> str:
    return c._(KINDS[item.kind]) if item.kind in KINDS else ""


def _item_title(c: Canvas, item: TeacherItem) -> str:
    """The item's title; an item without one is named by its kind (a closing item: "Closing")."""
    return item.title or _kind_word(c, item)


def _now_label(c: Canvas, view: TeacherView, item: TeacherItem) -> str:
    kind = _kind_word(c, item)
    return (c._("Now · %(kind)s · %(n)d of %(m)d") if kind else c._("Now · %(n)d of %(m)d")) % {
        "kind": kind, "n": item.number, "m": view.item_count}


def _title_parts(c: Canvas, item: TeacherItem, width: int, size: int) -> tuple[int, int]:
    """(the picture's side, the title's height) for the item's title at `size` in `width`."""
    side = round(c.line_height(size) * 1.4)
    return side, max(side, _height(c, _item_title(c, item), width - side - c.metrics.gap, size, 2, bold=True))


def _next_parts(c: Canvas, view: TeacherView, width: int) -> tuple[int, int, int]:
    """(the label's width, where the title starts, the row's height) of the Next row."""
    m = c.metrics
    h = c.line_height(m.body)
    if view.next is None:
        return 0, 0, h
    label_w = min(width // 3, c.text_width(c._("Next:"), m.min_text) + 2)
    at = label_w + round(h * 0.9) + 2 * m.gap
    return label_w, at, max(h, _height(c, _item_title(c, view.next), width - at, m.body, 2))


def _column_height(c: Canvas, view: TeacherView, width: int, size: int) -> int:
    m = c.metrics
    if view.now is None:
        return 2 * c.line_height(m.min_text) + m.gap + _next_parts(c, view, width)[2] + m.gap
    timed = view.paused or view.item_seconds_left is not None
    return (c.line_height(m.min_text) + m.gap // 2 + _title_parts(c, view.now, width, size)[1] + m.gap // 2
            + (c.line_height(size, bold=True) + m.gap if timed else 0) + _next_parts(c, view, width)[2] + m.gap)


def _now(c: Canvas, view: TeacherView, area: pygame.Rect) -> int:
    """What is on now: a label, the item's picture and title, the time left on it (or Paused); big
    (heading size) when the column has the room, else at body size so that Next still fits under it."""
    m = c.metrics
    label_h = c.line_height(m.min_text)
    item = view.now
    if item is None:
        c.text("teacher.now.title", c._("The lesson has not started"), _line(c, area, area.top, label_h * 2),
               m.body, color=c.theme.muted, valign="center", max_lines=2)
        return area.top + label_h * 2 + m.gap
    size = m.heading if _column_height(c, view, area.width, m.heading) <= area.height else m.body
    c.text("teacher.now.label", _now_label(c, view, item), _line(c, area, area.top, label_h), m.min_text,
           color=c.theme.muted, valign="center", max_lines=1)
    side, title_h = _title_parts(c, item, area.width, size)
    box = _line(c, area, area.top + label_h + m.gap // 2, title_h)
    icon = c.mirror(pygame.Rect(box.left, box.top + (title_h - side) // 2, side, side), box)
    words = c.mirror(pygame.Rect(box.left + side + m.gap, box.top, box.width - side - m.gap, title_h), box)
    _kind_icon(c, "teacher.now.icon", item.kind, icon)
    c.text("teacher.now.title", _item_title(c, item), words, size, bold=True, valign="center", max_lines=2)
    y = box.bottom + m.gap // 2
    time_h = c.line_height(size, bold=True)
    if view.paused:
        time_box = _line(c, area, y, time_h)
        badge = c.mirror(pygame.Rect(time_box.left, time_box.top + time_h // 6, time_h * 2 // 3, time_h * 2 // 3),
                         time_box)
        c.icon("teacher.now.paused.icon", badge, icons.pause, c.theme.warn)
        said = c._("Paused")
        if view.item_seconds_left is not None:
            said = c._("Paused · %(time)s left") % {"time": mmss(view.item_seconds_left)}
        c.text("teacher.now.paused", said,
               c.mirror(pygame.Rect(time_box.left + time_h, y, time_box.width - time_h, time_h), time_box),
               size, bold=True, color=c.theme.warn, valign="center", max_lines=1)
        y += time_h + m.gap
    elif view.item_seconds_left is not None:
        left = mmss(view.item_seconds_left)
        left_w = min(area.width // 2, c.text_width(left, size, bold=True) + 2)
        time_box = _line(c, area, y, time_h)
        c.text("teacher.now.time", left, c.mirror(pygame.Rect(area.left, y, left_w, time_h), time_box), size,
               bold=True, valign="center", max_lines=1,
               color=c.theme.warn if view.item_seconds_left <= 30 else None)
        words = c.mirror(pygame.Rect(area.left + left_w + m.gap, y, area.width - left_w - m.gap, time_h), time_box)
        c.text("teacher.now.time.label", c._("left on this item"), words, min(size, m.body), color=c.theme.muted,
               valign="center", max_lines=1)
        y += time_h + m.gap
    return y


def _next(c: Canvas, view: TeacherView, area: pygame.Rect, y: int) -> int:
    m = c.metrics
    label_w, at, h = _next_parts(c, view, area.width)
    if area.bottom - y < c.line_height(m.body):
        return y
    h = min(h, area.bottom - y)
    box = _line(c, area, y, h)
    if view.next is None:
        c.text("teacher.next", c._("Next: the end of the lesson"), box, m.body, valign="center", max_lines=2)
        return box.bottom + m.gap
    line_h = c.line_height(m.body)
    side = round(line_h * 0.9)
    c.text("teacher.next.label", c._("Next:"), c.mirror(pygame.Rect(box.left, y, label_w, line_h), box), m.min_text,
           color=c.theme.muted, valign="center", max_lines=1)
    icon = c.mirror(pygame.Rect(box.left + label_w + m.gap, y + (line_h - side) // 2, side, side), box)
    _kind_icon(c, "teacher.next.icon", view.next.kind, icon)
    c.text("teacher.next", _item_title(c, view.next), c.mirror(pygame.Rect(box.left + at, y, box.width - at, h), box),
           m.body, valign="center", max_lines=2)
    return box.bottom + m.gap


def _lesson_left(c: Canvas, view: TeacherView, area: pygame.Rect, y: int) -> int:
    if view.lesson_seconds_left is None:
        return y
    m = c.metrics
    h = c.line_height(m.body)
    if area.bottom - y < h:
        return y
    minutes = max(0, math.ceil(view.lesson_seconds_left / 60))
    c.text("teacher.lesson_left", c._("Lesson: about %(n)d min left") % {"n": minutes}, _line(c, area, y, h), m.body,
           valign="center", max_lines=1)
    return y + h + m.gap


# ---- who has not answered ---------------------------------------------------------------------------

def _answers_words(c: Canvas, answers: AnswerList) -> tuple[str, str, int]:
    waiting = len(answers.waiting) + answers.more_waiting
    answered = len(answers.answered) + answers.more_answered + answers.phones
    if waiting and (answers.unpaired or answers.phones):
        # Some answers came on handsets given to nobody: the kiosk cannot say whose, so it does not
        # call the children it cannot see answering "not answered".
        heading = c.ngettext("No answer seen from: %(n)d", "No answer seen from: %(n)d", waiting) % {"n": waiting}
    elif waiting:
        heading = c.ngettext("Not answered yet: %(n)d", "Not answered yet: %(n)d", waiting) % {"n": waiting}
    elif not answered:  # nobody present and nobody answered: not "everyone"
        heading = c._("No answers yet")
    else:
        heading = c._("Everyone has answered!")
    count = c.ngettext("%(n)d answered", "%(n)d answered", answered) % {"n": answered}
    if answers.unpaired:
        count = c.ngettext("%(n)d answered (%(loose)d on handsets given to nobody)",
                           "%(n)d answered (%(loose)d on handsets given to nobody)", answered) % {
            "n": answered, "loose": answers.unpaired}
    elif answers.phones:
        count = c.ngettext("%(n)d answered (%(phones)d on phones with no card linked)",
                           "%(n)d answered (%(phones)d on phones with no card linked)", answered) % {
            "n": answered, "phones": answers.phones}
    return heading, count, waiting


def _answers_head(c: Canvas, answers: AnswerList, width: int) -> tuple[bool, int]:
    """(how many answered fits at the heading's end, the height of the heading lines)."""
    m = c.metrics
    heading, count, _ = _answers_words(c, answers)
    beside = c.text_width(heading, m.body, bold=True) + 2 + m.margin + c.text_width(count, m.min_text) + 2 <= width
    return beside, c.line_height(m.body, bold=True) + (0 if beside else c.line_height(m.min_text))


def _answers_height(c: Canvas, answers: AnswerList, width: int) -> int:
    """The panel's height with every chip (or as many as a window of chips holds)."""
    m = c.metrics
    inner_w = width - 2 * m.gap
    _, head_h = _answers_head(c, answers, inner_w)
    head_h += _unknown_height(c, answers)
    labels, _, more = _chips_of(answers)
    if not labels and not more:
        return head_h + 2 * m.gap
    rects, _, _ = _chip_layout(c, labels, more, pygame.Rect(0, 0, inner_w, 10 ** 5), _chip_size(c, answers),
                               answers.grid)
    return head_h + m.gap + max((r.bottom for r in rects), default=0) + 2 * m.gap


def _chips_of(answers: AnswerList) -> tuple[tuple[str, ...], frozenset[int], int]:
    """(the chips' labels, which of them are read, how many more): who is still to answer; in a question
    answered by cards, the whole class in name order, so a child's chip stays in its place once read."""
    if not answers.grid:
        return answers.waiting, frozenset(), answers.more_waiting
    everyone = sorted([(label, True) for label in answers.answered] + [(label, False) for label in answers.waiting],
                      key=lambda pair: _name_order(pair[0]))
    labels = tuple(label for label, _ in everyone)
    return labels, frozenset(i for i, (_, read) in enumerate(everyone) if read), \
        answers.more_answered + answers.more_waiting


def _name_order(label: str) -> tuple[str, int, str]:
    """Names in alphabetical order, a number after a shared first name in numeric order (Amina 3, Amina 12)."""
    name, _, number = label.rpartition(" ")
    if name and number.isdigit():
        return name.casefold(), int(number), label
    return label.casefold(), -1, label


def _chip_size(c: Canvas, answers: AnswerList) -> int:
    """A whole class of chips (a card question) in the smallest readable text, so 40 fit beside the rest."""
    return c.metrics.min_text if answers.grid else c.metrics.body


def _unknown_words(c: Canvas, answers: AnswerList) -> str:
    if not answers.unknown_cards:
        return ""
    numbers = ", ".join(str(n) for n in answers.unknown_cards)
    return c.ngettext("Card %(numbers)s is no child's in the roster: no answer",
                      "Cards %(numbers)s are no child's in the roster: no answers",
                      len(answers.unknown_cards)) % {"numbers": numbers}


def _unknown_height(c: Canvas, answers: AnswerList) -> int:
    return c.line_height(c.metrics.min_text) if answers.unknown_cards else 0


def _answers(c: Canvas, answers: AnswerList, area: pygame.Rect) -> None:
    """The children (or handsets) still to answer, as name chips: the one list the teacher acts on."""
    m = c.metrics
    inner = area.inflate(-2 * m.gap, -2 * m.gap)
    beside, head_h = _answers_head(c, answers, inner.width)
    if inner.height < head_h:
        return
    heading, count, waiting = _answers_words(c, answers)
    c.panel(area, color=c.theme.panel, edge=c.theme.warn if waiting else c.theme.good)
    c.record("teacher.answers", area, "icon")
    head = pygame.Rect(inner.left, inner.top, inner.width, c.line_height(m.body, bold=True))
    if beside:
        count_w = c.text_width(count, m.min_text) + 2
        count_box = c.mirror(pygame.Rect(head.right - count_w, head.top, count_w, head.height), head)
        words = c.mirror(pygame.Rect(head.left, head.top, head.width - count_w - m.margin, head.height), head)
    else:
        count_box = pygame.Rect(inner.left, head.bottom, inner.width, head_h - head.height)
        words = head
    c.text("teacher.answers.count", count, count_box, m.min_text, color=c.theme.muted,
           align="end" if beside else "start", valign="center", max_lines=1)
    c.text("teacher.answers.heading", heading, words, m.body, bold=True,
           color=c.theme.warn if waiting else c.theme.good, valign="center", max_lines=1)
    unknown = _unknown_words(c, answers)
    if unknown:
        line = pygame.Rect(inner.left, inner.top + head_h, inner.width, _unknown_height(c, answers))
        c.text("teacher.answers.unknown", unknown, line, m.min_text, color=c.theme.warn, valign="center",
               max_lines=1, native_digits=False)
        head_h += line.height
    labels, read, more = _chips_of(answers)
    if not waiting and not answers.grid:
        return
    top = inner.top + head_h + m.gap
    chips = pygame.Rect(inner.left, top, inner.width, max(0, inner.bottom - top))
    size = _chip_size(c, answers)
    rects, shown, tail = _chip_layout(c, labels, more, chips, size, answers.grid)
    if answers.grid and shown < len(labels):
        # The whole class does not fit this window: the children not read yet first (the ones to act on),
        # then as many read ones as fit.
        order = sorted(range(len(labels)), key=lambda i: i in read)
        labels, read = tuple(labels[i] for i in order), frozenset(n for n, i in enumerate(order) if i in read)
        rects, shown, tail = _chip_layout(c, labels, more, chips, size, answers.grid)
    _draw_chips(c, "teacher.class" if answers.grid else "teacher.waiting", labels, rects, shown, tail, read, size,
                answers.grid)


def _chip_height(c: Canvas, size: int | None = None) -> int:
    return c.line_height(size or c.metrics.body) + c.metrics.gap // 2


def _chip_layout(c: Canvas, labels: tuple[str, ...], more: int, box: pygame.Rect, size: int | None = None,
                 ticks: bool = False) -> tuple[list[pygame.Rect], int, str]:
    """Where chips go, flowing in reading order row after row: (rects, how many labels, the "N more"
    tail or ""); the tail's chip is the last rect. Labels that do not fit are counted in the tail."""
    m = c.metrics
    size = size or m.body
    h = _chip_height(c, size)
    pad, space = m.gap, m.gap // 2
    # a chip's room for its tick (a read card): the same for every chip, so none moves once read
    tick = round(h * 0.65) if ticks else 0
    if ticks:
        pad = m.gap // 2  # a class of 40 to fit: the tick already sets the name off the chip's edge
    widths = [min(box.width, c.text_width(label, size) + 2 * pad + 2 + tick) for label in labels]

    def place(count: int, tail: str) -> list[pygame.Rect] | None:
        rects, x, y = [], 0, 0
        sizes = widths[:count] + ([min(box.width, c.text_width(tail, m.min_text) + 2 * pad + 2)] if tail else [])
        for w in sizes:
            if x and x + w > box.width:
                x, y = 0, y + h + space
            if y + h > box.height:
                return None
            rects.append(c.mirror(pygame.Rect(box.left + x, box.top + y, w, h), box))
            x += w + space
        return rects

    if ticks:
        # A class's grid: equal cells in rows, the widest name setting the cell (a name is never cut: in a
        # small window the children that do not fit are counted in the tail); full rows share the width.
        cell = max(widths, default=0)
        per_row = max(1, (box.width + space) // (cell + space))
        if len(labels) > per_row:
            cell = (box.width + space) // per_row - space
        widths = [cell] * len(labels)
    count = len(labels)
    while True:
        left = len(labels) - count + more
        tail = c._("%(n)d more") % {"n": left} if left else ""
        rects = place(count, tail)
        if rects is not None:
            return rects, count, tail
        if count == 0:
            return [], 0, ""
        count -= 1


def _draw_chips(c: Canvas, name: str, labels: tuple[str, ...], rects: list[pygame.Rect], count: int,
                tail: str, read: frozenset[int] = frozenset(), size: int | None = None, ticks: bool = False) -> None:
    """Name chips; a read one (a card question's grid) is filled in the good colour with a tick at its
    start, so read and not yet differ in shape as well as colour."""
    m = c.metrics
    size = size or m.body
    h = _chip_height(c, size)
    tick = round(h * 0.65) if ticks else 0
    for i, rect in enumerate(rects[:count]):
        done = i in read
        pygame.draw.rect(c.surface, c.theme.good if done else c.theme.background, rect, border_radius=h // 2)
        c.record(f"{name}.{i}.{'read' if done else 'chip'}", rect, "icon")
        words = rect.inflate(-2 * m.gap, 0)
        if tick:
            mark = c.mirror(pygame.Rect(rect.left + m.gap // 2, rect.top, tick, rect.height), rect)
            if done:
                icons.tick(c.surface, mark.inflate(-h // 6, -h // 6), c.theme.background)
            words = c.mirror(pygame.Rect(rect.left + m.gap // 2 + tick, rect.top,
                                         rect.width - tick - m.gap // 2, rect.height), rect)
        # a handset's number as printed on it, a learner id as a code: not turned into other digits
        c.text(f"{name}.{i}", labels[i], words, size, align="center", valign="center", max_lines=1,
               native_digits=False, color=c.theme.background if done else None)
    if tail and rects:
        c.text(f"{name}.more", tail, rects[-1], m.min_text, color=c.theme.muted, align="center", valign="center",
               max_lines=1)


# ---- the laptop and the room: battery, present, keyboard, the calm offer, notices -----------------

def _battery(c: Canvas, view: TeacherView, area: pygame.Rect, y: int) -> int:
    m = c.metrics
    status = view.status
    advice = view.power_advice
    percent = status.battery_percent if status.battery_percent is not None else (advice.percent if advice else None)
    if percent is None and advice is None:
        return y
    h = c.line_height(m.body, bold=True)
    box = _line(c, area, y, h)
    icon_w = round(h * 1.5)
    fill = battery_color(c, percent if percent is not None else 100)
    icon = c.mirror(pygame.Rect(box.left, y + h // 5, icon_w, h - 2 * (h // 5)), box)
    # No lightning bolt unless the laptop says it is charging: a bolt while it runs down misleads.
    c.icon("teacher.battery.icon", icon, icons.battery, percent, c.theme.text, fill, status.charging is True)
    parts = [f"{percent:.0f}%"] if percent is not None else []
    if status.charging:
        parts.append(c._("charging"))
    else:
        left = battery_time_text(c, status.battery_minutes if status.battery_minutes is not None
                                 else (advice.usable_minutes if advice else None))
        if left:
            parts.append(left)
    words = c.mirror(pygame.Rect(box.left + icon_w + m.gap, y, box.width - icon_w - m.gap, h), box)
    c.text("teacher.battery", " · ".join(parts), words, m.body, bold=True, valign="center", max_lines=1,
           color=fill if percent is not None and percent < 20 else None)
    y = box.bottom + m.gap // 2
    lines = _advice_lines(c, advice)
    for i, text in enumerate(lines):
        room = area.bottom - y
        size = m.min_text
        line_h = c.line_height(size)
        wrapped = len(c.text_renderer.wrap(text, area.width, size, c.rtl))
        rows = max(1, min(wrapped, 3, room // line_h))
        if room < line_h:
            break
        color = c.theme.warn if advice is not None and advice.action in (Action.ADVISE, Action.WARN) else c.theme.text
        if advice is not None and advice.action is Action.ADVISE and not advice.enough and i == len(lines) - 1:
            color = c.theme.bad
        drawn = c.text(f"teacher.advice.{i}", text, _line(c, area, y, rows * line_h), size, color=color,
                       max_lines=rows)
        y = drawn.bottom + m.gap // 2
    return y + m.gap


def _advice_lines(c: Canvas, advice: PowerDecision | None) -> tuple[str, ...]:
    """The whole advice (both lines, every item with its minutes): the teacher's screen has the room."""
    if advice is None:
        return ()
    return describe(advice, c._)


def _present(c: Canvas, view: TeacherView, area: pygame.Rect, y: int) -> int:
    m = c.metrics
    h = c.line_height(m.body)
    if area.bottom - y < h:
        return y
    box = _line(c, area, y, h)
    side = round(h * 0.9)
    c.icon("teacher.present.icon", c.mirror(pygame.Rect(box.left, y + (h - side) // 2, side, side), box),
           icons.person, c.theme.text)
    if view.expected:
        said = c.ngettext("%(n)d of %(m)d present", "%(n)d of %(m)d present", view.expected) % {
            "n": view.present, "m": view.expected}
    else:
        said = c.ngettext("%(n)d present", "%(n)d present", view.present) % {"n": view.present}
    c.text("teacher.present", said, c.mirror(pygame.Rect(box.left + side + m.gap, y, box.width - side - m.gap, h),
                                             box), m.body, valign="center", max_lines=1)
    return box.bottom + m.gap


def _keyboard(c: Canvas, view: TeacherView, area: pygame.Rect, y: int) -> int:
    m = c.metrics
    line_h = c.line_height(m.min_text)
    side = line_h * 3 // 2
    said = c._(LOCKED_TRAINING if view.training_pin else LOCKED)
    words_w = area.width - 2 * m.gap - side - m.gap
    h = max(side, _height(c, said, words_w, m.min_text, 4)) + m.gap
    if area.bottom - y < h:
        return y
    box = _line(c, area, y, h)
    c.panel(box, color=c.theme.panel, edge=c.theme.warn)
    c.record("teacher.keyboard.box", box, "icon")
    inner = box.inflate(-2 * m.gap, -m.gap)
    c.icon("teacher.keyboard.icon", c.mirror(pygame.Rect(inner.left, inner.top + (inner.height - side) // 2, side,
                                                         side), inner), icons.lock, c.theme.warn)
    c.text("teacher.keyboard", said,
           c.mirror(pygame.Rect(inner.left + side + m.gap, inner.top, words_w, inner.height), inner), m.min_text,
           valign="center", max_lines=4)
    return box.bottom + m.gap


def _calm(c: Canvas, calm: CalmNote, area: pygame.Rect, y: int) -> int:
    """A closed check-in: how many answered and (with 5 or more) how many chose the two saddest faces;
    when the calm item is offered, the two keys that answer the offer."""
    m = c.metrics
    line_h = c.line_height(m.min_text)
    key_h = c.line_height(m.body)
    said = c.ngettext("Check-in: %(n)d answered", "Check-in: %(n)d answered", calm.answers) % {"n": calm.answers}
    if calm.low is not None:
        said += " · " + c.ngettext("%(n)d chose the two saddest faces", "%(n)d chose the two saddest faces",
                                   calm.low) % {"n": calm.low}
    said_h = _height(c, said, area.width - 2 * m.gap, m.min_text, 3)
    keys = []
    if calm.offered:
        if calm.calm_title:
            start = c._("Start: %(title)s") % {"title": calm.calm_title}
        else:
            start = c._("Start the calm moment")
        for key, label, color, name in ((c._("Enter"), start, ORANGE, "take"), ("N", c._("Go on"), REDDISH_PURPLE,
                                                                                  "go_on")):
            key_w = max(key_h, c.text_width(key, round(key_h * 0.62), bold=True) + 2 * m.gap)
            label_h = max(key_h, _height(c, label, area.width - 2 * m.gap - key_w - m.gap, m.min_text, 3))
            keys.append((key, label, color, name, key_w, label_h))
    h = said_h + sum(k[5] + m.gap // 2 for k in keys) + m.gap
    if area.bottom - y < h:
        return y
    box = _line(c, area, y, h)
    c.panel(box, color=c.theme.panel, edge=c.theme.accent if calm.offered else None)
    c.record("teacher.calm", box, "icon")
    inner = box.inflate(-2 * m.gap, -m.gap)
    c.text("teacher.calm.said", said, pygame.Rect(inner.left, inner.top, inner.width, said_h), m.min_text,
           max_lines=3)
    top = inner.top + said_h + m.gap // 2
    for key, label, color, name, key_w, label_h in keys:
        col = pygame.Rect(inner.left, top, inner.width, label_h)
        tile = pygame.Rect(col.left, col.top + (label_h - key_h) // 2, key_w, key_h)
        c.key_tile(f"teacher.calm.{name}.key", c.mirror(tile, col), key, color)
        c.text(f"teacher.calm.{name}", label,
               c.mirror(pygame.Rect(col.left + key_w + m.gap, col.top, col.width - key_w - m.gap, label_h), col),
               m.min_text, valign="center", max_lines=3)
        top += label_h + m.gap // 2
    return box.bottom + m.gap


def _notices(c: Canvas, view: TeacherView, area: pygame.Rect) -> None:
    """Notices and problems, newest first, each with a warning sign (a tick for good news); what does
    not fit is counted."""
    m = c.metrics
    line_h = c.line_height(m.min_text)
    if not view.notices or area.height < line_h:
        return
    y = area.top
    failed = [i for i, msg in enumerate(view.notices) if msg in FAILURES]
    detail_for = failed[0] if failed and view.notice_detail else None
    words_w = area.width - line_h - m.gap // 2
    shown = 0
    for i, msg in enumerate(view.notices):
        text = c._(msg)
        rows = max(1, min(3, len(c.text_renderer.wrap(text, words_w, m.min_text, c.rtl))))
        detail = view.notice_detail if i == detail_for else ""
        tail = line_h + m.gap // 2 if i < len(view.notices) - 1 else 0  # room for "N more" under it
        if y + (rows + bool(detail)) * line_h + tail > area.bottom:
            break  # a notice is read whole or counted in "N more", never cut in the middle
        box = pygame.Rect(area.left, y, area.width, rows * line_h)
        sign = c.mirror(pygame.Rect(box.left, y + line_h // 8, line_h * 3 // 4, line_h * 3 // 4), box)
        if msg in GOOD_NEWS:
            c.icon(f"teacher.notice.{i}.icon", sign, icons.tick, c.theme.good)
        else:
            c.icon(f"teacher.notice.{i}.icon", sign, icons.warning, c.theme.warn, (0, 0, 0))
        c.text(f"teacher.notice.{i}", text,
               c.mirror(pygame.Rect(box.left + line_h + m.gap // 2, y, words_w, box.height), box), m.min_text,
               max_lines=rows)
        y = box.bottom
        if detail:  # the failed item by its title, under what happened to it
            under = pygame.Rect(area.left, y, area.width, line_h)
            c.text(f"teacher.notice.{i}.detail", detail,
                   c.mirror(pygame.Rect(under.left + line_h + m.gap // 2, y, words_w, line_h), under), m.min_text,
                   color=c.theme.muted, max_lines=1)
            y += line_h
        y += m.gap // 2
        shown += 1
    left = len(view.notices) - shown
    if left:
        c.text("teacher.notices.more", c._("%(n)d more") % {"n": left}, pygame.Rect(area.left, y, area.width, line_h),
               m.min_text, color=c.theme.muted, max_lines=1)
