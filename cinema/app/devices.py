"""The kiosk's devices: started from the config, each one's stop put on the kiosk's exit stack the
moment it runs (so a crash later still stops it), and what the main loop asks of them."""

from __future__ import annotations

import logging
import queue
import sys
from contextlib import ExitStack
from pathlib import Path

from cinema.core.events import CardsInView, ClickerPressed, DeviceChanged, MarkersInView, TeacherCommand
from cinema.core.view import QuestionBody, Screen, View

log = logging.getLogger("cinema.kiosk")
STILL_PREVIEW_EVERY = 0.5  # seconds between two webcam previews on a still screen (a low battery)


class Devices:
    """Receivers, battery monitor, USB watcher, keypads, card scanners and the simulated class.

    Every device thread puts its events on `events`, the main loop's one queue.
    """

    def __init__(self, events: queue.Queue, clock, headless: bool, sim=None) -> None:
        self.events = events
        self.clock = clock
        self.headless = headless
        self.sim = sim  # the simulated class (--simulate-class), if any
        self.sim_receiver = None
        self.sim_camera = None
        self.receivers = None
        self.power = None
        self.usb = None
        self.keypads = None
        self.scanners: list = []
        self.camera = None
        self.camera_rest = 0.0  # the battery's rest between camera pictures, outside card reading
        self._reading_cards = True  # attendance, pairing or an answer-card question is on screen
        self._sim_waiting: list = []  # simulated teacher commands held for one tick
        self._preview_surface = None
        self._preview_number = None

    def start(self, config, engine, journal_path: Path, stack: ExitStack) -> None:
        """Start every device the config names; `stack` stops each of them on the way out."""
        self.receivers = self._guarded("clickers", self._start_receivers, config, stack)
        self.power = self._guarded("battery", self._start_power, config, stack)
        self.usb = self._guarded("USB stick", self._start_usb_export, config, journal_path, engine.roster, stack)
        self.keypads = self._guarded("keypads", self._start_keypads, config, stack)
        self.scanners = self._guarded("card scanners", self._start_scanners, config, engine.roster, stack) or []

    def _guarded(self, name: str, start, *args):
        """A device that cannot start is shown as lost and journaled; the lesson starts without it."""
        try:
            return start(*args)
        except Exception as exc:  # noqa: BLE001 - any device fault must not keep the lesson from starting
            log.exception("%s could not start", name)
            print(f"{name}: could not start: {exc}", file=sys.stderr)
            self.events.put(DeviceChanged(name, False, f"could not start: {exc}"))
            return None

    # ---- what the loop asks -------------------------------------------------------------

    def set_camera_rest(self, seconds: float) -> None:
        """Seconds between two camera pictures on a low battery (less CPU): taken only outside
        attendance, pairing and answer-card questions, where the camera keeps its full rate."""
        self.camera_rest = seconds
        self._pace_camera()

    def _pace_camera(self) -> None:
        if self.camera is not None:
            self.camera.rest_between = 0.0 if self._reading_cards else self.camera_rest

    def camera_preview(self, pygame):
        """The webcam's newest small frame with each code it read outlined, and its number;
        (None, 0) before the first picture. Only call it when there is a camera."""
        preview = self.camera.preview()
        if preview is None:
            return None, 0
        if preview.frame != self._preview_number:
            surface = pygame.image.frombuffer(preview.rgb, (preview.width, preview.height), "RGB").copy()
            for code in preview.codes:
                pygame.draw.polygon(surface, (0, 200, 120), code.corners, 3)
            self._preview_surface, self._preview_number = surface, preview.frame
        return self._preview_surface, preview.frame

    def follow(self, view: View) -> None:
        """The camera reads answer cards only while a question that takes them is open (the rest of
        the lesson it reads QR cards alone: reading markers too costs CPU on every frame); on a low
        battery it rests between pictures except where cards are read, and its preview is made less often."""
        body = view.body
        answer_cards = view.screen is Screen.QUESTION and isinstance(body, QuestionBody) and body.cards
        self._reading_cards = answer_cards or view.screen in (Screen.ATTENDANCE, Screen.PAIRING)
        if self.camera is not None:
            self.camera.want_markers(answer_cards)
            # A still screen (a low battery): the live picture twice a second, the reading at full rate.
            self.camera.preview_every = STILL_PREVIEW_EVERY if view.still else 0.0
        self._pace_camera()

    def simulate(self, view: View) -> None:
        """The simulated class's next events. Presses travel through the receiver thread, so the
        simulated teacher's commands wait one tick: the room's answers are in before a close.
        Called with each tick's view, which also tells the camera whether answer cards are wanted."""
        self.follow(view)
        if self.sim is None:
            return
        for e in self._sim_waiting:
            self.events.put(e)
        self._sim_waiting = []
        events = self.sim.step(view)
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

    # ---- starting ---------------------------------------------------------------------------

    def _start_scanners(self, config, roster, stack: ExitStack) -> list:
        """The webcam (cards for attendance, and turned cards as answers) and serial card scanners."""
        scanners: list = []
        camera = str(config.devices.camera) if config.devices.camera is not None else None
        if camera is None and self.sim is not None:
            # The simulated class walks past a pretend webcam: the real camera path reads them.
            from cinema.devices.simulated_camera import URL, SimulatedCamera

            self.sim_camera = SimulatedCamera(roster.program, roster.keys[0],
                                              [learner.learner_id for learner in roster.learners])
            stack.callback(self.sim_camera.close)
            self.sim.cards_by_camera = self.sim_camera.start
            camera = URL
        if camera is not None:
            from cinema.devices.cards.answer_card import answer_for
            from cinema.devices.cards.camera import CameraScanner

            def seen(found) -> None:
                self.events.put(CardsInView(tuple((f.text, answer_for(f.orientation_degrees)) for f in found)))

            def markers(found) -> None:
                self.events.put(MarkersInView(tuple((m.number, m.letter) for m in found)))

            self.camera = CameraScanner(camera, self.events.put, on_found=seen, on_markers=markers)
            scanners.append(self.camera)
        for url in config.devices.scanners:
            from cinema.devices.cards.serial_scanner import SerialScanner

            scanners.append(SerialScanner(url, self.events.put))
        for scanner in scanners:
            scanner.start()
            stack.callback(scanner.stop)
        return scanners

    def _start_keypads(self, config, stack: ExitStack):
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
        stack.callback(reader.stop)
        return reader

    def _start_usb_export(self, config, journal_path: Path, roster, stack: ExitStack):
        """Watch for the teacher's USB stick; bundles are signed with the programme's card key."""
        if config.devices.usb_stick is None:
            return None
        from cinema.app.usb_export import UsbExporter

        keys = roster.keys if roster is not None else ()
        usb = UsbExporter(config.devices.usb_stick, Path(journal_path), keys, self.events.put).start()
        stack.callback(usb.stop)
        return usb

    def _start_power(self, config, stack: ExitStack):
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
        monitor = PowerMonitor(source, self.events.put, every=config.power.read_every).start()
        stack.callback(monitor.stop)
        return monitor

    def _start_receivers(self, config, stack: ExitStack):
        """Clicker receivers: the configured (or found) ones on a real screen, the simulated class's."""
        from cinema.devices.clickers.manager import PortManager, specs_from_config

        # Headless runs (tests, demos) read only receivers named in the config, never go looking.
        wanted = not self.headless or config.devices.clickers
        specs = specs_from_config(config.devices.clickers) if wanted else []
        if self.sim is not None:
            from cinema.devices.simulated_receiver import SimulatedReceiver

            self.sim_receiver = SimulatedReceiver()
            stack.callback(self.sim_receiver.close)
            specs.append(self.sim_receiver.spec)
        if not specs:
            return None
        try:
            manager = PortManager(specs, self.events.put)
            manager.start()
        except ValueError as exc:
            log.error("clicker receivers: %s", exc)
            print(f"clicker receivers: {exc}", file=sys.stderr)
            return None
        stack.callback(manager.stop)
        return manager
