#!/usr/bin/env bash
# Install Learning Cinema as a kiosk on a Debian/Ubuntu laptop: run as root; safe to run again.
#
#   sudo bash deploy/install.sh                       from the internet (apt and PyPI)
#   sudo bash deploy/install.sh --offline BUNDLE      from a USB stick (deploy/make-offline-bundle.sh)
#   sudo bash deploy/install.sh --root DIR ...        into another system's root folder (a chroot,
#                                                     a disk image, a test): commands run in it by chroot
# Options: --session cage|x11|both (default: what the bundle carries, else cage; with both, the kiosk
# draws with X11 when cage fails), --card-key FILE (the programme's card key file).
#
# What it does, each step only if needed: installs the system packages; makes the `cinema` user
# (groups dialout, video, input, audio, render); copies the program to /opt/learning-cinema with
# its own Python in /opt/learning-cinema/.venv; keeps data in /var/lib/learning-cinema and the
# settings in /etc/learning-cinema/kiosk.yaml (made once, never overwritten); installs the udev
# rules and the kiosk service that starts the lesson screen at boot, with no desktop.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP_DIR=/opt/learning-cinema
CONF_DIR=/etc/learning-cinema
DATA_DIR=/var/lib/learning-cinema
KIOSK_USER=cinema
KIOSK_GROUPS=(dialout video input audio render)
SERVICE=learning-cinema.service

root=/
offline=""
session=""
card_key=""
source_dir=""
changes=0

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }
step() { echo "== $*"; }
changed() { changes=$((changes + 1)); echo "   changed: $*"; }

given="$*"  # for the message below, if not run as root
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    --offline) offline=${2:?--offline needs the bundle folder}; shift 2 ;;
    --session) session=${2:?--session needs cage, x11 or both}; shift 2 ;;
    --card-key) card_key=${2:?--card-key needs a file}; shift 2 ;;
    --source) source_dir=${2:?--source needs a folder}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

# ---- where things are ------------------------------------------------------------------------

# sbin too: `su` without `-` keeps the user's PATH, where useradd and groupadd are not.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
if [ "$(id -u)" != 0 ]; then
  me="$(cd "$(dirname "$0")" && pwd)/$(basename "$0") $given"
  die "run me as root: sudo bash ${me% } (without sudo: su - -c \"bash ${me% }\", then root's password)"
fi
[ -d "$root" ] || die "no such folder: $root"
root=$(cd "$root" && pwd)
case "$session" in ''|cage|x11|both) ;; *) die "--session must be cage, x11 or both, not $session" ;; esac
[ -f "$root/etc/debian_version" ] || die "this is not Debian or Ubuntu ($root/etc/debian_version is missing)"

if [ -n "$offline" ]; then
  [ -d "$offline" ] || die "no bundle folder at $offline"
  offline=$(cd "$offline" && pwd)
  if [ ! -f "$offline/MANIFEST.sha256" ] || [ ! -d "$offline/wheels" ] || [ ! -d "$offline/debs" ]; then
    die "$offline is not a bundle made by make-offline-bundle.sh (MANIFEST.sha256, wheels/, debs/)"
  fi
fi
if [ -z "$session" ]; then  # a bundle's sessions (both by default: cage, and X11 when cage fails)
  [ -z "$offline" ] || session=$(sed -n 's/^session=//p' "$offline/BUNDLE-INFO" 2>/dev/null || true)
  case "$session" in cage|x11|both) ;; *) session=cage ;; esac
fi
if [ -z "$source_dir" ]; then
  if [ -n "$offline" ] && [ -f "$offline/source/pyproject.toml" ]; then
    source_dir=$offline/source
  else
    source_dir=$(cd "$HERE/.." && pwd)
  fi
fi
if [ ! -f "$source_dir/pyproject.toml" ] || [ ! -d "$source_dir/cinema" ]; then
  die "no Learning Cinema program in $source_dir"
