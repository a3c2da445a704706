"""The kiosk's main loop, one turn at a time: `step(now)` takes the window's and the devices'
events in order to the engine, commits the records, then plays, dims and draws what they say.

Everything it works with is handed in (clock, player, renderer, window, devices, dimmer, the phones'
hub), so a test or the screenshot script drives the same turns a real kiosk runs.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import select

import pygame

from cinema.core.events import (
    Command, Effect, Exit, MediaPosition, PauseMedia, PhoneReply, PlayMedia, PlaySound, PreloadMedia, Record,
    ReplyStatus, SavePin, SeekMedia, SetWork, ShowCaptions, StopMedia, TeacherCommand, Tick,
)
from cinema.core.library import ListAgain, Move, StartLesson
from cinema.core.messages import DISK_NOT_SAVED
from cinema.core.view import JoinInfo, Screen, View

log = logging.getLogger("cinema.kiosk")

RESUME_SAVE_EVERY = 2.0  # seconds between saves of the media position
KEY_SLICE_SECONDS = 0.04  # longest a key press waits to be seen when the kiosk is idle
IDLE_SLICE_SECONDS = 0.25  # headless: no keys to wait for, so the loop wakes for ticks only
# While VLC draws a video into the window itself (video: window) the loop has nothing to draw: it wakes four
# times a second for the laptop's keys (locked in a lesson; Escape is held 2 s to open it). A remote's press
# comes through the queue and wakes it at once. At 25 wakes a second the main thread took 0.3-0.5 % of a
# core, a tenth of what VLC takes to play a 720p lesson; at 4, 0.2 %.
VIDEO_SLICE_SECONDS = 0.25  # while a video plays and there is no X connection to sleep on (Wayland)
VIDEO_TICK_SECONDS = 1.0  # ticks then (the clock shows minutes; the position is saved every 2 s as ever)
MAX_EVENTS_PER_LOOP = 2000  # so a flood of presses cannot starve the screen
NEW_CODE_SECONDS = 2.0  # longest the join codes stay hidden while the hub makes a new lesson's code


class KioskLoop:
    def __init__(self, *, engine, recorder, events: queue.Queue, player, renderer, window, presenter, keyboard,
                 devices, dimmer, sounds=None, headless: bool = False, max_seconds: float | None = None,
                 save_pin=None, screens=None, hub=None) -> None:
        self.engine = engine
        self.recorder = recorder
        self.events = events
        self.player = player
        self.renderer = renderer
        self.window = window
        self.presenter = presenter
        self.keyboard = keyboard
        self.devices = devices
        self.dimmer = dimmer
        self.sounds = sounds
        self.save_pin = save_pin  # keeps a new PIN's hash (app/pin_store.py); None: nowhere to keep it
        self.headless = headless
        # cinema.app.presenter.Screens when the kiosk watches its monitors (then also `window`): the
        # teacher window beside the projector, made again when a projector comes or goes.
        self.screens = screens
        self.max_seconds = max_seconds  # safety stop for unattended runs (real seconds)
        # The phones' hub (cinema.hub.server.Hub) when the kiosk serves phones: it is handed the phones'
        # state after each turn that changed the view, and the engine's replies once their records are
        # on the disk; its JoinInfo goes on the projector. None: no phones.
        self.hub = hub
        # cinema.app.video_overlay.VideoOverlay when VLC draws into the window itself (video: window): the
        # status bar, prompts and notices are handed to VLC as a picture it lays over the video. None: drawn here.
        self.overlay = None
        self._join: JoinInfo | None = None  # the hub's JoinInfo last put on the view
        self._joined: tuple[View | None, bool, View | None] = (None, False, None)  # (view, presenting, shown)
        self.say_join = None  # called with each lesson's JoinInfo (a headless demo prints it: no projector)
        # A new lesson gets a new code from the hub, in the hub's thread: until it has it, the code from
        # before (which phones would be refused with) is not shown. (the code before, since when) or None.
        self._old_code: tuple[str | None, float] | None = None
        self._published_session = ""
        # The home screen's go-between (cinema.app.kiosk._Lessons), when the kiosk has one: it starts
        # the lessons the library chooses and takes every lesson's end back home.
        self.lessons = None
        self.started: float | None = None  # `now` of the first turn
        # Ticks come as often as the battery allows: the engine says so in SetWork effects.
        self.tick_seconds = engine.power.work.tick_seconds
        self.work = _work_of(engine)  # what the screen, ticks and camera were last told
        self.exit_code: int | None = None  # set when the kiosk should stop
        self.view: View | None = None  # what the screen shows now
        self.frame = None  # the live picture on it (video frame, webcam preview), if any
        self.dimmed = False
        self._carry: list = []  # an event taken off the queue while sleeping
        self._x_fd: int | None | bool = False  # the X server's connection while a video plays (False: not looked up)
        self._last_tick = float("-inf")
        self._last_save = float("-inf")

    # ---- one turn ---------------------------------------------------------------------------

    def step(self, now: float) -> bool:
        """One turn of the loop at monotonic time `now`; False once the kiosk should stop."""
        if self.started is None:
            self.started = now
        for ev in self.window.events():
            self._window_event(ev, now)
        if self.renderer.size != tuple(self.window.size):  # a new size whose event was missed
            self.resized()
        if self.screens is not None:
            change = self.screens.look(now)
            if change is not None:
                self.recorder.commit([change.record()])
                self.resized()
        for event in self.keyboard.poll(now, self.engine.pin is not None):
            self.events.put(event)
        if now - self._last_tick >= self._tick_every():
            self._last_tick = now
            self._tick()
        # Everything queued is handled, then its records are committed in one transaction
        # (a room of 200 answering at once is one fsync, not 200) before any effect is shown.
        handled, effects = self._drain()
        if effects and self.apply(effects) is not None:
            self.stop(0)
        if now - self._last_save >= RESUME_SAVE_EVERY:
            self._last_save = now
            self.recorder.save_resume()
        # The view is rebuilt only when an event came in (Ticks included, 4 a second):
        # an idle kiosk does next to nothing between them.
        changed = handled or self.view is None
        if changed:
            self.view = self.engine.view()
            self._publish(now)
        self.frame, serial = self._live_picture(self.view)
        shown = self._class_view(now)
        self.presenter.present(shown, self.frame, serial)
        if self.overlay is not None:  # video: window: what shows over the video goes to VLC
            self.overlay.show(shown, self.renderer, self.window.size)
        if self.screens is not None:
            self.screens.present_teacher(self.engine, self.view, changed, now)
        if self.max_seconds is not None and now - self.started > self.max_seconds:
            log.warning("stopping: --max-seconds reached")
            self.stop(2)
        return self.exit_code is None

    def _tick_every(self) -> float:
        """Seconds between ticks: as the battery allows, and no more than one a second while VLC draws a
        playing video itself (nothing on the screen counts seconds then; paused, the time bar does)."""
        view = self.view
        if self.overlay is not None and view is not None and view.screen is Screen.VIDEO and not view.paused \
                and self.frame is None:
            return max(self.tick_seconds, VIDEO_TICK_SECONDS)
        return self.tick_seconds

    def _publish(self, now: float) -> None:
        """The phones see the turn's change: the open question, the teacher's view (hub.publish is cheap and
        sends only what changed)."""
        if self.hub is None:
            return
        state = self.engine.phone_state(self.view)
        if state.session and state.session != self._published_session:
            before = self.hub.join_info()
            self._old_code = (before.code if before is not None else None, now)
        self._published_session = state.session
        self.hub.publish(state)

    def _class_view(self, now: float) -> View:
        """What the class window shows: the view (in presenter mode without the teacher's messages) with
        the hub's join codes. Made again only when the view, the join codes or the screens changed, so an
        idle turn hands the presenter the very same View (compared in no time)."""
        if self.hub is None:
            return self.view if self.screens is None else self.screens.class_view(self.view)
        join = self.hub.join_info()
        if self._old_code is not None and join is not None:
            if join.code == self._old_code[0] and now - self._old_code[1] < NEW_CODE_SECONDS:
                join = None  # the hub has not made the lesson's code yet (a turn or two)
            else:
                self._old_code = None
                if self.say_join is not None:
                    self.say_join(join)
        presenting = self.screens is not None and self.screens.presenting
        view, was_presenting, shown = self._joined
        if shown is None or view is not self.view or was_presenting != presenting or (
                join is not self._join and join != self._join):
            self._join = join
            shown = self.view if self.screens is None else self.screens.class_view(self.view)
            shown = dataclasses.replace(shown, join=join)
            self._joined = (self.view, presenting, shown)
        return shown

    def wait(self) -> None:
        """Until the next turn: while VLC draws a playing video, until something happens (a queued event,
        the X server's, the next tick: `_sleep_until_woken`); else until a device event (the queue wakes
        us at once) or a short slice for keys.

        pygame's event.wait() polls every millisecond (1.4 % of a core idle under X), so the loop
        blocks on its own queue instead: 40 ms slices keep keys instant and cost about 0.25 %.
        """
        video = self.view is not None and self.view.screen is Screen.VIDEO
        if video and self.frame is not None:
            pygame.time.wait(10)
            return
        if not self.events.empty():
            return
        if video and not self.headless and self._sleep_until_woken():
            return
        slice_ = IDLE_SLICE_SECONDS if self.headless else VIDEO_SLICE_SECONDS if video else KEY_SLICE_SECONDS
        try:
            self._carry.append(self.events.get(timeout=slice_))
        except queue.Empty:
            pass

    def _sleep_until_woken(self) -> bool:
        """While VLC draws the video: sleep until an event is queued, the X server has something for the
        window (a key, a resize) or the next tick is due; shorter while a key is being held or typed (the
        held Escape, a scanner's burst). False where there is nothing to sleep on (not X11, an event queue
        without a wake-up): the caller waits its slice."""
        wake = getattr(self.events, "fd", None)
        if wake is None:
            return False
        if self._x_fd is False:
            from cinema.app.wake_queue import x_connection_fd

            self._x_fd = x_connection_fd()
        if self._x_fd is None:
            return False
        busy = self.keyboard.busy() or self.engine.pin is not None
        timeout = KEY_SLICE_SECONDS if busy else VIDEO_TICK_SECONDS
        try:
            select.select([self._x_fd, wake], [], [], timeout)
        except (OSError, ValueError):  # the window went (a projector replugged): look again next time
            self._x_fd = False
            return False
        self.events.clear_wake()
        return True

    def stop(self, code: int) -> None:
        """End the loop after this turn (the end of the lesson, --max-seconds, SIGTERM)."""
        if self.exit_code is None:
            self.exit_code = code

    def close(self) -> None:
        """The last words, also after a crash: where the lesson was, and the screen's brightness
        put back (never leave the teacher's laptop dimmed)."""
        self.recorder.save_resume()
        result = self.dimmer.restore()
        if self.dimmed:
            self.dimmed = False
            self.recorder.commit([result.record()])

    # ---- inside a turn ------------------------------------------------------------------------

    def _window_event(self, ev, now: float) -> None:
        if ev.type == pygame.QUIT or (self.screens is not None and self.screens.closing(ev)):
            # Closing the window asks for the PIN like Escape; children cannot close the kiosk.
            self.events.put(TeacherCommand(Command.QUIT))
        elif ev.type == pygame.KEYDOWN:
            if ev.key in (pygame.K_UP, pygame.K_DOWN) and self._at_home() and self.engine.pin is None:
                self.events.put(Move(-1 if ev.key == pygame.K_UP else +1))
                return
            for event in self.keyboard.key(ev.key, getattr(ev, "unicode", ""), now, self.engine.pin is not None):
                self.events.put(event)
        elif ev.type == pygame.KEYUP:
            self.keyboard.release(ev.key)  # how long Escape was held
        elif self.window.resized(ev):
            self.resized()

    def _at_home(self) -> bool:
        return self.lessons is not None and self.engine is self.lessons.library

    def switch_to(self, owner) -> None:
        """The screen's owner changes (the library starts a lesson, a lesson ends): events, records
        and the view go to `owner` from now on."""
        self.engine = owner
        self.recorder.engine = owner
        self.view = None
        self.presenter.invalidate()
        if self.screens is not None:
            self.screens.invalidate_teacher()

    def follow_work(self) -> None:
        """The screen, ticks and camera as the owner's battery level says, when they were last told
        another: a lesson started on a charger after one that ended on a low battery."""
        work = _work_of(self.engine)
        if work != self.work:
            self._set_work(work)

    def resized(self) -> None:
        """A new window size (resized, or a projector replugged at another resolution): lay the
        screens out for it, have video decoded to fit it, and draw everything again."""
        self.renderer.resize(self.window.size)
        self._x_fd = False  # a new window may be another connection: looked up again
        if self.player is not None:
            self.player.set_frame_size(self.renderer.content_rect.size)
            handle = getattr(self.screens, "video_window", None) if self.screens is not None else None
            if handle and hasattr(self.player, "set_window"):
                self.player.set_window(handle)  # video: window draws into the class window, now a new one
        self.presenter.invalidate()
        log.info("window is now %dx%d", *self.window.size)

    def _tick(self) -> None:
        self.events.put(Tick())
        if self.player is not None and self.engine.state.media_token:
            self.events.put(MediaPosition(self.engine.state.media_token, self.player.position(),
                                          self.player.duration()))
        self.devices.simulate(self.engine.view())
        self.recorder.poll()  # records held after a full disk are tried again
        if self.recorder.news:
            self.apply([])

    def _drain(self) -> tuple[bool, list[Effect]]:
        handled = False
        effects: list[Effect] = []
        for _ in range(MAX_EVENTS_PER_LOOP):
            if self._carry:
                event = self._carry.pop(0)
            else:
                try:
                    event = self.events.get_nowait()
                except queue.Empty:
                    break
            handled = True
            effects += self.engine.handle(event)
        return handled, effects

    def _live_picture(self, view: View):
        """(picture, serial): the webcam's preview on the attendance and pairing screens, else the
        player's newest video frame; the serial goes up with each new picture."""
        if view.screen in (Screen.ATTENDANCE, Screen.PAIRING) and self.devices.camera is not None:
            return self.devices.camera_preview(pygame)
        if self.player is None:
            return None, 0
        serial = self.player.frame_serial()
        return self.player.frame(), serial

    # ---- effects ------------------------------------------------------------------------------

    def apply(self, effects: list[Effect]) -> str | None:
        """Records first (write-ahead), then everything the records make visible or audible;
        returns the reason when an effect ends the kiosk."""
        self.recorder.commit([e for e in effects if isinstance(e, Record)])
        # The engine hears at once when records stop (or start again) reaching the disk, so the
        # screen refuses new answers and scans instead of showing them accepted. Its own record of
        # the change may change it again (the last bit of room): a few rounds at most.
        for _ in range(4):
            news = self.recorder.take_news()
            if not news:
                break
            told = [fx for state in news for fx in self.engine.handle(state)]
            self.recorder.commit([e for e in told if isinstance(e, Record)])
            effects = effects + told
        exit_reason = None
        player = self.player
        # A phone is told "received" only for what is on the disk: with records held in memory (the disk
        # full) its answer is not, so it hears "not saved" and may try again.
        on_disk = not self.recorder.pending
        for effect in effects:
            if isinstance(effect, SetWork):
                self._set_work(effect)
            elif isinstance(effect, PlayMedia):
                player.play(effect.token, effect.path, effect.start_at, effect.subtitles)
            elif isinstance(effect, PreloadMedia):
                player.preload(effect.path)
            elif isinstance(effect, StopMedia):
                player.stop()
            elif isinstance(effect, PauseMedia):
                player.pause(effect.paused)
            elif isinstance(effect, SeekMedia):
                player.seek(effect.seconds)
            elif isinstance(effect, ShowCaptions):
                player.show_captions(effect.on)
            elif isinstance(effect, PlaySound):
                if self.sounds is not None:
                    self.sounds.play(effect.name)
            elif isinstance(effect, StartLesson) and self.lessons is not None:
                self.lessons.start(self, effect)
            elif isinstance(effect, ListAgain) and self.lessons is not None:
                self.lessons.list_again()
            elif isinstance(effect, PhoneReply):
                if self.hub is not None:
                    if effect.status is ReplyStatus.RECEIVED and not on_disk:
                        effect = dataclasses.replace(effect, status=ReplyStatus.NOT_SAVED, detail=DISK_NOT_SAVED)
                    self.hub.reply(effect)
            elif isinstance(effect, SavePin):
                if self.save_pin is not None:
                    self.save_pin(effect)
            elif isinstance(effect, Exit):
                if self.lessons is not None and self.lessons.ended(self, effect.reason):
                    continue  # the lesson is over, the kiosk is home again
                exit_reason = effect.reason
        return exit_reason

    def _set_work(self, work: SetWork) -> None:
        """The battery changed level: dim (or undim) the screen, tick and decode less (or as
        usual), and on a critical battery save where the lesson is at once."""
        self.work = dataclasses.replace(work, save_now=False)
        self.tick_seconds = work.tick_seconds
        self.devices.set_camera_rest(work.camera_rest)
        if work.brightness < 1.0:
            result = self.dimmer.dim(work.brightness)
            self.dimmed = self.dimmed or result.ok
        else:
            result = self.dimmer.restore()
            self.dimmed = self.dimmed and not result.ok
        if not result.ok:
            log.warning("screen brightness not changed: %s", result.detail)
        self.recorder.commit([result.record()])
        if work.save_now:
            self.recorder.save_resume()


def _work_of(engine) -> SetWork:
    """The SetWork the engine's battery level asks for."""
    work = engine.power.work
    return SetWork(work.brightness, work.tick_seconds, work.camera_rest)
