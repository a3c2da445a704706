"""The session engine: the playlist cursor and one phase table; each item is played by its handler.

Feed it events with `handle()`; apply the effects it returns, records first (write-ahead).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from cinema.core.clock import Clock
from cinema.core.content import Item, Playlist
from cinema.core.events import (
    CardAnswer, CardScanned, CardsInView, ClickerPressed, Command, DeviceChanged, DeviceJunk, Effect, Event, Exit,
    LaptopKey, MarkersInView, MediaFailed, MediaFinished, MediaPosition, PinDigit, PlaySound, PowerReading,
    PreloadMedia, SavePin, SEEK_SECONDS, SetWork, ShowCaptions, TeacherCommand, Tick, UsbExport,
)
from cinema.core.events import HubNote, JournalHealth, JournalState, PhoneChoose, PhoneCommand, PhoneLink, PhoneMark
from cinema.core.events import ReplyStatus, TakeHomeTaken
from cinema.core.events import DecodingChanged
from cinema.core.items import HANDLERS, ItemHandler
from cinema.core.items.attendance import PairingHandler
from cinema.core.items.checkin import CheckinHandler
from cinema.core.items.media import CAPTIONS_OFF, CAPTIONS_ON, MEDIA_TYPES, MediaHandler
from cinema.core.messages import (
    N_,
    DISK_BACK, DISK_FULL, DISK_LOW, DISK_NOT_SAVED, DISK_RESERVE, JOURNAL_SET_ASIDE, USB_FAILED, USB_NOTHING,
    USB_SAVED, USB_SAVING,
)
from cinema.core.power import (
    MSG_LOW, MSG_RESTORE, MSG_STOP, Action, LessonPlan, Level, PowerDecision, PowerPolicy, lesson_plan,
)
from cinema.core.power_saving import ALL_STEPS, PowerSaving, Step as Saving
from cinema.core.events import PlayMedia
from cinema.core.keyboard_lock import KeyboardLock
from cinema.core.marking import Marking
from cinema.core import phone as phones
from cinema.core.phone import PHONE_EVENTS, PhoneState
from cinema.core.pin import PinHash, PinPad, PinPurpose, PinResult, typed_for_pin
from cinema.core.records import (
    DeviceConnected, DeviceLost, ExportFailed, HubCommand, ExportMade, ItemEnded, ItemFailed, ItemPaused, ItemResumed,
    ItemSkipped, ItemStarted, PinChanged, PinRefused, PowerReadingRecord, ResumePoint, SessionAbandoned, SessionEnded,
    SessionResumed, SessionStarted,
)
from cinema.core.records import JournalTrouble
from cinema.core.records import MediaDecoding
from cinema.core.register import Register
from cinema.core.roster import TEACHER_KEYS, Handsets, Roster
from cinema.core.teacher import MAX_NOTICES, answer_list, calm_note, item_of, lesson_seconds, notices_now
from cinema.core.view import (
    ClosingBody, DeviceStatus, NoticeBody, ResumeBody, ScanLine, Screen, StatusBar, TeacherView, TitleBody, View,
)


class Phase(Enum):
    """Where the session as a whole is. Every change goes through TRANSITIONS."""

    NEW = "new"  # built, not started
    RESUME_OFFER = "resume_offer"  # an unfinished session was found; the teacher chooses
    RUNNING = "running"
    PAUSED = "paused"  # the teacher paused: timers and media stand still
    POWER_STOPPED = "power_stopped"  # the battery is critical: paused and saved until power is back
    NOTICE = "notice"  # an item failed; a notice shows, then the next item starts
    ENDED = "ended"


class Step(Enum):
    START = "start"
    OFFER = "offer"
    PAUSE = "pause"
    RESUME = "resume"  # the teacher goes on after a pause or a power stop
    POWER_STOP = "power_stop"
    POWER_BACK = "power_back"
    FAIL = "fail"
    RECOVER = "recover"
    END = "end"


_LIVE = (Phase.RUNNING, Phase.PAUSED, Phase.POWER_STOPPED)  # an item is current and on screen
# Screens where children's answers, votes or cards are taken: a full disk refuses them, so it is said there all along.
_TAKES_IN = frozenset({Screen.ATTENDANCE, Screen.PAIRING, Screen.QUESTION, Screen.CHECKIN})

TRANSITIONS: dict[tuple[Phase, Step], Phase] = {
    (Phase.NEW, Step.START): Phase.RUNNING,
    (Phase.NEW, Step.OFFER): Phase.RESUME_OFFER,
    (Phase.RESUME_OFFER, Step.START): Phase.RUNNING,
    (Phase.RESUME_OFFER, Step.END): Phase.ENDED,
    (Phase.RUNNING, Step.PAUSE): Phase.PAUSED,
    (Phase.RUNNING, Step.POWER_STOP): Phase.POWER_STOPPED,
    (Phase.PAUSED, Step.RESUME): Phase.RUNNING,
    (Phase.POWER_STOPPED, Step.RESUME): Phase.RUNNING,
    (Phase.POWER_STOPPED, Step.POWER_BACK): Phase.RUNNING,
    (Phase.NOTICE, Step.RECOVER): Phase.RUNNING,
    **{(p, Step.FAIL): Phase.NOTICE for p in _LIVE},
    **{(p, Step.END): Phase.ENDED for p in (*_LIVE, Phase.NOTICE)},
}

# What the teacher is told when the PIN prompt closes or does its work (message ids).
PIN_CANCELLED = N_("PIN cancelled.")
PIN_TIMED_OUT = N_("The PIN prompt closed: no key for 20 seconds.")
PIN_SAVED = N_("The new PIN is saved.")
KEYBOARD_OPEN = N_("Keyboard unlocked. It locks again after 10 minutes without a key.")
MARKING_TIMED_OUT = N_("Marking by hand closed: no key for a minute.")

FAILURE_MSG = {
    "video": "This video could not be played.",
    "audio": "This audio could not be played.",
    "slides": "This slide could not be shown.",
}


@dataclass
class Options:
    failure_notice_seconds: float = 4.0
    teacher_pin: str | PinHash = "1234"  # a hash (teacher-pin.json); the config's digits only in training runs
    training_pin: bool = False  # the PIN is the shipped default (a demo, windowed or headless run)
    keyboard_lock: bool = True  # the laptop keyboard is locked during a lesson (see core/keyboard_lock.py)
    choose_pin: bool = False  # a fullscreen kiosk with no PIN chosen: the teacher chooses one before any lesson
    exit_at_end: bool = False
    expected_handsets: int | None = None
    teacher_clickers: frozenset[str] = frozenset()
    power_warn_percent: float = 20.0
    power_critical_percent: float = 8.0
    menu_language: str = ""  # the kiosk's menus (the teacher's language): the teacher window's words; "": the lesson's


class _NoItem(ItemHandler):
    """Stands in before the first item starts (nothing plays, nothing to resume)."""

    def __init__(self) -> None:
        pass


@dataclass
class SessionEngine:
    """Feed it events with `handle()`; apply the effects it returns, records first."""

    playlist: Playlist
    clock: Clock
    options: Options = field(default_factory=Options)
    roster: Roster | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        self.handsets = Handsets(teacher=self.options.teacher_clickers)
        self.phase = Phase.NEW
        self.index = -1
        self.handler: ItemHandler = _NoItem()
        self.item_started_at = 0.0
        self.paused_at = 0.0
        self._paused_total = 0.0  # seconds the current item has spent paused
        self.pinpad = PinPad(self.options.teacher_pin)
        self.keyboard = KeyboardLock()
        self._after_pin: tuple[str, ResumePoint | None] | None = None  # choosing a PIN: what starts then
        self.register = Register(self.roster)
        self.marking = Marking(self.roster)  # marking children by hand (M, a remote's or handset's mark key)
        self.recent_toasts: list[tuple[str, float]] = []  # newest first: the teacher screen's notices
        self.answers = 0
        self.status = StatusBar()
        self.devices: dict[str, bool] = {}
        self.devices_journaled: dict[str, bool] = {}  # what the journal last said of each device
        self.device_details: dict[str, str] = {}
        self.toast = ""
        self.captions = True  # the teacher turns a video's captions off and on (C, a handset's 5)
        self.toast_until = 0.0
        self.return_to: int | None = None  # after a calm item taken from a check-in
        self.failed_kind = ""
        self.failed_detail = ""
        self.notice_until = 0.0
        self.resume_point: ResumePoint | None = None
        self._token = 0
        self.power = PowerPolicy(self.clock, self.options.power_warn_percent, self.options.power_critical_percent)
        # Below the warning level the kiosk works less; the lighter copies are a step only when the lesson has any.
        lighter = any(i.low_power is not None for i in self.playlist.items)
        self.saving = PowerSaving(ALL_STEPS if lighter else ALL_STEPS - {Saving.LOW_POWER_VIDEO})
        self.advice: PowerDecision | None = None  # what to skip to finish, shown at the item start
        self.teacher_advice: PowerDecision | None = None  # the same, kept on the teacher screen while it holds
        self.advice_until = 0.0
        self.durations: dict[str, float] = {}  # media lengths learnt while playing, for the power plan
        # Whether records reach the disk (the main loop says); FULL: answers and scans are refused.
        self.journal_health = JournalHealth.OK
        # Phones on the hub linked to a child by the code on the child's card (device -> learner id). The
        # kiosk hands every lesson of the day the same dict, as it does the handsets' pairing.
        self.phones: dict[str, str] = {}
        self.entries = 0  # items entered so far: part of a phone question's id (the same one opened again differs)
        self._take_home: tuple | None = None  # the lesson's take-home files, read once
        self._class_list = self.marking.class_list()  # the teacher phone's class list, sorted once
        # A check-in's calm item plays only when the teacher takes the offer, never in sequence.
        self._on_offer = {i.calm_item for i in self.playlist.items if i.type == "checkin" and i.calm_item}

    # ---- phase machine -------------------------------------------------------

    def _go(self, step: Step) -> None:
        try:
            self.phase = TRANSITIONS[(self.phase, step)]
        except KeyError:
            raise RuntimeError(f"no transition from {self.phase.name} by {step.name}") from None

    @property
    def item(self) -> Item | None:
        if 0 <= self.index < len(self.playlist.items):
            return self.playlist.items[self.index]
        return None

    @property
    def state(self) -> ItemHandler:
        """The current item's handler (its `media_token`, `position`)."""
        return self.handler

    @property
    def paused(self) -> bool:
        return self.phase in (Phase.PAUSED, Phase.POWER_STOPPED)

    @property
    def power_stopped(self) -> bool:
        """"Saved. Connect power." shows: the battery is critical and the lesson is not going on
        (stopped by it, paused by the teacher, or on a notice); it gives way once the teacher goes on."""
        return self.power.level is Level.STOPPED and self.phase in (Phase.POWER_STOPPED, Phase.PAUSED, Phase.NOTICE)

    @property
    def pin(self) -> str | None:
        """The digits typed so far while the PIN prompt is open; None when it is closed."""
        return self.pinpad.typed

    @property
    def attendance(self) -> set[str]:
        return self.register.present

    # ---- what handlers may use (cinema.core.items.base.Lesson) -----------------

    def now(self) -> float:
        return self.clock.monotonic()

    def frozen_now(self) -> float:
        return self.paused_at if self.paused else self.now()

    def paused_total(self) -> float:
        return self._paused_total

    def remember(self, line: ScanLine) -> None:
        self.register.remember(line)

    def recent_scans(self) -> tuple[ScanLine, ...]:
        return tuple(self.register.recent)

    def clear_scans(self) -> None:
        self.register.recent.clear()

    def expected_handsets(self) -> int | None:
        return self.options.expected_handsets

    def new_media_token(self) -> int:
        self._token += 1
        return self._token

    def learn_duration(self, item_id: str, seconds: float) -> None:
        self.durations[item_id] = seconds

    def finish(self, reason: str = "finished") -> list[Effect]:
        return self._leave(reason) + self._enter_next()

    def detour(self, index: int, records: list[Effect]) -> list[Effect]:
        fx = self._leave("next") + records
        self.return_to = self._step_from(self.index, +1)
        return fx + self._enter(index)

    def fail(self, reason: str) -> list[Effect]:
        item = self.item
        assert item is not None
        self.failed_kind = item.type
        # The item as the class knows it (its title); the file name only for an item without one.
        self.failed_detail = item.title or ((item.media.name if item.media else "") if item.type in MEDIA_TYPES else "")
        self.notice_until = self.now() + self.options.failure_notice_seconds
        self._remember_notice(FAILURE_MSG.get(item.type, FAILURE_MSG["video"]))  # the teacher screen keeps it
        self._go(Step.FAIL)
        fx: list[Effect] = self.handler.leave()
        fx.append(ItemFailed(index=self.index, item=item.id, type=item.type, reason=reason).record())
        return fx

    # ---- starting --------------------------------------------------------------

    def start(self) -> list[Effect]:
        if self.options.choose_pin:
            return self.ask_for_pin("start")
        self._go(Step.START)
        return [self._started_record()] + self._enter(0)

    def _started_record(self) -> Effect:
        return SessionStarted(playlist=self.playlist.id, title=self.playlist.title, subject=self.playlist.subject,
                              language=self.playlist.language, items=len(self.playlist.items),
                              # names the programme in reports and xAPI
                              program=self.roster.program if self.roster is not None else None).record()

    def offer_resume(self, point: ResumePoint) -> list[Effect]:
        """Show the resume offer; ACCEPT resumes, DECLINE starts a new session."""
        if self.options.choose_pin:
            return self.ask_for_pin("offer", point)
        self.resume_point = point
        self._go(Step.OFFER)
        return []

    def resume(self, point: ResumePoint) -> list[Effect]:
        """Continue an unfinished session at the item (and media second) it was on."""
        if self.options.choose_pin:
            return self.ask_for_pin("resume", point)
        self.session_id = point.session_id
        self.register.present = set(point.attendance)
        self.register.by_hand = set(point.by_hand) & self.register.present
        self.answers = point.answers
        self.resume_point = None
        self._go(Step.START)
        index = min(max(point.item_index, 0), len(self.playlist.items) - 1)
        fx: list[Effect] = [SessionResumed(index=index, position=round(point.position, 1)).record()]
        return fx + self._enter(index, start_at=point.position)

    # ---- the event entry point ---------------------------------------------------

    def handle(self, event: Event) -> list[Effect]:
        if isinstance(event, UsbExport):
            return self._usb_export(event)  # also after the lesson: the usual time to save for the supervisor
        if isinstance(event, JournalState):
            return self._journal(event)
        if isinstance(event, PHONE_EVENTS):
            return self._phone(event)  # answered in every phase: a phone waits for its reply
        if self.phase is Phase.ENDED:
            return []
        if isinstance(event, Tick):
            return self._tick()
        if isinstance(event, PowerReading):
            return self._power(event)
        if isinstance(event, DeviceChanged):
            return self._device(event)
        if isinstance(event, DecodingChanged):
            return [self._decoding(event)]
        if isinstance(event, DeviceJunk):
            self.register.noise.junk(event.name, self.now(), event.junk, event.accepted)
            return []
        if isinstance(event, LaptopKey) and not self.pinpad.is_open:
            return self._laptop_key(event)
        if self.pinpad.is_open and isinstance(event, (PinDigit, TeacherCommand, LaptopKey)):
            return self._pin(typed_for_pin(event) or event)
        if isinstance(event, PinDigit):
            return []
        if self.phase is Phase.RESUME_OFFER:
            return self._resume_choice(event)
        if self.marking.is_open and self._for_picker(event):
            return self._picker_press(event)
        if isinstance(event, TeacherCommand):
            return self._command(event.command)
        if self.journal_health is JournalHealth.FULL and self._takes_in(event):
            return self._refuse(event)
        if isinstance(event, CardScanned):
            return self._scan(event)
        if isinstance(event, (MediaFinished, MediaFailed, MediaPosition)):
            return self._media(event)
        if isinstance(event, ClickerPressed):
            if self.handsets.is_teacher(event.clicker):
                # The teacher's handset drives the lesson, even while paused, and never answers.
                name = TEACHER_KEYS.get(event.key.upper())
                return self._command(Command(name)) if name else []
            if event.key.upper() in ("OK", "UP", "DOWN", "BACK"):
                return []  # navigation keys on a child's handset do nothing
        if isinstance(event, (ClickerPressed, CardAnswer, CardsInView, MarkersInView)) and self.phase is Phase.RUNNING:
            return self.handler.handle(event)
        return []

    def _media(self, event: MediaFinished | MediaFailed | MediaPosition) -> list[Effect]:
        if event.token != self.handler.media_token or not event.token:
            return []  # a late report about a file that is no longer playing
        if isinstance(event, MediaPosition) or self.phase in _LIVE:
            return self.handler.handle(event)
        return []

    # ---- items -------------------------------------------------------------------

    def _enter(self, index: int, start_at: float = 0.0) -> list[Effect]:
        if self.paused:
            self._go(Step.RESUME)  # a new item starts running
        self.index = index
        item = self.playlist.items[index]
        self.item_started_at = self.now()
        self._paused_total = 0.0
        self.handler = HANDLERS[item.type](item, self)
        self.entries += 1
        fx: list[Effect] = [ItemStarted(index=index, item=item.id, type=item.type, title=item.title).record()]
        fx += self.handler.enter(start_at)
        if self.phase is Phase.NOTICE:
            return fx  # the item failed on entry
        nxt = self._following_media(index)
        if nxt is not None:
            fx.append(PreloadMedia(nxt))
        return fx + self._power_decisions(self.power.replan(self._power_plan()))

    def _following_media(self, index: int) -> str | None:
        following = self.return_to if self.return_to is not None else self._step_from(index, +1)
        if following is not None:
            nxt = self.playlist.items[following]
            if nxt.type in MEDIA_TYPES and nxt.media is not None:
                return str(self.media_file(nxt))
        return None

    def media_file(self, item: Item) -> Path | None:
        """The file a video or sound item plays: its lighter copy below the battery's warning level
        (chosen as the item starts; a video is not swapped in the middle, in front of the class), else
        the file itself: on a battery still well charged the teacher keeps the full picture."""
        if item.low_power is not None and self.saving.on(Saving.LOW_POWER_VIDEO):
            return item.low_power
        return item.media

    def _leave(self, reason: str) -> list[Effect]:
        item = self.item
        if item is None:
            return []
        fx = self.handler.leave()
        left = ItemSkipped if reason == "skip" else ItemEnded
        fx.append(left(index=self.index, item=item.id, type=item.type, reason=reason,
                       seconds=round(self.now() - self.item_started_at, 1)).record())
        return fx

    def _enter_next(self) -> list[Effect]:
        if self.return_to is not None:
            target, self.return_to = self.return_to, None
            return self._enter(target)
        following = self._step_from(self.index, +1)
        if following is not None:
            return self._enter(following)
        return self._end("completed")

    def _step_from(self, index: int, direction: int) -> int | None:
        index += direction
        while 0 <= index < len(self.playlist.items):
            if self.playlist.items[index].id not in self._on_offer:
                return index
            index += direction
        return None

    def _end(self, reason: str) -> list[Effect]:
        fx: list[Effect] = self.handler.leave() if self.phase in _LIVE else []
        fx.append(SessionEnded(reason=reason, attendance=len(self.attendance), answers=self.answers,
                               index=self.index).record())
        self._go(Step.END)
        if reason != "completed" or self.options.exit_at_end:
            fx.append(Exit(reason))
        return fx

    def _recover(self) -> list[Effect]:
        self._go(Step.RECOVER)
        return self._enter_next()

    # ---- teacher commands -----------------------------------------------------------

    def _command(self, command: Command) -> list[Effect]:
        if command is Command.QUIT:
            self.pinpad.open(self.now())
            return []
        if command is Command.MARK:
            if self.phase in (*_LIVE, Phase.NOTICE):
                self.marking.open(self.now())  # over any item: a child may arrive late
            return []
        if self.phase is Phase.NOTICE:
            if command in (Command.NEXT, Command.SKIP):
                return self._recover()
            if command is Command.REPEAT:
                self._go(Step.RECOVER)
                return self._enter(self.index)
            return []
        if self.phase not in _LIVE:
            return []
        if command is Command.PAUSE:
            return self._toggle_pause()
        if command is Command.CAPTIONS:
            self.captions = not self.captions
            self._show_toast(CAPTIONS_ON if self.captions else CAPTIONS_OFF, 2.0)
            return [ShowCaptions(self.captions)]
        if command in SEEK_SECONDS:
            # Seeking keeps a paused video paused: the teacher finds the place, then plays.
            return self.handler.seek(SEEK_SECONDS[command]) if isinstance(self.handler, MediaHandler) else []
        # Moving on while paused un-pauses: the teacher means to go on.
        self._unpause()
        if command is Command.NEXT:
            return self._step(self.handler.next(), +1)
        if command is Command.BACK:
            return self._step(self.handler.back(), -1)
        if command is Command.SKIP:
            return self.finish("skip")
        if command is Command.REPEAT:
            return self._leave("repeat") + self._enter(self.index)
        if command is Command.ACCEPT:
            return self._step(self.handler.accept(), +1)
        if command is Command.DECLINE:
            return self._step(self.handler.decline(), +1)
        return []

    def _step(self, within: list[Effect] | None, direction: int) -> list[Effect]:
        """The handler stepped inside its item, or (None) the lesson moves to the next/previous item."""
        if within is not None:
            return within
        if direction > 0:
            return self.finish("next")
        previous = self._step_from(self.index, -1)
        if previous is None:
            return []
        self.return_to = None
        return self._leave("back") + self._enter(previous)

    def _toggle_pause(self) -> list[Effect]:
        item = self.item
        assert item is not None
        if self.phase is Phase.RUNNING:
            self._go(Step.PAUSE)
            self.paused_at = self.now()
            paused = ItemPaused(index=self.index, item=item.id, position=round(self.handler.position, 1))
            return [paused.record()] + self.handler.pause(True)
        self._unpause()
        return [ItemResumed(index=self.index, item=item.id).record()] + self.handler.pause(False)

    def _unpause(self, step: Step = Step.RESUME) -> None:
        """Timers go on from where they stood."""
        if self.paused:
            self._paused_total += self.now() - self.paused_at
            self._go(step)

    # ---- PIN ---------------------------------------------------------------------------

    def _pin(self, event: PinDigit | TeacherCommand | LaptopKey) -> list[Effect]:
        purpose = self.pinpad.purpose
        choosing = purpose in (PinPurpose.CHOOSE, PinPurpose.CONFIRM)
        if not isinstance(event, PinDigit):
            if event.command in (Command.QUIT, Command.DECLINE) and not choosing:
                self.pinpad.close()
                self._show_toast(PIN_CANCELLED, 3.0)
            return []
        now = self.now()
        result = self.pinpad.key(event, now)
        if result is PinResult.CLOSED:
            if choosing:
                return [Exit("no PIN chosen")]  # the teacher left: no lesson with the shipped PIN
            self._show_toast(PIN_CANCELLED, 3.0)
            return []
        if result is PinResult.WRONG:
            return [PinRefused(purpose=purpose.value, tries=self.pinpad.wrong_in_a_row,
                               wait=self.pinpad.wait_left(now)).record()]
        if result is not PinResult.RIGHT:
            return []
        if choosing:
            return self._pin_chosen(self.pinpad.chosen)
        if purpose is PinPurpose.UNLOCK:
            self._show_toast(KEYBOARD_OPEN, 4.0)
            return self.keyboard.unlock(now)
        return self._end("teacher")

    # ---- the laptop keyboard ---------------------------------------------------------------

    def _laptop_key(self, event: LaptopKey) -> list[Effect]:
        """A key on the laptop itself: during a lesson it is locked (a child may be at it) and only
        shows the hint; Escape held opens the PIN prompt that unlocks it."""
        now = self.now()
        in_lesson = self.phase in (*_LIVE, Phase.NOTICE)
        if not (self.options.keyboard_lock and in_lesson and self.keyboard.locked(now)):
            if in_lesson and self.marking.is_open:
                self.keyboard.used(now)
                return self._picker_press(event)
            if event.command is None or event.command is Command.UNLOCK:
                return []
            if in_lesson:
                self.keyboard.used(now)
            return self.handle(TeacherCommand(event.command))
        if event.command is Command.UNLOCK:
            self.pinpad.open(now, PinPurpose.UNLOCK)
            return []
        return self.keyboard.key(now)

    # ---- marking children by hand (cinema.core.marking) --------------------------------------

    def _for_picker(self, event: Event) -> bool:
        """The open picker takes the teacher's commands and handset keys; children's cards and answers
        still go to the lesson."""
        if isinstance(event, TeacherCommand):
            return True
        return isinstance(event, ClickerPressed) and self.handsets.is_teacher(event.clicker)

    def _picker_press(self, event: TeacherCommand | ClickerPressed | LaptopKey) -> list[Effect]:
        """A key in the open picker; a choice is journaled only while records reach the disk."""
        saved = self.journal_health is not JournalHealth.FULL
        return self.marking.press(event, self.register, self.index, saved, self.now())

    # ---- choosing the PIN (a real kiosk's first start) ---------------------------------------

    def ask_for_pin(self, then: str = "start", point: ResumePoint | None = None) -> list[Effect]:
        """The PIN is still the shipped default: the teacher chooses one on screen before any lesson;
        then the session starts (`then`: "start", "offer" the resume, or "resume" at `point`)."""
        self._after_pin = (then, point)
        self.pinpad.open(self.now(), PinPurpose.CHOOSE)
        return []

    def _pin_chosen(self, pin: str) -> list[Effect]:
        new = PinHash.make(pin)
        self.pinpad.expected = new
        self.options = replace(self.options, teacher_pin=new, training_pin=False, choose_pin=False)
        self.pinpad.chosen = ""
        then, point = self._after_pin or ("start", None)
        self._after_pin = None
        fx: list[Effect] = [PinChanged(via="kiosk").record(), SavePin(new.salt, new.digest, new.n, new.r, new.p)]
        self._show_toast(PIN_SAVED, 4.0)
        if then == "offer" and point is not None:
            return fx + self.offer_resume(point)
        if then == "resume" and point is not None:
            return fx + self.resume(point)
        return fx + self.start()

    # ---- resume offer --------------------------------------------------------------------

    def _resume_choice(self, event: Event) -> list[Effect]:
        if not isinstance(event, TeacherCommand) or self.resume_point is None:
            return []
        if event.command in (Command.ACCEPT, Command.NEXT):
            return self.resume(self.resume_point)
        if event.command is Command.DECLINE:
            old = self.resume_point
            self.resume_point = None
            self._go(Step.START)
            fx: list[Effect] = [SessionAbandoned(session=old.session_id, index=old.item_index).record(),
                                self._started_record()]
            return fx + self._enter(0)
        return []

    # ---- phones on the hub (cinema/core/phone.py) -------------------------------------------

    def _phone(self, event) -> list[Effect]:
        if isinstance(event, (HubNote, TakeHomeTaken)):
            return phones.note_records(event)
        full = self.journal_health is JournalHealth.FULL
        if isinstance(event, PhoneCommand):
            if event.command not in phones.PHONE_COMMANDS:
                return [phones.reply(event, ReplyStatus.REFUSED)]
            fx: list[Effect] = [HubCommand(device=event.device, command=event.command.value).record()]
            if self.phase is Phase.ENDED:
                return fx + [phones.reply(event, ReplyStatus.CLOSED, phones.NO_LESSON)]
            if self.phase is Phase.RESUME_OFFER:
                fx += self._resume_choice(TeacherCommand(event.command))
            else:
                fx += self._command(event.command)
            return fx + [phones.reply(event, ReplyStatus.RECEIVED)]
        if isinstance(event, PhoneChoose):
            return [phones.reply(event, ReplyStatus.REFUSED, phones.LESSON_RUNNING)]
        if full:
            return [phones.reply(event, ReplyStatus.NOT_SAVED)]
        if isinstance(event, PhoneLink):
            return phones.link(self.roster, self.phones, event)
        if isinstance(event, PhoneMark):
            return self._phone_mark(event)
        # PhoneAnswer: only to the question open now, as the phone saw it.
        if self.phase is not Phase.RUNNING or event.question != self.phone_question_id():
            return [phones.reply(event, ReplyStatus.CLOSED)]
        fx, status = self.handler.phone_answer(event.device, event.key, self.phones.get(event.device))
        return fx + [phones.reply(event, status)]

    def _phone_mark(self, event: PhoneMark) -> list[Effect]:
        """A teacher's phone marks a child present by hand, or takes its own kind of mark back."""
        learner = event.learner_id
        if self.roster is None or self.roster.find(learner) is None:
            return [phones.reply(event, ReplyStatus.REFUSED, phones.NOT_ON_LIST)]
        if self.phase not in (*_LIVE, Phase.NOTICE):
            return [phones.reply(event, ReplyStatus.CLOSED, phones.NO_LESSON)]
        command = HubCommand(device=event.device, command="unmark" if event.undo else "mark", learner_id=learner)
        if event.undo:
            if learner not in self.register.by_hand:
                return [phones.reply(event, ReplyStatus.REFUSED)]  # a card's mark is not taken back by hand
            fx = self.register.undo(learner)
        elif learner in self.register.present:
            return [phones.reply(event, ReplyStatus.RECEIVED)]  # here already (by card or by hand)
        else:
            fx = self.register.mark(learner, self.index)
        return [command.record()] + fx + [phones.reply(event, ReplyStatus.RECEIVED)]

    def phone_question_id(self) -> str:
        return phones.question_id(self.session_id, self.index, getattr(self.handler, "question", 0), self.entries)

    def phone_state(self, view: View | None = None) -> PhoneState:
        """What the hub serves now (cinema/core/phone.py); `view`: this turn's, when the caller has it."""
        view = view or self.view()
        question = None
        if self.phase is Phase.RUNNING:
            question = phones.phone_question(view, self.phone_question_id())
        if self._take_home is None:
            self._take_home = phones.take_home_files(phones.take_home_paths(self.playlist), _file_size)
        live = self.phase not in (Phase.NEW, Phase.ENDED)
        return PhoneState(
            session=self.session_id if live else "", playlist=self.playlist.id, lesson_title=self.playlist.title,
            language=self.playlist.language, screen=view.screen, question=question, paused=self.paused,
            take_home=self._take_home, teacher=self.teacher_view(view=view) if live else None,
            marks=phones.mark_rows(self._class_list, self.register.present, self.register.by_hand),
            menu_language=self.options.menu_language or self.playlist.language)

    # ---- cards ------------------------------------------------------------------------------

    def _scan(self, event: CardScanned) -> list[Effect]:
        """Attendance is taken in any item (late children are scanned during the video)."""
        if self.phase not in (*_LIVE, Phase.NOTICE):
            return []
        pairing = isinstance(self.handler, PairingHandler) and self.phase in _LIVE
        scan = self.register.scan(event.payload, event.source, self.index, show=not pairing, now=self.now())
        if scan.learner is not None and pairing:
            self.handler.card_seen(scan.learner)  # a key pressed next gives that handset to this child
        elif scan.already and self.item is not None and self.item.type == "attendance":
            # Said only where children come to scan: elsewhere the webcam sees cards held up as answers.
            self._show_toast("Already marked")
        return scan.effects

    def _show_toast(self, msg: str, seconds: float = 2.0) -> None:
        self.toast = msg
        self.toast_until = self.now() + seconds
        self._remember_notice(msg)

    def _remember_notice(self, msg: str) -> None:
        self.recent_toasts = [(msg, self.now())] + [t for t in self.recent_toasts if t[0] != msg][:MAX_NOTICES - 1]

    # ---- power, devices, USB -------------------------------------------------------------------

    def _power(self, event: PowerReading) -> list[Effect]:
        before = self.status.battery_percent
        decisions = self.power.observe(event)
        # The minutes until the kiosk saves and stops, the figure the battery advice uses too; the
        # battery's own time to empty only while the policy cannot tell yet.
        minutes = self.power.usable_minutes
        if minutes is None:
            minutes = event.minutes_left if event.minutes_left is not None else self.power.minutes_left
        self.status = StatusBar(event.percent, minutes, event.charging, self.status.attendance, self.status.devices)
        if self.power.charging:
            self.advice = self.teacher_advice = None  # plugged in: the advice on what to skip no longer holds
        fx: list[Effect] = []
        if before is None or event.percent is None or int(before) != int(event.percent):
            fx.append(PowerReadingRecord(percent=event.percent, minutes_left=event.minutes_left,
                                         charging=event.charging).record())
        return fx + self._power_decisions(decisions)

    def _save_power(self) -> list[Effect]:
        """The steps of less work for the new level, journaled; with the lighter copies' step taken,
        a video playing now goes on from its lighter copy where it is (a moment's gap, then half the
        decoding for the rest of it). Paused or stopped it is left as it is, and with the power back
        it ends on the copy it plays: the full picture again from the next item, with no second gap."""
        was = self.saving.on(Saving.LOW_POWER_VIDEO)
        fx: list[Effect] = list(self.saving.follow(self.power.level))
        if was == self.saving.on(Saving.LOW_POWER_VIDEO):
            return fx
        item, handler = self.item, self.handler
        if (not was and self.power.level is Level.LOW and item is not None and item.low_power is not None
                and self.phase is Phase.RUNNING
                and isinstance(handler, MediaHandler) and handler.media_token):
            handler.media_token = self.new_media_token()  # reports about the full file are stale now
            subtitles = str(item.subtitles) if item.subtitles else None
            fx.append(PlayMedia(handler.media_token, str(item.low_power), item.type, round(handler.position, 1),
                                subtitles))
        following = self._following_media(self.index) if self.item is not None else None
        if following is not None:
            fx.append(PreloadMedia(following))  # the next item's file as it will now start
        return fx

    def _power_plan(self) -> LessonPlan:
        return lesson_plan(self.playlist.items, self.index, self.handler.elapsed(), self.durations, self.now())

    def _power_decisions(self, decisions: list[PowerDecision]) -> list[Effect]:
        """Journal every decision; a stop pauses the lesson (the kiosk saves and dims), power back resumes it."""
        fx: list[Effect] = []
        for d in decisions:
            fx.append(d.record())
            if d.action in (Action.WARN, Action.STOP, Action.RESTORE):
                fx += self._save_power()
                work = self.power.work
                fx.append(SetWork(work.brightness, work.tick_seconds, work.camera_rest,
                                  save_now=d.action is Action.STOP))
            if d.action is Action.WARN:
                self._show_toast(MSG_LOW, 5.0)
            elif d.action is Action.STOP:
                if self.phase is Phase.RUNNING and self.item is not None:
                    item = self.item
                    self._go(Step.POWER_STOP)
                    self.paused_at = self.now()
                    fx.append(ItemPaused(index=self.index, item=item.id,
                                         position=round(self.handler.position, 1)).record())
                    fx += self.handler.pause(True)
            elif d.action is Action.RESTORE:
                self._show_toast(MSG_RESTORE, 3.0)
                self.advice = self.teacher_advice = None  # on a charger that keeps up there is nothing to skip
                if self.phase is Phase.POWER_STOPPED and self.item is not None:
                    self._unpause(Step.POWER_BACK)
                    fx.append(ItemResumed(index=self.index, item=self.item.id).record())
                    fx += self.handler.pause(False)
            elif d.action is Action.ADVISE:
                self.advice, self.advice_until, self.teacher_advice = d, self.now() + 15.0, d
        return fx

    def _usb_export(self, event: UsbExport) -> list[Effect]:
        if event.stage == "started":
            self._show_toast(USB_SAVING, 120.0)  # until it is done: the stick must stay in
            return []
        if event.stage == "done":
            self._show_toast(USB_SAVED, 8.0)
            made = ExportMade(records=event.records, first_seq=event.first_seq, last_seq=event.last_seq,
                              file=event.file, to="usb")
            return [made.record(), PlaySound("scan_ok")]
        if event.stage == "nothing":
            self._show_toast(USB_NOTHING, 5.0)
            return []
        self._show_toast(USB_FAILED, 8.0)
        return [ExportFailed(reason=event.reason, to="usb").record(), PlaySound("scan_refused")]

    # ---- the journal's disk ------------------------------------------------------------------------

    def _journal(self, event: JournalState) -> list[Effect]:
        """The loop says how the journal is doing: journal the change, tell the teacher, and while
        records cannot be committed refuse answers and scans instead of showing them accepted."""
        before, self.journal_health = self.journal_health, event.health
        if event.health is before:
            return []
        if event.health is JournalHealth.FULL:
            # Said at once on any screen, then for as long as it lasts where answers or cards are
            # taken (see _toast); the status bar says it everywhere.
            self._show_toast(DISK_FULL, 15.0)
        elif before is JournalHealth.FULL:
            # Room again, even with the reserve gone (RESERVE): "the reserve is in use" would read
            # as if the disk were still full just after the teacher freed some.
            self._show_toast(DISK_BACK, 5.0)
        elif event.health is JournalHealth.RESERVE:
            self._show_toast(DISK_RESERVE, 15.0)
        elif event.health is JournalHealth.LOW:
            self._show_toast(DISK_LOW, 15.0)
        elif event.health is JournalHealth.SET_ASIDE:
            self._show_toast(JOURNAL_SET_ASIDE, 20.0)
        return [JournalTrouble(state=event.health.value, free_bytes=event.free_bytes, pending=event.pending,
                               detail=event.detail[:500]).record()]

    def _takes_in(self, event: Event) -> bool:
        """An answer, a vote or a card: what the lesson takes in from the children (not the teacher's handset)."""
        if isinstance(event, ClickerPressed):
            return not self.handsets.is_teacher(event.clicker)
        return isinstance(event, (CardScanned, CardAnswer, CardsInView, MarkersInView))

    def _refuse(self, event: Event) -> list[Effect]:
        if isinstance(event, CardScanned) and self.phase in (*_LIVE, Phase.NOTICE):
            self.register.remember(ScanLine("", False, DISK_NOT_SAVED))
            return [PlaySound("scan_refused")]
        return []

    def _decoding(self, event: DecodingChanged) -> Effect:
        """The player went on in software decoding: journaled with the item it happened in."""
        ours = bool(event.token) and event.token == self.handler.media_token and self.item is not None
        return MediaDecoding(reason=event.reason, media=event.media, position=round(event.position, 1),
                             index=self.index if ours else -1, item=self.item.id if ours else "").record()

    def _device(self, event: DeviceChanged) -> list[Effect]:
        if self.devices.get(event.name) == event.connected:
            return []
        self.devices[event.name] = event.connected
        self.device_details[event.name] = event.detail
        if not self.register.noise.changed(event.name, self.now()):
            return []  # a flapping cable: counted in the minute's device.noise, its last state journaled then
        self.devices_journaled[event.name] = event.connected
        kind = DeviceConnected if event.connected else DeviceLost
        return [kind(device=event.name, detail=event.detail).record()]

    # ---- time -----------------------------------------------------------------------------------

    def _tick(self) -> list[Effect]:
        now = self.now()
        if self.toast and now >= self.toast_until:
            self.toast = ""
        if self.advice is not None and now >= self.advice_until:
            self.advice = None
        if self.pinpad.expire(now):
            self._show_toast(PIN_TIMED_OUT, 4.0)  # it does not vanish without a word
        if self.marking.expire(now):
            self._show_toast(MARKING_TIMED_OUT, 4.0)
        noise: list[Effect] = []
        for summary in self.register.noise.close_windows(now):
            noise.append(summary.record())
            name = summary.device
            if summary.changes and self.devices.get(name) != self.devices_journaled.get(name):
                kind = DeviceConnected if self.devices[name] else DeviceLost
                noise.append(kind(device=name, detail=self.device_details.get(name, "")).record())
                self.devices_journaled[name] = self.devices[name]
        return noise + self._tick_phase(now)

    def _tick_phase(self, now: float) -> list[Effect]:
        if self.phase is Phase.NOTICE:
            return self._recover() if now >= self.notice_until else []
        if self.phase is not Phase.RUNNING:
            return []
        return self.handler.tick()

    # ---- what the screen shows ------------------------------------------------------------------

    def _device_statuses(self) -> tuple[DeviceStatus, ...]:
        """Each device as it last said, flagged when it sends mostly junk (a noisy scanner, a bad cable)."""
        noisy = self.register.noise.noisy
        names = sorted(set(self.devices) | noisy)
        return tuple(DeviceStatus(n, self.devices.get(n, True), n in noisy) for n in names)

    def _status(self) -> StatusBar:
        status = StatusBar(self.status.battery_percent, self.status.battery_minutes, self.status.charging,
                           len(self.attendance),
                           self._device_statuses())
        if self.journal_health in (JournalHealth.RESERVE, JournalHealth.FULL):
            status = replace(status, disk=self.journal_health.value)
        return status

    def _picker(self):
        if self.phase not in (*_LIVE, Phase.NOTICE):
            return None
        return self.marking.picker(self.register.present, self.register.by_hand)

    def view(self) -> View:
        status = self._status()
        now = self.now()
        pin = self.pinpad.prompt(now)
        common = dict(language=self.playlist.language, item_count=len(self.playlist.items),
                      lesson_title=self.playlist.title, paused=self.paused, status=status, pin=pin,
                      power_advice=self.advice, keyboard_locked=self.keyboard.hint(now) and pin is None,
                      training_pin=self.options.training_pin, picker=self._picker(),
                      still=self.saving.on(Saving.NO_ANIMATIONS))
        if self.phase is Phase.RESUME_OFFER and self.resume_point is not None:
            point = self.resume_point
            idx = min(point.item_index, len(self.playlist.items) - 1)
            body = ResumeBody(self.playlist.title, self.playlist.items[idx].title, idx + 1, len(self.playlist.items))
            return View(Screen.RESUME, body, item_number=0, toast=self._toast(Screen.RESUME), **common)
        number = self.index + 1
        if self.phase is Phase.NOTICE:
            left = max(0, math.ceil(self.notice_until - self.now()))
            body = NoticeBody(FAILURE_MSG.get(self.failed_kind, FAILURE_MSG["video"]), self.failed_detail, left)
            screen = Screen.NOTICE
        elif self.phase is Phase.NEW:  # choosing the PIN before the first item: the lesson's title under it
            body = TitleBody(self.playlist.title)
            screen = Screen.TITLE
        elif self.phase is Phase.ENDED or self.item is None:
            body = ClosingBody(self.playlist.title, len(self.attendance), self.answers)
            screen = Screen.CLOSING
        else:
            screen, body = self.handler.view()
        return View(screen, body, item_number=number, toast=self._toast(screen), **common)

    def _toast(self, screen: Screen) -> str:
        if self.power_stopped:
            return MSG_STOP  # stays up until power is back or the teacher goes on
        if self.journal_health is JournalHealth.FULL and self.phase is not Phase.ENDED and screen in _TAKES_IN:
            # Stays up until records can be committed again, where answers or cards are refused; not
            # over a video's subtitles for the rest of the lesson (the status bar says it there).
            return DISK_FULL
        return "Paused" if self.paused and not self.toast else self.toast

    def teacher_view(self, language: str | None = None, view: View | None = None) -> TeacherView:
        """What the teacher's own window shows beside the projector (see cinema.core.teacher); its words
        are in `language`, else the kiosk's menus (Options.menu_language), else the lesson's. `view`: this
        turn's `view()` when the caller has it (the main loop), so it is not built twice."""
        view = view or self.view()
        now = self.now()
        live = self.phase in _LIVE
        lost_devices = any(not connected for connected in self.devices.values())
        nxt = self.return_to if self.return_to is not None else self._step_from(self.index, +1)
        item_left = self.handler.item_seconds_left() if live else None
        lesson_left = plan = None
        if live or self.phase is Phase.NOTICE:  # a failed item has nothing left to play
            plan = self._power_plan()
            lesson_left = lesson_seconds(plan, item_left if live else 0.0, now)
        calm = answers = None
        if live and isinstance(self.handler, CheckinHandler) and self.handler.results:
            offer = self.handler.offer
            calm = calm_note(self.handler.box.counts(), offer is not None, offer.title if offer else "")
        voters = self.handler.answering() if live else None
        if voters is not None:
            cards = getattr(self.handler, "takes_cards", False)
            answers = answer_list(voters, self, cards=cards,
                                  unknown_cards=tuple(getattr(self.handler, "unknown_cards", ())) if cards else ())
        failed = (view.body.msg, self.failed_detail) if isinstance(view.body, NoticeBody) else None
        notices = notices_now(failed, self, lost_devices, self.recent_toasts, now)
        # The failed item's title goes with its notice while the notice is still listed.
        detail = self.failed_detail if FAILURE_MSG.get(self.failed_kind) in notices else ""
        advice = self.teacher_advice
        if advice is not None and (not self.power.advising or
                                   (advice.skip and all(p.index < self.index for p in advice.skip))):
            advice = None  # the battery lasts now, or every item it named is behind the lesson
        elif advice is not None:  # the same advice with today's numbers (as the status bar's)
            advice = replace(advice, usable_minutes=self.power.usable_minutes, minutes_left=self.power.minutes_left,
                             needs_minutes=(plan or self._power_plan()).needs(now))
        shown = live or self.phase is Phase.NOTICE
        return TeacherView(
            lesson_title=self.playlist.title, language=language or self.options.menu_language or self.playlist.language,
            now=item_of(self.playlist, self.index) if shown else None,
            next=item_of(self.playlist, nxt) if shown else item_of(self.playlist, 0 if self.phase is Phase.NEW else None),
            item_count=len(self.playlist.items), class_screen=view.screen,
            item_seconds_left=None if item_left is None else float(max(0, math.ceil(item_left))),
            lesson_seconds_left=None if lesson_left is None else float(max(0, math.ceil(lesson_left))),
            paused=self.paused, status=view.status, power_advice=advice, calm=calm, answers=answers,
            notices=notices, notice_detail=detail, pin=view.pin, keyboard_locked=view.keyboard_locked,
            picker=view.picker, present=len(self.attendance),
            expected=len(self.roster.learners) if self.roster is not None and self.roster.learners else None,
            training_pin=self.options.training_pin)

    # ---- for the journal's resume table ------------------------------------------------------------

    def resume_state(self) -> tuple[int, float]:
        return self.index, self.handler.position


def _file_size(path) -> int | None:
    """A take-home file's size in bytes; None when it is gone (it is then not offered)."""
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None
