"""Putting Views on the kiosk's windows: the whole screen when anything on it changed, only the live
picture box (video, webcam) for a new frame on an unchanged screen, and PNGs of new screens. In
presenter mode (`Screens`) the class window on the projector and the teacher window on the laptop,
made again whenever the monitors change."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from cinema.core.messages import N_
from cinema.core.view import MediaBody, Screen, TitleBody, View

log = logging.getLogger("cinema.kiosk")


class Presenter:
    def __init__(self, renderer, window, screenshots: Path | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self.renderer = renderer
        self.window = window
        self.screenshots = screenshots  # --screenshots DIR: a PNG of each new screen
        self.wall = wall  # the status bar's clock
        self.last_view: View | None = None
        self.last_minute = -1
        self.last_serial = -1
        self.full_draws = 0
        self.frame_draws = 0
        self._shots = 0
        self._video_shot_due = False
        self._shot_scans = False
        self._first_logged = False
        self.shot_prefix = ""  # "class-" in presenter mode: the teacher window's PNGs sit beside them
        self.last_layout = None  # every box of the last full draw (tests: what the class was shown)

    def invalidate(self) -> None:
        """Draw everything on the next turn (the window was resized or replaced)."""
        self.last_view = None

    def present(self, view: View, frame, serial: int) -> None:
        now = self.wall()
        minute = int(now) // 60  # the status clock shows HH:MM: once a minute is enough
        last = self.last_view
        unchanged = (view == last or (last is not None and video_as_drawn(view) == video_as_drawn(last))) \
            and minute == self.last_minute
        if unchanged and serial == self.last_serial:
            return
        covered = view.pin is not None or view.paused or bool(view.toast) or view.power_advice is not None
        if unchanged and frame is not None and not covered:
            # A new frame on an unchanged screen: only the screen's live picture box is drawn.
            area = self.renderer.draw_frame(self.window.surface, frame)
            if area is not None:
                self.window.show(area)
                self.last_serial = serial
                self.frame_draws += 1
                return
        self.last_layout = self.renderer.draw(self.window.surface, view, frame, now=now)
        self.window.show()
        self.full_draws += 1
        if self.last_view is None and not self._first_logged:
            self._first_logged = True
            log.info("first frame drawn %.3f s after the process started", _since_process_start())
        self._save_shot(view, frame)
        self.last_view, self.last_minute, self.last_serial = view, minute, serial

    def _save_shot(self, view: View, frame) -> None:
        last = self.last_view
        new_screen = last is None or (view.screen, view.item_number) != (last.screen, last.item_number)
        scans_shot = (view.screen is Screen.ATTENDANCE and view.body.count == 3  # type: ignore[union-attr]
                      and frame is not None and not self._shot_scans)
        self._shot_scans = self._shot_scans or scans_shot  # once: the camera preview with cards being read
        if self.screenshots and (new_screen or scans_shot or (self._video_shot_due and frame is not None)):
            # A video screen is saved again once its first frame is drawn.
            self._video_shot_due = new_screen and view.screen is Screen.VIDEO and frame is None
            self.window.save(self.shot_path(f"{self.shot_prefix}{view.screen.value}"))

    def shot_path(self, name: str) -> Path:
        """The next numbered PNG in --screenshots DIR (one numbering for both windows)."""
        assert self.screenshots is not None
        self._shots += 1
        self.screenshots.mkdir(parents=True, exist_ok=True)
        return self.screenshots / f"{self._shots:03d}-{name}.png"


def video_as_drawn(view: View) -> View:
    """The view as the class window (and the picture over a video VLC draws, app/video_overlay.py) draws it: a playing video's position is drawn nowhere (only in
    the time bar, while paused or just after a seek), so its change every second redraws nothing."""
    body = view.body
    if view.screen is Screen.VIDEO and isinstance(body, MediaBody) and not (view.paused or body.seeking):
        return replace(view, body=replace(body, position=0.0))
    return view


WATCH_SECONDS = 2.0  # between looks at the monitors (one RandR round trip, ~0.4 ms)
TEACHER_REDRAW_SECONDS = 0.5  # the teacher window is drawn at most twice a second (the battery)
PRODUCT = N_("Learning Cinema")  # the class window's welcome while the teacher chooses a lesson


def welcome_view(view: View) -> View:
    """What the projector shows while the teacher window has the home screen: the kiosk's name in its
    language, nothing of the lesson list (the teacher is choosing)."""
    from cinema.locale import base_language, translator

    title = translator(base_language(view.language or "en")).gettext(PRODUCT)
    return View(Screen.TITLE, TitleBody(title), language=view.language, status=view.status)


class TeacherPresenter:
    """Draws the teacher window: the engine's TeacherView (cinema/display/teacher_screen.py), or at home
    the library's own View (the Renderer). Only when what it shows changed, and at most every
    TEACHER_REDRAW_SECONDS, except a key's echo (the PIN prompt, the marking list) which is drawn at once."""

    def __init__(self, window, teacher_renderer, home_renderer, numbering: Presenter | None,
                 wall: Callable[[], float] = time.time) -> None:
        self.window = window
        self.teacher_renderer = teacher_renderer
        self.home_renderer = home_renderer
        self.numbering = numbering  # the class window's Presenter (one numbering of PNGs for both); None: no PNGs
        self.wall = wall
        self.last = None
        self.last_minute = -1
        self.last_drawn = float("-inf")
        self.draws = 0
        self.last_layout = None

    def invalidate(self) -> None:
        self.last = None

    def present(self, shown, now: float) -> None:
        """`shown`: a TeacherView, or the home screen's View; `now` monotonic seconds."""
        wall = self.wall()
        minute = int(wall) // 60
        last = self.last
        if shown == last and minute == self.last_minute:
            return
        typed = last is not None and (getattr(shown, "pin", None) != getattr(last, "pin", None)
                                      or getattr(shown, "picker", None) != getattr(last, "picker", None))
        if last is not None and not typed and now - self.last_drawn < TEACHER_REDRAW_SECONDS:
            return  # drawn on a later turn
        surface = self.window.surface
        if isinstance(shown, View):
            self.last_layout = self.home_renderer.draw(surface, shown, None, now=wall)
        else:
            self.last_layout = self.teacher_renderer.draw(surface, shown, now=wall)
        self.window.show()
        self.draws += 1
        if self.numbering is not None and self.numbering.screenshots and _teacher_screen_changed(last, shown):
            self.window.save(self.numbering.shot_path("teacher"))
        self.last, self.last_minute, self.last_drawn = shown, minute, now


