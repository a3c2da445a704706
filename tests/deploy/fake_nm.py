"""A pretend NetworkManager (`nmcli`), `iw`, `nft` and `iptables` on PATH, for the Wi-Fi scripts and
`cinema doctor`: each call is logged (argv, and stdin for nft) and nmcli keeps its connections in a JSON
file, answering the `-t -f FIELDS` queries as the real one does (colon-separated, `\\:` inside values).
`nmcli connection up|down` runs the dispatcher scripts under ROOT/etc/NetworkManager/dispatcher.d with
the interface, the action and CONNECTION_ID, as NetworkManager does.

    net = FakeNet(tmp_path); env = net.env()   # PATH with the fakes first
    net.state["devices"] = [...]; net.save()    # what the laptop has
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TOOLS = ("nmcli", "iw", "nft", "iptables")


class FakeNet:
    def __init__(self, folder: Path, root: Path | None = None, tools: tuple[str, ...] = TOOLS) -> None:
        self.folder = folder
        self.bin = folder / "fakebin"
        self.bin.mkdir(parents=True, exist_ok=True)
        self.root = root or folder
        self.log = folder / "calls.jsonl"
        self.state_file = folder / "nm-state.json"
        self.state: dict = {"devices": [{"device": "wlan0", "type": "wifi", "state": "disconnected", "ap": "yes",
                                         "hwaddr": "02:11:22:33:44:55", "ip4": "", "gateway": ""},
                                        {"device": "lo", "type": "loopback", "state": "unmanaged", "ap": ""}],
                            "connections": {}, "active": [], "stations": {}}
        self.save()
        for tool in tools:
            self.add(tool)

    def add(self, tool: str) -> None:
        shim = self.bin / tool
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "{__file__}" {tool} "$@"\n')
        shim.chmod(0o755)

    def remove(self, tool: str) -> None:
        (self.bin / tool).unlink(missing_ok=True)

    def save(self) -> None:
        self.state_file.write_text(json.dumps(self.state))

    def load(self) -> dict:
        self.state = json.loads(self.state_file.read_text())
        return self.state

    def env(self, path: str | None = None) -> dict[str, str]:
        """The environment with the fakes first on PATH; `path` replaces the rest of PATH (to hide real tools)."""
        rest = os.environ["PATH"] if path is None else path
        return {**os.environ, "PATH": f"{self.bin}:{rest}", "FAKE_NM_LOG": str(self.log),
                "FAKE_NM_STATE": str(self.state_file), "FAKE_NM_ROOT": str(self.root), "LC_ALL": "C"}

    def calls(self, tool: str | None = None) -> list[dict]:
        if not self.log.exists():
            return []
        rows = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [r for r in rows if tool is None or r["tool"] == tool]

    def connect_hotspot(self, name: str = "learning-cinema-hotspot", ssid: str = "Classroom-7", phones: int = 0,
                        device: str = "wlan0") -> None:
        """A hotspot already up (as NetworkManager would have it after `hotspot.sh start`)."""
        self.state["connections"][name] = {"type": "802-11-wireless", "device": device, "802-11-wireless.ssid": ssid,
                                           "802-11-wireless.mode": "ap", "ipv4.method": "shared"}
        self.state["active"] = [name]
        self.state["stations"][device] = phones
        self.save()

    def connect_network(self, ssid: str, name: str | None = None, device: str = "wlan0", psk: str = "",
                        address: str = "192.168.8.10/24", gateway: str = "192.168.8.1") -> None:
        """The laptop joined a Wi-Fi network as a client (a travel router's), with the address its DHCP gave."""
        name = name or ssid
        self.state["connections"][name] = {"type": "802-11-wireless", "device": device, "802-11-wireless.ssid": ssid,
                                           "802-11-wireless.mode": "infrastructure", "ipv4.method": "auto",
                                           "802-11-wireless-security.psk": psk}
        self.state["active"] = [name]
        for d in self.state["devices"]:
            if d["device"] == device:
                d.update(ip4=address, gateway=gateway, state="connected")
        self.save()


# ---- the fakes themselves (run as `python fake_nm.py TOOL ARGS...`) ----------------------------------


def _log(tool: str, args: list[str], **extra) -> None:
    with open(os.environ["FAKE_NM_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"tool": tool, "args": args, **extra}) + "\n")


def _state() -> dict:
    return json.loads(Path(os.environ["FAKE_NM_STATE"]).read_text())


def _save(state: dict) -> None:
    Path(os.environ["FAKE_NM_STATE"]).write_text(json.dumps(state))


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _dispatch(state: dict, name: str, action: str) -> None:
    folder = Path(os.environ["FAKE_NM_ROOT"]) / "etc/NetworkManager/dispatcher.d"
    device = state["connections"][name].get("device", "")
    for script in sorted(folder.glob("*")) if folder.is_dir() else []:
        subprocess.run([str(script), device, action], env={**os.environ, "CONNECTION_ID": name}, check=False,
                       timeout=20)


def nmcli(args: list[str]) -> int:
    _log("nmcli", args)
    state = _state()
    fields: list[str] = []
    terse = False
    while args and args[0].startswith("-"):
        if args[0] in ("-t", "--terse"):
            terse = True
            args = args[1:]
        elif args[0] in ("-f", "--fields"):
            fields = args[1].split(",")
            args = args[2:]
        else:
            args = args[1:]
    if not terse and args[:2] != ["connection", "up"] and args[:2] != ["connection", "down"] and \
            args[:2] not in (["connection", "add"], ["connection", "modify"]):
        print("fake nmcli: scripts must use -t", file=sys.stderr)
        return 2
    if args[:2] == ["device", "status"]:
        for d in state["devices"]:
            row = {"DEVICE": d["device"], "TYPE": d["type"], "STATE": d["state"],
                   "CONNECTION": next((n for n in state["active"] if state["connections"][n]["device"] == d["device"]),
                                      "")}
            print(":".join(_esc(row[f]) for f in fields or ["DEVICE", "TYPE", "STATE", "CONNECTION"]))
        return 0
    if args[:2] == ["device", "show"]:
        device = next((d for d in state["devices"] if d["device"] == args[2]), None)
        if device is None:
            print(f"Error: Device '{args[2]}' not found.", file=sys.stderr)
            return 10
        keys = {"WIFI-PROPERTIES.AP": "ap", "GENERAL.HWADDR": "hwaddr", "IP4.ADDRESS[1]": "ip4",
                "IP4.GATEWAY": "gateway"}
        for f in fields:
            print(f"{f}:{_esc(device.get(keys.get(f, ''), ''))}")
        return 0
    if args[:2] == ["connection", "show"]:
        rest = args[2:]
        active = "--active" in rest
        rest = [a for a in rest if a != "--active"]
        if rest[:1] == ["id"]:
            rest = rest[1:]
        if rest:  # one connection's settings
            conn = state["connections"].get(rest[0])
            if conn is None:
                print(f"Error: {rest[0]} - no such connection profile.", file=sys.stderr)
                return 10
            for f in fields:
                value = conn["device"] if f == "GENERAL.DEVICES" and rest[0] in state["active"] else conn.get(f, "")
                print(f"{f}:{_esc(value)}")
            return 0
        for name, conn in state["connections"].items():
            if active and name not in state["active"]:
                continue
            row = {"NAME": name, "TYPE": conn["type"], "DEVICE": conn["device"] if name in state["active"] else "",
                   "UUID": "0000"}
            print(":".join(_esc(row[f]) for f in fields or ["NAME", "UUID", "TYPE", "DEVICE"]))
        return 0
    if args[:2] in (["connection", "add"], ["connection", "modify"]):
        rest = args[2:]
        if args[1] == "modify":
            name, pairs = rest[0], rest[1:]
            if name not in state["connections"]:
                print(f"Error: unknown connection '{name}'.", file=sys.stderr)
                return 10
            conn = state["connections"][name]
        else:
            conn, pairs, name = {"type": "802-11-wireless", "device": ""}, [], None
            i = 0
            while i < len(rest):
                if rest[i] == "type":
                    conn["type"] = {"wifi": "802-11-wireless"}.get(rest[i + 1], rest[i + 1])
                elif rest[i] == "con-name":
                    name = rest[i + 1]
                elif rest[i] == "ifname":
                    conn["device"] = rest[i + 1]
                else:
                    pairs += rest[i:i + 2]
                i += 2
        aliases = {"wifi-sec.": "802-11-wireless-security.", "wifi.": "802-11-wireless."}
        for key, value in zip(pairs[::2], pairs[1::2]):
            for short, full in aliases.items():
                if key.startswith(short):
                    key = full + key[len(short):]
            conn[key] = value
        if conn.get("connection.interface-name"):
            conn["device"] = conn["connection.interface-name"]
        state["connections"][name] = conn
        _save(state)
        return 0
    if args[:2] in (["connection", "up"], ["connection", "down"]):
        name = args[2]
        if name not in state["connections"]:
            print(f"Error: unknown connection '{name}'.", file=sys.stderr)
            return 10
        if args[1] == "up":
            state["active"] = [n for n in state["active"] if n != name] + [name]
        elif name in state["active"]:
            state["active"].remove(name)
        else:
            return 10
        _save(state)
        _dispatch(state, name, args[1])
        return 0
    print(f"fake nmcli: not faked: {args}", file=sys.stderr)
    return 2


def iw(args: list[str]) -> int:
    _log("iw", args)
    if args[:1] == ["dev"] and args[2:] == ["station", "dump"]:
        for n in range(_state()["stations"].get(args[1], 0)):
            print(f"Station 02:00:00:00:00:{n:02x} (on {args[1]})\n\tinactive time:\t120 ms\n\tsignal:  \t-48 dBm")
        return 0
    return 1


def nft(args: list[str]) -> int:
    _log("nft", args, stdin=sys.stdin.read() if args[:2] == ["-f", "-"] else "")
    return 1 if args[:1] == ["delete"] else 0  # nothing to delete in a fresh fake


def iptables(args: list[str]) -> int:
    _log("iptables", args)
    return 1 if "-D" in args else 0


if __name__ == "__main__":
    sys.exit({"nmcli": nmcli, "iw": iw, "nft": nft, "iptables": iptables}[sys.argv[1]](sys.argv[2:]))
