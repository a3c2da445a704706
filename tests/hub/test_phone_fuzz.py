"""Fuzz through the real server: malformed, oversized and replayed frames from children's phones, over a
real WebSocket to the real Hub (uvicorn on a free port), into the real session engine on an open
quiz, drained by a thread the way the kiosk's loop does. They never crash the kiosk side, never add
or change an answer, never move the lesson (a child's socket sending a teacher's command), and the
hub goes on serving: a new phone joins and answers afterwards."""

from __future__ import annotations

import asyncio
import itertools
import json
import queue
import threading
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from cinema.app.clocks import SystemClock
from cinema.config.models import Activity, HubConfig, Item, Option, Playlist, Question
from cinema.core.events import PhoneReply, Record
from cinema.core.session import SessionEngine
from cinema.hub import MAX_MESSAGE
from cinema.hub.server import Hub

SYNC = 2**30  # the request number of the answer that closes each case (a replay of the phone's own)


class Kiosk:
    """The real engine on a quiz's open question and the real Hub, with a thread doing the loop's part:
    drain the queue, handle, keep the records, hand the replies to the hub, publish after a change."""

    def __init__(self) -> None:
        questions = (Question("Where does rain come from?", tuple(Option(k, f"option {k}") for k in "ABCD"),
                              correct="A"),)
        playlist = Playlist("fuzz", "Fuzz", "en", (Item("activity", "quiz", activity=Activity(
            "quiz", "multiple_choice", "Quiz", questions)),))
        self.engine = SessionEngine(playlist, SystemClock())
        self.records: list[Record] = [e for e in self.engine.start() if isinstance(e, Record)]
        self.events: queue.Queue = queue.Queue()
        self.errors: list[BaseException] = []
        self.hub = Hub(self.events, HubConfig(enabled=True, host="127.0.0.1", port=0),
                       pin_check=lambda pin: ("wrong", 0, 3))
        self.url = self.hub.start()
        self.hub.publish(self.engine.phone_state(self.engine.view()))
        deadline = time.monotonic() + 10
        while self.hub.core.state is None and time.monotonic() < deadline:  # the first state: a new code
            time.sleep(0.01)
        self.code = self.hub.join_info().code
        self.qid = self.engine.phone_question_id()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="fuzz-kiosk", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                batch = [self.events.get(timeout=0.04)]
            except queue.Empty:
                continue
            while True:
                try:
                    batch.append(self.events.get_nowait())
                except queue.Empty:
                    break
            try:
                effects = [fx for ev in batch for fx in self.engine.handle(ev)]
                self.records += [fx for fx in effects if isinstance(fx, Record)]
                for fx in effects:
                    if isinstance(fx, PhoneReply):
                        self.hub.reply(fx)
                self.hub.publish(self.engine.phone_state(self.engine.view()))
            except BaseException as exc:  # the real loop would have crashed here
                self.errors.append(exc)

    def answers(self) -> list[Record]:
        return [r for r in self.records if r.kind in ("answer.recorded", "answer.changed")]

    def close(self) -> None:
        self._stop.set()
        self.thread.join(5)
        self.hub.stop()


@pytest.fixture(scope="module")
def kiosk():
    k = Kiosk()
    yield k
    k.close()


_addresses = itertools.count()


def address() -> str:
    """Each case's phone has its own address (127.0.x.y), as phones in a classroom do: the hub slows
    hellos from one address, which this fuzz is not about."""
    n = next(_addresses)
    return f"127.0.{10 + n // 250}.{1 + n % 250}"


# ---- frames -------------------------------------------------------------------------------------------

