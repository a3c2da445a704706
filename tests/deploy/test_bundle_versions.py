"""A bundle older than the laptop's packages: install.sh says so in one sentence and changes nothing.

The laptop was updated after the bundle was made: it has toy-python 1.0-1+deb12u2, the bundle
only 1.0-1+deb12u1, and the bundle's toy-venv (which the laptop lacks) needs exactly that older
toy-python: the case of python3.11-venv and python3.11. The real apt-get resolves the bundle's
two handmade .debs against the pretend laptop's package database (real_apt.py); the rest of the
system tools are conftest's fakes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, System

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="the installer runs as root; run these tests as root, as CI does"),
    pytest.mark.skipif(not (shutil.which("apt-get") and shutil.which("dpkg-deb")),
                       reason="needs Debian's apt and dpkg"),
]

BUNDLE_PYTHON = "1.0-1+deb12u1"
SENTENCE = ("install.sh: this bundle is older than this laptop's packages: "
            "make a new bundle on a machine updated like this laptop.")


def make_deb(folder: Path, name: str, version: str, depends: str = "") -> Path:
    build = folder / f"{name}-build"
    (build / "DEBIAN").mkdir(parents=True)
    (build / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Test <test@example.org>\n"
        + (f"Depends: {depends}\n" if depends else "") + "Description: a toy package\n")
    deb = folder / f"{name}_{version}_all.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", "-Zgzip", str(build), str(deb)],
                   check=True, capture_output=True)
    shutil.rmtree(build)
    return deb


def packages_index(debs: list[Path]) -> str:
    """The debs/Packages file, as apt-ftparchive writes it (the fields apt reads)."""
    stanzas = []
    for deb in debs:
        control = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True).stdout
        data = deb.read_bytes()
        stanzas.append(control.rstrip("\n") + f"\nFilename: ./{deb.name}\nSize: {len(data)}\n"
                       f"SHA256: {hashlib.sha256(data).hexdigest()}\n")
    return "\n".join(stanzas)


@pytest.fixture
def toy_bundle(tmp_path, system) -> Path:
    return make_toy_bundle(tmp_path / "toy-bundle", system, "toy-venv all\n")


def make_toy_bundle(bundle: Path, system: System, wanted: str,
                    venv_needs: str = f"toy-python (= {BUNDLE_PYTHON})") -> Path:
    """A bundle of two .debs: toy-python and toy-venv, which depends on exactly that toy-python;
    the installer in it asks for `wanted` (its packages.txt)."""
    debs = bundle / "debs"
    debs.mkdir(parents=True)
    made = [make_deb(debs, "toy-python", BUNDLE_PYTHON),
            make_deb(debs, "toy-venv", BUNDLE_PYTHON, venv_needs)]
    (debs / "Packages").write_text(packages_index(made))
    (bundle / "wheels").mkdir()
    (bundle / "wheels" / "pip-1.0-py3-none-any.whl").write_text("pip")
    # The installer of this checkout, asking for the toy package only.
    shutil.copytree(DEPLOY, bundle / "source" / "deploy", ignore=shutil.ignore_patterns("__pycache__"))
    (bundle / "source" / "deploy" / "packages.txt").write_text(wanted)
    release = {k: v.strip('"') for k, v in (line.split("=", 1) for line in
               system.path("/etc/os-release").read_text().splitlines() if "=" in line)}
    arch = subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()
    made_for = f"{release.get('ID', '')} {release.get('VERSION_ID', '')}"
    (bundle / "BUNDLE-INFO").write_text(f"release={made_for}\narchitecture={arch}\nsession=cage\n")
    files = sorted(p for p in bundle.rglob("*") if p.is_file())
    (bundle / "MANIFEST.sha256").write_text("".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(bundle)}\n" for p in files))
    # The real apt-get, dpkg and dpkg-query, reading the laptop's own package database.
    for name in ("apt-get", "dpkg", "dpkg-query"):
        shim = system.bin / name
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "{Path(__file__).with_name("real_apt.py")}" '
                        f'{name} "$@"\n')
    for folder in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/apt/lists/partial",
                   "var/cache/apt/archives/partial", "etc/apt/apt.conf.d", "etc/apt/preferences.d"):
        system.path(folder).mkdir(parents=True, exist_ok=True)
    return bundle


def laptop_has(system: System, version: str) -> None:
    system.path("/var/lib/dpkg/status").write_text(
        f"Package: toy-python\nStatus: install ok installed\nPriority: optional\nSection: misc\n"
        f"Maintainer: Test <test@example.org>\nArchitecture: all\nVersion: {version}\nDescription: a toy package\n")


def install(system: System, bundle: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(bundle / "source" / "deploy" / "install.sh"), "--root", str(system.root),
                           "--offline", str(bundle), "--source", str(system.source), *args],
                          env=system.env(), capture_output=True, text=True, timeout=120, check=False)


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_laptop_updated_after_the_bundle_gets_one_sentence_and_is_left_as_it_was(system, toy_bundle):
    laptop_has(system, "1.0-1+deb12u2")
    before = files_of(system.root)

    done = install(system, toy_bundle)

    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines == [SENTENCE, f"   newer on this laptop than in the bundle: toy-python 1.0-1+deb12u2 "
                               f"(the bundle's: {BUNDLE_PYTHON})"], done.stderr
    assert "broken packages" not in done.stdout + done.stderr  # apt's own words stay out of sight
    assert files_of(system.root) == before  # no package, no user, no program, no apt work folder left
    apt_runs = [c for c in system.calls("apt-get") if "install" in c["args"]]
    assert len(apt_runs) == 1 and "--simulate" in apt_runs[0]["args"] and apt_runs[0]["code"] != 0  # real apt said no


def test_a_bundle_as_new_as_the_laptop_installs(system, toy_bundle):
    laptop_has(system, "1.0-1")  # older than the bundle's: apt takes the bundle's

    done = install(system, toy_bundle)

    assert done.returncode == 0, done.stderr
    assert "Done: " in done.stdout and "older" not in done.stderr
    assert "toy-venv" in (system.state / "installed").read_text().split()


def test_a_package_the_bundle_does_not_carry_is_named(system, tmp_path):
    bundle = make_toy_bundle(tmp_path / "cage-only", system, "toy-venv all\nxinit x11\n")

    done = install(system, bundle, "--session", "x11")

    assert done.returncode != 0
    assert done.stderr.strip() == ("install.sh: this bundle does not carry xinit, which this laptop needs: "
                                   "make a new bundle with --session both")


def test_any_other_refusal_shows_apts_reason_and_one_sentence(system, tmp_path):
    bundle = make_toy_bundle(tmp_path / "incomplete", system, "toy-venv all\n", venv_needs="toy-missing")
    laptop_has(system, BUNDLE_PYTHON)
    before = files_of(system.root)

    done = install(system, bundle)

    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        "   apt: toy-venv : Depends: toy-missing but it is not installable",
        "   apt: E: Unable to correct problems, you have held broken packages.",
        "install.sh: apt cannot install the bundle's packages on this laptop (its reason is above): "
        "make a new bundle on a machine like this laptop"], done.stderr
    assert files_of(system.root) == before
