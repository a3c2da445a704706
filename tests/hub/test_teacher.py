"""The teacher's phone: the PIN with the kiosk's own lockout, the teacher view as translated JSON, the
page, and its WebSocket (locked until the PIN, commands to the kiosk only once unlocked, the unlock
expiring, the view pushed to unlocked teacher sockets only)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cinema.app.pin_store import FileTries
from cinema.core.events import PinDigit
from cinema.core.pin import PinHash, PinPad, PinPurpose, PinResult, PinState
from cinema.hub.teacher import make_pin_check


class Clock:
    """One moving time for the PIN file's wall clock and the prompts' monotonic one."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _type(pad: PinPad, pin: str, now: float) -> PinResult:
    for digit in pin:
        pad.key(PinDigit(digit=digit), now)
    return pad.key(PinDigit(submit=True), now)


@pytest.fixture
def pin_file(tmp_path: Path) -> Path:
    return tmp_path / "teacher-pin.json"


def test_five_wrong_on_the_phone_lock_the_kiosks_prompt_too(pin_file):
    clock = Clock()
    keeper = FileTries(pin_file, wall=clock)
    check = make_pin_check("4821", keeper, clock)
    assert [check("1111") for _ in range(4)] == [("wrong", 0, 4), ("wrong", 0, 3), ("wrong", 0, 2), ("wrong", 0, 1)]
    assert check("2222") == ("wrong", 30, 0)  # the fifth wrong try starts the wait
    assert check("4821") == ("wait", 30, 0)  # not even the right PIN is looked at while it runs
    kiosk = PinPad("4821", keeper=FileTries(pin_file, wall=clock))
    kiosk.open(clock(), PinPurpose.QUIT)
    assert kiosk.state is PinState.WAITING
    assert kiosk.prompt(clock()).wait_seconds == 30
    assert _type(kiosk, "4821", clock()) is PinResult.TYPING  # the laptop's prompt waits too
    clock.now += 31
    assert check("4821") == ("ok", 0, 5)
    kiosk.close()
    kiosk.open(clock(), PinPurpose.QUIT)  # the right PIN on the phone cleared the count for both
    assert kiosk.state is PinState.OPEN and kiosk.wrong_in_a_row == 0


def test_wrong_tries_on_the_kiosk_lock_the_phone(pin_file):
    clock = Clock()
    pin = PinHash.make("4821", n=2**10)
    kiosk = PinPad(pin, keeper=FileTries(pin_file, wall=clock))
    kiosk.open(clock(), PinPurpose.UNLOCK)
    for _ in range(3):
        assert _type(kiosk, "0000", clock()) is PinResult.WRONG
    check = make_pin_check(pin, FileTries(pin_file, wall=clock), clock)
    assert check("0000") == ("wrong", 0, 1)  # the phone goes on from the laptop's count
    assert check("0000") == ("wrong", 30, 0)
    assert check("4821")[0] == "wait"
    clock.now += 29
    assert check("4821") == ("wait", 1, 0)
    clock.now += 2
    assert check("0000") == ("wrong", 60, 0)  # and the next wait is twice as long, as on the laptop


@pytest.mark.parametrize("typed, expected", [
    ("4821", "ok"), ("٤٨٢١", "ok"), ("۴۸۲۱", "ok"),  # Arabic-Indic and Persian digits are digits
    ("482", "wrong"), ("48211", "wrong"), ("", "wrong"), ("48a21", "wrong"), ("4821\n", "wrong"),
    ("9" * 200, "wrong"),
])
def test_what_counts_as_the_pin(pin_file, typed, expected):
    clock = Clock()
    assert make_pin_check("4821", FileTries(pin_file, wall=clock), clock)(typed)[0] == expected


