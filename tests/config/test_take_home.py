"""Lesson files that go home on phones: `take_home: true` on a video, audio or slides item, and a playlist's
own `take_home:` list. Only ordinary files of a kind a phone opens, inside the lesson's folders, are ever
offered; `cinema check` says at its line why one is not."""

from __future__ import annotations

import os

import pytest

from cinema.config import ConfigError, load_activities, load_playlist, read_playlist
from cinema.config.playlists import MAX_TAKE_HOME_BYTES, MAX_TAKE_HOME_FILES

HEAD = """\
version: 1
id: lesson
title: Water
"""
ITEMS = """\
items:
  - type: video
    id: film
    media: ../media/intro.mp4
    take_home: true
  - type: audio
    id: song
    media: ../media/story.ogg
  - type: slides
    id: pictures
    slides: [../media/slide1.png, ../media/slide2.png]
    take_home: true
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def lesson(project):
    (project.root / "media" / "worksheet.pdf").write_bytes(PDF)
    activities = load_activities(project.root / "activities")

    def read(text: str, check_media: bool = False):
        path = project.write("playlists/lesson.yaml", text)
        return read_playlist(path, activities, check_media=check_media)

    return read


def test_items_marked_take_home_and_the_worksheet_are_offered(lesson, project):
    playlist, problems = lesson(HEAD + "take_home:\n  - ../media/worksheet.pdf\n" + ITEMS, check_media=True)
    assert problems == []
    assert {item.id: item.take_home for item in playlist.items} == {"film": True, "song": False, "pictures": True}
    assert playlist.take_home == (project.root / "media" / "worksheet.pdf",)


def test_a_lesson_without_take_home_offers_nothing(lesson):
    playlist, problems = lesson(HEAD + "items:\n  - type: video\n    media: ../media/intro.mp4\n")
    assert problems == []
    assert playlist.take_home == () and not playlist.items[0].take_home


def test_take_home_on_a_title_item_is_a_mistake_at_its_line(lesson, marked_line):
    text = HEAD + "items:\n  - type: title\n    title: Hello\n    take_home: true  #!\n"
    _playlist, problems = lesson(text)
    assert [(p.line, p.key) for p in problems] == [(marked_line(text), "items[0].take_home")]
    assert "only video, slides, audio items" in problems[0].message


def test_take_home_must_be_true_or_false(lesson, marked_line):
    text = HEAD + "items:\n  - type: video\n    media: ../media/intro.mp4\n    take_home: yes please  #!\n"
    _playlist, problems = lesson(text)
    assert [(p.line, p.key) for p in problems] == [(marked_line(text), "items[0].take_home")]
    assert "true or false" in str(problems[0])


def test_the_list_must_be_a_list(lesson, marked_line):
    text = HEAD + "take_home: ../media/worksheet.pdf  #!\n" + ITEMS
    _playlist, problems = lesson(text)
    assert [(p.line, p.key) for p in problems] == [(marked_line(text), "take_home")]
    assert "must be a list" in str(problems[0])


def _secret_outside(project):
    outside = project.root.parent / f"{project.root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "notes.pdf").write_bytes(PDF)
    return outside / "notes.pdf"


# (case, how to make the file (given the project), the entry in the list, words of the problem)
REFUSED = [
    ("missing", lambda p: None, "../media/worksheet2.pdf", ["file not found", "worksheet2.pdf"]),
    ("the card keys", lambda p: (p.root / "var").mkdir() or (p.root / "var" / "card-keys.json").write_text("{}"),
     "../var/card-keys.json", ["not a file phones can take home"]),
    ("the journal", lambda p: (p.root / "var").mkdir() or (p.root / "var" / "journal.sqlite").write_bytes(b"x"),
     "../var/journal.sqlite", ["not a file phones can take home"]),
    ("outside the folders", _secret_outside, "../../{outside}/notes.pdf", ["outside the lesson's folders"]),
    ("a link leading outside", lambda p: os.symlink(_secret_outside(p), p.root / "media" / "link.pdf"),
     "../media/link.pdf", ["outside the lesson's folders"]),
    ("empty", lambda p: (p.root / "media" / "blank.pdf").write_bytes(b""), "../media/blank.pdf", ["empty"]),
    ("a folder", lambda p: (p.root / "media" / "sheets.pdf").mkdir(), "../media/sheets.pdf", ["a folder"]),
    ("a pipe", lambda p: os.mkfifo(p.root / "media" / "pipe.pdf"), "../media/pipe.pdf", ["a pipe or a device"]),
    ("too big", lambda p: os.truncate(_touch(p.root / "media" / "huge.mp4"), MAX_TAKE_HOME_BYTES + 1),
     "../media/huge.mp4", ["too big to take home", "at most 2048 MB"]),
]


def _touch(path):
    path.write_bytes(b"\0")
    return path


@pytest.mark.parametrize("case, make, entry, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_a_file_that_must_not_go_home_is_never_offered_and_check_says_why(lesson, project, marked_line,
                                                                          case, make, entry, words):
    make(project)
    entry = entry.format(outside=f"{project.root.name}-outside")
    text = HEAD + f"take_home:\n  - ../media/worksheet.pdf\n  - {entry}  #!\n" + ITEMS

    playlist, problems = lesson(text)  # the kiosk loading it: the lesson plays, the file is simply not offered
    assert problems == []
    assert [p.name for p in playlist.take_home] == ["worksheet.pdf"]

    _playlist, problems = lesson(text, check_media=True)  # `cinema check`
    assert [(p.line, p.key) for p in problems] == [(marked_line(text), "take_home[1]")]
    for word in words:
        assert word in problems[0].message
    assert problems[0].fix


def test_an_item_whose_file_cannot_go_home_is_not_offered(lesson, project, marked_line):
    os.truncate(_touch(project.root / "media" / "huge.mp4"), MAX_TAKE_HOME_BYTES + 1)
    text = HEAD + "items:\n  - type: video\n    media: ../media/huge.mp4\n    take_home: true  #!\n"
    playlist, problems = lesson(text)
    assert problems == [] and not playlist.items[0].take_home
    _playlist, problems = lesson(text, check_media=True)
    assert [(p.line, p.key) for p in problems if "take home" in p.message] == [(marked_line(text), "items[0].take_home")]


def test_an_item_outside_the_folders_is_not_offered_and_said_once(lesson, project):
    secret = _secret_outside(project).with_name("film.mp4")
    secret.write_bytes(b"\0" * 64)
    text = HEAD + f"items:\n  - type: video\n    media: {secret}\n    take_home: true\n"
    playlist, _problems = lesson(text)
    assert playlist.items[0].unplayable and not playlist.items[0].take_home
    _playlist, problems = lesson(text, check_media=True)
    assert len([p for p in problems if "outside" in p.message]) == 1  # the media check's, not a second one


def test_too_many_take_home_files_is_a_mistake(lesson, project, marked_line):
    sheets = [f"sheet{i}.pdf" for i in range(MAX_TAKE_HOME_FILES)]
    for name in sheets:
        (project.root / "media" / name).write_bytes(PDF)
    # 20 in the list and 2 slides and 1 video marked in the items: 23.
    text = HEAD + "take_home:  #!\n" + "".join(f"  - ../media/{name}\n" for name in sheets) + ITEMS
    _playlist, problems = lesson(text)
    assert [(p.line, p.key) for p in problems] == [(marked_line(text), "take_home")]
    assert "23 take-home files" in problems[0].message and f"at most {MAX_TAKE_HOME_FILES}" in problems[0].message


def test_a_file_named_twice_is_offered_once(lesson):
    playlist, problems = lesson(HEAD + "take_home:\n  - ../media/worksheet.pdf\n  - ../media/./worksheet.pdf\n"
                                + ITEMS)
    assert problems == [] and len(playlist.take_home) == 1


def test_load_playlist_refuses_a_wrong_take_home(project):
    path = project.write("playlists/lesson.yaml", HEAD + "take_home: [{file: a.pdf}]\nitems: [{type: closing}]\n")
    with pytest.raises(ConfigError):
        load_playlist(path, load_activities(project.root / "activities"))
