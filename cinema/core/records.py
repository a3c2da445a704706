"""The journal's vocabulary: every record kind, its typed payload, and the one fold that reads them.

The engine writes `AnswerRecorded(...).record()`; the journal stores the kind and `to_json()`;
readers call `parse(kind, payload)` and get the typed payload back, whatever kiosk version wrote
it (older payloads lack fields: they get defaults; a hostile bundle's junk becomes defaults or an
`Unknown`, never an exception). What the records *mean* together (the final answer of each voter,
who was present, the check-in counts, where to resume) is worked out once, by `RecordFold`, for
the kiosk's resume, the report, the CSV and xAPI alike.

Standard library only: the kiosk, the report and the tests import this without the heavy stack.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING as NO_DEFAULT, dataclass, field, fields
from enum import StrEnum
from typing import Any, Callable, ClassVar, NamedTuple

from cinema.core.events import Record

# The vocabulary's version. Payloads carry no version of their own (the journal's JSON stays as
# kiosks have always written it); bump this when a payload's meaning changes, and keep `from_json`
# reading every earlier shape.
#   1: changes are their own kinds (`answer.changed`, `checkin.changed`); older journals wrote a
#      change as another `answer.recorded` / `checkin.recorded` (with `replaces`), still read.
#   2: this module: kinds and payloads typed in one place.
RECORD_VERSION = 2

# Bounds on what one payload may hold once parsed: a hostile or damaged bundle gets cut, not crashed on.
MAX_TEXT = 10_000  # characters of one text field (prompts and titles are far shorter)
MAX_KIND = 100  # characters of an unknown kind's name
MAX_ENTRIES = 1_000  # entries of a list or mapping field (a tally has a few keys, advice a few items)


class RecordKind(StrEnum):
    """Every kind of record a kiosk writes. A `StrEnum`: `kind == "answer.recorded"` holds, JSON is unchanged."""

    SESSION_STARTED = "session.started"
    SESSION_RESUMED = "session.resumed"
    SESSION_ENDED = "session.ended"
    SESSION_ABANDONED = "session.abandoned"
    ITEM_STARTED = "item.started"
    ITEM_ENDED = "item.ended"
    ITEM_SKIPPED = "item.skipped"
    ITEM_FAILED = "item.failed"
    ITEM_PAUSED = "item.paused"
    ITEM_RESUMED = "item.resumed"
    MEDIA_SEEKED = "media.seeked"
    MEDIA_DECODING = "media.decoding"
    QUESTION_CLOSED = "question.closed"
    ANSWER_RECORDED = "answer.recorded"
    ANSWER_CHANGED = "answer.changed"
    CHECKIN_RECORDED = "checkin.recorded"
    CHECKIN_CHANGED = "checkin.changed"
    CHECKIN_CLOSED = "checkin.closed"
    CHECKIN_CALM_ACCEPTED = "checkin.calm_accepted"
    ATTENDANCE_SCANNED = "attendance.scanned"
    ATTENDANCE_REFUSED = "attendance.refused"
    ATTENDANCE_UNDONE = "attendance.undone"
    HANDSET_PAIRED = "handset.paired"
    PIN_REFUSED = "pin.refused"
    PIN_CHANGED = "pin.changed"
    KEYBOARD_LOCKED = "keyboard.locked"
    KEYBOARD_UNLOCKED = "keyboard.unlocked"
    POWER_READING = "power.reading"
    POWER_ACTION = "power.action"
    POWER_SAVING = "power.saving"
    DEVICE_CONNECTED = "device.connected"
    DEVICE_LOST = "device.lost"
    DEVICE_NOISE = "device.noise"
    DISPLAY_CHANGED = "display.changed"
    EXPORT_MADE = "export.made"
    EXPORT_FAILED = "export.failed"
    JOURNAL_TROUBLE = "journal.trouble"
    LESSON_CHOSEN = "lesson.chosen"
    KIOSK_LANGUAGE = "kiosk.language"
    DAY_ENDED = "day.ended"
    HUB_NOTE = "hub.note"
    HUB_COMMAND = "hub.command"
    TAKE_HOME = "takehome.downloaded"


# ---- reading JSON values leniently ------------------------------------------------------
# One reader per field type. Each takes the JSON value (or _ABSENT) and the value to use when it
# is missing or unusable, and never raises.

_ABSENT: Any = object()


def _int(v: Any, default: Any) -> Any:
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if type(v) is str and 0 < len(v) <= 18 and v.lstrip("-").isdigit():
        return int(v)
    return default


def _float(v: Any, default: Any) -> Any:
    # Numbers are kept as written (an int stays an int): the JSON round trip stays exact.
    if type(v) is float and math.isfinite(v):
        return v
    if type(v) is int and abs(v) < 2**63:
        return v
    return default


def _str(v: Any, default: Any) -> Any:
    if type(v) is str:
        return v if len(v) <= MAX_TEXT else v[:MAX_TEXT]
    if type(v) in (int, float) and v == v and abs(v) < 1e18:  # an id a spreadsheet made numeric
        return str(v)
    return default


def _bool(v: Any, default: Any) -> Any:
    return v if type(v) is bool else default


def _optional(read: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def read_optional(v: Any, default: Any) -> Any:
        return None if v is None else read(v, default)
    return read_optional


def _tuple_of(read: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def read_tuple(v: Any, default: Any) -> Any:
        if not isinstance(v, (list, tuple)):
            return default
        items = (read(x, _ABSENT) for x in v[:MAX_ENTRIES])
        return tuple(x for x in items if x is not _ABSENT)
    return read_tuple


def _counts(v: Any, default: Any) -> Any:
    if not isinstance(v, dict):
        return default
    out: dict[str, int] = {}
    for k, n in list(v.items())[:MAX_ENTRIES]:
        n = _int(n, None)
        if type(k) is str and n is not None:
            out[k[:MAX_TEXT]] = n
    return out


_opt_int, _opt_bool = _optional(_int), _optional(_bool)
READERS: dict[str, Callable[[Any, Any], Any]] = {
    "int": _int, "float": _float, "str": _str, "bool": _bool,
    "int | None": _opt_int, "float | None": _optional(_float), "str | None": _optional(_str),
    "bool | None": _opt_bool,
    "tuple[str, ...]": _tuple_of(_str), "tuple[int, ...]": _tuple_of(_int), "dict[str, int]": _counts,
}
# What a field reads as when a payload lacks it (or holds junk), unless the field says otherwise.
WHEN_MISSING = {"int": 0, "float": 0.0, "str": "", "bool": False, "tuple[str, ...]": (), "tuple[int, ...]": (),
           "dict[str, int]": {}}


def optional(default: Any = None) -> Any:
    """A field the engine writes only sometimes: left out of the JSON while it equals `default`."""
    return field(default=default, metadata={"omit": True})


def missing(value: Any) -> Any:
    """A required field whose value, when an old or damaged payload lacks it, is `value`."""
    return field(metadata={"missing": value})


# ---- payloads ---------------------------------------------------------------------------

PAYLOADS: dict[str, type[Payload]] = {}  # kind -> payload class (power.action: the policy's)


@dataclass(frozen=True, kw_only=True, slots=True)
class Payload:
    """A record's payload. Subclasses are frozen dataclasses with a `KIND`; fields are the JSON keys."""

    KIND: ClassVar[RecordKind]
    _SPEC: ClassVar[tuple[tuple[str, Callable[[Any, Any], Any], Any, bool, Any], ...]] = ()
    _TYPES: ClassVar[tuple[str, ...]] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON object the journal stores (and has always stored) for this record."""
        out: dict[str, Any] = {}
        for name, _read, _missing, omit, default in self._SPEC:
            value = getattr(self, name)
            if omit and value == default:
                continue
            if type(value) is tuple:
                value = list(value)
            elif type(value) is dict:
                value = dict(value)
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Payload:
        """Lenient: missing fields get defaults, wrong types are replaced, unknown keys are ignored."""
        read = cls.__dict__.get("_READ")
        if read is None:  # made on first use: a kiosk or report process reads only some kinds
            read = cls._READ = _make_reader(cls, cls._SPEC, cls._TYPES)
        return read(data if type(data) is dict or isinstance(data, Mapping) else {})

    def record(self) -> Record:
        """The effect the engine returns: `Record(kind, payload)`, ready for the journal."""
        return Record(self.KIND.value, self.to_json())


# The JSON type a field usually holds, taken as it is without calling its reader (the fast path).
_PLAIN = {"int": "int", "float": "float", "str": "str", "bool": "bool"}


def _reader_source(spec: tuple, types: tuple[str, ...]) -> str:
    """Python source of one class's `from_json`, unrolled field by field.

    A report parses every structural record of a year (millions); a loop over the fields with a
    reader call for each took several microseconds a record, this a fraction of that.
    """
    lines = ["def read(data):", "    g = data.get", "    obj = new(cls)"]
    for n, (name, _read, _missing, _omit, _default) in enumerate(spec):
        type_name = types[n]
        base = type_name.removesuffix(" | None")
        plain = _PLAIN.get(base)
        if plain == "str":
            usual = "type(v) is str and len(v) <= MAX_TEXT"
        elif plain == "float":
            usual = "type(v) is float and v - v == 0.0"  # false for inf and nan
        elif plain is not None:
            usual = f"type(v) is {plain}"
        else:
            usual = "False"  # lists and mappings are always copied through their reader
        if base != type_name:
            usual = f"v is None or {usual}"
        lines += [f"    v = g({name!r}, ABSENT)",
                  f"    if not ({usual}):",
                  f"        v = M{n} if v is ABSENT else R{n}(v, M{n})",
                  f"    put(obj, {name!r}, v)"]
    lines.append("    return obj")
    return "\n".join(lines)


def _make_reader(cls: type, spec: tuple, types: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Payload]:
    env: dict[str, Any] = {"cls": cls, "new": object.__new__, "put": object.__setattr__, "ABSENT": _ABSENT,
                           "MAX_TEXT": MAX_TEXT}
    for n, (_name, read, when_missing, _omit, _default) in enumerate(spec):
        env[f"R{n}"], env[f"M{n}"] = read, when_missing
    exec(compile(_reader_source(spec, types), f"<{cls.__name__}.from_json>", "exec"), env)  # our own source
    return env["read"]


def payload(kind: RecordKind, *, register: bool = True) -> Callable[[type], type]:
    """Class decorator: make a frozen payload dataclass for `kind` and note how to read each field."""

    def make(cls: type) -> type:
        cls.KIND = kind
        cls = dataclass(frozen=True, kw_only=True, slots=True)(cls)
        spec, types = [], []
        for f in fields(cls):
            type_name = str(f.type)
            read = READERS[type_name]  # a KeyError here is a payload field of a type JSON cannot hold
            omit = bool(f.metadata.get("omit"))
            if "missing" in f.metadata:
                when_missing = f.metadata["missing"]
            elif f.default is not NO_DEFAULT:
                when_missing = f.default
            else:
                when_missing = None if type_name.endswith("| None") else WHEN_MISSING[type_name]
            spec.append((f.name, read, when_missing, omit, f.default if omit else None))
            types.append(type_name)
        cls._SPEC, cls._TYPES = tuple(spec), tuple(types)
        if register:
            PAYLOADS[kind.value] = cls
        return cls

    return make


# -- sessions --

@payload(RecordKind.SESSION_STARTED)
class SessionStarted(Payload):
    playlist: str
    title: str
    subject: str | None = None  # kiosks before the report's subjects did not write it
    language: str = ""  # "" when unknown (xAPI says "und")
    items: int = 0
    program: str | None = optional()  # with a roster: names the programme in reports and xAPI


@payload(RecordKind.SESSION_RESUMED)
class SessionResumed(Payload):
    index: int
    position: float = 0.0  # seconds into the item's media


@payload(RecordKind.SESSION_ENDED)
class SessionEnded(Payload):
    reason: str  # "completed" | "teacher" | ...
    attendance: int = 0
    answers: int = 0
    index: int = missing(-1)


@payload(RecordKind.SESSION_ABANDONED)
class SessionAbandoned(Payload):
    """Written in the *new* session: `session` is the unfinished one the teacher did not resume."""

    session: str
    index: int = missing(-1)


# -- items --

@payload(RecordKind.ITEM_STARTED)
class ItemStarted(Payload):
    index: int = missing(-1)
    item: str
    type: str
    title: str | None = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class _ItemLeft(Payload):
    index: int = missing(-1)
    item: str
    type: str
    reason: str  # "finished" | "next" | "back" | "skip" | "repeat"
    seconds: float = 0.0


@payload(RecordKind.ITEM_ENDED)
class ItemEnded(_ItemLeft):
    pass


@payload(RecordKind.ITEM_SKIPPED)
class ItemSkipped(_ItemLeft):
    pass


@payload(RecordKind.ITEM_FAILED)
class ItemFailed(Payload):
    index: int = missing(-1)
    item: str
    type: str
    reason: str  # plain words: "no media file", what the player said


@payload(RecordKind.ITEM_PAUSED)
class ItemPaused(Payload):
    index: int = missing(-1)
    item: str
    position: float = 0.0


@payload(RecordKind.ITEM_RESUMED)
class ItemResumed(Payload):
    index: int = missing(-1)
    item: str


@payload(RecordKind.MEDIA_SEEKED)
class MediaSeeked(Payload):
    """The teacher moved a video or audio back or on (the xAPI video profile's `seeked`)."""

    index: int = missing(-1)
    item: str
    from_seconds: float = 0.0  # where it was (seconds into the file)
    to_seconds: float = 0.0  # where it went, clamped to the file's start and end


@payload(RecordKind.MEDIA_DECODING)
class MediaDecoding(Payload):
    """Hardware video decoding gave no picture, so the kiosk decodes in software for the rest of the run;
    the video started again (same item) where its picture was lost. One record per run at most."""

    decoding: str = "software"  # how video is decoded from now on
    reason: str = ""  # what failed ("no picture after 2 s")
    media: str = ""  # the file's name
    position: float = 0.0  # seconds into the file where it started again
    index: int = missing(-1)  # the playlist item playing it (-1: none)
    item: str = ""


# -- activities --

@payload(RecordKind.QUESTION_CLOSED)
class QuestionClosed(Payload):
    index: int = missing(-1)
    item: str
    activity: str
    question: int  # 0-based within the activity
    answered: int = 0
    tally: dict[str, int]  # key -> answers when the question closed
    correct: str | None = None  # None: a poll
    prompt: str = ""  # kiosks before the report's question list did not write it


@dataclass(frozen=True, kw_only=True, slots=True)
class _Answer(Payload):
    index: int = missing(-1)
    item: str
    activity: str
    question: int
    key: str
    correct: bool | None  # None: a poll, no right answer
    clicker: str | None  # None when answered by card
    learner_id: str | None = optional()  # the child, when the handset is paired or the card read
    team: int | None = optional()  # team mode: 1-based team
    via: str | None = optional()  # "card" for an answer by card; absent for a handset

    @property
    def voter(self) -> str:
        """Who answered, as the engine tells voters apart: the handset, or `card:<learner>`."""
        return self.clicker or f"card:{self.learner_id}"


@payload(RecordKind.ANSWER_RECORDED)
class AnswerRecorded(_Answer):
    """A voter's first answer to a question (while it is open, in this run of the item)."""


@payload(RecordKind.ANSWER_CHANGED)
class AnswerChanged(_Answer):
    """The same voter chose another key: this one counts, `replaces` no longer does."""

    replaces: str | None = None


# -- check-ins (anonymous: faces only, never the handset) --

@payload(RecordKind.CHECKIN_RECORDED)
class CheckinRecorded(Payload):
    index: int = missing(-1)
    item: str
    face: int  # 1 (very sad) .. 5 (very happy)
    replaces: int | None = None  # always None since changes are their own kind; older kiosks wrote them here


@payload(RecordKind.CHECKIN_CHANGED)
class CheckinChanged(Payload):
    index: int = missing(-1)
    item: str
    face: int
    replaces: int | None = None


@payload(RecordKind.CHECKIN_CLOSED)
class CheckinClosed(Payload):
    index: int = missing(-1)
    item: str
    counts: tuple[int, ...]  # faces 1..5
    offer_calm: bool = False


@payload(RecordKind.CHECKIN_CALM_ACCEPTED)
class CheckinCalmAccepted(Payload):
    index: int = missing(-1)
    item: str
    calm_item: str


# -- cards, handsets, PIN --

@payload(RecordKind.ATTENDANCE_SCANNED)
class AttendanceScanned(Payload):
    learner_id: str
    source: str = ""  # "camera" | "scanner" | ...
    index: int = missing(-1)
    old_key: bool = optional(False)  # a card signed with a retiring key: print the child a new one
    via: str = optional("card")  # "card" (a scanned card) or "teacher" (marked by hand on the teacher screen)


@payload(RecordKind.ATTENDANCE_UNDONE)
class AttendanceUndone(Payload):
    """A wrong mark taken back by the teacher: the child is no longer counted present."""

    learner_id: str
    via: str = "teacher"


@payload(RecordKind.ATTENDANCE_REFUSED)
class AttendanceRefused(Payload):
    reason: str
    source: str = ""


@payload(RecordKind.HANDSET_PAIRED)
class HandsetPaired(Payload):
    clicker: str
    learner_id: str
    replaces: str | None = None  # the handset the child had before (a swap)
    was_learner: str | None = None  # the child this handset was given to before


@payload(RecordKind.PIN_REFUSED)
class PinRefused(Payload):
    """A wrong PIN was typed (every wrong try is journaled; older kiosks wrote no fields)."""

    purpose: str = optional("quit")  # what the PIN was asked for: "quit" | "unlock" (the keyboard)
    tries: int = optional(0)  # wrong tries in a row, this one included (0: written before they were counted)
    wait: float = optional(0.0)  # seconds the prompt now refuses tries (after 5 wrong in a row; it grows)


@payload(RecordKind.PIN_CHANGED)
class PinChanged(Payload):
    """The teacher chose a new PIN (only its salted hash is kept, beside the journal)."""

    via: str = "kiosk"  # "kiosk": chosen on screen at the first start


@payload(RecordKind.KEYBOARD_LOCKED)
class KeyboardLocked(Payload):
    """Keys pressed on the laptop keyboard while it was locked (a child typing): ignored, the hint shown.
    Written when the hint appears, at most once a minute, so a child typing all lesson writes a few."""

    keys: int = 0  # keys ignored since the previous keyboard.locked record, this one's included


@payload(RecordKind.KEYBOARD_UNLOCKED)
class KeyboardUnlocked(Payload):
    """The teacher opened the laptop keyboard with the PIN; it locks again after `idle_minutes` without a key."""

    idle_minutes: float = 10.0


# -- the screens: one display, or the projector and the teacher's own screen --

@payload(RecordKind.DISPLAY_CHANGED)
class DisplayChanged(Payload):
    """The screens the kiosk draws on, at start and whenever a projector is plugged in, unplugged or
    changes resolution: `mode` "single" (one window, the class's) or "presenter" (the class window on
    the projector, the teacher window on the laptop)."""

    mode: str
    reason: str = "start"  # start | plugged | unplugged | resized | mirrored | failed (two windows could not be made: one)
    screens: int = 1  # displays the laptop sees (mirrored ones count once)
    class_size: str = ""  # "1024x768"
    teacher_size: str = ""  # "" with one window


# -- the lesson library (the home screen) --

@payload(RecordKind.LESSON_CHOSEN)
class LessonChosen(Payload):
    """Written in the chosen lesson's session (a resumed one keeps its own id) before it starts."""

    playlist: str  # the playlist's id
    file: str = ""  # its file name in the lessons folder
    resume: bool = False  # the unfinished session was taken up again


@payload(RecordKind.KIOSK_LANGUAGE)
class KioskLanguage(Payload):
    """The teacher changed the language of the kiosk's menus on the home screen."""

    language: str
    previous: str = ""


@payload(RecordKind.DAY_ENDED)
class DayEnded(Payload):
    """The teacher ended the day from the home screen (with the PIN): the kiosk closes."""

    lessons: int = 0  # lessons started from the home screen during this run


# -- the offline hub: phones (cinema/hub) --

@payload(RecordKind.HUB_NOTE)
class HubNoted(Payload):
    """What the hub did or refused (see cinema.core.events.HubNote): started (detail: its URL),
    stopped, refused (detail: why; count: how many like it since the last note), teacher_in,
    teacher_wrong_pin, teacher_locked, teacher_out, joined (count: phones connected now)."""

    what: str
    device: str = optional("")
    detail: str = optional("")
    count: int = optional(1)


@payload(RecordKind.HUB_COMMAND)
class HubCommand(Payload):
    """A teacher's phone drove the lesson: which phone (its public id) and what it asked for
    ("next", "back", ..., "mark", "unmark", "choose")."""

    device: str
    command: str
    learner_id: str | None = optional()  # mark / unmark: the child
    lesson: str | None = optional()  # choose: the lesson file


@payload(RecordKind.TAKE_HOME)
class TakeHomeDownloaded(Payload):
    """A phone finished downloading one of a lesson's take-home files: counted per lesson, never per child."""

    session: str
    playlist: str
    file: str
    bytes: int = 0


# -- power, devices, exports --

@payload(RecordKind.POWER_READING)
class PowerReadingRecord(Payload):
    """Named apart from the engine's input event `events.PowerReading`, which it journals."""

    percent: float | None
    minutes_left: float | None = None
    charging: bool | None = None


@payload(RecordKind.POWER_ACTION)
class PowerAction(Payload):
    """The battery policy's decision (`power.PowerDecision.record()`)."""

    action: str  # "warn" | "stop" | "restore" | "advise" | ...
    percent: float | None = None
    minutes_left: float | None = None
    estimated: bool = False
    usable_minutes: float | None = None
    needs_minutes: float | None = None
    advice: tuple[str, ...] = ()  # item ids to skip
    enough: bool = True


@payload(RecordKind.POWER_SAVING)
class PowerSavingRecord(Payload):
    """A way of working less taken below the battery's warning level, or undone when power came back
    (`power_saving.Step`): one record each time, never at every reading."""

    step: str  # "low_power_video" | "camera_rate" | "no_animations"
    on: bool
    level: str = "low"  # the power level that took or undid it: "low" | "stopped" | "normal"


@payload(RecordKind.POWER_ACTION, register=False)
class ScreenDimmed(Payload):
    """What the kiosk did to the screen after a decision (`power.action` with action "dim")."""

    action: str = "dim"
    level: float = 1.0  # share of the original brightness
    ok: bool = False
    method: str = "none"  # "backlight" | "xrandr" | "none"
    detail: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class _Device(Payload):
    device: str
    detail: str = ""


@payload(RecordKind.DEVICE_CONNECTED)
class DeviceConnected(_Device):
    pass


@payload(RecordKind.DEVICE_LOST)
class DeviceLost(_Device):
    pass


@payload(RecordKind.DEVICE_NOISE)
class DeviceNoise(Payload):
    """What one device sent in one window (a minute) that was not a card or a press, summed up:
    a noisy scanner writes this once a minute instead of a record per line of junk."""

    device: str  # the device's name ("scanner /dev/ttyUSB0"), or a card source ("scanner", "camera")
    junk: int = 0  # lines or frames the device adapter threw away (not a card, not text, too long)
    refused: int = 0  # card scans refused and not journaled one by one (past the window's allowance)
    accepted: int = 0  # good lines, cards or presses in the same window, for the share of junk
    seconds: float = 0.0  # the window's length
    noisy: bool = False  # mostly junk: flagged on the status bar and by `cinema doctor`
    changes: int = optional(0)  # connects and losses not journaled one by one (a loose cable)


@payload(RecordKind.EXPORT_MADE)
class ExportMade(Payload):
    records: int = 0
    first_seq: int = 0
    last_seq: int = 0
    file: str = ""
    to: str = ""  # "usb" when the kiosk saved on a stick by itself


@payload(RecordKind.EXPORT_FAILED)
class ExportFailed(Payload):
    reason: str
    to: str = ""


@payload(RecordKind.JOURNAL_TROUBLE)
class JournalTrouble(Payload):
    """The journal's disk filled up or came back, or a damaged journal was set aside (`events.JournalHealth`).
    Written late when the disk was full: it goes in with the records held while it was."""

    state: str  # "low" | "reserve" | "full" | "set_aside" | "ok" (writing again)
    free_bytes: int | None = None
    pending: int = 0  # records held in memory when it was written
    detail: str = ""  # the damaged file's new name, or what the disk said


@dataclass(frozen=True, slots=True)
class Unknown:
    """A kind this version does not know (a newer kiosk, a damaged file): kept as it came, never interpreted."""

    kind: str
    payload: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.payload)

    def record(self) -> Record:
        return Record(self.kind, dict(self.payload))


