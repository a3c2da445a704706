"""xAPI statements from journal records, written as JSON lines or sent to a Learning Record Store."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cinema.atomic import open_replacing
from cinema.core.records import (
    AttendanceScanned, AttendanceUndone, CheckinRecorded, FinalAnswer, ItemEnded, ItemFailed, ItemSkipped, ItemStarted, MediaSeeked,
    QuestionClosed, RecordFold, RecordKind, SessionAbandoned, SessionEnded, SessionResumed, SessionStarted, parse,
    question_of,
)
from cinema.locale.runtime import gettext as _

XAPI_VERSION = "1.0.3"
BASE = "https://learningcinema.org/xapi"
# Every statement id is a uuid5 in this namespace: the same journal always gives the same ids,
# so sending it twice (or from two laptops) stores nothing twice.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
AUTH_ENV = "CINEMA_XAPI_AUTH"

ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PLAYED = "https://w3id.org/xapi/video/verbs/played"
SEEKED = "https://w3id.org/xapi/video/verbs/seeked"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"  # xAPI's own way to take a statement back
VERB_NAMES = {ATTENDED: "attended", ANSWERED: "answered", COMPLETED: "completed", PLAYED: "played", SEEKED: "seeked",
              VOIDED: "voided"}

MEETING = "http://adlnet.gov/expapi/activities/meeting"
LESSON = "http://adlnet.gov/expapi/activities/lesson"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_SESSION = "https://w3id.org/xapi/video/extensions/session-id"
VIDEO_TIME_FROM = "https://w3id.org/xapi/video/extensions/time-from"
VIDEO_TIME_TO = "https://w3id.org/xapi/video/extensions/time-to"

# Wall clocks on shelter laptops are often wrong: kiosk and sequence number say where a statement
# really sits, and the record id leads back to the journal line it came from.
EXT_KIOSK = BASE + "/extensions/kiosk"
EXT_SEQ = BASE + "/extensions/seq"
EXT_SESSION = BASE + "/extensions/session"
EXT_RECORD = BASE + "/extensions/record"

MAX_OPEN_SESSIONS_PER_KIOSK = 8  # unfinished sessions kept per kiosk; older ones were abandoned

K = RecordKind
# What the statements are made of (the contract test holds every kind to be named in one of these).
HANDLED_KINDS = frozenset({
    K.SESSION_STARTED, K.SESSION_RESUMED, K.SESSION_ENDED, K.SESSION_ABANDONED,  # registration, completed
    K.ATTENDANCE_SCANNED,  # attended
    K.ATTENDANCE_UNDONE,  # a mark by hand taken back: its "attended" voided, nothing more for that child
    K.ITEM_STARTED, K.ITEM_ENDED, K.ITEM_SKIPPED, K.ITEM_FAILED,  # played (videos)
    K.MEDIA_SEEKED,  # seeked (videos)
    K.ANSWER_RECORDED, K.ANSWER_CHANGED, K.QUESTION_CLOSED,  # answered: each learner's final answer
    K.CHECKIN_RECORDED,  # counted in the tally only: check-ins are anonymous by design
})
# Not about what a learner did: the kiosk's own doings, and anonymous or repeated tallies.
IGNORED_KINDS = frozenset({
    K.CHECKIN_CHANGED, K.CHECKIN_CLOSED, K.CHECKIN_CALM_ACCEPTED, K.ITEM_PAUSED, K.ITEM_RESUMED,
    K.ATTENDANCE_REFUSED, K.HANDSET_PAIRED, K.PIN_REFUSED, K.POWER_READING, K.POWER_ACTION,
    K.POWER_SAVING,
    K.DEVICE_CONNECTED, K.DEVICE_LOST, K.DEVICE_NOISE, K.EXPORT_MADE, K.EXPORT_FAILED, K.JOURNAL_TROUBLE,
    K.PIN_CHANGED, K.KEYBOARD_LOCKED, K.KEYBOARD_UNLOCKED,
    K.MEDIA_DECODING,  # how the kiosk decoded video: its own business
})
IGNORED_KINDS |= {K.LESSON_CHOSEN, K.KIOSK_LANGUAGE, K.DAY_ENDED}  # the home screen's own doings
IGNORED_KINDS |= {K.DISPLAY_CHANGED}  # which screens the kiosk drew on
IGNORED_KINDS |= {K.HUB_NOTE, K.HUB_COMMAND}  # the hub's doings, a teacher phone's commands
IGNORED_KINDS |= {K.TAKE_HOME}  # counted per lesson in the report, never per child: no learner's statement
_ANSWERS = frozenset(k.value for k in (K.ANSWER_RECORDED, K.ANSWER_CHANGED))
_READ = frozenset(k.value for k in HANDLED_KINDS)  # parsed into payloads; the rest is skipped unread



class XapiError(Exception):
    """The statements could not be written or sent; the message says why in one line."""


@dataclass
class Tally:
    """What `statements` made and what it left out on purpose (for the command's summary line)."""

    verbs: Counter = field(default_factory=Counter)
    anonymous_answers: int = 0  # final answers from handsets not paired to a learner: no person to name
    checkins: int = 0  # wellbeing check-ins are anonymous by design and never become statements
    sessions_without_programme: int = 0  # their session.started names no programme (older kiosks, no class list)

    @property
    def statements(self) -> int:
        return sum(self.verbs.values())


@dataclass
class _Item:
    index: int
    item: str
    type: str
    title: str | None
    wall: float
    start_at: float


@dataclass
class _Session:
    kiosk: str
    session_id: str
    registration: str
    playlist: str | None = None
    program: str | None = None  # from session.started, when the kiosk records it
    title: str | None = None
    language: str = "und"
    fold: RecordFold = field(default_factory=RecordFold)  # who is present, the final answers
    item: _Item | None = None
    resume: tuple[int, float] | None = None  # (index, position) from session.resumed
    open: dict[tuple[int, int], None] = field(default_factory=dict)  # questions answered, not yet stated
    stated: dict[tuple[int, int, str], Any] = field(default_factory=dict)  # (index, question, who) -> record id
    attended: dict[str, str] = field(default_factory=dict)  # learner -> their "attended" statement's id

    @property
    def present(self) -> tuple[str, ...]:
        return self.fold.attendance


@lru_cache(maxsize=4096)  # the same few kiosk, lesson and item ids recur in every statement
def _iri_part(text: object) -> str:
    return urllib.parse.quote(str(text), safe="-_.~")


@lru_cache(maxsize=256)  # one record often gives a statement per learner present
def _timestamp(wall: float) -> str:
    try:
        when = datetime.fromtimestamp(float(wall), tz=UTC)
    except (ValueError, OverflowError, OSError):  # a clock far out of range: kiosk and seq still order it
        when = datetime.fromtimestamp(0, tz=UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(seconds: float) -> str:
    text = f"{max(0.0, float(seconds)):.2f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def statement_id(record_id: str, actor_home: str, learner_id: str, verb: str) -> str:
    """The same record, learner and verb always give the same id (so a re-send stores nothing twice)."""
    # uuid.uuid5 written out: the same value, without building a UUID object per statement.
    name = f"{record_id}/{actor_home}/{learner_id}/{verb}".encode()
    digest = bytearray(hashlib.sha1(NAMESPACE.bytes + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class StatementMaker:
    """Feed records in journal order (per kiosk, by seq); each call returns the statements they complete.

    Memory stays bounded for any journal length: a session's state (who is present, the current
    item, open questions) is dropped when it ends or is abandoned, and at most a few unfinished
    sessions are kept per kiosk.
    """

    def __init__(self, program: str | None = None, tally: Tally | None = None) -> None:
        self.program = program
        self.tally = tally if tally is not None else Tally()
        self._open: dict[str, dict[str, _Session]] = {}

    @property
    def open_sessions(self) -> int:
        """Sessions whose state is held (started, not yet ended or abandoned)."""
        return sum(len(sessions) for sessions in self._open.values())

    # ---- state -------------------------------------------------------------

    def _session(self, kiosk: str, session_id: str, out: list[dict]) -> _Session:
        sessions = self._open.setdefault(kiosk, {})
        s = sessions.get(session_id)
        if s is None:
            reg = str(uuid.uuid5(NAMESPACE, f"session/{kiosk}/{session_id}"))
            s = sessions[session_id] = _Session(kiosk, session_id, reg)
            while len(sessions) > MAX_OPEN_SESSIONS_PER_KIOSK:
                self._close(sessions.pop(next(iter(sessions))), out)
        return s

    def _drop(self, kiosk: str, session_id: str, out: list[dict]) -> None:
        s = self._open.get(kiosk, {}).pop(session_id, None)
        if s is not None:
            self._close(s, out)
        if kiosk in self._open and not self._open[kiosk]:
            del self._open[kiosk]

    def _close(self, s: _Session, out: list[dict]) -> None:
        for key in list(s.open):
            self._flush(s, key, out)

    # ---- records -------------------------------------------------------------

    def feed(self, rec: Mapping[str, Any]) -> list[dict]:
        kind = rec.get("kind")
        if kind in _ANSWERS:  # most records: the fold reads them, no payload object is built for each
            s = self._session(str(rec.get("kiosk_id")), str(rec.get("session_id")), out := [])
            payload = rec.get("payload")
            if isinstance(payload, dict):
                s.fold.add(kind, payload, ref=rec)
                s.open[question_of(payload)] = None
            return self._counted(out)
        if kind not in _READ:
            return []
        p = parse(kind, rec.get("payload"))
        kiosk, sid = str(rec.get("kiosk_id")), str(rec.get("session_id"))
        out = []
        match p:
            case CheckinRecorded():
                self.tally.checkins += 1  # anonymous: counted, never a statement about a child
            case SessionStarted():
                s = self._session(kiosk, sid, out)
                s.playlist, s.program, s.title = p.playlist or None, p.program or None, p.title or None
                if s.program is None:
                    self.tally.sessions_without_programme += 1
                s.language = (p.language or "und").replace("_", "-")  # xAPI wants RFC 5646 tags
            case SessionResumed():
                s = self._session(kiosk, sid, out)
                s.fold.add(kind, rec.get("payload"))
                s.resume = (p.index, float(p.position))
            case SessionAbandoned():
                self._drop(kiosk, p.session, out)
            case AttendanceScanned():
                s = self._session(kiosk, sid, out)
                before = s.fold.attendance_count
                s.fold.add(kind, rec.get("payload"))
                if s.fold.attendance_count > before:
                    learner = str(s.fold.last_arrival)
                    st = self._attended(s, rec, learner)
                    s.attended[learner] = st["id"]
                    out.append(st)
            case AttendanceUndone():
                s = self._session(kiosk, sid, out)
                s.fold.add(kind, rec.get("payload"))
                stated = s.attended.pop(str(p.learner_id), None)
                if stated is not None:  # a wrong mark by hand: the LRS is told to void its "attended"
                    out.append(self._voiding(s, rec, str(p.learner_id), stated))
            case ItemStarted():
                s = self._session(kiosk, sid, out)
                self._close(s, out)
                s.fold.add(kind, rec.get("payload"))
                start_at = 0.0
                if s.resume is not None and s.resume[0] == p.index:
                    start_at = s.resume[1]
                s.resume = None
                s.item = _Item(p.index, p.item, p.type, p.title, rec["wall"], start_at)
            case ItemEnded() | ItemSkipped() | ItemFailed():
                s = self._session(kiosk, sid, out)
                self._close(s, out)
                if not isinstance(p, ItemFailed) and p.type == "video" and float(p.seconds) > 0:
                    out += [self._played(s, rec, p, learner) for learner in s.present]
            case MediaSeeked():
                s = self._session(kiosk, sid, out)
                if s.item is not None and s.item.index == p.index and s.item.type == "video":
                    out += [self._seeked(s, rec, p, learner) for learner in s.present]
            case QuestionClosed():
                s = self._session(kiosk, sid, out)
                self._flush(s, (p.index, p.question), out)
            case SessionEnded():
                s = self._session(kiosk, sid, out)
                self._close(s, out)
                if p.reason == "completed":
                    out += [self._completed(s, rec, learner) for learner in s.present]
                self._drop(kiosk, sid, out)
        return self._counted(out)

    def _counted(self, out: list[dict]) -> list[dict]:
        for st in out:
            self.tally.verbs[VERB_NAMES[st["verb"]["id"]]] += 1
        return out

    def finish(self) -> list[dict]:
        """Answers of questions still open when the records ran out (a flat battery, say)."""
        out: list[dict] = []
        for kiosk in list(self._open):
            for sid in list(self._open.get(kiosk, {})):
                self._drop(kiosk, sid, out)
        for st in out:
            self.tally.verbs[VERB_NAMES[st["verb"]["id"]]] += 1
        return out

    def _flush(self, s: _Session, key: tuple[int, int], out: list[dict]) -> None:
        """State each learner's final answer to a question (from the fold); count the anonymous ones."""
        if s.open.pop(key, False) is False:
            return
        for a in s.fold.answers_to(*key):
            if a.learner_id is not None and not a.for_learner:
                continue  # the child's other answer (card or handset) is theirs
            who = (a.index, a.question, a.learner_id or f"anonymous {a.voter}")
            if s.stated.get(who) == a.ref.get("id"):
                continue  # stated when the question was first closed (it was answered again after)
            s.stated[who] = a.ref.get("id")
            if a.learner_id is None:
                self.tally.anonymous_answers += 1  # a handset paired to nobody: no person to name
            else:
                out.append(self._answered(s, a))

    # ---- statements ------------------------------------------------------------

    def _actor(self, s: _Session, learner: str) -> dict:
        # Learner ids only (never names): the same child is the same account across a programme's kiosks.
        program = s.program or self.program  # the records' own programme, never overridden
        home = (f"https://learningcinema.org/programme/{_iri_part(program)}" if program
                else f"https://learningcinema.org/kiosk/{_iri_part(s.kiosk)}")
        return {"objectType": "Agent", "account": {"homePage": home, "name": learner}}

    def _name(self, s: _Session, text: str | None) -> dict:
        return {s.language: str(text)}

    def _session_activity(self, s: _Session) -> dict:
        definition: dict[str, Any] = {"type": MEETING}
        if s.title:
            definition["name"] = self._name(s, s.title)
        return {"objectType": "Activity", "id": f"{BASE}/kiosk/{_iri_part(s.kiosk)}/session/{_iri_part(s.session_id)}",
                "definition": definition}

    def _lesson_activity(self, s: _Session) -> dict | None:
        if not s.playlist:
            return None
        definition: dict[str, Any] = {"type": LESSON}
        if s.title:
            definition["name"] = self._name(s, s.title)
        return {"objectType": "Activity", "id": f"{BASE}/lesson/{_iri_part(s.playlist)}", "definition": definition}

    def _statement(self, s: _Session, rec: Mapping[str, Any], learner: str, verb: str, obj: dict,
                   activities: dict[str, list[dict]], wall: float | None = None,
                   result: dict | None = None, extensions: dict | None = None) -> dict:
        ctx_ext = {EXT_KIOSK: s.kiosk, EXT_SEQ: rec.get("seq"), EXT_SESSION: s.session_id, EXT_RECORD: rec.get("id")}
        ctx_ext.update(extensions or {})
        context: dict[str, Any] = {"registration": s.registration, "platform": "Learning Cinema",
                                   "contextActivities": {k: v for k, v in activities.items() if v},
                                   "extensions": ctx_ext}
        if s.language != "und":
            context["language"] = s.language
        if not context["contextActivities"]:
            del context["contextActivities"]
        actor = self._actor(s, learner)
        st: dict[str, Any] = {
            "id": statement_id(str(rec.get("id")), actor["account"]["homePage"], learner, verb),
            "actor": actor,
            "verb": {"id": verb, "display": {"en-US": VERB_NAMES[verb]}},
            "object": obj,
        }
        if result:
            st["result"] = result
        st.update(context=context, timestamp=_timestamp(rec["wall"] if wall is None else wall), version=XAPI_VERSION)
        return st

    def _attended(self, s: _Session, rec: Mapping[str, Any], learner: str) -> dict:
        lesson = self._lesson_activity(s)
        return self._statement(s, rec, learner, ATTENDED, self._session_activity(s),
                               {"grouping": [lesson] if lesson else []})

    def _voiding(self, s: _Session, rec: Mapping[str, Any], learner: str, stated: str) -> dict:
        st = self._statement(s, rec, learner, VOIDED, {"objectType": "StatementRef", "id": stated}, {})
        del st["context"]["platform"]  # xAPI: platform only with an Activity as the object
        return st

    def _completed(self, s: _Session, rec: Mapping[str, Any], learner: str) -> dict:
        lesson = self._lesson_activity(s)
        session = self._session_activity(s)
        if lesson is None:  # no session.started seen: the session itself is what was completed
            return self._statement(s, rec, learner, COMPLETED, session, {}, result={"completion": True})
        return self._statement(s, rec, learner, COMPLETED, lesson, {"grouping": [session]},
                               result={"completion": True})

    def _video(self, s: _Session, item_id: str, item: _Item | None) -> dict:
        definition: dict[str, Any] = {"type": VIDEO}
        if item is not None and item.title:
            definition["name"] = self._name(s, item.title)
        where = f"{BASE}/lesson/{_iri_part(s.playlist)}" if s.playlist else self._session_activity(s)["id"]
        return {"objectType": "Activity", "id": f"{where}/item/{_iri_part(item_id)}", "definition": definition}

    def _seeked(self, s: _Session, rec: Mapping[str, Any], p: MediaSeeked, learner: str) -> dict:
        """The video profile's `seeked`: the teacher moved the class's video from one time to another."""
        lesson = self._lesson_activity(s)
        result = {"extensions": {VIDEO_TIME_FROM: float(p.from_seconds), VIDEO_TIME_TO: float(p.to_seconds)}}
        return self._statement(s, rec, learner, SEEKED, self._video(s, p.item, s.item),
                               {"parent": [lesson] if lesson else [], "grouping": [self._session_activity(s)],
                                "category": [{"objectType": "Activity", "id": VIDEO_PROFILE}]},
                               result=result, extensions={VIDEO_SESSION: s.registration})

    def _played(self, s: _Session, rec: Mapping[str, Any], p: ItemEnded | ItemSkipped, learner: str) -> dict:
        item = s.item if s.item is not None and s.item.index == p.index else None
        lesson = self._lesson_activity(s)
        obj = self._video(s, p.item, item)
        result = {"completion": p.reason == "finished", "duration": _duration(p.seconds or 0),
                  "extensions": {VIDEO_TIME: item.start_at if item is not None else 0.0}}
        return self._statement(s, rec, learner, PLAYED, obj,
                               {"parent": [lesson] if lesson else [], "grouping": [self._session_activity(s)],
                                "category": [{"objectType": "Activity", "id": VIDEO_PROFILE}]},
                               wall=item.wall if item is not None else None, result=result,
                               extensions={VIDEO_SESSION: s.registration})

    def _answered(self, s: _Session, a: FinalAnswer) -> dict:
        rec = a.ref  # the record of the learner's final answer: its id, sequence number and time
        activity = _iri_part(a.activity or a.item)
        number = a.question + 1
        obj = {"objectType": "Activity", "id": f"{BASE}/activity/{activity}/question/{number}",
               "definition": {"type": INTERACTION, "interactionType": "choice"}}
        parent: dict[str, Any] = {"objectType": "Activity", "id": f"{BASE}/activity/{activity}",
                                  "definition": {"type": ASSESSMENT}}
        item = s.item if s.item is not None and s.item.index == a.index else None
        if item is not None and item.title:
            parent["definition"]["name"] = self._name(s, item.title)
        result: dict[str, Any] = {"response": a.key}
        if a.correct is not None:  # polls have no right answer: no success either way
            result["success"] = a.correct
        grouping = [self._session_activity(s)]
        lesson = self._lesson_activity(s)
        if lesson:
            grouping.append(lesson)
        return self._statement(s, rec, str(a.learner_id), ANSWERED, obj, {"parent": [parent], "grouping": grouping},
                               result=result)


def statements(records: Iterable[Mapping[str, Any]], program: str | None = None,
               tally: Tally | None = None) -> Iterator[dict]:
    """xAPI statements about learners (attended, answered, played, completed), streamed in record order.

    A learner is an account of the programme the session's own session.started record names: card
    ids are unique within a programme, so one child is one account, and two programmes' L001 are
    two children. A session whose records name no programme (a kiosk before programmes were
    recorded, or one without a class list) takes `program` when the caller knows it for certain,
    else its learners are accounts of their kiosk (card ids are only known unique per kiosk then).

    Records must come in journal order per kiosk (as `merge` gives them). Check-ins and answers
    from handsets not paired to a learner are counted in `tally`, never turned into statements.
    """
    maker = StatementMaker(program, tally)
    for rec in records:
        yield from maker.feed(rec)
    yield from maker.finish()


# ---- files -------------------------------------------------------------------------


def write_jsonl(stmts: Iterable[dict], path: str | os.PathLike) -> int:
    """Write one statement per line; all or nothing (a temporary file renamed at the end)."""
    path = Path(path)
    count = 0
    try:
        with open_replacing(path, "w", encoding="utf-8", parents=False) as f:  # a mistyped folder is an error
            for st in stmts:
                f.write(json.dumps(st, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
    except OSError as exc:
        raise XapiError(_("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    return count


# ---- a Learning Record Store -------------------------------------------------------


def is_url(target: str) -> bool:
    """True for an LRS address (http:// or https://); anything else is a file name."""
    return str(target).lower().startswith(("http://", "https://"))


def parse_auth(text: str | None, environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """USER:PASSWORD from --xapi-auth, else from CINEMA_XAPI_AUTH; None when neither is given."""
    if text is None:
        text = environ.get(AUTH_ENV) or None
    if text is None:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise XapiError(_("--xapi-auth: write it as USER:PASSWORD"))
    return user, password


def statements_url(url: str) -> str:
    """The statements resource of an LRS endpoint: `http://host/xAPI/` -> `http://host/xAPI/statements`."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        raise XapiError(_("put the user name and password in --xapi-auth or CINEMA_XAPI_AUTH, not in the address"))
    path = parts.path.rstrip("/")
    if not path.endswith("/statements"):
        path += "/statements"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class SendResult:
    sent: int  # newly stored by the LRS
    duplicates: int  # already in the LRS (sent before): not stored twice
    batches: int  # POST requests that succeeded
    conflicts: int = 0  # of the duplicates, those the LRS refused with 409 (it holds a statement with that id)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would turn a redirected POST into a GET and lose the statements; say where it moved instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace")
    else:
        text = data.get("detail", data.get("message", data)) if isinstance(data, dict) else data
        if isinstance(text, list) and text and isinstance(text[0], dict) and "msg" in text[0]:
            text = "; ".join(f"{'/'.join(map(str, e.get('loc', ())))}: {e['msg']}" for e in text[:3])
        text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    return " ".join(text.split())[:300]


class _Poster:
    def __init__(self, url: str, auth: tuple[str, str] | None, retries: int, backoff: float, timeout: float,
                 sleep: Callable[[float], None]) -> None:
        self.url = statements_url(url)
        self.headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION,
                        "User-Agent": "learning-cinema"}
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"
        self.retries, self.backoff, self.timeout, self.sleep = retries, backoff, timeout, sleep
        self.opener = urllib.request.build_opener(_NoRedirect)
        self.batches = self.sent = self.duplicates = self.conflicts = 0

    def post(self, chunk: list[dict]) -> None:
        """Store `chunk`; a 409 or 413 on several statements splits the chunk and tries the halves."""
        status, body = self._post_with_retry(json.dumps(chunk, ensure_ascii=False).encode("utf-8"))
        if status in (409, 413) and len(chunk) > 1:
            half = len(chunk) // 2
            self.post(chunk[:half])
            self.post(chunk[half:])
            return
        if status == 409:  # one statement whose id the LRS already holds: it is there, not stored twice
            self.duplicates += 1
            self.conflicts += 1
            return
        if status == 413:
            raise self._refused(status, body, {})
        self.batches += 1
        if status == 204:  # Ralph: every statement was already stored
            self.duplicates += len(chunk)
            return
        try:
            ids = json.loads(body)
        except ValueError:
            ids = None
        if not isinstance(ids, list):
            raise XapiError(_("the learning record store at {url} gave an answer that is not xAPI (HTTP {status})")
                            .format(url=self.url, status=status))
        stored = min(len(ids), len(chunk))  # an LRS lists only the statements it newly stored
        self.sent += stored
        self.duplicates += len(chunk) - stored

    def _post_with_retry(self, data: bytes) -> tuple[int, bytes]:
        reason, wait = "", 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(wait)
            wait = min(self.backoff * 2 ** attempt, 30.0)
            req = urllib.request.Request(self.url, data=data, headers=self.headers, method="POST")
            try:
                with self.opener.open(req, timeout=self.timeout) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
                if status in (409, 413):
                    return status, body
                if status in (408, 429) or status >= 500:
                    reason = f"HTTP {status} {_message(body)}".strip()
                    after = exc.headers.get("Retry-After", "")
                    if after.isdigit():  # the store says when to come back
                        wait = min(float(after), 60.0)
                    continue
                raise self._refused(status, body, exc.headers, str(exc.reason)) from None
            except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out, name not found
                reason = str(getattr(exc, "reason", exc))
        raise XapiError(_("could not reach the learning record store at {url} after {n} tries: {reason}")
                        .format(url=self.url, n=self.retries + 1, reason=reason))

    def _refused(self, status: int, body: bytes, headers: Any, reason: str = "") -> XapiError:
        if status in (401, 403):
            return XapiError(_("the learning record store refused the user name or password (HTTP {status}); "
                               "check --xapi-auth or CINEMA_XAPI_AUTH").format(status=status))
        if status in (301, 302, 303, 307, 308):
            return XapiError(_("the learning record store at {url} moved to {location}; use that address")
                             .format(url=self.url, location=headers.get("Location", "?")))
        return XapiError(_("the learning record store refused the statements (HTTP {status}): {message}")
                         .format(status=status, message=_message(body) or reason or "?"))


def send(stmts: Iterable[dict], url: str, auth: tuple[str, str] | None = None, *, batch: int = 500,
         retries: int = 5, backoff: float = 1.0, timeout: float = 30.0,
         progress: Callable[[int], None] | None = None, sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """POST statements to an LRS in batches, retrying lost connections, 429 and 5xx with growing waits.

    Sending the same statements again stores nothing twice (their ids are stable); a 4xx other
    than a duplicate stops with an XapiError naming the status and the store's message. Statements
    stream through: only one batch is held at a time. `progress(n)` hears how many are done.
    """
    poster = _Poster(url, auth, retries, backoff, timeout, sleep)
    batch = max(1, batch)
    chunk: list[dict] = []
    ids: set[str] = set()
    done = 0

    def flush() -> None:
        nonlocal done
        if chunk:
            poster.post(chunk)
            done += len(chunk)
            chunk.clear()
            ids.clear()
            if progress is not None:
                progress(done)

    for st in stmts:
        if st.get("id") in ids:  # the same statement twice in one batch would make the LRS refuse it all
            poster.duplicates += 1
            continue
        ids.add(st.get("id"))
        chunk.append(st)
        if len(chunk) >= batch:
            flush()
    flush()
    return SendResult(poster.sent, poster.duplicates, poster.batches, poster.conflicts)
