"""One run of the kiosk: config, journal, engine, window, player and devices opened in order, each
released in `finally` (also when the loop raises or SIGTERM comes), and the main loop driven."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import queue
import signal
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from cinema.app.wake_queue import WakingQueue
from cinema.core.events import JournalHealth, JournalState, MediaFailed, MediaFinished, Record
from cinema.core.messages import N_
from cinema.core.power import PowerPolicy
from cinema.core.records import SessionAbandoned, resume_point
from cinema.core.session import Options, SessionEngine
from cinema.core.view import ContentErrorBody, Screen, View
from cinema.energy_file import kiosk_rates
from cinema.journal import Journal, JournalError
from cinema.journal.store import read_kiosk_id, read_last_seq, set_aside

log = logging.getLogger("cinema.kiosk")
MENU_LANGUAGE_KEY = "menu_language"  # the journal's meta: the menus' language the teacher chose last


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
    training: bool = False  # `cinema demo`: may keep the shipped PIN even fullscreen
    # The home screen (the lesson library); None: when neither --playlist, --exit-at-end nor --headless is given.
    # With the home screen and a `playlist`, that lesson is the one chosen first on the list.
    library: bool | None = None
    language: str | None = None  # the menus' language instead of the config's (`cinema demo --language`)
    # `--hub [HOST:]PORT`: serve phones there (cinema/hub), whatever the config's hub: section says; None: as it says.
    hub: tuple[str, int] | None = None
    say_join: bool = False  # print each lesson's join address too (a headless demo: no projector shows it)

    @property
    def home(self) -> bool:
        if self.library is not None:
            return self.library
        return self.playlist is None and not self.exit_at_end and not self.headless


class StartError(Exception):
    """The kiosk cannot start (a journal it cannot open, broken content); one line for the teacher.
    `teacher`: a message id to show on the screen too (in the kiosk's language), when there is one."""

    def __init__(self, message: str, teacher: str = "") -> None:
        super().__init__(message)
        self.teacher = teacher


# Said on the screen when the journal cannot be opened at the start (the disk is full, or another reason).
JOURNAL_NO_ROOM = N_("The journal cannot be saved: the disk is full. Free some space (delete old videos or "
                     "exports), then start the kiosk again.")
JOURNAL_CANNOT_OPEN = N_("The journal cannot be opened. Run `cinema doctor` to see why.")


class Kiosk:
    """One run of the kiosk. `run()` returns the process exit code."""

    def __init__(self, opts: RunOptions, out=sys.stdout, *, dimmer=None, player=None, clock=None,
                 wall=time.time) -> None:
        """`dimmer`, `player` and `clock` replace the real ones (tests, the screenshot script);
        `wall` is what the status bar's clock reads."""
        self.opts = opts
        self.out = out
        self.events: queue.Queue = WakingQueue()  # its puts also wake a loop sleeping while VLC draws a video
        self.player = player
        self.clock = clock
        self.wall = wall
        self.loop = None  # the main loop, once everything is open
        self.hub = None  # the phones' hub (cinema.hub.server.Hub), when it serves
        # Phones linked to a child by the code on the child's card (device -> learner id): every lesson of the
        # run and the home screen share it, as they share the handsets' pairing.
        self.phones: dict[str, str] = {}
        self._hub_check = None  # the teacher phone's PIN check now (a PIN chosen mid-run replaces it)
        self.sounds = None  # the kiosk's sounds, once it opens (questions read aloud are added to them)
        self.monitors = None  # where the monitors are read (tests: cinema.display.monitors.FixedMonitors)
        self.set_aside: Path | None = None  # where a damaged journal was moved at the start
        self.spilled: Path | None = None  # records the full disk kept out of the journal, written here
        self.problems: list = []  # what is wrong with the content, when it cannot be loaded
        self.problem_language = "en"  # the teacher's language for them, if the kiosk config loaded
        from cinema.app.brightness import FakeDimmer, make_dimmer

        # Headless runs (tests, CI, demos) never touch the machine's real screen brightness.
        self.dimmer = dimmer or (FakeDimmer() if opts.headless else make_dimmer())

    # ---- loading --------------------------------------------------------

    def _load(self):
        from cinema.config import ConfigError, load_activities, load_kiosk_config, load_playlist

        from cinema.config.pairing import load_pairing

        config = None
        try:
            config = load_kiosk_config(self.opts.config)
            if self.opts.language:
                config = dataclasses.replace(config, language=self.opts.language)
            if self.opts.home and self.opts.playlist:  # listed first on the home screen, not started
                config = dataclasses.replace(config, playlist=Path(self.opts.playlist))
            activities = load_activities(config.activities_dir, media_dirs=config.media_dirs)
            self.activities = activities
            # The home screen lists the lessons itself: one broken lesson is marked there, not a stop.
            playlist = None if self.opts.home else load_playlist(self.opts.playlist or config.playlist, activities,
                                                                 media_dirs=config.media_dirs)
            self.pairing = load_pairing(config.devices.pairing) if config.devices.pairing else ({}, {})
        except ConfigError as exc:
            self.problems = exc.problems
            # The kiosk config may have loaded: the screen then speaks the teacher's language.
            self.problem_language = config.language if config is not None else _raw_language(self.opts.config)
            self.problem_config = config
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
        try:
            with self._sigterm_stops(), self.open(config, playlist) as loop:
                while loop.step(time.monotonic()):
                    loop.wait()
                code = loop.exit_code
        except StartError as exc:
            print(str(exc), file=sys.stderr)
            if exc.teacher and not (self.opts.headless or self.opts.exit_at_end):
                from cinema.locale import translator

                # The teacher is looking at the screen, not at stderr: say it there, in their language.
                self.problem_language = config.language
                self.problem_config = config
                return self._show_problems([translator(config.language).gettext(exc.teacher), str(exc)])
            return 1
        if self.spilled is not None and not code:
            return 1  # records are outside the journal (said on stderr): not a clean end
        return code

    @contextmanager
    def opened(self) -> Iterator:
        """Load the config and open everything, for a caller that drives the loop itself
        (tests, the screenshot script); raises StartError on broken content."""
        config, playlist, problems = self._load()
        if problems:
            raise StartError("; ".join(problems))
        with self.open(config, playlist) as loop:
            yield loop

    @contextmanager
    def open(self, config, playlist) -> Iterator:
        """Everything a lesson needs, each piece released on the way out in reverse order, whatever
        happens in between: devices stopped, brightness restored, player and window closed, journal
        closed last (the brightness record still goes in)."""
        import pygame

        from cinema.app.clocks import SpeedClock, SystemClock
        from cinema.app.devices import Devices
        from cinema.app.keys import KeyboardInput
        from cinema.app.loop import KioskLoop
        from cinema.app.presenter import Presenter
        from cinema.app.recorder import Recorder
        from cinema.app.sounds import Sounds
        from cinema.app.presenter import Screens
        from cinema.display.monitors import monitor_source

        if self.clock is None:
            self.clock = SpeedClock(self.opts.speed) if self.opts.speed != 1.0 else SystemClock()
        with ExitStack() as stack:
            self.journal = self._open_journal(Path(self.opts.journal or config.journal), config.kiosk_id)
            stack.callback(lambda: self.journal.close())  # the one open at the end (a damaged one may be replaced)
            stack.callback(self._finish_journal)  # before the journal closes: nothing held is dropped
            self.sounds = Sounds()
            self.engine = self._library(config) if playlist is None else self._engine(config, playlist)
            hub = self._open_hub(config, stack)  # before the window: a port in use stops the start here
            stack.callback(_quit_pygame)
            pygame.display.init()
            pygame.font.init()
            size = self.opts.size or ((config.display.width, config.display.height) if config.display.width else None)
            fullscreen = config.display.fullscreen and not (self.opts.windowed or self.opts.headless)
            language = self.engine.language if playlist is None else self.engine.playlist.language
            # One window, or two beside a projector (the teacher's on the laptop): see app/presenter.py.
            window = screens = Screens(source=self.monitors or monitor_source(self.opts.headless),
                                       display=config.display, headless=self.opts.headless, fullscreen=fullscreen,
                                       size=size, language=language, wall=self.wall,
                                       teacher_renderer_factory=_teacher_renderer)
            stack.callback(screens.close)
            started = screens.open()
            renderer = screens.renderer
            if self.player is None:
                self.player = self._make_player(config.display.video, pygame, renderer, config.display.caption_size,
                                                screens.video_window, config.display.hardware_decoding)
            stack.callback(self.player.close)
            devices = Devices(self.events, self.clock, self.opts.headless, self.sim)
            recorder = Recorder(self.journal, self.engine, self.clock, self.out if self.opts.trace else None,
                                replace=self._replace_damaged_journal)
            recorder.restore_spills()  # records a full disk kept out last time go in first
            self.loop = loop = KioskLoop(
                engine=self.engine, recorder=recorder,
                events=self.events, player=self.player, renderer=renderer, window=window,
                presenter=Presenter(renderer, window, self.opts.screenshots, self.wall), screens=screens,
                keyboard=KeyboardInput(), devices=devices, dimmer=self.dimmer, sounds=self.sounds,
                headless=self.opts.headless, max_seconds=self.opts.max_seconds,
                save_pin=self._save_pin(), hub=hub)
            stack.callback(loop.close)
            if getattr(self.player, "draws_overlays", False):
                from cinema.app.video_overlay import VideoOverlay

                loop.overlay = VideoOverlay(self.player)
                stack.callback(loop.overlay.close)  # before the player closes
            if hub is not None:
                stack.callback(self._hub_stopped, loop)  # before the loop's last words: its note is journaled
                if self.opts.say_join:
                    loop.say_join = lambda join: print(f"phones: {join.url}", file=self.out, flush=True)
            screens.presenter = loop.presenter
            screens.presenter.shot_prefix = "class-" if screens.presenting else ""
            if playlist is None:
                loop.lessons = _Lessons(self, config, self.engine)
                loop.lessons.opened(loop)
            else:
                self._begin(loop)
            if self.set_aside is not None:
                recorder.announce(JournalState(JournalHealth.SET_ASIDE, detail=self.set_aside.name))
            recorder.check_space()  # before the lesson goes on: a reserve made, the teacher told if space is low
            loop.apply([])
            recorder.commit([started.record()])  # which screens the lesson is shown on, and their sizes
            devices.start(config, self.engine, self.journal.path, stack)
            _keep_for_the_day()
            yield loop

    # ---- the phones' hub ------------------------------------------------------------------------

    def hub_config(self, config):
        """The hub's settings: the config's hub: section, on with `--hub` at its address."""
        if self.opts.hub is None:
            return config.hub
        host, port = self.opts.hub
        return dataclasses.replace(config.hub, enabled=True, host=host, port=port)

    def _open_hub(self, config, stack: ExitStack):
        """The hub serving phones (cinema/hub), started, its one line `hub: <URL>` printed; None when no
        hub is wanted. A port in use (or an address not this laptop's) is a StartError: one line, exit 1."""
        settings = self.hub_config(config)
        if not settings.enabled:
            return None
        from cinema.hub.server import Hub, HubError

        hub = Hub(self.events, settings, pin_check=self._hub_pin_check(config), language=config.language)
        try:
            url = hub.start()  # the hub puts its own HubNote("started", url) on the queue: journaled first thing
        except HubError as exc:
            raise StartError(f"hub: {exc}") from None
        stack.callback(hub.stop)
        print(f"hub: {url}", file=self.out, flush=True)
        log.info("hub: serving phones at %s", url)
        self.hub = hub
        return hub

    def _hub_pin_check(self, config):
        """The teacher phone's PIN check: the kiosk's own PIN and its wrong tries (the same file as the
        laptop's prompt, so a phone is no way around its waits). A PIN chosen during the run is checked
        from then on (`_save_pin`). A fullscreen kiosk whose teacher has not chosen a PIN yet opens no
        teacher phone: the shipped training PIN is known to every child who saw the demo."""
        from cinema.core.pin import FREE_TRIES
        from cinema.hub.teacher import make_pin_check

        pin, _training, choose = self._teacher_pin(config)
        self._hub_check = None if choose else make_pin_check(pin, self._pin_tries())

        def check(typed: str) -> tuple[str, int, int]:
            current = self._hub_check
            if current is None:
                return "wrong", 0, FREE_TRIES
            return current(typed)

        return check

    def _hub_stopped(self, loop) -> None:
        """The hub stopped as the run ends, and its last notes (stopped, refusals not yet said) and downloads
        finished meanwhile journaled."""
        from cinema.core.events import HubNote, TakeHomeTaken

        self.hub.stop()
        records = []
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            if isinstance(event, (HubNote, TakeHomeTaken)):  # anything else came after the end: nothing to do
                records += [e for e in loop.engine.handle(event) if isinstance(e, Record)]
        loop.recorder.commit(records)

    def _replace_damaged_journal(self) -> tuple[Journal, Path]:
        """Mid-lesson the journal turned out damaged: keep it aside and go on in a new one whose
        numbers follow the old one's (the recorder then writes what it holds into it)."""
        old = self.journal
        path, kiosk_id = old.path, old.kiosk_id
        after = max(read_last_seq(path), old.seq_base)
        old.close()
        aside = set_aside(path)
        self.journal = Journal(path, kiosk_id, after_seq=after)
        print(f"journal: {path} turned out damaged during the lesson; it was kept as {aside} and a new journal "
              "started", file=sys.stderr)
        log.error("damaged journal set aside during the lesson as %s", aside)
        return self.journal, aside

    def _open_journal(self, path: Path, kiosk_id: str) -> Journal:
        """The journal; a damaged one is moved aside (kept for recovery) and a new one started
        with the same kiosk id, so the lesson goes on (the teacher is told once the lesson shows)."""
        try:
            journal = Journal(path, kiosk_id)
            try:
                journal.check()
            except JournalError:
                journal.close()
                raise
            return journal
        except JournalError as exc:
            if not exc.damaged:
                raise StartError(f"cannot open the journal: {exc}",
                                 JOURNAL_NO_ROOM if exc.full else JOURNAL_CANNOT_OPEN) from exc
            damaged = exc
        kiosk_id = read_kiosk_id(path) or kiosk_id
        after = read_last_seq(path)
        try:
            self.set_aside = set_aside(path)
            journal = Journal(path, kiosk_id, after_seq=after)
        except (OSError, JournalError) as exc:
            raise StartError(f"cannot open the journal: {damaged}; and a new one cannot be started: {exc}",
                             JOURNAL_NO_ROOM if getattr(exc, "full", False) else JOURNAL_CANNOT_OPEN) from exc
        print(f"journal: {path} was damaged ({damaged}); it was kept as {self.set_aside} and a new journal started",
              file=sys.stderr)
        log.error("damaged journal set aside as %s", self.set_aside)
        return journal

    def _finish_journal(self) -> None:
        if self.loop is not None:
            self.spilled = self.loop.recorder.finish()

    def _class(self, config):
        """The class list (read once a run: every lesson of the day has the same children)."""
        if getattr(self, "_class_roster", None) is None:
            self._class_roster = self._roster(config)
            self.sim = None
            if self.opts.simulate_class:
                from cinema.devices.simulated_class import SimulatedClass, demo_roster

                self._class_roster = demo_roster(self.opts.simulate_class)  # its own demo key: no key file needed
                self.sim = SimulatedClass(self._class_roster, self.clock, teacher=self.opts.headless)
        return self._class_roster

    def _engine(self, config, playlist, menu_language: str | None = None) -> SessionEngine:
        """A lesson's engine; `menu_language`: the teacher's (the home screen's), else the config's."""
        roster = self._class(config)
        pin, training, choose = self._teacher_pin(config)
        options = Options(failure_notice_seconds=config.failure_notice_seconds, teacher_pin=pin, training_pin=training,
                          choose_pin=choose,
                          # From the home screen a finished lesson says so, and the kiosk goes back home.
                          exit_at_end=self.opts.exit_at_end or self.opts.home,
                          expected_handsets=self.opts.simulate_class or None,
                          teacher_clickers=frozenset(config.devices.teacher_clickers),
                          power_warn_percent=config.power.warn_percent,
                          power_critical_percent=config.power.critical_percent,
                          menu_language=menu_language or config.language)
        engine = SessionEngine(playlist, self.clock, options, roster)
        engine.power.energy = kiosk_rates(Path(self.opts.journal or config.journal))  # cinema doctor --energy
        engine.pinpad.keeper = self._pin_tries()
        engine.handsets.learner_by_clicker.update(self.pairing[0])
        engine.handsets.team_by_learner.update(self.pairing[1])
        engine.phones = self.phones
        self._read_aloud(config, playlist)
        return engine

    def _read_aloud(self, config, playlist) -> None:
        """The lesson's questions to read aloud are made into sound files in the background (kept beside
        the journal for the next time): the lesson starts at once, never waits for espeak-ng, and a
        question opened before its file is ready is simply not spoken."""
        from cinema.core.items.activity import reads_aloud

        if self.sounds is None or not any(i.activity is not None and reads_aloud(i, playlist) for i in playlist.items):
            return
        cache = Path(self.opts.journal or config.journal).parent / "speech"
        sounds = self.sounds

        def make() -> None:
            from cinema.media.speech import prepare

            made = prepare(playlist, cache)
            for name, path in made.sounds.items():
                sounds.add(name, path)
            for problem in made.problems:  # espeak-ng missing, no voice for the language: said once, on stderr
                log.warning("%s", problem)
            log.info("read aloud: %d questions ready (%d made now)", len(made.sounds), made.made)

        threading.Thread(target=make, name="read-aloud", daemon=True).start()

    # ---- the home screen -------------------------------------------------------------------

    def _library(self, config):
        """The home screen's library: the lessons folder as it is now, and the unfinished session."""
        from cinema.core.library import Library
        from cinema.locale import available_languages

        language = self._menu_language(config, available_languages())
        entries, left_out = self._lessons(config, language)
        library = Library(entries, self.clock, languages=available_languages(), language=language,
                          teacher_pin=self._teacher_pin(config)[0], unfinished=self._unfinished(),
                          first=config.playlist.name,
                          power=PowerPolicy(self.clock, config.power.warn_percent, config.power.critical_percent,
                                            energy=kiosk_rates(Path(self.opts.journal or config.journal))),
                          left_out=left_out)
        library.roster = self._class(config)
        library.phones = self.phones
        library.pinpad.keeper = self._pin_tries()
        return library

    def _menu_language(self, config, languages) -> str:
        """The menus' language at start: `--language` (the demo's), else the one the teacher chose last
        on the home screen (kept in the journal), else the config's."""
        if self.opts.language:
            return config.language
        try:
            kept = self.journal.meta(MENU_LANGUAGE_KEY)
        except JournalError:
            kept = None
        return kept if kept in languages else config.language

    def keep_menu_language(self, language: str) -> None:
        """The teacher changed the menus' language: the next start opens in it too."""
        try:
            self.journal.set_meta(MENU_LANGUAGE_KEY, language)
        except JournalError as exc:  # a full disk: this start's menus still change; the next opens as before
            log.warning("the menus' language is not kept for the next start: %s", exc)

    def _lessons(self, config, language: str):
        """Each lesson file as the home screen lists it, its problems said in the menus' `language`."""
        from cinema.config.playlists import list_lessons
        from cinema.core.library import LessonEntry
        from cinema.core.power import lesson_schedule, remaining_minutes
        from cinema.locale.runtime import language_from_environment, set_language

        set_language(language)  # the loader says what is wrong in the language it is set to
        try:
            listed, left_out = list_lessons(config.playlists_dir, self.activities, media_dirs=config.media_dirs)
        finally:
            set_language(language_from_environment())
        entries = []
        for path, playlist, problems in listed:
            if playlist is None or problems:
                entries.append(LessonEntry(path.name, playlist.id if playlist else path.stem,
                                           (playlist.title if playlist else "") or path.stem,
                                           playlist.subject if playlist else None,
                                           playlist.language if playlist else "", None,
                                           tuple(p.short() for p in problems)))
            else:
                entries.append(LessonEntry(path.name, playlist.id, playlist.title or path.stem, playlist.subject,
                                           playlist.language, remaining_minutes(playlist.items, 0),
                                           schedule=lesson_schedule(playlist.items)))
        return tuple(entries), left_out

    def _unfinished(self):
        """The session a power cut or a crash left open, as the home screen offers it; None if none."""
        from cinema.core.library import Unfinished
        from cinema.core.records import SessionStarted, parse

        session = self.journal.unfinished_session()
        if session is None:
            return None
        point = self._resume_point(session)
        started = None
        for r in self.journal.records(session):
            if r.kind == "session.started":
                started = parse(r.kind, r.payload)
                break
        if not isinstance(started, SessionStarted):
            return Unfinished(session, "", "", point.item_index, 0)
        return Unfinished(session, started.playlist, started.title, point.item_index, started.items)

    def _resume_point(self, session: str):
        point = resume_point(session, ((r.kind, r.payload) for r in self.journal.records(session)))
        saved = self.journal.resume_position(session)
        if saved is not None and saved[0] == point.item_index:
            point = dataclasses.replace(point, position=saved[1])  # keeps every field (by_hand too)
        return point

    # ---- the teacher PIN -------------------------------------------------------

    def _pin_file(self) -> Path:
        from cinema.app.pin_store import pin_path

        return pin_path(self.journal.path)

    def _teacher_pin(self, config):
        """(the PIN to check, still the shipped default?, must the teacher choose one first?): the
        stored hash, or (training runs: the demo, windowed, headless) the config's digits. A fullscreen
        kiosk with no stored PIN asks for one before any lesson: the shipped 1234 is known to every
        child who saw the demo."""
        from cinema.app import pin_store

        try:
            pin, training = pin_store.teacher_pin(self._pin_file(), config.teacher_pin)
        except pin_store.PinFileError as exc:
            print(f"teacher PIN: {exc}", file=sys.stderr)
            log.error("teacher PIN file unusable: %s", exc)
            pin, training = config.teacher_pin, config.teacher_pin == pin_store.DEFAULT_PIN
        fullscreen = config.display.fullscreen and not (self.opts.windowed or self.opts.headless)
        return pin, training, fullscreen and not self.opts.training and isinstance(pin, str)

    def _pin_tries(self):
        """Where every PIN prompt keeps its wrong tries: the PIN file, so a restart keeps them."""
        from cinema.app.pin_store import FileTries

        return FileTries(self._pin_file(), self.wall)

    def _save_pin(self):
        """What the main loop does with a new PIN: keep its hash, and have the home screen (ending
        the day) check the new PIN too from now on."""
        from cinema.app.pin_store import save_effect
        from cinema.core.pin import PinHash

        keep = save_effect(self._pin_file())

        def saved(effect) -> None:
            keep(effect)
            chosen = PinHash(effect.salt, effect.digest, effect.n, effect.r, effect.p)
            lessons = getattr(self.loop, "lessons", None)
            if lessons is not None:
                lessons.library.pinpad.expected = chosen
            if self.hub is not None:  # the teacher's phone is unlocked with the new PIN from now on
                from cinema.hub.teacher import make_pin_check

                self._hub_check = make_pin_check(chosen, self._pin_tries())

        return saved

    @contextmanager
    def _sigterm_stops(self) -> Iterator[None]:
        """SIGTERM (systemd stopping the kiosk, a shutdown) ends the run cleanly: the lesson's
        place saved, the brightness restored, every device released. Exit code 143, as when the
        signal killed the process."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set from the main thread
            return

        def stop(signum, frame) -> None:
            if self.loop is None:
                raise SystemExit(128 + signum)  # still starting: unwind what is open
            log.warning("SIGTERM: stopping the kiosk")
            self.loop.stop(128 + signum)

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

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
        if learners:
            learners = self._card_numbers(config, learners)
        return Roster(config.cards.program, keys, learners)

    def _card_numbers(self, config, learners):
        """Each child's answer card number, kept beside the card key (a roster's `card` column wins);
        without the file, answer cards are nobody's (said once), the rest of the lesson is unchanged."""
        from cinema.cards.numbers import apply_numbers, load_numbers, numbers_path
        from cinema.config import ConfigError

        path = numbers_path(Path(config.cards.keys))
        try:
            numbers = load_numbers(path, config.cards.program)
        except (OSError, ValueError, ConfigError) as exc:
            print(f"answer card numbers not loaded: {exc}", file=sys.stderr)
            log.error("answer card numbers not loaded from %s: %s", path, exc)
            return learners
        return apply_numbers(learners, numbers)

    def _begin(self, loop) -> None:
        """Start a new session, or resume / offer to resume the unfinished one."""
        unfinished = self.journal.unfinished_session()
        if unfinished is not None:
            point = self._resume_point(unfinished)
            if self.opts.resume:
                loop.apply(self.engine.resume(point))
                return
            if not self.opts.headless:
                loop.apply(self.engine.offer_resume(point))
                return
            loop.recorder.commit([SessionAbandoned(session=unfinished, index=point.item_index).record()])
        loop.apply(self.engine.start())

    # ---- media ---------------------------------------------------------------

    def _make_player(self, video: str, pygame, renderer, caption_size: str = "medium", window_id: int = 0,
                     hardware_decoding: str = "auto"):
        from cinema.config.kiosk import CAPTION_SCALES
        from cinema.core.events import DecodingChanged
        from cinema.media.factory import MediaUnavailable, make_player

        captions = CAPTION_SCALES.get(caption_size, 100)
        # Hardware decoding where it works; a decoder that gives no picture is dropped and journaled (media.decoding).
        decoding = dict(hardware_decoding=hardware_decoding != "off",
                        on_decoding=lambda t, media, at, why: self.events.put(DecodingChanged(t, media, at, why)))

        if video == "window" and not self.opts.headless:
            # The class window: the one pygame.display opened, or in presenter mode the projector's own.
            window_id = window_id or pygame.display.get_wm_info().get("window")
            if window_id:
                try:
                    return make_player("window", on_finished=lambda t: self.events.put(MediaFinished(t)),
                                       on_failed=lambda t, r: self.events.put(MediaFailed(t, r)),
                                       rate=self.opts.speed, window_id=window_id, caption_scale=captions, **decoding)
                except (MediaUnavailable, ValueError) as exc:
                    log.warning("window video output not available (%s); drawing frames instead", exc)
        # Frames mode: VLC decodes into a buffer the size of the video area and we blit it, so
        # the status bar and overlays stay on top and headless runs still show the video.
        rect = renderer.content_rect
        try:
            return make_player("frames", on_finished=lambda t: self.events.put(MediaFinished(t)),
                               on_failed=lambda t, r: self.events.put(MediaFailed(t, r)),
                               rate=self.opts.speed, frame_size=(rect.width, rect.height),
                               audio=not self.opts.headless, caption_scale=captions, **decoding)
        except MediaUnavailable as exc:
            log.error("no media player: %s", exc)
            print(str(exc), file=sys.stderr)
            return _NoPlayer(self.events)

    # ---- content errors --------------------------------------------------------

    def _show_problems(self, problems: list[str]) -> int:
        """Broken content: a readable screen for the teacher instead of a crash, on the configured
        display, paged; only the teacher PIN closes it (see app/problems_screen.py)."""
        from cinema.app import pin_store
        from cinema.app.problems_screen import ProblemPages, show_problems

        config = getattr(self, "problem_config", None)
        pin: object = pin_store.DEFAULT_PIN  # the kiosk config could not be read: the shipped PIN
        if config is not None:
            try:
                pin = pin_store.teacher_pin(pin_store.pin_path(config.journal), config.teacher_pin)[0]
            except pin_store.PinFileError as exc:
                log.error("teacher PIN file unusable: %s", exc)
                pin = config.teacher_pin
        shown = tuple(p.short() for p in self.problems) or tuple(problems)
        pages = ProblemPages(shown, pin, self.problem_language)
        if config is not None:
            pages.pinpad.keeper = pin_store.FileTries(pin_store.pin_path(config.journal), self.wall)
        display = config.display if config is not None else None
        fullscreen = not self.opts.windowed and (display.fullscreen if display else True)
        return show_problems(pages, display=display.display if display else 0, size=self.opts.size,
                             fullscreen=fullscreen, digits=display.digits if display else "latn",
                             screenshots=self.opts.screenshots, max_seconds=self.opts.max_seconds,
                             monitor=self._teacher_monitor(display) if fullscreen else None)

    def _teacher_monitor(self, display):
        """The laptop's own screen when a projector is beside it (the content-error screen is the
        teacher's, not the class's); None with one screen or the teacher screen turned off."""
        from cinema.core.screen_plan import plan_screens
        from cinema.display.monitors import monitor_source

        if display is not None and display.teacher_screen == "off":
            return None
        source = self.monitors or monitor_source(self.opts.headless)
        try:
            plan = plan_screens(source.read(), display_index=display.display if display else 0)
        finally:
            source.close()
        return plan.teacher_screen


