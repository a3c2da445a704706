#!/usr/bin/env bash
# The laptop on a travel router's network (for a whole class): run once the laptop has joined the
# router's Wi-Fi (or is plugged into it by cable).
#
#   sudo bash deploy/wifi/router.sh [--name NAME --password PASSWORD] [--port PORT]
#
# Options: --name, --password (the router's Wi-Fi, for the projector's Wi-Fi QR code; default: the
# network the laptop joined and the password NetworkManager keeps for it; needed on a cable), --port
# (the hub's port; default: the config's hub: port, else 8080), --config FILE (default
# /etc/learning-cinema/kiosk.yaml), --root DIR (another system's root folder, for tests).
#
# It writes the router's Wi-Fi name and password into the hub: section of the kiosk's settings (the
# projector's Wi-Fi QR code), sends what phones send to the laptop's port 80 on to the hub's port
# whenever this network is up (a NetworkManager dispatcher), and prints what to set on the router: a
# fixed address for the laptop (by its MAC address) and, on an OpenWrt router (GL.iNet and others),
# the commands that point every name at the laptop so phones' connectivity checks reach the kiosk.
set -euo pipefail

DISPATCHER=/etc/NetworkManager/dispatcher.d/90-learning-cinema-router
DEFAULT_CONFIG=/etc/learning-cinema/kiosk.yaml

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=/
name=""
password=""
port=""
config=""

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "router.sh: $*" >&2; exit 1; }
say() { echo "$*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=${2?--name needs the network name of the router}; shift 2 ;;
    --password) password=${2?--password needs the Wi-Fi password of the router}; shift 2 ;;
    --port) port=${2:?--port needs the hub port}; shift 2 ;;
    --config) config=${2:?--config needs the kiosk settings file}; shift 2 ;;
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[ -d "$root" ] || die "no such folder: $root"
root=$(cd "$root" && pwd)
if [ "$root" = / ] && [ "$(id -u)" != 0 ]; then
  die "run me as root: sudo bash $0"
fi
command -v nmcli >/dev/null || die "NetworkManager's nmcli is not installed: sudo apt install network-manager"
at() { printf '%s%s' "${root%/}" "$1"; }
[ -n "$config" ] || config=$(at "$DEFAULT_CONFIG")

# One value of a terse nmcli answer ("KEY:value", colons and backslashes escaped), unescaped.
nm_value() { head -n 1 | sed -e 's/^[^:]*://' -e 's/\\\(.\)/\1/g'; }

# The same hub: reading and writing as hotspot.sh (kept in one place: it is sourced from there).
# shellcheck source=deploy/wifi/hub-settings.sh
. "$HERE/hub-settings.sh"

# The router's network: a Wi-Fi joined as a client first, else a cable.
network=""
kind=""
device=""
while IFS=: read -r conn_name conn_type conn_device; do
  conn_name=${conn_name//$'\001'/:}
  case "$conn_type" in
    802-11-wireless)
      mode=$(nmcli -t -f 802-11-wireless.mode connection show id "$conn_name" | nm_value)
      if [ "$mode" != ap ]; then network=$conn_name; kind=wifi; device=$conn_device; break; fi ;;
    802-3-ethernet)
      if [ -z "$network" ]; then network=$conn_name; kind=cable; device=$conn_device; fi ;;
  esac
done < <(nmcli -t -f NAME,TYPE,DEVICE connection show --active | sed -e 's/\\\\/\\/g' -e 's/\\:/\x01/g' || true)
[ -n "$network" ] || die "this laptop is on no network: join the travel router's Wi-Fi (or plug in its cable) first"

mac=$(nmcli -t -f GENERAL.HWADDR device show "$device" | nm_value)
address=$(nmcli -t -f 'IP4.ADDRESS[1]' device show "$device" | nm_value)
address=${address%%/*}
[ -n "$address" ] || die "the router gave this laptop no address yet on $device: wait a moment and run me again"

[ -n "$port" ] || port=$(hub_value port)
[ -n "$port" ] || port=8080
case "$port" in ''|*[!0-9]*) die "--port must be a number, not $port" ;; esac
{ [ "$port" -ge 1 ] && [ "$port" -le 65535 ]; } || die "--port must be 1 to 65535, not $port"

mkdir -p "$(dirname "$(at "$DISPATCHER")")"
sed -e "s/@PORT@/$port/g" -e "s/@CONNECTION@/$network/g" "$HERE/dispatcher.sh.in" >"$(at "$DISPATCHER")"
chmod 755 "$(at "$DISPATCHER")"
CONNECTION_ID=$network "$(at "$DISPATCHER")" "$device" up  # now, not only at the next start

say "The laptop is on \"$network\" ($device): address $address, MAC address $mac."
if [ "$kind" = wifi ]; then
  [ -n "$name" ] || name=$(nmcli -t -f 802-11-wireless.ssid connection show id "$network" | nm_value)
  if [ -z "$password" ]; then  # what NetworkManager keeps for it (root may read it); none: an open network
    password=$(nmcli -s -t -f 802-11-wireless-security.psk connection show id "$network" 2>/dev/null | nm_value || true)
  fi
fi
if [ -z "$name" ]; then
  say "On a cable the router's Wi-Fi is not known here: for the projector's Wi-Fi QR code, run me again with"
  say "--name and --password, or set wifi_name and wifi_password in the hub: section of $config."
else
  if [ -f "$config" ] && [ -w "$config" ]; then
    write_hub_wifi
    say "The projector's Wi-Fi QR code: wifi_name and wifi_password set in the hub: section of $config."
  else
    say "Put these lines in the hub: section of the kiosk's settings, for the projector's Wi-Fi QR code:"
    say "  wifi_name: $(yaml_quoted "$name")"
    say "  wifi_password: $(yaml_quoted "$password")"
  fi
fi
cat <<EOF

On the router (its settings page, usually http://$(nmcli -t -f IP4.GATEWAY device show "$device" | nm_value)/):
 1. DHCP: keep the address $address for the laptop (look for "Address reservation", "Static lease" or
    "DHCP reservation"; the laptop's MAC address is $mac).
 2. DNS: make every name (or at least connectivitycheck.gstatic.com, clients3.google.com,
    captive.apple.com, www.apple.com, www.msftconnecttest.com, detectportal.firefox.com) answer $address
    (look for "DNS rewrite", "Custom DNS", "Hostname mapping"). On OpenWrt (GL.iNet and others), over ssh:

      uci add dhcp host
      uci set dhcp.@host[-1].name='learning-cinema'
      uci set dhcp.@host[-1].mac='$mac'
      uci set dhcp.@host[-1].ip='$address'
      uci add_list dhcp.@dnsmasq[0].address='/#/$address'
      uci commit dhcp
      /etc/init.d/dnsmasq restart

 3. Plug nothing into the router's internet (WAN) socket while it points every name at the laptop.
Phones then open http://$address:$port/ (the projector shows it); port 80 on this laptop goes to it.
EOF
