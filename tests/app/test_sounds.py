"""The kiosk's sounds: made in memory, audible length, no clicks at the ends."""

from cinema.app.sounds import RATE, TUNES, Sounds, tone_samples


def test_tunes_have_the_right_length_and_fade_in_and_out():
    for name, notes in TUNES.items():
        samples = tone_samples(notes)
        assert len(samples) == sum(int(RATE * s) for _, s in notes), name
        assert abs(samples[0]) < 500 and abs(samples[-1]) < 500, name  # fades: no click
        assert max(abs(v) for v in samples) > 5000, name  # loud enough to hear


def test_sounds_play_on_the_dummy_audio_driver(monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    sounds = Sounds()
    assert sounds.enabled
    sounds.play("scan_ok")
    sounds.play("no-such-sound")  # unknown names are ignored


def test_every_sound_a_quiz_asks_for_is_a_tune():
    """The quiz's cues (opened, closed, the last seconds, everyone answered, the reveal) are heard:
    a name without a tune would be silently ignored by Sounds.play."""
    from cinema.config.models import Activity, Item, Option, Playlist, Question
    from cinema.core.clock import FakeClock
    from cinema.core.events import ClickerPressed, Command, PlaySound, TeacherCommand, Tick
    from cinema.core.session import Options, SessionEngine

    quiz = Activity("q", "multiple_choice", "Quiz", (
        Question("1+1?", (Option("A", "1"), Option("B", "2")), correct="B"),
        Question("2+2?", (Option("A", "4"), Option("B", "5")), correct="A")), seconds=8)
    clock = FakeClock()
    eng = SessionEngine(Playlist("p", "P", "en", (Item("activity", "quiz", activity=quiz),)), clock,
                        Options(expected_handsets=1))
    effects = list(eng.start())
    effects += eng.handle(ClickerPressed("h1", "B"))
    for _ in range(20):
        clock.advance(0.5)
        effects += eng.handle(Tick())
    effects += eng.handle(TeacherCommand(Command.NEXT))  # reveal
    effects += eng.handle(TeacherCommand(Command.NEXT))  # the next question opens
    asked = {e.name for e in effects if isinstance(e, PlaySound)}
    assert asked >= {"question_open", "question_close", "countdown", "everyone", "reveal"}
    assert asked <= set(TUNES)
