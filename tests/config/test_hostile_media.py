"""Media files are not trusted: `cinema check` refuses a path outside the project folder, a pipe,
a text file named .mp4, a picture cut short or too big to show, each at its line; the kiosk's own
loader marks a slides item whose picture must not be opened, so it fails instead of hanging."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cinema.config import check_all, load_activities, load_playlist
from tests.budget import budget
from tests.config.media_samples import png

HEAD = "version: 1\nid: lesson\ntitle: Water\nitems:\n"


def _slide(name: str) -> str:
    return HEAD + f"  - type: title\n  - type: slides\n    slides:\n      - ../media/slide1.png\n      - {name}  #!\n"


def _video(name: str) -> str:
    return HEAD + f"  - type: title\n  - type: video\n    media: {name}  #!\n"


def _setup_shadow(media: Path) -> None:
    os.symlink("/etc/passwd", media / "passwd.png")  # inside the folder by name, outside by target


def _setup_text(media: Path) -> None:
    (media / "notes.mp4").write_text("These are my lesson notes, not a film.\n" * 10)


def _setup_cut(media: Path) -> None:
    (media / "cut.png").write_bytes(png(640, 480)[:120])


def _setup_huge(media: Path) -> None:
    (media / "huge.png").write_bytes(png(20000, 20000, pixels=False))


def _setup_wide(media: Path) -> None:
    (media / "wide.png").write_bytes(png(8000, 6000, pixels=False))  # 48 megapixels


def _setup_pipe(media: Path) -> None:
    os.mkfifo(media / "pipe.png")


def _setup_pipe_video(media: Path) -> None:
    os.mkfifo(media / "pipe.mp4")


def _nothing(media: Path) -> None:
    pass


# (case, playlist text with the line marked #!, how to make the file, words of the problem)
CASES = [
    ("../ out of the project", _video("../../../../../../../../etc/passwd"), _nothing,
     ["is outside the lesson's folders", "media_dirs"]),
    ("/proc/self/environ", _video("/proc/self/environ"), _nothing, ["is outside the lesson's folders"]),
    ("symlink to /etc/passwd", _slide("../media/passwd.png"), _setup_shadow, ["is outside the lesson's folders"]),
    ("text file as a video", _video("../media/notes.mp4"), _setup_text, ["notes.mp4 is text, not a video"]),
    ("truncated PNG", _slide("../media/cut.png"), _setup_cut, ["cut.png is damaged or cut short", "copy the file"]),
    ("20000x20000 PNG", _slide("../media/huge.png"), _setup_huge, ["huge.png is too big to show", "40 megapixels"]),
    ("8000x6000 PNG", _slide("../media/wide.png"), _setup_wide, ["wide.png is too big to show (8000x6000)"]),
    ("FIFO as a slide", _slide("../media/pipe.png"), _setup_pipe, ["pipe.png is a pipe or a device, not a file"]),
    ("FIFO as a video", _video("../media/pipe.mp4"), _setup_pipe_video, ["pipe.mp4 is a pipe or a device"]),
]


@pytest.mark.parametrize("case, text, setup, words", CASES, ids=[c[0] for c in CASES])
def test_check_refuses_the_file_at_its_line(project, marked_line, case, text, setup, words):
    setup(project.root / "media")
    path = project.write("playlists/lesson.yaml", text)
    with budget(seconds=5, megabytes=64):
        problems = check_all(project.root / "kiosk_config" / "default.yaml")
    assert [p.line for p in problems] == [marked_line(text)], problems
    shown = str(problems[0])
    assert shown.startswith(f"{path}:{marked_line(text)}: ") or f"lesson.yaml:{marked_line(text)}: " in shown
    for word in words:
        assert word in shown


def test_real_media_inside_the_project_pass(project):
    (project.root / "media" / "film.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 100)
    (project.root / "media" / "song.mp3").write_bytes(b"\xff\xfb\x90\x00" + b"\0" * 100)
    project.write("playlists/lesson.yaml", HEAD + "  - type: video\n    media: ../media/film.mp4\n"
                  "  - type: audio\n    media: ../media/song.mp3\n"
                  "  - type: slides\n    slides: [../media/slide1.png, ../media/slide2.png]\n")
    assert check_all(project.root / "kiosk_config" / "default.yaml") == []


def test_media_dirs_in_the_kiosk_config_allow_another_folder(project, tmp_path_factory):
    stick = tmp_path_factory.mktemp("usb-stick")
    (stick / "map.png").write_bytes(png())
    project.write("playlists/lesson.yaml", HEAD + f"  - type: slides\n    slides: [{stick / 'map.png'}]\n")
    config = project.root / "kiosk_config" / "default.yaml"
    assert "is outside the lesson's folders" in str(check_all(config))
    config.write_text(config.read_text() + f"media_dirs:\n  - {stick}\n")
    assert check_all(config) == []


@pytest.mark.parametrize("setup, slide, reason", [
    (_setup_pipe, "pipe.png", "slide 2: not a file: pipe.png"),
    (_setup_huge, "huge.png", "slide 2: picture too big to show: huge.png"),
    (_nothing, "gone.png", "slide 2: file not found: gone.png"),
    (_setup_cut, "cut.png", "slide 2: picture damaged or cut short: cut.png"),
    (_setup_shadow, "passwd.png", "slide 2: outside the lesson's folders: passwd.png"),
], ids=["fifo", "huge", "missing", "cut short", "outside"])
def test_the_kiosk_loader_marks_a_slides_item_that_cannot_be_shown(project, setup, slide, reason):
    setup(project.root / "media")
    path = project.write("playlists/lesson.yaml", _slide(f"../media/{slide}").replace("  #!", "")
                         + "  - type: slides\n    slides: [../media/slide1.png]\n")
    activities = load_activities(project.root / "activities")
    with budget(seconds=2, megabytes=16):
        playlist = load_playlist(path, activities)  # what `cinema run` does: no ConfigError for media
    assert [item.unplayable for item in playlist.items] == ["", reason, ""]


@pytest.mark.parametrize("media, setup, reason", [
    ("../media/pipe.mp4", _setup_pipe_video, "not a file: pipe.mp4"),
    ("/proc/self/environ", _nothing, "outside the lesson's folders: environ"),
    ("../media/intro.mp4", _nothing, ""),
    ("../media/not-copied-yet.mp4", _nothing, ""),  # missing: the player says so, as before
], ids=["fifo", "outside", "fine", "missing"])
def test_the_kiosk_loader_marks_a_video_it_must_not_open(project, media, setup, reason):
    setup(project.root / "media")
    path = project.write("playlists/lesson.yaml", _video(media).replace("  #!", ""))
    playlist = load_playlist(path, load_activities(project.root / "activities"))
    assert [item.unplayable for item in playlist.items] == ["", reason]