fi
if [ -z "$card_key" ] && [ -n "$offline" ] && [ -f "$offline/card-keys.json" ]; then
  card_key=$offline/card-keys.json
fi
[ -z "$card_key" ] || [ -f "$card_key" ] || die "no card key file at $card_key"

# A path of the installed system, as seen from here.
at() { printf '%s%s' "${root%/}" "$1"; }

# Run a command inside the installed system.
in_target() {
  if [ "$root" = / ]; then "$@"; else chroot "$root" "$@"; fi
}

# ---- files that change only when their content or mode does -----------------------------------

# put_file SOURCE TARGET_PATH MODE [OWNER:GROUP]
put_file() {
  local src=$1 dest dest_rel=$2 mode=$3
  dest=$(at "$dest_rel")
  resolve "${4:-0:0}"
  if [ -f "$dest" ] && [ "$(stat -c '%a %u:%g' "$dest")" = "${mode#0} $owner_ids" ] && cmp -s "$src" "$dest"; then
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" -o "${owner_ids%:*}" -g "${owner_ids#*:}" "$src" "$dest"
  changed "$dest_rel"
}

# put_text TARGET_PATH MODE [OWNER:GROUP] < text
put_text() {
  local tmp
  tmp=$(mktemp)
  cat > "$tmp"
  put_file "$tmp" "$@"
  rm -f "$tmp"
}

# put_dir TARGET_PATH MODE [OWNER:GROUP]
put_dir() {
  local dest dest_rel=$1 mode=$2
  dest=$(at "$dest_rel")
  resolve "${3:-0:0}"
  if [ -d "$dest" ] && [ "$(stat -c '%a %u:%g' "$dest")" = "${mode#0} $owner_ids" ]; then
    return 0
  fi
  mkdir -p "$dest"
  chmod "$mode" "$dest"
  chown "$owner_ids" "$dest"
  changed "$dest_rel/"
}

# own TARGET_PATH USER:GROUP [MODE]: a file that exists gets this owner (and mode). Files made
# with sudo (a card key from `sudo cinema cards`, a journal from `sudo cinema run`) are root's,
# and the kiosk user could not read or write them.
own() {
  local dest
  dest=$(at "$1")
  [ -f "$dest" ] || return 0
  resolve "$2"
  local want="${3:+${3#0} }$owner_ids" format='%u:%g'
  [ -n "${3:-}" ] && format='%a %u:%g'
  [ "$(stat -c "$format" "$dest")" = "$want" ] && return 0
  chown "$owner_ids" "$dest"
  [ -z "${3:-}" ] || chmod "$3" "$dest"
  changed "$1 (owner)"
}

# resolve USER:GROUP: sets owner_ids to UID:GID of the installed system (its /etc/passwd, not this one's)
declare -A id_cache=()
owner_ids=""
resolve() {
  if [ -z "${id_cache[$1]:-}" ]; then
    local user=${1%%:*} group=${1#*:} uid gid
    uid=$(name_to_id "$user" passwd) || die "no user $user in $(at /etc/passwd)"
    gid=$(name_to_id "$group" group) || die "no group $group in $(at /etc/group)"
    id_cache[$1]="$uid:$gid"
  fi
  owner_ids=${id_cache[$1]}
}

name_to_id() {
  case "$1" in ''|*[!0-9]*) ;; *) echo "$1"; return 0 ;; esac
  awk -F: -v n="$1" '$1 == n { print $3; found = 1 } END { exit !found }' "$(at "/etc/$2")"
}

has_group() { awk -F: -v g="$1" '$1 == g { found = 1 } END { exit !found }' "$(at /etc/group)"; }
has_user() { awk -F: -v u="$1" '$1 == u { found = 1 } END { exit !found }' "$(at /etc/passwd)"; }
in_group() { awk -F: -v g="$1" -v u="$2" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) found = 1 } END { exit !found }' "$(at /etc/group)"; }

