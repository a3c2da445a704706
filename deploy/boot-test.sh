#!/usr/bin/env bash
# Boot an installed kiosk in a virtual machine and time it: power-on to the kiosk's first journal record.
#
#   bash deploy/boot-test.sh BUNDLE                 make a Debian 12 root, install BUNDLE into it with no
#                                                   network, make a disk image, boot it in qemu, time it
#   bash deploy/boot-test.sh --root DIR BUNDLE      use the root folder DIR (made first if it is missing)
# Options: --base DIR (a Debian 12 root to copy instead of running debootstrap), --work DIR (the root,
# the image and the logs; default var/boot-test), --session cage|x11|both (passed to install.sh; by
# default it installs what the bundle carries), --vm-env NAME=VALUE (a setting for the kiosk service in
# this VM only, e.g. WLR_RENDERER=pixman; may be repeated), --vga virtio|std (the VM's graphics card:
# virtio-vga, the default, or the bochs "std" card), --timeout SECONDS (default 900), --size SIZE (the
# image, default 4G), --image-only (make the image, do not boot), --kvm (when /dev/kvm works).
#
# Run it as root: debootstrap, chroot and unshare need it. It installs debootstrap, qemu-system-x86,
# qemu-utils and e2fsprogs with apt-get if they are missing. The install runs in a chroot inside
# `unshare -m -n` (no network at all, like a laptop with its USB stick; the chroot's mounts vanish
# with it). The image is made with
# `mke2fs -d` (no loop mount) and booted with qemu's direct kernel boot: no firmware menu and no GRUB
# (a laptop adds its firmware and GRUB, which waits at most 1 s). qemu uses software emulation (TCG)
# unless --kvm is given and /dev/kvm works. The chroot's mounts live in their own mount namespace:
# nothing stays mounted.
#
# Written into WORK: install.log, serial.log (every console line with the host's time), journal.sqlite
# (the kiosk's journal, read from the image after the VM stopped), guest-journal/ (systemd's journal of
# the boot), screen.ppm (qemu's picture of the screen a few seconds after the first record) and
# times.txt: key=value lines, times in seconds after qemu started ("power-on"):
#   kernel=   the kernel starts (qemu has loaded it)   systemd= systemd of the installed system starts
#   unit=     systemd starts learning-cinema.service   display= cage (or Xorg) starts
#   kiosk=    the kiosk's Python process starts        record=  the kiosk's first journal record
# and install_s, image_s (seconds they took), record_kind, cpu_s (a Python loop in the VM), stopped.
# The VM gets a small watcher (boot-test-watch.service, only in this image) that prints the first
# record and the VM's clock on the serial console, then switches the VM off.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
bundle=""
root=""
base=""
work=$REPO/var/boot-test
session=""
timeout=900
size=4G
image_only=0
vga=virtio
accel=tcg
vm_env=()

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "boot-test.sh: $*" >&2; exit 1; }
step() { echo "== $*"; }
now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    --base) base=${2:?--base needs a Debian root folder}; shift 2 ;;
    --work) work=${2:?--work needs a folder}; shift 2 ;;
    --session) session=${2:?--session needs cage, x11 or both}; shift 2 ;;
    --vm-env) vm_env+=("${2:?--vm-env needs NAME=VALUE}"); shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --size) size=${2:?--size needs a size such as 4G}; shift 2 ;;
    --image-only) image_only=1; shift ;;
    --vga) vga=${2:?--vga needs virtio or std}; shift 2 ;;
    --kvm) accel=kvm; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$bundle" ] || die "one bundle folder only (got $bundle and $1)"; bundle=$1; shift ;;
  esac
done

[ -n "$bundle" ] || die "say which bundle to install: bash deploy/boot-test.sh BUNDLE (a folder made by make-offline-bundle.sh)"
[ -d "$bundle" ] || die "no bundle folder at $bundle: make one with deploy/make-offline-bundle.sh"
{ [ -f "$bundle/install.sh" ] && [ -f "$bundle/MANIFEST.sha256" ]; } \
  || die "$bundle is not a bundle made by make-offline-bundle.sh (install.sh and MANIFEST.sha256 are missing)"
