"""A timed quiz run by the real main loop in a real X window (Xvfb): the question opens with a
sound and is read aloud, the handsets' presses light the answered grid, everyone having answered is heard and
shown, the last five seconds tick in the warning colour, the close is heard, the counts come
first and the right answer only at the teacher's reveal."""

from __future__ import annotations

import json
import subprocess
import sys

import pygame

from cinema.display.theme import Theme
from tests.app.kiosk_project import ROOT
from tests.app.xvfb import xvfb_display

PLAYLIST = """\
version: 1
id: quiz-e2e
title: Quiz
language: en
read_aloud: true
items:
  - type: title
    id: hello
    title: Quiz time
  - type: activity
    id: quiz
    activity: timed-quiz
    teams: 2
    team_names: [Eagles, Lions]
  - type: closing
    id: bye
"""
ACTIVITY = """\
version: 1
id: timed-quiz
kind: multiple_choice
title: Quick quiz
seconds: 8
questions:
  - prompt: Where does rain come from?
    options:
      A: From the clouds
      B: From the trees
    correct: A
"""

# The teacher and two children, in the same process as the kiosk's loop (the way the screenshot
# tour drives it): events go in through the loop's queue, sounds are heard through the loop's Sounds.
CHILD = r"""
import json, os, sys, time
from pathlib import Path
from cinema.app.brightness import FakeDimmer
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.events import ClickerPressed, Command, TeacherCommand
from cinema.core.view import Screen

work = Path(sys.argv[1])
heard, seen = [], {}
kiosk = Kiosk(RunOptions(config=work / "kiosk_config" / "default.yaml", playlist=work / "playlists" / "quiz.yaml",
                         journal=work / "j.sqlite", windowed=True, size=(800, 600)),
              open(os.devnull, "w"), dimmer=FakeDimmer())
with kiosk.opened() as loop:
    loop.engine.options.expected_handsets = 2  # two handsets in the room (the config of a class without pairing)
    if loop.sounds is not None:
        play = loop.sounds.play
        loop.sounds.play = lambda name: (heard.append(name), play(name))

    def until(what, ready, timeout=20.0):
        end = time.monotonic() + timeout
        while True:
            loop.step(time.monotonic())
            loop.wait()
            if ready(loop.view):
                return
            if time.monotonic() > end:
                raise SystemExit(f"waited for {what}; the screen shows {loop.view.screen.value}")

    def shot(name):
        loop.step(time.monotonic())
        path = work / f"{name}.png"
        loop.window.save(path)
        seen[name + ".png"] = str(path)

    until("the title", lambda v: v.screen is Screen.TITLE)
    # the question read aloud is made while the title shows (espeak-ng, in the background)
    until("the spoken question", lambda v: loop.sounds.has("speech:timed-quiz:0"))
    loop.events.put(TeacherCommand(Command.NEXT))
    until("the question", lambda v: v.screen is Screen.QUESTION)
    loop.events.put(ClickerPressed("0101", "B"))
    until("one answer", lambda v: v.body.answered == 1)
    body = loop.view.body
    seen["one"] = {"voters": [[v.label, v.answered] for v in body.voters], "everyone": body.everyone}
    loop.events.put(ClickerPressed("0102", "A"))
    until("everyone", lambda v: v.body.everyone)
    shot("everyone")
    until("the last seconds", lambda v: v.screen is Screen.QUESTION and (v.body.seconds_left or 9) <= 4)
    shot("last_seconds")
    until("time up", lambda v: v.screen is Screen.RESULTS, timeout=15)
    shot("counts")
    seen["counts"] = {"revealed": loop.view.body.revealed,
                      "counts": {o.key: o.count for o in loop.view.body.options}}
    loop.events.put(TeacherCommand(Command.NEXT))
    until("the reveal", lambda v: v.screen is Screen.RESULTS and v.body.revealed)
    shot("revealed")
    seen["teams"] = [[t.team, t.correct] for t in loop.view.body.teams]
    seen["team_names"] = list(loop.view.body.team_names)
print(json.dumps({"heard": heard, "seen": seen}))
"""


def test_a_timed_quiz_from_the_real_loop(project, tmp_path):
    (project / "activities" / "timed_quiz.yaml").write_text(ACTIVITY)
    (project / "playlists" / "quiz.yaml").write_text(PLAYLIST)
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("  source: auto", "  source: none").replace(
        "usb_stick: /media/cinema-usb", "usb_stick: null").replace("  fullscreen: true", "  fullscreen: false"))
    with xvfb_display("800x600x24") as env:
        done = subprocess.run([sys.executable, "-c", CHILD, str(project)], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    heard, seen = out["heard"], out["seen"]
    # the sounds, in the order a class hears them
    assert heard[:2] == ["question_open", "speech:timed-quiz:0"]  # the question, read aloud
    assert len(list((project / "speech").glob("*.wav"))) == 1  # made ahead, kept beside the journal
    assert heard.count("everyone") == 1 and heard.count("countdown") >= 3
    assert heard.index("everyone") < heard.index("countdown") < heard.index("question_close") < heard.index("reveal")
    # the grid: handset numbers, lit once answered; everyone present (2 handsets expected)
    assert seen["one"] == {"voters": [["0101", True]], "everyone": False}
    # counts first, the right answer at the teacher's reveal; the teams by name
    assert seen["counts"] == {"revealed": False, "counts": {"A": 1, "B": 1}}
    assert seen["team_names"] == ["Eagles", "Lions"] and sum(c for _, c in seen["teams"]) == 1
    theme = Theme()
    last = pygame.image.load(seen["last_seconds.png"])
    colors = {last.get_at((x, y))[:3] for x in range(400, 800, 3) for y in range(60, 300, 3)}
    assert theme.warn in colors  # the countdown ring and number in the warning colour
    everyone = pygame.image.load(seen["everyone.png"])
    assert theme.good in {everyone.get_at((x, y))[:3] for x in range(0, 800, 3) for y in range(420, 600, 3)}
    counts, revealed = pygame.image.load(seen["counts.png"]), pygame.image.load(seen["revealed.png"])
    right = theme.good
    assert right not in {counts.get_at((x, y))[:3] for x in range(0, 800, 3) for y in range(150, 480, 3)}
    assert right in {revealed.get_at((x, y))[:3] for x in range(0, 800, 3) for y in range(150, 480, 3)}
