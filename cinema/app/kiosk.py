"""The kiosk main loop: events in order to the engine, records committed before the screen shows them."""

from __future__ import annotations

import json
import logging
import os
import queue
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cinema.core.events import (
    CardsInView, ClickerPressed, Command, DeviceChanged, Effect, Exit, MediaFailed, MediaFinished, MediaPosition,
    PauseMedia, PlayMedia, PlaySound, PreloadMedia, Record, SeekMedia, StopMedia, TeacherCommand, Tick,
)
from cinema.core.session import Options, SessionEngine, replay_point
from cinema.core.view import ContentErrorBody, Screen, View
from cinema.journal import Journal, JournalError

log = logging.getLogger("cinema.kiosk")

RESUME_SAVE_EVERY = 2.0  # seconds between saves of the media position
TICK_SECONDS = 0.25  # timers, simulator and media position are looked at 4 times a second
KEY_SLICE_SECONDS = 0.04  # longest a key press waits to be seen when the kiosk is idle
MAX_EVENTS_PER_LOOP = 2000  # so a flood of presses cannot starve the screen


@dataclass
class RunOptions:
    config: Path
    playlist: Path | None = None
    journal: Path | None = None
    windowed: bool = False
    headless: bool = False
    simulate_class: int = 0
    speed: float = 1.0
    exit_at_end: bool = False
    resume: bool = False
    trace: bool = False
    screenshots: Path | None = None  # save a PNG whenever the screen changes (for looking at runs)
    max_seconds: float | None = None  # safety stop for unattended runs (real seconds)
    size: tuple[int, int] | None = None


