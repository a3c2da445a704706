"""The real apt-get, dpkg and dpkg-query, pointed at a pretend laptop root's package database.

A shim on PATH runs `python real_apt.py NAME ARGS...` in place of conftest's fakes. The fake
`chroot DIR cmd` sets FAKE_ROOT=DIR; paths the installer gives "inside the laptop" (its /tmp work
folder) are found under FAKE_ROOT here, and apt reads FAKE_ROOT's var/lib/dpkg/status, not this
machine's. apt really resolves the dependencies; only the last step, dpkg unpacking into the root,
is left out: an install is resolved by apt (`--simulate`) and then written to $FAKE_STATE/installed,
as the fake does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = os.environ.get("FAKE_ROOT", "")
STATE = Path(os.environ["FAKE_STATE"])


def log(tool: str, args: list[str], code: int) -> None:
    with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"tool": tool, "args": args, "root": ROOT, "code": code}) + "\n")


def here(path: str) -> str:
    """A path inside the laptop, as seen from this machine."""
    return ROOT + path if ROOT and path.startswith("/") and not path.startswith(ROOT) else path


def apt_get(args: list[str]) -> int:
    real: list[str] = []
    for i, a in enumerate(args):
        if i > 0 and args[i - 1] == "-o" and "=/" in a:
            key, value = a.split("=", 1)
            a = f"{key}={here(value)}"
            if key == "Dir::Etc::SourceList":  # its `file:` lines name folders inside the laptop too
                text = Path(here(value)).read_text().replace("file:/", f"file:{ROOT}/")
                Path(here(value) + ".here").write_text(text)
                a = f"{key}={here(value)}.here"
        real.append(a)
    words = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-o")]
    installing = bool(words) and words[0] == "install" and "--simulate" not in args and "-s" not in args
    if installing:
        real.append("--simulate")
    setup = ["-o", f"Dir={ROOT}/", "-o", "Dir::Etc::Parts=etc/apt/apt.conf.d", "-o", "Debug::NoLocking=1",
             "-o", "APT::Sandbox::User=root"]
    code = subprocess.run(["/usr/bin/apt-get", *setup, *real], check=False).returncode
    log("apt-get", args, code)
    if code == 0 and installing:
        with open(STATE / "installed", "a", encoding="utf-8") as f:
            f.writelines(w + "\n" for w in words[1:])
    return code


def dpkg_query(args: list[str]) -> int:
    code = subprocess.run(["/usr/bin/dpkg-query", f"--admindir={ROOT}/var/lib/dpkg", *args], check=False).returncode
    log("dpkg-query", args, code)
    return code


def dpkg(args: list[str]) -> int:
    code = subprocess.run(["/usr/bin/dpkg", f"--admindir={ROOT}/var/lib/dpkg", *args], check=False).returncode
    log("dpkg", args, code)
    return code


if __name__ == "__main__":
    sys.exit({"apt-get": apt_get, "dpkg-query": dpkg_query, "dpkg": dpkg}[sys.argv[1]](sys.argv[2:]))
