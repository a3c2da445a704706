"""What the phones on the kiosk's offline hub see: the open question for children's phones, and the
teacher view (with the class list, to mark children by hand) for a teacher's phone.

Pure: the main loop builds a PhoneState from the engine after each turn that changed the view and
hands it to the hub (cinema/hub), which sends it as JSON to the phones. A child's phone gets
`student_json(state)` only: the question's prompt and options, never a name, never another
phone's answer, never a count of answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cinema.core.checkin import FACE_KEYS
from cinema.core.content import Playlist
from cinema.core.events import (
    Command, Effect, HubNote, PhoneAnswer, PhoneChoose, PhoneCommand, PhoneLink, PhoneMark, PhoneReply, ReplyStatus,
    TakeHomeTaken,
)
from cinema.core.messages import N_
from cinema.core.records import HandsetPaired, HubCommand, HubNoted, TakeHomeDownloaded
from cinema.core.roster import TOKEN_PREFIX, Roster, looks_like_card, verify_token
from cinema.core.view import CheckinBody, QuestionBody, Screen, TeacherView, View

PHONE_EVENTS = (PhoneAnswer, PhoneLink, PhoneCommand, PhoneMark, PhoneChoose, HubNote, TakeHomeTaken)
# What a teacher's phone may ask for: driving the lesson, never closing the kiosk or opening its keyboard.
PHONE_COMMANDS = frozenset({
    Command.NEXT, Command.BACK, Command.PAUSE, Command.REPEAT, Command.SKIP, Command.ACCEPT, Command.DECLINE,
    Command.SEEK_BACK, Command.SEEK_FORWARD, Command.SEEK_BACK_LONG, Command.SEEK_FORWARD_LONG, Command.CAPTIONS,
})
MAX_LINKED = 1000  # phones linked to children at once (a class is far fewer)
MAX_MARK_ROWS = 500  # children listed on a teacher's phone
MAX_TAKE_HOME = 20  # files a lesson offers to take home

# What a phone is told (message ids; the hub translates them into the page's language).
CARD_NOT_RIGHT = N_("This code is not right. Check the number and the letters on your card.")
NO_CARDS = N_("Cards cannot be checked on this kiosk.")
NOT_ON_LIST = N_("This child is not on the class list.")
LESSON_RUNNING = N_("A lesson is running: end it on the kiosk first.")
NO_LESSON = N_("No lesson is running.")
NOT_A_LESSON = N_("This lesson cannot be started.")

# The check-in's faces as a phone shows them: key -> the face (an emoji the phone draws itself).
PHONE_FACES = (("1", "😢"), ("2", "🙁"), ("3", "😐"), ("4", "🙂"), ("5", "😄"))
assert tuple(k for k, _ in PHONE_FACES) == tuple(sorted(FACE_KEYS))


@dataclass(frozen=True)
class PhoneOption:
    key: str  # what the phone sends: "A".."F", "0".."9", "T"/"F"; check-ins "1".."5"
    text: str  # the option's text (content, in the lesson's language); a check-in: the face


@dataclass(frozen=True)
class PhoneQuestion:
    """The question open now. `id` changes whenever a question opens (also the same one opened again
    after Back): an answer carrying another id is refused as closed."""

    id: str
    kind: str  # "choice" (quiz, poll, true/false, numeric) | "checkin" (anonymous faces)
    prompt: str
    options: tuple[PhoneOption, ...]
    number: int = 1  # 1-based within the activity
    count: int = 1
    seconds_left: float | None = None


@dataclass(frozen=True)
class TakeHomeFile:
    """A lesson file the phones may download (`path` stays on the kiosk: phones see `name` and `size`)."""

    name: str  # the file's name, as listed and saved on the phone
    path: Path
    size: int  # bytes
    kind: str  # "video" | "audio" | "pdf" | "image" | "file"


@dataclass(frozen=True)
class MarkRow:
    """A child on the teacher phone's class list (names go to a teacher's phone only)."""

    learner_id: str
    label: str  # first name, else the learner id
    state: str  # "absent" | "card" | "teacher" (marked by hand: marking again takes it back)


@dataclass(frozen=True)
class LessonChoice:
    """A lesson the teacher's phone may start from the home screen."""

    key: str  # LessonEntry.key
    title: str
    usable: bool


@dataclass(frozen=True)
class PhoneState:
    """Everything the hub serves at one moment. `session` is the lesson run's id (the hub makes a new
    short join code whenever it changes); "" on the home screen."""

    session: str
    playlist: str  # the playlist's id ("" at home)
    lesson_title: str
    language: str  # the lesson's language: the phone pages' words and direction
    screen: Screen
    question: PhoneQuestion | None = None
    paused: bool = False
    take_home: tuple[TakeHomeFile, ...] = ()  # this lesson's files (kept by the hub after the lesson ends)
    teacher: TeacherView | None = None  # None on the home screen
    marks: tuple[MarkRow, ...] = ()  # the class list (teacher phone only)
    lessons: tuple[LessonChoice, ...] = ()  # on the home screen: what the teacher's phone may start
    menu_language: str = "en"  # the kiosk's menus' language: the teacher phone's words


def question_id(session: str, item_index: int, question: int, entries: int) -> str:
    """The open question's id: the session, the item, the question in it, and how many items the
    session has entered so far (so the same question opened again has another id)."""
    return f"{session[:8]}.{item_index}.{question}.{entries}"


