"""Where things go: sizes and regions computed from the screen size, mirrored for RTL."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pygame

KINDS = frozenset({"text", "image", "chart", "icon", "status"})


@dataclass(frozen=True)
class Metrics:
    """Sizes for one screen size. Text sizes are pixel font sizes.

    Children read from up to 6 m away: no text is smaller than 1/20 of the screen height.
    """

    width: int
    height: int

    @property
    def min_text(self) -> int:
        return math.ceil(self.height / 20)

    @property
    def body(self) -> int:
        return max(self.min_text, round(self.height / 15))

    @property
    def heading(self) -> int:
        return round(self.height / 11)

    @property
    def title(self) -> int:
        return round(self.height / 8)

    @property
    def huge(self) -> int:
        return round(self.height / 4)

    @property
    def margin(self) -> int:
        return max(8, round(min(self.width, self.height) * 0.03))

    @property
    def gap(self) -> int:
        return max(6, round(self.height * 0.018))

    @property
    def status_height(self) -> int:
        return round(self.min_text * 1.55)

    @property
    def progress_height(self) -> int:
        return max(6, round(self.height * 0.012))

    @property
    def status_rect(self) -> pygame.Rect:
        """The status strip and the item progress bar under it, together."""
        return pygame.Rect(0, 0, self.width, self.status_height + self.progress_height)

    @property
    def content_rect(self) -> pygame.Rect:
        """Everything below the status strip, inside the margins."""
        top = self.status_rect.bottom + self.margin
        return pygame.Rect(self.margin, top, self.width - 2 * self.margin, self.height - top - self.margin)

    @property
    def video_rect(self) -> pygame.Rect:
        """Where video goes: the content area less one line for the title under it."""
        content = self.content_rect
        strip = round(self.min_text * 1.6)
        return pygame.Rect(content.left, content.top, content.width, content.height - strip)


def mirror(rect: pygame.Rect, within: pygame.Rect, rtl: bool) -> pygame.Rect:
    """`rect` laid out left to right inside `within`, flipped for right-to-left screens."""
    if not rtl:
        return pygame.Rect(rect)
    return pygame.Rect(within.left + within.right - rect.right, rect.top, rect.width, rect.height)


def row(within: pygame.Rect, widths: list[int], gap: int, rtl: bool) -> list[pygame.Rect]:
    """Boxes side by side from the start edge (left, or right in RTL), full height."""
    rects, x = [], within.left
    for w in widths:
        rects.append(mirror(pygame.Rect(x, within.top, w, within.height), within, rtl))
        x += w + gap
    return rects


def split_columns(within: pygame.Rect, count: int, gap: int, rtl: bool) -> list[pygame.Rect]:
    """`count` equal columns in reading order."""
    w = (within.width - gap * (count - 1)) // max(1, count)
    return row(within, [w] * count, gap, rtl)


def stack(within: pygame.Rect, heights: list[int], gap: int) -> list[pygame.Rect]:
    """Boxes one under another from the top, full width."""
    rects, y = [], within.top
    for h in heights:
        rects.append(pygame.Rect(within.left, y, within.width, h))
        y += h + gap
    return rects


def fit_rect(size: tuple[int, int], within: pygame.Rect) -> pygame.Rect:
    """The largest rectangle of `size`'s aspect ratio centred in `within` (letterboxing)."""
    w, h = size
    if w <= 0 or h <= 0:
        return pygame.Rect(within.center, (0, 0))
    scale = min(within.width / w, within.height / h)
    fitted = pygame.Rect(0, 0, max(1, int(w * scale)), max(1, int(h * scale)))
    fitted.center = within.center
    return fitted


@dataclass(frozen=True)
class Box:
    name: str
    rect: pygame.Rect
    kind: str  # one of KINDS
    size: int | None = None  # font size, for text
    overlay: bool = False  # drawn over the screen on purpose (PIN, toast, paused badge)
    text: str = ""  # for text boxes: the text drawn (logical order, before any cut with '…')
    cut: bool = False  # for text boxes: it did not fit and was cut with '…'


@dataclass
class Layout:
    """Every box drawn in one frame, so tests (and people) can check what went where."""

    width: int
    height: int
    rtl: bool
    boxes: list[Box] = field(default_factory=list)

    def add(self, name: str, rect: pygame.Rect, kind: str, size: int | None = None,
            overlay: bool = False, text: str = "", cut: bool = False) -> Box:
        if kind not in KINDS:
            raise ValueError(f"unknown box kind {kind!r}")
        box = Box(name, pygame.Rect(rect), kind, size, overlay, text, cut)
        self.boxes.append(box)
        return box

    def __iter__(self):
        return iter(self.boxes)

    def __len__(self) -> int:
        return len(self.boxes)

    def get(self, name: str) -> Box:
        for box in self.boxes:
            if box.name == name:
                return box
        raise KeyError(name)

    def names(self) -> list[str]:
        return [b.name for b in self.boxes]

    def of_kind(self, kind: str) -> list[Box]:
        return [b for b in self.boxes if b.kind == kind]

    def starting(self, prefix: str) -> list[Box]:
        return [b for b in self.boxes if b.name.startswith(prefix)]
