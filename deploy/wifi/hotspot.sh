#!/usr/bin/env bash
# The laptop's own Wi-Fi hotspot for the phones of a lesson (NetworkManager), with no internet.
#
#   sudo bash deploy/wifi/hotspot.sh start [--name NAME] [--password PASSWORD]
#   sudo bash deploy/wifi/hotspot.sh stop
#   sudo bash deploy/wifi/hotspot.sh status
#
# Options: --ifname IF (the Wi-Fi adapter; default: the first one NetworkManager has), --port PORT
# (the hub's port, default: the config's hub: port, else 8080), --config FILE (the kiosk's settings;
# default /etc/learning-cinema/kiosk.yaml), --root DIR (another system's root folder, for tests).
#
# start: makes (or updates) the NetworkManager connection "learning-cinema-hotspot" (access point,
# WPA2, the laptop at 10.42.0.1, phones get addresses from it), brings it up now and at every start,
# and makes the hotspot's DNS answer every name with the laptop's address, so the phones' "is there
# internet?" checks reach the kiosk (port 80 is sent on to the hub's port) and the phones keep the
# Wi-Fi. The network's name and password go in the hub: section of the kiosk's settings: the
# projector shows them as the Wi-Fi QR code. Laptop hotspots often stop at 8 to 10 phones: for a
# whole class use a travel router (deploy/README.md, "Wi-Fi for phones").
set -euo pipefail

CONNECTION=learning-cinema-hotspot
ADDRESS=10.42.0.1
DNS_FILE=/etc/NetworkManager/dnsmasq-shared.d/learning-cinema.conf
DISPATCHER=/etc/NetworkManager/dispatcher.d/90-learning-cinema-hotspot
DEFAULT_CONFIG=/etc/learning-cinema/kiosk.yaml
DEFAULT_NAME=Learning-Cinema
PHONES_LIMIT=8  # laptop hotspots often stop at 8 to 10 phones

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=/
action=""
name=""
password=""
ifname=""
port=""
config=""

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "hotspot.sh: $*" >&2; exit 1; }
say() { echo "$*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    start|stop|status) [ -z "$action" ] || die "one of start, stop or status, not both $action and $1"; action=$1; shift ;;
    --name) name=${2?--name needs the network name}; shift 2 ;;
    --password) password=${2?--password needs a password}; shift 2 ;;
    --ifname) ifname=${2:?--ifname needs the Wi-Fi adapter, e.g. wlan0}; shift 2 ;;
    --port) port=${2:?--port needs the hub port}; shift 2 ;;
    --config) config=${2:?--config needs the kiosk settings file}; shift 2 ;;
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[ -n "$action" ] || { usage >&2; die "say start, stop or status"; }
[ -d "$root" ] || die "no such folder: $root"
root=$(cd "$root" && pwd)
if [ "$root" = / ] && [ "$action" != status ] && [ "$(id -u)" != 0 ]; then
  die "run me as root: sudo bash $0 $action"
fi
command -v nmcli >/dev/null || die "NetworkManager's nmcli is not installed: sudo apt install network-manager"

# A path of the system, as seen from here.
at() { printf '%s%s' "${root%/}" "$1"; }
if [ -z "$config" ]; then
  config=$(at "$DEFAULT_CONFIG")
fi

# ---- the kiosk's settings: the hub: section (hub_value, yaml_quoted, write_hub_wifi) -------------------

# shellcheck source=deploy/wifi/hub-settings.sh
. "$HERE/hub-settings.sh"

# ---- NetworkManager -----------------------------------------------------------------------------------

wifi_adapter() {
  nmcli -t -f DEVICE,TYPE device status | awk -F: '$2 == "wifi" { print $1; exit }'
}

connection_exists() { nmcli -t -f NAME connection show | grep -qxF "$CONNECTION"; }
connection_active() { nmcli -t -f NAME connection show --active | grep -qxF "$CONNECTION"; }

# How many phones the hotspot has now: the Wi-Fi stations when iw can say, else the addresses given out.
phones_now() {
  local leases
  if command -v iw >/dev/null; then
    timeout 5 iw dev "$1" station dump 2>/dev/null | grep -c '^Station' || true
    return 0
  fi
  leases=$(at "/var/lib/NetworkManager/dnsmasq-$1.leases")
  if [ -f "$leases" ]; then
    grep -c . "$leases" || true
  else
    echo "?"
  fi
}

# ---- the actions ---------------------------------------------------------------------------------------

