"""The kiosk config: defaults, where relative paths start, and its mistakes at their lines."""

from __future__ import annotations

import pytest

from cinema.config import ConfigError, load_kiosk_config, read_kiosk_config
from cinema.config.problems import display_path

BASE = """\
version: 1
kiosk_id: test-kiosk
teacher_pin: "4821"
playlist: playlists/lesson.yaml
"""

CASES = [
    ("pin too short", BASE.replace('teacher_pin: "4821"', "teacher_pin: 12  #!"),
     "teacher_pin", ["'12' is not allowed", "4 to 8 digits"]),
    ("critical above warn", BASE + """\
power:
  warn_percent: 10
  critical_percent: 15  #!
""", "power.critical_percent", ["(15) must be below warn_percent (10)"]),
    ("percent out of range", BASE + """\
power:
  warn_percent: 120  #!
""", "power.warn_percent", ["is 120, must be from 0 to 100"]),
    ("unknown display key", BASE + """\
display:
  fullscren: false  #!
""", "display.fullscren", ["unknown key", 'did you mean "fullscreen"']),
    ("bool written as text", BASE + """\
display:
  fullscreen: "no"  #!
""", "display.fullscreen", ["must be true or false"]),
    ("only one of width and height", BASE + """\
display:
  width: 1280  #!
""", "display.width", ["both be 0", "or both be set"]),
    ("caption size", BASE + """\
display:
  caption_size: bigger  #!
""", "display.caption_size", ["'bigger' is not valid", "large"]),
    ("bad power source", BASE + """\
power:
  source: simulate  #!
""", "power.source", ["'simulate' is not valid", 'did you mean "simulated"']),
    ("clickers not a list", BASE + """\
devices:
  clickers: /dev/ttyUSB0  #!
""", "devices.clickers", ["must be a list"]),
    ("playlist not found", BASE.replace("playlist: playlists/lesson.yaml", "playlist: playlists/lessen.yaml  #!"),
     "playlist", ["playlist not found", 'did you mean "lesson.yaml"']),
    ("playlists folder not found", BASE + "playlists_dir: lessons  #!\n",
     "playlists_dir", ["folder not found: ", "lessons"]),
    ("required key missing", BASE.replace("kiosk_id: test-kiosk\n", "") + "language: en  #!\n",
     None, None),
    ("language code", BASE + "language: Arabic  #!\n", "language", ["'Arabic' is not allowed", "ar, uk"]),
]
# A missing key is reported on the first line of the block it belongs in.
CASES[-2] = ("required key missing", "version: 1  #!\n" + BASE.replace("version: 1\n", "").replace(
    "kiosk_id: test-kiosk\n", ""), "kiosk_id", ["is missing", "add `kiosk_id:`"])


@pytest.mark.parametrize("case, text, key, words", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_at_its_line(project, marked_line, case, text, key, words):
    project.write("playlists/lesson.yaml", "version: 1\ntitle: x\nitems: [{type: closing}]\n")
    path = project.write("kiosk_config/default.yaml", text)

    _config, problems = read_kiosk_config(path)

    assert len(problems) == 1, problems
    line = marked_line(text)
    assert (problems[0].file, problems[0].line, problems[0].key) == (path, line, key)
    shown = str(problems[0])
    assert shown.startswith(f"{display_path(path)}:{line}: {key}: ")
    for word in words:
        assert word in shown


def test_paths_start_above_the_kiosk_config_folder(project):
    project.write("playlists/lesson.yaml", "")
    config = load_kiosk_config(project.root / "kiosk_config" / "default.yaml")
    assert config.playlist == project.root / "playlists" / "lesson.yaml"
    assert config.journal == project.root / "var" / "journal.sqlite"
    assert config.playlists_dir == project.root / "playlists"
    assert config.activities_dir == project.root / "activities"


def test_paths_start_at_the_config_file_elsewhere(project):
    project.write("usb/playlists/lesson.yaml", "")
    project.write("usb/activities/.keep", "")
    path = project.write("usb/kiosk.yaml", "version: 1\nkiosk_id: k\nteacher_pin: '1111'\n"
                                           "playlist: playlists/lesson.yaml\njournal: /tmp/j.sqlite\n")
    config = load_kiosk_config(path)
    assert config.playlist == project.root / "usb" / "playlists" / "lesson.yaml"
    assert config.journal.as_posix() == "/tmp/j.sqlite"  # absolute paths stay as they are


def test_defaults_fill_what_is_left_out(project):
    project.write("playlists/lesson.yaml", "")
    config = load_kiosk_config(project.root / "kiosk_config" / "default.yaml")
    assert (config.language, config.failure_notice_seconds) == ("en", 4.0)
    assert (config.display.width, config.display.height, config.display.fullscreen) == (0, 0, True)
    assert (config.power.warn_percent, config.power.critical_percent, config.power.source) == (20.0, 8.0, "auto")
    assert (config.devices.clickers, config.devices.camera) == ((), None)


def test_a_pin_with_a_leading_zero_stays_as_typed(project):
    """YAML 1.1 reads 0123 as the octal number 83; the teacher typed 0123."""
    project.write("playlists/lesson.yaml", "")
    path = project.write("kiosk_config/default.yaml", BASE.replace('"4821"', "0123"))
    assert load_kiosk_config(path).teacher_pin == "0123"


def test_unreadable_config_raises_config_error(project):
    with pytest.raises(ConfigError, match="file not found"):
        load_kiosk_config(project.root / "kiosk_config" / "missing.yaml")
