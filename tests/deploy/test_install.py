"""deploy/install.sh into a pretend laptop root: what lands where, with which owner, and nothing twice."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from cinema.config import check_all
from tests.deploy.conftest import DEPLOY

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the installer runs as root (it sets owners of "
                                "files); run these tests as root, as CI does")

KIOSK_PACKAGES = {"python3", "python3-venv", "libvlc5", "vlc-plugin-base", "vlc-plugin-video-output",
                  "fonts-noto-core", "fonts-dejavu-core", "dbus", "libpam-systemd", "udev"}


def installed_packages(system) -> set[str]:
    path = system.state / "installed"
    return set(path.read_text().split()) if path.exists() else set()


def group_members(system, group: str) -> list[str]:
    for line in system.path("/etc/group").read_text().splitlines():
        name, _, _, members = line.split(":")
        if name == group:
            return [m for m in members.split(",") if m]
    raise AssertionError(f"no group {group}")


def owner(system, path: str) -> tuple[str, str, str]:
    """(mode, user, group) of a file in the root, user and group named from the root's own files."""
    st = system.path(path).stat()
    def names(file: str) -> dict[int, str]:
        return {int(line.split(":")[2]): line.split(":")[0] for line in system.path(file).read_text().splitlines()}

    return oct(stat.S_IMODE(st.st_mode)), names("/etc/passwd")[st.st_uid], names("/etc/group")[st.st_gid]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_mode)
            for p in root.rglob("*") if not p.is_symlink()}


def test_a_fresh_laptop_gets_packages_user_program_settings_and_the_kiosk_service(system):
    done = system.install()

    assert KIOSK_PACKAGES | {"cage", "xwayland", "gcc", "python3-dev"} <= installed_packages(system)
    assert not {"xinit", "xserver-xorg-core"} & installed_packages(system)  # the X11 session was not asked for
    assert [c["args"][:1] for c in system.calls("apt-get")] == [["update"], ["install"]]
    assert all(c["root"] == str(system.root) for c in system.calls("apt-get"))  # inside the laptop, not here

    passwd = system.path("/etc/passwd").read_text()
    assert "cinema:x:" in passwd and ":/var/lib/learning-cinema/home:/usr/sbin/nologin" in passwd
    for group in ("dialout", "video", "input", "audio", "render"):
        assert "cinema" in group_members(system, group), group
    assert {c["args"][-1] for c in system.calls("groupadd")} == {"input", "render"}  # only the missing ones

    app = system.path("/opt/learning-cinema/app")
    assert (app / "cinema" / "cli.py").read_bytes() == (system.source / "cinema" / "cli.py").read_bytes()
    assert not list(app.rglob("__pycache__"))
    pips = [c["args"] for c in system.calls("pip")]
    assert [args[-2:] for args in pips] == [["-e", "/opt/learning-cinema/app"], ["-e", "/opt/learning-cinema/app[hid]"]]
    assert any(c["args"][:2] == ["-m", "venv"] and c["args"][2] == "/opt/learning-cinema/.venv"
               for c in system.calls("python3"))
    wrapper = system.path("/usr/local/bin/cinema").read_text()
    assert "CINEMA_CONFIG" in wrapper and "exec /opt/learning-cinema/.venv/bin/cinema" in wrapper

    unit = system.path("/etc/systemd/system/learning-cinema.service").read_text()
    assert unit == (DEPLOY / "session" / "learning-cinema.service").read_text()
    assert system.path("/etc/udev/rules.d/99-learning-cinema.rules").read_bytes() == \
        (DEPLOY / "udev" / "99-learning-cinema.rules").read_bytes()
    usb = system.path("/etc/udev/rules.d/98-learning-cinema-usb-stick.rules").read_text()
    kiosk_uid = next(line.split(":")[2] for line in system.path("/etc/passwd").read_text().splitlines()
                     if line.startswith("cinema:"))
    assert f"uid={kiosk_uid}," in usb and "@UID@" not in usb and "/media/cinema-usb" in usb
    assert "pam_systemd.so" in system.path("/etc/pam.d/learning-cinema").read_text()
    assert "HandleLidSwitch=ignore" in system.path("/etc/systemd/logind.conf.d/learning-cinema.conf").read_text()
    assert "consoleblank=0" in system.path("/etc/default/grub.d/learning-cinema.cfg").read_text()
    verbs = [c["args"] for c in system.calls("systemctl") if c["args"][0] in ("enable", "set-default")]
    assert verbs == [["enable", "learning-cinema.service"], ["set-default", "multi-user.target"]]

    assert done.stdout.rstrip().splitlines()[-1].startswith("Done: ")


