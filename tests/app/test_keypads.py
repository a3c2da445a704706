"""USB keypads named in the config: without evdev the kiosk says so, records it, and keeps going."""

import json
import sqlite3

from cinema.devices.clickers.hid import keypad_clicker_id, mapper_from_config
from tests.app.kiosk_project import run_kiosk


def test_keypads_and_presenters_from_config_get_stable_handset_ids():
    mapper = mapper_from_config(["/dev/input/by-id/kp1", "/dev/input/by-id/kp2"], ["/dev/input/by-id/remote"])
    devices = {d.device_id: d for d in mapper.devices}
    assert devices["/dev/input/by-id/kp1"].clicker == keypad_clicker_id("/dev/input/by-id/kp1")
    assert devices["/dev/input/by-id/kp1"].clicker != devices["/dev/input/by-id/kp2"].clicker
    assert devices["/dev/input/by-id/remote"].is_presenter
    assert mapper_from_config([], []) is None


def test_a_keypad_that_is_not_there_is_a_lost_device_not_a_crash(project):
    """With evdev: the configured keypad is missing. Without evdev: keypads cannot be read.
    Either way the kiosk records a lost device, says why in one line, and keeps running."""
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("  keypads: []", "  keypads: [/dev/input/by-id/usb-keypad]"))
    out = run_kiosk(project, "--trace", "--max-seconds", "2")
    assert out.returncode == 2, out.stderr  # stopped by --max-seconds: it was still running
    assert "Traceback" not in out.stderr
    kinds = [json.loads(line)["kind"] for line in out.stdout.splitlines()]
    assert "device.lost" in kinds
    db = sqlite3.connect(project / "j.sqlite")
    (payload,) = db.execute("SELECT payload FROM records WHERE kind='device.lost'").fetchone()
    assert json.loads(payload)["device"] in ("keypads", "keypad /dev/input/by-id/usb-keypad")
