"""The hub inside the kiosk: the real Kiosk, headless, serving phones on a free port. A phone joins with the
code the projector shows, answers the quiz, and its answer is in the journal (via phone) before the phone
hears "received"; a disk that cannot take the answer makes it "not saved"; a port in use stops the start
with one line; the idle loop hands the projector the same view and the phones nothing new."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest
import websockets

from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.events import (
    Command, PhoneReply, ReplyStatus, TeacherCommand,
)
from cinema.core.messages import DISK_NOT_SAVED
from cinema.core.records import AnswerRecorded
from cinema.core.view import JoinInfo, Screen
from cinema.journal import JournalError
from tests.app.kiosk_project import ROOT, cinema_cmd, project  # noqa: F401  (a fixture)


def _options(project, **more) -> RunOptions:
    return RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=project / "j.sqlite", headless=True, **more)


def _until(loop, done, seconds: float = 10.0) -> None:
    """Turns of the real loop (real time) until `done()` or the time is up."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the kiosk did not get there in time"
        loop.step(time.monotonic())
        loop.wait()


def _to_the_quiz(loop) -> None:
    for _ in range(2):  # the title, the attendance: then the quiz's first question
        loop.events.put(TeacherCommand(Command.NEXT))
    _until(loop, lambda: loop.view is not None and loop.view.screen is Screen.QUESTION)
    # The hub takes the lesson's state in its own thread (a new code for a new lesson): the projector
    # shows the new code from the next turn on.
    settle = time.monotonic() + 0.5
    _until(loop, lambda: time.monotonic() > settle)


def _answers(journal) -> list[dict]:
    """The answers on the disk now, read as the report reads them (a connection of its own)."""
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        return [json.loads(p) for (p,) in db.execute(
            "SELECT payload FROM records WHERE kind IN ('answer.recorded', 'answer.changed') ORDER BY seq")]
    finally:
        db.close()


@dataclass
class Phone:
    """A child's phone in its own thread: joins with the code, answers the open question with `key`, and
    at the moment the ack comes reads what the journal holds."""

    url: str
    code: str
    key_index: int = 0
    journal: object = None
    welcome: dict = field(default_factory=dict)
    question: dict = field(default_factory=dict)
    ack: dict = field(default_factory=dict)
    on_disk_at_ack: list = field(default_factory=list)
    error: BaseException | None = None
    acked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)  # stays in the room until this is set

    def run(self) -> None:
        try:
            asyncio.run(asyncio.wait_for(self._talk(), 15))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            self.error = exc

    async def _talk(self) -> None:
        ws_url = self.url.replace("http://", "ws://") + "ws"
        async with websockets.connect(ws_url, max_size=1 << 20) as ws:
            await ws.send(json.dumps({"t": "hello", "code": self.code, "token": None}))
            self.welcome = json.loads(await ws.recv())
            assert self.welcome["t"] == "welcome", self.welcome
            state = self.welcome["state"]
            while not state.get("question"):
                message = json.loads(await ws.recv())
                if message["t"] == "state":
                    state = message["state"]
            self.question = state["question"]
            key = self.question["options"][self.key_index]["key"]
            await ws.send(json.dumps({"t": "answer", "q": self.question["id"], "key": key, "r": 7}))
            while True:
                message = json.loads(await ws.recv())
                if message["t"] == "ack" and message.get("r") == 7:
                    self.on_disk_at_ack = _answers(self.journal)  # before anything else: what the disk holds now
                    self.ack = message
                    self.acked.set()
                    await asyncio.to_thread(self.release.wait, 10)
                    return


def test_a_phone_answers_the_quiz_and_its_answer_is_on_the_disk_before_it_hears_received(project):
    out = io.StringIO()
    kiosk = Kiosk(_options(project, hub=("127.0.0.1", 0)), out=out)
    with kiosk.opened() as loop:
        lines = out.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith("hub: http://127.0.0.1:"), lines
        url = lines[0].removeprefix("hub: ")
        _to_the_quiz(loop)
        # The projector's view carries the join codes (the code phones type, and the page's address with it).
        join = loop.presenter.last_view.join
        assert isinstance(join, JoinInfo) and join.code and join.url == f"{url}?c={join.code}"

        phone = Phone(url, join.code, key_index=0, journal=project / "j.sqlite")
        thread = threading.Thread(target=phone.run)
        thread.start()
        _until(loop, lambda: phone.acked.is_set() or not thread.is_alive(), seconds=15)
        loop.step(time.monotonic())
        counted = loop.presenter.last_view.join.phones  # the projector counts the phone in the room
        phone.release.set()
        thread.join()
        assert phone.error is None, repr(phone.error)
        assert counted == 1

    assert phone.question["prompt"] == "Where does rain come from?"
    assert [o["key"] for o in phone.question["options"]] == ["A", "B", "C", "D"]
    assert "name" not in json.dumps(phone.welcome)  # a child's phone never gets a name
    assert phone.ack["status"] == "received"
    # When the phone heard "received", its answer was already on the disk, marked as a phone's.
    assert [(a["key"], a.get("via")) for a in phone.on_disk_at_ack] == [("A", "phone")]
    assert phone.on_disk_at_ack[0]["clicker"] == f"phone:{phone.welcome['device']}"  # its public id, not its token
    db = sqlite3.connect(project / "j.sqlite")
    notes = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind = 'hub.note' ORDER BY seq")]
    assert notes[0] == {"what": "started", "detail": url}
    assert notes[-1]["what"] == "stopped"  # the end is journaled too


