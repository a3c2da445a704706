"""deploy/session/kiosk-xsession (the X11 way of drawing) run with fake xset, xrandr and kiosk: the screen
never blanks, and a projector plugged in after X started is switched on, as cage -m last does."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.deploy.conftest import DEPLOY

SCRIPT = DEPLOY / "session" / "kiosk-xsession"
PANEL_ONLY = "Screen 0: minimum 320 x 200\neDP-1 connected primary 1366x768+0+0 (normal left inverted) 344mm x 194mm\n"
PROJECTOR_DARK = PANEL_ONLY + "HDMI-1 connected (normal left inverted right x axis y axis)\n"
PROJECTOR_GONE = PANEL_ONLY + "HDMI-1 disconnected 1920x1080+0+0 (normal left inverted) 0mm x 0mm\n"

# xrandr answers from a file and logs its arguments; the kiosk runs until xrandr was asked 3 times, then
# X ends with it (xrandr fails), which ends the screen watch too.
XRANDR = '#!/bin/sh\necho "$*" >> "$LOG/xrandr"\ncat "$LOG/screens"\n'
XSET = '#!/bin/sh\necho "$*" >> "$LOG/xset"\n'
KIOSK = """#!/bin/sh
echo "$*" > "$LOG/kiosk"
for i in $(seq 1 2000); do
  [ "$(grep -c -- --current "$LOG/xrandr" 2>/dev/null)" -ge 3 ] && rm "$LOG/screens" && exit 0
  sleep 0.01
done
exit 1
"""


def run_session(tmp_path, screens: str) -> list[str]:
    """The xrandr calls made while the kiosk ran."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for name, text in (("xrandr", XRANDR), ("xset", XSET), ("cinema", KIOSK)):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)
    (tmp_path / "screens").write_text(screens)
    env = {"PATH": f"{tools}:{os.environ['PATH']}", "LOG": str(tmp_path), "KIOSK_SCREEN_POLL": "0.05",
           "KIOSK_CINEMA": str(tools / "cinema"), "CINEMA_CONFIG": "/etc/learning-cinema/kiosk.yaml"}
    done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kiosk").read_text() == "run --config /etc/learning-cinema/kiosk.yaml\n"
    assert (tmp_path / "xset").read_text() == "s off -dpms s noblank\n"
    return (tmp_path / "xrandr").read_text().splitlines()


@pytest.mark.parametrize("screens", [PROJECTOR_DARK, PROJECTOR_GONE])
def test_a_projector_plugged_in_or_out_after_x_started_is_switched_on_or_off(tmp_path, screens):
    calls = run_session(tmp_path, screens)
    assert "--auto" in calls


def test_nothing_is_changed_while_every_screen_is_on(tmp_path):
    calls = run_session(tmp_path, PANEL_ONLY)
    assert calls and set(calls) == {"--current"}  # looked at, never probed or changed
