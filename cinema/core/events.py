"""Input events the engine is fed, and the effects it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


# ---- input events -------------------------------------------------------


class Command(Enum):
    """What the teacher can ask for (keyboard, presenter remote, teacher clicker)."""

    NEXT = "next"
    BACK = "back"
    PAUSE = "pause"  # toggles pause / resume
    REPEAT = "repeat"
    SKIP = "skip"
    ACCEPT = "accept"  # Enter / OK: take the offer on screen (calm activity, resume)
    DECLINE = "decline"
    QUIT = "quit"  # asks for the PIN
    UNLOCK = "unlock"  # Escape held on the laptop keyboard: asks for the PIN to open the keyboard
    SEEK_BACK = "seek_back"  # a video or audio item: 10 s back (SEEK_SECONDS)
    SEEK_FORWARD = "seek_forward"  # 10 s on
    SEEK_BACK_LONG = "seek_back_long"  # 30 s back (the second key)
    SEEK_FORWARD_LONG = "seek_forward_long"  # 30 s on
    CAPTIONS = "captions"  # toggles a video's captions (its subtitles) on / off
    MARK = "mark"  # opens (or closes) marking children by hand: the roster to mark a child present


# Seconds each seek command moves a video or audio item (negative: back).
SEEK_SECONDS = {
    Command.SEEK_BACK: -10.0, Command.SEEK_FORWARD: 10.0,
    Command.SEEK_BACK_LONG: -30.0, Command.SEEK_FORWARD_LONG: 30.0,
}


@dataclass(frozen=True)
class TeacherCommand:
    command: Command


@dataclass(frozen=True)
class LaptopKey:
    """A key typed on the laptop's own keyboard (not a configured presenter remote or keypad).
    During a lesson the keyboard is locked: the engine shows a hint instead of obeying, until the
    teacher opens it with the PIN. `command` is None for keys that mean nothing.

    While the teacher marks children by hand the same keys type a name instead: `text` is the
    character the key typed (any script; "" for keys that type none) and `key` names the keys that
    move in a list ("up", "down", "backspace")."""

    command: Command | None = None
    # Not compared: two presses of the same command are the same to a lesson, whatever was typed.
    text: str = field(default="", compare=False)
    key: str = field(default="", compare=False)


@dataclass(frozen=True)
class PinDigit:
    """A digit typed while the PIN prompt is open ("" with done=True submits, cancel closes)."""

    digit: str = ""
    submit: bool = False
    cancel: bool = False


@dataclass(frozen=True)
class ClickerPressed:
    clicker: str
    key: str


@dataclass(frozen=True)
class CardScanned:
    payload: str
    source: str = "camera"


@dataclass(frozen=True)
class CardAnswer:
    """A card held up with one letter's edge on top ("answer by card"): the camera saw it turned."""

    payload: str
    key: str  # "A".."D"


@dataclass(frozen=True)
class CardsInView:
    """Cards the camera sees in one frame and the letter on top of each (None: held at a slant).
    The engine counts them as answers only while a question that takes card answers is open."""

    cards: tuple[tuple[str, str | None], ...]  # (payload, letter)


@dataclass(frozen=True)
class MarkersInView:
    """Answer cards (big markers, cinema.devices.cards.markers) the camera sees in one frame: each
    card's number and the letter on top (None: held at a slant). One event per decoded frame; the
    engine counts a card once it is seen with the same letter in 2 frames of an open question."""

    markers: tuple[tuple[int, str | None], ...]  # (card number, letter)


@dataclass(frozen=True)
class PowerReading:
    percent: float | None
    minutes_left: float | None = None
    charging: bool | None = None


@dataclass(frozen=True)
class DeviceChanged:
    name: str
    connected: bool
    detail: str = ""


@dataclass(frozen=True)
class DeviceJunk:
    """A device adapter threw away `junk` lines or frames (and passed on `accepted`) since its last report.
    Adapters send it at most every few seconds, so a flood of junk is a trickle of these."""

    name: str
    junk: int
    accepted: int = 0


@dataclass(frozen=True)
class MediaFinished:
    token: int  # which play request finished (stale tokens are ignored)


@dataclass(frozen=True)
class MediaFailed:
    token: int
    reason: str


@dataclass(frozen=True)
class DecodingChanged:
    """The player dropped hardware decoding (it gave no picture): the item `token` goes on, decoded in
    software from `position` s of the file `media` (its name), for the rest of the run."""

    token: int
    media: str
    position: float
    reason: str  # what failed, in the player's words ("no picture after 2 s")


@dataclass(frozen=True)
class MediaPosition:
    token: int
    seconds: float
    duration: float | None = None


@dataclass(frozen=True)
class UsbExport:
    """The records are being saved on a USB stick for the supervisor, or were (or could not be)."""

    stage: str  # "started" | "done" | "nothing" (nothing new since the last export) | "failed"
    records: int = 0
    first_seq: int = 0
    last_seq: int = 0
    file: str = ""
    reason: str = ""


class JournalHealth(Enum):
    """Whether the records the engine hands back reach the disk (the main loop tells the engine)."""

    OK = "ok"  # committed as they come
    LOW = "low"  # little free space when the lesson started: still committed, the teacher is told
    RESERVE = "reserve"  # the disk filled up and the reserve file was given back: still committed
    FULL = "full"  # records cannot be committed now: answers and scans are refused until they can
    SET_ASIDE = "set_aside"  # the journal was damaged: kept aside, a new one started