def item_index(data: Mapping[str, Any]) -> int:
    """The playlist item a raw payload names (-1: none), read as `from_json` would, without building it."""
    return _int(data.get("index"), -1)


def question_of(data: Mapping[str, Any]) -> tuple[int, int]:
    """(item index, question) a raw answer payload is about, read as `from_json` would, without building it."""
    return _int(data.get("index"), -1), _int(data.get("question"), 0)


def parse(kind: Any, data: Any) -> Payload | Unknown:
    """The typed payload of a stored record; never raises, whatever the file held."""
    cls = PAYLOADS.get(kind) if type(kind) is str or isinstance(kind, RecordKind) else None
    if type(data) is not dict and not isinstance(data, Mapping):
        data = {}
    if cls is None:
        return Unknown(str(kind)[:MAX_KIND], data)
    if cls is PowerAction and data.get("action") == "dim":
        cls = ScreenDimmed
    try:
        return cls.from_json(data)
    except (TypeError, ValueError, RecursionError):  # the readers do not raise; a last guard for the report
        return Unknown(str(kind), data)


# ---- the fold -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumePoint:
    """Where an unfinished session was, read back from its journal."""

    session_id: str
    item_index: int
    position: float = 0.0
    attendance: tuple[str, ...] = ()
    answers: int = 0
    by_hand: tuple[str, ...] = ()  # of `attendance`, the children the teacher marked by hand (no card)


