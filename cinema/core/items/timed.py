"""Title, break and closing: a screen that holds for `seconds` (or until the teacher goes on)."""

from __future__ import annotations

from cinema.core.events import Effect, PlaySound
from cinema.core.items.base import ItemHandler, whole_seconds
from cinema.core.view import Body, BreakBody, ClosingBody, Screen, TitleBody


class TimedHandler(ItemHandler):
    def seconds_left(self) -> float | None:
        if not self.item.seconds:
            return None
        return self.item.seconds - self.watch.elapsed()

    def tick(self) -> list[Effect]:
        left = self.seconds_left()
        if left is not None and left <= 0:
            return self.done()
        return []

    def done(self) -> list[Effect]:
        return self.lesson.finish()


class TitleHandler(TimedHandler):
    def view(self) -> tuple[Screen, Body]:
        return Screen.TITLE, TitleBody(self.item.title or self.lesson.playlist.title, self.item.subtitle)


class BreakHandler(TimedHandler):
    def done(self) -> list[Effect]:
        return [PlaySound("timer_done")] + self.lesson.finish()

    def view(self) -> tuple[Screen, Body]:
        return Screen.BREAK, BreakBody(self.item.title, float(whole_seconds(self.seconds_left()) or 0),
                                       self.item.seconds or 0.0)


class ClosingHandler(ItemHandler):
    def view(self) -> tuple[Screen, Body]:
        return Screen.CLOSING, ClosingBody(self.item.title or self.lesson.playlist.title,
                                           len(self.lesson.attendance), self.lesson.answers, self.item.subtitle)
