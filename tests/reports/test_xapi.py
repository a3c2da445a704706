"""xAPI statements from journal records: who attended, answered, watched and completed; sent to an LRS."""

from __future__ import annotations

import copy
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cinema.reports.xapi import (
    ANSWERED,
    ATTENDED,
    COMPLETED,
    MAX_OPEN_SESSIONS_PER_KIOSK,
    PLAYED,
    VIDEO_PROFILE,
    VIDEO_SESSION,
    VIDEO_TIME,
    StatementMaker,
    Tally,
    XapiError,
    is_url,
    parse_auth,
    send,
    statements,
    statements_url,
    write_jsonl,
)
from tests.reports.ralph_lrs import RalphLRS, find_ralph, free_port

PROGRAM = "LC-NORTH"
HOME = f"https://learningcinema.org/programme/{PROGRAM}"
SESSION = "https://learningcinema.org/xapi/kiosk/k1/session/s1"
LESSON = "https://learningcinema.org/xapi/lesson/water"
VIDEO = f"{LESSON}/item/v1"
QUESTION_1 = "https://learningcinema.org/xapi/activity/water-quiz/question/1"
QUESTION_2 = "https://learningcinema.org/xapi/activity/water-quiz/question/2"


class Journal:
    """Hand-made records in journal order: one kiosk, sequence numbers and wall times counting up."""

    def __init__(self, kiosk: str = "k1", session: str = "s1", wall: float = 1.7e9) -> None:
        self.kiosk, self.session, self.wall, self.seq = kiosk, session, wall, 0
        self.records: list[dict] = []

    def add(self, kind: str, **payload) -> Journal:
        self.seq += 1
        self.records.append({"id": f"{self.kiosk}-{self.session}-{self.seq:05d}", "seq": self.seq,
                             "kiosk_id": self.kiosk, "session_id": self.session, "wall": self.wall + 10 * self.seq,
                             "mono": float(self.seq), "kind": kind, "payload": payload})
        return self

    def start(self, title: str = "Clean water") -> Journal:
        return self.add("session.started", playlist="water", title=title, language="en", items=5)

    def scan(self, learner: str) -> Journal:
        return self.add("attendance.scanned", learner_id=learner, source="camera", index=0)

    def video(self, reason: str = "finished", seconds: float = 95.4, kind: str = "video", index: int = 1) -> Journal:
        self.add("item.started", index=index, item="v1", type=kind, title="Wash your hands")
        ended = "item.skipped" if reason == "skip" else "item.ended"
        return self.add(ended, index=index, item="v1", type=kind, reason=reason, seconds=seconds)

    def answer(self, key: str, learner: str | None, question: int = 0, correct: bool | None = True,
               clicker: str | None = "c1") -> Journal:
        payload = {"index": 2, "item": "quiz", "activity": "water-quiz", "question": question, "key": key,
                   "correct": correct, "clicker": clicker}
        if learner:
            payload["learner_id"] = learner
        return self.add("answer.recorded", **payload)

    def quiz(self) -> Journal:
        return self.add("item.started", index=2, item="quiz", type="activity", title="Water quiz")

    def end(self, reason: str = "completed") -> Journal:
        return self.add("session.ended", reason=reason, attendance=2, answers=2, index=4)


def lesson() -> list[dict]:
    """A whole lesson: two children, a video, a quiz (one unpaired handset), a check-in, completed."""
    j = Journal().start().add("item.started", index=0, item="att", type="attendance", title="Attendance")
    j.scan("L017").scan("L018").add("item.ended", index=0, item="att", type="attendance", reason="next", seconds=30)
    j.video().quiz()
    j.answer("A", "L017", correct=False).answer("B", "L017", correct=True)
    j.answer("C", None, clicker="c9", correct=False)
    j.add("question.closed", index=2, item="quiz", activity="water-quiz", question=0, answered=2)
    j.answer("D", "L018", question=1, correct=None, clicker=None)  # a poll, answered by card
    j.add("item.ended", index=2, item="quiz", type="activity", reason="next", seconds=60)
    j.add("item.started", index=3, item="feel", type="checkin", title="How do you feel?")
    j.add("checkin.recorded", index=3, item="feel", face=4, replaces=None)
    j.add("item.ended", index=3, item="feel", type="checkin", reason="next", seconds=20)
    return j.end().records