def test_tries_from_many_phones_at_once_are_each_counted(pin_file):
    clock = Clock()
    check = make_pin_check(PinHash.make("4821", n=2**10), FileTries(pin_file, wall=clock), clock)
    results: list[tuple[str, int, int]] = []
    threads = [threading.Thread(target=lambda: results.append(check("1111"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[2] for r in results) == [1, 2, 3, 4]
    assert FileTries(pin_file, wall=clock).load() == (4, 0.0)


# ---- the teacher view as JSON ---------------------------------------------------------------------

from cinema.core.phone import (  # noqa: E402
    LessonChoice, MarkRow, PhoneOption, PhoneQuestion, PhoneState, TakeHomeFile,
)
from cinema.core.power import Action, PlannedItem, PowerDecision  # noqa: E402
from cinema.core.view import AnswerList, CalmNote, Screen, StatusBar, TeacherItem, TeacherView  # noqa: E402
from cinema.hub.teacher import teacher_json, words  # noqa: E402
from cinema.locale import translator  # noqa: E402

MARKS = (MarkRow("L1", "Amira", "absent"), MarkRow("L2", "Bohdan", "card"), MarkRow("L3", "Chidi", "teacher"))


def _view(**kw) -> TeacherView:
    base = dict(
        lesson_title="Clean water", language="en", now=TeacherItem("Which cup is safe?", "activity", 3),
        next=TeacherItem("Washing hands", "video", 4), item_count=7, class_screen=Screen.QUESTION,
        item_seconds_left=75.2, lesson_seconds_left=601,
        status=StatusBar(battery_percent=41, battery_minutes=50, charging=False),
        power_advice=PowerDecision(Action.ADVISE, 41, 50, usable_minutes=40, needs_minutes=55,
                                   skip=(PlannedItem(4, "v2", "Washing hands", "video", 8, True, 1),), enough=True),
        answers=AnswerList(answered=("Bohdan",), waiting=("Amira", "Chidi"), more_waiting=3),
        notices=("This video could not be played.", "Power is back"), notice_detail="Boiling water",
        present=2, expected=3)
    base.update(kw)
    return TeacherView(**base)


def _lesson_state(view: TeacherView | None = None, menu: str = "en", **kw) -> PhoneState:
    q = PhoneQuestion("s1.2.0.3", "choice", "Which cup?", (PhoneOption("A", "Boiled"), PhoneOption("B", "River")))
    base = dict(session="s1", playlist="water", lesson_title="Clean water", language="en", screen=Screen.QUESTION,
                question=q, teacher=view if view is not None else _view(), marks=MARKS, menu_language=menu)
    base.update(kw)
    return PhoneState(**base)


HOME = PhoneState(session="", playlist="", lesson_title="", language="en", screen=Screen.LIBRARY,
                  lessons=(LessonChoice("water.yaml", "Clean water", True), LessonChoice("bad.yaml", "Broken", False)),
                  menu_language="en")


def test_the_teacher_view_in_english():
    out = teacher_json(_lesson_state(), translator("en").gettext, translator("en").ngettext)
    lesson = out["lesson"]
    assert out["home"] is False and out["title"] == "Clean water" and out["dir"] == "ltr"
    assert lesson["place"] == "Now · Quiz · 3 of 7"
    assert lesson["now"] == "Which cup is safe?"
    assert lesson["next"] == {"label": "Next:", "title": "Washing hands"}
    assert lesson["time"] == "1:16 left on this item"
    assert lesson["sees"] == "The class sees: A question, answers coming in"
    assert lesson["lesson_left"] == "Lesson: about 11 min left"
    assert lesson["present"] == "2 of 3 present"
    assert lesson["answers"] == {"heading": "Not answered yet: 5", "count": "1 answered", "waiting": ["Amira", "Chidi"],
                                 "more": "3 more", "all_in": False, "unknown": ""}
    assert lesson["battery"]["said"] == "41% · 50 min"
    assert lesson["battery"]["advice"] == [
        "Battery: about 40 min. The rest of the lesson needs about 55 min.", "To finish, skip: Washing hands (8 min)"]
    assert lesson["battery"]["level"] == "warn"
    assert lesson["notices"] == [
        {"text": "This video could not be played.", "detail": "Boiling water", "good": False},
        {"text": "Power is back", "detail": "", "good": True}]
    assert lesson["question_open"] and not lesson["can_seek"] and not lesson["offer"]
    assert out["marks"] == [{"id": "L1", "label": "Amira", "state": "absent"},
                            {"id": "L2", "label": "Bohdan", "state": "card"},
                            {"id": "L3", "label": "Chidi", "state": "teacher"}]


def test_answer_cards_that_are_nobodys_are_said_on_the_phone_too():
    answers = AnswerList(answered=("Bohdan",), waiting=("Amira",), grid=True, unknown_cards=(41, 57))
    out = teacher_json(_lesson_state(_view(answers=answers)), translator("en").gettext, translator("en").ngettext)
    assert out["lesson"]["answers"]["unknown"] == "Cards 41, 57 are no child's in the roster: no answers"
    assert out["lesson"]["answers"]["waiting"] == ["Amira"]


def test_paused_video_and_the_calm_offer():
    view = _view(class_screen=Screen.VIDEO, paused=True, item_seconds_left=30, answers=None,
                 calm=CalmNote(answers=9, low=3, offered=True, calm_title="Breathing"))
    lesson = teacher_json(_lesson_state(view, question=None), translator("en").gettext)["lesson"]
    assert lesson["time"] == "Paused · 0:30 left"
    assert lesson["paused"] and lesson["can_seek"] and lesson["offer"]
    assert lesson["calm"] == {"said": "Check-in: 9 answered · 3 chose the two saddest faces", "offered": True,
                              "take": "Start: Breathing"}


def test_at_home_the_lessons_to_choose():
    out = teacher_json(HOME, translator("en").gettext)
    assert out["home"] is True and out["lesson"] is None
    assert out["lessons"] == [{"key": "water.yaml", "title": "Clean water", "usable": True},
                              {"key": "bad.yaml", "title": "Broken", "usable": False}]


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_every_word_is_translated_in_the_menu_language(lang):
    tr = translator(lang)
    english = teacher_json(_lesson_state(), translator("en").gettext, translator("en").ngettext)["lesson"]
    out = teacher_json(_lesson_state(menu=lang), tr.gettext, tr.ngettext)
    lesson = out["lesson"]
    assert out["language"] == lang and out["dir"] == ("rtl" if lang == "ar" else "ltr")
    for key in ("place", "time", "lesson_left", "present"):
        assert lesson[key] != english[key], key
    assert lesson["answers"]["heading"] != english["answers"]["heading"]
    assert lesson["battery"]["advice"][0] != english["battery"]["advice"][0]
    assert lesson["notices"][0]["text"] != english["notices"][0]["text"]
    assert lesson["now"] == "Which cup is safe?"  # content stays as the lesson wrote it


def test_the_named_buttons_keep_their_english_names():
    en = words(translator("en").gettext, "en")
    assert (en["next_name"], en["back_name"], en["pause_name"], en["pin_name"]) == ("Next", "Back", "Pause", "PIN")
    ar = words(translator("ar").gettext, "ar")
    for key, name in (("next", "Next"), ("back", "Back"), ("pause", "Pause"), ("pin", "PIN")):
        assert name in ar[f"{key}_name"] and ar[key] in ar[f"{key}_name"]


# ---- the page and the socket ------------------------------------------------------------------------

import json  # noqa: E402
import queue  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from starlette.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from cinema.config.models import HubConfig  # noqa: E402
from cinema.core.clock import FakeClock  # noqa: E402
from cinema.core.events import (  # noqa: E402
    Command, HubNote, PhoneChoose, PhoneCommand, PhoneMark, PhoneReply, ReplyStatus,
)
from cinema.hub.server import make_app  # noqa: E402
from cinema.hub.state import HubState  # noqa: E402

PIN = "4821"
ORIGIN = {"origin": "http://testserver"}


class MemoryTries:
    """The PIN file's wrong tries, in memory (the file itself is tested above)."""

    def __init__(self) -> None:
        self.kept = (0, 0.0)

    def load(self):
        return self.kept

    def save(self, wrong: int, wait_left: float) -> None:
        self.kept = (wrong, wait_left)


@dataclass
class Rig:
    core: HubState
    client: TestClient
    clock: FakeClock
    sent: list = field(default_factory=list)  # what reached the kiosk's queue: commands, marks, choices
    notes: list = field(default_factory=list)

    def drain(self, seconds: float = 0.0, until=None) -> None:
        """Play the kiosk: take what the hub put on the queue and reply as the engine does, for
        `seconds` or until `until` (a threading.Event) is set."""
        deadline = time.monotonic() + seconds
        while until is None or not until.is_set():
            try:
                event = self.core.events.get(timeout=0.01 if until is not None else
                                             max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                if until is None or time.monotonic() > deadline:
                    return
                continue
            if isinstance(event, HubNote):
                self.notes.append(event)
            else:
                self.sent.append(event)
                self.core.reply_threadsafe(PhoneReply(event.device, event.request, ReplyStatus.RECEIVED))

    def publish(self, state: PhoneState) -> None:
        self.core.publish_threadsafe(state)
        deadline = time.monotonic() + 3
        while self.core.state is not state:
            assert time.monotonic() < deadline
            time.sleep(0.005)

    def what(self, name: str) -> list[HubNote]:
        self.drain()
        return [n for n in self.notes if n.what == name]


@pytest.fixture
def rig():
    clock = FakeClock()
    events: queue.Queue = queue.Queue()
    core = HubState(events, HubConfig(teacher_minutes=30), pin_check=make_pin_check(PIN, MemoryTries(), clock.monotonic),
                    clock=clock.monotonic)
    with TestClient(make_app(core)) as client:
        r = Rig(core, client, clock)
        r.publish(_lesson_state())
        yield r


def _hello(ws, token=None) -> dict:
    ws.send_text(json.dumps({"t": "hello", "token": token}))
    return ws.receive_json()


def _login(ws, pin: str, r: int = 1) -> dict:
    ws.send_text(json.dumps({"t": "login", "pin": pin, "r": r}))
    return ws.receive_json()


def _ask(rig: Rig, ws, message: dict) -> dict:
    """Send a command and play the kiosk until its ack comes back."""
    import threading

    done = threading.Event()
    kiosk = threading.Thread(target=rig.drain, kwargs={"seconds": 5, "until": done})
    kiosk.start()
    ws.send_text(json.dumps(message))
    try:
        return ws.receive_json()
    finally:
        done.set()
        kiosk.join()


def test_the_page_asks_for_the_pin_and_names_its_buttons(rig):
    page = rig.client.get("/teacher")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en" dir="ltr">' in html
    assert re.search(r'<label for="pin">PIN</label>', html)
    assert 'aria-label="PIN"' in html
    for name in ("Next", "Back", "Pause"):
        assert f'aria-label="{name}"' in html
    assert "Amira" not in html  # names come only over the unlocked socket
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in html  # no inline script: the page works under its CSP
    assert rig.client.get("/static/teacher.js").status_code == 200
    assert rig.client.get("/static/teacher.css").status_code == 200


def test_the_page_in_arabic_is_right_to_left_and_keeps_the_english_names(rig):
    rig.publish(_lesson_state(menu="ar"))
    html = rig.client.get("/teacher").text
    assert '<html lang="ar" dir="rtl">' in html
    said = words(translator("ar").gettext, "ar")
    assert f'aria-label="{said["pin_name"]}"' in html and "PIN" in said["pin_name"]
    assert f'aria-label="{said["next_name"]}"' in html and "Next" in said["next_name"]


def test_locked_no_names_and_no_command_reaches_the_kiosk(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        welcome = _hello(ws)
        assert welcome["t"] == "welcome" and welcome["locked"] is True and welcome["state"] is None
        ws.send_text(json.dumps({"t": "cmd", "cmd": "next", "r": 5}))
        ack = ws.receive_json()
        assert ack == {"t": "ack", "r": 5, "status": "refused", "detail": "Locked: type the PIN again."}
        assert ws.receive_json()["locked"] is True
        ws.send_text(json.dumps({"t": "mark", "learner": "L1", "r": 6}))
        assert ws.receive_json()["status"] == "refused"
        ws.receive_json()
        rig.publish(_lesson_state(view=_view(present=3)))  # a change: pushed to unlocked teachers only
        assert _login(ws, "0000", 7)["r"] == 7  # the next frame is the ack: no state with names came first
    rig.drain(seconds=0.1)
    assert rig.sent == []
    # the two refusals within NOTE_SECONDS are one note (its count says how many the next note gathers)
    assert [n.detail for n in rig.notes if n.what == "refused"] == ["teacher:locked"]


def test_unlocked_the_teacher_drives_the_lesson(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        welcome = _hello(ws)
        device = welcome["device"]
        wrong = _login(ws, "1111", 1)
        assert (wrong["status"], wrong["tries_left"], wrong["detail"]) == ("wrong", 4, "Wrong PIN")
        ok = _login(ws, PIN, 2)
        assert ok["status"] == "ok"
        state = ws.receive_json()
        assert state["t"] == "state" and state["state"]["lesson"]["answers"]["waiting"] == ["Amira", "Chidi"]
        assert _ask(rig, ws, {"t": "cmd", "cmd": "next", "r": 3}) == {"t": "ack", "r": 3, "status": "received",
                                                                      "detail": ""}
        assert _ask(rig, ws, {"t": "cmd", "cmd": "seek_back", "r": 4})["status"] == "received"
        assert _ask(rig, ws, {"t": "mark", "learner": "L1", "r": 5})["status"] == "received"
        assert _ask(rig, ws, {"t": "mark", "learner": "L3", "undo": True, "r": 6})["status"] == "received"
        refused = _ask(rig, ws, {"t": "mark", "learner": "L99", "r": 7})  # not on the class list
        assert refused["status"] == "refused"
        rig.publish(HOME)
        assert ws.receive_json()["state"]["lessons"][0]["key"] == "water.yaml"
        assert _ask(rig, ws, {"t": "choose", "lesson": "water.yaml", "r": 8})["status"] == "received"
        assert _ask(rig, ws, {"t": "choose", "lesson": "bad.yaml", "r": 9})["status"] == "refused"
    rig.drain(seconds=0.1)
    assert rig.sent == [PhoneCommand(device, Command.NEXT, rig.sent[0].request),
                        PhoneCommand(device, Command.SEEK_BACK, rig.sent[1].request),
                        PhoneMark(device, "L1", False, rig.sent[2].request),
                        PhoneMark(device, "L3", True, rig.sent[3].request),
                        PhoneChoose(device, "water.yaml", rig.sent[4].request)]
    assert [(n.what, n.device) for n in rig.notes if n.what.startswith("teacher")] == [
        ("teacher_wrong_pin", device), ("teacher_in", device)]


def test_a_publish_that_changes_nothing_the_teacher_sees_is_not_sent(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        _hello(ws)
        _login(ws, PIN)
        assert ws.receive_json()["t"] == "state"
        # a change the children's phones see (a file to take home), none on the teacher's
        rig.publish(_lesson_state(take_home=(TakeHomeFile("water.mp4", Path("/nowhere/water.mp4"), 10, "video"),)))
        rig.publish(_lesson_state(view=_view(present=3)))
        assert ws.receive_json()["state"]["lesson"]["present"] == "3 of 3 present"  # the change, and only it
        rig.publish(_lesson_state(view=_view(present=3), question=PhoneQuestion(
            "s1.2.0.3", "choice", "Which cup? (read aloud)", (PhoneOption("A", "Boiled"),))))
        rig.publish(_lesson_state(view=_view(present=3), language="ar"))  # the children's language
        assert _login(ws, PIN, 9)["r"] == 9


def test_a_reload_within_the_time_needs_no_pin_and_the_unlock_expires(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        token = _hello(ws)["token"]
        assert _login(ws, PIN)["status"] == "ok"
        ws.receive_json()
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:  # the page reloaded
        again = _hello(ws, token)
        assert again["locked"] is False and again["state"]["lesson"]["now"] == "Which cup is safe?"
        rig.clock.advance(29 * 60)
        assert _ask(rig, ws, {"t": "cmd", "cmd": "pause", "r": 2})["status"] == "received"  # use keeps it open
        rig.clock.advance(30 * 60 + 1)
        late = _ask(rig, ws, {"t": "cmd", "cmd": "next", "r": 3})
        assert late["status"] == "refused"
        assert ws.receive_json() == {"t": "welcome", "device": again["device"], "token": token, "locked": True,
                                     "state": None}
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        assert _hello(ws, token)["locked"] is True  # the token alone no longer unlocks
    assert len(rig.what("teacher_out")) == 1
    assert [type(e) for e in rig.sent] == [PhoneCommand]  # only the pause


def test_a_phone_left_lying_locks_itself():
    # On the real clock: the unlock lasts 0.24 s without use, then the phone's screen locks by itself.
    events: queue.Queue = queue.Queue()
    core = HubState(events, HubConfig(teacher_minutes=0.004), pin_check=make_pin_check(PIN, MemoryTries()))
    with TestClient(make_app(core)) as client:
        core.publish_threadsafe(_lesson_state())
        with client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
            _hello(ws)
            assert _login(ws, PIN)["status"] == "ok"
            assert ws.receive_json()["t"] == "state"
            start = time.monotonic()
            locked = ws.receive_json()
            assert locked["t"] == "welcome" and locked["locked"] is True and locked["state"] is None
            assert 0.1 < time.monotonic() - start < 2
    notes = [e for e in iter(lambda: events.get_nowait() if not events.empty() else None, None)
             if isinstance(e, HubNote)]
    assert [(n.what, n.detail) for n in notes if n.what.startswith("teacher")] == [
        ("teacher_in", ""), ("teacher_out", "expired")]


def test_five_wrong_pins_on_the_phone_make_it_wait(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
        _hello(ws)
        acks = [_login(ws, "1111", r) for r in range(1, 6)]
        assert [a["tries_left"] for a in acks] == [4, 3, 2, 1, 0]
        assert (acks[-1]["status"], acks[-1]["wait"]) == ("wrong", 30)
        assert acks[-1]["detail"] == "Too many wrong tries: wait 30 s"
        waiting = _login(ws, PIN, 6)
        assert (waiting["status"], waiting["wait"]) == ("wait", 30)
    assert len(rig.what("teacher_wrong_pin")) == 4 and len(rig.what("teacher_locked")) == 1
    assert rig.what("teacher_in") == []


def test_another_sites_page_cannot_open_the_teacher_socket(rig):
    with pytest.raises(WebSocketDisconnect) as closed:
        with rig.client.websocket_connect("/teacher/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    assert closed.value.code == 1008


def test_names_go_to_unlocked_teachers_never_to_childrens_phones(rig):
    with rig.client.websocket_connect("/ws", headers=ORIGIN) as child, \
            rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as teacher:
        child.send_text(json.dumps({"t": "hello", "code": rig.core.code, "token": None}))
        assert "Amira" not in json.dumps(child.receive_json())
        _hello(teacher)
        _login(teacher, PIN)
        assert "Amira" in json.dumps(teacher.receive_json())
        rig.publish(_lesson_state(view=_view(item_seconds_left=10), question=None, screen=Screen.VIDEO))
        assert "Amira" in json.dumps(teacher.receive_json())
        pushed = child.receive_json()
        assert pushed["t"] == "state" and "Amira" not in json.dumps(pushed) and "Chidi" not in json.dumps(pushed)


# ---- in a real browser ---------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


def test_a_teacher_phone_in_chromium():
    """Debian's Chromium at a phone's size against the real hub (uvicorn): a wrong PIN then the right one,
    Next, Pause, marking by hand, a reload that keeps the unlock, the kiosk's menus turned to Arabic."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bash deploy/setup.sh --test installs it)")
    import threading

    from playwright.sync_api import expect, sync_playwright

    from cinema.hub.server import Hub

    events: queue.Queue = queue.Queue()
    hub = Hub(events, HubConfig(host="127.0.0.1", port=0), pin_check=make_pin_check(PIN, MemoryTries()))
    url = hub.start()
    sent: list = []
    stop = threading.Event()

    def kiosk() -> None:
        while not stop.is_set():
            try:
                event = events.get(timeout=0.02)
            except queue.Empty:
                continue
            if not isinstance(event, HubNote):
                sent.append(event)
                hub.reply(PhoneReply(event.device, event.request, ReplyStatus.RECEIVED))

    thread = threading.Thread(target=kiosk, daemon=True)
    thread.start()
    errors: list[str] = []
    try:
        hub.publish(_lesson_state())
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 360, "height": 640})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url + "teacher")
            pin = page.get_by_label("PIN")
            pin.fill("1111")
            pin.press("Enter")
            expect(page.locator("#pin-why")).to_contain_text("Wrong PIN")
            expect(page.locator("#pin-why")).to_contain_text("Tries left: 4")
            pin.fill("٤٨٢١")  # the PIN on an Arabic phone keyboard: its own digits
            page.get_by_role("button", name="Unlock").click()
            expect(page.get_by_role("heading", name="Which cup is safe?")).to_be_visible()
            expect(page.locator("#waiting")).to_contain_text("Amira")
            page.get_by_role("button", name="Next").click()
            expect(page.locator("#ack")).to_have_text("Done")
            pause = page.get_by_role("button", name="Pause")
            expect(pause).to_have_attribute("aria-pressed", "false")
            hub.publish(_lesson_state(view=_view(paused=True, class_screen=Screen.VIDEO), question=None))
            expect(pause).to_have_attribute("aria-pressed", "true")
            expect(page.get_by_role("button", name="Rewind 10 seconds")).to_be_visible()
            page.get_by_text("Mark present by hand").click()
            page.get_by_role("button", name="Amira").click()
            expect(page.locator("#mark-ack")).to_have_text("Done")
            page.get_by_role("button", name="Chidi").click()  # marked by hand: a second tap takes it back
            expect(page.get_by_role("button", name="Bohdan")).to_be_disabled()  # present by card
            page.reload()  # the unlock is kept in the page's session: no PIN again
            expect(page.get_by_role("button", name="Next")).to_be_visible()
            expect(page.get_by_label("PIN")).to_be_hidden()
            hub.publish(_lesson_state(menu="ar"))  # the kiosk's menus in Arabic: the page follows
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "ar")
            page.get_by_role("button", name="Next").click()
            expect(page.locator("#ack")).not_to_be_empty()
            browser.close()
    finally:
        stop.set()
        thread.join(2)
        hub.stop()
    assert errors == []
    kinds = [(type(e).__name__, getattr(e, "command", None) or getattr(e, "learner_id", None), getattr(e, "undo", None))
             for e in sent]
    assert kinds == [("PhoneCommand", Command.NEXT, None), ("PhoneMark", "L1", False), ("PhoneMark", "L3", True),
                     ("PhoneCommand", Command.NEXT, None)]


# ---- fuzz: whatever a locked teacher socket sends, nothing reaches the kiosk ---------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=True),
                    st.text(max_size=40), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                              st.integers(), max_size=2))
_MESSAGES = st.fixed_dictionaries(
    {"t": st.sampled_from(["hello", "login", "cmd", "mark", "choose", "logout", "answer", "link", "state", ""])},
    optional={"cmd": st.one_of(st.sampled_from(["next", "back", "pause", "quit", "unlock"]), _VALUES),
              "learner": st.one_of(st.sampled_from(["L1", "L3", "../L1"]), _VALUES),
              "lesson": st.one_of(st.just("water.yaml"), _VALUES), "undo": _VALUES,
              "pin": st.one_of(st.text(alphabet="0123456789", max_size=14), _VALUES),
              "r": st.one_of(st.integers(0, 100), _VALUES), "token": _VALUES, "extra": _VALUES})
_FRAMES = st.one_of(_MESSAGES.map(json.dumps), st.text(max_size=3000), st.binary(max_size=3000),
                    _MESSAGES.map(lambda m: json.dumps(m) + " " * 2100))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=st.lists(_FRAMES, min_size=1, max_size=4))
def test_a_locked_teacher_socket_sends_nothing_to_the_kiosk_whatever_it_sends(rig, frames):
    from tests.budget import budget

    frames = [f for f in frames if PIN not in (f if isinstance(f, str) else f.decode("latin-1"))]
    with budget(seconds=5, megabytes=64):
        with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as ws:
            assert _hello(ws)["locked"] is True
            for frame in frames:
                rig.clock.advance(1.0)  # within the rate limit: every frame is read, none dropped
                if isinstance(frame, bytes):
                    ws.send_bytes(frame)
                else:
                    ws.send_text(frame)
            # The socket still answers, in order, after whatever came before.
            ws.send_text(json.dumps({"t": "cmd", "cmd": "next", "r": 999_999}))
            while True:
                reply = ws.receive_json()
                assert reply["t"] in ("ack", "welcome"), reply
                if reply.get("r") == 999_999:
                    assert reply["status"] == "refused"
                    break
                if reply["t"] == "welcome":
                    assert reply["locked"] is True and reply["state"] is None
    rig.clock.advance(60.0)  # past any wait the wrong PINs started
    rig.drain()
    assert rig.sent == []


def test_several_teachers_each_drive_the_lesson_as_themselves(rig):
    with rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as one, \
            rig.client.websocket_connect("/teacher/ws", headers=ORIGIN) as two:
        devices = [_hello(one)["device"], _hello(two)["device"]]
        for ws in (one, two):
            assert _login(ws, PIN)["status"] == "ok"
            assert ws.receive_json()["t"] == "state"
        rig.publish(_lesson_state(view=_view(present=3)))
        for ws in (one, two):
            assert ws.receive_json()["state"]["lesson"]["present"] == "3 of 3 present"
        assert _ask(rig, one, {"t": "cmd", "cmd": "back", "r": 1})["status"] == "received"
        assert _ask(rig, two, {"t": "cmd", "cmd": "pause", "r": 1})["status"] == "received"
    assert devices[0] != devices[1]
    assert [(e.device, e.command) for e in rig.sent] == [(devices[0], Command.BACK), (devices[1], Command.PAUSE)]


def test_the_number_of_teacher_pages_is_bounded(rig):
    from contextlib import ExitStack

    from cinema.hub.teacher import MAX_TEACHERS

    with ExitStack() as stack:
        for _ in range(MAX_TEACHERS):
            ws = stack.enter_context(rig.client.websocket_connect("/teacher/ws", headers=ORIGIN))
            rig.clock.advance(1.0)  # hellos from one address are rate limited too
            assert _hello(ws)["t"] == "welcome"
        one_more = stack.enter_context(rig.client.websocket_connect("/teacher/ws", headers=ORIGIN))
        assert _hello(one_more) == {"t": "refused", "reason": "full"}


def test_answers_from_phones_with_no_card_are_counted_as_phones_not_handsets():
    view = _view(answers=AnswerList(answered=("Bohdan",), waiting=("Amira", "Chidi"), phones=2))
    answers = teacher_json(_lesson_state(view), translator("en").gettext, translator("en").ngettext)["lesson"]["answers"]
    assert answers["count"] == "3 answered (2 on phones with no card linked)"
    # Two answers could be anyone's: the kiosk does not call Amira and Chidi "not answered".
    assert answers["heading"] == "No answer seen from: 2"


def test_an_item_without_a_title_is_named_by_its_kind_not_its_id():
    view = _view(next=TeacherItem("", "closing", 4))
    lesson = teacher_json(_lesson_state(view), translator("en").gettext, translator("en").ngettext)["lesson"]
    assert lesson["next"] == {"label": "Next:", "title": "Closing"}