class FinalAnswer(NamedTuple):
    """A voter's answer that counts: the last one they gave to a question (a tuple: reports hold millions)."""

    index: int  # the playlist item (an activity can be played twice in a lesson)
    question: int
    voter: str  # handset id, or "card:<learner>"
    activity: str
    item: str
    key: str
    correct: bool | None
    learner_id: str | None
    team: int | None
    # The learner's own final answer to the question: a child who answered by handset and by card
    # is one child, and their later answer is theirs (the results chart still counts both votes).
    for_learner: bool
    ref: Any  # what the caller passed with the record (xAPI: the record itself, for its id and time)


_tuple_new = tuple.__new__  # builds a FinalAnswer without its Python-level __new__

_ANSWER_KINDS = frozenset((RecordKind.ANSWER_RECORDED.value, RecordKind.ANSWER_CHANGED.value))
FACES = 5
MAX_VOTERS = 100_000  # final answers kept per session; more is not a lesson but a damaged file
MAX_LEARNERS = 10_000  # learners present per session
MAX_CHECKINS = 1_000  # check-in items per session
MAX_ID = 200  # characters of a voter or learner id


def _id(v: Any) -> str | None:
    if type(v) is str and v:
        return v[:MAX_ID]
    if type(v) is int:
        return str(v)
    return None


