#!/usr/bin/env bash
# Set up Learning Cinema from a checkout on Debian/Ubuntu: system packages, then a venv in .venv.
#   bash deploy/setup.sh          what the kiosk needs
#   bash deploy/setup.sh --test   also what the tests need
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(libvlc5 vlc-plugin-base vlc-plugin-video-output ffmpeg espeak-ng fonts-noto-core fonts-dejavu-core v4l-utils
          python3-venv python3-pip)
# Tests also use: a real X server and xrandr, Xorg with the dummy driver (two monitors: presenter
# mode with a projector unplugged and plugged back), socat pty pairs, PDF tools, Chromium (the HTML
# report is opened in it; the hub's phone pages are driven in it by Playwright, from the test extra,
# with executable_path=/usr/bin/chromium: no `playwright install`, nothing downloaded; Arabic pages
# are drawn with fonts-noto-core), Network UPS Tools (a real upsd with the dummy-ups driver), and
# LibreOffice's Impress without its windows (`cinema import` turns .pptx/.odp into slides with it:
# about 78 MB to download, 240 MB installed).
[ "$want_tests" = 1 ] && packages+=(xvfb x11-xserver-utils xserver-xorg-core xserver-xorg-video-dummy socat poppler-utils chromium nut-server nut-client shellcheck libreoffice-impress-nogui)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Learning Cinema needs Python 3.11 or newer; $python is $("$python" --version)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_tests" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
# USB keypads need evdev, which compiles; the kiosk runs without it and says so if keypads are set.
.venv/bin/python -m pip install -q -e ".[hid]" 2>/dev/null \
  || echo "Note: USB keypads need the evdev package (it needs gcc and the Python headers to build)."
if [ "$want_tests" = 1 ]; then
  # A real Learning Record Store for the xAPI test, in its own venv (its dependencies are not ours).
  [ -x .venv-ralph/bin/python ] || "$python" -m venv .venv-ralph
  .venv-ralph/bin/python -m pip install -q "ralph-malph[cli,lrs]==5.1.0" "requests==2.34.2" \
    || echo "Note: Ralph LRS could not be installed; the xAPI test against a real LRS will be skipped."
  # Kolibri's own content schema builds the test Kolibri channels (tests/importers/kolibri_channel.py):
  # the package alone, no dependencies (its SQLAlchemy is vendored), in its own venv.
  [ -x .venv-kolibri/bin/python ] || "$python" -m venv .venv-kolibri
  .venv-kolibri/bin/python -m pip install -q --no-deps "kolibri==0.19.5"
fi
echo "Ready: .venv/bin/cinema"
