"""The hub's server as phones meet it: the children's page, joining with the code and rejoining with the token,
answering (changed, replayed, closed, wrong option), acks only after the kiosk replied, rate limits, the
connectivity checks, and the real Hub on a free port with the `websockets` client."""

from __future__ import annotations

import asyncio
import hashlib
import json
import queue
import re
import socket
import threading
import time

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from cinema.config.models import HubConfig
from cinema.core.events import HubNote, PhoneAnswer, PhoneLink, ReplyStatus
from cinema.core.phone import student_json
from cinema.hub import BURST, MAX_MESSAGE
from cinema.hub import server as hub_server
from cinema.hub.server import Hub, HubError, choose_address
from cinema.hub.state import CODE_ALPHABET
from cinema.locale import translator
from tests.hub.conftest import FakeKiosk, home, lesson, wait_for


def _boot(html: str) -> dict:
    found = re.search(r'<script id="boot" type="application/json">(.*?)</script>', html, re.S)
    assert found, html
    return json.loads(found.group(1))


# ---- the page ------------------------------------------------------------------------------------------


def test_page_in_english_with_the_code_from_the_link(rig):
    page = rig.client.get(f"/?c={rig.core.code.lower()}")
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr">' in page.text
    assert f'value="{rig.core.code}"' in page.text  # the code field filled (and hidden: it is the right one)
    assert re.search(r'<form id="join" class="box" hidden>', page.text)
    boot = _boot(page.text)
    assert boot["code"] == rig.core.code and boot["words"]["received"] == "Received"


def test_page_asks_for_the_code_when_the_link_has_an_old_one(rig):
    page = rig.client.get("/?c=ZZZZ")
    assert 'value=""' in page.text and '<form id="join" class="box">' in page.text


def test_page_in_arabic_is_right_to_left_and_translated_on_the_server(rig):
    rig.publish(lesson().__class__(**{**lesson().__dict__, "language": "ar"}))
    page = rig.client.get("/")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert _boot(page.text)["words"]["paused"] == translator("ar").gettext("Paused") != "Paused"


def test_static_assets_are_local_and_cached(rig):
    js = rig.client.get("/static/phone.js")
    assert js.status_code == 200 and "max-age" in js.headers["cache-control"]
    assert rig.client.get("/static/phone.css").status_code == 200
    page = rig.client.get("/").text
    assert "http://" not in page and "https://" not in page  # no CDN, no outside fonts


def test_phone_script_keeps_to_what_old_phones_run():
    source = (hub_server.HERE / "static" / "phone.js").read_text()
    code = re.sub(r'"(?:[^"\\]|\\.)*"|/\*.*?\*/|//[^\n]*', '""', source, flags=re.S)
    for newer in ("?.", "??", "async ", "await ", "class ", "import ", "=>{"):
        assert newer not in code, newer


# ---- joining -------------------------------------------------------------------------------------------


def test_join_with_the_code_gets_a_device_a_token_and_the_state(rig):
    with rig.socket() as ws:
        welcome = rig.hello(ws)
    assert welcome["t"] == "welcome"
    assert re.fullmatch(r"[0-9a-f]{8}", welcome["device"])
    assert welcome["device"] == hashlib.sha256(welcome["token"].encode()).hexdigest()[:8]
    assert welcome["device"] not in welcome["token"]
    assert welcome["state"] == student_json(rig.core.state)


@pytest.mark.parametrize("code", ["", "ZZZZ", None])
def test_a_wrong_or_missing_code_is_refused_and_noted(rig, code):
    with rig.socket() as ws:
        ws.send_text(json.dumps({"t": "hello", "code": code, "token": None}))
        assert ws.receive_json() == {"t": "refused", "reason": "code"}
    wait_for(lambda: rig.kiosk.refusals("join:code"))


def test_the_code_is_typed_as_a_child_types_it(rig):
    with rig.socket() as ws:
        assert rig.hello(ws, code=f" {rig.core.code.lower()} ")["t"] == "welcome"


def test_rejoining_with_the_token_keeps_the_device_and_shows_the_question_open_now(rig):
    with rig.socket() as ws:
        first = rig.hello(ws)
    rig.publish(lesson("s1.4.1.5"))
    with rig.socket() as ws:  # no code: the page reloaded without ?c=, the token is enough
        again = rig.hello(ws, code="", token=first["token"])
    assert again["device"] == first["device"] and again["token"] == first["token"]
    assert again["state"]["question"]["id"] == "s1.4.1.5"


