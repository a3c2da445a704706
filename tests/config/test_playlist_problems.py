"""Each mistake in a playlist is reported at its exact line, with the key, the reason and a fix."""

from __future__ import annotations

import pytest

from cinema.config import ConfigError, Problem, load_activities, load_playlist, read_playlist
from cinema.config.problems import display_path

HEAD = """\
version: 1
id: lesson
title: Water
items:
"""

# (case, playlist text with the expected line marked #!, key, words the message and fix must contain)
CASES = [
    ("yaml syntax error", HEAD + """\
  - type: title
    title: Water: all around us  #!
""", "", ["YAML syntax error", "quotes"]),
    ("tab in indentation", HEAD + """\
  - type: title
\ttitle: Water  #!
""", "", ["line 6 uses a tab for indentation", "use spaces"]),
    ("unknown top-level key", """\
version: 1
title: Water
langauge: ar  #!
items:
  - type: closing
""", "langauge", ["unknown key", 'did you mean "language"']),
    ("unknown item key", HEAD + """\
  - type: video
    media: ../media/intro.mp4
    subtitels: ../media/lesson.srt  #!
""", "items[0].subtitels", ["unknown key", 'did you mean "subtitles"']),
    ("key of another item type", HEAD + """\
  - type: video
    media: ../media/intro.mp4
    slides: [../media/slide1.png]  #!
""", "items[0].slides", ["video item does not use `slides`", "only slides items", "remove it"]),
    ("wrong type", HEAD + """\
  - type: slides
    slides: [../media/slide1.png]
    seconds: six  #!
""", "items[0].seconds", ["must be a number", "'six'"]),
    ("out of range", HEAD + """\
  - type: checkin
    calm_threshold: 1.5  #!
""", "items[0].calm_threshold", ["is 1.5", "up to 1"]),
    ("not a list", HEAD + """\
  - type: slides
    slides: ../media/slide1.png  #!
""", "items[0].slides", ["must be a list", "- "]),
    ("missing media file", HEAD + """\
  - type: video
    media: ../media/intro.mp3  #!
""", "items[0].media", ["file not found", "intro.mp3", 'did you mean "intro.mp4"']),
    ("empty media file", HEAD + """\
  - type: video
    media: ../media/empty.mp4  #!
""", "items[0].media", ["is empty (0 bytes)", "copy the file again"]),
    ("missing media folder", HEAD + """\
  - type: audio
    media: ../sounds/story.ogg  #!
""", "items[0].media", ["folder not found", "sounds"]),
    ("missing subtitles", HEAD + """\
  - type: video
    media: ../media/intro.mp4
    subtitles: ../media/lessons.srt  #!
""", "items[0].subtitles", ["file not found", 'did you mean "lesson.srt"']),
    ("slides that are not pictures", HEAD + """\
  - type: slides
    slides:
      - ../media/slides.pdf  #!
""", "items[0].slides[0]", ["is not a picture", "export each page as a PNG"]),
    ("missing slide", HEAD + """\
  - type: slides
    slides:
      - ../media/slide1.png
      - ../media/slide3.png  #!
""", "items[0].slides[1]", ["file not found", "slide3.png"]),
    ("media key missing", HEAD + """\
  - type: audio  #!
    title: A story
""", "items[0].media", ["is missing", "add `media:`"]),
    ("unknown activity", HEAD + """\
  - type: activity
    activity: quizz  #!
""", "items[0].activity", ["no activity with id 'quizz'", 'did you mean "quiz"']),
    ("more team names than teams", HEAD + """\
  - type: activity
    activity: quiz
    teams: 2
    team_names: [Eagles, Lions, Dolphins]  #!
""", "items[0].team_names", ["names 3 teams but the item has 2", "teams: 3"]),
    ("read aloud not yes or no", HEAD + """\
  - type: activity
    activity: quiz
    read_aloud: sometimes  #!
""", "items[0].read_aloud", ["sometimes"]),
    ("read aloud in a language espeak-ng cannot speak", """\
version: 1
title: Water
language: zz
read_aloud: true  #!
items:
  - type: activity
    activity: quiz
""", "read_aloud", ["espeak-ng", "zz", "read_aloud: false"]),
    ("team names without team mode", HEAD + """\
  - type: activity
    activity: quiz
    team_names: [Eagles, Lions]  #!
""", "items[0].team_names", ["names 2 teams but the item has 0", "teams: 2"]),
    ("bad item type", HEAD + """\
  - type: vidoe  #!
    media: ../media/intro.mp4
""", "items[0].type", ["'vidoe' is not valid", 'did you mean "video"', "title, video, slides"]),
    ("item type missing", HEAD + """\
  - title: Hello  #!
""", "items[0].type", ["is missing", "one of: title, video"]),
    ("bad calm_item", HEAD + """\
  - type: checkin
    calm_item: calmm  #!
  - type: break
    id: calm
""", "items[0].calm_item", ["no item with id 'calmm'", 'did you mean "calm"']),
    ("duplicate item ids", HEAD + """\
  - type: title
    id: start
  - type: closing
    id: start  #!
""", "items[1].id", ["'start' is already used by the item on line 5", "its own id"]),
    ("default id taken by an explicit id is no duplicate, but two explicit ones are", HEAD + """\
  - type: break
  - type: break
    id: break-1
  - type: title
    id: break-1  #!
""", "items[2].id", ["'break-1' is already used by the item on line 6"]),
    ("id with spaces", HEAD + """\
  - type: title
    id: my title  #!
""", "items[0].id", ["'my title' is not allowed", "no spaces"]),
    ("missing version", """\
id: lesson  #!
title: Water
items:
  - type: closing
""", "version", ["is missing", "add `version: 1`"]),
    ("unsupported version", """\
version: 2  #!
title: Water
items:
  - type: closing
""", "version", ["is 2", "version 1"]),
    ("no items", """\
version: 1
title: Water
items: []  #!
""", "items", ["at least one item"]),
    ("duplicate key", HEAD + """\
  - type: title
    title: One
    title: Two  #!
""", "items[0].title", ["appears twice", "first on line 6"]),
    ("not utf-8", None, "", ["not UTF-8", "save the file as UTF-8"]),
]


