"""Slides: one image after another, on the teacher's command or each after `seconds`."""

from __future__ import annotations

from cinema.core.events import Effect
from cinema.core.items.base import ItemHandler, Stopwatch, whole_seconds
from cinema.core.view import Body, Screen, SlideBody


class SlidesHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self.slide = 0
        self.slide_watch = Stopwatch(self.lesson)
        self.slide_watch.restart()
        if not self.item.slides:
            return self.lesson.fail("no slides")
        if self.item.unplayable:  # a slide the loader found cannot be shown: fail, do not show a hole
            return self.lesson.fail(self.item.unplayable)
        return []

    def _show(self, slide: int) -> list[Effect]:
        self.slide = slide
        self.slide_watch.restart()
        return []

    def next(self) -> list[Effect] | None:
        if self.slide + 1 < len(self.item.slides):
            return self._show(self.slide + 1)
        return None

    def back(self) -> list[Effect] | None:
        if self.slide > 0:
            return self._show(self.slide - 1)
        return None

    def tick(self) -> list[Effect]:
        left = self.seconds_left()
        if left is not None and left <= 0:
            stepped = self.next()
            return stepped if stepped is not None else self.lesson.finish("next")
        return []

    def seconds_left(self) -> float | None:
        if not self.item.seconds:
            return None
        return self.item.seconds - self.slide_watch.elapsed()

    def item_seconds_left(self) -> float | None:
        left = self.seconds_left()
        if left is None:
            return None
        return max(0.0, left) + (len(self.item.slides) - self.slide - 1) * (self.item.seconds or 0)

    def view(self) -> tuple[Screen, Body]:
        return Screen.SLIDES, SlideBody(str(self.item.slides[self.slide]), self.slide, len(self.item.slides),
                                        whole_seconds(self.seconds_left()))