bundle=$(cd "$bundle" && pwd)
case "$session" in ''|cage|x11|both) ;; *) die "--session must be cage, x11 or both, not $session" ;; esac
case "$vga" in virtio|std) ;; *) die "--vga must be virtio (virtio-vga) or std (the bochs card), not $vga" ;; esac
case "$timeout" in ''|*[!0-9]*) die "--timeout must be a number of seconds, not $timeout" ;; esac
for e in "${vm_env[@]}"; do
  case "$e" in [A-Za-z_]*=*) ;; *) die "--vm-env must look like NAME=VALUE, not $e" ;; esac
done
[ -z "$base" ] || [ -f "$base/etc/debian_version" ] || die "--base $base is not a Debian root folder"
[ "$(id -u)" = 0 ] || die "run me as root (debootstrap, chroot and unshare need it): su - then bash $0"

work=$(realpath -m "$work")
[ -n "$root" ] || root=$work/root
root=$(realpath -m "$root")
# The root folder is changed and copied whole into the image: never this machine's own, nor the base.
[ "$root" != / ] || die "--root / is this machine: give a folder for the VM's system"
[ -z "$base" ] || [ "$root" != "$(realpath -m "$base")" ] || die "--root must not be --base (the base is copied, never changed)"
if [ -d "$root" ] && [ ! -f "$root/etc/debian_version" ] && [ -n "$(ls -A "$root")" ]; then
  die "$root is not empty and not a Debian root: give a new folder or a Debian 12 root"
fi
mkdir -p "$work"
img=$work/disk.img
times=$work/times.txt

# ---- tools ----------------------------------------------------------------------------------------

need_tools() {
  local missing=() pair
  for pair in debootstrap:debootstrap qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils \
              mke2fs:e2fsprogs debugfs:e2fsprogs unshare:util-linux python3:python3 journalctl:systemd; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  step "Installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "could not install ${missing[*]}: install them with apt-get, then run me again"
}

# ---- the chroot: /proc, /sys and /dev mounted in a private mount namespace, with no network ---------
# The mounts exist only for the command: they end with it, also when it fails or is killed.

in_chroot() {
  # shellcheck disable=SC2016  # $0 and $@ are the inner shell's: the root folder and the command
  unshare -m -n sh -c 'for d in proc sys dev; do mount --rbind "/$d" "$0/$d" || exit 1; done
exec chroot "$0" "$@"' "$root" "$@"
}

qemu_pid=""
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill "$qemu_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. a Debian 12 root ---------------------------------------------------------------------------

make_root() {
  if [ -f "$root/etc/debian_version" ]; then
    echo "   using the root folder $root"
    return 0
  fi
  rm -rf "$root"
  if [ -n "$base" ]; then
    echo "   copying $base"
    cp -a "$base" "$root"
  else
    echo "   debootstrap bookworm into $root (about 5 minutes)"
    debootstrap --variant=minbase \
      --include=systemd-sysv,udev,dbus,kmod,linux-image-amd64,python3,locales,login,passwd,util-linux,procps,sqlite3 \
      bookworm "$root" http://deb.debian.org/debian > "$work/debootstrap.log" 2>&1 \
      || die "debootstrap failed (see $work/debootstrap.log): it needs deb.debian.org"
  fi
}

# What a real Debian install sets up that debootstrap does not: the laptop's name, its disk, a root
# without a password (a test machine; the kiosk needs no login), and a journal kept on disk.
configure_root() {
  echo cinema-vm > "$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tcinema-vm\n' > "$root/etc/hosts"
  echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' > "$root/etc/fstab"
  chroot "$root" passwd -d root > /dev/null
  mkdir -p "$root/var/log/journal"
}

# ---- 2. the bundle, installed with no network --------------------------------------------------------

install_bundle() {
  local stick=$root/media/learning-cinema-bundle start rc=0
  rm -rf "$stick"
  mkdir -p "$root/media"
  cp -a "$bundle" "$stick"
  start=$(now)
  in_chroot bash /media/learning-cinema-bundle/install.sh ${session:+--session "$session"} \
    > "$work/install.log" 2>&1 || rc=$?
  echo "install_s=$(since "$start" "$(now)")" >> "$times"
  rm -rf "$stick"
  tail -n 1 "$work/install.log" | sed 's/^/   /'
  [ "$rc" = 0 ] || die "the installer failed (see $work/install.log)"
}