class FakeHub:
    """The Hub's API as the loop uses it, counting what it is handed."""

    def __init__(self) -> None:
        self.published: list = []
        self.replies: list[PhoneReply] = []
        self.join = JoinInfo(url="http://10.42.0.1:8080/?c=K7P2", code="K7P2", wifi_qr="WIFI:T:WPA;S:Room;P:x;;",
                             wifi_name="Room", phones=0)
        self.join_calls = 0

    def publish(self, state) -> None:
        if state.session and all(s.session != state.session for s in self.published):  # a new lesson: a new code
            self.join = JoinInfo(f"http://10.42.0.1:8080/?c=L{len(self.published)}", f"L{len(self.published)}",
                                 self.join.wifi_qr, self.join.wifi_name, self.join.phones)
        self.published.append(state)

    def reply(self, reply: PhoneReply) -> None:
        self.replies.append(reply)

    def join_info(self) -> JoinInfo:
        self.join_calls += 1
        return self.join

    def stop(self) -> None:
        pass


@pytest.fixture
def fake_hub_loop(project):
    from cinema.core.clock import FakeClock
    from cinema.media.fake_player import FakePlayer

    clock = FakeClock()
    kiosk = Kiosk(_options(project), clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    with kiosk.opened() as loop:
        loop.hub = FakeHub()
        loop.step(0.0)
        yield kiosk, loop


def test_the_phones_get_the_state_after_a_change_and_nothing_while_idle(fake_hub_loop):
    kiosk, loop = fake_hub_loop
    hub = loop.hub
    assert hub.published and hub.published[-1].screen is Screen.TITLE
    loop.events.put(TeacherCommand(Command.NEXT))
    loop.events.put(TeacherCommand(Command.NEXT))
    loop.step(0.01)
    assert hub.published[-1].question is not None  # the quiz's question, for the phones
    assert hub.published[-1].question.prompt == "Where does rain come from?"
    shown = loop.presenter.last_view
    assert shown.join == hub.join and shown.screen is Screen.QUESTION
    before = len(hub.published)
    for _ in range(50):  # idle turns between ticks: nothing new for the phones, the very same view drawn
        loop.step(0.02)
        assert loop.presenter.last_view is shown
    assert len(hub.published) == before
    # The phones in the room change: the projector's count follows without a new turn of the engine.
    hub.join = JoinInfo(hub.join.url, hub.join.code, hub.join.wifi_qr, hub.join.wifi_name, phones=3)
    loop.step(0.03)
    assert loop.presenter.last_view.join.phones == 3
    assert len(hub.published) == before


def test_the_projector_never_shows_the_code_from_before_the_lesson_and_the_demo_says_the_new_one(project):
    """The hub makes a new lesson's code in its own thread: until then the join panel is not drawn (a phone
    typing the old code would be refused), and a headless demo prints the lesson's code once it is made."""
    from cinema.core.clock import FakeClock
    from cinema.media.fake_player import FakePlayer

    class SlowCodeHub(FakeHub):
        def publish(self, state) -> None:  # the new code is made later, as the hub's thread does
            self.published.append(state)

    clock = FakeClock()
    kiosk = Kiosk(_options(project), clock=clock)
    kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
    said = []
    with kiosk.opened() as loop:
        loop.hub = hub = SlowCodeHub()
        loop.say_join = said.append
        loop.step(0.0)  # the lesson published; the hub has not made its code yet
        loop.step(0.01)
        assert hub.published[-1].session and loop.presenter.last_view.join is None
        assert said == []  # the old code is never said
        hub.join = JoinInfo("http://10.42.0.1:8080/?c=NEW1", "NEW1")  # the hub's thread made the lesson's code
        loop.step(0.02)
        assert loop.presenter.last_view.join == hub.join
        for t in (0.03, 0.3, 0.6):
            loop.events.put(TeacherCommand(Command.NEXT))
            loop.step(t)
        assert [j.code for j in said] == ["NEW1"]  # once for the lesson


def test_a_reply_goes_to_the_phone_after_its_record_and_says_not_saved_when_the_disk_kept_it_out(fake_hub_loop,
                                                                                                 monkeypatch):
    kiosk, loop = fake_hub_loop
    hub = loop.hub
    answer = AnswerRecorded(index=2, item="quiz", activity="water-quiz", question=0, key="A", correct=True,
                            clicker="0a1b2c3d", via="phone").record()
    loop.apply([answer, PhoneReply("0a1b2c3d", 7, ReplyStatus.RECEIVED)])
    assert hub.replies == [PhoneReply("0a1b2c3d", 7, ReplyStatus.RECEIVED)]
    assert [a["clicker"] for a in _answers(kiosk.journal.path)] == ["0a1b2c3d"]

    def full(*args, **kwargs):
        raise JournalError("database or disk is full", full=True)

    monkeypatch.setattr(kiosk.journal, "append", full)
    loop.apply([answer, PhoneReply("0a1b2c3d", 8, ReplyStatus.RECEIVED),
                PhoneReply("0a1b2c3d", 9, ReplyStatus.HELD)])
    assert loop.recorder.pending  # held in memory, not on the disk
    assert hub.replies[1:] == [PhoneReply("0a1b2c3d", 8, ReplyStatus.NOT_SAVED, DISK_NOT_SAVED),
                               PhoneReply("0a1b2c3d", 9, ReplyStatus.HELD)]
    assert len(_answers(kiosk.journal.path)) == 1


def test_without_a_hub_the_kiosk_serves_nothing_and_says_nothing(project):
    out = io.StringIO()
    kiosk = Kiosk(_options(project), out=out)
    with kiosk.opened() as loop:
        loop.step(time.monotonic())
        assert loop.hub is None and loop.presenter.last_view.join is None
    assert out.getvalue() == ""


def test_cinema_run_with_the_hubs_port_taken_says_so_in_one_line_and_exits_1(project):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        done = subprocess.run(cinema_cmd(project, "--hub", f"127.0.0.1:{port}"), capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
    finally:
        taken.close()
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"port {port} is in use" in done.stderr
    assert not (project / "j.sqlite").exists() or not _answers(project / "j.sqlite")


def test_a_wrong_hub_address_is_one_line_before_anything_opens(project):
    done = subprocess.run(cinema_cmd(project, "--hub", "8080:0.0.0.0"), capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("cinema run: --hub '8080:0.0.0.0': ") and done.stderr.count("\n") == 1
    assert not (project / "j.sqlite").exists()


def test_the_teacher_phone_needs_the_kiosks_own_pin(project):
    """A fullscreen kiosk whose teacher has not chosen a PIN opens no teacher phone (the shipped training PIN is
    known to every child who saw the demo); once chosen on the laptop, that PIN opens it; a training run (the
    demo) takes the training PIN."""
    from types import SimpleNamespace

    from cinema.app.brightness import FakeDimmer
    from cinema.config import load_kiosk_config
    from cinema.core.events import SavePin
    from cinema.core.pin import FREE_TRIES, PinHash

    config = load_kiosk_config(project / "kiosk_config" / "default.yaml")
    kiosk = Kiosk(RunOptions(config=project / "kiosk_config" / "default.yaml", journal=project / "j.sqlite"),
                  dimmer=FakeDimmer())  # fullscreen (not headless), never opened: nothing of the laptop is touched
    kiosk.journal = SimpleNamespace(path=project / "j.sqlite")  # where the PIN file lives, beside the journal
    kiosk.hub = object()  # serving: a PIN chosen now reaches the teacher's phone
    check = kiosk._hub_pin_check(config)
    assert check(config.teacher_pin) == ("wrong", 0, FREE_TRIES)
    chosen = PinHash.make("4821", n=2 ** 10)
    kiosk._save_pin()(SavePin(chosen.salt, chosen.digest, chosen.n, chosen.r, chosen.p))
    assert check("4821")[0] == "ok"
    assert check(config.teacher_pin)[0] == "wrong"

    (project / "demo").mkdir()  # a journal of its own, with no PIN chosen beside it
    demo = Kiosk(RunOptions(config=project / "kiosk_config" / "default.yaml", journal=project / "demo" / "j.sqlite",
                            training=True), dimmer=FakeDimmer())
    demo.journal = SimpleNamespace(path=project / "demo" / "j.sqlite")
    assert demo._hub_pin_check(config)(config.teacher_pin)[0] == "ok"


def test_a_phone_linked_at_home_answers_for_the_same_child_in_every_lesson_of_the_day(project):
    """The phones' links to children (by the code on a card) belong to the day, like the handsets' pairing:
    the home screen and each lesson it starts share them."""
    from cinema.core.events import PhoneChoose

    kiosk = Kiosk(_options(project, library=True))
    with kiosk.opened() as loop:
        loop.step(time.monotonic())
        home = loop.engine
        home.phones["0a0a0a0a"] = "L1"  # as PhoneLink leaves it
        loop.events.put(PhoneChoose("7e7e7e7e", "e2e.yaml", 1))
        _until(loop, lambda: loop.engine is not home)
        assert loop.engine.phones is home.phones and loop.engine.phones == {"0a0a0a0a": "L1"}
