"""Whatever a teacher's editor leaves in a file, reading it gives problems, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinema.config import read_activities, read_kiosk_config, read_playlist

PLAYLIST = """\
version: 1
title: Water
items:
  - type: video
    media: intro.mp4
    subtitles: intro.srt
  - type: slides
    slides: [a.png, b.png]
  - type: checkin
    calm_item: calm
  - type: break
    id: calm
    seconds: 60
"""

ACTIVITY = """\
version: 1
id: quiz
kind: multiple_choice
title: Quiz
questions:
  - prompt: Where does rain come from?
    options:
      A: Clouds
      B: Trees
    correct: A
  - prompt: Which is wet?
    options:
      - key: A
        text: Water
      - B: Sand
    correct: A
"""

KIOSK = """\
version: 1
kiosk_id: k
teacher_pin: "1234"
playlist: lesson.yaml
display: {width: 0, height: 0}
power:
  warn_percent: 20
devices:
  clickers: [loop://]
"""

READERS = [
    (PLAYLIST, lambda path: read_playlist(path, {}, check_media=True)),
    (ACTIVITY, lambda path: read_activities(path.parent, check_media=True)),
    (KIOSK, read_kiosk_config),
]

# Edits a hand-edited file suffers: characters changed, lines dropped or duplicated, tabs.
PIECES = ["", "\t", ":", "- ", "  ", "\n", "'", "[", "{", "*a", "&a ", "0x", "é", "\x00", "~", "!!int "]


@pytest.mark.parametrize("template, read", READERS, ids=["playlist", "activity", "kiosk"])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_damaged_files_only_ever_give_problems(template, read, data):
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(template)), st.integers(0, 12), st.sampled_from(PIECES)),
                               max_size=6))
    text = template
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.yaml"
        path.write_text(text, encoding="utf-8")
        _value, problems = read(path)
        assert all(p.line >= 0 and str(p) for p in problems)
