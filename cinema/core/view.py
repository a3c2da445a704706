"""What the screen should show: a frozen snapshot the engine builds and the display draws.

Strings here are either content (titles, questions: already in the lesson's language)
or message ids (`msg` fields: English source strings the display passes through gettext).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from cinema.core.power import PowerDecision


class Screen(Enum):
    TITLE = "title"
    VIDEO = "video"
    SLIDES = "slides"
    AUDIO = "audio"
    QUESTION = "question"  # an activity question is open, answers coming in
    RESULTS = "results"  # bar chart after the teacher closes the question
    CHECKIN = "checkin"  # five faces, votes coming in
    CHECKIN_RESULTS = "checkin_results"
    ATTENDANCE = "attendance"
    PAIRING = "pairing"  # a child scans their card, then presses a key on a handset
    BREAK = "break"
    CLOSING = "closing"
    NOTICE = "notice"  # something failed; moving on shortly
    RESUME = "resume"  # an unfinished session was found
    CONTENT_ERROR = "content_error"  # the playlist/config could not be loaded
    LIBRARY = "library"  # the home screen: the lessons to choose from


@dataclass(frozen=True)
class DeviceStatus:
    name: str  # e.g. "clickers", "camera", "simulated class"
    connected: bool
    noisy: bool = False  # it sends mostly junk (see cinema.core.noise)


@dataclass(frozen=True)
class StatusBar:
    battery_percent: float | None = None
    battery_minutes: float | None = None
    charging: bool | None = None
    attendance: int = 0
    devices: tuple[DeviceStatus, ...] = ()
    disk: str = ""  # "reserve": the journal's disk filled up, the reserve is in use; "full": records not saved


@dataclass(frozen=True)
class TitleBody:
    title: str
    subtitle: str = ""


@dataclass(frozen=True)
class MediaBody:
    """Video or audio. The player draws video frames; the display draws around them."""

    path: str
    title: str
    position: float = 0.0  # seconds played, as last reported
    duration: float | None = None
    seeking: bool = False  # the teacher moved it back or on a moment ago: the time bar shows


@dataclass(frozen=True)
class SlideBody:
    image: str  # path of the image file
    index: int  # 0-based slide number
    count: int
    seconds_left: float | None = None  # None: the teacher advances


@dataclass(frozen=True)
class OptionTally:
    key: str  # what the child presses: "A".."F", "0".."9", "T"/"F"
    text: str
    count: int = 0
    correct: bool = False


@dataclass(frozen=True)
class Voter:
    """One chip of the answered grid on the projector: a handset's number, never a child's name."""

    label: str  # the handset's number (its id's last digits)
    answered: bool
    team: int | None = None  # team mode: 1-based team, drawn in the team's colour


@dataclass(frozen=True)
class QuestionBody:
    prompt: str
    options: tuple[OptionTally, ...]  # counts are hidden (zero) while the question is open
    answered: int  # how many handsets and cards have answered
    expected: int | None  # children present (or handsets known in the room), if any
    question_number: int  # 1-based
    question_count: int
    seconds_left: float | None = None
    image: str | None = None
    seconds_total: float | None = None  # the question's time limit, for the countdown ring
    voters: tuple[Voter, ...] = ()  # the answered grid: handsets in the room, lit once they answered
    everyone: bool = False  # everyone present has answered
    team_names: tuple[str, ...] = ()  # team mode: a name per team (content, already translated)
    cards: bool = False  # the question takes answer cards held up to the camera (answer_by_card)


@dataclass(frozen=True)
class TeamScore:
    team: int  # 1-based
    correct: int
    answered: int


@dataclass(frozen=True)
class ResultsBody:
    prompt: str
    options: tuple[OptionTally, ...]  # with counts and the right answer marked
    answered: int
    question_number: int
    question_count: int
    has_correct: bool  # False for polls
    teams: tuple[TeamScore, ...] = ()  # team mode: right answers per team so far in this activity
    revealed: bool = True  # False: the counts are up, the right answer not shown yet (the reveal step)
    team_names: tuple[str, ...] = ()  # team mode: a name per team (content); empty: "Team n"


@dataclass(frozen=True)
class CheckinBody:
    prompt: str
    answered: int


@dataclass(frozen=True)
class CheckinResultsBody:
    prompt: str
    counts: tuple[int, int, int, int, int]  # face 1 (very sad) .. face 5 (very happy)
    offer_calm: bool  # the room needs a calm-down: the teacher is offered the calm item
    calm_title: str = ""


@dataclass(frozen=True)
class ScanLine:
    label: str  # first name if the roster has it, else learner id; "" for refused cards
    accepted: bool
    msg: str = ""  # message id for a refused card, e.g. "Card not recognised"


@dataclass(frozen=True)
class AttendanceBody:
    count: int  # children marked present (pairing screen: handsets paired)
    expected: int | None  # roster size, if known
    recent: tuple[ScanLine, ...] = ()  # newest first, at most a few
    waiting: str = ""  # pairing screen: whose card was just scanned, waiting for a key press


@dataclass(frozen=True)
class BreakBody:
    title: str
    seconds_left: float
    seconds_total: float


@dataclass(frozen=True)
class ClosingBody:
    title: str
    attendance: int
    answers: int
    subtitle: str = ""  # the closing item's smaller line ("See you next time")


@dataclass(frozen=True)
class NoticeBody:
    msg: str  # message id, e.g. "This video could not be played."
    detail: str = ""  # the failed item's title (content), or its file name when it has none
    seconds_left: float | None = None


@dataclass(frozen=True)
class ResumeBody:
    playlist_title: str
    item_title: str
    item_number: int  # 1-based
    item_count: int


@dataclass(frozen=True)
class ContentErrorBody:
    problems: tuple[str, ...]  # "file:line: key: what is wrong — how to fix" lines
    first: int = 0  # the first problem on the page shown (the teacher pages with → and ←)


@dataclass(frozen=True)
class LibraryRow:
    """One row of the home screen. `kind`: resume, lesson, language or end_day."""

    kind: str
    title: str  # the lesson's title (content, in its own language); "" for language and end_day
    subject: str = ""
    language: str = ""  # the lesson's language; for the language row, the kiosk's
    minutes: int | None = None
    battery: str = ""  # cinema.core.library.Fit: "", "plugged", "lasts", "short"
    battery_minutes: int | None = None  # on battery: minutes it gives this lesson (cinema.core.energy)
    broken: bool = False  # it cannot be started (content problems; resume: its lesson is gone)
    problems: int = 0
    item_number: int = 0  # resume: where the unfinished session was (1-based)
    item_count: int = 0


@dataclass(frozen=True)
class LibraryBody:
    rows: tuple[LibraryRow, ...]
    selected: int
    mode: str = "browse"  # browse; problems: a broken lesson's problems; confirm: throw a session away?
    problems: tuple[str, ...] = ()
    problems_title: str = ""
    problems_offset: int = 0  # the first problem shown (the teacher scrolls with up/down)
    discard_title: str = ""  # confirm: the unfinished lesson that would be thrown away
    chosen_title: str = ""  # confirm: the lesson that would start instead
    disk: str = ""  # "low", "reserve" or "full": said at the top of the list
    free_mb: int | None = None
    left_out: int = 0  # lesson files not listed (past the scanning bound)


Body = (
    TitleBody | MediaBody | SlideBody | QuestionBody | ResultsBody | CheckinBody
    | CheckinResultsBody | AttendanceBody | BreakBody | ClosingBody | NoticeBody
    | ResumeBody | ContentErrorBody | LibraryBody
)


@dataclass(frozen=True)
class PinPrompt:
    digits: int  # how many digits typed so far (shown as dots)
    wrong: bool = False
    purpose: str = "quit"  # "quit" | "unlock" (the keyboard) | "choose" | "confirm" (a new PIN, first start)
    wait_seconds: int = 0  # too many wrong tries: seconds until the next try is taken
    tries_left: int = 5  # wrong tries left before a wait
    problem: str = ""  # choosing: why the last new PIN was refused (message id)


@dataclass(frozen=True)
class JoinInfo:
    """The offline hub's way in, drawn on the projector: a Wi-Fi QR code, the page's QR code and its
    short session code. The main loop adds it to the view (the engine never sees the hub)."""

    url: str  # the page with the session code, e.g. http://10.42.0.1:8080/?c=K7P2
    code: str  # the short session code (changes with each lesson)
    wifi_qr: str = ""  # "WIFI:T:WPA;S:<name>;P:<password>;;" (escaped), "" when no Wi-Fi name is configured
    wifi_name: str = ""
    phones: int = 0  # phones connected now


@dataclass(frozen=True)
class View:
    screen: Screen
    body: Body
    language: str = "en"
    item_number: int = 0  # 1-based position in the playlist (0 before the first item)
    item_count: int = 0
    lesson_title: str = ""
    paused: bool = False
    status: StatusBar = field(default_factory=StatusBar)
    pin: PinPrompt | None = None  # PIN prompt drawn over the screen when set
    toast: str = ""  # a short message id shown briefly over the screen (e.g. "Paused")
    power_advice: PowerDecision | None = None  # what to skip to finish: draw power.describe(it, _)
    keyboard_locked: bool = False  # a key was pressed on the locked laptop keyboard: show the hint
    training_pin: bool = False  # the PIN is the shipped default (a training run): the hint may say it
    picker: "MarkPicker | None" = None  # marking children by hand (one display: drawn over the screen)
    join: JoinInfo | None = None  # the hub is serving: how phones join (drawn on the projector)
    still: bool = False  # below the battery's warning level: nothing moves that tells nothing (no animations)


# ---- the teacher screen (presenter mode: the laptop's own screen beside the projector) ----------


@dataclass(frozen=True)
class TeacherItem:
    """An item of the lesson as the teacher screen names it."""

    title: str  # content, in the lesson's language
    kind: str  # the playlist item's type: video, slides, audio, activity, checkin, attendance, pairing, ...
    number: int  # 1-based


@dataclass(frozen=True)
class AnswerList:
    """Who has and has not answered what is open now (a question or a check-in). Labels are first names
    from the roster (else learner ids), or "#1234" for a handset given to nobody. Bounded lists; `more_*`
    say how many were left out. On the teacher screen only: never drawn on the class window."""

    answered: tuple[str, ...]
    waiting: tuple[str, ...]
    more_answered: int = 0
    more_waiting: int = 0
    unpaired: int = 0  # answers from handsets given to nobody: any child listed as waiting may have given one
    phones: int = 0  # answers from phones on the hub not linked to a card: likewise anyone's (not in `answered`)
    # A question answered by holding up cards: the teacher sees every child, read or not yet, in one
    # grid (the chips stay in place as the camera reads them), not only who is missing.
    grid: bool = False
    unknown_cards: tuple[int, ...] = ()  # answer card numbers held up that are nobody's in the roster (or ambiguous)


@dataclass(frozen=True)
class CalmNote:
    """A closed check-in as the teacher sees it. `low` (answers on the two saddest faces) is None when
    fewer than 5 answered: no counts anywhere, so no child can be singled out."""

    answers: int
    low: int | None
    offered: bool  # the calm item is offered: Enter takes it, N declines
    calm_title: str = ""


@dataclass(frozen=True)
class PickRow:
    label: str  # first name from the roster, else learner id
    state: str  # "absent"; "card" (marked by a card); "teacher" (marked by hand: choosing it again undoes it)


@dataclass(frozen=True)
class MarkPicker:
    """Marking children by hand: the roster's children matching the letters typed, one chosen."""

    query: str
    rows: tuple[PickRow, ...]
    selected: int  # index into rows; -1 when nothing matches
    more: int = 0  # matches not listed
    message: str = ""  # message id after the last choice, e.g. "Marked present"


@dataclass(frozen=True)
class TeacherView:
    """What the teacher window shows beside the projector: the lesson's place and time, the battery,
    the calm offer, who has not answered, notices and problems, the PIN prompt, marking by hand."""

    lesson_title: str
    language: str  # words on the teacher screen are in this language (the kiosk's menus)
    now: TeacherItem | None
    next: TeacherItem | None
    item_count: int
    class_screen: Screen  # what the class window shows now
    item_seconds_left: float | None = None
    lesson_seconds_left: float | None = None  # the rest of this item and every later one (estimated)
    paused: bool = False
    status: StatusBar = field(default_factory=StatusBar)
    power_advice: PowerDecision | None = None
    calm: CalmNote | None = None
    answers: AnswerList | None = None
    notices: tuple[str, ...] = ()  # message ids, newest first (teacher toasts, a failed item, disk, devices)
    notice_detail: str = ""  # the failed item's title, when a notice is about one
    pin: PinPrompt | None = None
    keyboard_locked: bool = False
    picker: MarkPicker | None = None
    present: int = 0
    expected: int | None = None  # roster size, if known
    training_pin: bool = False
