"""Short sounds made at start-up (no files): a happy chirp for a card, a low buzz for a refused one."""

from __future__ import annotations

import logging
import math
from array import array

log = logging.getLogger("cinema.sounds")

RATE = 22050
# name -> [(frequency Hz, seconds)], 0 Hz is a pause
TUNES = {
    "scan_ok": [(660, 0.07), (880, 0.10)],
    "scan_refused": [(220, 0.12), (0, 0.04), (196, 0.16)],
    "timer_done": [(523, 0.12), (0, 0.08), (659, 0.12), (0, 0.08), (784, 0.2)],
    "answer": [(990, 0.03)],
    # quizzes: a rising call when a question opens, a falling one when answers close, a short
    # tick in a timed question's last five seconds, a chord when everyone present has answered,
    # and a fanfare when the right answer is revealed
    "question_open": [(523, 0.09), (659, 0.09), (784, 0.14)],
    "question_close": [(784, 0.09), (659, 0.09), (523, 0.16)],
    "countdown": [(1175, 0.05)],
    "everyone": [(659, 0.08), (0, 0.03), (880, 0.08), (0, 0.03), (1047, 0.16)],
    "reveal": [(523, 0.08), (659, 0.08), (784, 0.08), (1047, 0.22)],
}


def tone_samples(notes: list[tuple[float, float]], volume: float = 0.35) -> array:
    """16-bit mono samples with short fades, so the notes do not click."""
    out = array("h")
    for freq, seconds in notes:
        n = int(RATE * seconds)
        fade = max(1, min(n // 4, int(RATE * 0.01)))
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)
            value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            out.append(int(32767 * volume * env * value))
    return out


class Sounds:
    """Plays the kiosk's sounds; silent (one log line) where there is no audio device."""

    def __init__(self) -> None:
        self._sounds: dict[str, object] = {}
        try:
            import pygame

            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=RATE, size=-16, channels=1)
            for name, notes in TUNES.items():
                self._sounds[name] = pygame.mixer.Sound(buffer=tone_samples(notes).tobytes())
        except Exception as exc:  # no sound card, busy device: the lesson goes on without sounds
            log.warning("sounds are off: %s", exc)
            self._sounds = {}

    def add(self, name: str, path) -> bool:
        """A sound from a file (a question read aloud); False where there is no audio or it cannot be read."""
        if not self._sounds:
            return False
        try:
            import pygame

            self._sounds[name] = pygame.mixer.Sound(file=str(path))
        except Exception as exc:  # a damaged file: that question is not spoken, the lesson goes on
            log.warning("sound %s not loaded from %s: %s", name, path, exc)
            return False
        return True

    def play(self, name: str) -> None:
        sound = self._sounds.get(name)
        if sound is not None:
            sound.play()

    def has(self, name: str) -> bool:
        return name in self._sounds

    @property
    def enabled(self) -> bool:
        return bool(self._sounds)
