"""What `cinema import` writes on a video or sound item: its measured `duration` and a `low_power` copy."""

from __future__ import annotations

from cinema.config import load_activities, read_playlist
from tests.config.media_samples import write_sample


def read(project, items: str, **kw):
    path = project.write("playlists/lesson.yaml", f"version: 1\nid: lesson\ntitle: Water\nitems:\n{items}")
    return read_playlist(path, load_activities(project.root / "activities"), **kw)


def test_duration_and_the_lighter_copy_are_read(project):
    for name in ("intro.mp4", "intro.low.mp4", "song.mp3"):
        write_sample(project.root / "media" / name)
    playlist, problems = read(project, """\
  - type: video
    media: ../media/intro.mp4
    duration: 312.5
    low_power: ../media/intro.low.mp4
  - type: audio
    media: ../media/song.mp3
    duration: 60
""", check_media=True)
    assert problems == []
    video, audio = playlist.items
    assert (video.duration, video.low_power.name) == (312.5, "intro.low.mp4")
    assert (audio.duration, audio.low_power) == (60.0, None)


def test_a_missing_lighter_copy_is_named_by_check_and_the_video_itself_plays(project):
    write_sample(project.root / "media" / "intro.mp4")
    items = "  - type: video\n    media: ../media/intro.mp4\n    low_power: ../media/intro.low.mp4\n"
    _playlist, problems = read(project, items, check_media=True)
    assert [(p.line, p.key) for p in problems] == [(7, "items[0].low_power")]
    playlist, _problems = read(project, items)  # as the kiosk loads it
    assert playlist.items[0].low_power is None and playlist.items[0].media.name == "intro.mp4"


def test_wrong_values_are_reported_at_their_line(project):
    write_sample(project.root / "media" / "song.mp3")
    _playlist, problems = read(project, """\
  - type: audio
    media: ../media/song.mp3
    duration: -4
    low_power: ../media/song.mp3
""")
    assert {p.key for p in problems} == {"items[0].duration", "items[0].low_power"}
    assert {p.line for p in problems} == {7, 8}
