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