def test_a_new_lesson_has_a_new_code_and_sends_the_last_lessons_phones_to_the_code_field(rig):
    old_code = rig.core.code
    with rig.socket() as ws:
        token = rig.hello(ws)["token"]
        rig.publish(lesson("s2.0.1.1", session="s2"))
        assert ws.receive_json() == {"t": "refused", "reason": "code"}
    assert rig.core.code != old_code and all(c in CODE_ALPHABET for c in rig.core.code)
    with rig.socket() as ws:
        assert rig.hello(ws, code=old_code, token=token) == {"t": "refused", "reason": "code"}


def test_phones_that_joined_on_the_home_screen_come_into_the_next_lesson(rig):
    rig.publish(home())
    code_at_home = rig.core.code
    with rig.socket() as ws:
        welcome = rig.hello(ws)
        assert welcome["state"]["session"] is False and welcome["state"]["question"] is None
        rig.publish(lesson("s2.0.1.1", session="s2"))
        pushed = ws.receive_json()
        assert pushed["t"] == "state" and pushed["state"]["question"]["id"] == "s2.0.1.1"
    assert rig.core.code != code_at_home
    with rig.socket() as ws:  # a drop during the lesson: back in with the token and the old link
        assert rig.hello(ws, code=code_at_home, token=welcome["token"])["device"] == welcome["device"]


def test_the_home_screen_keeps_the_last_lessons_code(rig):
    code = rig.core.code
    rig.publish(home())
    assert rig.core.code == code


def test_a_full_room_says_so(rig_factory):
    rig = rig_factory(HubConfig(max_phones=2))
    with rig.socket() as a, rig.socket() as b, rig.socket() as c:
        assert rig.hello(a)["t"] == rig.hello(b)["t"] == "welcome"
        assert rig.hello(c) == {"t": "refused", "reason": "full"}
        assert rig.core.phones == 2
    wait_for(lambda: rig.core.phones == 0)


def test_guessing_codes_from_one_address_is_slowed(rig):
    refused = []
    for _ in range(14):
        with rig.socket() as ws:
            refused.append(rig.hello(ws, code="ZZZZ")["reason"])
    assert refused[:10] == ["code"] * 10 and set(refused[10:]) == {"bad"}
    with rig.socket() as ws:
        assert rig.hello(ws)["t"] == "refused"  # even the right code waits: the bucket is empty
    rig.clock.advance(5)
    with rig.socket() as ws:
        assert rig.hello(ws)["t"] == "welcome"


def test_a_phone_that_says_nothing_is_closed(rig, monkeypatch):
    monkeypatch.setattr(hub_server, "HELLO_SECONDS", 0.1)
    with rig.socket() as ws:
        assert ws.receive()["type"] == "websocket.close"


# ---- answering -----------------------------------------------------------------------------------------


def test_an_answer_reaches_the_kiosk_and_is_acked_after_its_reply(rig):
    with rig.socket() as ws:
        device = rig.hello(ws)["device"]
        ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "B", "r": 41})
        ack = ws.receive_json()
    assert ack == {"t": "ack", "r": 41, "status": "received", "detail": "Received"}
    [taken] = rig.kiosk.taken
    assert isinstance(taken, PhoneAnswer) and (taken.device, taken.question, taken.key) == (device, "s1.3.1.4", "B")


def test_the_ack_says_what_the_engine_said(rig_factory):
    rig = rig_factory(status=ReplyStatus.HELD)
    with rig.socket() as ws:
        rig.hello(ws)
        ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 1})
        assert ws.receive_json() == {"t": "ack", "r": 1, "status": "held", "detail": "Your last answer counts"}


def test_no_received_when_the_kiosk_does_not_confirm(rig_factory):
    rig = rig_factory(silent=True)
    rig.core.ask_seconds = 0.2
    with rig.socket() as ws:
        rig.hello(ws)
        ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 3})
        assert ws.receive_json() == {"t": "ack", "r": 3, "status": "not_saved", "detail": "Not saved: try again"}