class Kiosk:
    """One run of the kiosk. `run()` returns the process exit code."""

    def __init__(self, opts: RunOptions, out=sys.stdout) -> None:
        self.opts = opts
        self.out = out
        self.events: queue.Queue = queue.Queue()
        self._carry: list = []  # an event taken off the queue while sleeping
        self._sim_waiting: list = []  # simulated teacher commands held for one tick
        self.pending: list[Record] = []  # records not yet on disk (disk full): retried every tick
        self.journal_failed = ""
        self.first_frame_logged = False
        self.sounds = None
        self.power = None  # the battery monitor thread, once the session starts
        self.usb = None  # saves the records on a USB stick when one is plugged in
        from cinema.app.brightness import FakeDimmer, make_dimmer

        # Headless runs (tests, CI, demos) never touch the machine's real screen brightness.
        self.dimmer = FakeDimmer() if opts.headless else make_dimmer()

    # ---- loading --------------------------------------------------------

    def _load(self):
        from cinema.config import ConfigError, load_activities, load_kiosk_config, load_playlist

        from cinema.config.pairing import load_pairing

        try:
            config = load_kiosk_config(self.opts.config)
            activities = load_activities(config.activities_dir)
            playlist = load_playlist(self.opts.playlist or config.playlist, activities)
            self.pairing = load_pairing(config.devices.pairing) if config.devices.pairing else ({}, {})
        except ConfigError as exc:
            return None, None, [str(p) for p in exc.problems]
        return config, playlist, []

    # ---- run ------------------------------------------------------------

    def run(self) -> int:
        if self.opts.headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ["SDL_AUDIODRIVER"] = "dummy"
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        config, playlist, problems = self._load()
        if problems:
            for line in problems:
                print(line, file=sys.stderr)
            if self.opts.headless or self.opts.exit_at_end:
                return 1
            return self._show_problems(problems)
        from cinema.app.clocks import SpeedClock, SystemClock

        self.clock = SpeedClock(self.opts.speed) if self.opts.speed != 1.0 else SystemClock()
        journal_path = self.opts.journal or config.journal
        try:
            self.journal = Journal(journal_path, config.kiosk_id)
        except JournalError as exc:
            print(f"cannot open the journal: {exc}", file=sys.stderr)
            return 1
        roster = self._roster(config)
        self.sim = None
        self.sim_receiver = None
        self.receivers = None
        self.keypads = None
        self.scanners: list = []
        self.camera = None
        self.sim_camera = None
        if self.opts.simulate_class:
            from cinema.devices.simulated_class import SimulatedClass, demo_roster

            roster = demo_roster(self.opts.simulate_class)  # its own demo key: no key file needed
            self.sim = SimulatedClass(roster, self.clock, teacher=self.opts.headless)
        options = Options(failure_notice_seconds=config.failure_notice_seconds, teacher_pin=config.teacher_pin,
                          exit_at_end=self.opts.exit_at_end,
                          expected_handsets=self.opts.simulate_class or None,
                          teacher_clickers=frozenset(config.devices.teacher_clickers),
                          power_warn_percent=config.power.warn_percent,
                          power_critical_percent=config.power.critical_percent)
        self.engine = SessionEngine(playlist, self.clock, options, roster)
        self.engine.handsets.learner_by_clicker.update(self.pairing[0])
        self.engine.handsets.team_by_learner.update(self.pairing[1])
        try:
            return self._main(config)
        finally:
            self.journal.close()

    def _roster(self, config):
        """The class list and the programme's card keys; without keys every card is refused (said once)."""
        from datetime import date

        from cinema.cards.keys import load_keys
        from cinema.cards.roster_csv import load_roster_csv
        from cinema.config import ConfigError
        from cinema.core.roster import Roster

        learners = ()
        if config.roster is not None:
            try:
                learners = tuple(load_roster_csv(config.roster))
            except ConfigError as exc:
                for problem in exc.problems:
                    print(str(problem), file=sys.stderr)
                log.error("roster not loaded: %d problem(s)", len(exc.problems))
        try:
            keys = load_keys(config.cards.keys, date.today())
        except (OSError, ValueError, ConfigError) as exc:
            keys = ()
            if config.roster is not None:
                print(f"cards cannot be checked: {exc}", file=sys.stderr)
                log.error("card keys not loaded: %s", exc)
        return Roster(config.cards.program, keys, learners)

    def _begin(self) -> None:
        """Start a new session, or resume / offer to resume the unfinished one."""
        unfinished = self.journal.unfinished_session()
        if unfinished is not None:
            point = replay_point(unfinished, ((r.kind, r.payload) for r in self.journal.records(unfinished)))
            saved = self.journal.resume_position(unfinished)
            if saved is not None and saved[0] == point.item_index:
                point = type(point)(point.session_id, point.item_index, saved[1], point.attendance, point.answers)
            if self.opts.resume:
                self._apply(self.engine.resume(point))
                return
            if not self.opts.headless:
                self._apply(self.engine.offer_resume(point))
                return
            self._commit_records([Record("session.abandoned", {"session": unfinished, "index": point.item_index})])
        self._apply(self.engine.start())

    def _main(self, config) -> int:
        import pygame

        from cinema.display.renderer import Renderer
        from cinema.display.window import open_window

        pygame.display.init()
        pygame.font.init()
        size = self.opts.size or ((config.display.width, config.display.height) if config.display.width else None)
        fullscreen = config.display.fullscreen and not (self.opts.windowed or self.opts.headless)
        surface = open_window(config.display.display, size, fullscreen, self.opts.headless)
        self.renderer = Renderer(surface.get_size(), self.engine.playlist.language)
        self.player = self._make_player(config.display.video, pygame)
        from cinema.app.keys import KeyboardInput

        self.keyboard = KeyboardInput()
        from cinema.app.sounds import Sounds

        self.sounds = Sounds()
        self._begin()
        self.receivers = self._start_receivers(config)
        self.power = self._start_power(config)
        self.usb = self._start_usb_export(config, self.journal.path, self.engine.roster)
        self.keypads = self._start_keypads(config)
        self.scanners = self._start_scanners(config)
        last_view: View | None = None
        last_second = -1
        last_tick = 0.0
        last_save = 0.0
        last_frame_serial = -1
        shots = 0
        video_shot_due = False
        shot_scans = False
        start = time.monotonic()
        code = 0
        running = True
        while running:
            now = time.monotonic()
            for ev in pygame.event.get():
                running = self._pygame_event(ev, pygame) and running
            for event in self.keyboard.poll(now, self.engine.pin is not None):
                self.events.put(event)
                if ev.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                    surface = pygame.display.get_surface()
                    self.renderer = Renderer(surface.get_size(), self.engine.playlist.language)
                    if hasattr(self.player, "set_frame_size"):
                        self.player.set_frame_size(self.renderer.content_rect.size)
                    last_view = None
            if now - last_tick >= self.engine.power.work.tick_seconds:
                last_tick = now
                self.events.put(Tick())
                if self.player is not None and self.engine.state.media_token:
                    self.events.put(MediaPosition(self.engine.state.media_token, self.player.position(),
                                                  self.player.duration()))
                if self.sim is not None:
                    self._simulate()
                if self.pending:
                    self._commit_records([])
            # Everything queued is handled, then its records are committed in one transaction
            # (a room of 200 answering at once is one fsync, not 200) before any effect is shown.
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
            if effects and self._apply(effects) is not None:
                running = False
                code = 0
            if now - last_save >= RESUME_SAVE_EVERY:
                last_save = now
                self._save_resume()
            # The view is rebuilt only when an event came in (Ticks included, 4 a second):
            # an idle kiosk does next to nothing between them.
            view = self.engine.view() if handled or last_view is None else last_view
            second = int(time.time()) // 60  # the status clock shows HH:MM: once a minute is enough
            if view.screen in (Screen.ATTENDANCE, Screen.PAIRING) and self.camera is not None:
                frame, serial = self._camera_preview(pygame)
            else:
                frame = self.player.frame() if self.player is not None else None
                serial = self.player.frame_serial() if self.player is not None and hasattr(self.player, "frame_serial") else 0
            only_frame = (view == last_view and second == last_second and serial != last_frame_serial
                          and frame is not None and view.pin is None and not view.paused and not view.toast
                          and view.power_advice is None)
            if only_frame:
                # A new video frame on an unchanged screen: blit and update just the video area.
                pygame.display.update(self.renderer.draw_frame(surface, frame))
                last_frame_serial = serial
            elif view != last_view or second != last_second or serial != last_frame_serial:
                self.renderer.draw(surface, view, frame)
                pygame.display.flip()
                if last_view is None and not self.first_frame_logged:
                    self.first_frame_logged = True
                    log.info("first frame drawn %.3f s after the process started", _since_process_start())
                new_screen = last_view is None or (view.screen, view.item_number) != (last_view.screen,
                                                                                      last_view.item_number)
                scans_shot = (view.screen is Screen.ATTENDANCE and view.body.count == 3  # type: ignore[union-attr]
                              and frame is not None and not shot_scans)
                shot_scans = shot_scans or scans_shot  # once: the camera preview with cards being read
                if self.opts.screenshots and (new_screen or scans_shot or (video_shot_due and frame is not None)):
                    # A video screen is saved again once its first frame is drawn.
                    video_shot_due = new_screen and view.screen is Screen.VIDEO and frame is None
                    shots += 1
                    self.opts.screenshots.mkdir(parents=True, exist_ok=True)
                    pygame.image.save(surface, str(self.opts.screenshots / f"{shots:03d}-{view.screen.value}.png"))
                last_view, last_second, last_frame_serial = view, second, serial
            if self.opts.max_seconds is not None and now - start > self.opts.max_seconds:
                log.warning("stopping: --max-seconds reached")
                code = 2
                break
            playing_video = view.screen is Screen.VIDEO and frame is not None
            if playing_video:
                pygame.time.wait(10)
            elif self.events.empty():
                self._sleep()
        self._save_resume()
        self.dimmer.restore()  # never leave the teacher's laptop dimmed
        if self.receivers is not None:
            self.receivers.stop()
        if self.power is not None:
            self.power.stop()
        if self.usb is not None:
            self.usb.stop()
        if self.keypads is not None:
            self.keypads.stop()
        for scanner in self.scanners:
            scanner.stop()
        if self.sim_camera is not None:
            self.sim_camera.close()
        if self.sim_receiver is not None:
            self.sim_receiver.close()
        if self.player is not None:
            self.player.close()
        pygame.quit()
        return code

    def _camera_preview(self, pygame):
        """The webcam's newest small frame with each code it read outlined, and its number."""
        preview = self.camera.preview()
        if preview is None:
            return None, 0
        if preview.frame != getattr(self, "_preview_number", None):
            surface = pygame.image.frombuffer(preview.rgb, (preview.width, preview.height), "RGB").copy()
            for code in preview.codes:
                pygame.draw.polygon(surface, (0, 200, 120), code.corners, 3)
            self._preview_surface, self._preview_number = surface, preview.frame
        return self._preview_surface, preview.frame

    def _start_scanners(self, config) -> list:
        """The webcam (cards for attendance, and turned cards as answers) and serial card scanners."""
        scanners: list = []
        camera = str(config.devices.camera) if config.devices.camera is not None else None
        if camera is None and self.sim is not None:
            # The simulated class walks past a pretend webcam: the real camera path reads them.
            from cinema.devices.simulated_camera import URL, SimulatedCamera

            roster = self.engine.roster
            self.sim_camera = SimulatedCamera(roster.program, roster.keys[0],
                                              [learner.learner_id for learner in roster.learners])
            self.sim.cards_by_camera = self.sim_camera.start
            camera = URL
        if camera is not None:
            from cinema.devices.cards.answer_card import answer_for
            from cinema.devices.cards.camera import CameraScanner

            def seen(found) -> None:
                self.events.put(CardsInView(tuple((f.text, answer_for(f.orientation_degrees)) for f in found)))

            self.camera = CameraScanner(camera, self.events.put, on_found=seen)
            scanners.append(self.camera)
        for url in config.devices.scanners:
            from cinema.devices.cards.serial_scanner import SerialScanner

            scanners.append(SerialScanner(url, self.events.put))
        for scanner in scanners:
            scanner.start()
        return scanners

    def _start_keypads(self, config):
        """USB keypads and presenter remotes named in the config (they need evdev)."""
        from cinema.devices.clickers.hid import mapper_from_config
        from cinema.devices.clickers.hid_reader import HidReader, HidUnavailable

        mapper = mapper_from_config(config.devices.keypads, config.devices.presenters)
        if mapper is None:
            return None
        reader = HidReader(mapper, self.events.put)
        try:
            reader.start()
        except HidUnavailable as exc:
            log.error("keypads: %s", exc)
            print(f"keypads: {exc}", file=sys.stderr)
            self.events.put(DeviceChanged("keypads", False, str(exc)))
            return None
        return reader

    def _start_usb_export(self, config, journal_path, roster):
        """Watch for the teacher's USB stick; bundles are signed with the programme's card key."""
        if config.devices.usb_stick is None:
            return None
        from cinema.app.usb_export import UsbExporter

        keys = roster.keys if roster is not None else ()
        return UsbExporter(config.devices.usb_stick, Path(journal_path), keys, self.events.put).start()

    def _start_power(self, config):
        """The battery source the config names, read in its own thread (a slow UPS cannot freeze the screen)."""
        from cinema.app.clocks import SystemClock
        from cinema.devices.power import NoPowerSource, PowerMonitor, PowerSettingsError, open_power_source

        # A real device's readings age in real seconds, whatever --speed the session runs at.
        clock = self.clock if config.power.source == "simulated" else SystemClock()
        try:
            source = open_power_source(config.power, clock, on_change=self.events.put)
        except PowerSettingsError as exc:
            log.warning("battery: %s", exc)
            source = NoPowerSource()
        return PowerMonitor(source, self.events.put, every=config.power.read_every).start()

    def _start_receivers(self, config):
        """Clicker receivers: the configured (or found) ones on a real screen, the simulated class's."""
        from cinema.devices.clickers.manager import PortManager, specs_from_config

        # Headless runs (tests, demos) read only receivers named in the config, never go looking.
        wanted = not self.opts.headless or config.devices.clickers
        specs = specs_from_config(config.devices.clickers) if wanted else []
        self.sim_receiver = None
        if self.sim is not None:
            from cinema.devices.simulated_receiver import SimulatedReceiver

            self.sim_receiver = SimulatedReceiver()
            specs.append(self.sim_receiver.spec)
        if not specs:
            return None
        try:
            manager = PortManager(specs, self.events.put)
            manager.start()
            return manager
        except ValueError as exc:
            log.error("clicker receivers: %s", exc)
            print(f"clicker receivers: {exc}", file=sys.stderr)
            return None

    def _simulate(self) -> None:
        """The simulated class's next events. Presses travel through the receiver thread, so the
        simulated teacher's commands wait one tick: the room's answers are in before a close."""
        for e in self._sim_waiting:
            self.events.put(e)
        self._sim_waiting = []
        events = self.sim.step(self.engine.view())
        pressed = False
        for e in events:
            if isinstance(e, ClickerPressed) and self.sim_receiver is not None:
                self.sim_receiver.press(e.clicker, e.key)  # through bytes and parser
                pressed = True
        for e in events:
            if isinstance(e, ClickerPressed) and self.sim_receiver is not None:
                continue
            if pressed and isinstance(e, TeacherCommand):
                self._sim_waiting.append(e)
            else:
                self.events.put(e)

    def _sleep(self) -> None:
        """Sleep until a device event (the queue wakes us at once) or a short slice for keys.

        pygame's event.wait() polls every millisecond (1.4 % of a core idle under X), so the loop
        blocks on its own queue instead: 40 ms slices keep keys instant and cost about 0.25 %.
        """
        slice_s = TICK_SECONDS if self.opts.headless else KEY_SLICE_SECONDS  # no keys when headless
        try:
            self._carry.append(self.events.get(timeout=slice_s))
        except queue.Empty:
            pass

    # ---- input --------------------------------------------------------------

    def _pygame_event(self, ev, pygame) -> bool:
        if ev.type == pygame.QUIT:
            # Closing the window asks for the PIN like Escape; children cannot close the kiosk.
            self.events.put(TeacherCommand(Command.QUIT))
        elif ev.type == pygame.KEYDOWN:
            for event in self.keyboard.key(ev.key, getattr(ev, "unicode", ""), time.monotonic(),
                                           self.engine.pin is not None):
                self.events.put(event)
        return True

    # ---- effects ------------------------------------------------------------

    def _apply(self, effects: list[Effect]) -> str | None:
        """Records first (write-ahead), then everything the records make visible or audible."""
        records = [e for e in effects if isinstance(e, Record)]
        self._commit_records(records)
        for record in records:
            if record.kind == "power.action":
                self._power_action(record.payload["action"])
        exit_reason = None
        for effect in effects:
            if isinstance(effect, PlayMedia):
                if self.player is not None:
                    self.player.play(effect.token, effect.path, effect.start_at, effect.subtitles)
            elif isinstance(effect, PreloadMedia):
                if self.player is not None:
                    self.player.preload(effect.path)
            elif isinstance(effect, StopMedia):
                if self.player is not None:
                    self.player.stop()
            elif isinstance(effect, PauseMedia):
                if self.player is not None:
                    self.player.pause(effect.paused)
            elif isinstance(effect, SeekMedia):
                if self.player is not None:
                    self.player.seek(effect.seconds)
            elif isinstance(effect, PlaySound):
                if self.sounds is not None:
                    self.sounds.play(effect.name)
            elif isinstance(effect, Exit):
                exit_reason = effect.reason
        return exit_reason

    def _power_action(self, action: str) -> None:
        """Dim on a warning or a stop, undim when power is back; a stop also saves the position at once."""
        if action in ("warn", "stop", "restore"):
            rest = self.engine.power.work.camera_rest
            for scanner in self.scanners:  # the webcam decodes fewer pictures on a low battery
                if hasattr(scanner, "rest_between"):
                    scanner.rest_between = rest
        if action in ("warn", "stop"):
            result = self.dimmer.dim(self.engine.power.work.brightness)
        elif action == "restore":
            result = self.dimmer.restore()
        else:
            return
        if not result.ok:
            log.warning("screen brightness not changed: %s", result.detail)
        self._commit_records([result.record()])
        if action == "stop":
            self._save_resume()

    def _commit_records(self, records: list[Record]) -> None:
        batch = self.pending + records
        if not batch:
            return
        try:
            stored = self.journal.append(self.engine.session_id, batch, self.clock.wall(), self.clock.monotonic())
        except JournalError as exc:
            # Keep them in memory and try again: losing a record is worse than a warning.
            self.pending = batch
            if str(exc) != self.journal_failed:
                self.journal_failed = str(exc)
                log.error("journal write failed, %d records held in memory: %s", len(batch), exc)
                print(f"journal: {exc}", file=sys.stderr)
            return
        self.pending = []
        self.journal_failed = ""
        if self.opts.trace:
            for rec in stored:
                self.out.write(json.dumps({"id": rec.id, "seq": rec.seq, "kind": rec.kind}) + "\n")
            self.out.flush()

    def _save_resume(self) -> None:
        if self.engine.index < 0:
            return
        index, position = self.engine.resume_state()
        try:
            self.journal.save_resume(self.engine.session_id, index, position, self.clock.monotonic())
        except JournalError:
            pass  # the records are what matter; the position is a convenience

    # ---- media ---------------------------------------------------------------

    def _make_player(self, video: str, pygame):
        from cinema.media.factory import MediaUnavailable, make_player

        if video == "window" and not self.opts.headless:
            window_id = pygame.display.get_wm_info().get("window")
            if window_id:
                try:
                    return make_player("window", on_finished=lambda t: self.events.put(MediaFinished(t)),
                                       on_failed=lambda t, r: self.events.put(MediaFailed(t, r)),
                                       rate=self.opts.speed, window_id=window_id)
                except (MediaUnavailable, ValueError) as exc:
                    log.warning("window video output not available (%s); drawing frames instead", exc)
        # Frames mode: VLC decodes into a buffer the size of the video area and we blit it, so
        # the status bar and overlays stay on top and headless runs still show the video.
        rect = self.renderer.content_rect
        try:
            return make_player("frames", on_finished=lambda t: self.events.put(MediaFinished(t)),
                               on_failed=lambda t, r: self.events.put(MediaFailed(t, r)),
                               rate=self.opts.speed, frame_size=(rect.width, rect.height),
                               audio=not self.opts.headless)
        except MediaUnavailable as exc:
            log.error("no media player: %s", exc)
            print(str(exc), file=sys.stderr)
            return _NoPlayer(self.events)

    # ---- content errors --------------------------------------------------------

    def _show_problems(self, problems: list[str]) -> int:
        """Broken content: a readable screen for the teacher instead of a crash; Escape leaves."""
        import pygame

        from cinema.display.renderer import Renderer
        from cinema.display.window import open_window

        pygame.display.init()
        pygame.font.init()
        surface = open_window(0, self.opts.size, not self.opts.windowed, False)
        renderer = Renderer(surface.get_size(), "en")
        view = View(Screen.CONTENT_ERROR, ContentErrorBody(tuple(problems)))
        renderer.draw(surface, view, None)
        pygame.display.flip()
        if self.opts.screenshots:
            self.opts.screenshots.mkdir(parents=True, exist_ok=True)
            pygame.image.save(surface, str(self.opts.screenshots / "001-content_error.png"))
        start = time.monotonic()
        while self.opts.max_seconds is None or time.monotonic() - start < self.opts.max_seconds:
            for ev in pygame.event.get():
                if ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE:
                    pygame.quit()
                    return 1
            pygame.time.wait(100)
        pygame.quit()
        return 1


def _since_process_start() -> float:
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:
        return float("nan")




class _NoPlayer:
    """Stands in when VLC is missing: every media item fails with a clear reason."""

    def __init__(self, events: queue.Queue) -> None:
        self.events = events

    def play(self, token, path, start_at=0.0, subtitles=None):
        self.events.put(MediaFailed(token, "VLC is not installed"))

    def preload(self, path):
        pass

    def pause(self, paused):
        pass

    def seek(self, seconds):
        pass

    def stop(self):
        pass

    def position(self):
        return 0.0

    def duration(self):
        return None

    def frame(self):
        return None

    def close(self):
        pass
