"""A room answers a quiz through a real pty receiver; it is unplugged and comes back; nothing after
the reconnection is lost and the tally the results screen shows matches the journal."""

import json
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter

import pytest

from cinema.devices.clickers.lcp import encode_press
from tests.app.kiosk_project import ROOT, cinema_cmd

pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="socat makes the pty pair")

PLAYLIST = """\
version: 1
id: e2e
title: Clickers
language: en
items:
  - type: activity
    id: quiz
    activity: water-quiz
  - type: closing
    id: bye
"""


def start_socat(folder):
    proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={folder}/receiver", f"pty,raw,echo=0,link={folder}/kiosk"],
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while not ((folder / "receiver").exists() and (folder / "kiosk").exists()):
        assert time.monotonic() < deadline, "socat did not make the pty pair"
        time.sleep(0.02)
    return proc


class Trace:
    """Reads the kiosk's --trace lines in a thread so the test can wait for records."""

    def __init__(self, proc):
        self.lines = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            self.lines.append(json.loads(line))

    def wait_for(self, kind, count=1, timeout=15):
        deadline = time.monotonic() + timeout
        while sum(1 for t in self.lines if t["kind"] == kind) < count:
            assert time.monotonic() < deadline, f"waited for {count} x {kind}; have {[t['kind'] for t in self.lines]}"
            time.sleep(0.02)


def send(folder, frames):
    with open(folder / "receiver", "wb", buffering=0) as port:
        port.write(frames)


def test_quiz_through_a_pty_survives_unplug_and_tally_matches_journal(project, tmp_path):
    pty = tmp_path / "pty"
    pty.mkdir()
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("  clickers: []", f"  clickers: [{pty}/kiosk]")
    config.write_text(text.replace("teacher_clickers: []", "teacher_clickers: [7EAC4E12]"))
    (project / "playlists" / "e2e.yaml").write_text(PLAYLIST)
    socat = start_socat(pty)
    kiosk = subprocess.Popen(cinema_cmd(project, "--trace", "--exit-at-end"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    trace = Trace(kiosk)
    try:
        trace.wait_for("device.connected")
        room = [f"{0xA000 + i:08X}" for i in range(20)]
        send(pty, b"junk" + b"".join(encode_press(c, "AB"[i % 2], 1) for i, c in enumerate(room[:10])))
        trace.wait_for("answer.recorded", 10)

        socat.send_signal(signal.SIGTERM)  # the receiver is knocked out of its USB port
        socat.wait(5)
        trace.wait_for("device.lost")
        socat = start_socat(pty)
        trace.wait_for("device.connected", 2)
        frames = [encode_press(c, "CD"[i % 2], 1) for i, c in enumerate(room[10:])]
        frames.append(encode_press(room[0], "D", 2))  # a child changes their answer: last one wins
        frames.append(encode_press(room[0], "D", 2))  # ...and the handset repeats the frame
        send(pty, b"".join(frames))
        trace.wait_for("answer.recorded", 20)
        trace.wait_for("answer.changed", 1)
        send(pty, encode_press("7EAC4E12", "OK", 1))  # the teacher closes the question
        trace.wait_for("question.closed")
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
        socat.kill()
    db = sqlite3.connect(project / "j.sqlite")
    answers = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records"
                                                   " WHERE kind IN ('answer.recorded', 'answer.changed') ORDER BY seq")]
    (closed,) = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind='question.closed'")]
    last = {a["clicker"]: a["key"] for a in answers}
    assert set(last) == set(room)  # every handset, before and after the unplug, exactly once
    assert len(answers) == 21  # the repeated frame was not counted again
    assert closed["answered"] == 20
    assert closed["tally"] == {k: Counter(last.values()).get(k, 0) for k in closed["tally"]}
    assert closed["tally"]["D"] == 5 + 1 and closed["tally"]["A"] == 4