def summary(stmts) -> list[tuple[str, str, str]]:
    return [(st["verb"]["display"]["en-US"], st["actor"]["account"]["name"], st["object"]["id"]) for st in stmts]


# ---- which statements ---------------------------------------------------------------------------

CASES = [
    ("a scan makes one attended; scanning the same card again makes none",
     Journal().start().scan("L1").scan("L1"),
     [("attended", "L1", SESSION)]),
    ("a finished video is played by each child present",
     Journal().start().scan("L1").scan("L2").video(),
     [("attended", "L1", SESSION), ("attended", "L2", SESSION), ("played", "L1", VIDEO), ("played", "L2", VIDEO)]),
    ("a video skipped part way was still played",
     Journal().start().scan("L1").video(reason="skip", seconds=12),
     [("attended", "L1", SESSION), ("played", "L1", VIDEO)]),
    ("a video that failed, one skipped at once, or an audio item plays for nobody",
     Journal().start().scan("L1").video(reason="skip", seconds=0).video(kind="audio")
     .add("item.started", index=1, item="v1", type="video", title="W").add("item.failed", index=1, item="v1",
                                                                         type="video", reason="no media file"),
     [("attended", "L1", SESSION)]),
    ("a child's last answer to a question counts; an unpaired handset names nobody",
     Journal().start().quiz().answer("A", "L1").answer("C", None, clicker="c9").answer("B", "L1")
     .answer("D", "L2", question=1, clicker="c2"),
     [("answered", "L1", QUESTION_1), ("answered", "L2", QUESTION_2)]),
    ("answers by card and by a paired handset are one child: the last counts",
     Journal().start().quiz().answer("A", "L1", clicker="c1").answer("B", "L1", clicker=None),
     [("answered", "L1", QUESTION_1)]),
    ("a completed lesson is completed by each child present",
     Journal().start().scan("L1").scan("L2").end(),
     [("attended", "L1", SESSION), ("attended", "L2", SESSION), ("completed", "L1", LESSON),
      ("completed", "L2", LESSON)]),
    ("a lesson stopped early is not completed",
     Journal().start().scan("L1").end("ended"),
     [("attended", "L1", SESSION)]),
    ("a wellbeing check-in never becomes a statement",
     Journal().start().scan("L1").add("checkin.recorded", index=3, item="feel", face=1, replaces=None),
     [("attended", "L1", SESSION)]),
]


