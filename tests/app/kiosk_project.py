"""A small self-contained kiosk project in a temp folder, for end-to-end runs of `cinema run`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PLAYLIST = """\
version: 1
id: e2e
title: End to end
language: en
items:
  - type: title
    id: hello
    title: Hello
  - type: attendance
    id: register
    title: Who is here
  - type: activity
    id: quiz
    activity: water-quiz
  - type: checkin
    id: feel
    prompt: How do you feel?
    calm_item: calm
  - type: break
    id: calm
    title: Breathe
    seconds: 20
  - type: closing
    id: bye
    title: Goodbye
"""


@pytest.fixture
def project(tmp_path):
    """A project folder with the shipped config and activities and a playlist needing no media."""
    (tmp_path / "kiosk_config").mkdir()
    config = (ROOT / "kiosk_config" / "default.yaml").read_text()
    (tmp_path / "kiosk_config" / "default.yaml").write_text(
        config.replace("playlist: playlists/demo.yaml", "playlist: playlists/e2e.yaml"))
    shutil.copytree(ROOT / "activities", tmp_path / "activities")
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "e2e.yaml").write_text(PLAYLIST)
    return tmp_path


def cinema_cmd(project, *args):
    return [sys.executable, "-m", "cinema", "run", "--config", str(project / "kiosk_config" / "default.yaml"),
            "--playlist", str(project / "playlists" / "e2e.yaml"), "--journal", str(project / "j.sqlite"),
            "--headless", *args]


def run_kiosk(project, *args, timeout=120):
    return subprocess.run(cinema_cmd(project, *args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
