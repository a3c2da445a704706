"""Answer by card through the real camera path: a 'camera' (a video file) sees three cards held with
different letters on top; each child's answer is recorded once, with the right letter."""

import json
import shutil
import signal
import sqlite3
import subprocess
from datetime import date

import cv2
import numpy as np
import pytest

from cinema.cards.keys import current_key, new_key_file
from cinema.core.roster import make_token
from cinema.devices.cards.photos import render_card
from tests.app.kiosk_project import ROOT, cinema_cmd
from tests.app.test_receiver_e2e import Trace

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the camera's video")

PLAYLIST = """\
version: 1
id: e2e
title: Cards
language: en
items:
  - type: activity
    id: quiz
    activity: water-quiz
    answer_by_card: true
  - type: closing
    id: bye
"""


def test_cards_turned_to_a_letter_are_answers(project, tmp_path):
    (project / "roster.csv").write_text("learner_id,name\nL1,Amina\nL2,Olena\nL3,Omar\n")
    new_key_file(project / "keys.json", date.today())
    key = current_key(project / "keys.json")
    scene = np.full((720, 1280), 235, np.uint8)
    # L1 holds A on top (not turned), L2 turns the card a quarter clockwise (D on top), L3 upside down (C).
    for x, learner, turn in ((60, "L1", None), (470, "L2", cv2.ROTATE_90_CLOCKWISE), (880, "L3", cv2.ROTATE_180)):
        card = render_card(make_token("DEMO", learner, key), module_px=8)
        card = card if turn is None else cv2.rotate(card, turn)
        h, w = card.shape[:2]
        scale = 330 / max(h, w)
        card = cv2.resize(card, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        scene[180:180 + card.shape[0], x:x + card.shape[1]] = card
    cv2.imwrite(str(tmp_path / "scene.png"), scene)
    video = tmp_path / "camera.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", str(tmp_path / "scene.png"),
                    "-t", "2", "-r", "10", "-pix_fmt", "yuv420p", str(video)], check=True)
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("camera: null", f"camera: {video}")
    text = text.replace("roster: null", f"roster: {project}/roster.csv")
    config.write_text(text.replace("keys: var/card-keys.json", f"keys: {project}/keys.json"))
    (project / "playlists" / "e2e.yaml").write_text(PLAYLIST)
    kiosk = subprocess.Popen(cinema_cmd(project, "--trace"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT)
    trace = Trace(kiosk)
    try:
        trace.wait_for("answer.recorded", 3, timeout=30)
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
    db = sqlite3.connect(project / "j.sqlite")
    answers = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind='answer.recorded'")]
    assert {a["learner_id"]: a["key"] for a in answers} == {"L1": "A", "L2": "D", "L3": "C"}
    assert len(answers) == 3  # the camera saw the same cards in every frame: counted once each
    assert all(a["via"] == "card" for a in answers)
