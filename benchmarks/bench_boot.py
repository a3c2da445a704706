"""Boot benchmark (issue 17 part 6): power-on to the kiosk's first journal record, in a virtual machine.

Runs `deploy/boot-test.sh` (as root) RUNS times, the first on a new root folder, the others on the
same one (the installer then changes nothing): a Debian 12 root, the bundle installed in a chroot
with no network, a disk image, booted in qemu with software emulation (TCG: no KVM here) and direct
kernel boot (no firmware, no GRUB). Prints each stage's time after power-on (qemu started), measured
from the serial console (host clock) and from the image's journals read afterwards (VM clock, matched
to the host's through a line the VM prints).

The laptop estimate is a scaling, not a measurement: each emulated stage is divided by the emulation's
slowdown after the kernel started, measured as the same CPU loop (the image's own python3) in the VM and
on this machine, and GRUB's 1 s replaces qemu's loading of the kernel; the laptop's firmware (often 2-8 s before GRUB) is not counted. As a check on the
scaling, the installed kiosk's start to its first record is also measured natively here (a chroot of
the same root, `cinema run --headless`: no cage, no screen).

Usage: sudo python3 benchmarks/bench_boot.py BUNDLE [--runs 2] [--base DIR] [--work DIR]
       [--session cage|x11|both] [--vga virtio|std] [--vm-env NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "boot-test.sh"
GRUB_S = 1.0  # GRUB's menu wait after issue 17 part 5 (plus loading the kernel from an SSD: a few 0.1 s)
# The same loop boot-test.sh's watcher runs in the VM after the first record.
CPU_LOOP = 'import time; t = time.perf_counter(); sum(i * i for i in range(2_000_000)); print("%.3f" % (time.perf_counter() - t))'
STAGES = (("kernel", "the kernel starts (qemu loaded it and the initrd)"),
          ("systemd", "systemd of the installed system starts (initrd done)"),
          ("unit", "systemd starts learning-cinema.service"), ("display", "cage (or Xorg) starts"),
          ("kiosk", "the kiosk's Python process starts"), ("record", "**the kiosk's first journal record**"))


def read_times(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def seconds(times: dict[str, str], key: str) -> float | None:
    try:
        return float(times[key])
    except (KeyError, ValueError):
        return None


def run_boot(args, work: Path, root: Path | None) -> dict[str, str]:
    cmd = ["bash", str(SCRIPT), "--work", str(work), "--vga", args.vga, "--timeout", str(args.timeout)]
    if args.session:
        cmd += ["--session", args.session]
    if root is not None:
        cmd += ["--root", str(root)]
    if args.base:
        cmd += ["--base", args.base]
    for env in args.vm_env:
        cmd += ["--vm-env", env]
    cmd.append(args.bundle)
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    started = time.monotonic()
    load = os.getloadavg()[0]
    done = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr)
    times = read_times(work / "times.txt") if (work / "times.txt").exists() else {}
    times["wall_s"] = "%.1f" % (time.monotonic() - started)
    times["rc"] = str(done.returncode)
    times["load"] = "%.1f / %.1f" % (load, os.getloadavg()[0])  # the machine's load before / after
    return times


def in_chroot(root: Path, command: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """COMMAND in the installed root, with /proc, /sys and /dev in a private mount namespace (gone
    when it ends: nothing stays mounted) and no network."""
    script = ('for d in proc sys dev; do mount --rbind "/$d" "$0/$d"; done; '
              'exec chroot "$0" /bin/sh -c "$1"')
    return subprocess.run(["unshare", "-m", "-n", "sh", "-c", script, str(root), command],
                          capture_output=True, text=True, timeout=timeout)


def native_cpu(root: Path) -> float | None:
    best = None
    for _ in range(3):
        out = in_chroot(root, f"python3 -c '{CPU_LOOP}'")
        try:
            value = float(out.stdout.strip())
        except ValueError:
            return None
        best = value if best is None else min(best, value)
    return best


def native_kiosk(root: Path, runs: int = 3) -> list[float]:
    """Seconds from starting `cinema run --headless` as the kiosk user to its first record, natively."""
    results = []
    for n in range(runs):
        journal = f"/tmp/bench-boot-{n}.sqlite"
        command = (f"rm -f {journal}*; s=$(date +%s.%N); runuser -u cinema -- env HOME=/tmp "
                   f"/opt/learning-cinema/.venv/bin/cinema run --headless --journal {journal} "
                   f"--config /etc/learning-cinema/kiosk.yaml --max-seconds 3 >/dev/null 2>&1; "
                   f"echo $s; python3 -c 'import sqlite3; print(sqlite3.connect(\"{journal}\").execute("
                   f"\"SELECT wall FROM records ORDER BY seq LIMIT 1\").fetchone()[0])'; rm -f {journal}*")
        out = in_chroot(root, command)
        try:
            start, first = (float(x) for x in out.stdout.split()[:2])
        except ValueError:
            print(f"native kiosk run {n + 1}: no record ({out.stderr.strip()[-300:]})", file=sys.stderr)
            continue
        results.append(first - start)
    return results


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description="Power-on to the kiosk's first journal record in qemu, "
                                     "and an estimate for a real laptop (runs deploy/boot-test.sh; root).")
    parser.add_argument("bundle", help="an offline bundle (deploy/make-offline-bundle.sh)")
    parser.add_argument("--runs", type=int, default=2, help="boots of the same image's root (default 2)")
    parser.add_argument("--base", default="", help="a Debian 12 root to copy instead of debootstrap (the first time:"
                        " later runs reuse WORK/root)")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-boot"), help="where the roots and images go")
    parser.add_argument("--session", default="", choices=("", "cage", "x11", "both"),
                        help="passed to install.sh (default: what the bundle carries)")
    parser.add_argument("--vga", default="virtio", choices=("virtio", "std"))
    parser.add_argument("--vm-env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the kiosk service in the VM only (e.g. WLR_RENDERER=pixman)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for the first record")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_boot.py: run me as root (debootstrap, chroot and qemu's image need it): su - first",
              file=sys.stderr)
        return 2

    work = Path(args.work).resolve()
    root = work / "root"
    runs = []
    for n in range(args.runs):
        # The first run makes (or reuses) the root and installs; later runs boot a fresh image of it.
        runs.append(run_boot(args, work / f"run{n + 1}", root))
    cpu_host = native_cpu(root) if (root / "usr/bin/python3").exists() else None
    kiosk_native = native_kiosk(root) if (root / "opt/learning-cinema/.venv").exists() else []

    cpu_vm = [v for v in (seconds(t, "cpu_s") for t in runs) if v is not None]
    slowdown = statistics.median(cpu_vm) / cpu_host if cpu_vm and cpu_host else None

    env = f", VM-only settings {' '.join(args.vm_env)}" if args.vm_env else ""
    print(f"\nBoot to the first journal record, session {args.session or 'as the bundle'}, {args.vga} graphics{env}, "
          f"{len(runs)} run(s) under qemu TCG (2 vCPUs, 2 GiB)")
    print("| stage (after power-on) | " + " | ".join(f"run {i + 1}" for i in range(len(runs)))
          + " | laptop estimate |")
    print("| --- |" + " --- |" * (len(runs) + 1))
    kernel = [v for v in (seconds(t, "kernel") for t in runs) if v is not None]
    for key, label in STAGES:
        values = [seconds(t, key) for t in runs]
        known = [v for v in values if v is not None]
        estimate = None
        if known and kernel and slowdown:  # GRUB instead of qemu's loading, then the VM's time scaled
            estimate = GRUB_S + (statistics.median(known) - statistics.median(kernel)) / slowdown
        print(f"| {label} | " + " | ".join(fmt(v) for v in values) + f" | {fmt(estimate)} |")
    for key, label in (("install_s", "install from the bundle, no network (chroot, not emulated)"),
                       ("image_s", "making the disk image (mke2fs -d)")):
        print(f"| {label} | " + " | ".join(fmt(seconds(t, key)) for t in runs) + " | |")
    print("| what drew the kiosk / first record's kind / how the VM stopped | "
          + " | ".join(f"{t.get('display_program') or '—'} / {t.get('record_kind') or '—'} / {t.get('stopped', '—')}"
                       for t in runs) + " | |")
    print("| this machine's load average before / after (2 cores; TCG slows with it) | "
          + " | ".join(t["load"] for t in runs) + " | |")
    print()
    print(f"Emulation slowdown (the same python3 loop): VM {', '.join('%.2f s' % v for v in cpu_vm) or '—'}, "
          f"this machine {fmt(cpu_host, 3)}: {'%.1fx' % slowdown if slowdown else 'unknown'}")
    in_vm = [r - k for r, k in ((seconds(t, "record"), seconds(t, "kiosk")) for t in runs)
             if r is not None and k is not None]
    if in_vm and slowdown:
        print(f"Kiosk process start to first record: in the VM {', '.join('%.1f s' % v for v in in_vm)}, "
              f"scaled {statistics.median(in_vm) / slowdown:.2f} s")
    if kiosk_native:
        print(f"The same measured natively here (headless: no cage, no screen; chroot of the same root, "
              f"{len(kiosk_native)} runs): " + ", ".join(f"{v:.2f} s" for v in kiosk_native))
    print(f"Laptop estimate = GRUB {GRUB_S:.0f} s (instead of qemu loading the kernel) + the VM's time after "
          "the kernel started / slowdown. Not counted: the laptop's firmware (POST, often 2-8 s); real "
          "hardware probes other devices than the VM (graphics firmware, USB, Wi-Fi): the kernel and systemd "
          "rows are lower bounds; the kiosk's rows are checked by the native measurement above.")
    for i, t in enumerate(runs):
        if t.get("analyze"):
            print(f"run {i + 1}: systemd-analyze in the VM: {t['analyze']}")
    return 0 if all(t.get("rc") == "0" for t in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
