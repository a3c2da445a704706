"""Read aloud: each question and its options spoken in the lesson's language by espeak-ng, made
into sound files ahead of time (at the lesson's start, off the main loop) and kept in a cache, so
a battery laptop never runs a speech synthesiser while the class waits."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cinema.core.content import Playlist, Question
from cinema.core.items.activity import reads_aloud, speech_sound
from cinema.locale.runtime import gettext as _

log = logging.getLogger("cinema.speech")

ESPEAK = "espeak-ng"
WORDS_PER_MINUTE = 140  # a little slower than espeak's default: children listen
MAX_TEXT = 1500  # characters spoken for one question (a hostile activity file cannot make hours of audio)
TIMEOUT = 30.0  # seconds for one file
LEAD_IN_MS = 450  # silence before the words: the question's opening chime lasts about 0.3 s


def question_text(question: Question) -> str:
    """What is spoken: the question, then each option with its key ("A. From the clouds.")."""
    parts = [question.prompt.strip()]
    parts += [f"{o.key}. {o.text.strip()}" for o in question.options]
    return ". ".join(p.rstrip(".") for p in parts if p)[:MAX_TEXT] + "."


@dataclass
class Prepared:
    sounds: dict[str, Path] = field(default_factory=dict)  # sound name -> its file
    problems: list[str] = field(default_factory=list)  # for the teacher, translated
    made: int = 0  # files made now (the others came from the cache)


Runner = Callable[..., subprocess.CompletedProcess]


def has_voice(language: str, espeak: str = ESPEAK, run: Runner = subprocess.run) -> bool:
    """Whether espeak-ng has a voice for `language` (`espeak-ng --voices=ar` lists them)."""
    try:
        listed = run([espeak, f"--voices={language}"], capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and len(listed.stdout.strip().splitlines()) > 1


def espeak_problem(language: str, espeak: str = ESPEAK, run: Runner = subprocess.run) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) when nothing can be read aloud in `language`; None when it can."""
    if shutil.which(espeak) is None:
        return (_("espeak-ng is not installed, so nothing can be read aloud"),
                _("install it with deploy/setup.sh (or: sudo apt install espeak-ng), or set read_aloud: false"))
    if not has_voice(language, espeak, run):
        return (_("espeak-ng has no voice for the language {language}").format(language=language),
                _("install espeak-ng-data, or set read_aloud: false"))
    return None


def _lead_in(path: Path) -> None:
    """Silence before the words, so the question's opening chime does not cover the first one
    (espeak-ng leaves out a pause at the very start, even one asked for in SSML)."""
    try:
        with wave.open(str(path)) as w:
            params, frames = w.getparams(), w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise OSError(f"not a sound file: {exc}") from exc
    silence = b"\0" * (params.sampwidth * params.nchannels * (params.framerate * LEAD_IN_MS // 1000))
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(silence + frames)


def prepare(playlist: Playlist, cache: Path, espeak: str = ESPEAK, run: Runner = subprocess.run) -> Prepared:
    """Sound files for every question of every activity in `playlist` read aloud; those already in
    `cache` (same voice, same words) are not made again. Never raises: what goes wrong is in
    `problems` and the lesson goes on without the voice."""
    out = Prepared()
    wanted = [(item, n, q) for item in playlist.items if item.activity is not None and reads_aloud(item, playlist)
              for n, q in enumerate(item.activity.questions)]
    if not wanted:
        return out
    language = playlist.language
    trouble = espeak_problem(language, espeak, run)
    if trouble is not None:
        out.problems.append(_("Read aloud is off: {what} — {fix}").format(what=trouble[0], fix=trouble[1]))
        return out
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        out.problems.append(_("Read aloud is off: the folder {folder} cannot be made ({reason}).").format(
            folder=cache, reason=exc.strerror or exc))
        return out
    for item, number, question in wanted:
        text = question_text(question)
        digest = hashlib.sha256(f"{language}\n{WORDS_PER_MINUTE}\n{LEAD_IN_MS}\n{text}".encode()).hexdigest()[:32]
        path = cache / f"{digest}.wav"
        if not path.is_file():
            part = path.with_name(path.name + ".part")
            try:
                done = run([espeak, "-v", language, "-s", str(WORDS_PER_MINUTE), "-w", str(part), text],
                           capture_output=True, text=True, timeout=TIMEOUT)
                if done.returncode != 0 or not part.is_file() or part.stat().st_size == 0:
                    raise OSError(done.stderr.strip()[:200] or f"exit status {done.returncode}")
                _lead_in(part)
                os.replace(part, path)
                out.made += 1
            except (OSError, subprocess.SubprocessError) as exc:
                part.unlink(missing_ok=True)
                out.problems.append(_("Read aloud: question {n} of {activity} could not be made ({reason}).").format(
                    n=number + 1, activity=item.activity.id, reason=exc))
                continue
        out.sounds[speech_sound(item.activity.id, number)] = path
    return out