def frames(qid: str):
    """What a broken or hostile phone sends after joining and answering A: anything but a real change of answer."""
    junk_text = st.text(max_size=200)
    scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True), junk_text)
    value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(junk_text, inner, max_size=4)), max_leaves=12)
    other_q = st.one_of(st.sampled_from(["", qid + "x", qid[:-1], qid.upper() + " ", "../" + qid]), value)
    not_a_key = st.one_of(st.sampled_from(["", "E", "AB", "Z9", " B", "B ", "Ä", "1", "-", "ab"]),
                          value.filter(lambda v: not (isinstance(v, str) and v.strip() and v.strip().upper() in "ABCD")))
    r = st.one_of(st.integers(-5, 2**40), value)
    answers = st.one_of(
        st.fixed_dictionaries({"t": st.just("answer"), "q": other_q, "key": st.sampled_from("ABCDabcd"), "r": r}),
        st.fixed_dictionaries({"t": st.just("answer"), "q": st.just(qid), "key": not_a_key, "r": r}),
        st.fixed_dictionaries({"t": st.just("answer"), "q": st.just(qid), "key": st.sampled_from(["A", "a"]), "r": r}),
    )
    others = st.one_of(
        st.fixed_dictionaries({"t": st.sampled_from(["cmd", "mark", "choose", "login", "logout", "link", "hello",
                                                     "welcome", "ack", "state", "refused", "", "ANSWER"])},
                              optional={"cmd": st.sampled_from(["next", "back", "pause", "skip", "repeat"]),
                                        "learner": junk_text, "lesson": junk_text, "pin": st.just("1234"),
                                        "card": junk_text, "code": junk_text, "token": junk_text, "r": r,
                                        "q": st.just(qid), "key": st.just("B")}),
        st.dictionaries(junk_text, value, max_size=5),
        value,
    )
    as_text = st.one_of(answers, others).map(lambda m: json.dumps(m))
    oversized = st.builds(  # an otherwise real change of answer, over the size limit
        lambda n, pad: json.dumps({"t": "answer", "q": qid, "key": "B", "r": 5, "pad": pad * n}),
        st.integers(MAX_MESSAGE, MAX_MESSAGE * 3), st.sampled_from(["x", "é", " "]))
    nested = st.integers(50, 5000).map(lambda n: "[" * n + "]" * n)
    raw = st.one_of(junk_text, st.binary(max_size=300), st.just("null"), st.just('{"t":"answer","t":"answer"}'),
                    st.just('{"t": "answer", "q": "%s", "key": "B", "r": NaN}' % qid),
                    st.just('{"t": "answer", "q": "%s", "key": "B", "r": 1.0}' % qid),
                    st.just('{"t": "answer", "q": "%s", "key": "B", "r": true}' % qid),
                    st.just('{"t": "answer", "q": "%s", "key": "B", "r": 1, "key": "C"}' % qid))
    return st.lists(st.one_of(as_text, oversized, nested, raw), min_size=1, max_size=8)


async def join(kiosk: Kiosk, token: str | None = None):
    ws = await connect(kiosk.url.replace("http", "ws", 1) + "ws", origin=Origin(kiosk.url.rstrip("/")), proxy=None,
                       local_addr=(address(), 0), open_timeout=10, ping_interval=None)
    await ws.send(json.dumps({"t": "hello", "code": kiosk.code, "token": token}))
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert welcome["t"] == "welcome", welcome
    return ws, welcome["device"]


async def ack(ws, r: int) -> dict:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if msg.get("t") == "ack" and msg.get("r") == r:
            return msg


async def case(kiosk: Kiosk, sent: list) -> tuple[str, bool]:
    """A phone joins, answers A, sends the frames, then replays its answer (if the hub still listens to
    it) and waits for that ack, so that everything before it has reached the engine."""
    ws, device = await join(kiosk)
    try:
        await ws.send(json.dumps({"t": "answer", "q": kiosk.qid, "key": "A", "r": 1}))
        assert (await ack(ws, 1))["status"] == "received"
        open_ = True
        try:
            for frame in sent:
                await ws.send(frame)
            await ws.send(json.dumps({"t": "answer", "q": kiosk.qid, "key": "A", "r": SYNC}))
            await ack(ws, SYNC)
        except ConnectionClosed:
            open_ = False  # the hub closed a socket that sent garbage: allowed, as long as nothing was taken
        return device, open_
    finally:
        await ws.close()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_broken_frames_never_crash_the_kiosk_nor_add_an_answer(kiosk, data):
    sent = data.draw(frames(kiosk.qid))
    before = len(kiosk.records)
    device, still_open = asyncio.run(case(kiosk, sent))
    if not still_open:
        time.sleep(0.05)  # a frame the hub took just before closing the socket: give the loop a turn
    assert kiosk.errors == []
    assert kiosk.thread.is_alive()
    new = kiosk.records[before:]
    mine = [r for r in new if r.kind in ("answer.recorded", "answer.changed")
            and r.payload["clicker"] == f"phone:{device}"]
    assert [(r.kind, r.payload["key"]) for r in mine] == [("answer.recorded", "A")]  # its one real answer only
    assert {r.kind for r in new} <= {"answer.recorded", "hub.note"}, [r.kind for r in new]  # the lesson never moved
    assert kiosk.engine.phone_question_id() == kiosk.qid


def test_after_the_fuzz_the_hub_still_serves_and_every_answer_counts_once(kiosk):
    async def one() -> str:
        ws, device = await join(kiosk)
        await ws.send(json.dumps({"t": "answer", "q": kiosk.qid, "key": "C", "r": 1}))
        status = (await ack(ws, 1))["status"]
        await ws.close()
        return status

    assert asyncio.run(one()) == "received"
    assert kiosk.errors == []
    per_phone = Counter(r.payload["clicker"] for r in kiosk.answers())
    assert per_phone and set(per_phone.values()) == {1}
    assert not [r for r in kiosk.answers() if r.kind == "answer.changed"]