# Only in this image: a watcher that says on the serial console when the first record is in the
# journal (and the VM's clock then, to match it with the host's), then switches the VM off; and the
# --vm-env settings for the kiosk service.
add_watcher() {
  cat > "$root/usr/local/sbin/boot-test-watch" <<'EOF'
#!/bin/sh
# boot-test.sh's watcher (not part of a kiosk): the first journal record, the clock, then power off.
J=/var/lib/learning-cinema/journal.sqlite
say() { printf '\nBOOT-TEST %s\n' "$*" > /dev/ttyS0; }
first=""
while [ -z "$first" ]; do
  sleep 0.5
  # Read only once the kiosk made the WAL files, as the kiosk user: nothing here becomes root's.
  [ -e "$J-wal" ] && [ -e "$J-shm" ] || continue
  first=$(runuser -u cinema -- python3 -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=2)
r = c.execute("SELECT wall, kind FROM records ORDER BY seq LIMIT 1").fetchone()
print("%.3f %s" % r if r else "")' "$J" 2>/dev/null) || first=""
done
say "record $first"
# When the session (cage or Xorg) and the kiosk's Python process started, in seconds after the
# kernel started (from /proc: nothing polls for them during the boot).
starts() {
  local tick pid name
  tick=$(getconf CLK_TCK)
  for pid in /proc/[0-9]*; do
    name=$(cat "$pid/comm" 2>/dev/null) || continue
    case "$name" in cage|Xorg|cinema) ;; *) continue ;; esac
    awk -v n="$name" -v t="$tick" '{ sub(/.*\) /, ""); printf " %s=%.2f", n, $20 / t }' "$pid/stat"
  done
}
# Each line is said right after its clock is read: the host stamps it as it arrives.
now=$(date +%s.%N)
say "clock $now"
started=$(starts)
read -r up _ < /proc/uptime
say "starts $up$started"
sleep 3
# The same CPU loop bench_boot.py runs on the host: how much slower the emulation is.
say "cpu $(python3 -c 'import time; t = time.perf_counter(); sum(i * i for i in range(2_000_000)); print("%.3f" % (time.perf_counter() - t))')"
say "screen"  # the host takes a picture of the screen now
sleep 3
say "analyze $(systemd-analyze 2>&1 | head -n 1)"
systemctl poweroff
EOF
  chmod 0755 "$root/usr/local/sbin/boot-test-watch"
  cat > "$root/etc/systemd/system/boot-test-watch.service" <<'EOF'