# sync_tree SOURCE_DIR TARGET_DIR: copy changed files, remove files the source no longer has.
sync_tree() {
  local src=$1 dest_rel=$2 dest rel
  [ -d "$src" ] || return 0
  dest=$(at "$dest_rel")
  if [ ! -d "$dest" ]; then  # a new folder: one copy, not one step per file
    mkdir -p "$dest"
    cp -R "$src/." "$dest/"
    find "$dest" \( -name '__pycache__' -o -name '*.pyc' \) -prune -exec rm -rf {} +
    find "$dest" -type d -exec chmod 0755 {} +
    find "$dest" -type f -exec chmod 0644 {} +
    chown -R 0:0 "$dest"
    changed "$dest_rel/"
    return 0
  fi
  while IFS= read -r -d '' rel; do
    put_file "$src/$rel" "$dest_rel/$rel" 0644
  done < <(cd "$src" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -printf '%P\0' | sort -z)
  while IFS= read -r -d '' rel; do
    if [ ! -f "$src/$rel" ]; then
      rm -f "$dest/$rel"
      changed "$dest_rel/$rel (removed)"
    fi
  done < <(cd "$dest" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -printf '%P\0' | sort -z)
}

# ---- 1. system packages -----------------------------------------------------------------------

wanted_packages() {
  local name kind
  while read -r name kind; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ "$kind" = all ] || [ "$kind" = "$session" ] || { [ "$session" = both ] && [ "$kind" != build ]; } \
       || { [ "$kind" = build ] && [ -z "$offline" ]; }; then
      echo "$name"
    fi
  done < "$HERE/packages.txt"
}

install_packages() {
  local wanted=() missing=() p
  mapfile -t wanted < <(wanted_packages)
  local have
  # shellcheck disable=SC2016  # ${Package} is dpkg-query's field, not a shell variable
  have=$(in_target dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)
  for p in "${wanted[@]}"; do
    grep -qx "$p install ok installed" <<< "$have" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "   installing: ${missing[*]}"
  if [ -n "$offline" ]; then
    install_packages_offline "${missing[@]}"
  else
    in_target apt-get update -q
    DEBIAN_FRONTEND=noninteractive in_target apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  changed "packages: ${missing[*]}"
}

# The bundle's debs/ folder is a small apt repository: apt takes from it only what this laptop
# lacks, so packages the laptop already has in a newer version are left alone. A dry run comes
# first: when apt would refuse (a package the laptop lacks needs the exact version of one the
# laptop has newer), the laptop is left as it was and the reason is said in one sentence.
install_packages_offline() {
  bundle_carries "$@"
  local work
  work=$(mktemp -d "$(at /tmp)/learning-cinema-apt.XXXXXX")
  chmod 0755 "$work"  # apt reads the files as its own user, _apt
  mkdir -p "$work/lists/partial" "$work/parts" "$work/debs"
  cp "$offline"/debs/* "$work/debs/"
  local inside=${work#"${root%/}"}
  echo "deb [trusted=yes] file:$inside/debs ./" > "$work/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$inside/sources.list" -o "Dir::Etc::SourceParts=$inside/parts"
              -o "Dir::State::Lists=$inside/lists" -o "APT::Get::List-Cleanup=0"
              -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")  # the laptop's apt cache is left as it was
  in_target apt-get "${opts[@]}" update -qq
  local plan
  if ! plan=$(LC_ALL=C in_target apt-get "${opts[@]}" install --simulate -q --no-install-recommends "$@" 2>&1); then
    rm -rf "$work"
    apt_refused "$plan"
  fi
  DEBIAN_FRONTEND=noninteractive in_target apt-get "${opts[@]}" install -y -q --no-install-recommends "$@"
  rm -rf "$work"
}

# bundle_carries PACKAGE...: each package this laptop lacks is in the bundle (one made with
# --session cage has no X11 packages).
bundle_carries() {
  local p lacking=()
  for p in "$@"; do
    grep -qx "Package: $p" "$offline/debs/Packages" || lacking+=("$p")
  done
  [ "${#lacking[@]}" -eq 0 ] \
    || die "this bundle does not carry $(few "${lacking[@]}"), which this laptop needs: make a new bundle with --session both"
}

# few ITEM...: "a, b, c, d and 3 more"
few() {
  local shown
  shown=$(printf '%s, ' "${@:1:4}")
  shown=${shown%, }
  [ "$#" -le 4 ] || shown="$shown and $(($# - 4)) more"
  echo "$shown"
}

# apt_refused APT_OUTPUT: apt's dry run failed; say why in words and stop (nothing was changed).
apt_refused() {
  local newer
  newer=$(newer_here "$1")
  if [ -n "$newer" ]; then
    echo "install.sh: this bundle is older than this laptop's packages: make a new bundle on a machine updated like this laptop." >&2
    echo "   newer on this laptop than in the bundle: $newer" >&2
    exit 1
  fi
  grep -e '^E: ' -e ' : ' <<< "$1" | head -n 4 | sed 's/^ */   apt: /' >&2 || true
  die "apt cannot install the bundle's packages on this laptop (its reason is above): make a new bundle on a machine like this laptop"
}

