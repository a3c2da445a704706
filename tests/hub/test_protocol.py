"""The phones' wire protocol: a table of frames and what they parse to, and fuzz (malformed, oversized, deeply
nested, replayed frames) that never raises, never takes long, and never yields an answer from junk; through
the server, fuzz never adds an answer to a question that is not open."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.hub import MAX_MESSAGE
from cinema.hub.protocol import (
    CHILD, TEACHER, Answer, Choose, Cmd, Hello, Link, Login, Logout, Mark, Refusal, parse, same_origin,
)
from tests.budget import budget
from tests.hub.conftest import lesson

VALID = [
    ({"t": "hello", "code": "K7P2", "token": None}, Hello("K7P2", None)),
    ({"t": "hello", "code": "k7p2", "token": "abcDEF_-0123456789xyz"}, Hello("k7p2", "abcDEF_-0123456789xyz")),
    ({"t": "hello"}, Hello(None, None)),
    ({"t": "answer", "q": "s1.3.1.4", "key": "B", "r": 7}, Answer("s1.3.1.4", "B", 7)),
    ({"t": "answer", "q": "s1.3.1.4", "key": "10", "r": 0}, Answer("s1.3.1.4", "10", 0)),
    ({"t": "answer", "q": "q", "key": "A", "r": 2**31}, Answer("q", "A", 2**31)),
    ({"t": "link", "card": "L007 K3X9", "r": 8}, Link("L007 K3X9", 8)),
    ({"t": "link", "card": "  L007 K3X9 ", "r": 8}, Link("L007 K3X9", 8)),
]
TEACHER_VALID = [
    ({"t": "login", "pin": "4821", "r": 1}, Login("4821", 1)),
    ({"t": "cmd", "cmd": "next", "r": 9}, Cmd("next", 9)),
    ({"t": "mark", "learner": "L-07_b", "r": 10}, Mark("L-07_b", False, 10)),
    ({"t": "mark", "learner": "L7", "undo": True, "r": 10}, Mark("L7", True, 10)),
    ({"t": "choose", "lesson": "lessons/water.yaml", "r": 11}, Choose("lessons/water.yaml", 11)),
    ({"t": "logout"}, Logout()),
]
REFUSED = [
    ('{"t": "answer", "q": "q", "key": "B", "r": 7', "json", None),
    ("[]", "json", None),
    ('"answer"', "json", None),
    ("null", "json", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": 7, "r": 8}', "duplicate", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": 1.5}', "number", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": NaN}', "number", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": Infinity}', "number", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": 1e3}', "number", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": true}', "field", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": -1}', "field", None),
    ('{"t": "answer", "q": "q", "key": "B", "r": 2147483649}', "field", None),
    ('{"t": "answer", "q": "q", "key": "BBB", "r": 3}', "field", 3),
    ('{"t": "answer", "q": "q", "key": "", "r": 3}', "field", 3),
    ('{"t": "answer", "q": "q", "key": "É", "r": 3}', "field", 3),
    ('{"t": "answer", "q": "q", "key": ["B"], "r": 3}', "depth", None),
    ('{"t": "answer", "q": {"a": 1}, "key": "B", "r": 3}', "depth", None),
    ('{"t": "answer", "q": "' + "x" * 65 + '", "key": "B", "r": 3}', "field", 3),
    ('{"t": "answer", "q": "a\\u0000b", "key": "B", "r": 3}', "field", 3),
    ('{"t": "answer", "key": "B", "r": 3}', "fields", 3),
    ('{"t": "answer", "q": "q", "key": "B", "r": 3, "device": "0a1b2c3d"}', "fields", 3),
    ('{"t": "cmd", "cmd": "next", "r": 3}', "type", 3),  # a teacher's message on a child's socket
    ('{"t": "Answer", "q": "q", "key": "B", "r": 3}', "type", 3),
    ('{"q": "q", "key": "B", "r": 3}', "type", 3),
    ('{"t": 1}', "type", None),
    ('{"t": "link", "card": "   ", "r": 4}', "field", 4),
    ('{"t": "link", "card": "' + "c" * 121 + '", "r": 4}', "field", 4),
    ('{"t": "hello", "code": "K7P2", "token": "no/slashes"}', "field", None),
    ('{"t": "hello", "code": "<script>", "token": null}', "field", None),
    ("[" * 5000, "size", None),
    ("[" * 100 + "]" * 100, "depth", None),
    ("x" * (MAX_MESSAGE + 1), "size", None),
    ("", "json", None),
]


@pytest.mark.parametrize("obj, expected", VALID)
def test_child_messages(obj, expected):
    assert parse(json.dumps(obj)) == expected
    assert parse(json.dumps(obj).encode()) == expected


@pytest.mark.parametrize("obj, expected", TEACHER_VALID)
def test_teacher_messages(obj, expected):
    assert parse(json.dumps(obj), TEACHER) == expected
    assert isinstance(parse(json.dumps(obj), CHILD), Refusal)  # a child's socket takes none of them


@pytest.mark.parametrize("frame, reason, r", REFUSED)
def test_refusals(frame, reason, r):
    assert parse(frame) == Refusal(reason, r)


@pytest.mark.parametrize("obj", [
    {"t": "login", "pin": "12a4", "r": 1}, {"t": "login", "pin": "1" * 13, "r": 1}, {"t": "login", "pin": "", "r": 1},
    {"t": "cmd", "cmd": "quit", "r": 1}, {"t": "cmd", "cmd": "NEXT", "r": 1},
    {"t": "mark", "learner": "Amira Haddad", "r": 1}, {"t": "mark", "learner": "L7", "undo": 1, "r": 1},
    {"t": "mark", "learner": "x" * 33, "r": 1}, {"t": "choose", "lesson": "a\nb", "r": 1},
    {"t": "logout", "r": 1},
])
def test_teacher_refusals(obj):
    assert isinstance(parse(json.dumps(obj), TEACHER), Refusal)


def test_a_frame_just_under_the_limit_is_read_and_one_byte_over_is_not():
    head = '{"t": "link", "card": "x", "r": 1, "pad": "'
    fits = head + "p" * (MAX_MESSAGE - len(head) - 2) + '"}'
    assert len(fits) == MAX_MESSAGE and parse(fits) == Refusal("fields", 1)  # read (and refused for its field)
    assert parse(fits[:-2] + 'p"}') == Refusal("size")
    assert parse(("é" * (MAX_MESSAGE // 2 + 1)).encode()) == Refusal("size")  # bytes count, not characters


def test_bytes_that_are_not_utf8():
    assert parse(b'{"t": "answer", "q": "\xff", "key": "B", "r": 1}') == Refusal("encoding")
    assert parse("\ud800") == Refusal("encoding")


@pytest.mark.parametrize("origin, host, same", [
    (None, "10.42.0.1:8080", True),
    ("http://10.42.0.1:8080", "10.42.0.1:8080", True),
    ("http://10.42.0.1", "10.42.0.1:80", True),
    ("HTTP://KIOSK:8080", "kiosk:8080", True),
    ("http://[fe80::1]:8080", "[fe80::1]:8080", True),
    ("http://10.42.0.1:8081", "10.42.0.1:8080", False),
    ("http://evil.example", "10.42.0.1:8080", False),
    ("http://10.42.0.1:8080.evil.example", "10.42.0.1:8080", False),
    ("http://user@10.42.0.1:8080", "10.42.0.1:8080", False),
    ("null", "10.42.0.1:8080", False),
    ("file://", "10.42.0.1:8080", False),
    ("https://10.42.0.1:8080", "", False),
])
def test_same_origin(origin, host, same):
    assert same_origin(origin, host) is same


# ---- fuzz --------------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**40), max_value=2**40) | st.floats(allow_nan=True)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
shaped = st.fixed_dictionaries(
    {"t": st.sampled_from(["hello", "answer", "link", "cmd", "login", "mark", "choose", "logout", "x"])},
    optional={"q": json_values, "key": json_values, "r": json_values, "card": json_values, "code": json_values,
              "token": json_values, "pin": json_values, "cmd": json_values, "learner": json_values,
              "undo": json_values, "lesson": json_values},
)
frames = (
    st.binary(max_size=3000)
    | st.text(max_size=3000)
    | json_values.map(lambda v: json.dumps(v, allow_nan=True))
    | shaped.map(lambda v: json.dumps(v, allow_nan=True))
    | st.integers(min_value=1, max_value=20000).map(lambda n: "[" * n)
    | st.integers(min_value=1, max_value=5000).map(lambda n: '{"t":' * n)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames, allowed=st.sampled_from([CHILD, TEACHER]))
def test_fuzz_never_raises_and_stays_in_bounds(frame, allowed):
    with budget(seconds=2, megabytes=16):
        result = parse(frame, allowed)
    assert isinstance(result, (Refusal, Hello, Answer, Link, Login, Cmd, Mark, Choose, Logout))
    if isinstance(result, Answer):
        assert len(result.question) <= 64 and 1 <= len(result.key) <= 2 and 0 <= result.r <= 2**31
        assert "answer" in allowed
    if isinstance(result, Refusal):
        assert result.r is None or (type(result.r) is int and 0 <= result.r <= 2**31)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.lists(frames, min_size=1, max_size=6), replay=st.sampled_from(["s1.3.0.4", "s1.2.1.3", "S1.3.1.4"]))
def test_fuzz_through_the_server_adds_no_answer(rig, junk, replay):
    """Junk and replays of answers to questions not open (an old id, another case) from a phone: no answer
    reaches the kiosk, the phone stays connected or is closed, the hub goes on."""
    rig.clock.advance(60)  # every example a fresh hello bucket
    with rig.socket() as ws:
        assert rig.hello(ws)["t"] == "welcome"
        for frame in junk:
            if isinstance(frame, bytes):
                ws.send_bytes(frame)
            else:
                ws.send_text(frame)
        ws.send_text(json.dumps({"t": "answer", "q": replay, "key": "A", "r": 424242}))
        while True:  # every frame with a readable r is acked; ours is last
            reply = ws.receive_json()
            if reply.get("r") == 424242:
                break
        assert reply["status"] in ("closed", "refused")
    assert [e for e in rig.kiosk.taken if e.question != lesson().question.id] == []
    assert all(e.key in "ABC" for e in rig.kiosk.taken)
