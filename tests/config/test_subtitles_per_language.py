"""A video's subtitles per language: a file per language under `subtitles:`, or `lesson.ar.srt` found
beside `lesson.mp4`; the lesson's language picks one; each wrong entry is reported at its line."""

from __future__ import annotations

from cinema.config import load_activities, load_playlist, read_playlist
from tests.config.media_samples import write_sample


def lesson(language: str, video: str) -> str:
    return f"version: 1\nid: lesson\ntitle: Water\nlanguage: {language}\nitems:\n{video}"


def load(project, text: str, **kw):
    path = project.write("playlists/lesson.yaml", text)
    return load_playlist(path, load_activities(project.root / "activities"), **kw)


PER_LANGUAGE = """\
  - type: video
    media: ../media/intro.mp4
    subtitles:
      en: ../media/intro.en.srt
      ar: ../media/intro.ar.srt
"""


def test_the_lessons_language_picks_its_own_subtitle_file(project):
    for code in ("en", "ar"):
        write_sample(project.root / "media" / f"intro.{code}.srt")
    for language, expected in (("ar", "intro.ar.srt"), ("en", "intro.en.srt"), ("uk", None)):
        video = load(project, lesson(language, PER_LANGUAGE), check_media=True).items[0]
        assert (video.subtitles.name if video.subtitles else None) == expected


def test_a_regional_lesson_takes_the_base_languages_file(project):
    write_sample(project.root / "media" / "intro.ar.srt")
    assert load(project, lesson("ar-EG", PER_LANGUAGE)).items[0].subtitles.name == "intro.ar.srt"


def test_a_file_named_after_the_video_and_language_is_found_beside_it(project):
    write_sample(project.root / "media" / "intro.uk.srt")
    write_sample(project.root / "media" / "intro.en.srt")
    video = "  - type: video\n    media: ../media/intro.mp4\n"
    assert load(project, lesson("uk", video)).items[0].subtitles.name == "intro.uk.srt"
    assert load(project, lesson("fr", video)).items[0].subtitles is None
    # a file given by name wins over one found
    named = video + "    subtitles: ../media/lesson.srt\n"
    assert load(project, lesson("uk", named)).items[0].subtitles.name == "lesson.srt"


def test_each_missing_file_and_bad_language_is_reported_at_its_line(project):
    write_sample(project.root / "media" / "intro.en.srt")
    text = lesson("en", """\
  - type: video
    media: ../media/intro.mp4
    subtitles:
      en: ../media/intro.en.srt
      ar: ../media/intro.ar.srt
      Arabic please: ../media/intro.en.srt
""")
    path = project.write("playlists/lesson.yaml", text)
    _playlist, problems = read_playlist(path, load_activities(project.root / "activities"), check_media=True)
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {"items[0].subtitles.ar", "items[0].subtitles.Arabic please"}
    assert by_key["items[0].subtitles.ar"].line == 10 and "intro.ar.srt" in by_key["items[0].subtitles.ar"].message
    assert by_key["items[0].subtitles.Arabic please"].line == 11
    assert "language code" in str(by_key["items[0].subtitles.Arabic please"].fix) + by_key[
        "items[0].subtitles.Arabic please"].message


def test_a_found_subtitle_file_outside_the_lessons_folders_is_not_used(project, tmp_path_factory):
    import os

    outside = tmp_path_factory.mktemp("elsewhere") / "secret.srt"
    write_sample(outside)
    os.symlink(outside, project.root / "media" / "intro.en.srt")
    video = "  - type: video\n    media: ../media/intro.mp4\n"
    assert load(project, lesson("en", video)).items[0].subtitles is None
