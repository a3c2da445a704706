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
from cinema.core.view import CheckinBody, QuestionBody, Screen, TeacherView, View

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