# newer_here APT_OUTPUT: the packages this laptop has in a newer version than the bundle, as
# "name VERSION (the bundle's: VERSION)"; those apt named first, four at most.
newer_here() {
  local name mine theirs named=() others=() words
  words=$(tr -s ' \t' '\n' <<< "$1" | LC_ALL=C sort -u)
  while read -r name mine theirs; do
    in_target dpkg --compare-versions "$mine" gt "$theirs" || continue
    if grep -qxF -- "$name" <<< "$words"; then
      named+=("$name $mine (the bundle's: $theirs)")
    else
      others+=("$name $mine (the bundle's: $theirs)")
    fi
  done < <(LC_ALL=C join <(laptop_versions) <(bundle_versions))
  [ "$(( ${#named[@]} + ${#others[@]} ))" -eq 0 ] || few "${named[@]}" "${others[@]}"
}

# "name version" of each package installed on this laptop, and of each in the bundle (sorted by name).
laptop_versions() {
  # shellcheck disable=SC2016  # dpkg-query's fields, not shell variables
  in_target dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' 2>/dev/null \
    | awk '$1 == "ii" { print $2, $3 }' | LC_ALL=C sort -u -k1,1
}

bundle_versions() {
  awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }' "$offline/debs/Packages" | LC_ALL=C sort -u -k1,1
}

check_bundle() {
  (cd "$offline" && sha256sum --quiet -c MANIFEST.sha256) \
    || die "the bundle in $offline is damaged or incomplete: copy it onto the USB stick again"
  [ -f "$offline/BUNDLE-INFO" ] || return 0
  local made_for here
  made_for="$(sed -n 's/^release=//p' "$offline/BUNDLE-INFO") $(sed -n 's/^architecture=//p' "$offline/BUNDLE-INFO")"
  here="$(os_release ID) $(os_release VERSION_ID) $(in_target dpkg --print-architecture)"
  [ "$made_for" = "$here" ] \
    || die "this bundle was made for $made_for but this laptop is $here: make one on a machine like this laptop"
}

os_release() { sed -n "s/^$1=//p" "$(at /etc/os-release)" | tr -d '"'; }

check_python() {
  in_target python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Learning Cinema needs Python 3.11 or newer (Debian 12, Ubuntu 24.04 or later)"
}

# ---- 2. the kiosk user -----------------------------------------------------------------------