def test_the_settings_point_at_the_laptops_folders_and_are_valid(system):
    system.install()
    settings = system.path("/etc/learning-cinema/kiosk.yaml")
    text = settings.read_text()
    assert "kiosk_id: kiosk-07" in text  # the laptop's name: journals from each laptop can be told apart
    assert "journal: /var/lib/learning-cinema/journal.sqlite" in text
    assert "keys: /var/lib/learning-cinema/card-keys.json" in text
    assert owner(system, "/etc/learning-cinema/kiosk.yaml") == ("0o640", "root", "cinema")  # the PIN is in it
    assert owner(system, "/var/lib/learning-cinema") == ("0o750", "cinema", "cinema")
    assert owner(system, "/var/lib/learning-cinema/lessons/playlists/demo.yaml")[1] == "cinema"

    # Checked as the kiosk will read it, once the root's folders are where they will be.
    here = settings.with_name("as-seen-here.yaml")
    here.write_text(text.replace("/var/lib/learning-cinema", str(system.path("/var/lib/learning-cinema"))))
    problems = [p for p in check_all(here) if "demo_media" not in str(p)]  # demo videos are made, not shipped
    assert problems == []


def test_a_second_run_changes_nothing_and_says_so(system):
    system.install()
    before = snapshot(system.root)
    system.forget_calls()

    done = system.install()

    assert "Nothing to change: this laptop was already set up." in done.stdout, done.stdout
    assert "changed:" not in done.stdout
    assert snapshot(system.root) == before
    tools = {c["tool"] for c in system.calls()}
    assert tools <= {"dpkg-query", "python3", "systemctl"}  # only looking: -c checks, is-enabled, get-default
    assert {c["args"][0] for c in system.calls("systemctl")} == {"is-enabled", "get-default"}
    assert [c for c in system.calls("python3") if c["args"][0] != "-c"] == []


def test_a_teachers_settings_are_never_overwritten(system):
    system.install()
    settings = system.path("/etc/learning-cinema/kiosk.yaml")
    settings.write_text(settings.read_text().replace('teacher_pin: "1234"', 'teacher_pin: "4821"'))

    done = system.install()

    assert 'teacher_pin: "4821"' in settings.read_text()
    assert "kept your settings: /etc/learning-cinema/kiosk.yaml" in done.stdout
    assert 'teacher_pin: "1234"' in system.path("/etc/learning-cinema/kiosk.yaml.default").read_text()


def test_files_made_with_sudo_are_given_back_to_the_kiosk_user(system):
    system.install()
    key = system.path("/var/lib/learning-cinema/card-keys.json")
    journal = system.path("/var/lib/learning-cinema/journal.sqlite")
    for made_by_root in (key, journal):
        made_by_root.write_text("{}")
        os.chown(made_by_root, 0, 0)
        made_by_root.chmod(0o600)

    done = system.install()

    assert owner(system, "/var/lib/learning-cinema/card-keys.json") == ("0o640", "cinema", "cinema")
    assert owner(system, "/var/lib/learning-cinema/journal.sqlite")[1:] == ("cinema", "cinema")
    assert "Done: 2 change(s)" in done.stdout
    assert "Nothing to change" in system.install().stdout


def test_an_update_copies_changed_files_removes_old_ones_and_keeps_the_python(system, tmp_path):
    source = tmp_path / "new-version"
    shutil.copytree(system.source, source)
    (source / "cinema" / "old_module.py").write_text('"""Gone in the next version."""\n')
    system.run("install.sh", "--root", str(system.root), "--source", str(source))
    (source / "cinema" / "doctor.py").write_text('"""A newer doctor."""\n')
    (source / "cinema" / "old_module.py").unlink()
    system.forget_calls()

    done = system.run("install.sh", "--root", str(system.root), "--source", str(source))

    app = system.path("/opt/learning-cinema/app/cinema")
    assert (app / "doctor.py").read_text() == '"""A newer doctor."""\n'
    assert not (app / "old_module.py").exists()
    assert "Done: 2 change(s)" in done.stdout
    assert system.calls("pip") == []  # same dependencies: the Python packages are not installed again


def test_the_x11_session_installs_x_and_its_unit(system):
    system.install("--session", "x11")
    assert {"xinit", "xserver-xorg-core", "x11-xserver-utils"} <= installed_packages(system)
    assert "cage" not in installed_packages(system)
    unit = system.path("/etc/systemd/system/learning-cinema.service").read_text()
    assert "xinit /opt/learning-cinema/bin/kiosk-xsession" in unit and "-dpms" in unit
    session = system.path("/opt/learning-cinema/bin/kiosk-xsession")
    assert "xset s off -dpms" in session.read_text() and session.stat().st_mode & 0o111


