"""Stand-ins for apt-get, dpkg, useradd, systemctl, pip... that log each call and keep state in files.

Each fake on PATH is a shim running `python fake_tool.py NAME ARGS...`. Calls go, one JSON line
each, to $FAKE_LOG; packages installed, units enabled and the default target live in $FAKE_STATE.
The fake `chroot DIR cmd` (conftest.CHROOT) sets FAKE_ROOT=DIR, so these write users, venvs and
packages inside DIR, as the real tools would inside a chroot.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = os.environ.get("FAKE_ROOT", "")
STATE = Path(os.environ["FAKE_STATE"])
BIN = Path(os.environ["FAKE_BIN"])


def log(tool: str, args: list[str], **extra) -> None:
    with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"tool": tool, "args": args, "root": ROOT, **extra}) + "\n")


def inside(path: str) -> Path:
    return Path(ROOT + path) if path.startswith("/") and ROOT else Path(path)


def state_lines(name: str) -> list[str]:
    path = STATE / name
    return path.read_text().split() if path.exists() else []


def add_state(name: str, *values: str) -> None:
    with open(STATE / name, "a", encoding="utf-8") as f:
        for v in values:
            f.write(v + "\n")


def without_options(args: list[str]) -> list[str]:
    """Positional arguments, skipping options and the values of -o / -d / -w / --find-links."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-o", "-d", "-w", "--find-links", "-f", "-G", "--home-dir", "--shell", "--comment"):
            skip = True
        elif not a.startswith("-"):
            out.append(a)
    return out


def option(args: list[str], name: str) -> str | None:
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def apt_option(args: list[str], key: str) -> str | None:
    for i, a in enumerate(args):
        if a == "-o" and i + 1 < len(args) and args[i + 1].startswith(key + "="):
            return args[i + 1].split("=", 1)[1]
    return None


# ---- the tools ------------------------------------------------------------------------------


def dpkg_query(args: list[str]) -> int:
    log("dpkg-query", args)
    installed = state_lines("installed")
    wanted = without_options(args)
    for package in wanted:
        if package in installed:
            print(f"{package} install ok installed")
    return 0 if set(wanted) <= set(installed) else 1


def dpkg(args: list[str]) -> int:
    log("dpkg", args)
    if "--print-architecture" in args:
        print(os.environ.get("FAKE_ARCH", "amd64"))
    return 0


def apt_get(args: list[str]) -> int:
    extra = {}
    sources = apt_option(args, "Dir::Etc::SourceList")
    if sources:
        extra["sources"] = inside(sources).read_text()
        deb_dir = extra["sources"].split("file:", 1)[1].split()[0]
        extra["debs"] = sorted(os.listdir(inside(deb_dir)))
    log("apt-get", args, **extra)
    words = without_options(args)
    if words and words[0] == "install":
        archives = apt_option(args, "Dir::Cache::archives")
        if "--download-only" in args and archives:
            for package in words[1:]:
                Path(archives, f"{package}_1.0_amd64.deb").write_text(package)
        elif "--simulate" not in args and "-s" not in args:  # a dry run installs nothing
            add_state("installed", *words[1:])
    return 0


def apt_ftparchive(args: list[str]) -> int:
    log("apt-ftparchive", args)
    if args[0] == "release":
        print("Origin: fake")
    for deb in sorted(Path(".").glob("*.deb")) if args[0] == "packages" else ():  # NAME_VERSION_ARCH.deb
        name, version, _ = deb.name.split("_")
        print(f"Package: {name}\nVersion: {version}\nFilename: ./{deb.name}\n")
    return 0


def useradd(args: list[str]) -> int:
    log("useradd", args)
    name = without_options(args)[-1]
    uid = 990 + len(state_lines("users"))
    add_state("users", name)
    home = option(args, "--home-dir") or f"/home/{name}"
    with open(inside("/etc/passwd"), "a") as f:
        f.write(f"{name}:x:{uid}:{uid}::{home}:{option(args, '--shell') or '/bin/sh'}\n")
    if "--user-group" in args:
        with open(inside("/etc/group"), "a") as f:
            f.write(f"{name}:x:{uid}:\n")
    return 0


def groupadd(args: list[str]) -> int:
    log("groupadd", args)
    name = without_options(args)[-1]
    gid = 900 + len(state_lines("groups"))
    add_state("groups", name)
    with open(inside("/etc/group"), "a") as f:
        f.write(f"{name}:x:{gid}:\n")
    return 0


def usermod(args: list[str]) -> int:
    log("usermod", args)
    group, user = option(args, "-G"), without_options(args)[-1]
    path = inside("/etc/group")
    lines = []
    for line in path.read_text().splitlines():
        fields = line.split(":")
        if fields[0] == group:
            members = [m for m in fields[3].split(",") if m]
            fields[3] = ",".join([*members, user])
        lines.append(":".join(fields))
    path.write_text("\n".join(lines) + "\n")
    return 0


def systemctl(args: list[str]) -> int:
    log("systemctl", args)
    verb = args[0]
    if verb == "is-enabled":
        enabled = args[1] in state_lines("enabled")
        print("enabled" if enabled else "disabled")
        return 0 if enabled else 1
    if verb == "enable":
        add_state("enabled", args[1])
    if verb == "get-default":
        print((state_lines("default") or ["graphical.target"])[-1])
    if verb == "set-default":
        add_state("default", args[1])
    return 0


def python3(args: list[str]) -> int:
    log("python3", args)
    if args[:2] == ["-m", "venv"]:
        venv = inside(args[2])
        (venv / "bin").mkdir(parents=True)
        for name in ("python", "pip"):
            shim = BIN / ("python3" if name == "python" else "pip")
            (venv / "bin" / name).write_text(shim.read_text())
            (venv / "bin" / name).chmod(0o755)
    return 0


def pip(args: list[str]) -> int:
    extra = {}
    links = option(args, "--find-links")
    if links:
        extra["wheels"] = sorted(os.listdir(inside(links)))
    log("pip", args, **extra)
    words = without_options(args)
    folder = option(args, "-d") or option(args, "-w")
    if words and words[0] in ("download", "wheel") and folder:
        for spec in words[1:]:
            # A wheel of the program brings the wheels of what it needs, as `pip wheel` does.
            names = ["learning_cinema", "numpy", "evdev"] if "/" in spec else \
                [spec.split(">")[0].split("=")[0].replace("-", "_")]
            for name in names:
                Path(folder, f"{name}-1.0-py3-none-any.whl").write_text(spec)
    return 0


def just_log(name: str):
    def run(args: list[str]) -> int:
        log(name, args)
        return 0
    return run


TOOLS = {
    "dpkg-query": dpkg_query, "dpkg": dpkg, "apt-get": apt_get, "apt-ftparchive": apt_ftparchive,
    "useradd": useradd, "groupadd": groupadd, "usermod": usermod, "systemctl": systemctl, "python3": python3,
    "pip": pip, "udevadm": just_log("udevadm"), "update-grub": just_log("update-grub"),
}

if __name__ == "__main__":
    sys.exit(TOOLS[sys.argv[1]](sys.argv[2:]))
