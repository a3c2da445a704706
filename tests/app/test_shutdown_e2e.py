"""Stopping a running kiosk with SIGTERM (systemd, a shutdown) is a clean stop: the laptop is not
left dimmed, the lesson's place is kept, and the exit code says it was terminated."""

import json
import signal
import sqlite3
import subprocess
import time

from tests.app.kiosk_project import ROOT, cinema_cmd

LOW_BATTERY = """power:
  warn_percent: 20
  critical_percent: 8
  source: simulated
  read_every: 1
  simulated_percent: 15
  simulated_drain_per_hour: 1
"""


def test_sigterm_after_dimming_restores_the_brightness_and_ends_cleanly(project):
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text()
    config.write_text(text[:text.index("power:\n")] + LOW_BATTERY + text[text.index("\ndevices:"):])
    kiosk = subprocess.Popen(cinema_cmd(project, "--trace"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT)
    try:
        actions = 0
        deadline = time.monotonic() + 60
        while actions < 2 and time.monotonic() < deadline:  # the warning, then what the dimmer did
            line = kiosk.stdout.readline()
            if not line:
                break
            actions += json.loads(line)["kind"] == "power.action"
        assert actions == 2, kiosk.stderr.read() if kiosk.poll() is not None else "no dimming seen"
        kiosk.send_signal(signal.SIGTERM)
        code = kiosk.wait(20)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(10)
    assert code == 128 + signal.SIGTERM  # it exited by itself, saying why
    db = sqlite3.connect(project / "j.sqlite")
    dims = [json.loads(p) for (p,) in db.execute(
        "SELECT payload FROM records WHERE kind = 'power.action' ORDER BY seq")]
    dims = [d for d in dims if d["action"] == "dim"]
    assert dims[0]["level"] < 1.0 and dims[-1]["level"] == 1.0, dims  # dimmed, then put back on the way out
    assert db.execute("SELECT COUNT(*) FROM resume").fetchone()[0] == 1  # where to resume was saved
    kinds = [k for (k,) in db.execute("SELECT kind FROM records")]
    assert "session.ended" not in kinds  # a stop is not the end of the lesson: it resumes next time
