"""deploy/boot-test.sh's cheap parts: the qemu boot itself takes minutes (benchmarks/bench_boot.py runs it),
so CI checks only that the script parses, explains itself, and refuses bad input with a sentence
before it touches anything (no root folder, no image, no apt-get)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.deploy.conftest import DEPLOY

SCRIPT = DEPLOY / "boot-test.sh"


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, check=False,
                          timeout=30, cwd=cwd)


def test_help_says_how_to_run_it_and_what_it_measures():
    done = run("--help")
    assert done.returncode == 0 and done.stderr == ""
    assert "bash deploy/boot-test.sh BUNDLE" in done.stdout and "--root DIR" in done.stdout
    assert "first journal record" in done.stdout


@pytest.mark.parametrize("args, words", [
    ((), "say which bundle to install"),
    (("{tmp}/no-such-bundle",), "no bundle folder at {tmp}/no-such-bundle"),
    (("{tmp}",), "is not a bundle made by make-offline-bundle.sh"),
    (("--session", "wayland", "{bundle}"), "--session must be cage, x11 or both, not wayland"),
    (("--vga", "cirrus", "{bundle}"), "--vga must be virtio"),
    (("--timeout", "soon", "{bundle}"), "--timeout must be a number of seconds"),
    (("--vm-env", "pixman", "{bundle}"), "--vm-env must look like NAME=VALUE"),
    (("--base", "{tmp}", "{bundle}"), "is not a Debian root folder"),
    (("--colour", "blue"), "unknown option: --colour"),
    (("--root", "/", "{bundle}"), "--root / is this machine"),
    (("--root", "{tmp}", "{bundle}"), "is not empty and not a Debian root"),
])
def test_bad_input_is_refused_with_a_sentence_before_anything_is_made(tmp_path, args, words):
    if "--root" in args and os.geteuid() != 0:
        pytest.skip("the root folder is checked after the check for root")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "install.sh").write_text("exit 1\n")
    (bundle / "MANIFEST.sha256").write_text("")
    work = tmp_path / "work"
    fill = {"tmp": str(tmp_path), "bundle": str(bundle)}
    done = run("--work", str(work), *(a.format(**fill) for a in args), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("boot-test.sh: ")
    assert words.format(**fill) in done.stderr and "Traceback" not in done.stderr
    assert not work.exists()  # nothing made: no root folder, no image
