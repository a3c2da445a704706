"""The YAML reader: values keep their lines; tabs and syntax errors get a plain message."""

from __future__ import annotations

from pathlib import Path

import pytest

from cinema.config.problems import Reporter
from cinema.config.yaml_lines import read_yaml_text

CASES = [
    # (case, text, line, words)
    ("tab before a key", "a: 1\nb:\n\tc: 2\n", 3, ["line 3 uses a tab for indentation", "use spaces"]),
    ("tab after a list dash", "a:\n  -\tx\n", 2, ["line 2 uses a tab for indentation"]),
    ("tab on a comment line", "a: 1\n\t# note\n", 2, ["line 2 uses a tab for indentation"]),
    ("tab after the colon", "a:\t1\n", 1, ["line 1 has a tab where YAML needs a space"]),
    ("colon in unquoted text", "a: 1\ntitle: Rain: why?\n", 2, ["mapping values are not allowed", "quotes"]),
    ("quote left open", "a: 1\nb: \"open\nc: 3\n", 2, ["end of stream", "close the quote"]),
    ("key out of line", "a:\n  b: 1\n c: 2\n", 3, ["YAML syntax error", "line this key up"]),
    ("two documents", "a: 1\n---\nb: 2\n", 2, ["remove the extra ---"]),
    ("empty file", "", 1, ["the file is empty"]),
    ("key twice", "a: 1\nb: 2\na: 3\n", 3, ["a: appears twice", "first on line 1"]),
]


@pytest.mark.parametrize("case, text, line, words", CASES, ids=[c[0] for c in CASES])
def test_problems_name_the_line(case, text, line, words):
    report = Reporter(Path("lesson.yaml"))
    read_yaml_text(text, report)
    assert [p.line for p in report.problems] == [line]
    shown = str(report.problems[0])
    assert shown.startswith(f"lesson.yaml:{line}: ")
    for word in words:
        assert word in shown


def test_every_tab_is_reported_at_once():
    report = Reporter(Path("x.yaml"))
    assert read_yaml_text("a:\n\tb: 1\nc:\n\td: 2\n", report) is None
    assert [p.line for p in report.problems] == [2, 4]


def test_values_remember_their_lines():
    report = Reporter(Path("x.yaml"))
    root = read_yaml_text("version: 1\nitems:\n  - type: title\n\n    title: Hi\n  - type: break\n", report)
    assert report.problems == []
    assert root.key_lines == {"version": 1, "items": 2}
    first, second = root.value["items"].value
    assert (first.line, first.value["title"].line, second.line) == (3, 5, 6)
    assert root.plain() == {"version": 1, "items": [{"type": "title", "title": "Hi"}, {"type": "break"}]}


def test_scalars_keep_the_text_as_written():
    root = read_yaml_text("pin: 0123\nanswer: yes\n", Reporter(Path("x.yaml")))
    assert (root.value["pin"].value, root.value["pin"].raw) == (83, "0123")
    assert (root.value["answer"].value, root.value["answer"].raw) == (True, "yes")


def test_merge_keys_work():
    root = read_yaml_text("base: &b {seconds: 6}\nslide:\n  <<: *b\n  title: x\n", Reporter(Path("x.yaml")))
    assert root.value["slide"].plain() == {"seconds": 6, "title": "x"}