@dataclass(frozen=True)
class JournalState:
    """A change in how the journal is doing; while it is FULL the engine refuses answers and scans
    on screen rather than show them accepted."""

    health: JournalHealth
    free_bytes: int | None = None
    pending: int = 0  # records held in memory, not on disk yet
    detail: str = ""


@dataclass(frozen=True)
class Tick:
    """Sent by the main loop about once a second so timers can run out."""


# ---- phones on the kiosk's offline hub (cinema/hub) ---------------------------------------------
# The hub's thread puts these on the one event queue; the engine answers with PhoneReply effects,
# which the main loop hands back to the hub only after the records before them are committed (so a
# phone says "received" only for an answer that is on the disk). `device` is the phone's public id
# (8 hex digits the hub gives it), never its secret token; `request` is the phone's own number for
# the message, echoed in the reply.


@dataclass(frozen=True)
class PhoneAnswer:
    """A child's phone answered the open question (`question`: PhoneQuestion.id as the phone saw it;
    another id means the question changed meanwhile and the answer is refused as "closed")."""

    device: str
    question: str
    key: str
    request: int = 0


@dataclass(frozen=True)
class PhoneLink:
    """A child's phone typed (or read with its camera) the code on their card: the phone then answers
    for that child. `card`: the card's QR payload as typed; the engine checks its signature."""

    device: str
    card: str
    request: int = 0


@dataclass(frozen=True)
class PhoneCommand:
    """A teacher's phone (unlocked with the PIN by the hub) asked for a command: next, back, pause..."""

    device: str
    command: Command
    request: int = 0


@dataclass(frozen=True)
class PhoneMark:
    """A teacher's phone marked a child present by hand (or, `undo`, took the mark back)."""

    device: str
    learner_id: str
    undo: bool = False
    request: int = 0


@dataclass(frozen=True)
class PhoneChoose:
    """A teacher's phone chose a lesson on the home screen (`key`: LessonEntry.key)."""

    device: str
    key: str
    request: int = 0


@dataclass(frozen=True)
class HubNote:
    """Something the hub did or refused, to journal: "started" (detail: the URL), "stopped",
    "refused" (a bad message, a wrong session code, a rate limit: `detail` says which; `count` how
    many like it since the last note), "teacher_in" / "teacher_wrong_pin" / "teacher_locked" /
    "teacher_out" (the teacher page), "joined" (`count`: phones connected now)."""

    what: str
    device: str = ""
    detail: str = ""
    count: int = 1


@dataclass(frozen=True)
class TakeHomeTaken:
    """A phone finished downloading a lesson's take-home file (counted per lesson, never per child)."""

    session: str  # the session (lesson run) whose file it is
    playlist: str  # its playlist id
    file: str  # the file's name (no folder)
    bytes: int = 0


Event = (
    TeacherCommand | LaptopKey | PinDigit | ClickerPressed | CardScanned | CardAnswer | CardsInView | MarkersInView
    | PowerReading | DeviceChanged
    | DeviceJunk | MediaFinished | MediaFailed | MediaPosition | DecodingChanged | UsbExport | JournalState | Tick
    | PhoneAnswer | PhoneLink | PhoneCommand | PhoneMark | PhoneChoose | HubNote | TakeHomeTaken
)


# ---- effects ------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A journal record to commit before anything that depends on it is shown."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlayMedia:
    token: int
    path: str
    kind: str  # "video" | "audio"
    start_at: float = 0.0
    subtitles: str | None = None


@dataclass(frozen=True)
class PreloadMedia:
    """A hint: this file plays next, get it ready so the gap is short."""

    path: str


@dataclass(frozen=True)
class StopMedia:
    pass


@dataclass(frozen=True)
class PauseMedia:
    paused: bool


@dataclass(frozen=True)
class SeekMedia:
    seconds: float


@dataclass(frozen=True)
class ShowCaptions:
    """Captions on or off, for the playing file and the ones after it."""

    on: bool


@dataclass(frozen=True)
class PlaySound:
    name: str  # "scan_ok", "scan_refused", "answer", "timer_done"


@dataclass(frozen=True)
class SetWork:
    """How hard the kiosk should work now (the battery changed level): screen brightness
    (1.0 = as it was before the kiosk dimmed it), seconds between ticks, rest between two decoded
    camera pictures; `save_now` asks for the resume position to be saved at once (critical battery)."""

    brightness: float
    tick_seconds: float
    camera_rest: float = 0.0
    save_now: bool = False


@dataclass(frozen=True)
class SavePin:
    """The teacher chose a new PIN: keep its salted hash (never the digits) beside the journal."""

    salt: bytes
    digest: bytes
    n: int
    r: int
    p: int


@dataclass(frozen=True)
class Exit:
    reason: str


class ReplyStatus(Enum):
    """What a phone is told about its message (PhoneReply)."""

    RECEIVED = "received"  # the answer (or link, command, mark) is journaled: the phone may say so
    HELD = "held"  # changed too often: the last answer is kept and journaled when the question closes
    CLOSED = "closed"  # no question open (or another one now): nothing was taken
    REFUSED = "refused"  # not an option of the question, a card that does not check, a check-in link...
    NOT_SAVED = "not_saved"  # the disk is full: nothing was taken, the phone says try again later


@dataclass(frozen=True)
class PhoneReply:
    """The engine's answer to one phone message, applied after the records before it are committed."""

    device: str
    request: int
    status: ReplyStatus
    detail: str = ""  # a message id for the phone (e.g. why a card code was refused), or ""


Effect = (
    Record | PlayMedia | PreloadMedia | StopMedia | PauseMedia | SeekMedia | ShowCaptions | PlaySound | SetWork
    | SavePin | Exit | PhoneReply
)