@pytest.mark.parametrize("journal, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_which_statements_the_records_make(journal, expected):
    assert summary(statements(journal.records, program=PROGRAM)) == expected


def test_a_lesson_gives_statements_about_children_by_id_only():
    tally = Tally()
    made = list(statements(lesson(), program=PROGRAM, tally=tally))
    assert dict(tally.verbs) == {"attended": 2, "played": 2, "answered": 2, "completed": 2}
    assert (tally.anonymous_answers, tally.checkins) == (1, 1)
    for st in made:
        name = st["actor"]["account"]["name"]
        assert st["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}
        assert st["version"] == "1.0.3"
    text = json.dumps(made)
    assert "feel" not in text and "mbox" not in text  # nothing from the check-in item, no e-mail-style identity


def test_statements_carry_the_lesson_the_result_and_where_they_came_from():
    records = lesson()
    by_verb = {}
    for st in statements(records, program=PROGRAM):
        by_verb.setdefault(st["verb"]["id"], []).append(st)
    played = by_verb[PLAYED][0]
    assert played["object"]["definition"] == {"type": "https://w3id.org/xapi/video/activity-type/video",
                                              "name": {"en": "Wash your hands"}}
    assert played["result"] == {"completion": True, "duration": "PT95.4S", "extensions": {VIDEO_TIME: 0.0}}
    assert played["context"]["contextActivities"]["category"] == [{"objectType": "Activity", "id": VIDEO_PROFILE}]
    assert played["context"]["extensions"][VIDEO_SESSION] == played["context"]["registration"]
    assert played["timestamp"] == "2023-11-14T22:14:20.000Z"  # when play began (item.started), not when it ended

    right, poll = by_verb[ANSWERED]
    assert right["result"] == {"response": "B", "success": True}
    assert poll["result"] == {"response": "D"}  # a poll has no right answer
    assert right["context"]["contextActivities"]["parent"][0]["definition"]["name"] == {"en": "Water quiz"}
    ext = right["context"]["extensions"]
    ours = "https://learningcinema.org/xapi/extensions/"
    assert (ext[ours + "kiosk"], ext[ours + "seq"], ext[ours + "session"]) == ("k1", 10, "s1")

    completed = by_verb[COMPLETED][0]
    assert completed["object"]["id"] == LESSON and completed["result"] == {"completion": True}
    assert completed["context"]["contextActivities"]["grouping"][0]["id"] == SESSION
    registrations = {st["context"]["registration"] for sts in by_verb.values() for st in sts}
    assert registrations == {played["context"]["registration"]}  # one lesson, one registration
    assert by_verb[ATTENDED][0]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"


def test_a_resumed_video_is_played_from_where_it_stopped():
    j = Journal().start().scan("L1").add("session.resumed", index=1, position=42.5).video()
    (played,) = [st for st in statements(j.records) if st["verb"]["id"] == PLAYED]
    assert played["result"]["extensions"][VIDEO_TIME] == 42.5


def test_the_same_journal_gives_the_same_ids_and_a_new_programme_new_ones():
    first = [st["id"] for st in statements(lesson(), program=PROGRAM)]
    again = [st["id"] for st in statements(lesson(), program=PROGRAM)]
    other = [st["id"] for st in statements(lesson(), program="LC-SOUTH")]
    assert first == again and len(set(first)) == len(first) == 8
    assert not set(first) & set(other)


@pytest.mark.parametrize("given, recorded, home", [
    ("LC-NORTH", "LC-SOUTH", "https://learningcinema.org/programme/LC-SOUTH"),  # the records decide
    ("LC-NORTH", None, "https://learningcinema.org/programme/LC-NORTH"),
    (None, "LC-SOUTH", "https://learningcinema.org/programme/LC-SOUTH"),
    (None, None, "https://learningcinema.org/kiosk/k1"),  # card ids are only known unique per kiosk then
])
def test_children_are_accounts_of_their_programme(given, recorded, home):
    j = Journal().add("session.started", playlist="water", title="W", language="en", program=recorded).scan("L1")
    (st,) = statements(j.records, program=given)
    assert st["actor"]["account"] == {"homePage": home, "name": "L1"}


def test_answers_of_a_question_left_open_are_kept_when_the_records_run_out():
    j = Journal().start().quiz().answer("A", "L1")  # the battery died mid-question
    assert summary(statements(j.records)) == [("answered", "L1", QUESTION_1)]


def test_memory_holds_only_unfinished_sessions():
    maker = StatementMaker(PROGRAM)
    most = 0
    for n in range(300):
        for rec in Journal(session=f"s{n}").start().scan("L1").video().quiz().answer("A", "L1").end().records:
            maker.feed(rec)
            most = max(most, maker.open_sessions)
    assert most == 1 and maker.open_sessions == 0
    for n in range(3 * MAX_OPEN_SESSIONS_PER_KIOSK):  # a kiosk that lost power every lesson
        for rec in Journal(session=f"u{n}").start().scan("L1").records:
            maker.feed(rec)
    assert maker.open_sessions == MAX_OPEN_SESSIONS_PER_KIOSK
    j = Journal(session="new").add("session.abandoned", session=f"u{3 * MAX_OPEN_SESSIONS_PER_KIOSK - 1}", index=0)
    maker.feed(j.records[0])
    assert maker.open_sessions == MAX_OPEN_SESSIONS_PER_KIOSK - 1


def test_an_abandoned_session_leaves_nobody_present_in_the_next():
    j = Journal(session="old").start().scan("L1")
    j.session = "new"  # the kiosk restarted and the teacher declined to resume
    j.start().add("session.abandoned", session="old", index=0).video()
    old = "https://learningcinema.org/xapi/kiosk/k1/session/old"
    assert summary(statements(j.records)) == [("attended", "L1", old)]


# ---- files ---------------------------------------------------------------------------------------

def test_write_jsonl_writes_one_statement_a_line(tmp_path):
    out = tmp_path / "statements.jsonl"
    assert write_jsonl(statements(lesson(), program=PROGRAM), out) == 8
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(statements(lesson(), program=PROGRAM))


def test_write_jsonl_leaves_the_old_file_when_it_fails(tmp_path):
    out = tmp_path / "statements.jsonl"
    out.write_text("old\n")

    def broken():
        yield from statements(lesson())
        raise KeyError("a bad record")

    with pytest.raises(KeyError):
        write_jsonl(broken(), out)
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["statements.jsonl"]
    with pytest.raises(XapiError, match="cannot write"):
        write_jsonl([], tmp_path / "no-such-dir" / "x.jsonl")


# ---- command-line helpers -------------------------------------------------------------------

@pytest.mark.parametrize("flag, environ, expected", [
    ("teacher:pa:ss", {}, ("teacher", "pa:ss")),
    (None, {"CINEMA_XAPI_AUTH": "lrs:key"}, ("lrs", "key")),
    ("flag:wins", {"CINEMA_XAPI_AUTH": "env:loses"}, ("flag", "wins")),
    (None, {}, None),
    (None, {"CINEMA_XAPI_AUTH": ""}, None),
    ("user:", {}, ("user", "")),
])
def test_parse_auth(flag, environ, expected):
    assert parse_auth(flag, environ) == expected


@pytest.mark.parametrize("text", ["nocolon", ":pass"])
def test_parse_auth_refuses_what_is_not_user_colon_password(text):
    with pytest.raises(XapiError, match="USER:PASSWORD"):
        parse_auth(text, {})


@pytest.mark.parametrize("target, url, expected", [
    ("http://lrs:8100/xAPI/", True, "http://lrs:8100/xAPI/statements"),
    ("https://lrs.example.org/xAPI", True, "https://lrs.example.org/xAPI/statements"),
    ("HTTP://lrs/xAPI/statements/", True, "http://lrs/xAPI/statements"),
    ("http://lrs/data/xAPI/statements?x=1", True, "http://lrs/data/xAPI/statements"),
    ("statements.jsonl", False, None),
    ("/media/usb/http.jsonl", False, None),
])
def test_targets(target, url, expected):
    assert is_url(target) is url
    if url:
        assert statements_url(target) == expected


def test_a_password_in_the_address_is_refused():
    with pytest.raises(XapiError, match="--xapi-auth"):
        send([], "http://user:pw@lrs/xAPI/")


# ---- sending: a scripted LRS with faults -----------------------------------------------------------

class StubLRS:
    """An LRS that answers from a script of (status, body, headers), then stores; it remembers every request."""

    def __init__(self) -> None:
        self.script: list[tuple[int, object, dict]] = []
        self.requests: list[tuple[str, dict, list]] = []
        self.stored: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append((self.path, self.headers, body))  # headers: case-insensitive
                status, answer, headers = stub.answer(body)
                data = json.dumps(answer).encode() if status != 204 else b""
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/xAPI/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def answer(self, body: list[dict]) -> tuple[int, object, dict]:
        if self.script:
            return self.script.pop(0)
        ids = [st["id"] for st in body]
        self.stored += ids
        return 200, ids, {}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    lrs = StubLRS()
    yield lrs
    lrs.close()


def test_statements_go_in_batches_with_auth_and_version(stub):
    made = list(statements(lesson(), program=PROGRAM))
    done: list[int] = []
    result = send(made, stub.url, ("teacher", "pw"), batch=3, progress=done.append)
    assert result.sent == 8 and result.duplicates == 0 and result.batches == 3
    assert [len(body) for _, _, body in stub.requests] == [3, 3, 2] and done == [3, 6, 8]
    path, headers, body = stub.requests[0]
    assert path == "/xAPI/statements"
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic dGVhY2hlcjpwdw=="  # teacher:pw
    assert body == made[:3]


def test_a_store_that_fails_twice_is_tried_again_with_growing_waits(stub):
    stub.script = [(503, {"detail": "busy"}, {}), (502, "bad gateway", {})]
    waits: list[float] = []
    result = send(statements(lesson()), stub.url, None, backoff=0.5, sleep=waits.append)
    assert result.sent == 8 and len(stub.requests) == 3 and waits == [0.5, 1.0]


def test_a_store_that_asks_to_wait_is_obeyed(stub):
    stub.script = [(429, {"detail": "slow down"}, {"Retry-After": "7"})]
    waits: list[float] = []
    send(statements(lesson()), stub.url, None, sleep=waits.append)
    assert waits == [7.0]


def test_a_store_that_keeps_failing_gives_up_in_one_line(stub):
    stub.script = [(500, {"detail": "disk full"}, {})] * 3
    with pytest.raises(XapiError) as err:
        send(statements(lesson()), stub.url, None, retries=2, sleep=lambda s: None)
    assert len(stub.requests) == 3
    assert "after 3 tries: HTTP 500 disk full" in str(err.value) and "\n" not in str(err.value)


def test_no_store_at_that_address(stub):
    url = f"http://127.0.0.1:{free_port()}/xAPI/"
    with pytest.raises(XapiError, match="could not reach the learning record store .* after 2 tries"):
        send(statements(lesson()), url, None, retries=1, sleep=lambda s: None)


@pytest.mark.parametrize("status, answer, headers, message", [
    (400, {"detail": "Duplicate statement IDs in the list of statements"}, {},
     r"refused the statements \(HTTP 400\): Duplicate statement IDs"),
    (401, {"detail": "Invalid authentication credentials"}, {}, r"user name or password \(HTTP 401\)"),
    (403, {"message": "no write scope"}, {}, r"user name or password \(HTTP 403\)"),
    (308, {}, {"Location": "https://lrs.example.org/xAPI/statements"},
     "moved to https://lrs.example.org/xAPI/statements"),
    (200, {"statements": []}, {}, "not xAPI"),
])
def test_a_refusal_stops_at_once_and_says_why(stub, status, answer, headers, message):
    stub.script = [(status, answer, headers)]
    with pytest.raises(XapiError, match=message):
        send(statements(lesson()), stub.url, ("u", "p"), sleep=lambda s: None)
    assert len(stub.requests) == 1


def test_a_conflict_on_a_batch_is_narrowed_down_to_the_statement_already_held(stub):
    made = list(statements(lesson()))
    held = made[5]["id"]
    store = stub.answer

    def answer(body):  # like an LRS that answers 409 for any batch holding an id it has
        if held in {st["id"] for st in body}:
            return 409, {"detail": f"Differing statements already exist with the same ID: {held}"}, {}
        return store(body)

    stub.answer = answer
    result = send(made, stub.url, None, batch=8)
    assert (result.sent, result.duplicates, result.conflicts) == (7, 1, 1)
    assert sorted(stub.stored) == sorted(st["id"] for st in made if st["id"] != held)


def test_a_batch_too_big_for_the_store_is_sent_in_halves(stub):
    store = stub.answer
    stub.answer = lambda body: (413, "Request Entity Too Large", {}) if len(body) > 2 else store(body)
    result = send(statements(lesson()), stub.url, None, batch=8)
    assert result.sent == 8 and [len(b) for _, _, b in stub.requests] == [8, 4, 2, 2, 4, 2, 2]


def test_one_statement_too_big_for_the_store_is_a_refusal(stub):
    stub.answer = lambda body: (413, {"detail": "too large"}, {})
    with pytest.raises(XapiError, match=r"HTTP 413\): too large"):
        send(statements(lesson()), stub.url, None, batch=2)


def test_the_same_statement_twice_in_one_go_is_sent_once(stub):
    made = list(statements(lesson()))
    result = send(made + made[:2], stub.url, None, batch=100)
    assert [len(body) for _, _, body in stub.requests] == [8]
    assert (result.sent, result.duplicates) == (8, 2)


# ---- a real Learning Record Store (Ralph) ----------------------------------------------------------

@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    program = find_ralph()
    if program is None:
        named = os.environ.get("CINEMA_RALPH")
        pytest.skip(f"Ralph LRS not found: CINEMA_RALPH={named} is not a file" if named else
                    "Ralph LRS not found: set CINEMA_RALPH to its `ralph` program, run deploy/setup.sh --test "
                    "(.venv-ralph), or pip install 'ralph-malph[cli,lrs]'")
    lrs = RalphLRS(program, tmp_path_factory.mktemp("ralph"), free_port()).start()
    yield lrs
    lrs.stop()


def test_ralph_finds_every_statement_valid_offline(ralph):
    journal = lesson() + Journal(session="s2").add("item.started", index=0, item="v", type="video", title="V").records
    made = list(statements(journal, program=PROGRAM))
    problems = ralph.check_offline(made)
    if problems is None:
        pytest.skip("Ralph's interpreter not found next to its script: offline check not run")
    assert problems == []


def test_ralph_stores_the_statements_once_however_often_they_are_sent(ralph):
    made = list(statements(lesson(), program=PROGRAM))
    first = send(made, ralph.url, ralph.auth)
    assert (first.sent, first.duplicates) == (8, 0)

    stored = ralph.statements()
    assert sorted(st["id"] for st in stored) == sorted(st["id"] for st in made)
    child = ralph.statements(agent=json.dumps({"account": {"homePage": HOME, "name": "L017"}}))
    answered = [st for st in child if st["verb"]["id"] == ANSWERED]
    assert len(child) == 4 and len(answered) == 1
    assert answered[0]["object"]["id"] == QUESTION_1 and answered[0]["result"] == {"response": "B", "success": True}

    again = send(statements(lesson(), program=PROGRAM), ralph.url + "statements", ralph.auth, batch=3)
    assert (again.sent, again.duplicates, again.batches) == (0, 8, 3)
    assert len(ralph.statements()) == 8

    changed = copy.deepcopy(made[0])
    changed["result"] = {"success": True}  # the same id with other content: the store keeps the first
    clash = send([changed], ralph.url, ralph.auth)
    assert (clash.sent, clash.duplicates, clash.conflicts) == (0, 1, 1)
    assert len(ralph.statements()) == 8


def test_ralph_refuses_a_wrong_password_in_one_line(ralph):
    with pytest.raises(XapiError, match=r"refused the user name or password \(HTTP 401\)"):
        send(statements(lesson()), ralph.url, ("kiosk", "wrong"))


def test_ralph_says_what_is_wrong_with_a_statement(ralph):
    with pytest.raises(XapiError, match=r"HTTP 422\): body/0/object: Field required"):
        send([{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://example.org/v"}}],
             ralph.url, ralph.auth)
