"""The programme's card key on the USB stick, as deploy/README.md says: the bundle is made without
it, the key (and the answer card numbers beside it) copied in after; every laptop gets that one key."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the installer runs as root (it sets owners of "
                                "files); run these tests as root, as CI does")

KEY = '{"version": 1, "keys": []}\n'
NUMBERS = '{"program": "DEMO", "numbers": {}}\n'


def programme_files(tmp_path):
    """What `cinema cards` leaves in var/ of the coordinator's copy."""
    var = tmp_path / "coordinator" / "var"
    var.mkdir(parents=True)
    (var / "card-keys.json").write_text(KEY)
    (var / "card-numbers.json").write_text(NUMBERS)
    return var


def test_a_bundle_made_without_a_key_says_how_to_add_it_and_the_copied_key_is_installed(system, tmp_path):
    out = tmp_path / "STICK" / "learning-cinema-bundle"
    made = system.run("make-offline-bundle.sh", str(out))
    assert f"cp var/card-keys.json var/card-numbers.json {out}/" in made.stdout
    assert not (out / "card-keys.json").exists()
    (system.state / "installed").unlink()  # what the bundle maker installed was on its own machine

    var = programme_files(tmp_path)
    for name in ("card-keys.json", "card-numbers.json"):  # the README's `sudo cp` line
        shutil.copy(var / name, out / name)
    done = system.install("--offline", str(out))

    assert "Done: " in done.stdout
    for name, text in (("card-keys.json", KEY), ("card-numbers.json", NUMBERS)):
        installed = system.path(f"/var/lib/learning-cinema/{name}")
        assert installed.read_text() == text
        assert stat.S_IMODE(installed.stat().st_mode) == 0o640  # the kiosk user's, not the world's


def test_the_card_key_option_takes_the_answer_card_numbers_beside_it(system, tmp_path):
    var = programme_files(tmp_path)
    out = tmp_path / "bundle"
    made = system.run("make-offline-bundle.sh", str(out), "--card-key", str(var / "card-keys.json"))
    assert (out / "card-keys.json").read_text() == KEY
    assert (out / "card-numbers.json").read_text() == NUMBERS
    assert "No card key" not in made.stdout


def test_a_missing_key_file_says_what_to_do_and_makes_nothing(system, tmp_path):
    out, key = tmp_path / "bundle", tmp_path / "var" / "card-keys.json"  # `cinema cards` never ran
    done = system.run("make-offline-bundle.sh", str(out), "--card-key", str(key), check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"make-offline-bundle.sh: no card key file at {key}: leave --card-key out (then copy the "
        "programme's key into the bundle later, as card-keys.json), or make the programme's first key with "
        "`.venv/bin/cinema cards ROSTER.csv -o cards.pdf` (it writes var/card-keys.json)")
    assert not out.exists()
