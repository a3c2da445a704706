"""deploy/install.sh's kiosk session and boot: both ways of drawing from a bundle, the start wrapper, no
wait for the network and no boot menu wait; the units are valid for systemd."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.deploy.conftest import DEPLOY
from tests.deploy.test_install import installed_packages, snapshot

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the installer runs as root (it sets owners of "
                                "files); run these tests as root, as CI does")

WAIT_ONLINE = ("systemd-networkd-wait-online.service", "NetworkManager-wait-online.service",
               "ifupdown-wait-online.service")


def test_a_bundle_carries_both_sessions_and_the_laptop_gets_both_with_cage_first(system, bundle):
    assert "session=both" in (bundle / "BUNDLE-INFO").read_text()
    assert {"cage_1.0_amd64.deb", "xinit_1.0_amd64.deb", "xserver-xorg-core_1.0_amd64.deb"} <= \
        {p.name for p in (bundle / "debs").iterdir()}

    system.run("install.sh", "--root", str(system.root), "--offline", str(bundle))

    assert {"cage", "xwayland", "xinit", "xserver-xorg-core", "xserver-xorg-legacy"} <= installed_packages(system)
    unit = system.path("/etc/systemd/system/learning-cinema.service").read_text()
    assert "ExecStart=/opt/learning-cinema/bin/kiosk-start cage x11" in unit
    start = system.path("/opt/learning-cinema/bin/kiosk-start")
    assert start.read_bytes() == (DEPLOY / "session" / "kiosk-start").read_bytes() and start.stat().st_mode & 0o111
    assert system.path("/opt/learning-cinema/bin/kiosk-xsession").is_file()
    assert "allowed_users=console" in system.path("/etc/X11/Xwrapper.config").read_text()  # X as the kiosk user
    enabled = [c["args"] for c in system.calls("systemctl") if c["args"][0] == "enable"]
    assert enabled == [["enable", "learning-cinema.service"]]


def test_a_cage_only_install_has_no_x_server_settings(system):
    system.install("--session", "cage")
    assert "xinit" not in installed_packages(system)
    assert not system.path("/etc/X11/Xwrapper.config").exists()
    assert "kiosk-start cage x11" in system.path("/etc/systemd/system/learning-cinema.service").read_text()


def test_the_x11_session_starts_x11_first(system):
    system.install("--session", "x11")
    assert "ExecStart=/opt/learning-cinema/bin/kiosk-start x11 cage" in \
        system.path("/etc/systemd/system/learning-cinema.service").read_text()


def test_the_boot_waits_for_no_network_and_shows_no_menu(system):
    for unit in WAIT_ONLINE:  # all three may be on a Debian laptop
        path = system.path(f"/lib/systemd/system/{unit}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[Unit]\nDescription=Wait for Network to be Configured\n")

    done = system.install()

    for unit in WAIT_ONLINE:
        assert os.readlink(system.path(f"/etc/systemd/system/{unit}")) == "/dev/null"  # masked
        assert f"the boot does not wait for the network ({unit} masked)" in done.stdout
    grub = system.path("/etc/default/grub.d/learning-cinema.cfg").read_text()
    assert "GRUB_TIMEOUT=1\n" in grub and "GRUB_TIMEOUT_STYLE=hidden\n" in grub and "consoleblank=0" in grub
    assert len(system.calls("update-grub")) == 1  # GRUB's settings applied
    unit = system.path("/etc/systemd/system/learning-cinema.service").read_text()
    assert "network" not in "".join(line for line in unit.splitlines() if line.startswith(("After=", "Wants=")))

    before = snapshot(system.root)
    again = system.install()
    assert "Nothing to change" in again.stdout and snapshot(system.root) == before


def test_a_laptop_without_the_wait_services_is_left_alone(system):
    done = system.install()
    assert "does not wait for the network" not in done.stdout
    assert not any(system.path(f"/etc/systemd/system/{unit}").is_symlink() for unit in WAIT_ONLINE)


@pytest.mark.parametrize("unit", ["learning-cinema.service", "learning-cinema-x11.service"])
def test_the_units_verify_with_systemd(tmp_path, unit):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    root = tmp_path / "root"
    shutil.copytree("/lib/systemd/system", root / "lib/systemd/system", symlinks=True)  # sysinit.target...
    (root / "etc/systemd/system").mkdir(parents=True)
    (root / "opt/learning-cinema/bin").mkdir(parents=True)
    shutil.copy(DEPLOY / "session" / "kiosk-start", root / "opt/learning-cinema/bin/kiosk-start")
    shutil.copy(DEPLOY / "session" / unit, root / "etc/systemd/system" / unit)
    done = subprocess.run(["systemd-analyze", "verify", f"--root={root}", f"/etc/systemd/system/{unit}"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and "learning-cinema" not in done.stderr, done.stderr
