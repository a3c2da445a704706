"""Hub test fixtures: a hub app in Starlette's TestClient, a fake kiosk thread that drains the event queue and
replies as the engine does, and PhoneStates made by hand (a lesson with a question, the home screen)."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from starlette.testclient import TestClient

from cinema.config.models import HubConfig
from cinema.core.clock import FakeClock
from cinema.core.events import HubNote, PhoneAnswer, PhoneLink, PhoneReply, ReplyStatus
from cinema.core.phone import MarkRow, PhoneOption, PhoneQuestion, PhoneState
from cinema.core.view import AnswerList, Screen, TeacherView
from cinema.hub.server import make_app
from cinema.hub.state import HubState

NAMES = ("Amira", "Bohdan", "Zainab")  # the class list: never on a child's phone


def lesson(qid: str = "s1.3.1.4", *, session: str = "s1", paused: bool = False, kind: str = "choice",
           question: bool = True, title: str = "Water") -> PhoneState:
    """A lesson with the question `qid` open (options A, B, C), names only in the teacher's part."""
    q = None
    if question:
        options = (tuple(PhoneOption(k, f) for k, f in (("1", "😢"), ("2", "🙁"), ("3", "😐"), ("4", "🙂"), ("5", "😄")))
                   if kind == "checkin" else (PhoneOption("A", "Rain"), PhoneOption("B", "Sun"), PhoneOption("C", "Snow")))
        q = PhoneQuestion(qid, kind, "Where does rain come from?", options, 1, 3)
    teacher = TeacherView(lesson_title=title, language="en", now=None, next=None, item_count=5,
                          class_screen=Screen.QUESTION,
                          answers=AnswerList(answered=(NAMES[0],), waiting=NAMES[1:]))
    return PhoneState(session=session, playlist="water", lesson_title=title, language="en",
                      screen=Screen.QUESTION if question else Screen.VIDEO, question=q, paused=paused,
                      teacher=teacher, marks=tuple(MarkRow(f"L{i}", n, "absent") for i, n in enumerate(NAMES)))


def home() -> PhoneState:
    return PhoneState(session="", playlist="", lesson_title="", language="en", screen=Screen.LIBRARY)


@dataclass
class FakeKiosk:
    """Drains the hub's queue in a thread like the main loop: answers and links are 'journaled' (kept in
    `taken`) and replied to with `status` after `delay`; `silent` never replies. Notes go to `notes`."""

    events: queue.Queue
    core: HubState
    status: ReplyStatus = ReplyStatus.RECEIVED
    delay: float = 0.0
    silent: bool = False
    gate: threading.Event | None = None  # replies wait for it (the answer is 'being journaled')
    taken: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    others: list = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "FakeKiosk":
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake kiosk")
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                event = self.events.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(event, HubNote):
                self.notes.append(event)
            elif isinstance(event, (PhoneAnswer, PhoneLink)):
                self.taken.append(event)
                if not self.silent:
                    if self.delay:
                        time.sleep(self.delay)
                    if self.gate is not None:
                        self.gate.wait(10)
                    self.core.reply_threadsafe(PhoneReply(event.device, event.request, self.status))
            else:
                self.others.append(event)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def settle(self, seconds: float = 0.3) -> None:
        """Let the queue drain (for asserting that nothing more arrives)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.events.empty()

    def refusals(self, detail: str | None = None) -> list[HubNote]:
        return [n for n in self.notes if n.what == "refused" and (detail is None or n.detail == detail)]


@dataclass
class HubRig:
    core: HubState
    client: TestClient
    kiosk: FakeKiosk
    clock: FakeClock

    def publish(self, state: PhoneState) -> None:
        """Hand a state over as the main loop does (from another thread) and wait until the hub has it."""
        self.core.publish_threadsafe(state)
        wait_for(lambda: self.core.state is state)

    def socket(self, **headers: str):
        """A child's WebSocket to /ws (use as a context manager)."""
        return self.client.websocket_connect("/ws", headers=dict(headers))

    def hello(self, ws, code: str | None = None, token: str | None = None) -> dict:
        """Say hello on `ws` (with the code now unless another is given) and return the hub's answer."""
        ws.send_text(json.dumps({"t": "hello", "code": self.core.code if code is None else code, "token": token}))
        return ws.receive_json()


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


@pytest.fixture
def rig_factory() -> Iterator[Callable[..., HubRig]]:
    made: list[tuple[TestClient, FakeKiosk]] = []

    def make(config: HubConfig | None = None, state: PhoneState | None = None, **kiosk) -> HubRig:
        events: queue.Queue = queue.Queue()
        clock = FakeClock()
        core = HubState(events, config or HubConfig(), pin_check=lambda pin: ("wrong", 0, 4), clock=clock.monotonic)
        client = TestClient(make_app(core))
        client.__enter__()
        fake = FakeKiosk(events, core, **kiosk).start()
        made.append((client, fake))
        rig = HubRig(core, client, fake, clock)
        rig.publish(state if state is not None else lesson())
        return rig

    yield make
    for client, fake in made:
        client.__exit__(None, None, None)
        fake.stop()


@pytest.fixture
def rig(rig_factory) -> HubRig:
    return rig_factory()
