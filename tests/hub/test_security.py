"""What a child's phone (or a page from elsewhere) can and cannot do on the hub: no names, no other phones'
answers or counts, no socket from another site's page, no teacher commands, no big bodies, no markup."""

from __future__ import annotations

import json

import pytest
from starlette.websockets import WebSocketDisconnect

from cinema.core.events import PhoneCommand
from tests.hub.conftest import NAMES, lesson, wait_for


@pytest.mark.parametrize("origin", ["http://evil.example", "http://testserver:8081", "null", "https://testserver.evil"])
def test_a_socket_from_another_sites_page_is_closed_and_noted(rig, origin):
    with pytest.raises(WebSocketDisconnect) as closed:
        with rig.socket(origin=origin) as ws:
            ws.receive_json()
    assert closed.value.code == 1008
    wait_for(lambda: rig.kiosk.refusals("origin"))
    assert rig.core.phones == 0


def test_the_pages_own_origin_is_welcome(rig):
    with rig.socket(origin="http://testserver") as ws:
        assert rig.hello(ws)["t"] == "welcome"


def test_no_name_ever_reaches_a_childs_phone(rig):
    frames: list[str] = [rig.client.get("/").text, rig.client.get(f"/?c={rig.core.code}").text]
    with rig.socket() as ws:
        ws.send_text(json.dumps({"t": "hello", "code": rig.core.code, "token": None}))
        frames.append(ws.receive_text())
        for r, frame in enumerate([{"t": "answer", "q": "s1.3.1.4", "key": "A"}, {"t": "link", "card": "L1 X"},
                                   {"t": "answer", "q": "old", "key": "A"}], 1):
            ws.send_text(json.dumps({**frame, "r": r}))
            frames.append(ws.receive_text())
        rig.publish(lesson("s1.3.2.4"))
        frames.append(ws.receive_text())
    assert rig.core.state.marks and rig.core.state.teacher.answers.waiting  # the names were there to leak
    for text in frames:
        for name in NAMES:
            assert name not in text
        assert "L0" not in text and "L2" not in text  # nor the learner ids of the class list


def test_a_phone_sees_no_other_answers_and_no_counts(rig):
    with rig.socket() as a, rig.socket() as b:
        rig.hello(a)
        state = rig.hello(b)["state"]
        assert set(state) == {"session", "title", "language", "paused", "question", "files"}
        assert set(state["question"]) == {"id", "kind", "prompt", "number", "count", "options"}
        a.send_json({"t": "answer", "q": "s1.3.1.4", "key": "C", "r": 1})
        assert a.receive_json()["status"] == "received"
        rig.publish(lesson("s1.3.2.4"))
        pushed = b.receive_json()  # b's next frame is the new question: nothing about a's answer came before it
        assert pushed["t"] == "state" and pushed["state"]["question"]["id"] == "s1.3.2.4"


def test_a_childs_socket_cannot_drive_the_lesson(rig):
    with rig.socket() as ws:
        rig.hello(ws)
        for r, frame in enumerate([{"t": "cmd", "cmd": "next"}, {"t": "login", "pin": "1234"},
                                   {"t": "mark", "learner": "L0"}, {"t": "choose", "lesson": "x"}], 1):
            ws.send_text(json.dumps({**frame, "r": r}))
            assert ws.receive_json() == {"t": "ack", "r": r, "status": "refused", "detail": "Not taken"}
    rig.kiosk.settle(0.1)
    assert not [e for e in rig.kiosk.others if isinstance(e, PhoneCommand)] and rig.kiosk.taken == []
    assert rig.kiosk.refusals("type")


def test_knowing_a_device_id_is_not_being_that_device(rig):
    with rig.socket() as ws:
        victim = rig.hello(ws)["device"]
    with rig.socket() as ws:
        assert rig.hello(ws, token=victim + "00000000")["device"] != victim


@pytest.mark.parametrize("headers, body", [
    ({}, b"x" * 10_000),
    ({"content-type": "application/json"}, b"{}" * 5000),
])
def test_big_bodies_are_refused(rig, headers, body):
    assert rig.client.post("/", content=body, headers=headers).status_code == 413


def test_a_body_without_its_length_is_refused(rig):
    def chunks():
        yield b"x" * 100

    assert rig.client.post("/", content=chunks()).status_code == 413


def test_markup_in_the_link_and_the_lesson_stays_text(rig):
    hostile = "</script><script>alert(1)</script>"
    rig.publish(lesson(title=hostile))
    page = rig.client.get("/", params={"c": hostile[:16]})
    assert "<script>alert" not in page.text and "</script><script>" not in page.text
    headers = page.headers
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
