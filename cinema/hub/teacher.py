"""The teacher's phone: the `/teacher` page and its WebSocket, unlocked with the teacher PIN under the
kiosk's own lockout (the same wrong-try count and wait as the laptop's prompt), and the teacher view
as JSON with every word translated on the server in the kiosk's menu language."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from cinema.core.events import Command, PhoneChoose, PhoneCommand, PhoneMark, PinDigit
from cinema.core.messages import DISK_BACK, N_, USB_SAVED
from cinema.core.phone import PhoneState
from cinema.core.pin import FREE_TRIES, MAX_DIGITS, PinHash, PinPad, PinPurpose, PinResult, PinState, TriesKeeper
from cinema.core.power import MSG_RESTORE, Action, PowerDecision, describe, shown_minutes
from cinema.core.view import AnswerList, CalmNote, Screen, TeacherView
from cinema.hub import HELLO_SECONDS, protocol
from cinema.hub.peer import ChildPeer, ack, frame_of
from cinema.hub.state import PinCheck
from cinema.locale.languages import base_language, is_rtl

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]

# ---- the PIN, with the kiosk's lockout ------------------------------------------------------------


def _ascii_digits(pin: str) -> str | None:
    """The PIN as ASCII digits (a phone's Arabic-Indic or Persian digits count as theirs), or None
    when it holds anything else or is too long to be a PIN."""
    if not isinstance(pin, str) or len(pin) > MAX_DIGITS:
        return None
    out = []
    for ch in pin:
        value = unicodedata.decimal(ch, None)
        if value is None:
            return None
        out.append(str(value))
    return "".join(out)


def make_pin_check(expected: PinHash | str, keeper: TriesKeeper,
                   clock: Callable[[], float] = time.monotonic) -> PinCheck:
    """pin_check(pin) -> ("ok" | "wrong" | "wait", seconds to wait, tries left before a wait).

    Every try goes through a PinPad with the kiosk's TriesKeeper (the PIN file), which it reads
    before and writes after each try: wrong tries on phones and on the laptop's prompt share one
    count and one wait. "wait": the try was not even looked at (a wait is running); "wrong" with
    seconds > 0: this wrong try started a wait. Slow (scrypt): call it in a worker thread. Safe to
    call from several threads (one try at a time)."""
    pad = PinPad(expected, keeper=keeper)
    lock = threading.Lock()

    def pin_check(pin: str) -> tuple[str, int, int]:
        with lock:
            now = clock()
            pad.open(now, PinPurpose.UNLOCK)  # reads the kept tries: the laptop's wrong ones count here
            try:
                if pad.state is PinState.WAITING and pad.wait_left(now) > 0:
                    return "wait", math.ceil(pad.wait_left(now)), 0
                digits = _ascii_digits(pin)
                for digit in digits or "":  # anything but digits is a wrong try, as an empty PIN is
                    pad.key(PinDigit(digit=digit), now)
                result = pad.key(PinDigit(submit=True), now)
                if result is PinResult.RIGHT:
                    return "ok", 0, FREE_TRIES
                wait = pad.wait_left(now)
                return "wrong", math.ceil(wait), max(0, FREE_TRIES - pad.wrong_in_a_row)
            finally:
                pad.close()

    return pin_check


# ---- teacher sessions: a PIN unlock that lasts while it is used ----------------------------------


@dataclass
class TeacherSessions:
    """The teacher phones unlocked with the PIN, by their secret token (the page keeps it in its
    sessionStorage, so a reload does not ask for the PIN again): an unlock lasts until `minutes` pass
    without a message from it. The event loop's thread only."""

    minutes: float
    clock: Callable[[], float] = time.monotonic
    _last_use: dict[str, float] = field(default_factory=dict)

    def unlock(self, token: str) -> None:
        self._last_use[token] = self.clock()

    def left(self, token: str | None) -> float:
        """Seconds the unlock of `token` lasts without use (0 when it is locked)."""
        at = self._last_use.get(token) if token is not None else None
        if at is None:
            return 0.0
        return max(0.0, self.minutes * 60 - (self.clock() - at))

    def alive(self, token: str | None) -> bool:
        return self.left(token) > 0

    def touch(self, token: str | None) -> bool:
        """A message from `token`: True (and the unlock lasts on) when it is unlocked."""
        if not self.alive(token):
            return False
        self._last_use[token] = self.clock()
        return True

    def end(self, token: str | None) -> bool:
        """Lock `token` (logged out, or its time ran out); True when it was unlocked until now."""
        return token is not None and self._last_use.pop(token, None) is not None


# ---- the teacher view as JSON, every word translated ------------------------------------------

# The page's own words (buttons, headings): translated on the server, handed to the template and
# the page's script. The English word stays in the accessible name of the three main buttons and
# the PIN field, for screen readers set to English and for tests.
WORDS = {
    "title": N_("Teacher"),
    "pin": N_("PIN"),
    "unlock": N_("Unlock"),
    "pin_hint": N_("Type the teacher PIN to control the lesson from this phone."),
    "wrong": N_("Wrong PIN"),
    "tries_left": N_("Tries left: %(n)d"),
    "wait": N_("Too many wrong tries: wait %(s)d s"),
    "checking": N_("Checking…"),
    "next": N_("Next"),
    "back": N_("Back"),
    "pause": N_("Pause"),
    "resume": N_("Resume"),
    "seek_back": N_("Back 10 s"),
    "seek_forward": N_("On 10 s"),
    "skip": N_("Skip"),
    "repeat": N_("Repeat"),
    "accept": N_("Take the offer"),
    "decline": N_("Go on"),
    "lock": N_("Lock"),
    "class_list": N_("Mark present by hand"),
    "class_hint": N_("Tap a name to mark the child present. Tap a name marked by hand again to take it back."),
    "lessons": N_("Choose a lesson"),
    "no_lessons": N_("No lessons found."),
    "lesson_problems": N_("has problems"),
    "by_card": N_("card"),
    "by_hand": N_("by hand"),
    "sent": N_("Done"),
    "refused": N_("Not possible now"),
    "not_saved": N_("Not saved: the disk is full"),
    "offline": N_("Connection lost: trying again"),
    "locked_out": N_("Locked: type the PIN again."),
    "filter": N_("Find a name"),
    "notices": N_("Notices"),
}
# The accessible names' English words for the buttons the issue names (and the PIN field).
ENGLISH_NAMES = {"next": "Next", "back": "Back", "pause": "Pause", "pin": "PIN",
                 "seek_back": "Rewind 10 seconds", "seek_forward": "Forward 10 seconds"}

KINDS = {
    "video": N_("Video"), "slides": N_("Slides"), "audio": N_("Audio"), "activity": N_("Quiz"),
    "checkin": N_("Check-in"), "attendance": N_("Attendance"), "pairing": N_("Handsets"),
    "break": N_("Break"), "closing": N_("Closing"), "title": N_("Title"),
}
# What the class window shows, as the teacher phone says it.
SCREENS = {
    Screen.TITLE: N_("A title"),
    Screen.VIDEO: N_("A video"),
    Screen.SLIDES: N_("Slides"),
    Screen.AUDIO: N_("Audio"),
    Screen.QUESTION: N_("A question, answers coming in"),
    Screen.RESULTS: N_("The answers"),
    Screen.CHECKIN: N_("The check-in faces"),
    Screen.CHECKIN_RESULTS: N_("The check-in, closed"),
    Screen.ATTENDANCE: N_("Attendance: show your card"),
    Screen.PAIRING: N_("Handsets: scan your card"),
    Screen.BREAK: N_("Break"),
    Screen.CLOSING: N_("Closing"),
    Screen.NOTICE: N_("A problem: moving on shortly"),
    Screen.RESUME: N_("Resume the unfinished lesson?"),
    Screen.CONTENT_ERROR: N_("The lesson has mistakes"),
    Screen.LIBRARY: N_("The lesson list"),
}
SEEKABLE = frozenset({Screen.VIDEO, Screen.AUDIO})
FAILURES = frozenset({"This video could not be played.", "This audio could not be played.",
                      "This slide could not be shown."})
GOOD_NEWS = frozenset({MSG_RESTORE, USB_SAVED, DISK_BACK})
MARK_STATES = frozenset({"absent", "card", "teacher"})


def mmss(seconds: float) -> str:
    """m:ss of a countdown, rounded up (0:00 only when time is up)."""
    whole = max(0, int(math.ceil(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def _plural(gettext: Gettext) -> Ngettext:
    return lambda one, many, n: gettext(one) if n == 1 else gettext(many)


def words(gettext: Gettext, language: str) -> dict[str, str]:
    """The page's words in `language` (through `gettext`), and each named button's accessible name."""
    said = {key: gettext(msgid) for key, msgid in WORDS.items()}
    english = base_language(language) == "en"
    for key, name in ENGLISH_NAMES.items():
        said[f"{key}_name"] = name if english or said[key] == name else f"{said[key]} ({name})"
    return said


def teacher_json(state: PhoneState, gettext: Gettext, ngettext: Ngettext | None = None,
                 language: str | None = None) -> dict:
    """What a teacher's phone is sent: the teacher view, the class list and the lessons, every message
    id translated (through `gettext` / `ngettext`, in `language`: the kiosk's menu language). Names are
    in it: a teacher's phone only."""
    _ = gettext
    ng = ngettext or _plural(gettext)
    language = language or state.menu_language or "en"
    view = state.teacher
    out: dict = {
        "language": language,
        "dir": "rtl" if is_rtl(language) else "ltr",
        "home": view is None,
        "title": state.lesson_title,
        "marks": [{"id": row.learner_id, "label": row.label,
                   "state": row.state if row.state in MARK_STATES else "absent"} for row in state.marks],
        "lessons": [{"key": lesson.key, "title": lesson.title, "usable": lesson.usable} for lesson in state.lessons],
        "lesson": None,
    }
    if view is not None:
        out["title"] = view.lesson_title or state.lesson_title
        out["lesson"] = _lesson_json(view, state, _, ng)
    return out


def _lesson_json(view: TeacherView, state: PhoneState, _: Gettext, ng: Ngettext) -> dict:
    now = view.now
    if now is None:
        place, now_title = _("The lesson has not started"), ""
    else:
        kind = _(KINDS[now.kind]) if now.kind in KINDS else ""
        place = (_("Now · %(kind)s · %(n)d of %(m)d") if kind else _("Now · %(n)d of %(m)d")) % {
            "kind": kind, "n": now.number, "m": view.item_count}
        now_title = now.title or (_(KINDS[now.kind]) if now.kind in KINDS else "")
    if view.next is None:
        next_words = {"label": "", "title": _("Next: the end of the lesson")}
    else:
        nxt = view.next
        next_words = {"label": _("Next:"), "title": nxt.title or (_(KINDS[nxt.kind]) if nxt.kind in KINDS else "")}
    if view.paused:
        time_words = (_("Paused · %(time)s left") % {"time": mmss(view.item_seconds_left)}
                      if view.item_seconds_left is not None else _("Paused"))
    elif view.item_seconds_left is not None:
        time_words = f"{mmss(view.item_seconds_left)} {_('left on this item')}"
    else:
        time_words = ""
    lesson_left = ""
    if view.lesson_seconds_left is not None:
        lesson_left = _("Lesson: about %(n)d min left") % {"n": max(0, math.ceil(view.lesson_seconds_left / 60))}
    if view.expected:
        present = ng("%(n)d of %(m)d present", "%(n)d of %(m)d present", view.expected) % {
            "n": view.present, "m": view.expected}
    else:
        present = ng("%(n)d present", "%(n)d present", view.present) % {"n": view.present}
    sees = SCREENS.get(view.class_screen)
    calm = view.calm
    return {
        "place": place,
        "now": now_title,
        "number": now.number if now is not None else 0,
        "count": view.item_count,
        "next": next_words,
        "sees": _("The class sees: %(what)s") % {"what": _(sees)} if sees else "",
        "paused": view.paused,
        "time": time_words,
        "lesson_left": lesson_left,
        "present": present,
        "battery": _battery_json(view, _),
        "calm": _calm_json(calm, _, ng) if calm is not None else None,
        "answers": _answers_json(view.answers, _, ng) if view.answers is not None else None,
        "notices": _notices_json(view, _),
        "can_seek": view.class_screen in SEEKABLE,
        "offer": (calm is not None and calm.offered) or view.class_screen is Screen.RESUME,
        "question_open": state.question is not None,
    }


def _battery_json(view: TeacherView, _: Gettext) -> dict | None:
    status = view.status
    advice: PowerDecision | None = view.power_advice
    percent = status.battery_percent if status.battery_percent is not None else (advice.percent if advice else None)
    if percent is None and advice is None:
        return None
    parts = [f"{percent:.0f}%"] if percent is not None else []
    if status.charging:
        parts.append(_("charging"))
    else:
        whole = shown_minutes(status.battery_minutes if status.battery_minutes is not None
                              else (advice.usable_minutes if advice else None))
        if whole is not None:
            parts.append(_("%(m)d min") % {"m": whole} if whole < 60
                         else _("%(h)d h %(m)02d min") % {"h": whole // 60, "m": whole % 60})
    level = "ok"
    if advice is not None and advice.action in (Action.ADVISE, Action.WARN, Action.STOP):
        level = "bad" if advice.action is Action.STOP or (advice.action is Action.ADVISE and not advice.enough) \
            else "warn"
    elif percent is not None and percent < 20:
        level = "bad"
    return {"said": " · ".join(parts), "percent": percent, "advice": list(describe(advice, _)) if advice else [],
            "level": level}


def _calm_json(calm: CalmNote, _: Gettext, ng: Ngettext) -> dict:
    said = ng("Check-in: %(n)d answered", "Check-in: %(n)d answered", calm.answers) % {"n": calm.answers}
    if calm.low is not None:
        said += " · " + ng("%(n)d chose the two saddest faces", "%(n)d chose the two saddest faces",
                           calm.low) % {"n": calm.low}
    take = (_("Start: %(title)s") % {"title": calm.calm_title}) if calm.calm_title else _("Start the calm moment")
    return {"said": said, "offered": calm.offered, "take": take if calm.offered else ""}


def _answers_json(answers: AnswerList, _: Gettext, ng: Ngettext) -> dict:
    waiting = len(answers.waiting) + answers.more_waiting
    answered = len(answers.answered) + answers.more_answered + answers.phones
    if waiting and (answers.unpaired or answers.phones):
        heading = ng("No answer seen from: %(n)d", "No answer seen from: %(n)d", waiting) % {"n": waiting}
    elif waiting:
        heading = ng("Not answered yet: %(n)d", "Not answered yet: %(n)d", waiting) % {"n": waiting}
    elif not answered:
        heading = _("No answers yet")
    else:
        heading = _("Everyone has answered!")
    if answers.unpaired:
        count = ng("%(n)d answered (%(loose)d on handsets given to nobody)",
                   "%(n)d answered (%(loose)d on handsets given to nobody)", answered) % {
            "n": answered, "loose": answers.unpaired}
    elif answers.phones:
        count = ng("%(n)d answered (%(phones)d on phones with no card linked)",
                   "%(n)d answered (%(phones)d on phones with no card linked)", answered) % {
            "n": answered, "phones": answers.phones}
    else:
        count = ng("%(n)d answered", "%(n)d answered", answered) % {"n": answered}
    # Answer cards held up that are nobody's in the roster (a card question): said, as on the laptop.
    unknown = ng("Card %(numbers)s is no child's in the roster: no answer",
                 "Cards %(numbers)s are no child's in the roster: no answers", len(answers.unknown_cards)) % {
        "numbers": ", ".join(str(n) for n in answers.unknown_cards)} if answers.unknown_cards else ""
    return {"heading": heading, "count": count, "waiting": list(answers.waiting),
            "more": _("%(n)d more") % {"n": answers.more_waiting} if answers.more_waiting else "",
            "all_in": not waiting and answered > 0, "unknown": unknown}


def _notices_json(view: TeacherView, _: Gettext) -> list[dict]:
    failed = [i for i, msg in enumerate(view.notices) if msg in FAILURES]
    detail_for = failed[0] if failed and view.notice_detail else None
    return [{"text": _(msg), "detail": view.notice_detail if i == detail_for else "", "good": msg in GOOD_NEWS}
            for i, msg in enumerate(view.notices)]


# ---- the page and the socket ---------------------------------------------------------------------

MAX_TEACHERS = 16  # teacher pages connected at once (several teachers, each maybe with a second tab)
LOCKED_NOTE = "teacher:locked"  # a command from a socket not unlocked: refused, noted, never sent on
LOCKED = WORDS["locked_out"]
NOT_NOW = WORDS["refused"]
TOO_FAST = N_("Too fast: wait a moment")  # the children's page says the same


class Teachers:
    """The teacher sockets of one hub: which are unlocked (by token), the view pushed to those only
    (made once per publish, in the kiosk's menu language)."""

    def __init__(self, core: Any) -> None:
        self.core = core
        self.sessions = TeacherSessions(core.config.teacher_minutes, core.clock)
        self.peers: dict[Any, str] = {}  # each connected teacher socket's peer -> its token
        self._frame: tuple[PhoneState | None, str] | None = None
        self._pushed = ""  # the last state frame pushed: a publish that changes nothing a teacher sees is not sent
        core.on_publish(self.published)

    def menu_language(self) -> str:
        state = self.core.state
        if state is not None and state.menu_language:
            return state.menu_language
        return self.core.default_language

    def view(self) -> dict | None:
        state = self.core.state
        if state is None:
            return None
        language = self.menu_language()
        words = self.core.words(language)
        return teacher_json(state, words.gettext, words.ngettext, language)

    def state_frame(self) -> str:
        state = self.core.state
        if self._frame is None or self._frame[0] is not state:
            self._frame = (state, json.dumps({"t": "state", "state": self.view()}, ensure_ascii=False))
        return self._frame[1]

    def welcome(self, device: str, token: str) -> str:
        unlocked = self.sessions.alive(token)
        view = None
        if unlocked:
            self._pushed = self.state_frame()  # this phone has the view now, as every unlocked one has
            view = self.view()
        return json.dumps({"t": "welcome", "device": device, "token": token, "locked": not unlocked,
                           "state": view}, ensure_ascii=False)

    def published(self, state: PhoneState) -> None:
        unlocked = [peer for peer, token in self.peers.items() if self.sessions.alive(token)]
        if not unlocked:  # a locked phone is sent no names
            self._pushed = ""  # nobody holds a view: the next unlocked phone gets the whole one
            return
        frame = self.state_frame()
        if frame == self._pushed:
            return
        self._pushed = frame
        for peer in unlocked:
            peer.push(frame, state=True)

    def send_state(self, peer: Any) -> None:
        """The view now to one phone just unlocked (every other unlocked phone has it already)."""
        frame = self.state_frame()
        self._pushed = frame
        peer.push(frame, state=True)

    def lock(self, peer: Any, device: str, token: str, why: str) -> None:
        """The unlock of `token` ended (time ran out, or the teacher locked the phone): tell the page."""
        if self.sessions.end(token):
            self.core.note("teacher_out", device, why)
        peer.push(self.welcome(device, token), state=True)

    def gettext(self, msgid: str) -> str:
        return self.core.words(self.menu_language()).gettext(msgid)


async def _receive(ws: WebSocket, timeout: float | None) -> dict | None:
    """The next ASGI message, or None when `timeout` seconds passed first."""
    if timeout is None:
        return await ws.receive()
    try:
        return await asyncio.wait_for(ws.receive(), timeout)
    except TimeoutError:
        return None


async def teacher_socket(ws: WebSocket, teachers: Teachers) -> None:
    core = teachers.core
    if not protocol.same_origin(ws.headers.get("origin"), ws.headers.get("host")):
        core.note("refused", detail="teacher:origin")
        await ws.close(1008)
        return
    await ws.accept()
    try:
        first = await _receive(ws, HELLO_SECONDS)
    except (WebSocketDisconnect, RuntimeError):
        return
    if first is None or first["type"] != "websocket.receive":
        if first is None:
            await ws.close(1008, "hello")
        return
    hello = protocol.parse(frame_of(first), protocol.TEACHER)
    address = ws.client.host if ws.client else ""
    if not isinstance(hello, protocol.Hello) or not core.hello_allowed(address):
        core.note("refused", detail="teacher:hello")
        await ws.send_text(json.dumps({"t": "refused", "reason": "bad"}))
        await ws.close(1008)
        return
    device, token = core.device_for(hello.token)
    if len(teachers.peers) >= MAX_TEACHERS:
        core.note("refused", device, "teacher:full")
        await ws.send_text(json.dumps({"t": "refused", "reason": "full"}))
        await ws.close(1000)
        return
    peer = ChildPeer(ws, device)
    teachers.peers[peer] = token
    teachers.sessions.touch(token)  # a reload within the unlock's time: no PIN again
    peer.push(teachers.welcome(device, token))
    writer = asyncio.ensure_future(peer.run())
    try:
        await _teacher_messages(ws, teachers, peer, token)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        teachers.peers.pop(peer, None)
        peer.close(1000, "")
        try:
            await asyncio.wait_for(writer, 1.0)
        except (TimeoutError, asyncio.CancelledError):
            writer.cancel()


async def _teacher_messages(ws: WebSocket, teachers: Teachers, peer: ChildPeer, token: str) -> None:
    core = teachers.core
    sessions = teachers.sessions
    device = peer.device
    while peer.closing is None:
        unlocked = sessions.alive(token)
        message = await _receive(ws, sessions.left(token) + 0.5 if unlocked else None)
        if message is None:  # the unlock ran out while the phone lay there: lock its screen
            if not sessions.alive(token):
                teachers.lock(peer, device, token, "expired")
            continue
        if message["type"] == "websocket.disconnect":
            return
        msg = protocol.parse(frame_of(message), protocol.TEACHER)
        r = getattr(msg, "r", None)
        if core.throttled(peer, r, "teacher:rate", teachers.gettext(TOO_FAST)):
            continue
        if isinstance(msg, protocol.Refusal):
            core.note("refused", device, f"teacher:{msg.reason}")
            if r is not None:
                peer.push(ack(r, "refused", teachers.gettext(NOT_NOW)))
        elif isinstance(msg, protocol.Login):
            await _login(teachers, peer, token, msg)
        elif isinstance(msg, protocol.Logout):
            if sessions.alive(token):
                teachers.lock(peer, device, token, "logout")
        elif isinstance(msg, protocol.Hello):
            core.note("refused", device, "teacher:hello again")
        elif not sessions.touch(token):
            # Locked (never unlocked, or its time ran out): nothing reaches the kiosk.
            if sessions.end(token):
                core.note("teacher_out", device, "expired")
            core.note("refused", device, LOCKED_NOTE)
            peer.push(ack(msg.r, "refused", teachers.gettext(LOCKED)))
            peer.push(teachers.welcome(device, token), state=True)
        else:
            peer.push(await _command(teachers, device, msg))


async def _login(teachers: Teachers, peer: ChildPeer, token: str, msg: protocol.Login) -> None:
    core = teachers.core
    device = peer.device
    if teachers.sessions.touch(token):
        peer.push(ack(msg.r, "ok", "", wait=0, tries_left=FREE_TRIES))
        return
    status, wait, tries_left = await run_in_threadpool(core.pin_check, msg.pin)
    if status == "ok":
        teachers.sessions.unlock(token)
        core.note("teacher_in", device)
        peer.push(ack(msg.r, "ok", "", wait=0, tries_left=tries_left))
        teachers.send_state(peer)
        return
    if status == "wrong" and wait:
        core.note("teacher_locked", device, f"wait {wait} s")
        detail = teachers.gettext(WORDS["wait"]) % {"s": wait}
    elif status == "wrong":
        core.note("teacher_wrong_pin", device, f"tries left {tries_left}")
        detail = teachers.gettext(WORDS["wrong"])
    else:
        core.note("refused", device, "teacher:pin wait")
        detail = teachers.gettext(WORDS["wait"]) % {"s": wait}
    peer.push(ack(msg.r, status, detail, wait=wait, tries_left=tries_left))


async def _command(teachers: Teachers, device: str, msg: Any) -> str:
    """An unlocked teacher's command, mark or choice -> the kiosk's queue -> the engine's reply as an ack.
    A child or a lesson not on the phone's lists is refused here (the kiosk never sees it)."""
    core = teachers.core
    state = core.state
    if isinstance(msg, protocol.Cmd):
        event: Any = PhoneCommand(device, Command(msg.cmd))
    elif isinstance(msg, protocol.Mark):
        if state is None or msg.learner not in {row.learner_id for row in state.marks}:
            core.note("refused", device, "teacher:mark unknown")
            return ack(msg.r, "refused", teachers.gettext(NOT_NOW))
        event = PhoneMark(device, msg.learner, msg.undo)
    else:
        if state is None or msg.lesson not in {lesson.key for lesson in state.lessons if lesson.usable}:
            core.note("refused", device, "teacher:choose unknown")
            return ack(msg.r, "refused", teachers.gettext(NOT_NOW))
        event = PhoneChoose(device, msg.lesson)
    reply = await core.ask(event)
    detail = teachers.gettext(reply.detail) if reply.detail else ""
    return ack(msg.r, reply.status.value, detail)


async def teacher_page(request: Request, teachers: Teachers) -> Response:
    language = teachers.menu_language()
    said = words(teachers.core.words(language).gettext, language)
    host = request.headers.get("host", "")
    csp = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
           f"connect-src 'self' ws://{host} wss://{host}; frame-ancestors 'none'; base-uri 'none'; "
           "form-action 'none'")
    return request.app.state.templates.TemplateResponse(request, "teacher.html", {
        "lang": language, "dir": "rtl" if is_rtl(language) else "ltr", "words": said, "title": said["title"],
        "boot": {"words": said, "language": language},
    }, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


def routes(core: Any) -> list:
    """The teacher's page and socket for the hub's app (`core`: the HubState)."""
    teachers = Teachers(core)

    async def page(request: Request) -> Response:
        return await teacher_page(request, teachers)

    async def socket(ws: WebSocket) -> None:
        await teacher_socket(ws, teachers)

    return [Route("/teacher", page, methods=["GET", "HEAD"]), WebSocketRoute("/teacher/ws", socket)]
