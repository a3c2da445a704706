"""A small content project in a temporary folder: fake media, one quiz, room for playlists."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.config.media_samples import write_sample

QUIZ = """\
version: 1
id: quiz
kind: multiple_choice
title: Water quiz
questions:
  - prompt: Where does rain come from?
    options:
      A: Clouds
      B: Trees
    correct: A
"""

KIOSK = """\
version: 1
kiosk_id: test-kiosk
teacher_pin: "4821"
playlist: playlists/lesson.yaml
"""


@dataclass
class Project:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


def _marked_line(text: str) -> int:
    lines = textwrap.dedent(text).splitlines()
    marked = [n for n, line in enumerate(lines, start=1) if "#!" in line]
    assert len(marked) == 1, "mark exactly one line with #!"
    return marked[0]


@pytest.fixture
def marked_line():
    """The 1-based line of a text that carries the `#!` marker: where a case expects its error."""
    return _marked_line


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    for name in ("intro.mp4", "slide1.png", "slide2.png", "story.ogg", "lesson.srt"):
        write_sample(tmp_path / "media" / name)
    (tmp_path / "media" / "empty.mp4").write_bytes(b"")
    p.write("activities/quiz.yaml", QUIZ)
    p.write("kiosk_config/default.yaml", KIOSK)
    return p