class RecordFold:
    """The meaning of one session's records, folded in order: final answers, attendance, check-in
    counts, items, and the resume point. Feed it with `add(kind, payload)`; read the results.

    Incremental and bounded, so the report can stream a year through it and the kiosk's resume
    can reuse it. Each result depends only on its own kinds (ANSWER_KINDS, ATTENDANCE_KINDS,
    CHECKIN_KINDS, ITEM_KINDS): a reader that wants only answers may feed only answers, still in order.

    The engine's rules, written once:
      - a voter is a handset, or `card:<learner>` for an answer by card (card answers have no clicker);
      - the last answer of a voter to a question (item index, question) counts; `answer.changed`
        replaces it (so does another `answer.recorded`, as kiosks wrote changes before version 1);
      - a learner has one final answer per question: the later of their handset's and their card's;
      - `answered` counts as the engine does: each voter's first answer to each question in each
        run of an item (a repeated quiz is answered again);
      - attendance is each learner once, in order of arrival; `attendance.undone` takes a learner back out
        (marked again later: they arrive again, at the end);
      - a check-in vote adds a face; a change (or an old `replaces`) moves one.
    """

    ANSWER_KINDS = (RecordKind.ANSWER_RECORDED, RecordKind.ANSWER_CHANGED)
    ATTENDANCE_KINDS = (RecordKind.ATTENDANCE_SCANNED, RecordKind.ATTENDANCE_UNDONE)
    CHECKIN_KINDS = (RecordKind.CHECKIN_RECORDED, RecordKind.CHECKIN_CHANGED)
    ITEM_KINDS = (RecordKind.ITEM_STARTED, RecordKind.ITEM_ENDED, RecordKind.ITEM_SKIPPED, RecordKind.ITEM_FAILED,
                  RecordKind.SESSION_RESUMED)
    HANDLED = frozenset(ANSWER_KINDS + ATTENDANCE_KINDS + CHECKIN_KINDS + ITEM_KINDS)
    # Deliberately not folded: they change nothing above. (question.closed and checkin.closed repeat
    # the engine's own tallies; the fold counts the votes themselves, which survive a power cut.)
    IGNORED = frozenset(set(RecordKind) - HANDLED)

    __slots__ = ("_final", "_voters", "_by_card", "_refs", "_run", "_present", "_faces", "answered", "item_index",
                 "items_started", "items_played", "items_skipped", "items_failed", "dropped")

    def __init__(self) -> None:
        # (item index, question) -> voter -> the payload of the voter's last answer. Each dict
        # keeps the order of the last answers, as a changed answer is re-inserted.
        self._final: dict[tuple[int, int], dict[str, Mapping[str, Any]]] = {}
        self._voters = 0  # final answers held, for the bound
        self._by_card = False  # some answered by card: a child may have a card's and a handset's answer
        self._refs: dict[tuple[int, int, str], Any] = {}  # what callers passed with each last answer
        self._run: dict[tuple[int, int], set[str]] = {}  # voters who answered in this run of the item
        self._present: dict[str, bool] = {}  # learner -> marked by hand (attendance via teacher)
        self._faces: dict[int, list[int]] = {}
        self.answered = 0  # answers the way the engine counts them (see the class doc)
        self.item_index = 0  # the item the session was on: the last item.started or session.resumed
        self.items_started = self.items_played = self.items_skipped = self.items_failed = 0
        self.dropped = 0  # records past a bound (a damaged or hostile file), not folded

    def add(self, kind: str, payload: Mapping[str, Any] | Payload, ref: Any = None) -> None:
        """Fold in the next record of the session. `ref` is kept with a final answer for the caller."""
        p = payload if type(payload) is dict else _as_dict(payload)
        if kind not in _ANSWER_KINDS:
            handler = _HANDLERS.get(kind)
            if handler is not None:
                handler(self, p, ref)
            return
        # An answer, handled here rather than in a method of its own: a year's report folds
        # millions. Only its key is read now; the payload is kept as it came (one object fewer
        # per record to make and to sweep) and read in `iter_answers`, for the last answers only.
        clicker, index, question = p.get("clicker"), p.get("index"), p.get("question")
        voter = clicker if type(clicker) is str and 0 < len(clicker) <= MAX_ID else (
            _id(clicker) or f"card:{_id(p.get('learner_id'))}")
        if type(index) is not int:
            index = _int(index, -1)
        if type(question) is not int:
            question = _int(question, 0)
        qkey = (index, question)
        votes = self._final.get(qkey)
        if votes is None:
            votes = self._final[qkey] = {}
        if clicker is None:
            self._by_card = True
        if votes.pop(voter, None) is None:
            if self._voters >= MAX_VOTERS:
                self.dropped += 1
                return
            self._voters += 1
        votes[voter] = p
        if ref is not None:
            self._refs[(index, question, voter)] = ref
        ran = self._run.get(qkey)
        if ran is None:
            ran = self._run[qkey] = set()
        if voter not in ran:  # the voter's first answer to this question in this run of the item
            ran.add(voter)
            self.answered += 1

    def add_all(self, records: Iterable[tuple[str, Mapping[str, Any]]]) -> RecordFold:
        for kind, p in records:
            self.add(kind, p)
        return self

    def _attendance(self, p: Mapping[str, Any], _ref: Any) -> None:
        learner = _id(p.get("learner_id"))
        if learner is None:
            return
        if learner in self._present:
            if self._present[learner] and p.get("via", "card") != "teacher":
                self._present[learner] = False  # the card came after a mark by hand: present by card
            return
        if len(self._present) >= MAX_LEARNERS:
            self.dropped += 1
            return
        self._present[learner] = p.get("via") == "teacher"

    def _attendance_undone(self, p: Mapping[str, Any], _ref: Any) -> None:
        learner = _id(p.get("learner_id"))
        if learner is not None:
            self._present.pop(learner, None)

    def _checkin(self, p: Mapping[str, Any], _ref: Any) -> None:
        index = _int(p.get("index"), -1)
        counts = self._faces.get(index)
        if counts is None:
            if len(self._faces) >= MAX_CHECKINS:
                self.dropped += 1
                return
            counts = self._faces[index] = [0] * FACES
        face, old = _int(p.get("face"), 0), _int(p.get("replaces"), 0)
        if 1 <= face <= FACES:
            counts[face - 1] += 1
        if 1 <= old <= FACES and counts[old - 1] > 0:
            counts[old - 1] -= 1

    def _item_started(self, p: Mapping[str, Any], _ref: Any) -> None:
        self.item_index = _int(p.get("index"), 0)
        self.items_started += 1
        self._run.clear()  # a new run of an item: its questions are open to every voter again

    def _resumed(self, p: Mapping[str, Any], _ref: Any) -> None:
        self.item_index = _int(p.get("index"), 0)
        self._run.clear()

    def _item_ended(self, _p: Mapping[str, Any], _ref: Any) -> None:
        self.items_played += 1

    def _item_skipped(self, _p: Mapping[str, Any], _ref: Any) -> None:
        self.items_skipped += 1

    def _item_failed(self, _p: Mapping[str, Any], _ref: Any) -> None:
        self.items_failed += 1

    # -- results --

    def _answers(self, qkey: tuple[int, int], votes: dict[str, Mapping[str, Any]]) -> Iterator[FinalAnswer]:
        index, question = qkey
        refs = self._refs
        # Without card answers every learner has one voter (their handset), and it is theirs.
        last, same = self._learners_last(votes) if self._by_card else (None, None)
        for voter, p in votes.items():
            # The fields read as the payload classes read them (the usual types taken as they are).
            activity, item, answer, correct = p.get("activity"), p.get("item"), p.get("key"), p.get("correct")
            learner, team = p.get("learner_id"), p.get("team")
            yield _tuple_new(FinalAnswer, (
                index, question, voter,
                activity if type(activity) is str else _str(activity, ""),
                item if type(item) is str else _str(item, ""),
                answer if type(answer) is str else _str(answer, ""),
                correct if type(correct) is bool else None,
                None if learner is None else _id(learner),
                team if team is None or type(team) is int else _int(team, None),
                learner is not None and (last is None or last.get(learner if same is None else same(learner)) == voter),
                refs.get((index, question, voter)) if refs else None))

    @staticmethod
    def _learners_last(votes: dict[str, Mapping[str, Any]]) -> tuple[Any, Any]:
        # learner -> the voter of their later answer (the dict is in the order of last answers)
        try:
            return {p.get("learner_id"): voter for voter, p in votes.items()}, None
        except TypeError:  # a learner id that is not text (a damaged file): read it as the class would
            return {_id(p.get("learner_id")): voter for voter, p in votes.items()}, _id

    def iter_answers(self) -> Iterator[FinalAnswer]:
        """Every final answer of the session, one per voter per question: question by question
        (in the order first answered), each in the order of the voters' last answers."""
        for qkey, votes in self._final.items():
            yield from self._answers(qkey, votes)

    @property
    def answers(self) -> list[FinalAnswer]:
        return list(self.iter_answers())

    def answers_to(self, index: int, question: int) -> list[FinalAnswer]:
        """The final answers to one question, in the order of each voter's last answer."""
        votes = self._final.get((index, question))
        return list(self._answers((index, question), votes)) if votes else []

    def learner_answers(self) -> dict[tuple[int, int, str], FinalAnswer]:
        """(item index, question, learner) -> the learner's final answer: what xAPI states about a child."""
        return {(a.index, a.question, a.learner_id): a for a in self.iter_answers() if a.for_learner}

    @property
    def questions(self) -> list[tuple[int, int]]:
        """(item index, question) of every question answered, in the order first answered."""
        return list(self._final)

    @property
    def attendance(self) -> tuple[str, ...]:
        """Learners present, each once, in order of arrival."""
        return tuple(self._present)

    @property
    def attendance_count(self) -> int:
        return len(self._present)

    @property
    def by_hand(self) -> tuple[str, ...]:
        """Learners present because the teacher marked them by hand (and did not take it back)."""
        return tuple(learner for learner, hand in self._present.items() if hand)

    @property
    def last_arrival(self) -> str | None:
        """The learner who arrived last (a reader streaming attendance names each newcomer)."""
        return next(reversed(self._present), None)

    @property
    def checkins(self) -> dict[int, tuple[int, ...]]:
        """Check-in item index -> counts of faces 1..5 (a changed vote counted once, on its last face)."""
        return {index: tuple(c) for index, c in self._faces.items()}

    def resume_point(self, session_id: str) -> ResumePoint:
        return ResumePoint(session_id, self.item_index, 0.0, self.attendance, self.answered, self.by_hand)


def _as_dict(payload: Any) -> Mapping[str, Any]:
    if isinstance(payload, Payload):
        return payload.to_json()
    return payload if isinstance(payload, Mapping) else {}


_HANDLERS: dict[str, Callable[[RecordFold, Mapping[str, Any], Any], None]] = {
    RecordKind.ATTENDANCE_SCANNED: RecordFold._attendance,
    RecordKind.ATTENDANCE_UNDONE: RecordFold._attendance_undone,
    RecordKind.CHECKIN_RECORDED: RecordFold._checkin, RecordKind.CHECKIN_CHANGED: RecordFold._checkin,
    RecordKind.ITEM_STARTED: RecordFold._item_started, RecordKind.SESSION_RESUMED: RecordFold._resumed,
    RecordKind.ITEM_ENDED: RecordFold._item_ended, RecordKind.ITEM_SKIPPED: RecordFold._item_skipped,
    RecordKind.ITEM_FAILED: RecordFold._item_failed,
}


def resume_point(session_id: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> ResumePoint:
    """Where an unfinished session stood, from its records (kind, payload) in order."""
    return RecordFold().add_all(records).resume_point(session_id)
