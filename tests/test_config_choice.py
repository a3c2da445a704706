"""Every command reads the same kiosk config: what `cinema doctor` checks is what `cinema run` uses."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cinema.config.locate import BUNDLED_CONFIG, FOLDER_CONFIG, locate_config
from tests.app.kiosk_project import ROOT

# (named with --config, CINEMA_CONFIG, installed settings exist, a kiosk_config/ here) -> which is read
CASES = [
    ("named", "env", True, True, "named"),
    (None, "env", True, True, "env"),
    (None, "", True, True, "installed"),  # an empty variable is no choice
    (None, None, True, True, "installed"),  # a copy of the program on an installed laptop: still its settings
    (None, None, False, True, "here"),
    (None, None, False, False, "bundled"),
]


@pytest.mark.parametrize("named, env, installed, here, expected", CASES)
def test_the_config_is_chosen_in_one_order(tmp_path, named, env, installed, here, expected):
    system = tmp_path / "etc" / "kiosk.yaml"
    if installed:
        system.parent.mkdir()
        system.write_text("version: 1\n")
    folder = tmp_path / "project"
    if here:
        (folder / FOLDER_CONFIG).parent.mkdir(parents=True)
        (folder / FOLDER_CONFIG).write_text("version: 1\n")
    environ = {} if env is None else {"CINEMA_CONFIG": env and str(tmp_path / "env.yaml")}
    chosen = locate_config(named and str(tmp_path / "named.yaml"), environ, system=system, here=folder)
    assert chosen == {"named": tmp_path / "named.yaml", "env": tmp_path / "env.yaml", "installed": system,
                      "here": folder / FOLDER_CONFIG, "bundled": BUNDLED_CONFIG}[expected]


def test_an_installed_settings_folder_without_the_file_is_not_chosen(tmp_path):
    (tmp_path / "kiosk.yaml").mkdir()  # a folder where the file should be: not settings
    assert locate_config(None, {}, system=tmp_path / "kiosk.yaml", here=tmp_path) == BUNDLED_CONFIG


# ---- on an installed laptop, as a technician uses it ------------------------------------------

SHELL = """
set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir="$UPPER",workdir="$WORK" /etc
mkdir -p /etc/learning-cinema
cp "$INSTALLED" /etc/learning-cinema/kiosk.yaml
cd "$HERE"
set +e
"$PYTHON" -m cinema run --headless --max-seconds 1 2>"$OUT/run.txt"
"$PYTHON" -m cinema check >"$OUT/check.txt" 2>&1
"$PYTHON" -m cinema doctor --json >"$OUT/doctor.json" 2>&1
exit 0
"""


def installed_laptop_available(tmp_path) -> bool:
    """A private copy of /etc (overlay in a mount namespace), so the real /etc is never touched."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    for d in ("u", "w"):
        (tmp_path / "probe" / d).mkdir(parents=True)
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t overlay overlay -o lowerdir=/etc,"
                            f"upperdir={tmp_path}/probe/u,workdir={tmp_path}/probe/w /etc"], capture_output=True)
    return probe.returncode == 0


def broken_config(path: Path) -> Path:
    """The shipped config with a short teacher PIN: every command names the file when it reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((ROOT / FOLDER_CONFIG).read_text().replace('teacher_pin: "1234"', 'teacher_pin: "12"'))
    return path


def test_doctor_run_and_check_read_the_same_settings_on_an_installed_laptop(tmp_path):
    if not installed_laptop_available(tmp_path):
        pytest.skip("needs root and mount namespaces to pretend /etc/learning-cinema/kiosk.yaml is installed")
    # The technician is in a folder with its own kiosk_config/ (a copy of the program), with no
    # CINEMA_CONFIG set: the laptop's installed settings are what the kiosk service uses.
    here = tmp_path / "copy-of-the-program"
    broken_config(here / FOLDER_CONFIG)
    installed = broken_config(tmp_path / "installed.yaml")
    for d in ("upper", "work", "out"):
        (tmp_path / d).mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CINEMA_CONFIG"}
    env.update(UPPER=str(tmp_path / "upper"), WORK=str(tmp_path / "work"), INSTALLED=str(installed),
               HERE=str(here), OUT=str(tmp_path / "out"), PYTHON=sys.executable, PYTHONPATH=str(ROOT),
               SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", CINEMA_LANGUAGE="en")
    subprocess.run(["unshare", "-m", "sh", "-c", SHELL], env=env, check=True, timeout=300)

    def files_named(text: str) -> set[str]:
        return {name for name in ("/etc/learning-cinema/kiosk.yaml", "kiosk_config/default.yaml") if name in text}

    run = (tmp_path / "out" / "run.txt").read_text()
    check = (tmp_path / "out" / "check.txt").read_text()
    doctor = json.loads((tmp_path / "out" / "doctor.json").read_text())[0]
    assert "teacher_pin" in run and "teacher_pin" in check and "teacher_pin" in doctor["message"]
    assert files_named(run) == files_named(check) == files_named(doctor["message"]) == \
        {"/etc/learning-cinema/kiosk.yaml"}, (run, check, doctor)
