"""Attendance with the real pieces: a class list, the programme key file, a serial card scanner
on a pty; good cards are marked once, a forged one is refused, all journaled."""

import json
import shutil
import signal
import sqlite3
import subprocess
from datetime import date

import pytest

from cinema.cards.keys import current_key, new_key_file
from cinema.core.roster import make_token
from tests.app.kiosk_project import ROOT, cinema_cmd
from tests.app.test_receiver_e2e import Trace, send, start_socat

pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="socat makes the pty pair")


def test_serial_scanner_marks_the_class_from_the_roster(project, tmp_path):
    pty = tmp_path / "pty"
    pty.mkdir()
    (project / "roster.csv").write_text("learner_id,name\nL001,Amina Said\nL002,Olena\nL003,Omar\n")
    new_key_file(project / "keys.json", date.today())
    key = current_key(project / "keys.json")
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("  scanners: []", f"  scanners: [{pty}/kiosk]")
    text = text.replace("roster: null", f"roster: {project}/roster.csv")
    text = text.replace("keys: var/card-keys.json", f"keys: {project}/keys.json")
    config.write_text(text)
    socat = start_socat(pty)
    kiosk = subprocess.Popen(cinema_cmd(project, "--trace"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT)
    trace = Trace(kiosk)
    try:
        trace.wait_for("device.connected")
        good = [make_token("DEMO", learner, key) for learner in ("L001", "L002")]
        forged = make_token("DEMO", "L003", b"not the programme key")
        lines = [good[0], good[1], good[0], forged]
        send(pty, "".join(line + "\r\n" for line in lines).encode())
        trace.wait_for("attendance.scanned", 2)
        trace.wait_for("attendance.refused", 1)
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
        socat.kill()
    db = sqlite3.connect(project / "j.sqlite")
    scanned = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind='attendance.scanned'")]
    assert [s["learner_id"] for s in scanned] == ["L001", "L002"]  # the repeated card counted once
    assert all(s["source"] == "scanner" for s in scanned)
    names = " ".join(p for (p,) in db.execute("SELECT payload FROM records"))
    assert "Amina" not in names and "Olena" not in names  # names never leave the roster
