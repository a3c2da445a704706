"""The flood measured in issue 11, through the real kiosk: junk at full speed on a serial scanner's pty.
Before, every junk line became an attendance.refused record (98,000 in 20 s, 46 MB) and a real card
scanned in the middle was still queued behind the junk when the kiosk stopped. Now the junk is counted,
a handful of records are written, and the real card counts at once."""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from datetime import date

import pytest

from cinema.cards.keys import current_key, new_key_file
from cinema.core.noise import REFUSED_ONE_BY_ONE
from cinema.core.roster import make_token
from tests.app.kiosk_project import ROOT, cinema_cmd
from tests.app.test_receiver_e2e import Trace, start_socat

pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="socat makes the pty pair")

SECONDS = 3.0


def flood(path, seconds, chunk, good: bytes) -> int:
    """Write `chunk` as fast as the pty takes it for `seconds`, with `good` once in the middle."""
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    sent, start, half = 0, time.monotonic(), False
    try:
        while time.monotonic() - start < seconds:
            try:
                if not half and time.monotonic() - start > seconds / 2:
                    os.set_blocking(fd, True)
                    os.write(fd, good)
                    os.set_blocking(fd, False)
                    half = True
                sent += os.write(fd, chunk)
            except BlockingIOError:
                time.sleep(0.001)
    finally:
        os.close(fd)
    return sent


@pytest.mark.parametrize("junk", ["noise", "forged cards"])
def test_junk_at_full_speed_on_a_scanner_writes_a_handful_of_records_and_the_real_card_counts(project, tmp_path,
                                                                                              junk):
    pty = tmp_path / "pty"
    pty.mkdir()
    (project / "roster.csv").write_text("learner_id,name\nL001,Amina Said\nL002,Olena\nL003,Omar\n")
    new_key_file(project / "keys.json", date.today())
    key = current_key(project / "keys.json")
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("  scanners: []", f"  scanners: [{pty}/kiosk]")
    text = text.replace("roster: null", f"roster: {project}/roster.csv")
    config.write_text(text.replace("keys: var/card-keys.json", f"keys: {project}/keys.json"))
    rng = random.Random(11)
    if junk == "noise":
        chunk = bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.#$%\r\n") for _ in range(65536))
    else:
        chunk = b"".join(make_token("DEMO", "L003", rng.randbytes(8)).encode() + b"\r\n" for _ in range(2000))
    socat = start_socat(pty)
    kiosk = subprocess.Popen(cinema_cmd(project, "--trace"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT)
    trace = Trace(kiosk)
    try:
        trace.wait_for("device.connected")
        sent = flood(pty / "receiver", SECONDS, chunk, b"\r\n" + make_token("DEMO", "L002", key).encode() + b"\r\n")
        trace.wait_for("attendance.scanned", 1, timeout=10)  # the real card, behind no queue of junk
        assert kiosk.poll() is None
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
        socat.kill()
    assert sent > 1_000_000  # the junk really was written at speed
    db = sqlite3.connect(project / "j.sqlite")
    kinds = dict(db.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
    assert kinds.get("attendance.refused", 0) <= REFUSED_ONE_BY_ONE
    assert sum(kinds.values()) <= 20, kinds
    scanned = [json.loads(p)["learner_id"] for (p,) in db.execute(
        "SELECT payload FROM records WHERE kind = 'attendance.scanned'")]
    assert scanned == ["L002"]