def test_offline_install_uses_only_the_bundle(system, bundle):
    done = system.run("install.sh", "--root", str(system.root), "--offline", str(bundle))

    update, dry_run, install = system.calls("apt-get")
    assert "--simulate" in dry_run["args"] and "--simulate" not in install["args"]  # asked first, then done
    for call in (update, dry_run, install):
        assert any(a.startswith("Dir::Etc::SourceList=") for a in call["args"])  # never the internet's lists
        assert "Dir::Etc::SourceParts=" in " ".join(call["args"])
        assert "[trusted=yes] file:" in call["sources"] and "libvlc5_1.0_amd64.deb" in call["debs"]
    assert {"gcc", "python3-dev"}.isdisjoint(installed_packages(system))  # evdev comes built in the bundle
    pip, = system.calls("pip")
    assert "--no-index" in pip["args"] and "-e" in pip["args"]
    assert "numpy-1.0-py3-none-any.whl" in pip["wheels"] and "setuptools-1.0-py3-none-any.whl" in pip["wheels"]
    assert system.path("/var/lib/learning-cinema/card-keys.json").read_text() == '{"keys": []}\n'
    assert owner(system, "/var/lib/learning-cinema/card-keys.json") == ("0o640", "cinema", "cinema")
    assert list(system.path("/tmp").iterdir()) == []  # the copies of debs and wheels are cleaned up
    assert (system.path("/opt/learning-cinema/app/cinema/cli.py")).read_bytes() == \
        (bundle / "source" / "cinema" / "cli.py").read_bytes()
    assert "Done: " in done.stdout


def test_the_bundles_own_launcher_installs_from_the_stick(system, bundle):
    done = subprocess.run(["bash", str(bundle / "install.sh"), "--root", str(system.root)], env=system.env(),
                          capture_output=True, check=False, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"from {bundle}" in done.stdout


@pytest.mark.parametrize("damage, words", [
    (lambda b: (b / "wheels" / "numpy-1.0-py3-none-any.whl").write_text("half a"), "damaged or incomplete"),
    (lambda b: (b / "debs" / "cage_1.0_amd64.deb").unlink(), "damaged or incomplete"),
    (lambda b: (b / "BUNDLE-INFO").write_text((b / "BUNDLE-INFO").read_text().replace(
        "architecture=amd64", "architecture=arm64")), "made for"),
])
def test_a_damaged_or_foreign_bundle_is_refused_before_anything_is_installed(system, bundle, damage, words):
    damage(bundle)
    if "made for" in words:  # a correct checksum for a bundle of another machine
        manifest = bundle / "MANIFEST.sha256"
        lines = [line for line in manifest.read_text().splitlines() if not line.endswith("BUNDLE-INFO")]
        digest = subprocess.run(["sha256sum", "BUNDLE-INFO"], cwd=bundle, capture_output=True, text=True,
                                check=True).stdout
        manifest.write_text("\n".join([*lines, digest.strip()]) + "\n")
    done = system.run("install.sh", "--root", str(system.root), "--offline", str(bundle), check=False)
    assert done.returncode == 1
    assert words in done.stderr
    assert system.calls("apt-get") == [] and system.calls("useradd") == []


def test_the_bundle_has_wheels_debs_an_apt_index_and_a_manifest(bundle):
    assert (bundle / "source" / "pyproject.toml").is_file() and (bundle / "source" / "cinema" / "cli.py").is_file()
    assert not list((bundle / "source").rglob("__pycache__"))
    assert not list((bundle / "wheels").glob("learning_cinema-*"))  # the program is installed from source/
    assert {p.name for p in (bundle / "debs").glob("*.deb")} >= {"cage_1.0_amd64.deb", "libvlc5_1.0_amd64.deb"}
    assert not list((bundle / "debs").glob("gcc_*"))
    assert (bundle / "debs" / "Packages").is_file() and (bundle / "debs" / "Release").is_file()
    listed = {line.split(None, 1)[1] for line in (bundle / "MANIFEST.sha256").read_text().splitlines()}
    assert {"install.sh", "BUNDLE-INFO", "card-keys.json", "debs/Packages", "source/pyproject.toml"} <= listed
    info = (bundle / "BUNDLE-INFO").read_text()
    assert "architecture=amd64" in info and "release=" in info


def test_make_offline_bundle_refuses_a_folder_that_is_not_empty(system, tmp_path):
    out = tmp_path / "stick"
    out.mkdir()
    (out / "photos.jpg").write_text("a teacher's photo")
    done = system.run("make-offline-bundle.sh", str(out), check=False)
    assert done.returncode == 1 and "is not empty" in done.stderr
    assert system.calls() == [] and [p.name for p in out.iterdir()] == ["photos.jpg"]


@pytest.mark.parametrize("script", ["install.sh", "make-offline-bundle.sh", "boot-test.sh", "session/kiosk-xsession",
                                    "session/kiosk-start"])
def test_scripts_parse_and_pass_shellcheck(script):
    path = DEPLOY / script
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True, check=False).returncode == 0
    if script.startswith(("boot-test", "session/")):
        assert path.stat().st_mode & 0o111  # run as a program (kiosk-start by systemd)
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt install shellcheck)")
    done = subprocess.run(["shellcheck", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_refuses_an_unknown_option_and_a_root_that_is_not_debian(system, tmp_path):
    done = system.install("--colour", "blue", check=False)
    assert done.returncode == 1 and "unknown option: --colour" in done.stderr
    other = tmp_path / "not-debian"
    other.mkdir()
    done = system.run("install.sh", "--root", str(other), check=False)
    assert done.returncode == 1 and "not Debian or Ubuntu" in done.stderr
