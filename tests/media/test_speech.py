"""Read aloud: questions and options spoken by espeak-ng in the lesson's language, made ahead of
time into cached sound files; a clear message when espeak-ng or its voice is missing."""

from __future__ import annotations

import array
import shutil
import subprocess
import wave

import pytest

from cinema.config.models import Activity, Item, Option, Playlist, Question
from cinema.media.speech import prepare, question_text

QUIZ = Activity("rain", "multiple_choice", "Quiz", (
    Question("Where does rain come from?", (Option("A", "From the clouds"), Option("B", "From the trees")),
             correct="A"),
    Question("Is water wet?", (Option("A", "Yes"), Option("B", "No")), correct="A"),
))
QUIZ_AR = Activity("rain-ar", "multiple_choice", "اختبار", (
    Question("من أين يأتي المطر؟", (Option("A", "من الغيوم"), Option("B", "من الأشجار")), correct="A"),))

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def lesson(read_aloud: bool = True, item_says: bool | None = None, language: str = "en", activity=QUIZ):
    return Playlist("p", "P", language, (Item("activity", "quiz", activity=activity, read_aloud=item_says),),
                    read_aloud=read_aloud)


def test_the_words_spoken_are_the_question_then_each_option_with_its_key():
    assert question_text(QUIZ.questions[0]) == "Where does rain come from?. A. From the clouds. B. From the trees."


@needs_espeak
@pytest.mark.parametrize("language, activity", [("en", QUIZ), ("ar", QUIZ_AR)])
def test_each_question_becomes_a_sound_file_once(tmp_path, language, activity):
    made = prepare(lesson(language=language, activity=activity), tmp_path / "speech")
    assert made.problems == [] and made.made == len(activity.questions)
    assert sorted(made.sounds) == [f"speech:{activity.id}:{n}" for n in range(len(activity.questions))]
    for path in made.sounds.values():
        with wave.open(str(path)) as w:  # a real sound, a second or more long
            rate, frames = w.getframerate(), array.array("h", w.readframes(w.getnframes()))
        assert len(frames) / rate > 1.0
        # it starts with a short silence (the question's chime), then the words are loud enough to hear
        assert max(abs(v) for v in frames[:int(rate * 0.4)]) == 0
        assert max(abs(v) for v in frames[int(rate * 0.5):]) > 5000
    calls = []

    def run(*args, **kw):
        calls.append(args[0])
        return subprocess.run(*args, **kw)

    again = prepare(lesson(language=language, activity=activity), tmp_path / "speech", run=run)
    assert again.made == 0 and again.sounds == made.sounds  # from the cache: espeak-ng only lists its voices
    assert all("-w" not in c for c in calls)


def test_nothing_is_made_when_the_lesson_is_not_read_aloud(tmp_path):
    def run(*args, **kw):
        raise AssertionError("espeak-ng must not run")

    assert prepare(lesson(read_aloud=False), tmp_path, run=run).sounds == {}
    assert prepare(lesson(read_aloud=True, item_says=False), tmp_path, run=run).sounds == {}  # the item wins


@needs_espeak
def test_an_item_can_ask_for_it_in_a_playlist_that_does_not(tmp_path):
    assert len(prepare(lesson(read_aloud=False, item_says=True), tmp_path).sounds) == 2


def test_a_missing_espeak_is_said_plainly_and_the_lesson_goes_on(tmp_path):
    made = prepare(lesson(), tmp_path, espeak="no-such-espeak-ng")
    assert made.sounds == {} and len(made.problems) == 1
    assert "espeak-ng is not installed" in made.problems[0] and "deploy/setup.sh" in made.problems[0]


@needs_espeak
def test_a_language_espeak_cannot_speak_is_said_plainly(tmp_path):
    made = prepare(lesson(language="zz"), tmp_path)
    assert made.sounds == {} and len(made.problems) == 1
    assert "no voice for the language zz" in made.problems[0] and "read_aloud: false" in made.problems[0]


@needs_espeak
def test_a_failing_espeak_run_loses_only_that_question(tmp_path):
    def run(args, **kw):
        if "-w" in args and "wet" in args[-1]:
            return subprocess.CompletedProcess(args, 1, "", "voice broken")
        return subprocess.run(args, **kw)

    made = prepare(lesson(), tmp_path, run=run)
    assert sorted(made.sounds) == ["speech:rain:0"]
    assert len(made.problems) == 1 and "question 2 of rain" in made.problems[0]
    assert not list(tmp_path.glob("*.part"))
