"""The config, lessons and activities in the repository pass `cinema check` once media exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cinema.config import check_all, format_problems, load_activities, load_kiosk_config, load_playlist
from cinema.media.demo_media import FILES
from tests.config.media_samples import write_sample

REPO = Path(__file__).resolve().parents[2]
# What `python -m cinema.media.demo_media demo_media` makes.
DEMO_MEDIA = FILES


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped content with stand-in demo media (the real media are generated)."""
    for folder in ("kiosk_config", "playlists", "activities"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    for name in DEMO_MEDIA:
        write_sample(tmp_path / "demo_media" / name)
    return tmp_path


def test_shipped_content_has_no_problems(shipped):
    problems = check_all(shipped / "kiosk_config" / "default.yaml")
    assert problems == [], format_problems(problems)


def test_without_demo_media_check_says_how_to_make_them(shipped):
    shutil.rmtree(shipped / "demo_media")
    problems = check_all(shipped / "kiosk_config" / "default.yaml", shipped / "playlists" / "demo.yaml")
    assert len(problems) == 1  # one line for the missing folder, not one per file in it
    assert "python -m cinema.media.demo_media demo_media" in str(problems[0])


def test_demo_lesson_in_three_languages(shipped):
    config = load_kiosk_config(shipped / "kiosk_config" / "default.yaml")
    assert (config.kiosk_id, config.teacher_pin, config.language) == ("demo-kiosk", "1234", "en")
    activities = load_activities(config.activities_dir, check_media=True)
    lessons = {name: load_playlist(config.playlists_dir / f"{name}.yaml", activities, check_media=True)
               for name in ("demo", "demo_ar", "demo_uk")}

    assert [i.type for i in lessons["demo"].items] == [
        "title", "attendance", "pairing", "video", "slides", "activity", "checkin", "audio", "video", "break", "closing"]
    # Same item ids in every language, so reports line the lessons up.
    assert len({tuple(i.id for i in p.items) for p in lessons.values()}) == 1
    assert [p.language for p in lessons.values()] == ["en", "ar", "uk"]
    for lesson in lessons.values():
        checkin = lesson.items[lesson.index_of("feelings")]
        calm = lesson.items[lesson.index_of(checkin.calm_item)]
        assert (calm.type, calm.seconds) == ("break", 60.0)
        quiz = lesson.items[lesson.index_of("quiz")].activity
        assert quiz.kind == "multiple_choice" and 2 <= len(quiz.questions) <= 3
        assert all(q.correct in {o.key for o in q.options} for q in quiz.questions)
    assert "السؤال 3 من 10 — درس Python" in [i.title for i in lessons["demo_ar"].items]
    assert lessons["demo"].items[lessons["demo"].index_of("lesson")].subtitles == shipped / "demo_media" / "lesson.srt"
    assert lessons["demo_uk"].items[lessons["demo_uk"].index_of("intro")].media == shipped / "demo_media" / "uk" / "intro.mp4"
    assert activities["water-use-poll"].kind == "poll"
