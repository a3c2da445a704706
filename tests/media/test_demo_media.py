"""The demo lesson's media is made here, kept when valid, and remade when broken."""

import shutil

import pygame
import pytest

from cinema.media import demo_media
from cinema.media.demo_media import FILES, ensure_demo_media, is_valid, probe_duration

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None,
    reason="needs ffmpeg and espeak-ng (apt install ffmpeg espeak-ng)",
)

QUICK = ("slide1.png", "lesson.srt", "uk/story.ogg")


def test_quick_files_are_made_with_the_expected_shape(tmp_path):
    paths = ensure_demo_media(tmp_path, only=QUICK)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in paths) == sorted(QUICK)
    assert pygame.image.load(str(tmp_path / "slide1.png")).get_size() == (1280, 720)
    srt = (tmp_path / "lesson.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,600 --> ") and "Clouds bring the rain." in srt
    assert 4.0 < probe_duration(tmp_path / "uk" / "story.ogg") < 12.0
    assert not list(tmp_path.rglob(".*partial*"))  # no half-written file left behind


def test_second_run_keeps_valid_files_and_remakes_broken_ones(tmp_path):
    ensure_demo_media(tmp_path, only=QUICK)
    slide = tmp_path / "slide1.png"
    story = tmp_path / "uk" / "story.ogg"
    kept_at = slide.stat().st_mtime_ns
    story.write_bytes(b"OggS not really")
    ensure_demo_media(tmp_path, only=QUICK)
    assert slide.stat().st_mtime_ns == kept_at
    assert is_valid(story)


def test_file_list_is_what_the_demo_playlist_names():
    assert set(FILES) >= {"intro.mp4", "lesson.mp4", "lesson.srt", "slide1.png", "slide2.png",
                          "slide3.png", "story.ogg", "ar/intro.mp4", "ar/story.ogg",
                          "uk/intro.mp4", "uk/story.ogg"}


def test_missing_tool_is_one_readable_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo_media.shutil, "which", lambda tool: None)
    assert demo_media.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "apt install" in err


def test_an_installed_kiosk_without_ffmpeg_keeps_its_demo_media(tmp_path, monkeypatch):
    """The offline bundle carries the demo's files; the laptop has no ffmpeg: the demo plays, no tool asked for."""
    ensure_demo_media(tmp_path, only=QUICK)
    monkeypatch.setattr(demo_media.shutil, "which", lambda tool: None)
    assert ensure_demo_media(tmp_path, only=QUICK) == [tmp_path / name for name in FILES if name in QUICK]
    (tmp_path / "uk" / "story.ogg").write_bytes(b"OggS cut short")  # a damaged file needs the tools again
    with pytest.raises(demo_media.DemoMediaError, match=r"ffmpeg is not installed, and the demo's uk/story.ogg"):
        ensure_demo_media(tmp_path, only=QUICK)
