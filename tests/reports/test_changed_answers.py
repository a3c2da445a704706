"""Bug 2: a child who changed an answer is reported with the answer they ended on, by xAPI, by
`--records` and by the HTML report alike (a kiosk journal written by the real engine)."""

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from cinema.core.events import CardAnswer, CardScanned, ClickerPressed, Command, PinDigit
from cinema.core.records import RecordFold
from cinema.journal import Journal
from tests.reports.engine_lessons import Lesson, card, demo_playlist, roster

QUESTION_1 = "https://learningcinema.org/xapi/activity/water-quiz/question/1"  # right answer: A


def cinema(*args):
    return subprocess.run([sys.executable, "-m", "cinema", *map(str, args)], capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("changed") / "journal.sqlite"
    lesson = Lesson(Journal(path, "kiosk-1"), demo_playlist(), roster()).start()
    lesson.cmd(Command.NEXT)
    lesson.send(CardScanned(card("L1")), CardScanned(card("L4")), CardScanned(card("L5")))
    lesson.cmd(Command.NEXT)
    lesson.send(CardScanned(card("L1")), ClickerPressed("c1", "A"))  # L1 takes handset c1
    while lesson.at() != "quiz":
        lesson.cmd(Command.SKIP)
    lesson.send(ClickerPressed("c1", "B"), ClickerPressed("c1", "A"))  # L1: B, then changes to A (right)
    lesson.send(CardAnswer(card("L4"), "A"), CardAnswer(card("L4"), "C"))  # L4 by card: A, then C (wrong)
    lesson.send(CardAnswer(card("L5"), "D"))
    lesson.cmd(Command.NEXT)  # the question closes
    lesson.cmd(Command.QUIT)
    lesson.send(*(PinDigit(d) for d in "4321"), PinDigit(submit=True))  # the teacher ends the lesson
    lesson.journal.close()
    kinds = [r.kind for r in lesson.records]
    assert kinds.count("answer.changed") == 2 and kinds[-1] == "session.ended"
    return path


class LearnerAnswers(HTMLParser):
    """The HTML report's "Answers by learner" table: learner id -> (answered, right)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, tuple[int, int]] = {}
        self._in_table = False
        self._cells: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "qz") in attrs:
            self._in_table = True
        elif tag == "tr" and self._in_table:
            self._cells = []
        elif tag == "td" and self._cells is not None:
            self._cells.append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "tr" and self._cells:
            self.rows[self._cells[0].strip()] = (int(self._cells[1]), int(self._cells[2]))
            self._cells = None

    def handle_data(self, data):
        if self._cells:
            self._cells[-1] += data


def test_xapi_states_the_answer_a_child_changed_to(journal, tmp_path):
    out = cinema("report", journal, "--xapi", tmp_path / "x.jsonl")
    assert out.returncode == 0, out.stderr
    answered = {(st["actor"]["account"]["name"], st["object"]["id"]): st["result"]
                for line in (tmp_path / "x.jsonl").read_text().splitlines()
                if (st := json.loads(line))["verb"]["display"]["en-US"] == "answered"}
    assert answered == {("L1", QUESTION_1): {"response": "A", "success": True},
                        ("L4", QUESTION_1): {"response": "C", "success": False},
                        ("L5", QUESTION_1): {"response": "D", "success": False}}


def test_xapi_records_and_html_give_every_child_the_same_final_answer(journal, tmp_path):
    assert cinema("report", journal, "--xapi", tmp_path / "x.jsonl").returncode == 0
    records = cinema("report", journal, "--records")
    html = cinema("report", journal, "-o", tmp_path / "r.html")
    assert records.returncode == 0 and html.returncode == 0, records.stderr + html.stderr
    folds: dict[str, RecordFold] = {}
    for line in records.stdout.splitlines():
        r = json.loads(line)
        folds.setdefault(r["session_id"], RecordFold()).add(r["kind"], r["payload"])
    from_records = {(a.learner_id, f"{a.activity}/{a.question + 1}"): (a.key, a.correct)
                    for f in folds.values() for a in f.learner_answers().values()}
    from_xapi = {(st["actor"]["account"]["name"], st["object"]["id"].split("/activity/")[1].replace("/question", "")):
                 (st["result"]["response"], st["result"].get("success"))
                 for line in (tmp_path / "x.jsonl").read_text().splitlines()
                 if (st := json.loads(line))["verb"]["display"]["en-US"] == "answered"}
    assert from_xapi == from_records and len(from_records) == 3
    shown = LearnerAnswers((tmp_path / "r.html").read_text(encoding="utf-8")).rows
    per_learner = {lid: (1, int(bool(correct))) for (lid, _q), (_key, correct) in from_records.items()}
    assert shown == per_learner == {"L1": (1, 1), "L4": (1, 0), "L5": (1, 0)}
