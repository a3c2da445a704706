"""deploy/udev/99-learning-cinema.rules: valid udev syntax, and each device gets the right name and group.

systemd 252 (Debian 12) has no `udevadm verify`, so the rules are read by a small parser of the
udev syntax they use, and run against pretend devices by a small evaluator of the same subset.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from cinema.devices.clickers.manager import USB_RECEIVERS

RULES = Path(__file__).resolve().parents[2] / "deploy" / "udev" / "99-learning-cinema.rules"

TOKEN = re.compile(r'\s*(?P<key>[A-Z_]+)(?:\{(?P<attr>[^}]+)\})?(?P<op>==|!=|\+=|-=|:=|=)"(?P<value>[^"]*)"\s*(,|$)')
MATCH_KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "DRIVERS", "ATTR", "ATTRS", "ENV"}
ASSIGN_KEYS = {"GROUP", "MODE", "OWNER", "SYMLINK", "TAG", "ENV", "IMPORT", "GOTO", "LABEL", "OPTIONS", "RUN"}
NEEDS_ATTR = {"ATTR", "ATTRS", "ENV", "IMPORT"}


def parse(text: str) -> list[list[tuple[str, str | None, str, str]]]:
    """Each rule as (key, {attr}, operator, value) tuples; AssertionError naming the line otherwise."""
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tokens, pos = [], 0
        while pos < len(line):
            m = TOKEN.match(line, pos)
            assert m, f"line {number}: cannot read from {line[pos:]!r}"
            key, attr, op = m["key"], m["attr"], m["op"]
            assert (key in NEEDS_ATTR) == (attr is not None), f"line {number}: {key} and {{attr}}"
            if op in ("==", "!="):
                assert key in MATCH_KEYS, f"line {number}: {key} cannot be compared"
            else:
                assert key in ASSIGN_KEYS, f"line {number}: {key} cannot be assigned"
            tokens.append((key, attr, op, m["value"]))
            pos = m.end()
        rules.append(tokens)
    labels = [v for rule in rules for k, _, _, v in rule if k == "LABEL"]
    gotos = {v for rule in rules for k, _, _, v in rule if k == "GOTO"}
    assert gotos <= set(labels), f"GOTO without LABEL: {gotos - set(labels)}"
    assert len(labels) == len(set(labels)), "a LABEL twice"
    return rules


def evaluate(rules, device: dict) -> dict:
    """What udev would do with `device` under these rules: symlinks, group, mode and ENV."""
    env = dict(device.get("env", {}))
    out = {"symlinks": [], "group": None, "mode": None, "env": env}
    attrs = device.get("attrs", {})  # of the device and its parents, as ATTRS sees them

    def value_of(key, attr):
        return {
            "ACTION": device.get("action", "add"), "SUBSYSTEM": device["subsystem"], "KERNEL": device["kernel"],
            "SUBSYSTEMS": device.get("subsystems", []), "ATTR": device.get("attr", {}).get(attr),
            "ATTRS": attrs.get(attr), "ENV": env.get(attr, ""),
        }[key]

    def matches(key, attr, pattern):
        value = value_of(key, attr)
        values = value if isinstance(value, list) else [value]
        return any(v is not None and any(fnmatchcase(v, p) for p in pattern.split("|")) for v in values)

    def substitute(text):
        return re.sub(r"\$env\{([^}]+)\}", lambda m: env.get(m[1], ""), text)

    labels = {v: i for i, rule in enumerate(rules) for k, _, _, v in rule if k == "LABEL"}
    i = 0
    while i < len(rules):
        rule, goto = rules[i], None
        if all(matches(k, a, v) == (op == "==") for k, a, op, v in rule if op in ("==", "!=")):
            for key, attr, op, value in rule:
                if op in ("==", "!="):
                    continue
                if key == "IMPORT":
                    env.update(device.get(value, {}))  # what the builtin would find
                elif key == "ENV":
                    env[attr] = substitute(value)
                elif key == "SYMLINK":
                    out["symlinks"].append(substitute(value))
                elif key in ("GROUP", "MODE"):
                    out[key.lower()] = value
                elif key == "GOTO":
                    goto = value
        i = labels[goto] if goto else i + 1
    return out


@pytest.fixture(scope="module")
def rules():
    return parse(RULES.read_text())


def usb_tty(vid: str, pid: str, serial: str | None = None, product: str = "USB Serial", kernel="ttyUSB0") -> dict:
    usb_id = {"ID_BUS": "usb", "ID_VENDOR_ID": vid, "ID_MODEL_ID": pid}
    if serial:
        usb_id["ID_SERIAL_SHORT"] = serial
    return {"subsystem": "tty", "kernel": kernel, "subsystems": ["usb-serial", "usb"],
            "attrs": {"idVendor": vid, "idProduct": pid, "product": product}, "usb_id": usb_id,
            "path_id": {"ID_PATH_TAG": "pci-0000_00_14_0-usb-0_2_1_0"}}


PORT = "usb-pci-0000_00_14_0-usb-0_2_1_0"


@pytest.mark.parametrize("device, links", [
    (usb_tty("10c4", "ea60", "0001", "CP2102 USB to UART Bridge Controller"),
     ["cinema/clicker", "cinema/clicker-0001", f"cinema/clicker-{PORT}"]),
    (usb_tty("1a86", "7523"), ["cinema/clicker", f"cinema/clicker-{PORT}"]),  # a CH340 has no serial number
    (usb_tty("2341", "0043", "75830333"), ["cinema/clicker", "cinema/clicker-75830333", f"cinema/clicker-{PORT}"]),
    (usb_tty("0403", "6015", "VE4F2A1B", "VE Direct cable"),
     ["cinema/vedirect", "cinema/vedirect-VE4F2A1B", f"cinema/vedirect-{PORT}"]),
    (usb_tty("0403", "6015", "DN05ABCD", "FT231X USB UART"),
     ["cinema/clicker", "cinema/clicker-DN05ABCD", f"cinema/clicker-{PORT}"]),
    (usb_tty("0c2e", "0b61", "17012B", "Honeywell Scanner", kernel="ttyACM0"),
     ["cinema/scanner", "cinema/scanner-17012B", f"cinema/scanner-{PORT}"]),
])
def test_serial_devices_get_stable_names_and_the_dialout_group(rules, device, links):
    result = evaluate(rules, device)
    assert result["symlinks"] == links
    assert (result["group"], result["mode"]) == ("dialout", "0660")
    assert result["env"]["ID_MM_DEVICE_IGNORE"] == "1"  # ModemManager leaves receivers alone


@pytest.mark.parametrize("device", [
    usb_tty("0483", "5740"),  # an STM32 board we know nothing about
    {"subsystem": "tty", "kernel": "ttyS0", "subsystems": ["pnp"], "attrs": {}},  # the motherboard's port
    {**usb_tty("10c4", "ea60", "0001"), "action": "remove"},
])
def test_other_serial_ports_are_left_alone(rules, device):
    result = evaluate(rules, device)
    assert (result["symlinks"], result["group"], result["mode"]) == ([], None, None)


@pytest.mark.parametrize("usb", USB_RECEIVERS, ids=lambda u: u.chip)
def test_every_receiver_the_kiosk_knows_gets_a_clicker_name(rules, usb):
    pid = f"{usb.pid:04x}" if usb.pid is not None else "0042"
    if (usb.vid, usb.pid) == (0x0403, 0x6015):
        product = "FT231X USB UART"
    else:
        product = "USB Serial"
    result = evaluate(rules, usb_tty(f"{usb.vid:04x}", pid, "X1", product))
    assert "cinema/clicker" in result["symlinks"] and result["group"] == "dialout"


def test_webcam_picture_node_is_named_camera_and_the_metadata_node_is_not(rules):
    camera = {"subsystem": "video4linux", "kernel": "video0", "attr": {"index": "0"},
              "path_id": {"ID_PATH_TAG": "pci-0000_00_14_0-usb-0_3_1_0"}}
    assert evaluate(rules, camera)["symlinks"] == ["cinema/camera", "cinema/camera-usb-pci-0000_00_14_0-usb-0_3_1_0"]
    assert evaluate(rules, camera)["group"] == "video"
    metadata = {**camera, "kernel": "video1", "attr": {"index": "1"}}
    assert evaluate(rules, metadata)["symlinks"] == []


def test_usb_keypads_are_readable_by_the_input_group_and_the_laptop_keyboard_is_untouched(rules):
    keypad = {"subsystem": "input", "kernel": "event7", "env": {"ID_BUS": "usb", "ID_INPUT_KEYBOARD": "1"},
              "path_id": {"ID_PATH_TAG": "pci-0000_00_14_0-usb-0_4_1_0"}}
    result = evaluate(rules, keypad)
    assert (result["group"], result["mode"]) == ("input", "0660")
    assert result["symlinks"] == ["cinema/keypad-usb-pci-0000_00_14_0-usb-0_4_1_0"]
    laptop = {"subsystem": "input", "kernel": "event0", "env": {"ID_BUS": "i8042", "ID_INPUT_KEYBOARD": "1"}}
    assert evaluate(rules, laptop)["group"] is None
    hidraw = {"subsystem": "hidraw", "kernel": "hidraw2", "subsystems": ["hid", "usb"]}
    assert evaluate(rules, hidraw)["group"] == "input"


@pytest.mark.parametrize("broken", [
    'SUBSYSTEM="tty", GROUP="dialout"',  # = where == was meant: udev would set, not compare
    'SUBSYSTEM=="tty" GROUP="dialout"',  # a missing comma
    'ATTRS=="10c4", GROUP="dialout"',  # ATTRS without {name}
    'SUBSYSTEM=="tty", GOTO="nowhere"',
    'SUBSYSTEM=="tty", GROUP=="dialout"',  # GROUP cannot be compared
])
def test_the_parser_rejects_what_udev_would(broken):
    with pytest.raises(AssertionError):
        parse(broken)


def test_the_usb_stick_rules_parse_once_the_installer_fills_in_the_ids():
    template = RULES.with_name("98-learning-cinema-usb-stick.rules.in").read_text()
    rules = parse(template.replace("@UID@", "999").replace("@GID@", "998"))
    mounts = [value for rule in rules for (key, _attr, _op, value) in rule if key == "RUN"]
    assert len(mounts) == 3 and all("/media/cinema-usb" in m for m in mounts)
    assert any("uid=999,gid=998" in m for m in mounts)