[Unit]
Description=boot-test.sh watcher (test image only)
[Service]
Type=simple
ExecStart=/usr/local/sbin/boot-test-watch
[Install]
WantedBy=multi-user.target
EOF
  chroot "$root" systemctl enable boot-test-watch.service > /dev/null 2>&1
  local dropin=$root/etc/systemd/system/learning-cinema.service.d
  rm -f "$dropin/boot-test.conf"
  if [ "${#vm_env[@]}" -gt 0 ]; then
    mkdir -p "$dropin"
    { echo "[Service]"; for e in "${vm_env[@]}"; do echo "Environment=$e"; done; } > "$dropin/boot-test.conf"
  fi
  # A journal left by an earlier boot of this root would be taken for this boot's.
  rm -f "$root"/var/lib/learning-cinema/journal.sqlite*
  rm -rf "$root"/var/log/journal/*
}

# ---- 3. the disk image ---------------------------------------------------------------------------------

make_image() {
  local start
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    die "something is still mounted under $root: unmount it first (umount -R)"
  fi
  rm -f "$img"
  start=$(now)
  mke2fs -q -F -t ext4 -L cinema-root -d "$root" "$img" "$size" > /dev/null \
    || die "could not make the disk image $img (is there $size free in $work?)"
  echo "image_s=$(since "$start" "$(now)")" >> "$times"
  echo "   $img: $(du -h "$img" | cut -f1) used of $size"
}

# ---- 4. boot and time -----------------------------------------------------------------------------------

newest() { find "$root/boot" -maxdepth 1 -name "$1" -type f | sort -V | tail -n 1; }

# Each console line, with the host's time when it arrived.
stamp() {
  local line
  while IFS= read -r line; do
    printf '%s %s\n' "$EPOCHREALTIME" "${line//$'\r'/}"
  done
}

boot() {
  local kernel initrd serial=$work/serial.log
  kernel=$(newest 'vmlinuz-*')
  initrd=$(newest 'initrd.img-*')
  { [ -n "$kernel" ] && [ -n "$initrd" ]; } || die "no kernel in $root/boot: the root needs linux-image-amd64"
  local display=(-vga std)
  [ "$vga" = virtio ] && display=(-vga none -device virtio-vga)
  local qemu=(qemu-system-x86_64 -name learning-cinema-boot-test -accel "$accel" -cpu max -m 2048 -smp 2
              -kernel "$kernel" -initrd "$initrd"
              -append "root=/dev/vda rw console=tty0 console=ttyS0 systemd.show_status=1"
              -drive "file=$img,format=raw,if=virtio" "${display[@]}" -display none -nic none
              -rtc base=utc -serial stdio -monitor "unix:$work/monitor.sock,server=on,wait=off" -no-reboot -pidfile "$work/qemu.pid")
  rm -f "$work/qemu.pid" "$serial" "$work/screen.ppm"
  local start
  start=$(now)
  echo "poweron=$start" >> "$times"
  "${qemu[@]}" < /dev/null 2> "$work/qemu.err" | stamp > "$serial" &
  local waited=0 stopped=""
  while [ -z "$qemu_pid" ] && [ "$waited" -lt 20 ]; do
    sleep 0.5; waited=$((waited + 1)); qemu_pid=$(cat "$work/qemu.pid" 2>/dev/null || true)
  done
  [ -n "$qemu_pid" ] || die "qemu did not start (see $work/qemu.err)"
  local deadline=$((SECONDS + timeout)) pressed=0 shot=0
  while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ] && [ -z "$stopped" ] && [ "$pressed" = 0 ]; then
      # The power button (ACPI): systemd shuts down properly, so the journals reach the disk.
      echo "   no journal record after $timeout s: pressing the VM's power button"
      monitor system_powerdown
      pressed=1
      stopped=power-button-no-record
      deadline=$((SECONDS + 180))
    elif [ "$SECONDS" -ge "$deadline" ]; then
      echo "   the VM did not switch itself off within 3 minutes: stopping it"
      stopped=killed-$stopped
      kill "$qemu_pid" 2>/dev/null || true
      break
    fi
    if [ -z "$stopped" ] && grep -q 'BOOT-TEST record' "$serial" 2>/dev/null; then
      stopped=poweroff
      deadline=$((SECONDS + 180))  # the VM switches itself off; it gets 3 minutes
    fi
    if [ "$shot" = 0 ] && grep -q 'BOOT-TEST screen' "$serial" 2>/dev/null; then
      monitor screendump "$work/screen.ppm"  # what the kiosk shows a few seconds after its first record
      shot=1
    fi
    sleep 1
  done
  wait || true
  qemu_pid=""
  [ -n "$stopped" ] || stopped="qemu-ended"
  echo "stopped=$stopped" >> "$times"
  echo "   qemu ran $(since "$start" "$(now)") s; stopped: $stopped"
}

# A command to qemu's monitor: system_powerdown (the power button), screendump FILE (the screen).
monitor() {
  python3 - "$work/monitor.sock" "$*" <<'EOF' || true
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
time.sleep(1)
EOF
}

# ---- 5. read the results from the image -------------------------------------------------------------------

read_results() {
  local start serial=$work/serial.log
  start=$(sed -n 's/^poweron=//p' "$times" | tail -n 1)
  rm -rf "$work/guest-journal" "$work"/journal.sqlite*
  local f
  for f in journal.sqlite journal.sqlite-wal; do
    debugfs -R "dump /var/lib/learning-cinema/$f $work/$f" "$img" > /dev/null 2>&1 || true
    [ -s "$work/$f" ] || rm -f "$work/$f"
  done
  mkdir -p "$work/guest-journal"
  debugfs -R "rdump /var/log/journal $work/guest-journal" "$img" > /dev/null 2>&1 || true
  python3 - "$start" "$serial" "$work" >> "$times" <<'EOF'
import re, sqlite3, sys
start, serial, work = float(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = []
for raw in open(serial, errors="replace"):
    stamp, _, text = raw.rstrip("\n").partition(" ")
    lines.append((float(stamp), re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)))
def first(pattern):
    return next((t for t, text in lines if re.search(pattern, text)), None)
def out(key, value):
    print(f"{key}={'' if value is None else '%.2f' % (value - start) if isinstance(value, float) else value}")
out("systemd", first(r"Welcome to .*Debian"))
out("unit", first(r"Started .*(learning-cinema\.service|Learning Cinema kiosk)"))
def said(what):  # (host time, words) of the watcher's line "BOOT-TEST what ..."
    return next(((t, text.split("BOOT-TEST ", 1)[1].split()) for t, text in lines
                 if f"BOOT-TEST {what} " in text), (None, None))
seen, words = said("clock")
offset = seen - float(words[1]) if words else None  # VM clock + offset = host clock
started = {}  # program: host time it started
seen, words = said("starts")
if words:
    uptime = float(words[1])
    for word in words[2:]:
        name, _, since_boot = word.partition("=")
        # several processes of one name (a restart): the earliest is the one that stayed
        started[name] = min(started.get(name, seen), seen - (uptime - float(since_boot)))
print(f"clock_offset={'' if offset is None else '%.3f' % offset}")
# The kernel's clock starts at 0: a console line stamped [ T ] in the kernel's time arrived at the host
# no earlier than T after the kernel started, so the smallest difference is the kernel's start.
kernel_zero = [t - float(m.group(1)) for t, text in lines for m in [re.match(r"\[\s*(\d+\.\d+)\]", text)] if m]
out("kernel", min(kernel_zero) if kernel_zero else None)
watched = said("record")[1]
wall, kind = None, ""
try:
    c = sqlite3.connect(f"{work}/journal.sqlite")
    row = c.execute("SELECT wall, kind FROM records ORDER BY seq LIMIT 1").fetchone()
    if row:
        wall, kind = row
except sqlite3.Error as exc:
    print(f"journal_error={exc}")
if wall is None and watched:  # the VM was stopped before its journal reached the disk
    wall, kind = float(watched[1]), watched[2]
out("record", wall + offset if wall is not None and offset is not None else None)
print(f"record_kind={kind}")
out("display", started.get("cage", started.get("Xorg")))
# What draws for the kiosk at the end: cage, Xorg, or neither (the kiosk's SDL on the DRM device itself).
print(f"display_program={'cage' if 'cage' in started else 'Xorg' if 'Xorg' in started else 'none' if started else ''}")
out("kiosk", started.get("cinema"))
print(f"cpu_s={(said('cpu')[1] or ['', ''])[1]}")
print(f"analyze={' '.join((said('analyze')[1] or [''])[1:])}")
EOF
}

# ---- the run --------------------------------------------------------------------------------------------

need_tools
: > "$times"
{ echo "install_session=${session:-default}"; echo "vga=$vga"; echo "vm_env=${vm_env[*]}"; } >> "$times"
step "A Debian 12 root";          make_root; configure_root
step "Installing the bundle (no network)"; install_bundle
step "Test image only: the watcher"; add_watcher
step "Disk image";                make_image
if [ "$image_only" = 1 ]; then echo "Image made: $img"; exit 0; fi
step "Booting ($accel)";          boot
step "Reading the journal from the image"; read_results
grep -E '^(install_s|image_s|kernel|systemd|unit|display|display_program|kiosk|record|record_kind|stopped|analyze)=' "$times" | sed 's/^/   /'
grep -q '^record=[0-9]' "$times" \
  || die "the kiosk wrote no journal record: see $work/serial.log and journalctl -D $work/guest-journal/journal -u learning-cinema"
echo "Power-on to the first journal record: $(sed -n 's/^record=//p' "$times") s (emulated, no firmware or GRUB)"
