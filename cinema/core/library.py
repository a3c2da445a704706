"""The home screen's lesson library as a state machine: lessons in, the teacher's keys in, a view
and effects out (start this lesson, resume that session, journal the menu language, end the day).

Pure: the kiosk scans the lessons folder (cinema.config.playlists.list_lessons), turns each file
into a `LessonEntry`, and carries out the `StartLesson` and `Exit` effects this hands back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from cinema.core.clock import Clock
from cinema.core.events import (
    Command, DeviceChanged, Effect, Exit, JournalHealth, JournalState, PinDigit, PlaySound, PowerReading, Record,
    TeacherCommand, Tick, UsbExport,
)
from cinema.core.messages import DISK_FULL, USB_FAILED, USB_NOTHING, USB_SAVED, USB_SAVING
from cinema.core import phone as phones
from cinema.core.events import HubNote, PhoneChoose, PhoneCommand, PhoneLink, ReplyStatus, TakeHomeTaken
from cinema.core.phone import PhoneState
from cinema.core.pin import PinPad, PinResult, typed_for_pin
from cinema.core.power import PowerPolicy, shown_minutes
from cinema.core.records import HubCommand
from cinema.core.records import (
    DayEnded, ExportFailed, ExportMade, JournalTrouble, KioskLanguage, LessonChosen, PinRefused,
)
from cinema.core.view import DeviceStatus, LibraryBody, LibraryRow, Screen, StatusBar, View

class Fit(Enum):
    """Whether the battery will last a lesson, by the power planner's figures."""

    UNKNOWN = ""  # no battery reading yet, or no estimate from it
    PLUGGED = "plugged"  # on a charger that keeps up
    LASTS = "lasts"
    SHORT = "short"  # the battery runs out (to the critical level) before the lesson ends


class Mode(Enum):
    BROWSE = "browse"
    PROBLEMS = "problems"  # a broken lesson's problems are shown; any key goes back
    CONFIRM = "confirm"  # starting a lesson would throw the unfinished session away: sure?


class Step(Enum):
    SHOW_PROBLEMS = "show_problems"  # Enter on a broken lesson, or a lesson that stopped loading
    ASK = "ask"  # Enter on a lesson while a session is unfinished
    START = "start"  # a lesson starts (the kiosk leaves the home screen)
    BACK = "back"  # any way back to the list
    HOME = "home"  # a lesson ended: the list again, whatever was on screen


# The one table of the home screen's modes: what each step does from each mode.
TRANSITIONS: dict[tuple[Mode, Step], Mode] = {
    (Mode.BROWSE, Step.SHOW_PROBLEMS): Mode.PROBLEMS,
    (Mode.BROWSE, Step.ASK): Mode.CONFIRM,
    (Mode.BROWSE, Step.START): Mode.BROWSE,
    (Mode.PROBLEMS, Step.SHOW_PROBLEMS): Mode.PROBLEMS,
    (Mode.PROBLEMS, Step.BACK): Mode.BROWSE,
    (Mode.CONFIRM, Step.START): Mode.BROWSE,
    (Mode.CONFIRM, Step.BACK): Mode.BROWSE,
    **{(mode, Step.HOME): Mode.BROWSE for mode in Mode},
}


class RowKind(Enum):
    RESUME = "resume"
    LESSON = "lesson"
    LANGUAGE = "language"
    END_DAY = "end_day"


