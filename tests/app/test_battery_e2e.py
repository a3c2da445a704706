"""The whole kiosk on a draining (simulated) battery: warned and dimmed, then saved and paused."""

import json
import signal
import subprocess
import time

from tests.app.kiosk_project import ROOT, cinema_cmd

POWER = """power:
  warn_percent: 20
  critical_percent: 8
  source: simulated
  read_every: 1
  simulated_percent: 26
  simulated_drain_per_hour: 3600
"""


def test_a_draining_battery_warns_dims_then_saves_and_pauses_the_lesson(project):
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text()
    start = text.index("power:\n")
    end = text.index("\ndevices:")
    config.write_text(text[:start] + POWER + text[end:])
    # One percent a second of session time at speed 2: two points between readings, a second apart.
    kiosk = subprocess.Popen(cinema_cmd(project, "--speed", "2", "--trace"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen: list[dict] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = kiosk.stdout.readline()
            if not line:
                break
            seen.append(json.loads(line))
            if seen[-1]["kind"] == "item.paused":
                break
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
    kinds = [t["kind"] for t in seen]
    assert "item.paused" in kinds, kinds  # the stop paused the lesson instead of letting the laptop die
    import sqlite3

    db = sqlite3.connect(project / "j.sqlite")
    actions = [json.loads(p) for (p,) in db.execute("SELECT payload FROM records WHERE kind = 'power.action'"
                                                    " ORDER BY seq")]
    readings = [json.loads(p)["percent"] for (p,) in db.execute(
        "SELECT payload FROM records WHERE kind = 'power.reading' ORDER BY seq")]
    order = [a["action"] for a in actions]
    assert order.index("warn") < order.index("stop") and order.count("stop") == 1, order
    assert "dim" in order  # the screen was dimmed (a stand-in dimmer when headless), and journaled
    warn = next(a for a in actions if a["action"] == "warn")
    stop = next(a for a in actions if a["action"] == "stop")
    assert 8 < warn["percent"] <= 20 and stop["percent"] <= 8, (warn, stop)
    assert readings == sorted(readings, reverse=True) and readings[0] <= 26
