#!/usr/bin/env bash
# Make the offline bundle for deploy/install.sh: run as root on a connected Debian/Ubuntu machine
# of the SAME release and architecture as the kiosk laptops (e.g. Debian 12, amd64).
#
#   sudo bash deploy/make-offline-bundle.sh OUTDIR [--session cage|x11|both] [--card-key FILE]
#
# OUTDIR gets: source/ (the program and demo lessons), wheels/ (every Python package, evdev
# built here), debs/ (the .deb files with all their dependencies, as a small apt repository),
# install.sh (what to run on the laptop), BUNDLE-INFO and MANIFEST.sha256 (checked before
# installing). Copy OUTDIR to a USB stick; on the laptop: sudo bash /media/.../OUTDIR/install.sh
#
# --session: both (the default: cage, and X11 when cage cannot draw), cage or x11 alone.
# --card-key FILE: the programme's card key (the same file for every laptop of a programme: printed
# cards are signed with it), put in as OUTDIR/card-keys.json with the card-numbers.json beside it.
# Without it, copy them in later: cp var/card-keys.json var/card-numbers.json OUTDIR/. A programme's
# first key is made once, by `.venv/bin/cinema cards ROSTER.csv -o cards.pdf` (in var/ of this copy).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
out=""
session=both
card_key=""

die() { echo "make-offline-bundle.sh: $*" >&2; exit 1; }
step() { echo "== $*"; }
os_release() { sed -n "s/^$1=//p" /etc/os-release | tr -d '"'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --session) session=${2:?--session needs cage, x11 or both}; shift 2 ;;
    --card-key) card_key=${2:?--card-key needs a file}; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option: $1" ;;
    *) [ -z "$out" ] || die "one OUTDIR only"; out=$1; shift ;;
  esac
done
[ -n "$out" ] || die "usage: sudo bash deploy/make-offline-bundle.sh OUTDIR"
if [ "$(id -u)" != 0 ]; then
  me="$HERE/make-offline-bundle.sh $(realpath -m "$out")"
  die "run me as root (apt needs it): sudo bash $me (without sudo: su - -c \"bash $me\", then root's password)"
fi
case "$session" in cage|x11|both) ;; *) die "--session must be cage, x11 or both" ;; esac
[ -z "$card_key" ] || [ -f "$card_key" ] || die "no card key file at $card_key: leave --card-key out (then \
copy the programme's key into the bundle later, as card-keys.json), or make the programme's first key with \
\`.venv/bin/cinema cards ROSTER.csv -o cards.pdf\` (it writes var/card-keys.json)"
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  die "$out is not empty: choose a new folder"
fi
mkdir -p "$out/source" "$out/wheels" "$out/debs"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "Tools for making the bundle"
need=()
for p in python3-venv gcc python3-dev apt-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
apt-get update -q
if [ "${#need[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

step "Program (source/)"
for part in cinema playlists activities kiosk_config deploy demo_media; do
  [ -d "$SRC/$part" ] && cp -R "$SRC/$part" "$out/source/$part"
done
for part in pyproject.toml README.md launcher.py LICENSE; do
  [ -f "$SRC/$part" ] && cp "$SRC/$part" "$out/source/$part"
done
find "$out/source" -name '__pycache__' -prune -exec rm -rf {} +

step "Python packages (wheels/)"
# The same Python as the laptops' (Debian's python3), so wheels and the evdev build match.
"${PYTHON:-python3}" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --upgrade pip
# pip and the build tools too: the laptop installs the program with no index at all.
"$work/venv/bin/pip" download -q -d "$out/wheels" pip "setuptools>=77" wheel
"$work/venv/bin/pip" wheel -q -w "$out/wheels" "$out/source[hid]"
rm -f "$out"/wheels/learning_cinema-*.whl
# The proof that the laptop will manage: install from wheels/ alone, as install.sh does.
"$work/venv/bin/pip" install -q --no-index --find-links "$out/wheels" "$out/source[hid]"
"$work/venv/bin/python" -c 'import cinema.cli, evdev, vlc, pygame' >/dev/null
rm -rf "$out/source/build" "$out"/source/*.egg-info

if [ ! -d "$out/source/demo_media" ]; then
  if command -v ffmpeg >/dev/null && command -v espeak-ng >/dev/null; then
    step "Demo lesson media (source/demo_media)"
    "$work/venv/bin/python" -m cinema.media.demo_media "$out/source/demo_media"
  else
    echo "   note: no demo videos (install ffmpeg and espeak-ng here to include them)"
  fi
fi

step "System packages (debs/)"
packages=()
while read -r name kind; do
  case "$name" in ''|'#'*) continue ;; esac
  if [ "$kind" = all ] || [ "$kind" = "$session" ] || { [ "$session" = both ] && [ "$kind" != build ]; }; then
    packages+=("$name")
  fi
done < "$HERE/packages.txt"
# An empty package list makes apt fetch every dependency, not only what this machine lacks:
# the laptop may have less installed than this machine.
mkdir -p "$work/state" "$out/debs/partial"
: > "$work/state/status"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only --no-install-recommends \
  -o "Dir::State::status=$work/state/status" -o "Dir::Cache::archives=$out/debs" "${packages[@]}"
rm -rf "$out/debs/partial" "$out/debs/lock"
(cd "$out/debs" && apt-ftparchive packages . > Packages && apt-ftparchive release . > Release)

if [ -n "$card_key" ]; then
  step "Card key"
  cp "$card_key" "$out/card-keys.json"
  # The answer cards' numbers, which `cinema cards` keeps beside the key, go with it.
  numbers="$(dirname "$card_key")/card-numbers.json"
  [ ! -f "$numbers" ] || cp "$numbers" "$out/card-numbers.json"
fi

step "Launcher, description and checksums"
cat > "$out/install.sh" <<'EOF'
#!/usr/bin/env bash
# Install Learning Cinema from this USB stick, with no internet: sudo bash install.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "install.sh: run me as root: sudo bash $here/install.sh (without sudo: su - -c \"bash $here/install.sh\", then root's password)" >&2
  exit 1
fi
exec bash "$here/source/deploy/install.sh" --offline "$here" "$@"
EOF
{
  echo "release=$(os_release ID) $(os_release VERSION_ID)"
  echo "architecture=$(dpkg --print-architecture)"
  echo "python=$("$work/venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  echo "session=$session"
  echo "made=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out/BUNDLE-INFO"
(cd "$out" && find . -type f -printf '%P\0' | sort -z | xargs -0 sha256sum) > "$work/MANIFEST.sha256"
mv "$work/MANIFEST.sha256" "$out/MANIFEST.sha256"
echo "Bundle ready in $out ($(du -sh "$out" | cut -f1)): copy the whole folder to a USB stick."
if [ -z "$card_key" ]; then
  echo "No card key in it: for children's QR cards, copy the programme's key in: cp var/card-keys.json var/card-numbers.json $out/"
fi