@dataclass(frozen=True)
class LessonEntry:
    key: str  # the file's name in the lessons folder (unique there)
    playlist_id: str
    title: str
    subject: str | None = None
    language: str = "en"
    minutes: float | None = None  # None: the file could not be read far enough to know
    problems: tuple[str, ...] = ()  # "file:line: key: what — fix" lines; any: it cannot be started
    schedule: tuple[tuple[str, float], ...] = ()  # (energy kind, minutes) of its items in order (lesson_schedule)

    @property
    def usable(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Unfinished:
    """A session that started and never ended (a power cut, a crash, the kiosk stopped)."""

    session_id: str
    playlist_id: str
    title: str
    item_index: int  # 0-based
    item_count: int


@dataclass(frozen=True)
class Move:
    """Up or down a row (the arrow keys; the remote's next/back arrive as TeacherCommands)."""

    rows: int


@dataclass(frozen=True)
class StartLesson:
    """The kiosk opens `key` and starts it (or resumes `resume`); `records` go in its session first,
    then `abandon` is journaled as thrown away, when set."""

    key: str
    records: tuple[Record, ...] = ()
    resume: Unfinished | None = None
    abandon: Unfinished | None = None


@dataclass(frozen=True)
class ListAgain:
    """The menus' language changed: the kiosk reads the lessons again, so their problems are said in it."""


@dataclass(frozen=True)
class _Row:
    kind: RowKind
    entry: LessonEntry | None = None


# What a teacher's phone may do at home besides choosing: move along the list and take or leave an offer.
HOME_COMMANDS = frozenset({Command.NEXT, Command.BACK, Command.ACCEPT, Command.DECLINE})


def _command(event) -> Command | None:
    """The command of a TeacherCommand, or of a key typed on the laptop (events.LaptopKey), else None."""
    if isinstance(event, TeacherCommand) or type(event).__name__ == "LaptopKey":
        command = getattr(event, "command", None)
        return command if isinstance(command, Command) else None
    return None


class _Idle:
    media_token = None  # nothing plays on the home screen


@dataclass
class Library:
    """Feed it events with `handle()`; commit the Records it returns, then carry out StartLesson and
    Exit. Rows: the unfinished session (if any), every lesson, the language, end the day."""

    entries: tuple[LessonEntry, ...]
    clock: Clock
    languages: tuple[str, ...] = ("en",)
    language: str = "en"
    teacher_pin: str = "1234"
    unfinished: Unfinished | None = None
    first: str = ""  # the lesson the cursor starts on (the config's playlist), by key
    power: PowerPolicy | None = None
    left_out: int = 0  # lesson files past the scanning bound, not listed
    # The home screen's own records belong to no session (like exports): a report counts no lesson for them.
    session_id: str = ""
    roster: object = None  # for the devices, which ask the current screen's owner for it
    # Phones linked to children by their card's code (cinema/core/phone.py), shared with every lesson.
    phones: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mode = Mode.BROWSE
        self.index = -1  # no lesson item: nothing for the resume table
        self.state = _Idle()
        self.power = self.power or PowerPolicy(self.clock)
        self.pinpad = PinPad(self.teacher_pin)
        self.journal_health = JournalHealth.OK
        self.free_bytes: int | None = None
        self.battery: PowerReading | None = None
        self.lessons_started = 0
        self.problems_offset = 0
        self.toast, self.toast_until = "", 0.0
        # Each device as it last said (receivers, the camera): on the status bar here, and handed
        # to the lesson's engine when one starts, which journals them in its session.
        self.devices: dict[str, DeviceChanged] = {}
        self._pending: StartLesson | None = None  # waiting for CONFIRM
        self._shown: LessonEntry | None = None  # whose problems are on screen
        self.cursor = 0
        self._place_cursor()

    def _go(self, step: Step) -> None:
        try:
            self.mode = TRANSITIONS[(self.mode, step)]
        except KeyError:
            raise RuntimeError(f"no transition from {self.mode.name} by {step.name}") from None

    # ---- rows -----------------------------------------------------------------------------

    def rows(self) -> list[_Row]:
        rows = [_Row(RowKind.RESUME)] if self.unfinished is not None else []
        rows += [_Row(RowKind.LESSON, e) for e in self.entries]
        if len(self.languages) > 1:
            rows.append(_Row(RowKind.LANGUAGE))
        return rows + [_Row(RowKind.END_DAY)]

    def _place_cursor(self) -> None:
        if self.unfinished is not None:
            self.cursor = 0
            return
        keys = [e.key for e in self.entries]
        self.cursor = keys.index(self.first) if self.first in keys else 0

    def back_home(self, entries: tuple[LessonEntry, ...], unfinished: Unfinished | None, left_out: int = 0) -> None:
        """A lesson ended (or was left): the list as the folder is now, the cursor on that lesson."""
        last = self._pending.key if self._pending is not None else self.first
        self.entries, self.unfinished, self.left_out = entries, unfinished, left_out
        self._go(Step.HOME)
        self._pending, self._shown = None, None
        self.first = last
        self._place_cursor()

    def refused(self, key: str, problems: tuple[str, ...]) -> None:
        """The kiosk could not open the lesson after all (the file changed or went): mark it and show why."""
        self.entries = tuple(replace(e, problems=problems) if e.key == key else e
                             for e in self.entries)
        self._go(Step.SHOW_PROBLEMS)
        self._shown = next(e for e in self.entries if e.key == key)
        self.problems_offset = 0

    def resumable(self) -> LessonEntry | None:
        """The usable lesson the unfinished session was playing, if it is still in the folder."""
        if self.unfinished is None:
            return None
        for e in self.entries:
            if e.playlist_id == self.unfinished.playlist_id and e.usable:
                return e
        return None

    # ---- events ---------------------------------------------------------------------------

    @property
    def pin(self) -> str | None:
        return self.pinpad.typed

    def handle(self, event) -> list[Effect | StartLesson]:
        if isinstance(event, phones.PHONE_EVENTS):
            return self._phone(event)
        if isinstance(event, Tick):
            now = self.clock.monotonic()
            self.pinpad.expire(now)
            if self.toast and now >= self.toast_until:
                self.toast = ""
            return []
        if isinstance(event, DeviceChanged):
            self.devices[event.name] = event
            return []
        if isinstance(event, UsbExport):
            return self._usb_export(event)  # the end of the day, at home, is when the stick goes in
        if isinstance(event, PowerReading):
            self.battery = event
            self.power.observe(event)
            return []
        if isinstance(event, JournalState):
            return self._journal(event)
        # The remote's commands and the laptop's own keys alike: no lesson runs here, so the keyboard
        # (locked during a lesson) is the teacher's.
        command = _command(event)
        typed = typed_for_pin(event) if self.pinpad.is_open else None
        if typed is not None:
            return self._pin(typed)
        if self.pinpad.is_open and (isinstance(event, PinDigit) or command is not None):
            return self._pin(event if isinstance(event, PinDigit) else TeacherCommand(command))
        if isinstance(event, Move):
            return self._move(event.rows)
        if command is None:
            return []
        if self.mode is Mode.PROBLEMS:
            if command in (Command.NEXT, Command.BACK):
                return self._scroll(+1 if command is Command.NEXT else -1)
            self._go(Step.BACK)
            self._shown = None
            return []
        if self.mode is Mode.CONFIRM:
            return self._confirm(command)
        if command in (Command.NEXT, Command.BACK):
            return self._move(+1 if command is Command.NEXT else -1)
        if command is Command.ACCEPT:
            return self._choose(self.rows()[self.cursor])
        if command is Command.QUIT:
            self.pinpad.open(self.clock.monotonic())  # ending the day, as Escape does in a lesson
        return []

    # ---- phones on the hub (cinema/core/phone.py): at home, a teacher's phone chooses the lesson ----

    def _phone(self, event) -> list:
        if isinstance(event, (HubNote, TakeHomeTaken)):
            return phones.note_records(event)
        if isinstance(event, PhoneLink):
            if self.journal_health is JournalHealth.FULL:
                return [phones.reply(event, ReplyStatus.NOT_SAVED)]
            return phones.link(self.roster, self.phones, event)
        if isinstance(event, PhoneChoose):
            return self._phone_choose(event)
        if isinstance(event, PhoneCommand) and event.command in HOME_COMMANDS and not self.pinpad.is_open:
            record = HubCommand(device=event.device, command=event.command.value).record()
            return [record] + self.handle(TeacherCommand(event.command)) + [phones.reply(event, ReplyStatus.RECEIVED)]
        # No lesson here: no question to answer, nobody to mark.
        return [phones.reply(event, ReplyStatus.CLOSED, phones.NO_LESSON)]

    def _phone_choose(self, event: PhoneChoose) -> list:
        if self._pending is not None and self.mode is Mode.BROWSE:
            return [phones.reply(event, ReplyStatus.REFUSED, phones.LESSON_RUNNING)]  # one is starting already
        rows = self.rows()
        at = next((i for i, r in enumerate(rows) if r.kind is RowKind.LESSON and r.entry is not None
                   and r.entry.key == event.key), None)
        if at is None or not rows[at].entry.usable:
            return [phones.reply(event, ReplyStatus.REFUSED, phones.NOT_A_LESSON)]
        if self.mode is not Mode.BROWSE:
            self._go(Step.BACK)
            self._pending, self._shown = None, None
        self.cursor = at
        record = HubCommand(device=event.device, command="choose", lesson=event.key[:200]).record()
        return [record] + self._choose(rows[at]) + [phones.reply(event, ReplyStatus.RECEIVED)]

    def phone_state(self, view: View | None = None) -> PhoneState:
        """What the hub serves at home: no question, the lessons a teacher's phone may start."""
        lessons = tuple(phones.LessonChoice(e.key, e.title or e.key, e.usable) for e in self.entries)
        return PhoneState(session="", playlist="", lesson_title="", language=self.language, screen=Screen.LIBRARY,
                          lessons=lessons[:phones.MAX_MARK_ROWS], menu_language=self.language)

    def _move(self, rows: int) -> list:
        if self.mode is Mode.PROBLEMS:
            return self._scroll(rows)
        if self.mode is Mode.BROWSE:
            self.cursor = (self.cursor + rows) % len(self.rows())  # wraps: a two-button remote reaches every row
        return []

    def _scroll(self, rows: int) -> list:
        count = len(self._shown.problems) if self._shown is not None else 0
        self.problems_offset = min(max(0, self.problems_offset + rows), max(0, count - 1))
        return []

    def _choose(self, row: _Row) -> list:
        if row.kind is RowKind.END_DAY:
            self.pinpad.open(self.clock.monotonic())
            return []
        if row.kind is RowKind.LANGUAGE:
            return self._next_language()
        if row.kind is RowKind.RESUME:
            entry = self.resumable()
            if entry is None:
                return []  # its lesson is gone or broken: the row says so; another lesson starts afresh
            chosen = LessonChosen(playlist=entry.playlist_id, file=entry.key, resume=True).record()
            return self._start(StartLesson(entry.key, (chosen,), resume=self.unfinished))
        entry = row.entry
        assert entry is not None
        if not entry.usable:
            self._go(Step.SHOW_PROBLEMS)
            self._shown, self.problems_offset = entry, 0
            return []
        start = StartLesson(entry.key, (LessonChosen(playlist=entry.playlist_id, file=entry.key).record(),),
                            abandon=self.unfinished)
        if self.unfinished is not None:
            self._go(Step.ASK)
            self._pending = start
            return []
        return self._start(start)

    def _confirm(self, command: Command) -> list:
        if command is Command.ACCEPT and self._pending is not None:
            return self._start(self._pending)
        if command in (Command.DECLINE, Command.QUIT, Command.BACK):
            self._go(Step.BACK)
            self._pending = None
        return []

    def _start(self, start: StartLesson) -> list:
        self._go(Step.START)
        self._pending = start
        self.lessons_started += 1
        return [start]

    def _next_language(self) -> list:
        languages = self.languages
        previous = self.language
        at = languages.index(previous) if previous in languages else -1
        self.language = languages[(at + 1) % len(languages)]
        return [KioskLanguage(language=self.language, previous=previous).record(), ListAgain()]

    def _pin(self, event: PinDigit | TeacherCommand) -> list:
        if isinstance(event, TeacherCommand):
            if event.command in (Command.QUIT, Command.DECLINE):
                self.pinpad.close()
            return []
        result = self.pinpad.key(event, self.clock.monotonic())
        if result is PinResult.RIGHT:
            return [DayEnded(lessons=self.lessons_started).record(), Exit("day ended")]
        if result is PinResult.WRONG:
            now = self.clock.monotonic()
            return [PinRefused(tries=self.pinpad.wrong_in_a_row, wait=round(self.pinpad.wait_left(now), 1)).record()]
        return []

    def _usb_export(self, event: UsbExport) -> list:
        """The stick is being written by the USB watcher: say so, and journal what it saved (as a lesson does)."""
        shown = {"started": (USB_SAVING, 120.0), "done": (USB_SAVED, 8.0), "nothing": (USB_NOTHING, 5.0)}
        self.toast, seconds = shown.get(event.stage, (USB_FAILED, 8.0))
        self.toast_until = self.clock.monotonic() + seconds
        if event.stage == "done":
            return [ExportMade(records=event.records, first_seq=event.first_seq, last_seq=event.last_seq,
                               file=event.file, to="usb").record(), PlaySound("scan_ok")]
        if event.stage in ("started", "nothing"):
            return []
        return [ExportFailed(reason=event.reason, to="usb").record(), PlaySound("scan_refused")]

    def _journal(self, event: JournalState) -> list:
        before, self.journal_health = self.journal_health, event.health
        if event.free_bytes is not None:
            self.free_bytes = event.free_bytes
        if event.health is before:
            return []
        return [JournalTrouble(state=event.health.value, free_bytes=event.free_bytes, pending=event.pending,
                               detail=event.detail[:500]).record()]

    # ---- what the screen shows ----------------------------------------------------------------

    def battery_minutes(self, entry: LessonEntry) -> float | None:
        """Minutes the battery gives this lesson, its items playing in order, to the critical level:
        None on power, before the battery has said how fast it falls, or without the lesson's items."""
        if self.battery is None or not entry.schedule:
            return None
        budget = self.power.budget(entry.schedule)
        return budget.minutes if budget is not None and budget.calibrated else None

    def fit(self, entry: LessonEntry) -> Fit:
        """Whether the battery lasts the lesson: minutes to the critical level against its length,
        with the planner's safety margin."""
        power, reading = self.power, self.battery
        if reading is None or entry.minutes is None:
            return Fit.UNKNOWN
        if power.charging:
            return Fit.PLUGGED
        usable = self.battery_minutes(entry)
        left, percent = power.minutes_left, reading.percent
        if usable is None and (left is None or percent is None or percent <= 0):
            return Fit.UNKNOWN
        if usable is None:  # no rates: the present drain, whatever the lesson plays
            usable = max(0.0, left * (percent - power.critical_percent) / percent)
        needs = entry.minutes + max(power.safety_minutes, entry.minutes * power.safety_margin)
        return Fit.LASTS if usable >= needs else Fit.SHORT

    def _row_view(self, row: _Row) -> LibraryRow:
        if row.kind is RowKind.RESUME:
            u = self.unfinished
            assert u is not None
            entry = self.resumable()
            return LibraryRow(row.kind.value, u.title, item_number=u.item_index + 1, item_count=u.item_count,
                              broken=entry is None,
                              minutes=None if entry is None else entry.minutes,
                              battery=self.fit(entry).value if entry is not None else "")
        if row.kind is RowKind.LESSON:
            e = row.entry
            assert e is not None
            return LibraryRow(row.kind.value, e.title or e.key, subject=e.subject or "", language=e.language,
                              minutes=None if e.minutes is None else max(1, round(e.minutes)),
                              battery=self.fit(e).value if e.usable else "", broken=not e.usable,
                              problems=len(e.problems), battery_minutes=self._shown_battery(e))
        if row.kind is RowKind.LANGUAGE:
            return LibraryRow(row.kind.value, "", language=self.language)
        return LibraryRow(row.kind.value, "")

    def _shown_battery(self, entry: LessonEntry) -> int | None:
        if not entry.usable or self.power.charging:
            return None
        minutes = self.battery_minutes(entry)
        return shown_minutes(minutes) if minutes is not None else None

    def view(self) -> View:
        rows = tuple(self._row_view(r) for r in self.rows())
        shown = self._shown
        pending = self._pending if self.mode is Mode.CONFIRM else None
        disk = ""
        if self.journal_health in (JournalHealth.LOW, JournalHealth.RESERVE, JournalHealth.FULL):
            disk = self.journal_health.value
        body = LibraryBody(
            rows=rows, selected=min(self.cursor, len(rows) - 1), mode=self.mode.value,
            problems=shown.problems if shown is not None and self.mode is Mode.PROBLEMS else (),
            problems_title=(shown.title or shown.key) if shown is not None else "",
            problems_offset=self.problems_offset,
            discard_title=self.unfinished.title if pending is not None and self.unfinished is not None else "",
            chosen_title=self._title_of(pending.key) if pending is not None else "",
            disk=disk, free_mb=None if self.free_bytes is None else self.free_bytes // (1024 * 1024),
            left_out=self.left_out)
        reading = self.battery
        status = StatusBar(reading.percent if reading else None, self.power.minutes_left,
                           self.power.charging if reading else None,
                           devices=tuple(DeviceStatus(d.name, d.connected) for _n, d in sorted(self.devices.items())),
                           disk=self.journal_health.value if self.journal_health in (
                               JournalHealth.RESERVE, JournalHealth.FULL) else "")
        toast = DISK_FULL if self.journal_health is JournalHealth.FULL else self.toast
        return View(Screen.LIBRARY, body, language=self.language, status=status, pin=self.pinpad.prompt(self.clock.monotonic()),
                     toast=toast)

    def teacher_view(self, language: str | None = None, view=None) -> None:
        """The home screen has no teacher view: the teacher window shows the library itself."""
        return None

    def _title_of(self, key: str) -> str:
        return next((e.title or e.key for e in self.entries if e.key == key), key)

    # ---- what the main loop asks of whoever owns the screen ---------------------------------------

    def resume_state(self) -> tuple[int, float]:
        return -1, 0.0


__all__ = ["Fit", "LessonEntry", "Library", "ListAgain", "Mode", "Move", "RowKind", "StartLesson", "Unfinished"]