make_user() {
  local g
  for g in "${KIOSK_GROUPS[@]}"; do
    if ! has_group "$g"; then
      in_target groupadd --system "$g"
      changed "group $g"
    fi
  done
  if ! has_user "$KIOSK_USER"; then
    in_target useradd --system --user-group --home-dir "$DATA_DIR/home" --no-create-home \
      --shell /usr/sbin/nologin --comment "Learning Cinema kiosk" "$KIOSK_USER"
    changed "user $KIOSK_USER"
  fi
  for g in "${KIOSK_GROUPS[@]}"; do
    if ! in_group "$g" "$KIOSK_USER"; then
      in_target usermod -a -G "$g" "$KIOSK_USER"
      changed "$KIOSK_USER in group $g"
    fi
  done
}

# ---- 3. the program and its Python -------------------------------------------------------------

install_program() {
  local part
  put_dir "$APP_DIR" 0755
  put_dir "$APP_DIR/app" 0755
  for part in cinema playlists activities kiosk_config deploy demo_media; do
    sync_tree "$source_dir/$part" "$APP_DIR/app/$part"
  done
  for part in pyproject.toml README.md launcher.py LICENSE; do
    [ -f "$source_dir/$part" ] && put_file "$source_dir/$part" "$APP_DIR/app/$part" 0644
  done
  put_dir "$APP_DIR/bin" 0755
  put_file "$HERE/session/kiosk-xsession" "$APP_DIR/bin/kiosk-xsession" 0755
  put_text /usr/local/bin/cinema 0755 <<EOF
#!/bin/sh
# Learning Cinema's command, with this laptop's settings (installed by deploy/install.sh).
export CINEMA_CONFIG="\${CINEMA_CONFIG:-$CONF_DIR/kiosk.yaml}"
exec $APP_DIR/.venv/bin/cinema "\$@"
EOF
}

