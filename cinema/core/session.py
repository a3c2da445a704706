"""The session engine: a state machine over a playlist, fed events, returning effects."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable

from cinema.config.models import Item, Playlist
from cinema.core.activity import AnswerBox
from cinema.core.checkin import CheckinBox, needs_calm
from cinema.core.clock import Clock
from cinema.core.power import (
    MSG_LOW, MSG_RESTORE, MSG_STOP, Action, LessonPlan, PowerDecision, PowerPolicy, lesson_plan,
)
from cinema.core.events import (
    CardAnswer, CardScanned, CardsInView, ClickerPressed, Command, DeviceChanged, Effect, Event, Exit, MediaFailed,
    MediaFinished, MediaPosition, PauseMedia, PinDigit, PlayMedia, PlaySound, PowerReading, UsbExport,
    PreloadMedia, Record, StopMedia, TeacherCommand, Tick,
)
from cinema.core.roster import TEACHER_KEYS, Handsets, Roster, verify_token
from cinema.locale.messages import USB_FAILED, USB_NOTHING, USB_SAVED, USB_SAVING
from cinema.core.view import (
    AttendanceBody, BreakBody, CheckinBody, CheckinResultsBody, ClosingBody, DeviceStatus,
    MediaBody, NoticeBody, OptionTally, PinPrompt, QuestionBody, ResultsBody, ResumeBody, Screen,
    ScanLine, SlideBody, StatusBar, TeamScore, TitleBody, View,
)


class Phase(Enum):
    """Where the session as a whole is."""

    NEW = "new"  # built, not started
    RESUME_OFFER = "resume_offer"  # an unfinished session was found; the teacher chooses
    RUNNING = "running"
    NOTICE = "notice"  # an item failed; a notice shows, then the next item starts
    ENDED = "ended"


class Step(Enum):
    """Transitions between phases; anything not in the table is refused."""

    START = "start"
    OFFER = "offer"
    FAIL = "fail"
    RECOVER = "recover"
    END = "end"


TRANSITIONS: dict[tuple[Phase, Step], Phase] = {
    (Phase.NEW, Step.START): Phase.RUNNING,
    (Phase.NEW, Step.OFFER): Phase.RESUME_OFFER,
    (Phase.RESUME_OFFER, Step.START): Phase.RUNNING,
    (Phase.RUNNING, Step.FAIL): Phase.NOTICE,
    (Phase.NOTICE, Step.RECOVER): Phase.RUNNING,
    (Phase.RUNNING, Step.END): Phase.ENDED,
    (Phase.NOTICE, Step.END): Phase.ENDED,
    (Phase.RESUME_OFFER, Step.END): Phase.ENDED,
}

MEDIA_TYPES = ("video", "audio")
PIN_TIMEOUT = 20.0
PAIRING_WINDOW = 20.0  # seconds after a card scan in which a key press pairs the handset
RECENT_SCANS = 4
FAILURE_MSG = {
    "video": "This video could not be played.",
    "audio": "This audio could not be played.",
    "slides": "This slide could not be shown.",
}


@dataclass(frozen=True)
class ResumePoint:
    """Where an unfinished session was, read back from its journal."""

    session_id: str
    item_index: int
    position: float = 0.0
    attendance: tuple[str, ...] = ()
    answers: int = 0


@dataclass
class ItemState:
    """What the current item is doing; reset whenever an item starts."""

    started_at: float
    slide: int = 0
    slide_started_at: float = 0.0
    question: int = 0
    box: AnswerBox | None = None
    checkin: CheckinBox | None = None
    results: bool = False  # activity/check-in: the results are showing
    media_token: int = 0
    position: float = 0.0
    duration: float | None = None
    start_at: float = 0.0
    paused_for: float = 0.0  # seconds spent paused, taken off timers
    notice_until: float = 0.0
    pairing_learner: str | None = None  # card just scanned on the pairing screen
    pairing_since: float = 0.0
    team_correct: dict[int, int] = field(default_factory=dict)  # team mode, whole activity
    team_answered: dict[int, int] = field(default_factory=dict)


@dataclass
class Options:
    failure_notice_seconds: float = 4.0
    teacher_pin: str = "1234"
    exit_at_end: bool = False
    expected_handsets: int | None = None
    teacher_clickers: frozenset[str] = frozenset()
    power_warn_percent: float = 20.0
    power_critical_percent: float = 8.0


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
        self.state = ItemState(started_at=self.clock.monotonic())
        self.paused = False
        self.paused_at = 0.0
        self.pin: str | None = None
        self.pin_wrong = False
        self.pin_opened_at = 0.0
        self.attendance: set[str] = set()
        self.recent: list[ScanLine] = []
        self.answers = 0
        self.status = StatusBar()
        self.devices: dict[str, bool] = {}
        self.toast = ""
        self.toast_until = 0.0
        self.return_to: int | None = None  # after a calm item taken from a check-in
        self.failed_kind = ""
        self.failed_detail = ""
        self.resume_point: ResumePoint | None = None
        self._token = 0
        self.power = PowerPolicy(self.clock, self.options.power_warn_percent, self.options.power_critical_percent)
        self.power_stopped = False  # the battery is critical: "Saved. Connect power." shows until power is back
        self.power_paused = False  # the stop paused the lesson (not the teacher): power back resumes it
        self.advice: PowerDecision | None = None  # what to skip to finish, shown at the item start
        self.advice_until = 0.0
        self.durations: dict[str, float] = {}  # media lengths learnt while playing, for the power plan

    # ---- phase machine ---------------------------------------------------

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

    def now(self) -> float:
        return self.clock.monotonic()

    # ---- starting --------------------------------------------------------

    def start(self) -> list[Effect]:
        self._go(Step.START)
        return [self._started_record()] + self._enter(0)

    def _started_record(self) -> Record:
        payload = {"playlist": self.playlist.id, "title": self.playlist.title, "subject": self.playlist.subject,
                   "language": self.playlist.language, "items": len(self.playlist.items)}
        if self.roster is not None:
            payload["program"] = self.roster.program  # names the programme in reports and xAPI
        return Record("session.started", payload)

    def offer_resume(self, point: ResumePoint) -> list[Effect]:
        """Show the resume offer; ACCEPT resumes, DECLINE starts a new session."""
        self.resume_point = point
        self._go(Step.OFFER)
        return []

    def resume(self, point: ResumePoint) -> list[Effect]:
        """Continue an unfinished session at the item (and media second) it was on."""
        self.session_id = point.session_id
        self.attendance = set(point.attendance)
        self.answers = point.answers
        self.resume_point = None
        self._go(Step.START)
        index = min(max(point.item_index, 0), len(self.playlist.items) - 1)
        fx: list[Effect] = [Record("session.resumed", {"index": index, "position": round(point.position, 1)})]
        return fx + self._enter(index, start_at=point.position)

    # ---- the event entry point -------------------------------------------

    def handle(self, event: Event) -> list[Effect]:
        if isinstance(event, UsbExport):
            return self._usb_export(event)  # also after the lesson: the usual time to save for the supervisor
        if self.phase is Phase.ENDED:
            return []
        if isinstance(event, Tick):
            return self._tick()
        if isinstance(event, PowerReading):
            return self._power(event)
        if isinstance(event, DeviceChanged):
            return self._device(event)
        if self.pin is not None and isinstance(event, (PinDigit, TeacherCommand)):
            return self._pin(event)
        if isinstance(event, PinDigit):
            return []
        if self.phase is Phase.RESUME_OFFER:
            return self._resume_choice(event)
        if isinstance(event, TeacherCommand):
            return self._command(event.command)
        if isinstance(event, ClickerPressed):
            return self._press(event)
        if isinstance(event, CardScanned):
            return self._scan(event)
        if isinstance(event, CardAnswer):
            return self._card_answer(event)
        if isinstance(event, CardsInView):
            return self._cards_in_view(event)
        if isinstance(event, MediaFinished):
            if event.token == self.state.media_token and self.phase is Phase.RUNNING:
                return self._leave("finished") + self._enter_next()
            return []
        if isinstance(event, MediaFailed):
            if event.token == self.state.media_token and self.phase is Phase.RUNNING:
                return self._fail(event.reason)
            return []
        if isinstance(event, MediaPosition):
            if event.token == self.state.media_token:
                self.state.position = event.seconds
                if event.duration:
                    self.state.duration = event.duration
                    if self.item is not None:
                        self.durations[self.item.id] = event.duration
            return []
        return []

    # ---- items -------------------------------------------------------------

    def _enter(self, index: int, start_at: float = 0.0) -> list[Effect]:
        self.index = index
        item = self.playlist.items[index]
        now = self.now()
        self.state = ItemState(started_at=now, slide_started_at=now, start_at=start_at, position=start_at)
        self.paused = False
        fx: list[Effect] = [Record("item.started", {
            "index": index, "item": item.id, "type": item.type, "title": item.title,
        })]
        if item.type in MEDIA_TYPES:
            if item.media is None:
                return fx + self._fail("no media file")
            self._token += 1
            self.state.media_token = self._token
            fx.append(PlayMedia(self._token, str(item.media), item.type, start_at,
                                str(item.subtitles) if item.subtitles else None))
        elif item.type == "activity" and item.activity is not None:
            self._open_question(0)
        elif item.type == "activity":
            return fx + self._fail("activity not found")
        elif item.type == "checkin":
            self.state.checkin = CheckinBox()
        if item.type in ("attendance", "pairing"):
            self.recent = []
        elif item.type == "slides" and not item.slides:
            return fx + self._fail("no slides")
        nxt = self._following_media(index)
        if nxt is not None:
            fx.append(PreloadMedia(nxt))
        return fx + self._power_decisions(self.power.replan(self._power_plan()))

    def _following_media(self, index: int) -> str | None:
        following = self.return_to if self.return_to is not None else self._step_from(index, +1)
        if following is not None:
            nxt = self.playlist.items[following]
            if nxt.type in MEDIA_TYPES and nxt.media is not None:
                return str(nxt.media)
        return None

    def _leave(self, reason: str) -> list[Effect]:
        item = self.item
        if item is None:
            return []
        fx: list[Effect] = []
        if item.type in MEDIA_TYPES:
            fx.append(StopMedia())
        payload = {"index": self.index, "item": item.id, "type": item.type, "reason": reason,
                   "seconds": round(self.now() - self.state.started_at, 1)}
        fx.append(Record("item.skipped" if reason == "skip" else "item.ended", payload))
        return fx

    def _enter_next(self) -> list[Effect]:
        if self.return_to is not None:
            target, self.return_to = self.return_to, None
            return self._enter(target)
        following = self._step_from(self.index, +1)
        if following is not None:
            return self._enter(following)
        return self._end("completed")

    def _on_offer(self, index: int) -> bool:
        """A check-in's calm item plays only when the teacher takes the offer, never in sequence."""
        item_id = self.playlist.items[index].id
        return any(i.type == "checkin" and i.calm_item == item_id for i in self.playlist.items)

    def _step_from(self, index: int, direction: int) -> int | None:
        index += direction
        while 0 <= index < len(self.playlist.items):
            if not self._on_offer(index):
                return index
            index += direction
        return None

    def _end(self, reason: str) -> list[Effect]:
        fx: list[Effect] = []
        if self.phase is Phase.RUNNING and self.item is not None and self.item.type in MEDIA_TYPES:
            fx.append(StopMedia())
        fx.append(Record("session.ended", {
            "reason": reason, "attendance": len(self.attendance), "answers": self.answers,
            "index": self.index,
        }))
        self._go(Step.END)
        if reason != "completed" or self.options.exit_at_end:
            fx.append(Exit(reason))
        return fx

    def _fail(self, reason: str) -> list[Effect]:
        item = self.item
        assert item is not None
        self.failed_kind = item.type
        self.failed_detail = (item.media.name if item.media else "") if item.type in MEDIA_TYPES else ""
        self.state.notice_until = self.now() + self.options.failure_notice_seconds
        self._go(Step.FAIL)
        fx: list[Effect] = []
        if item.type in MEDIA_TYPES:
            fx.append(StopMedia())
        fx.append(Record("item.failed", {"index": self.index, "item": item.id, "type": item.type,
                                         "reason": reason}))
        return fx

    def _recover(self) -> list[Effect]:
        self._go(Step.RECOVER)
        return self._enter_next()

    # ---- activity questions ---------------------------------------------

    def _open_question(self, number: int) -> None:
        item = self.item
        assert item is not None and item.activity is not None
        self.state.question = number
        self.state.box = AnswerBox(item.activity.questions[number])
        self.state.results = False
        self.state.slide_started_at = self.now()
        self.state.paused_for = 0.0

    def _close_question(self) -> list[Effect]:
        box = self.state.box
        item = self.item
        assert box is not None and item is not None and item.activity is not None
        box.close()
        self.state.results = True
        if item.teams:
            for clicker, key in box.answers.items():
                team = self.handsets.team(clicker, item.teams)
                self.state.team_answered[team] = self.state.team_answered.get(team, 0) + 1
                if box.is_correct(key):
                    self.state.team_correct[team] = self.state.team_correct.get(team, 0) + 1
        return [Record("question.closed", {
            "index": self.index, "item": item.id, "activity": item.activity.id,
            "question": self.state.question, "answered": box.answered, "tally": box.tally(),
            "correct": box.question.correct, "prompt": box.question.prompt,
        })]

    # ---- teacher commands -----------------------------------------------

    def _command(self, command: Command) -> list[Effect]:
        if command is Command.QUIT:
            self.pin = ""
            self.pin_wrong = False
            self.pin_opened_at = self.now()
            return []
        if self.phase is Phase.NOTICE:
            if command in (Command.NEXT, Command.SKIP):
                return self._recover()
            if command is Command.REPEAT:
                self._go(Step.RECOVER)
                return self._enter(self.index)
            return []
        if self.phase is not Phase.RUNNING:
            return []
        item = self.item
        assert item is not None
        if command is Command.PAUSE:
            return self._toggle_pause()
        if self.paused:
            # Moving on while paused un-pauses: the teacher means to go on.
            self._unpause_timers()
        if command is Command.NEXT:
            return self._next_within(item)
        if command is Command.BACK:
            return self._back_within(item)
        if command is Command.SKIP:
            return self._leave("skip") + self._enter_next()
        if command is Command.REPEAT:
            return self._leave("repeat") + self._enter(self.index)
        if command is Command.ACCEPT:
            return self._accept(item)
        if command is Command.DECLINE:
            if item.type == "checkin" and self.state.results:
                return self._leave("next") + self._enter_next()
            return []
        return []

    def _next_within(self, item: Item) -> list[Effect]:
        if item.type == "slides" and self.state.slide + 1 < len(item.slides):
            self.state.slide += 1
            self.state.slide_started_at = self.now()
            self.state.paused_for = 0.0
            return []
        if item.type == "activity" and self.state.box is not None:
            if not self.state.results:
                return self._close_question()
            assert item.activity is not None
            if self.state.question + 1 < len(item.activity.questions):
                self._open_question(self.state.question + 1)
                return []
        if item.type == "checkin" and self.state.checkin is not None and not self.state.results:
            return self._close_checkin(item)
        if self._step_from(self.index, +1) is None and self.return_to is None:
            return self._leave("next") + self._end("completed")
        return self._leave("next") + self._enter_next()

    def _back_within(self, item: Item) -> list[Effect]:
        if item.type == "slides" and self.state.slide > 0:
            self.state.slide -= 1
            self.state.slide_started_at = self.now()
            self.state.paused_for = 0.0
            return []
        if item.type == "activity" and self.state.results and self.state.box is not None:
            return []  # answers are closed; going back would re-open a counted question
        previous = self._step_from(self.index, -1)
        if previous is None:
            return []
        self.return_to = None
        return self._leave("back") + self._enter(previous)

    def _accept(self, item: Item) -> list[Effect]:
        if item.type == "checkin" and self.state.results and item.calm_item:
            target = self.playlist.index_of(item.calm_item)
            if target is None:
                return []
            fx = self._leave("next") + [Record("checkin.calm_accepted", {"index": self.index, "item": item.id,
                                                                         "calm_item": item.calm_item})]
            self.return_to = self._step_from(self.index, +1)
            return fx + self._enter(target)
        return self._next_within(item)

    def _close_checkin(self, item: Item) -> list[Effect]:
        box = self.state.checkin
        assert box is not None
        box.close()
        self.state.results = True
        counts = box.counts()
        calm = bool(item.calm_item) and needs_calm(counts, item.calm_threshold)
        return [Record("checkin.closed", {"index": self.index, "item": item.id, "counts": list(counts),
                                          "offer_calm": calm})]

    def _toggle_pause(self) -> list[Effect]:
        item = self.item
        assert item is not None
        if not self.paused:
            self.paused = True
            self.paused_at = self.now()
            fx: list[Effect] = [Record("item.paused", {"index": self.index, "item": item.id,
                                                       "position": round(self.state.position, 1)})]
            if item.type in MEDIA_TYPES:
                fx.append(PauseMedia(True))
            return fx
        self._unpause_timers()
        fx = [Record("item.resumed", {"index": self.index, "item": item.id})]
        if item.type in MEDIA_TYPES:
            fx.append(PauseMedia(False))
        return fx

    def _unpause_timers(self) -> None:
        self.power_stopped = self.power_paused = False  # the teacher chose to go on: the notice gives way
        if self.paused:
            self.state.paused_for += self.now() - self.paused_at
            self.paused = False

    # ---- PIN ----------------------------------------------------------------

    def _pin(self, event: PinDigit | TeacherCommand) -> list[Effect]:
        assert self.pin is not None
        if isinstance(event, TeacherCommand):
            if event.command in (Command.QUIT, Command.DECLINE):
                self.pin = None
            return []
        if event.cancel:
            self.pin = None
            return []
        if event.submit:
            if self.pin == self.options.teacher_pin:
                self.pin = None
                return self._end("teacher")
            self.pin = ""
            self.pin_wrong = True
            return [Record("pin.refused", {})]
        if event.digit.isdigit() and len(self.pin) < 12:
            self.pin += event.digit
            self.pin_opened_at = self.now()
        return []

    # ---- resume offer -----------------------------------------------------

    def _resume_choice(self, event: Event) -> list[Effect]:
        if not isinstance(event, TeacherCommand) or self.resume_point is None:
            return []
        if event.command in (Command.ACCEPT, Command.NEXT):
            return self.resume(self.resume_point)
        if event.command is Command.DECLINE:
            old = self.resume_point
            self.resume_point = None
            self._go(Step.START)
            fx: list[Effect] = [Record("session.abandoned", {"session": old.session_id, "index": old.item_index}),
                                self._started_record()]
            return fx + self._enter(0)
        return []

    # ---- clickers, cards --------------------------------------------------

    def _press(self, event: ClickerPressed) -> list[Effect]:
        if self.handsets.is_teacher(event.clicker):
            # The teacher's handset drives the lesson, even while paused, and never answers.
            name = TEACHER_KEYS.get(event.key.upper())
            return self._command(Command(name)) if name else []
        if event.key.upper() in ("OK", "UP", "DOWN", "BACK"):
            return []  # navigation keys on a child's handset do nothing
        item = self.item
        if self.phase is not Phase.RUNNING or item is None or self.paused:
            return []
        if item.type == "pairing":
            return self._pair(event.clicker)
        if item.type == "activity" and self.state.box is not None and not self.state.results:
            box = self.state.box
            previous = box.answers.get(event.clicker)
            if previous == event.key.upper() or not box.answer(event.clicker, event.key):
                return []  # pressing the same key again changes nothing
            if previous is None:
                self.answers += 1
            assert item.activity is not None
            payload = self._answer(item, event.clicker, event.key, self.handsets.learner(event.clicker))
            payload["clicker"] = event.clicker
            return [self._answer_record(payload, previous)]
        if item.type == "checkin" and self.state.checkin is not None and not self.state.results:
            vote = self.state.checkin.vote(event.clicker, event.key)
            if vote is None:
                return []
            face, previous = vote
            # The handset id is dropped here: only the face reaches the journal.
            kind = "checkin.recorded" if previous is None else "checkin.changed"
            return [Record(kind, {"index": self.index, "item": item.id, "face": face, "replaces": previous})]
        return []

    def _cards_in_view(self, event: CardsInView) -> list[Effect]:
        item = self.item
        if item is None or not item.answer_by_card:
            return []
        fx: list[Effect] = []
        for payload, key in event.cards:
            if key is not None:
                fx += self._card_answer(CardAnswer(payload, key))
        return fx

    def _card_answer(self, event: CardAnswer) -> list[Effect]:
        """Children without clickers answer by turning their card: one answer per learner, last wins."""
        item = self.item
        if (self.phase is not Phase.RUNNING or item is None or self.paused or item.type != "activity"
                or self.state.box is None or self.state.results or self.roster is None):
            return []
        check = verify_token(event.payload, self.roster.program, self.roster.keys)
        if not check.valid:
            return []
        learner = check.learner_id
        assert learner is not None and item.activity is not None
        box = self.state.box
        voter = f"card:{learner}"
        previous = box.answers.get(voter)
        if previous == event.key.upper() or not box.answer(voter, event.key):
            return []  # the camera sees the same card many times a second: only changes count
        if previous is None:
            self.answers += 1
        payload = self._answer(item, voter, event.key, learner)
        payload.update(clicker=None, via="card")
        return [self._answer_record(payload, previous)]

    @staticmethod
    def _answer_record(payload: dict, previous: str | None) -> Record:
        # A changed answer is its own kind, so that reports count answers from the kind index
        # without reading every payload; the last answer of a voter is the one that counts.
        if previous is None:
            return Record("answer.recorded", payload)
        return Record("answer.changed", dict(payload, replaces=previous))

    def _answer(self, item: Item, voter: str, key: str, learner: str | None) -> dict:
        """The answer.recorded payload: what was answered, right or not, by whom (if paired), team."""
        assert item.activity is not None and self.state.box is not None
        key = key.upper()
        payload = {"index": self.index, "item": item.id, "activity": item.activity.id,
                   "question": self.state.question, "key": key, "correct": self.state.box.is_correct(key)}
        if learner is not None:
            payload["learner_id"] = learner
        if item.teams:
            payload["team"] = self.handsets.team(voter, item.teams)
        return payload

    def _pair(self, clicker: str) -> list[Effect]:
        learner = self.state.pairing_learner
        if learner is None or self.now() - self.state.pairing_since > PAIRING_WINDOW:
            return []
        self.state.pairing_learner = None
        if self.handsets.learner(clicker) == learner:
            return []
        before = self.handsets.learner(clicker)
        swapped = self.handsets.pair(clicker, learner)
        assert self.roster is not None
        self._remember(ScanLine(self.roster.label(learner), True))
        return [Record("handset.paired", {"clicker": clicker, "learner_id": learner, "replaces": swapped,
                                          "was_learner": before}), PlaySound("scan_ok")]

    def _scan(self, event: CardScanned) -> list[Effect]:
        if self.phase not in (Phase.RUNNING, Phase.NOTICE):
            return []
        if self.roster is None:
            return [Record("attendance.refused", {"reason": "no roster", "source": event.source})]
        check = verify_token(event.payload, self.roster.program, self.roster.keys)
        if not check.valid:
            reason = check.reason
            self._remember(ScanLine("", False, reason))
            return [Record("attendance.refused", {"reason": reason, "source": event.source}),
                    PlaySound("scan_refused")]
        learner = check.learner_id
        assert learner is not None
        if self.item is not None and self.item.type == "pairing" and self.phase is Phase.RUNNING:
            self.state.pairing_learner = learner
            self.state.pairing_since = self.now()
            if learner in self.attendance:
                return []
        elif learner in self.attendance:
            self._show_toast("Already marked")
            return []
        self.attendance.add(learner)
        payload = {"learner_id": learner, "source": event.source, "index": self.index}
        if check.old_key:
            # Still accepted during the grace period after a key change; the teacher should reprint it.
            payload["old_key"] = True
            self._remember(ScanLine(self.roster.label(learner), True, "Print a new card for this child"))
        else:
            self._remember(ScanLine(self.roster.label(learner), True))
        return [Record("attendance.scanned", payload), PlaySound("scan_ok")]

    def _remember(self, line: ScanLine) -> None:
        self.recent.insert(0, line)
        del self.recent[RECENT_SCANS:]

    def _show_toast(self, msg: str, seconds: float = 2.0) -> None:
        self.toast = msg
        self.toast_until = self.now() + seconds

    # ---- power, devices ---------------------------------------------------

    def _power(self, event: PowerReading) -> list[Effect]:
        before = self.status.battery_percent
        decisions = self.power.observe(event)
        minutes = event.minutes_left if event.minutes_left is not None else self.power.minutes_left
        self.status = StatusBar(event.percent, minutes, event.charging, self.status.attendance, self.status.devices)
        fx: list[Effect] = []
        if before is None or event.percent is None or int(before) != int(event.percent):
            fx.append(Record("power.reading", {"percent": event.percent, "minutes_left": event.minutes_left,
                                               "charging": event.charging}))
        return fx + self._power_decisions(decisions)

    def _power_plan(self) -> LessonPlan:
        item = self.item
        elapsed = self.state.position if item is not None and item.type in MEDIA_TYPES \
            else self.now() - self.state.started_at - self.state.paused_for
        return lesson_plan(self.playlist.items, self.index, elapsed, self.durations, self.now())

    def _power_decisions(self, decisions: list[PowerDecision]) -> list[Effect]:
        """Journal every decision; a stop pauses the lesson (the kiosk saves and dims), power back resumes it."""
        fx: list[Effect] = []
        for d in decisions:
            fx.append(d.record())
            if d.action is Action.WARN:
                self._show_toast(MSG_LOW, 5.0)
            elif d.action is Action.STOP:
                if self.phase is Phase.RUNNING and self.item is not None and not self.paused:
                    fx += self._toggle_pause()
                    self.power_paused = True
                self.power_stopped = True
            elif d.action is Action.RESTORE:
                self._show_toast(MSG_RESTORE, 3.0)
                if self.power_paused and self.paused:
                    fx += self._toggle_pause()
                self.power_stopped = self.power_paused = False
            elif d.action is Action.ADVISE:
                self.advice, self.advice_until = d, self.now() + 15.0
        return fx

    def _usb_export(self, event: UsbExport) -> list[Effect]:
        if event.stage == "started":
            self._show_toast(USB_SAVING, 120.0)  # until it is done: the stick must stay in
            return []
        if event.stage == "done":
            self._show_toast(USB_SAVED, 8.0)
            return [Record("export.made", {"records": event.records, "first_seq": event.first_seq,
                                           "last_seq": event.last_seq, "file": event.file, "to": "usb"}),
                    PlaySound("scan_ok")]
        if event.stage == "nothing":
            self._show_toast(USB_NOTHING, 5.0)
            return []
        self._show_toast(USB_FAILED, 8.0)
        return [Record("export.failed", {"reason": event.reason, "to": "usb"}), PlaySound("scan_refused")]

    def _device(self, event: DeviceChanged) -> list[Effect]:
        if self.devices.get(event.name) == event.connected:
            return []
        self.devices[event.name] = event.connected
        kind = "device.connected" if event.connected else "device.lost"
        return [Record(kind, {"device": event.name, "detail": event.detail})]

    # ---- time -----------------------------------------------------------------

    def _tick(self) -> list[Effect]:
        now = self.now()
        if self.toast and now >= self.toast_until:
            self.toast = ""
        if self.advice is not None and now >= self.advice_until:
            self.advice = None
        if self.pin is not None and now - self.pin_opened_at > PIN_TIMEOUT:
            self.pin = None
        if self.phase is Phase.NOTICE:
            if now >= self.state.notice_until:
                return self._recover()
            return []
        if self.phase is not Phase.RUNNING or self.paused:
            return []
        item = self.item
        assert item is not None
        left = self._seconds_left(item)
        if left is None or left > 0:
            return []
        if item.type == "slides":
            return self._next_within(item)
        if item.type == "activity":
            if not self.state.results:
                return self._close_question()
            return []
        if item.type == "break":
            return [PlaySound("timer_done")] + self._leave("finished") + self._enter_next()
        if item.type == "title":
            return self._leave("finished") + self._enter_next()
        return []

    def _seconds_left(self, item: Item) -> float | None:
        """Time left on the current timer, None when the teacher advances."""
        now = self.now() if not self.paused else self.paused_at
        if item.type == "slides" and item.seconds:
            return item.seconds - (now - self.state.slide_started_at - self.state.paused_for)
        if item.type == "activity" and item.activity is not None and item.activity.seconds:
            if self.state.results:
                return None
            return item.activity.seconds - (now - self.state.slide_started_at - self.state.paused_for)
        if item.type in ("break", "title") and item.seconds:
            return item.seconds - (now - self.state.started_at - self.state.paused_for)
        return None

    # ---- what the screen shows -----------------------------------------------

    def view(self) -> View:
        status = StatusBar(self.status.battery_percent, self.status.battery_minutes, self.status.charging,
                           len(self.attendance),
                           tuple(DeviceStatus(n, ok) for n, ok in sorted(self.devices.items())))
        pin = PinPrompt(len(self.pin), self.pin_wrong) if self.pin is not None else None
        common = dict(language=self.playlist.language, item_count=len(self.playlist.items),
                      lesson_title=self.playlist.title, paused=self.paused, status=status, pin=pin,
                      toast=self._toast(), power_advice=self.advice)
        if self.phase is Phase.RESUME_OFFER and self.resume_point is not None:
            point = self.resume_point
            idx = min(point.item_index, len(self.playlist.items) - 1)
            body = ResumeBody(self.playlist.title, self.playlist.items[idx].title, idx + 1, len(self.playlist.items))
            return View(Screen.RESUME, body, item_number=0, **common)
        number = self.index + 1
        if self.phase is Phase.NOTICE:
            left = max(0, math.ceil(self.state.notice_until - self.now()))
            body = NoticeBody(FAILURE_MSG.get(self.failed_kind, "This video could not be played."),
                              self.failed_detail, left)
            return View(Screen.NOTICE, body, item_number=number, **common)
        if self.phase is Phase.ENDED or self.item is None:
            body = ClosingBody(self.playlist.title, len(self.attendance), self.answers)
            return View(Screen.CLOSING, body, item_number=number, **common)
        screen, body = self._body(self.item)
        return View(screen, body, item_number=number, **common)

    def _toast(self) -> str:
        if self.power_stopped:
            return MSG_STOP  # stays up until power is back or the teacher goes on
        return "Paused" if self.paused and not self.toast else self.toast

    def _body(self, item: Item):
        left = self._seconds_left(item)
        left_whole = None if left is None else max(0, math.ceil(left))
        if item.type == "title":
            return Screen.TITLE, TitleBody(item.title or self.playlist.title, item.subtitle)
        if item.type == "closing":
            return Screen.CLOSING, ClosingBody(item.title or self.playlist.title, len(self.attendance), self.answers)
        if item.type in MEDIA_TYPES:
            screen = Screen.VIDEO if item.type == "video" else Screen.AUDIO
            # Position is rounded to whole seconds so the view changes once a second, not every frame.
            return screen, MediaBody(str(item.media), item.title, float(int(self.state.position)),
                                     self.state.duration)
        if item.type == "slides":
            return Screen.SLIDES, SlideBody(str(item.slides[self.state.slide]), self.state.slide,
                                            len(item.slides), left_whole)
        if item.type == "activity":
            assert item.activity is not None and self.state.box is not None
            box = self.state.box
            question = box.question
            total = len(item.activity.questions)
            if self.state.results:
                tally = box.tally()
                options = tuple(OptionTally(o.key, o.text, tally[o.key], o.key == question.correct)
                                for o in question.options)
                teams = tuple(TeamScore(t, self.state.team_correct.get(t, 0), self.state.team_answered.get(t, 0))
                              for t in range(1, (item.teams or 0) + 1))
                return Screen.RESULTS, ResultsBody(question.prompt, options, box.answered, self.state.question + 1,
                                                   total, question.correct is not None, teams)
            options = tuple(OptionTally(o.key, o.text) for o in question.options)
            return Screen.QUESTION, QuestionBody(question.prompt, options, box.answered,
                                                 self.options.expected_handsets, self.state.question + 1,
                                                 total, left_whole, str(question.image) if question.image else None)
        if item.type == "checkin":
            box = self.state.checkin
            assert box is not None
            prompt = item.prompt or item.title
            if self.state.results:
                counts = box.counts()
                calm = bool(item.calm_item) and needs_calm(counts, item.calm_threshold)
                calm_title = ""
                if calm and item.calm_item:
                    target = self.playlist.index_of(item.calm_item)
                    calm_title = self.playlist.items[target].title if target is not None else ""
                return Screen.CHECKIN_RESULTS, CheckinResultsBody(prompt, counts, calm, calm_title)
            return Screen.CHECKIN, CheckinBody(prompt, box.answered)
        if item.type == "attendance":
            expected = len(self.roster.learners) if self.roster and self.roster.learners else None
            return Screen.ATTENDANCE, AttendanceBody(len(self.attendance), expected, tuple(self.recent))
        if item.type == "pairing":
            waiting = ""
            if self.state.pairing_learner and self.roster is not None \
                    and self.now() - self.state.pairing_since <= PAIRING_WINDOW:
                waiting = self.roster.label(self.state.pairing_learner)
            expected = len(self.attendance) or None
            return Screen.PAIRING, AttendanceBody(len(self.handsets.learner_by_clicker), expected,
                                                  tuple(self.recent), waiting)
        if item.type == "break":
            total = item.seconds or 0.0
            return Screen.BREAK, BreakBody(item.title, float(left_whole or 0), total)
        return Screen.TITLE, TitleBody(item.title)

    # ---- for the journal's resume table ------------------------------------

    def resume_state(self) -> tuple[int, float]:
        return self.index, self.state.position


def replay_point(session_id: str, records: Iterable[tuple[str, dict]]) -> ResumePoint:
    """Where an unfinished session stood, from its records (kind, payload) in order."""
    index = 0
    attendance: list[str] = []
    answered: set[tuple] = set()
    for kind, payload in records:
        if kind == "item.started":
            index = int(payload.get("index", 0))
        elif kind == "attendance.scanned":
            if payload.get("learner_id") not in attendance:
                attendance.append(payload["learner_id"])
        elif kind == "answer.recorded":
            answered.add((payload.get("index"), payload.get("question"), payload.get("clicker")))
        elif kind == "session.resumed":
            index = int(payload.get("index", 0))
    return ResumePoint(session_id, index, 0.0, tuple(attendance), len(answered))