def as_drawn(view):
    """A TeacherView with its times as the teacher window writes them (the item's in whole seconds
    counting down, the lesson's in whole minutes), so a view that would be drawn the same compares
    equal and is not drawn again: the lesson's estimate changes at every tick, its minutes do not."""
    item, lesson = view.item_seconds_left, view.lesson_seconds_left
    return replace(view, item_seconds_left=None if item is None else float(math.ceil(item)),
                   lesson_seconds_left=None if lesson is None else 60.0 * math.ceil(lesson / 60))


def _teacher_screen_changed(last, shown) -> bool:
    if last is None or type(last) is not type(shown):
        return True
    if isinstance(shown, View):
        return (shown.screen, shown.item_number) != (last.screen, last.item_number)
    return (shown.class_screen, shown.now) != (last.class_screen, last.now)


class Screens:
    """The kiosk's windows, one or two, as the main loop and the class Presenter see them: the class
    window's surface, size, events and showing (the same calls as `Window`), the teacher window beside
    it in presenter mode, and a look at the monitors every WATCH_SECONDS that makes both again when a
    projector is plugged in, unplugged, mirrored or changes resolution."""

    def __init__(self, *, source, display, headless: bool, fullscreen: bool, size, language: str,
                 wall: Callable[[], float] = time.time, teacher_renderer_factory=None) -> None:
        self.source = source  # cinema.display.monitors: where the monitors are read
        self.display = display  # the config's display settings (index, teacher_screen, digits)
        self.headless = headless
        self.fullscreen = fullscreen
        self.requested_size = size  # --size / display.width, height: the single window at the start only
        self.language = language
        self.wall = wall
        self.teacher_renderer_factory = teacher_renderer_factory
        self.plan = None
        self.class_window = None
        self.teacher_window = None
        self.renderer = None  # the class window's Renderer (the loop and the player use it too)
        self.presenter: Presenter | None = None  # the class window's, set by the kiosk
        self.teacher: TeacherPresenter | None = None
        self.next_look = float("-inf")
        self.refused = None  # the plan whose windows could not be made (not tried again until the monitors change)
        self._teacher_shown = None

    # ---- the window interface the loop and the Presenter use (the class window) ----------------

    @property
    def surface(self):
        return self.class_window.surface

    @property
    def size(self) -> tuple[int, int]:
        return self.class_window.size

    def events(self) -> list:
        return self.class_window.events()

    def resized(self, event) -> bool:
        if self.teacher_window is not None and self.teacher_window.resized(event):
            if self.teacher is not None:
                self.teacher.invalidate()
            return False
        return self.class_window.resized(event)

    def show(self, area=None) -> None:
        self.class_window.show(area)

    def save(self, path) -> None:
        self.class_window.save(path)

    @property
    def presenting(self) -> bool:
        return self.teacher_window is not None

    def closing(self, event) -> bool:
        """Closing a window (either of the two) or the kiosk: the loop asks for the PIN."""
        import pygame

        if event.type == pygame.QUIT:
            return True
        return self.presenting and event.type == pygame.WINDOWCLOSE

    # ---- making the windows --------------------------------------------------------------------

    def open(self):
        """The windows for the monitors there are now; the start's DisplayChanged record."""
        from cinema.core.screen_plan import plan_screens

        monitors = self.source.read() if self._may_present() else None
        plan = plan_screens(monitors, teacher_screen=self.display.teacher_screen, display_index=self.display.display)
        return self._build(plan, "start")

    def look(self, now: float):
        """Every WATCH_SECONDS: the monitors read again; a change makes the windows again and
        returns its DisplayChanged record (None: nothing changed, or not time yet)."""
        from cinema.core.screen_plan import change_reason, plan_screens

        if now < self.next_look or not self._may_present():
            return None
        self.next_look = now + WATCH_SECONDS
        monitors = self.source.read()
        if monitors is None:
            return None  # not known this time: the windows stay as they are
        plan = plan_screens(monitors, teacher_screen=self.display.teacher_screen, display_index=self.display.display)
        reason = change_reason(self.plan, plan)
        if reason is None or plan == self.refused:
            return None
        log.info("monitors changed (%s): %s", reason, ", ".join(f"{m.name} {m.size}" for m in monitors))
        return self._build(plan, reason)

    def _may_present(self) -> bool:
        # Two windows only for a fullscreen kiosk (a --windowed run is one window on the desk) or
        # headless with monitors set by hand (tests).
        return self.display.teacher_screen != "off" and (self.fullscreen or self.headless)

    def _build(self, plan, reason: str):
        import pygame

        from cinema.core.screen_plan import SINGLE, ScreenPlan, display_record
        from cinema.display.window import (
            TEACHER_TITLE, WINDOW_TITLE, Window, close_display_window, open_on_monitor, open_window,
        )

        first = self.class_window is None
        old_plan, self.plan = self.plan, plan
        self.refused = None
        self._close_own()
        places = [plan.class_screen]  # where the one window may go, in order
        if plan.presenter:
            try:
                if isinstance(self.class_window, Window) or first:
                    close_display_window()
                self.class_window = open_on_monitor(WINDOW_TITLE, plan.class_screen, self.headless)
                self.teacher_window = open_on_monitor(TEACHER_TITLE, plan.teacher_screen, self.headless)
                self.teacher_window.focus()  # the laptop's keyboard types on the laptop's screen
            except pygame.error as exc:
                log.error("the two windows cannot be made (%s): one window", exc)
                self._close_own()
                # Not tried again every look: only once the monitors change.
                self.refused = plan
                places = [plan.class_screen, plan.teacher_screen]
                plan = self.plan = ScreenPlan(SINGLE, plan.class_screen, None, plan.screens, plan.mirrored)
                reason = "failed"
                self.class_window = None
        if not plan.presenter and not isinstance(self.class_window, Window):
            self.class_window = None
            for place in places if not first else ():
                if place is None or self.class_window is not None:
                    continue
                try:
                    self.class_window = open_on_monitor(WINDOW_TITLE, place, self.headless)
                    plan = self.plan = replace(plan, class_screen=place)
                except pygame.error as exc:
                    log.error("the class window cannot be made on %s (%s)", place.name, exc)
            if self.class_window is None:  # the start with one screen: the window as it always was
                self.class_window = Window(open_window(self.display.display, self.requested_size, self.fullscreen,
                                                       self.headless))
        self._renderers()
        if old_plan is not None:
            log.info("screens now: %s", plan.mode)
        record = display_record(plan, reason)
        # What was opened, which a size given by hand (--size) or the dummy driver may differ from.
        teacher_size = "%dx%d" % self.teacher_window.size if self.teacher_window is not None else ""
        return replace(record, class_size="%dx%d" % self.class_window.size, teacher_size=teacher_size)

    def _close_own(self) -> None:
        from cinema.display.window import MonitorWindow

        for name in ("teacher_window", "class_window"):
            window = getattr(self, name)
            if isinstance(window, MonitorWindow):
                window.close()
                setattr(self, name, None)
        self.teacher_window = None

    def _renderers(self) -> None:
        from cinema.display.renderer import Renderer

        digits = self.display.digits
        if self.renderer is None:
            self.renderer = Renderer(self.class_window.size, self.language, digits=digits)
        else:
            self.renderer.resize(self.class_window.size)
        if self.presenter is not None:
            self.presenter.shot_prefix = "class-" if self.presenting else ""
            self.presenter.invalidate()
        if self.teacher_window is None:
            self.teacher = None
            return
        size = self.teacher_window.size
        if self.teacher is None:
            factory = self.teacher_renderer_factory
            teacher_renderer = factory(size, self.language, digits) if factory is not None else None
            home = Renderer(size, self.language, digits=digits)
            self.teacher = TeacherPresenter(self.teacher_window, teacher_renderer, home, self.presenter, self.wall)
        else:
            self.teacher.window = self.teacher_window
            if self.teacher.teacher_renderer is not None:
                self.teacher.teacher_renderer.resize(size)
            self.teacher.home_renderer.resize(size)
            self.teacher.invalidate()

    # ---- drawing both ------------------------------------------------------------------------------

    def class_view(self, view: View) -> View:
        """What the projector may show: everything with one window; in presenter mode the lesson
        without the teacher's messages, and a welcome while the teacher window has the home screen."""
        from cinema.core.teacher import class_view

        if not self.presenting:
            return view
        if view.screen is Screen.LIBRARY:
            return welcome_view(view)
        return class_view(view)

    def present_teacher(self, engine, view: View, changed: bool, now: float) -> None:
        """The teacher window's turn: the engine's TeacherView (asked again only when an event came
        in), or at home (no TeacherView) the home screen's View itself."""
        if self.teacher is None:
            return
        if changed or self._teacher_shown is None:
            ask = getattr(engine, "teacher_view", None)
            teacher_view = ask(view=view) if ask is not None else None  # from this turn's view, not built again
            if teacher_view is None or self.teacher.teacher_renderer is None:
                self._teacher_shown = view
            else:
                self._teacher_shown = as_drawn(teacher_view)
        self.teacher.numbering = self.presenter
        self.teacher.present(self._teacher_shown, now)

    def invalidate_teacher(self) -> None:
        """The screen's owner changed (a lesson began or ended): ask for its teacher view again."""
        self._teacher_shown = None
        if self.teacher is not None:
            self.teacher.invalidate()

    @property
    def video_window(self) -> int:
        """The class window's native id (VLC's `video: window` draws into it); 0 when not known."""
        return int(getattr(self.class_window, "handle", 0) or 0)

    def close(self) -> None:
        self._close_own()
        self.source.close()


def _since_process_start() -> float:
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:
        return float("nan")
