# The hub: section of the kiosk's settings, read and written by hotspot.sh and router.sh (sourced, not run).
# Uses $config (the settings file), and for write_hub_wifi $name and $password.
# shellcheck shell=bash disable=SC2154

# The value of KEY in the config's hub: section ("" when absent), quotes and escapes taken off.
hub_value() {
  [ -f "$config" ] || return 0
  awk -v key="$1" '
    /^hub:/ { inside = 1; next }
    /^[^ #]/ { inside = 0 }
    inside && $1 == key ":" {
      v = $0; sub(/^[^:]*:[ ]*/, "", v); q = substr(v, 1, 1); out = ""
      if (q == "\"" || q == "\047") {
        for (i = 2; i <= length(v); i++) {
          c = substr(v, i, 1)
          if (q == "\"" && c == "\\") { i++; out = out substr(v, i, 1); continue }
          if (c == q && q == "\047" && substr(v, i + 1, 1) == q) { i++; out = out q; continue }
          if (c == q) break
          out = out c
        }
        print out
      } else { sub(/[ ]+#.*$/, "", v); print v }
      exit
    }' "$config"
}

# TEXT as a YAML double-quoted string.
yaml_quoted() {
  local text=${1//\\/\\\\}
  printf '"%s"' "${text//\"/\\\"}"
}

# Set wifi_name, wifi_password and wifi_security (WPA; nopass with no password) in the hub: section
# (made when missing), keeping the file's other lines, comments, owner and mode.
write_hub_wifi() {
  local tmp
  tmp=$(mktemp)
  # (through the environment: awk -v would take the backslashes of the quoted texts as escapes)
  local security=WPA
  [ -n "$password" ] || security=nopass  # an open network: the code joins with no password
  NAME_YAML=$(yaml_quoted "$name") PASSWORD_YAML=$(yaml_quoted "$password") SECURITY=$security awk '
    BEGIN { name = ENVIRON["NAME_YAML"]; password = ENVIRON["PASSWORD_YAML"]; security = ENVIRON["SECURITY"] }
    function put_missing() {
      if (!seen["wifi_name"]) print "  wifi_name: " name
      if (!seen["wifi_password"]) print "  wifi_password: " password
      if (!seen["wifi_security"]) print "  wifi_security: " security
      done = 1
    }
    /^hub:/ { inside = 1; found = 1; print; next }
    inside && /^[^ #]/ { put_missing(); inside = 0 }
    inside && $1 == "wifi_name:" { print "  wifi_name: " name; seen["wifi_name"] = 1; next }
    inside && $1 == "wifi_password:" { print "  wifi_password: " password; seen["wifi_password"] = 1; next }
    inside && $1 == "wifi_security:" { print "  wifi_security: " security; seen["wifi_security"] = 1; next }
    { print }
    END {
      if (inside && !done) put_missing()
      if (!found) { print "hub:"; put_missing() }
    }' "$config" >"$tmp"
  cat "$tmp" >"$config"
  rm -f "$tmp"
}