@pytest.mark.parametrize("case, text, key, words", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_at_its_line(project, marked_line, case, text, key, words):
    if text is None:  # a Latin-1 file: the é on line 2 is not UTF-8
        path = project.root / "playlists" / "lesson.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"version: 1\ntitle: Caf\xe9  #!\n")
        line = 2
    else:
        path = project.write("playlists/lesson.yaml", text)
        line = marked_line(text)
    activities = load_activities(project.root / "activities")

    _playlist, problems = read_playlist(path, activities, check_media=True)

    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line, problem.key) == (path, line, key)
    text_shown = str(problem)
    assert text_shown.startswith(f"{display_path(path)}:{line}: " + (f"{key}: " if key else ""))
    assert " — " in text_shown, "every problem says how to fix it"
    for word in words:
        assert word in text_shown


def test_all_problems_are_collected_not_just_the_first(project):
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: vidoe
  - type: video
    media: ../media/missing.mp4
  - type: break
    seconds: -5
  - type: activity
    activity: nope
""")
    _playlist, problems = read_playlist(path, load_activities(project.root / "activities"), check_media=True)
    assert [(p.line, p.key) for p in problems] == [
        (5, "items[0].type"), (7, "items[1].media"), (9, "items[2].seconds"), (11, "items[3].activity"),
    ]


def test_load_playlist_raises_config_error_with_every_problem(project):
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: title
    colour: blue
  - type: break
    seconds: soon
""")
    with pytest.raises(ConfigError) as caught:
        load_playlist(path, {})
    assert [p.line for p in caught.value.problems] == [6, 8]
    assert all(isinstance(p, Problem) for p in caught.value.problems)
    assert "colour: unknown key" in str(caught.value) and "must be a number" in str(caught.value)


def test_media_is_only_checked_when_asked(project):
    """The kiosk loads a lesson with a missing file and shows a notice when it gets there."""
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: video
    media: ../media/not-copied.mp4
""")
    playlist = load_playlist(path, {})
    assert playlist.items[0].media == project.root / "media" / "not-copied.mp4"
    with pytest.raises(ConfigError, match="file not found"):
        load_playlist(path, {}, check_media=True)


def test_a_valid_playlist_becomes_items(project):
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: title
    title: 2024
  - type: video
    media: ../media/intro.mp4
    subtitles: ../media/lesson.srt
  - type: slides
    slides: [../media/slide1.png, ../media/slide2.png]
    seconds: 6
  - type: activity
    activity: quiz
  - type: checkin
    calm_item: break-1
  - type: break
    seconds: 60
  - type: video
    media: ../media/intro.mp4
""")
    playlist = load_playlist(path, load_activities(project.root / "activities"), check_media=True)
    assert [(i.type, i.id, i.line) for i in playlist.items] == [
        ("title", "title-1", 5), ("video", "video-1", 7), ("slides", "slides-1", 10), ("activity", "activity-1", 13),
        ("checkin", "checkin-1", 15), ("break", "break-1", 17), ("video", "video-2", 19),
    ]
    assert playlist.items[0].title == "2024"  # a title that looks like a number stays text
    assert playlist.items[1].subtitles == project.root / "media" / "lesson.srt"
    assert playlist.items[2].slides == (project.root / "media" / "slide1.png", project.root / "media" / "slide2.png")
    assert playlist.items[2].seconds == 6.0
    assert playlist.items[3].activity.id == "quiz"
    assert playlist.items[4].calm_threshold == 0.4
    assert (playlist.id, playlist.language) == ("lesson", "en")


def test_a_bad_item_type_is_reported_once_not_again_by_the_checkin_naming_it(project):
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: checkin
    calm_item: calm
  - type: brake
    id: calm
""")
    _playlist, problems = read_playlist(path, {})
    assert [(p.line, p.key) for p in problems] == [(7, "items[1].type")]


def test_the_teachers_screen_names_the_file_briefly_and_keeps_the_fix():
    from pathlib import Path

    from cinema.config.problems import Problem

    deep = Path("/media/usb/programme/2026/week-12/playlists/water.yaml")
    problem = Problem(deep, 48, "items[10].type", "'brake' is not valid", 'did you mean "break"?')
    assert problem.short() == "playlists/water.yaml:48: items[10].type: 'brake' is not valid — did you mean \"break\"?"
    assert str(deep) in str(problem)  # the terminal (cinema check) keeps the whole path


def test_check_says_when_espeak_ng_is_missing_for_a_lesson_read_aloud(project, monkeypatch):
    path = project.write("playlists/lesson.yaml", HEAD + """\
  - type: activity
    activity: quiz
    read_aloud: true
""")
    activities = load_activities(project.root / "activities")
    monkeypatch.setenv("PATH", str(project.root))  # no espeak-ng anywhere
    _playlist, problems = read_playlist(path, activities, check_media=True)
    assert [(p.line, p.key) for p in problems] == [(5, "items[0].read_aloud")]
    assert "espeak-ng is not installed" in str(problems[0]) and "deploy/setup.sh" in str(problems[0])
    # the kiosk itself (no check_media) loads the lesson all the same: it goes on without the voice
    assert read_playlist(path, activities)[1] == []
