"""Hostile YAML: an alias bomb, deep nesting, a huge file, a pipe. Each is one `file:line` problem,
found within a small time and memory budget; the fuzz cases only ever give problems, never raise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.config.problems import Reporter
from cinema.config.yaml_lines import MAX_FILE_BYTES, read_yaml_file, read_yaml_text
from tests.budget import budget


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each level repeats the one before `width` times (9**9 values)."""
    lines = ["version: 1", "a0: &a0 [" + ",".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _merge_bomb(levels: int = 30) -> str:
    """Merge keys that double at every level: flattening them all would take 2**30 entries."""
    lines = ["m0: &m0 {k: 1}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


CASES = [
    # (case, text, line, words)
    ("alias bomb", _alias_bomb(), 7, ["*aliases here repeat values more than 10000 times", "write the values out"]),
    ("merge bomb", _merge_bomb(), 13, ["*aliases here repeat values"]),
    ("100000 nested brackets", "title: " + "[" * 100_000 + "]" * 100_000 + "\n", 1,
     ["nested more than 40 levels deep"]),
    ("500 nested blocks", "".join("  " * i + f"k{i}:\n" for i in range(500)), 40,
     ["nested more than 40 levels deep"]),
    ("100000 values", "items: [" + ",".join(["1"] * 100_000) + "]\n", 1, ["more than 10000 values"]),
    ("a value that holds itself", "a: &a [1, *a]\n", 1, ["refers to itself"]),
]


@pytest.mark.parametrize("case, text, line, words", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_text_is_one_problem_on_its_line_within_budget(case, text, line, words):
    report = Reporter(Path("lesson.yaml"))
    # tracemalloc (in budget) makes PyYAML about 4x slower: the slowest case takes 0.4 s without it.
    with budget(seconds=4, megabytes=64):
        read_yaml_text(text, report)
    assert [p.line for p in report.problems] == [line], report.problems
    shown = str(report.problems[0])
    assert shown.startswith(f"lesson.yaml:{line}: ")
    for word in words:
        assert word in shown


def test_a_few_aliases_still_work():
    text = "base: &b {title: Hi, seconds: 3}\nitems:\n  - *b\n  - <<: *b\n    id: two\n"
    report = Reporter(Path("x.yaml"))
    root = read_yaml_text(text, report)
    assert report.problems == []
    assert root.plain()["items"] == [{"title": "Hi", "seconds": 3}, {"title": "Hi", "seconds": 3, "id": "two"}]


def test_a_file_too_big_is_refused_by_its_size_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:  # sparse: 50 MB that take no disk and would take minutes to parse
        f.truncate(50 * 2**20)
    report = Reporter(path)
    with budget(seconds=1, megabytes=4):
        assert read_yaml_file(path, report) is None
    assert [p.line for p in report.problems] == [0]
    assert f"too big (51200 KB; a lesson file is at most {MAX_FILE_BYTES // 1024} KB)" in str(report.problems[0])


def test_a_pipe_named_like_a_lesson_is_refused_without_opening_it(tmp_path):
    path = tmp_path / "lesson.yaml"
    os.mkfifo(path)  # reading it would wait for a writer for good
    report = Reporter(path)
    with budget(seconds=2, megabytes=4):
        assert read_yaml_file(path, report) is None
    assert "not an ordinary file" in str(report.problems[0])


# ---- fuzz: YAML-ish text made of the pieces hostile files are made of --------------------------

PIECES = st.sampled_from([
    "a", "b", "key", "- ", ": ", ":", "[", "]", "{", "}", ",", "&x ", "*x", "&y ", "*y", "<<: ", "!!int ",
    "!!binary ", "? ", "|", ">", "'", '"', "#", "---", "...", "\n", "\n  ", "\n    ", "  ", "\t", "%YAML 1.1",
    "&a [", "*a, *a, *a]", "\\x00", "\ufeff", "1e9999", "0x" + "f" * 50, "~", "null", "é", "🙂",
])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=80))
def test_fuzz_yaml_ish_text_gives_problems_never_an_exception(pieces):
    report = Reporter(Path("fuzz.yaml"))
    with budget(seconds=2, megabytes=64):
        root = read_yaml_text("".join(pieces), report)
    assert root is not None or report.problems
    for problem in report.problems:
        assert problem.line >= 0 and problem.message


@settings(max_examples=100, deadline=None)
@given(levels=st.integers(1, 12), width=st.integers(1, 12), depth=st.integers(1, 300), nest=st.sampled_from("[{"))
def test_fuzz_alias_chains_and_nesting_stay_within_budget(levels, width, depth, nest):
    close = {"[": "]", "{": "}"}[nest]
    inner = "x" if nest == "[" else "x: 1"
    text = _alias_bomb(levels, width) + "deep: " + (nest if nest == "[" else "{k: ") * depth
    text += inner + (close if nest == "[" else "}") * depth + "\n"
    report = Reporter(Path("fuzz.yaml"))
    with budget(seconds=2, megabytes=64):
        root = read_yaml_text(text, report)
    expanded = sum(width ** i for i in range(levels + 1))
    assert (root is None) == bool(report.problems)
    if root is not None:  # accepted only when small
        assert expanded <= 10_000 and depth < 40
