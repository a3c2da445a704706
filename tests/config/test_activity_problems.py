"""Each mistake in an activity file is reported at its exact line, with the key and a fix."""

from __future__ import annotations

import pytest

from cinema.config import ACTIVITY_KINDS, ConfigError, Option, load_activities, read_activities
from cinema.config.activities import KIND_RULES
from cinema.config.problems import display_path


def quiz(kind: str = "multiple_choice", question: str = "", extra: str = "") -> str:
    return f"""\
version: 1
id: quiz
kind: {kind}
title: Water quiz
{extra}questions:
  - prompt: Where does rain come from?
{question}"""


ABCD = """\
    options:
      A: Clouds
      B: Trees
"""

CASES = [
    ("bad correct key", quiz(question=ABCD + "    correct: E  #!\n"),
     "questions[0].correct", ["'E' is not one of the options (A, B)", "use one of: A, B"]),
    ("correct missing", quiz(question=ABCD.replace("    options:", "    options:  #!", 0) + ""),
     None, None),  # replaced below: a missing `correct` is reported on the question's line
    ("option key not valid for true_false", quiz("true_false", """\
    options:
      A: "Yes"
      C: "No"  #!
    correct: A
"""), "questions[0].options", ["option key 'C' is not valid for true_false", "A, B"]),
    ("digit keys in a multiple choice", quiz(question="""\
    options:
      A: Clouds
      "1": Trees  #!
    correct: A
"""), "questions[0].options", ["option key '1' is not valid for multiple_choice", "A, B, C, D, E, F"]),
    ("option key used twice", quiz(question="""\
    options:
      - A: Clouds
      - a: Trees  #!
    correct: A
"""), "questions[0].options", ["option key 'A' is used twice"]),
    ("a poll has no right answer", quiz("poll", ABCD + "    correct: A  #!\n"),
     "questions[0].correct", ["a poll has no right answer", "remove `correct`"]),
    ("options on a discussion", quiz("discussion", """\
    options:  #!
      A: Clouds
"""), "questions[0].options", ["a discussion activity has no options"]),
    ("too few options", quiz(question="""\
    options:  #!
      A: Clouds
    correct: A
"""), "questions[0].options", ["has 1 options", "needs 2-6"]),
    ("option without text", quiz(question="""\
    options:
      - key: A
        text: Clouds
      - key: B  #!
    correct: A
"""), "questions[0].options[1].text", ["is missing"]),
    ("bad kind", """\
version: 1
id: quiz
kind: multiple-choice  #!
title: Water quiz
questions:
  - prompt: Where does rain come from?
""", "kind", ["'multiple-choice' is not valid", 'did you mean "multiple_choice"']),
    ("unknown question key", quiz("discussion", "    promt: Talk about it  #!\n"),
     "questions[0].promt", ["unknown key", 'did you mean "prompt"']),
    ("timer out of range", quiz("discussion", extra="seconds: 0  #!\n"),
     "seconds", ["is 0, must be more than 0"]),
    ("missing question image", quiz("discussion", "    image: rain.jpg  #!\n"),
     "questions[0].image", ["file not found", "rain.jpg"]),
    ("no questions", """\
version: 1
id: quiz
kind: poll
title: Water quiz
questions: []  #!
""", "questions", ["at least one question"]),
    ("missing version", """\
id: quiz  #!
kind: discussion
title: Talk
questions:
  - prompt: What do you know about rain?
""", "version", ["is missing", "version: 1"]),
]
CASES[1] = ("correct missing", quiz(question="""\
  - prompt: Which one is wet?  #!
    options:
      A: Water
      B: Sand
""").replace("  - prompt: Where does rain come from?\n", ""),
    "questions[0].correct", ["is missing", "needs the right answer", "kind: poll"])


@pytest.mark.parametrize("case, text, key, words", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_at_its_line(tmp_path, marked_line, case, text, key, words):
    path = tmp_path / "quiz.yaml"
    path.write_text(text, encoding="utf-8")

    _activities, problems = read_activities(tmp_path, check_media=True)

    assert len(problems) == 1, problems
    problem = problems[0]
    line = marked_line(text)
    assert (problem.file, problem.line, problem.key) == (path, line, key)
    shown = str(problem)
    assert shown.startswith(f"{display_path(path)}:{line}: {key}: ")
    for word in words:
        assert word in shown


def test_duplicate_activity_ids_name_both_files(tmp_path):
    (tmp_path / "a.yaml").write_text(quiz("discussion"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(quiz("discussion"), encoding="utf-8")

    activities, problems = read_activities(tmp_path)

    assert [(p.file.name, p.line, p.key) for p in problems] == [("b.yaml", 2, "id")]
    assert f"already used in {display_path(tmp_path / 'a.yaml')}:2" in str(problems[0])
    assert activities["quiz"].source == tmp_path / "a.yaml"  # the first one is kept


def test_both_ways_of_writing_options_give_the_same_activity(tmp_path):
    (tmp_path / "short.yaml").write_text(quiz(question="""\
    options:
      A: Clouds
      b: Trees
    correct: a
"""), encoding="utf-8")
    (tmp_path / "long.yaml").write_text(quiz(question="""\
    options:
      - key: A
        text: Clouds
      - key: B
        text: Trees
    correct: A
""").replace("id: quiz", "id: quiz-long"), encoding="utf-8")

    activities = load_activities(tmp_path)

    short, long = activities["quiz"].questions[0], activities["quiz-long"].questions[0]
    assert short.options == long.options == (Option("A", "Clouds"), Option("B", "Trees"))
    assert short.correct == long.correct == "A"  # keys are clicker keys: upper case


def test_numeric_questions_without_options_take_any_digit(tmp_path):
    (tmp_path / "legs.yaml").write_text(quiz("numeric", "    correct: 8\n"), encoding="utf-8")
    question = load_activities(tmp_path)["quiz"].questions[0]
    assert [o.key for o in question.options] == list("0123456789")
    assert question.correct == "8"


def test_every_activity_kind_has_rules():
    assert set(KIND_RULES) == set(ACTIVITY_KINDS)


def test_missing_folder_is_one_problem(tmp_path):
    with pytest.raises(ConfigError, match="activities folder not found"):
        load_activities(tmp_path / "nope")