# The packages are installed again only when what they depend on changed (pyproject.toml, the
# bundle's wheels): a second run does not touch a working Python.
install_python() {
  local venv=$APP_DIR/.venv stamp wanted
  if [ ! -x "$(at "$venv/bin/python")" ]; then
    in_target python3 -m venv "$venv"
    changed "$venv"
  fi
  stamp=$(at "$venv/.learning-cinema-installed")
  wanted=$( { sha256sum < "$source_dir/pyproject.toml"; [ -z "$offline" ] || (cd "$offline/wheels" && ls); } | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  if [ -n "$offline" ]; then
    local work inside
    work=$(mktemp -d "$(at /tmp)/learning-cinema-wheels.XXXXXX")
    cp "$offline"/wheels/* "$work/"
    inside=${work#"${root%/}"}
    # Only the bundle: no index, and no pip settings of this machine (a mirror, other folders).
    PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS="" PIP_INDEX_URL="" PIP_EXTRA_INDEX_URL="" \
      in_target "$venv/bin/pip" install -q --no-index --find-links "$inside" -e "$APP_DIR/app[hid]"
    rm -rf "$work"
  else
    in_target "$venv/bin/pip" install -q -e "$APP_DIR/app"
    # USB keypads need evdev, which compiles; the kiosk runs without it and says so if keypads are set.
    in_target "$venv/bin/pip" install -q -e "$APP_DIR/app[hid]" \
      || echo "   note: USB keypads will not work: the evdev package did not build"
  fi
  echo "$wanted" > "$stamp"
  changed "Python packages in $venv"
}

# ---- 4. settings and data -----------------------------------------------------------------------

# The shipped settings, with paths pointing at this laptop's folders and the laptop's name.
kiosk_settings() {
  local name
  name=$(tr -cd 'A-Za-z0-9._-' 2>/dev/null < "$(at /etc/hostname)" || true)
  sed -e "s|^kiosk_id: .*|kiosk_id: ${name:-kiosk}|" \
      -e "s|^journal: .*|journal: $DATA_DIR/journal.sqlite|" \
      -e "s|^playlist: playlists/|playlist: $DATA_DIR/lessons/playlists/|" \
      -e "s|^playlists_dir: .*|playlists_dir: $DATA_DIR/lessons/playlists|" \
      -e "s|^activities_dir: .*|activities_dir: $DATA_DIR/lessons/activities|" \
      -e "s|^  keys: .*|  keys: $DATA_DIR/card-keys.json|" \
      -e 's|^#   \* Paths are relative to the project folder.*|#   * Paths are full paths on this laptop (lessons are in '"$DATA_DIR"'/lessons).|' \
      "$source_dir/kiosk_config/default.yaml"
}

install_settings() {
  put_dir "$CONF_DIR" 0755
  # The template of this version, to compare with after an update; the teacher's file is never touched.
  kiosk_settings | put_text "$CONF_DIR/kiosk.yaml.default" 0644
  if [ -f "$(at "$CONF_DIR/kiosk.yaml")" ]; then
    echo "   kept your settings: $CONF_DIR/kiosk.yaml"
  else
    kiosk_settings | put_text "$CONF_DIR/kiosk.yaml" 0640 "0:$KIOSK_USER"
  fi
}

install_data() {
  local part
  put_dir "$DATA_DIR" 0750 "$KIOSK_USER:$KIOSK_USER"
  put_dir "$DATA_DIR/home" 0750 "$KIOSK_USER:$KIOSK_USER"
  # The demo lessons only the first time: after that, lessons/ belongs to the team.
  if [ ! -d "$(at "$DATA_DIR/lessons")" ]; then
    put_dir "$DATA_DIR/lessons" 0755 "$KIOSK_USER:$KIOSK_USER"
    for part in playlists activities demo_media; do
      [ -d "$source_dir/$part" ] || continue
      cp -R "$source_dir/$part" "$(at "$DATA_DIR/lessons/$part")"
      find "$(at "$DATA_DIR/lessons/$part")" -name '__pycache__' -prune -exec rm -rf {} +
      resolve "$KIOSK_USER:$KIOSK_USER"
      chown -R "$owner_ids" "$(at "$DATA_DIR/lessons/$part")"
      changed "$DATA_DIR/lessons/$part (demo lessons)"
    done
    [ -d "$source_dir/demo_media" ] \
      || echo "   note: no demo videos in this copy; the demo lesson will say its files are missing"
  fi
  if [ -n "$card_key" ] && [ ! -f "$(at "$DATA_DIR/card-keys.json")" ]; then
    put_file "$card_key" "$DATA_DIR/card-keys.json" 0640 "$KIOSK_USER:$KIOSK_USER"
  fi
  # The answer cards' numbers, kept beside the key by `cinema cards`, come with it (also only once).
  if [ -n "$card_key" ] && [ -f "$(dirname "$card_key")/card-numbers.json" ] \
     && [ ! -f "$(at "$DATA_DIR/card-numbers.json")" ]; then
    put_file "$(dirname "$card_key")/card-numbers.json" "$DATA_DIR/card-numbers.json" 0640 "$KIOSK_USER:$KIOSK_USER"
  fi
  own "$DATA_DIR/card-keys.json" "$KIOSK_USER:$KIOSK_USER" 0640
  local f
  for f in journal.sqlite journal.sqlite-wal journal.sqlite-shm; do
    own "$DATA_DIR/$f" "$KIOSK_USER:$KIOSK_USER"
  done
}

# ---- 5. devices, screen and start at boot ------------------------------------------------------

install_udev() {
  local before=$changes
  put_file "$HERE/udev/99-learning-cinema.rules" /etc/udev/rules.d/99-learning-cinema.rules 0644
  # USB sticks are mounted where the kiosk looks for one, writable by the kiosk user.
  resolve "$KIOSK_USER:$KIOSK_USER"
  sed -e "s/@UID@/${owner_ids%:*}/g" -e "s/@GID@/${owner_ids#*:}/g" \
    "$HERE/udev/98-learning-cinema-usb-stick.rules.in" | put_text /etc/udev/rules.d/98-learning-cinema-usb-stick.rules 0644
  if [ "$changes" != "$before" ] && [ "$root" = / ] && [ -d /run/udev ]; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=tty --subsystem-match=video4linux --subsystem-match=input \
      --subsystem-match=hidraw || true
  fi
}

install_session() {
  local before=$changes unit=learning-cinema.service
  [ "$session" = x11 ] && unit=learning-cinema-x11.service
  # kiosk-start draws with cage, else X11, else puts a message on the screen (no dark restart loop).
  put_file "$HERE/session/kiosk-start" "$APP_DIR/bin/kiosk-start" 0755
  put_file "$HERE/session/$unit" "/etc/systemd/system/$SERVICE" 0644
  put_file "$HERE/session/pam-learning-cinema" /etc/pam.d/learning-cinema 0644
  put_file "$HERE/session/logind.conf" /etc/systemd/logind.conf.d/learning-cinema.conf 0644
  [ "$session" != cage ] && put_file "$HERE/session/Xwrapper.config" /etc/X11/Xwrapper.config 0644
  if [ -d "$(at /etc/default)" ]; then
    local grub_before=$changes
    put_file "$HERE/session/grub-consoleblank.cfg" /etc/default/grub.d/learning-cinema.cfg 0644
    if [ "$changes" != "$grub_before" ] && in_target sh -c 'command -v update-grub' >/dev/null 2>&1; then
      in_target update-grub || echo "   note: update-grub failed; the boot menu may still wait and the text console may blank"
    fi
  fi
  no_network_wait
  if [ "$changes" != "$before" ] && [ "$root" = / ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
  fi
  if [ "$(in_target systemctl is-enabled "$SERVICE" 2>/dev/null || true)" != enabled ]; then
    in_target systemctl enable "$SERVICE"
    changed "the kiosk starts at boot ($SERVICE)"
  fi
  # No desktop: the laptop boots straight into the kiosk (the desktop would fight it for tty1).
  if [ "$(in_target systemctl get-default 2>/dev/null || true)" != multi-user.target ]; then
    in_target systemctl set-default multi-user.target
    changed "boots without the desktop (multi-user.target)"
  fi
}

# Nothing in the kiosk needs the network at boot (the Wi-Fi hotspot comes up by itself when
# NetworkManager is ready), so the "wait until online" services, which can hold the boot for a
# minute or more on a laptop with no cable when anything asks for network-online.target, are masked.
no_network_wait() {
  local unit dir found
  for unit in systemd-networkd-wait-online.service NetworkManager-wait-online.service ifupdown-wait-online.service; do
    found=""
    for dir in /lib/systemd/system /usr/lib/systemd/system; do
      [ -e "$(at "$dir/$unit")" ] && found=1
    done
    [ -n "$found" ] || continue  # not on this laptop
    # What `systemctl mask` does, done here so that it works in a chroot and before the first boot.
    [ "$(readlink "$(at "/etc/systemd/system/$unit")" || true)" = /dev/null ] && continue
    mkdir -p "$(at /etc/systemd/system)"
    ln -sfn /dev/null "$(at "/etc/systemd/system/$unit")"
    changed "the boot does not wait for the network ($unit masked)"
  done
}

# ---- the run --------------------------------------------------------------------------------------

echo "Learning Cinema kiosk: installing into $root${offline:+ from $offline}"
if [ -n "$offline" ]; then step "Checking the bundle"; check_bundle; fi
step "System packages";  install_packages; check_python
step "Kiosk user";       make_user
step "Program";          install_program; install_python
step "Settings and data"; install_settings; install_data
step "Devices";          install_udev
step "Kiosk at boot";    install_session

if [ "$changes" -eq 0 ]; then
  echo "Nothing to change: this laptop was already set up."
else
  echo "Done: $changes change(s). Next: sudo cinema doctor, then restart the laptop to start the kiosk."
fi
