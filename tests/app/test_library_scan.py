"""The home screen reads the lessons folder with bounds: how many files, how big each, and nothing
that is not a regular file (a pipe or a device named *.yaml would hang or flood the kiosk's start)."""

from __future__ import annotations

import os
import time

from cinema.config.activities import load_activities
from cinema.config.playlists import MAX_LESSON_FILES, list_lessons
from cinema.config.yaml_lines import MAX_FILE_BYTES
from tests.app.kiosk_project import ROOT

LESSON = "version: 1\nid: l{n}\ntitle: Lesson {n}\nitems:\n  - type: title\n    id: hello\n"


def activities():
    return load_activities(ROOT / "activities")


def test_a_folder_of_thousands_of_lessons_lists_the_first_few_hundred_quickly(tmp_path):
    for n in range(MAX_LESSON_FILES + 300):
        (tmp_path / f"{n:04d}.yaml").write_text(LESSON.format(n=n))
    start = time.monotonic()
    listed, left_out = list_lessons(tmp_path, activities())
    took = time.monotonic() - start
    assert len(listed) == MAX_LESSON_FILES and left_out == 300
    assert [p.name for p, _pl, _pr in listed[:2]] == ["0000.yaml", "0001.yaml"]  # file-name order
    assert all(pl is not None and not pr for _p, pl, pr in listed)
    assert took < 10.0


def test_pipes_devices_folders_and_hidden_files_are_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it would wait for a writer forever
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "sub.yaml").mkdir()
    (tmp_path / ".hidden.yaml").write_text(LESSON.format(n=1))
    (tmp_path / "notes.txt").write_text("not a lesson")
    (tmp_path / "real.yml").write_text(LESSON.format(n=2))
    listed, left_out = list_lessons(tmp_path, activities())
    assert [p.name for p, _pl, _pr in listed] == ["real.yml"] and left_out == 0


def test_an_oversized_or_broken_lesson_is_listed_with_its_problems_not_raised(tmp_path):
    (tmp_path / "big.yaml").write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 10))
    (tmp_path / "bad.yaml").write_text("version: 1\ntitle: Bad\nitems:\n  - type: activity\n    activity: nope\n")
    (tmp_path / "junk.yaml").write_bytes(b"\xff\xfe\x00junk: [")
    listed, _ = list_lessons(tmp_path, activities())
    problems = {p.name: [str(x) for x in pr] for p, _pl, pr in listed}
    assert set(problems) == {"bad.yaml", "big.yaml", "junk.yaml"}
    assert all(problems.values())
    assert any("nope" in line for line in problems["bad.yaml"])
    assert any(str(MAX_FILE_BYTES // 1024) in line for line in problems["big.yaml"])


def test_an_unreadable_folder_is_one_problem(tmp_path):
    listed, left_out = list_lessons(tmp_path / "missing", activities())
    [(path, playlist, problems)] = listed
    assert playlist is None and problems and "playlists_dir" in str(problems[0])