def _keep_for_the_day() -> None:
    """What the kiosk has opened (fonts, translations, the lesson, the libraries) lives all day: moved out
    of the garbage collector's sight, so its full collections walk only what is new. Measured on the demo
    with the hub: a full collection took 44-51 ms of a loop turn (a phone's answer waited that long),
    0.0 ms after this."""
    gc.collect()
    gc.freeze()


def _teacher_renderer(size, language: str, digits: str):
    """The teacher window's renderer (cinema/display/teacher_screen.py)."""
    from cinema.display.teacher_screen import TeacherRenderer

    return TeacherRenderer(size, language, digits=digits)


def _raw_language(config_path) -> str:
    """The `language:` of a kiosk config that did not load (another key is wrong): the teacher's
    language for the problems screen when it reads as a language we have, else English."""
    import yaml

    from cinema.locale.catalog import available_languages
    from cinema.locale.languages import base_language

    try:
        with open(config_path, encoding="utf-8") as f:
            data = yaml.safe_load(f.read(256 * 1024))
        language = data.get("language") if isinstance(data, dict) else None
        if isinstance(language, str) and base_language(language) in available_languages():
            return base_language(language)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    return "en"


class _Lessons:
    """Between the home screen and the lessons: the main loop hands over the library's StartLesson
    (and ListAgain) effects and every Exit; this opens the chosen lesson in a new engine, and when
    the lesson ends goes back to the library, which lists the folder again."""

    def __init__(self, kiosk: Kiosk, config, library) -> None:
        self.kiosk = kiosk
        self.config = config
        self.library = library

    def opened(self, loop) -> None:
        """The home screen is up; with --resume the unfinished session goes on without asking."""
        from cinema.core.library import StartLesson

        entry = self.library.resumable()
        if self.kiosk.opts.resume and entry is not None:
            self.start(loop, StartLesson(entry.key, resume=self.library.unfinished))

    def start(self, loop, start) -> None:
        from cinema.config import ConfigError, load_playlist
        from cinema.core.records import SessionAbandoned

        try:
            playlist = load_playlist(self.config.playlists_dir / start.key, self.kiosk.activities,
                                     media_dirs=self.config.media_dirs)
        except ConfigError as exc:  # changed on disk since the list was read: marked, and the kiosk stays home
            self.library.refused(start.key, tuple(p.short() for p in exc.problems))
            return
        engine = self.kiosk._engine(self.config, playlist, self.library.language)
        if self.library.journal_health in (JournalHealth.FULL, JournalHealth.RESERVE):
            engine.journal_health = self.library.journal_health  # a full disk is still full in the lesson
        self.kiosk.engine = engine
        loop.switch_to(engine)
        if start.resume is not None:
            point = self.kiosk._resume_point(start.resume.session_id)
            began = engine.resume(point)  # the records below go in the resumed session
            loop.recorder.commit(list(start.records))
        else:
            loop.recorder.commit(list(start.records))
            if start.abandon is not None:  # the teacher confirmed throwing it away
                loop.recorder.commit([SessionAbandoned(session=start.abandon.session_id,
                                                       index=start.abandon.item_index).record()])
            began = engine.start()
        loop.recorder.check_space()  # as at every lesson start: a reserve made, the teacher told if space is low
        # The devices and the battery as they last said on the home screen: the lesson shows and journals
        # them too (on a low battery it works less from its start), and the screen, ticks and camera follow.
        said = [*self.library.devices.values(), *([self.library.battery] if self.library.battery else [])]
        loop.apply(began + [fx for change in said for fx in engine.handle(change)])
        loop.follow_work()
        _keep_for_the_day()  # the lesson's playlist, activities and engine too

    def list_again(self) -> None:
        """The menus' language changed: the lessons listed again in it, and the language kept."""
        self.kiosk.keep_menu_language(self.library.language)
        entries, left_out = self.kiosk._lessons(self.config, self.library.language)
        self.library.entries, self.library.left_out = entries, left_out

    def ended(self, loop, reason: str) -> bool:
        """A lesson's Exit: back home (True). The library's own (the day ended) ends the run (False)."""
        if loop.engine is self.library:
            return False
        entries, left_out = self.kiosk._lessons(self.config, self.library.language)
        self.library.back_home(entries, self.kiosk._unfinished(), left_out)
        self.kiosk.engine = self.library
        loop.switch_to(self.library)
        if self.library.journal_health is JournalHealth.LOW:
            self.library.journal_health = JournalHealth.OK  # looked at again: space may have been freed
        loop.recorder.check_space()
        loop.apply([])
        log.info("lesson ended (%s): back to the home screen", reason)
        return True


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

    def show_captions(self, on):
        pass

    def stop(self):
        pass

    def position(self):
        return 0.0

    def duration(self):
        return None

    def frame(self):
        return None

    def frame_serial(self):
        return 0

    def set_frame_size(self, size):
        pass

    def close(self):
        pass


def _quit_pygame() -> None:
    """pygame.quit() after closing the font files (a Font dropped after pygame quits keeps its file open)."""
    import pygame

    from cinema.display.fonts import release_all_fonts

    release_all_fonts()
    pygame.quit()
