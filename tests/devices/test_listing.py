"""`cinema devices`: what is plugged in, and listening to a receiver prints one JSON line per press."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tty
from argparse import Namespace
from pathlib import Path
from types import SimpleNamespace

import pytest

from cinema.devices import listing
from cinema.devices.clickers.lcp import encode_hello, encode_press
from cinema.devices.clickers.ports import FakeReceiver, fake_port
from cinema.devices.listing import _nut_batteries, describe, list_devices, listen, main_devices
from cinema.devices.power.vedirect import encode_block

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


@pytest.fixture
def machine(tmp_path):
    """A pretend /dev and /sys: a keypad, a webcam (two nodes), a laptop battery, mains power."""
    dev, sys_root = tmp_path / "dev", tmp_path / "sys"
    by_id = dev / "input" / "by-id"
    by_id.mkdir(parents=True)
    (dev / "input" / "event3").write_text("")
    (by_id / "usb-Logitech_R400-event-kbd").symlink_to(dev / "input" / "event3")
    for n, index in (("video0", "0"), ("video1", "1")):
        (dev / n).write_text("")
        write(sys_root / "class" / "video4linux" / n / "name", "HD Webcam C270")
        write(sys_root / "class" / "video4linux" / n / "index", index)
    ps = sys_root / "class" / "power_supply"
    write(ps / "BAT0" / "type", "Battery")
    write(ps / "BAT0" / "capacity", "87")
    write(ps / "BAT0" / "status", "Discharging")
    write(ps / "AC" / "type", "Mains")
    write(ps / "AC" / "online", "0")
    ports = [
        SimpleNamespace(device="/dev/ttyUSB0", vid=0x10C4, pid=0xEA60, serial_number="0001",
                        description="CP2102 USB to UART Bridge Controller", hwid="USB VID:PID=10C4:EA60"),
        SimpleNamespace(device="/dev/ttyACM0", vid=0x0483, pid=0x5740, serial_number=None,
                        description="STM32 Virtual ComPort", hwid="USB VID:PID=0483:5740"),
        SimpleNamespace(device="/dev/ttyS0", vid=None, pid=None, serial_number=None, description="n/a", hwid="n/a"),
    ]
    battery = SimpleNamespace(percent=87.0, power_plugged=False, secsleft=8400)
    return dict(list_ports=lambda: ports, dev=dev, sys_root=sys_root, battery=lambda: battery, nut=lambda: [])


def test_list_devices_finds_receivers_keypads_cameras_and_batteries(machine):
    found = list_devices(**machine)
    by_kind = {}
    for d in found:
        by_kind.setdefault(d["kind"], []).append(d)
    receiver, = by_kind["receiver"]
    assert (receiver["path"], receiver["vid"], receiver["pid"], receiver["protocol"]) == \
        ("/dev/ttyUSB0", "10c4", "ea60", "lcp")
    other, = by_kind["serial"]  # a serial port we do not know: listed, no protocol guessed
    assert (other["path"], other["protocol"]) == ("/dev/ttyACM0", None)
    assert not any(d.get("path") == "/dev/ttyS0" for d in found)  # the motherboard's empty ttyS0
    keypad, = by_kind["input"]
    assert keypad["looks_like"] == "keyboard" and keypad["device"].endswith("event3")
    assert [(c["path"].rsplit("/", 1)[1], c["name"], c["capture"]) for c in by_kind["camera"]] == \
        [("video0", "HD Webcam C270", True), ("video1", "HD Webcam C270", False)]
    assert {(b["source"], b["percent"]) for b in by_kind["battery"]} == {("sysfs", 87.0), ("psutil", 87.0)}
    assert next(b for b in by_kind["battery"] if b["source"] == "psutil")["minutes_left"] == 140
    assert by_kind["power"][0]["online"] is False
    json.dumps(found)  # `--json` prints them as they are
    lines = [describe(d) for d in found]
    assert any("ttyUSB0" in line and "protocol lcp" in line for line in lines)
    assert any("BAT0: 87% Discharging" in line for line in lines)


def test_list_devices_on_a_bare_machine_is_empty_not_an_error(tmp_path):
    assert list_devices(list_ports=lambda: [], dev=tmp_path / "none", sys_root=tmp_path / "none",
                        battery=lambda: None, nut=lambda: []) == []


def test_main_devices_lists_in_words_and_says_when_no_receiver_is_found(monkeypatch, capsys):
    monkeypatch.setattr(listing, "list_devices", lambda: [
        {"kind": "camera", "path": "/dev/video0", "name": "HD Webcam", "capture": True, "readable": False},
    ])
    assert main_devices(Namespace(listen=None, seconds=None, protocol=None)) == 0
    out = capsys.readouterr().out
    assert "camera   /dev/video0 HD Webcam (not readable: add the user to the 'video' group)" in out
    assert "No clicker receiver found" in out


# ---- listening --------------------------------------------------------------------------


@pytest.fixture
def pty_receiver():
    """A real pty set up like socat's `pty,raw,echo=0`: the test writes what a receiver's
    firmware would, `listen` opens the other end."""
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def send_until(master, frame, done, every=0.02, timeout=5.0):
    """Send `frame` again and again until `done()`: opening a port drops bytes already waiting,
    and LCP counts a repeated frame (same clicker and counter) once."""
    def run():
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            os.write(master, frame)
            time.sleep(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_listen_prints_each_press_as_a_json_line_until_the_time_is_up(pty_receiver):
    master, path = pty_receiver
    out, err = io.StringIO(), io.StringIO()
    first = encode_hello("diy-1", 3) + encode_press("1a", "A", 1)

    def rest_after_first():
        if "0000001A" not in out.getvalue():
            return False
        os.write(master, b"junk\r\n" + encode_press("1a", "A", 1) + encode_press("2", "OK", 5))
        return True

    writer = send_until(master, first, rest_after_first)
    started = time.monotonic()
    assert listen(path, "lcp", 0.6, out, err) == 0
    assert 0.55 < time.monotonic() - started < 1.5
    writer.join()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [{"clicker": "0000001A", "key": "A"}, {"clicker": "00000002", "key": "OK"}]
    assert err.getvalue() == ""


def test_listen_to_a_port_that_cannot_be_opened_is_one_line_and_exit_1(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert listen(str(tmp_path / "ttyUSB7"), "lcp", 5, out, err) == 1
    assert err.getvalue().count("\n") == 1
    assert "cannot open" in err.getvalue() and "ttyUSB7" in err.getvalue() and "not plugged in" in err.getvalue()
    assert out.getvalue() == ""


def test_listen_with_an_unknown_protocol_is_one_line_and_exit_1(pty_receiver):
    _, path = pty_receiver
    err = io.StringIO()
    assert listen(path, "lpc", 1, io.StringIO(), err) == 1
    assert err.getvalue().count("\n") == 1 and "did you mean 'lcp'" in err.getvalue()


def test_listen_stops_cleanly_on_ctrl_c(pty_receiver):
    master, path = pty_receiver
    code = ("import sys; from argparse import Namespace; from cinema.devices.listing import main_devices; "
            f"sys.exit(main_devices(Namespace(listen={path!r}, seconds=None, protocol='lcp')))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    watchdog = threading.Timer(10, proc.kill)  # a hang fails the test instead of stalling the run
    watchdog.start()
    got_first = threading.Event()
    try:
        send_until(master, encode_press("BEEF", "C", 1), got_first.is_set)
        first = proc.stdout.readline()
        got_first.set()
        assert json.loads(first) == {"clicker": "0000BEEF", "key": "C"}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0
        assert proc.stdout.read() == ""  # the repeats were one press
        assert proc.stderr.read() == ""  # no traceback
    finally:
        got_first.set()
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_listen_auto_takes_the_usb_receiver_it_finds(pty_receiver):
    master, path = pty_receiver
    usb = SimpleNamespace(device=path, vid=0x1A86, pid=0x7523, serial_number=None, location="1-2",
                          description="USB Serial", hwid="USB VID:PID=1A86:7523")
    out = io.StringIO()
    writer = send_until(master, encode_press("9", "F", 1), lambda: "F" in out.getvalue())
    assert listen("auto", None, 0.3, out, io.StringIO(), list_ports=lambda: [usb]) == 0
    writer.join()
    assert json.loads(out.getvalue()) == {"clicker": "00000009", "key": "F"}


def test_listen_auto_without_a_receiver_says_so_in_one_line():
    err = io.StringIO()
    assert listen("auto", None, 5, io.StringIO(), err, list_ports=lambda: []) == 1
    assert err.getvalue() == "cinema devices: no clicker receiver found; plug one in, or name its port: --listen PORT\n"


def test_listen_waits_for_an_unplugged_receiver_and_goes_on_printing():
    rx = FakeReceiver()
    out, err = io.StringIO(), io.StringIO()
    fast = dict(retry_every=0.02, read_timeout=0.02)
    with fake_port("fake://listen", rx.open):
        result = []
        thread = threading.Thread(target=lambda: result.append(listen("fake://listen", "lcp", 1.0, out, err, **fast)))
        thread.start()
        wait_until(lambda: rx.opens == 1)
        rx.send(encode_press("1", "A", 1))
        wait_until(lambda: "A" in out.getvalue())
        rx.unplug()
        wait_until(lambda: "lost" in err.getvalue())
        rx.plug()
        wait_until(lambda: "is back" in err.getvalue())
        rx.send(encode_press("1", "B", 2))
        thread.join(3)
    assert result == [0]
    assert [json.loads(line)["key"] for line in out.getvalue().splitlines()] == ["A", "B"]
    assert err.getvalue().splitlines() == [
        "cinema devices: lost fake://listen: unplugged (the device stopped answering); waiting for it to come back",
        "cinema devices: fake://listen is back",
    ]


def wait_until(condition, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


# ---- batteries --------------------------------------------------------------------------------

VICTRON_CABLE = dict(vid=0x0403, pid=0x6015, serial_number="VE1234AB", manufacturer="VictronEnergy BV",
                     product="VE Direct cable", description="VE Direct cable", hwid="USB VID:PID=0403:6015")


def test_a_victron_cable_is_not_taken_for_a_clicker_receiver(machine):
    victron = SimpleNamespace(device="/dev/ttyUSB1", **VICTRON_CABLE)
    receiver = SimpleNamespace(device="/dev/ttyUSB2", **{**VICTRON_CABLE, "manufacturer": "FTDI",
                                                          "product": "FT231X USB UART", "description": "FT231X"})
    found = list_devices(**{**machine, "list_ports": lambda: [victron, receiver]})
    serial = {d["path"]: (d["kind"], d["protocol"]) for d in found if d["kind"] in ("serial", "receiver")}
    assert serial == {"/dev/ttyUSB1": ("serial", "vedirect"), "/dev/ttyUSB2": ("receiver", "lcp")}
    line = describe(next(d for d in found if d["path"] == "/dev/ttyUSB1"))
    assert line == ("serial   /dev/ttyUSB1 [0403:6015] VE Direct cable - Victron battery monitor or charger: "
                    "cinema devices --listen /dev/ttyUSB1 --protocol vedirect")


def test_ups_batteries_are_listed_in_words(machine):
    ups = [{"kind": "battery", "source": "nut", "name": "ups@localhost", "percent": 23.0, "plugged": False,
            "low": True, "minutes_left": 4.0, "ups_status": "OB LB"},
           {"kind": "battery", "source": "nut", "name": "station@localhost", "percent": None,
            "problem": "DRIVER-NOT-CONNECTED"}]
    found = list_devices(**{**machine, "nut": lambda: ups})
    lines = [describe(d) for d in found if d.get("source") == "nut"]
    assert lines == ["battery  ups@localhost: 23% on battery (low)",
                     "battery  station@localhost: unknown (not answering: DRIVER-NOT-CONNECTED)"]


def test_no_ups_service_lists_no_ups():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    assert _nut_batteries("127.0.0.1", port) == []


def test_listen_vedirect_prints_each_reading_in_the_documented_shape(pty_receiver):
    master, path = pty_receiver
    out, err = io.StringIO(), io.StringIO()
    discharging = encode_block({"PID": "0x203", "V": 12610, "I": -3200, "SOC": 875, "TTG": 140})
    charging = encode_block({"PID": "0x203", "V": 13420, "I": 5100, "SOC": 880, "TTG": -1})
    history = encode_block({"H1": -149322, "H2": -82854})
    writer = send_until(master, b"noise" + discharging + history + charging + history, lambda: out.getvalue().count("\n") >= 2,
                        every=0.05)
    assert listen(path, "vedirect", 0.6, out, err) == 0
    writer.join()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[:2] == [{"percent": 87.5, "volts": 12.61, "amps": -3.2, "minutes_left": 140},
                         {"percent": 88.0, "volts": 13.42, "amps": 5.1, "minutes_left": None}]
    assert err.getvalue() == ""


def test_listen_vedirect_to_a_port_that_cannot_be_opened_is_one_line_and_exit_1(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert listen(str(tmp_path / "ttyUSB7"), "vedirect", 5, out, err) == 1
    assert err.getvalue() == f"cinema devices: cannot open {tmp_path / 'ttyUSB7'}: not plugged in (no such device)\n"
    assert out.getvalue() == ""


def test_listen_vedirect_auto_takes_the_victron_cable_or_says_there_is_none(pty_receiver):
    master, path = pty_receiver
    err = io.StringIO()
    assert listen("auto", "vedirect", 5, io.StringIO(), err, list_ports=lambda: []) == 1
    assert err.getvalue() == ("cinema devices: no Victron device found; name its port: "
                              "--listen PORT --protocol vedirect\n")
    cable = SimpleNamespace(device=path, **VICTRON_CABLE)
    out = io.StringIO()
    writer = send_until(master, encode_block({"V": 12200, "SOC": 500}), lambda: "50.0" in out.getvalue())
    assert listen("auto", "vedirect", 0.3, out, io.StringIO(), list_ports=lambda: [cable]) == 0
    writer.join()
    assert json.loads(out.getvalue().splitlines()[0])["percent"] == 50.0


def test_listen_vedirect_waits_for_an_unplugged_cable_and_goes_on_printing():
    rx = FakeReceiver()
    out, err = io.StringIO(), io.StringIO()
    with fake_port("fake://bmv", rx.open):
        result = []
        thread = threading.Thread(target=lambda: result.append(
            listen("fake://bmv", "vedirect", 1.0, out, err, retry_every=0.02, read_timeout=0.02)))
        thread.start()
        wait_until(lambda: rx.opens == 1)
        rx.send(encode_block({"V": 12500, "SOC": 700}))
        wait_until(lambda: "70.0" in out.getvalue())
        rx.unplug()
        wait_until(lambda: "lost" in err.getvalue())
        rx.plug()
        wait_until(lambda: rx.opens == 2)
        rx.send(encode_block({"V": 12400, "SOC": 690}))
        thread.join(3)
    assert result == [0]
    assert [json.loads(line)["percent"] for line in out.getvalue().splitlines()] == [70.0, 69.0]
    assert err.getvalue().splitlines() == [
        ("cinema devices: lost fake://bmv: unplugged (the device stopped answering); "
         "waiting for it to come back"),
        "cinema devices: fake://bmv is back",
    ]


def test_listen_nut_without_a_ups_service_is_one_line_and_exit_1():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    err = io.StringIO()
    assert listen(f"ups@127.0.0.1:{port}", "nut", 5, io.StringIO(), err) == 1
    assert err.getvalue() == (f"cinema devices: cannot read ups@127.0.0.1:{port}: nothing answers at "
                              f"127.0.0.1:{port} (is the NUT service upsd running?)\n")