def phone_question(view: View, qid: str) -> PhoneQuestion | None:
    """The question a child's phone may answer now, from the class's view; None when none is open."""
    body = view.body
    if view.screen is Screen.QUESTION and isinstance(body, QuestionBody) and body.options:
        return PhoneQuestion(qid, "choice", body.prompt, tuple(PhoneOption(o.key, o.text) for o in body.options),
                             body.question_number, body.question_count, body.seconds_left)
    if view.screen is Screen.CHECKIN and isinstance(body, CheckinBody):
        return PhoneQuestion(qid, "checkin", body.prompt, tuple(PhoneOption(k, face) for k, face in PHONE_FACES))
    return None


def student_json(state: PhoneState) -> dict:
    """What a child's phone is sent: the lesson's title and language, the open question, the take-home
    files. No names, no counts, no other phone's answers."""
    q = state.question
    return {
        "session": bool(state.session),
        "title": state.lesson_title,
        "language": state.language,
        "paused": state.paused,
        "question": None if q is None or state.paused else {
            "id": q.id, "kind": q.kind, "prompt": q.prompt, "number": q.number, "count": q.count,
            "options": [{"key": o.key, "text": o.text} for o in q.options],
        },
        "files": [{"name": f.name, "size": f.size, "kind": f.kind, "n": i} for i, f in enumerate(state.take_home)],
    }


# ---- the engine's side: phone events in, records and replies out ----------------------------------


def reply(event, status: ReplyStatus, detail: str = "") -> PhoneReply:
    return PhoneReply(event.device, event.request, status, detail)


def note_records(event: HubNote | TakeHomeTaken) -> list[Effect]:
    """The hub's notes and the take-home downloads, journaled as they come (in a lesson or at home)."""
    if isinstance(event, HubNote):
        return [HubNoted(what=event.what[:40], device=event.device[:16], detail=event.detail[:300],
                         count=max(1, event.count)).record()]
    return [TakeHomeDownloaded(session=event.session[:64], playlist=event.playlist[:200], file=event.file[:200],
                               bytes=max(0, event.bytes)).record()]


def link(roster: Roster | None, phones: dict[str, str], event: PhoneLink) -> list[Effect]:
    """A phone typed the code on a child's card: from now on it answers for that child (one phone per
    child: a second phone linked to the same card takes over). Never says the child's name back."""
    if roster is None or not roster.keys:
        return [reply(event, ReplyStatus.REFUSED, NO_CARDS)]
    text = event.card.strip()[:200]
    if not looks_like_card(text):
        parts = text.split(None, 1)  # "<learner id> <check>" as printed under the code
        if len(parts) != 2:
            return [reply(event, ReplyStatus.REFUSED, CARD_NOT_RIGHT)]
        text = f"{TOKEN_PREFIX}.{roster.program}.{parts[0]}.{parts[1]}"
    check = verify_token(text, roster.program, roster.keys)
    learner = check.learner_id
    if learner is None or roster.find(learner) is None and roster.learners:
        return [reply(event, ReplyStatus.REFUSED, CARD_NOT_RIGHT)]
    before = phones.get(event.device)
    if before == learner:
        return [reply(event, ReplyStatus.RECEIVED)]
    for device in [d for d, l in phones.items() if l == learner]:
        del phones[device]
    if event.device not in phones and len(phones) >= MAX_LINKED:
        return [reply(event, ReplyStatus.REFUSED, CARD_NOT_RIGHT)]
    phones[event.device] = learner
    return [HandsetPaired(clicker=f"phone:{event.device}", learner_id=learner, was_learner=before).record(),
            reply(event, ReplyStatus.RECEIVED)]


def mark_rows(class_list: tuple[tuple[str, str], ...], present: set[str], by_hand: set[str]) -> tuple[MarkRow, ...]:
    """The class list for a teacher's phone, by name (`class_list`: Marking.class_list(), made once)."""
    return tuple(MarkRow(lid, label, "teacher" if lid in by_hand else "card" if lid in present else "absent")
                 for lid, label in class_list[:MAX_MARK_ROWS])


_KINDS = {".mp4": "video", ".webm": "video", ".mkv": "video", ".mov": "video", ".avi": "video", ".ogv": "video",
          ".mp3": "audio", ".ogg": "audio", ".oga": "audio", ".wav": "audio", ".m4a": "audio", ".opus": "audio",
          ".pdf": "pdf", ".png": "image", ".jpg": "image", ".jpeg": "image", ".webp": "image"}


def take_home_paths(playlist: Playlist) -> list[Path]:
    """The files a lesson offers to take home, in playlist order: marked items' media (or slides), then
    the playlist's own list; each once."""
    paths: list[Path] = []
    for item in playlist.items:
        if item.take_home:
            paths += [item.media] if item.media is not None else list(item.slides)
    paths += list(playlist.take_home)
    return list(dict.fromkeys(paths))[:MAX_TAKE_HOME]


def take_home_files(paths: list[Path], size_of) -> tuple[TakeHomeFile, ...]:
    """The take-home files with their sizes (`size_of(path)` -> bytes, or None for a file that is gone:
    left out). Names made unique, so a phone saves each under its own name."""
    out: list[TakeHomeFile] = []
    names: set[str] = set()
    for path in paths:
        size = size_of(path)
        if size is None:
            continue
        name = path.name
        n = 2
        while name in names:
            name = f"{path.stem}-{n}{path.suffix}"
            n += 1
        names.add(name)
        out.append(TakeHomeFile(name, path, size, _KINDS.get(path.suffix.lower(), "file")))
    return tuple(out)