start() {
  [ -n "$ifname" ] || ifname=$(wifi_adapter)
  [ -n "$ifname" ] || die "this laptop has no Wi-Fi adapter NetworkManager can use (nmcli device status lists none)"
  local ap
  ap=$(nmcli -t -f WIFI-PROPERTIES.AP device show "$ifname" 2>/dev/null | awk -F: '{ print $2; exit }')
  if [ "$ap" = no ]; then
    die "the Wi-Fi adapter $ifname cannot be a hotspot (no access point mode): use a travel router (deploy/README.md)"
  fi
  [ -n "$name" ] || name=$(hub_value wifi_name)
  [ -n "$name" ] || name=$DEFAULT_NAME
  [ -n "$password" ] || password=$(hub_value wifi_password)
  if [ -z "$password" ]; then  # a new one: 10 letters and digits that cannot be mistaken for each other
    password=$(LC_ALL=C tr -dc 'abcdefghjkmnpqrstuvwxyz23456789' </dev/urandom | head -c 10 || true)
  fi
  [ "${#name}" -le 32 ] || die "the network name is longer than 32 characters: choose a shorter --name"
  case "$name" in *[[:cntrl:]]*) die "the network name has a control character in it" ;; esac
  if [ "${#password}" -lt 8 ] || [ "${#password}" -gt 63 ]; then
    die "the password must be 8 to 63 characters long (WPA2)"
  fi
  case "$password" in *[![:print:]]*) die "the password may only have letters, digits, spaces and signs" ;; esac
  [ -n "$port" ] || port=$(hub_value port)
  [ -n "$port" ] || port=8080
  case "$port" in ''|*[!0-9]*) die "--port must be a number, not $port" ;; esac
  { [ "$port" -ge 1 ] && [ "$port" -le 65535 ]; } || die "--port must be 1 to 65535, not $port"

  # The hotspot's DNS (NetworkManager runs dnsmasq for shared connections and reads this folder): every
  # name is the laptop, so a phone's connectivity check (connectivitycheck.gstatic.com, captive.apple.com,
  # www.msftconnecttest.com...) reaches the kiosk's hub at once, and nothing else waits for an internet
  # that is not there. (Share no internet through this hotspot: its phones would not reach it.)
  mkdir -p "$(dirname "$(at "$DNS_FILE")")"
  cat >"$(at "$DNS_FILE")" <<EOF
# Learning Cinema's hotspot (deploy/wifi/hotspot.sh): every name answers with the laptop's address.
address=/#/$ADDRESS
EOF
  # Port 80 (where the phones' checks go) is sent on to the hub's port while the hotspot is up.
  mkdir -p "$(dirname "$(at "$DISPATCHER")")"
  sed -e "s/@PORT@/$port/g" -e "s/@CONNECTION@/$CONNECTION/g" "$HERE/dispatcher.sh.in" >"$(at "$DISPATCHER")"
  chmod 755 "$(at "$DISPATCHER")"

  local settings=(
    802-11-wireless.ssid "$name" 802-11-wireless.mode ap 802-11-wireless.band bg
    wifi-sec.key-mgmt wpa-psk wifi-sec.proto rsn wifi-sec.pairwise ccmp wifi-sec.group ccmp
    wifi-sec.pmf disable wifi-sec.psk "$password"
    ipv4.method shared ipv4.addresses "$ADDRESS/24" ipv6.method disabled
    connection.interface-name "$ifname" connection.autoconnect yes
  )
  if connection_exists; then
    nmcli connection modify "$CONNECTION" "${settings[@]}" >/dev/null
  else
    nmcli connection add type wifi con-name "$CONNECTION" ifname "$ifname" "${settings[@]}" >/dev/null
  fi
  # Up again even when it was: its dnsmasq reads the DNS answers above when it starts.
  nmcli connection up "$CONNECTION" >/dev/null || die "NetworkManager could not start the hotspot on $ifname (see: journalctl -u NetworkManager)"

  say "Hotspot on: network \"$name\", password \"$password\", the kiosk at http://$ADDRESS:$port/"
  if [ -f "$config" ] && [ -w "$config" ]; then
    write_hub_wifi
    say "The projector's Wi-Fi QR code: wifi_name and wifi_password set in the hub: section of $config."
  else
    say "Put these lines in the hub: section of the kiosk's settings, for the projector's Wi-Fi QR code:"
    say "  wifi_name: $(yaml_quoted "$name")"
    say "  wifi_password: $(yaml_quoted "$password")"
  fi
  say "Start the kiosk with the hub on: cinema run --hub $port (or enabled: true in the hub: section)."
  say "Laptop hotspots often stop at 8 to 10 phones: for a whole class, use a travel router."
}

stop() {
  if connection_active; then
    nmcli connection down "$CONNECTION" >/dev/null
  fi
  if connection_exists; then
    nmcli connection modify "$CONNECTION" connection.autoconnect no >/dev/null
  fi
  rm -f "$(at "$DNS_FILE")"
  say "Hotspot off (it stays off at the next start; hotspot.sh start brings it back)."
}

status() {
  if ! connection_exists; then
    say "No hotspot made on this laptop (hotspot.sh start makes it)."
    return 0
  fi
  if ! connection_active; then
    say "Hotspot off."
    return 0
  fi
  local ssid device phones
  ssid=$(nmcli -t -f 802-11-wireless.ssid connection show "$CONNECTION" | awk -F: '{ sub(/^[^:]*:/, ""); print; exit }')
  device=$(nmcli -t -f GENERAL.DEVICES connection show "$CONNECTION" | awk -F: '{ print $2; exit }')
  phones=$(phones_now "$device")
  say "Hotspot on: network \"$ssid\" on $device, the kiosk at $ADDRESS, $phones phone(s) connected."
  if [ "$phones" != "?" ] && [ "$phones" -ge "$PHONES_LIMIT" ]; then
    say "Laptop hotspots often stop at 8 to 10 phones: for more, use a travel router."
  fi
}

"$action"
