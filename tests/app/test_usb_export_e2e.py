"""The whole kiosk: a USB stick appears during the lesson and the records are saved on it."""

import json
import os
import signal
import subprocess
import time

import pytest

from cinema.journal.bundle import open_bundle
from tests.app.kiosk_project import ROOT, cinema_cmd


def plug_in(folder):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


@pytest.fixture
def stick(tmp_path):
    """Where a real mount point (a small tmpfs) stands in for the teacher's USB stick."""
    folder = tmp_path / "usb"
    folder.mkdir()
    if not plug_in(folder):
        pytest.skip("mounting a stand-in stick needs root (mount -t tmpfs)")
    subprocess.run(["umount", str(folder)], check=True)  # it could be mounted: out again until the lesson runs
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_stick_plugged_in_during_the_lesson_gets_the_records(project, stick):
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("usb_stick: /media/cinema-usb", f"usb_stick: {stick}"))
    kiosk = subprocess.Popen(cinema_cmd(project, "--simulate-class", "4", "--speed", "10", "--trace"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen = []
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            line = kiosk.stdout.readline()
            if not line:
                break
            seen.append(json.loads(line))
            if seen[-1]["kind"] == "attendance.scanned" and not os.path.ismount(stick):
                assert plug_in(stick)  # the teacher plugs the stick in during the attendance
            if seen[-1]["kind"] == "export.made":
                break
    finally:
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
    kinds = [t["kind"] for t in seen]
    assert "export.made" in kinds, kinds
    (bundle,) = (stick / "learning-cinema").glob("*.lcb")
    opened = open_bundle(bundle)  # whole and consistent: it was written before the screen said so
    assert opened.manifest["first_seq"] == 1 and opened.manifest["records"] >= 1