def test_a_changed_answer_goes_to_the_kiosk_in_order(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        for r, key in enumerate("ACB", 1):
            ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": key, "r": r})
        assert [ws.receive_json()["r"] for _ in range(3)] == [1, 2, 3]
    assert [e.key for e in rig.kiosk.taken] == ["A", "C", "B"]


@pytest.mark.parametrize("frame, status", [
    ({"t": "answer", "q": "s1.2.1.3", "key": "A", "r": 5}, "closed"),  # replayed from the question before
    ({"t": "answer", "q": "s9.3.1.4", "key": "A", "r": 5}, "closed"),  # another session's
    ({"t": "answer", "q": "s1.3.1.4", "key": "D", "r": 5}, "refused"),  # not an option
    ({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": -1}, None),  # no readable request number
    ({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 5, "x": 1}, "refused"),  # a field too many
    ({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 5.0}, None),
])
def test_answers_to_no_open_question_add_nothing(rig, frame, status):
    with rig.socket() as ws:
        rig.hello(ws)
        ws.send_json(frame)
        ws.send_json({"t": "answer", "q": "nope", "key": "A", "r": 99})  # something to read after it
        first = ws.receive_json()
        if status is not None:
            assert (first["r"], first["status"]) == (5, status) and first["detail"]
            first = ws.receive_json()
        assert (first["r"], first["status"]) == (99, "closed")
    rig.kiosk.settle(0.1)
    assert rig.kiosk.taken == []


def test_a_replayed_answer_after_the_question_changed_adds_nothing(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        frame = {"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 1}
        ws.send_json(frame)
        assert ws.receive_json()["status"] == "received"
        rig.publish(lesson("s1.3.2.4"))
        assert ws.receive_json()["t"] == "state"
        ws.send_json({**frame, "r": 2})
        assert ws.receive_json()["status"] == "closed"
    assert len(rig.kiosk.taken) == 1


def test_paused_means_closed(rig):
    rig.publish(lesson(paused=True))
    with rig.socket() as ws:
        assert rig.hello(ws)["state"]["question"] is None
        ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 1})
        assert ws.receive_json()["status"] == "closed"
    assert rig.kiosk.taken == []


def test_a_check_in_takes_a_face(rig):
    rig.publish(lesson(kind="checkin"))
    with rig.socket() as ws:
        state = rig.hello(ws)["state"]
        assert [o["key"] for o in state["question"]["options"]] == ["1", "2", "3", "4", "5"]
        ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "4", "r": 1})
        assert ws.receive_json()["status"] == "received"
    assert rig.kiosk.taken[0].key == "4"


def test_a_card_link_reaches_the_kiosk(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        ws.send_json({"t": "link", "card": "L007 K3X9", "r": 2})
        assert ws.receive_json() == {"t": "ack", "r": 2, "status": "received", "detail": "Received"}
    assert isinstance(rig.kiosk.taken[0], PhoneLink) and rig.kiosk.taken[0].card == "L007 K3X9"


def test_a_phone_that_sends_too_fast_is_slowed_then_dropped(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        for r in range(BURST + 5):
            ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": r})
        acks = [ws.receive_json() for _ in range(BURST + 5)]
        assert [a["status"] for a in acks] == ["received"] * BURST + ["refused"] * 5
        assert acks[-1]["detail"] == "Too fast: wait a moment"
        for r in range(BURST):  # still at it: closed
            ws.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 100 + r})
        frames = []
        with pytest.raises(Exception):
            while True:
                frames.append(ws.receive_json())
    assert len(rig.kiosk.taken) == BURST
    rig.kiosk.settle(0.1)
    assert len(rig.kiosk.refusals("rate")) == 1  # gathered: one note, not one per message


def test_refusals_are_gathered_into_one_note_per_ten_seconds(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        for r in range(8):
            ws.send_text("{not json")
        ws.send_json({"t": "answer", "q": "x", "key": "A", "r": 1})
        ws.receive_json()
        rig.clock.advance(11)
        ws.send_text("{not json")
        ws.send_json({"t": "answer", "q": "x", "key": "A", "r": 2})
        ws.receive_json()
    rig.kiosk.settle(0.1)
    assert [n.count for n in rig.kiosk.refusals("json")] == [1, 8]


def test_a_state_is_pushed_only_when_what_phones_see_changed(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        same_for_phones = lesson()
        rig.publish(same_for_phones.__class__(**{**same_for_phones.__dict__, "marks": ()}))  # teacher-only change
        rig.publish(lesson("s1.3.2.4"))
        pushed = ws.receive_json()
        assert pushed["state"]["question"]["id"] == "s1.3.2.4"


def test_publishing_the_same_state_each_frame_costs_nothing(rig):
    state = rig.core.state
    applied = []
    real_apply = rig.core.apply
    rig.core.apply = lambda s: (applied.append(s), real_apply(s))  # type: ignore[method-assign]
    for _ in range(100):
        rig.core.publish_threadsafe(state)
        rig.core.publish_threadsafe(lesson())  # equal, not the same object
    changed = lesson("s1.3.2.4")
    rig.publish(changed)
    assert applied == [changed]  # the hub's loop was woken once, for the change


# ---- the connectivity checks and other hosts -------------------------------------------------------------


@pytest.mark.parametrize("path, status, body", [
    ("/generate_204", 204, ""),
    ("/gen_204", 204, ""),
    ("/hotspot-detect.html", 200, "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"),
    ("/library/test/success.html", 200, "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"),
    ("/connecttest.txt", 200, "Microsoft Connect Test"),
    ("/ncsi.txt", 200, "Microsoft NCSI"),
    ("/success.txt", 200, "success\n"),
    ("/canonical.html", 200, hub_server.FIREFOX_CANONICAL),
])
@pytest.mark.parametrize("host", ["connectivitycheck.gstatic.com", "captive.apple.com", "10.42.0.1:8080"])
def test_connectivity_checks_are_answered_for_any_host(rig, path, status, body, host):
    response = rig.client.get(path, headers={"host": host}, follow_redirects=False)
    assert (response.status_code, response.text) == (status, body)


def test_other_pages_of_other_hosts_go_to_the_hub(rig):
    rig.core.url = "http://10.42.0.1:8080/"
    response = rig.client.get("/search?q=x", headers={"host": "www.google.com"}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "http://10.42.0.1:8080/"
    assert rig.client.get("/", headers={"host": "10.42.0.1:8080"}).status_code == 200


@pytest.mark.parametrize("interfaces, default, expected", [
    ({"lo": ["127.0.0.1"], "wlp2s0": ["10.42.0.1"], "enp3s0": ["192.168.1.20"]}, "enp3s0", "10.42.0.1"),
    ({"lo": ["127.0.0.1"], "enp3s0": ["192.168.1.20"], "docker0": ["172.17.0.1"]}, "enp3s0", "192.168.1.20"),
    ({"lo": ["127.0.0.1"], "docker0": ["172.17.0.1"], "eth0": ["192.168.8.100"]}, None, "192.168.8.100"),
    ({"lo": ["127.0.0.1"], "wlan0": ["169.254.3.3", "10.0.0.7"]}, None, "10.0.0.7"),
    ({"lo": ["127.0.0.1"]}, None, "127.0.0.1"),
])
def test_the_address_phones_reach(interfaces, default, expected):
    assert choose_address(interfaces, default) == expected


# ---- the real hub ----------------------------------------------------------------------------------------


def test_real_hub_on_a_free_port_with_the_websockets_client():
    events: queue.Queue = queue.Queue()
    hub = Hub(events, HubConfig(host="127.0.0.1", port=0), pin_check=lambda pin: ("wrong", 0, 4))
    url = hub.start()
    kiosk = FakeKiosk(events, hub.core).start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url) and hub.url == url
        hub.publish(lesson())
        wait_for(lambda: hub.core.state is not None)
        info = hub.join_info()
        assert info.url == f"{url}?c={info.code}" and info.phones == 0
        ws_url = url.replace("http://", "ws://") + "ws"

        async def phone() -> tuple[dict, dict, int | None]:
            async with websockets.connect(ws_url, origin=url.rstrip("/")) as ws:
                await ws.send(json.dumps({"t": "hello", "code": info.code, "token": None}))
                welcome = json.loads(await ws.recv())
                assert hub.phones == 1 and hub.join_info().phones == 1
                await ws.send(json.dumps({"t": "answer", "q": "s1.3.1.4", "key": "C", "r": 1}))
                ack = json.loads(await ws.recv())
                await ws.send("x" * (MAX_MESSAGE + 1))
                try:
                    await asyncio.wait_for(ws.recv(), 2)
                except ConnectionClosed as closed:
                    return welcome, ack, closed.rcvd.code if closed.rcvd else None
                return welcome, ack, None

        welcome, ack, closed = asyncio.run(phone())
        assert welcome["t"] == "welcome" and ack["status"] == "received"
        assert closed == 1009  # too big: the server closes before reading it
        assert [e.key for e in kiosk.taken] == ["C"]
        wait_for(lambda: hub.phones == 0)
    finally:
        started = time.monotonic()
        hub.stop()
        hub.stop()  # twice is fine
        kiosk.stop()
    assert time.monotonic() - started < 2.5
    notes = [n.what for n in kiosk.notes] + [e.what for e in list(events.queue) if isinstance(e, HubNote)]
    assert notes[0] == "started" and notes[-1] == "stopped"


def test_a_port_in_use_is_one_clear_line():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        hub = Hub(queue.Queue(), HubConfig(host="127.0.0.1", port=port), pin_check=lambda pin: ("wrong", 0, 4))
        with pytest.raises(HubError, match=f"^port {port} is in use: choose another with --hub HOST:PORT$"):
            hub.start()
    finally:
        taken.close()


def test_an_address_not_of_this_computer_is_one_clear_line():
    hub = Hub(queue.Queue(), HubConfig(host="203.0.113.9", port=0), pin_check=lambda pin: ("wrong", 0, 4))
    with pytest.raises(HubError, match="^203.0.113.9 is not an address of this computer"):
        hub.start()


def test_a_child_answers_in_real_chromium(tmp_path):
    """The page as a phone runs it: a wrong code said so, the right one typed, one tap, "Received" only once
    the kiosk replied, a dropped connection and a screen lock come back by themselves as the same device, a
    reload rejoins as the same device with its answer still marked, and a lesson in Arabic turns the page
    right to left."""
    from dataclasses import replace

    from tests.hub.browser import PHONE, chromium

    events: queue.Queue = queue.Queue()
    hub = Hub(events, HubConfig(host="127.0.0.1", port=0), pin_check=lambda pin: ("wrong", 0, 4))
    url = hub.start()
    gate = threading.Event()
    kiosk = FakeKiosk(events, hub.core, gate=gate).start()
    try:
        hub.publish(lesson())
        wait_for(lambda: hub.core.state is not None)
        with chromium() as browser:
            page = browser.new_page(viewport=PHONE)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.get_by_label("Type the code on the screen").fill("ZZZZ")
            page.get_by_role("button", name="Join").click()
            page.get_by_role("alert").filter(has_text="Wrong code: look at the screen again").wait_for(timeout=3000)
            page.get_by_label("Type the code on the screen").fill(hub.core.code.lower())
            page.get_by_role("button", name="Join").click()
            page.get_by_role("button", name="B Sun").click()
            wait_for(lambda: kiosk.taken)
            assert page.locator("#answer-line").inner_text() == "Sending…"  # not journaled yet: no "Received"
            gate.set()
            page.locator("#answer-line", has_text="Received").wait_for(timeout=3000)
            assert page.get_by_role("button", name="B Sun").get_attribute("aria-pressed") == "true"
            device = kiosk.taken[0].device
            peer = next(iter(hub.core.peers))
            hub.core.loop.call_soon_threadsafe(peer.close, 1001, "")  # a drop (Wi-Fi roaming): back by itself
            wait_for(lambda: hub.phones == 1 and next(iter(hub.core.peers)) is not peer)
            assert next(iter(hub.core.peers)).device == device
            peer = next(iter(hub.core.peers))
            page.evaluate("""() => {  // the screen locked for a minute, then unlocked
                Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
                document.dispatchEvent(new Event("visibilitychange"));
                const now = Date.now; Date.now = () => now() + 60000;
                Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
                document.dispatchEvent(new Event("visibilitychange"));
            }""")
            wait_for(lambda: hub.phones == 1 and next(iter(hub.core.peers)) is not peer)  # a fresh socket
            assert next(iter(hub.core.peers)).device == device
            page.reload()
            page.locator("#answer-line", has_text="Received").wait_for(timeout=3000)
            assert page.get_by_role("button", name="B Sun").get_attribute("aria-pressed") == "true"
            page.get_by_role("button", name="C Snow").click()  # changed: the last one counts
            page.locator("#answer-line", has_text="Received").wait_for(timeout=3000)
            assert [(e.device, e.key) for e in kiosk.taken] == [(device, "B"), (device, "C")]
            hub.publish(replace(lesson("s1.4.1.5"), language="ar"))  # a lesson in Arabic: the page follows
            page.locator("html[dir=rtl][lang=ar]").wait_for(state="attached", timeout=3000)
            page.get_by_role("button", name="A Rain").wait_for(timeout=3000)
            assert page.get_by_role("button", name="A Rain").get_attribute("aria-pressed") == "false"
            page.screenshot(path=str(tmp_path / "ar.png"))
            assert errors == []
    finally:
        hub.stop()
        kiosk.stop()


# ---- the parts on their own ------------------------------------------------------------------------------


def test_a_state_published_before_the_hub_runs_is_served_once_it_does():
    from starlette.testclient import TestClient

    from cinema.hub.server import make_app
    from cinema.hub.state import HubState

    core = HubState(queue.Queue(), HubConfig(), pin_check=lambda pin: ("wrong", 0, 4))
    core.publish_threadsafe(lesson("s1.9.1.1"))
    with TestClient(make_app(core)) as client, client.websocket_connect("/ws") as ws:
        ws.send_json({"t": "hello", "code": core.code, "token": None})
        assert ws.receive_json()["state"]["question"]["id"] == "s1.9.1.1"


def test_publish_callbacks_run_and_one_failing_does_not_stop_the_others(rig):
    seen: list[str] = []

    def broken(state):
        raise RuntimeError("a teacher socket's trouble")

    async def later(state):
        seen.append("async " + state.question.id)

    rig.core.on_publish(broken)
    rig.core.on_publish(lambda state: seen.append(state.question.id))
    remove = rig.core.on_publish(later)
    rig.publish(lesson("s1.3.2.4"))
    wait_for(lambda: len(seen) == 2)
    remove()
    rig.publish(lesson("s1.3.3.4"))
    wait_for(lambda: len(seen) == 3)
    assert seen[0] == "s1.3.2.4" and set(seen[1:]) == {"async s1.3.2.4", "s1.3.3.4"}


def test_two_pages_of_one_phone_get_their_own_acks(rig):
    with rig.socket() as first:
        token = rig.hello(first)["token"]
        with rig.socket() as second:
            assert rig.hello(second, token=token)["t"] == "welcome"
            first.send_json({"t": "answer", "q": "s1.3.1.4", "key": "A", "r": 1})
            second.send_json({"t": "answer", "q": "s1.3.1.4", "key": "B", "r": 1})
            assert first.receive_json()["status"] == second.receive_json()["status"] == "received"
    assert len({e.request for e in rig.kiosk.taken}) == 2 and len({e.device for e in rig.kiosk.taken}) == 1


def test_a_phone_that_reads_nothing_is_dropped_and_only_the_newest_state_waits():
    from cinema.hub.peer import OUTBOX, ChildPeer

    peer = ChildPeer(ws=None, device="0a1b2c3d")  # type: ignore[arg-type]  (never run: nothing is sent)
    for n in range(OUTBOX * 2):
        peer.push(f"state {n}", state=True)
    assert list(peer.frames) == [(True, f"state {OUTBOX * 2 - 1}")] and peer.closing is None
    for n in range(OUTBOX):
        peer.push(f"ack {n}")
    assert peer.closing == (1008, "too slow")


def test_a_stopped_hub_shows_no_join_code_and_may_serve_again():
    import httpx

    hub = Hub(queue.Queue(), HubConfig(host="127.0.0.1", port=0), pin_check=lambda pin: ("wrong", 0, 4))
    first = hub.start()
    hub.stop()
    assert hub.join_info() is None and hub.url == ""
    second = hub.start()
    try:
        assert httpx.get(second + "generate_204").status_code == 204 and hub.join_info() is not None
    finally:
        hub.stop()
    for url in {first, second}:  # both closed (the second port may be the first again)
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "generate_204")
