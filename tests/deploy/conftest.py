"""A pretend Debian root folder and fake system tools on PATH, for running deploy/*.sh for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TOOLS = ("chroot", "dpkg-query", "dpkg", "apt-get", "apt-ftparchive", "useradd", "groupadd", "usermod",
         "systemctl", "python3", "pip", "udevadm", "update-grub")

@dataclass
class System:
    """The fake tools' world: `root` is the laptop's / as the installer sees it through --root."""

    root: Path
    bin: Path
    state: Path
    log: Path
    source: Path  # the program being installed: a copy, so edits to the checkout during a test do not count

    def env(self) -> dict[str, str]:
        here = {k: v for k, v in os.environ.items() if k != "PYTHON" and not k.startswith("PIP_")}
        return {**here, "PATH": f"{self.bin}:{os.environ['PATH']}", "FAKE_LOG": str(self.log),
                "FAKE_STATE": str(self.state), "FAKE_BIN": str(self.bin), "LC_ALL": "C"}

    def calls(self, tool: str | None = None) -> list[dict]:
        if not self.log.exists():
            return []
        rows = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [r for r in rows if tool is None or r["tool"] == tool]

    def forget_calls(self) -> None:
        self.log.unlink(missing_ok=True)

    def run(self, script: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(["bash", str(DEPLOY / script), *args], env=self.env(), capture_output=True,
                              text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def install(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("install.sh", "--root", str(self.root), "--source", str(self.source), *args, check=check)

    def path(self, inside: str) -> Path:
        return self.root / inside.lstrip("/")


def os_release() -> str:
    return Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else 'ID=debian\nVERSION_ID="12"\n'


# `chroot DIR cmd`: the fakes then work inside DIR; anything not faked is refused, so a test can
# never run the real apt-get or useradd on this machine. (A shell script: it is called a lot.)
CHROOT = """#!/bin/sh
root=$1; shift
export FAKE_ROOT="$root"
case "$1" in
  sh) shift; PATH="$FAKE_BIN" exec /bin/sh "$@" ;;
  /*) [ -e "$root$1" ] || { echo "fake chroot: $1 not found in $root" >&2; exit 127; }
      program="$root$1"; shift; exec "$program" "$@" ;;
  *) [ -e "$FAKE_BIN/$1" ] || { echo "fake chroot: $1 is not faked; refusing to run the real one" >&2; exit 127; }
     program="$FAKE_BIN/$1"; shift; exec "$program" "$@" ;;
esac
"""

PROGRAM = ("cinema", "playlists", "activities", "kiosk_config", "deploy", "demo_media", "pyproject.toml", "README.md",
           "launcher.py")


@pytest.fixture(scope="session")
def program(tmp_path_factory) -> Path:
    """The program as it is when the tests start."""
    dest = tmp_path_factory.mktemp("program")
    copy_repo_part(dest, *(p for p in PROGRAM if (REPO / p).exists()))
    return dest


@pytest.fixture
def system(tmp_path, program) -> System:
    """A fresh laptop: base files of a Debian system, no kiosk user, no input or render group."""
    root, bin_dir, state = tmp_path / "root", tmp_path / "fakebin", tmp_path / "state"
    for folder in ("etc/default", "tmp", "var/lib", "opt", "usr/local/bin"):
        (root / folder).mkdir(parents=True)
    (root / "etc/debian_version").write_text("12.8\n")
    (root / "etc/os-release").write_text(os_release())
    (root / "etc/hostname").write_text("kiosk-07\n")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\ndialout:x:20:\naudio:x:29:\nvideo:x:44:\n")
    bin_dir.mkdir()
    state.mkdir()
    tool = Path(__file__).with_name("fake_tool.py")
    for name in TOOLS:
        shim = bin_dir / name
        python = f'#!/bin/sh\nexec "{sys.executable}" -I -S "{tool}" {name} "$@"\n'
        shim.write_text(CHROOT if name == "chroot" else python)
        shim.chmod(0o755)
    return System(root, bin_dir, state, tmp_path / "calls.jsonl", program)


@pytest.fixture
def bundle(tmp_path, system) -> Path:
    """An offline bundle as make-offline-bundle.sh makes it (run with the fake pip and apt)."""
    out = tmp_path / "bundle"
    key = tmp_path / "programme-key.json"
    key.write_text('{"keys": []}\n')
    system.run("make-offline-bundle.sh", str(out), "--card-key", str(key))
    system.forget_calls()
    (system.state / "installed").unlink()  # what the bundle maker installed was on its own machine
    return out


def copy_repo_part(dest: Path, *parts: str) -> None:
    for part in parts:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
