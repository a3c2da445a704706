"""A new user's first lesson: a folder with a PDF, two videos (one with Arabic subtitles) and a question
spreadsheet becomes a lesson with one command; the home screen's library lists it; the kiosk plays it
end to end with a simulated class, and the journal's items are the source's, in its order."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from cinema.config import check_all, read_activities
from cinema.config.playlists import list_lessons
from tests.importers.conftest import (
    QUESTIONS, make_pdf, make_question_xlsx, make_subtitles, make_video, needs_ffmpeg,
)

ROOT = Path(__file__).resolve().parents[2]


def cinema(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cinema", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


@needs_ffmpeg
def test_a_teachers_folder_becomes_a_lesson_that_plays_end_to_end(tmp_path, kiosk):
    src = tmp_path / "Water around us"
    make_pdf(src / "01 Where is water.pdf", pages=2, title="Where is water?")
    make_video(src / "02 Rain.mp4", seconds=2, title="How rain falls")
    make_subtitles(src / "02 Rain.ar.srt", ("المطر يسقط من الغيوم", "الماء في كل مكان"))
    make_video(src / "10 The sea.webm", seconds=2)
    make_question_xlsx(src / "03 Quiz.xlsx", rows=QUESTIONS)

    done = cinema("import", str(src), "--config", str(kiosk.config))
    assert done.returncode == 0, done.stderr
    lesson = kiosk.playlists / "water-around-us.yaml"
    assert f"Lesson written: {lesson}" in done.stdout

    # The home screen's library lists it, with nothing wrong, and `cinema check` passes.
    activities, problems = read_activities(kiosk.activities)
    listed = {path.name: (playlist, found) for path, playlist, found in list_lessons(kiosk.playlists, activities)[0]}
    playlist, found = listed["water-around-us.yaml"]
    assert problems == [] and found == [] and playlist.title == "Water around us"
    assert check_all(kiosk.config) == []
    source_order = [("slides", "Where is water?"), ("video", "How rain falls"), ("activity", "Quiz"),
                    ("video", "The sea")]
    assert [(i.type, i.title) for i in playlist.items[1:-1]] == source_order
    assert playlist.items[2].subtitles is not None and playlist.items[2].subtitles.name.endswith(".ar.srt")

    journal = tmp_path / "journal.sqlite"
    run = cinema("run", "--config", str(kiosk.config), "--playlist", str(lesson), "--journal", str(journal),
                 "--headless", "--simulate-class", "12", "--exit-at-end", "--trace", "--speed", "30")
    assert run.returncode == 0, run.stderr
    assert [json.loads(line)["kind"] for line in run.stdout.splitlines()][-1] == "session.ended"

    rows = [(kind, json.loads(payload)) for kind, payload in
            sqlite3.connect(journal).execute("SELECT kind, payload FROM records ORDER BY seq")]
    started = [(p["type"], p["title"]) for kind, p in rows if kind == "item.started"]
    assert started == [("title", "Water around us"), *source_order, ("closing", "")]
    ended = {p["item"]: p["reason"] for kind, p in rows if kind == "item.ended"}
    assert ended["02-rain"] == ended["10-the-sea"] == "finished"  # both videos played to their end
    assert not [p for kind, p in rows if kind == "item.failed"]
    closed = [p["prompt"] for kind, p in rows if kind == "question.closed"]
    assert closed == [q[0] for q in QUESTIONS]
    answers = [p for kind, p in rows if kind == "answer.recorded"]
    assert answers and {p["activity"] for p in answers} == {"water-around-us--03-quiz"}
    assert rows[-1][0] == "session.ended" and rows[-1][1]["reason"] == "completed"


@needs_ffmpeg
def test_the_imported_lesson_is_chosen_from_the_library_and_played(tmp_path, kit, kiosk):
    """The same, as the teacher does it on the day: the home screen lists the new lesson, the arrow keys
    and Enter start it, the remote goes through it, and the kiosk is home again (the real main loop,
    SDL's dummy driver, a fake clock; the video player stands in for VLC)."""
    import pygame

    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.cli import main
    from cinema.core.clock import FakeClock
    from cinema.core.events import Command, TeacherCommand
    from cinema.core.view import Screen
    from cinema.media.fake_player import FakePlayer

    src = tmp_path / "Water around us"
    kit.put(kit.pdf, src, "1 Where is water.pdf")
    kit.put(kit.mp4, src, "2 Rain.mp4")
    kit.put(kit.srt, src, "2 Rain.ar.srt")
    kit.put(kit.csv, src, "3 Quiz.csv")
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    config = kiosk.config.read_text(encoding="utf-8")
    kiosk.config.write_text(config.replace("  source: auto", "  source: none")
                            .replace("usb_stick: /media/cinema-usb", "usb_stick: null"), encoding="utf-8")

    clock = FakeClock()
    journal = tmp_path / "j.sqlite"
    k = Kiosk(RunOptions(config=kiosk.config, journal=journal, headless=True, library=True), dimmer=FakeDimmer(),
              clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock, auto_finish_after=1.0)
    t = 0.0
    with k.opened() as loop:
        def turn(seconds: float = 0.1) -> None:
            nonlocal t
            t = round(t + seconds, 3)
            clock.advance(seconds)
            loop.step(t)

        def press(key: int) -> None:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode="", mod=0, scancode=0))
            for _ in range(3):
                turn()

        turn()
        assert loop.view.screen is Screen.LIBRARY
        lessons = [row.title for row in loop.view.body.rows if row.kind == "lesson"]
        assert lessons == ["Hello", "Water around us"]
        assert not next(r for r in loop.view.body.rows if r.title == "Water around us").broken
        press(pygame.K_DOWN)
        press(pygame.K_RETURN)
        for _ in range(60):  # the teacher's remote, item after item (a question: close, reveal, next)
            if loop.view.screen is Screen.LIBRARY:
                break
            loop.events.put(TeacherCommand(Command.NEXT))
            for _ in range(15):
                turn()
        assert loop.view.screen is Screen.LIBRARY and loop.exit_code is None
    rows = [(kind, json.loads(payload)) for kind, payload in
            sqlite3.connect(journal).execute("SELECT kind, payload FROM records ORDER BY seq")]
    assert next(p for kind, p in rows if kind == "lesson.chosen")["file"] == "water-around-us.yaml"
    assert [p["item"] for kind, p in rows if kind == "item.started"] == [
        "welcome", "1-where-is-water", "2-rain", "3-quiz", "goodbye"]
    plays = [call for call in k.player.calls if call[0] == "play"]
    assert plays and plays[0][2].endswith("water-around-us/2-rain.mp4") and plays[0][4].endswith("2-rain.ar.srt")
    assert [p["reason"] for kind, p in rows if kind == "session.ended"] == ["completed"]
