"""`cinema doctor` on phones: which Wi-Fi they join (the laptop's hotspot, a travel router, none) and how
many are on it, and whether the hub serves and how many have its page open; with fake NetworkManager
and iw commands on PATH (tests/deploy/fake_nm.py), bounded in time, never a traceback."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from argparse import Namespace
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from cinema import doctor
from cinema.doctor import Machine, Status, hub_sockets, main_doctor
from tests.deploy.fake_nm import FakeNet

REPO = Path(__file__).resolve().parents[1]
HUB_ON = SimpleNamespace(enabled=True, port=8080)
HUB_OFF = SimpleNamespace(enabled=False, port=8080)

# /proc/net/tcp as the kernel writes it: the hub listening on 8080 (1F90), two phones connected
# (10.42.0.23, 10.42.0.57), the same phone twice, and a browser on the laptop itself (127.0.0.1 and
# the laptop's own 10.42.0.1, which also has a socket of its own).
TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
   1: 01002A0A:1F90 17002A0A:C350 01 00000000:00000000 00:00000000 00000000  1000        0 2 1
   2: 01002A0A:1F90 17002A0A:C351 01 00000000:00000000 00:00000000 00000000  1000        0 3 1
   3: 01002A0A:1F90 39002A0A:D001 01 00000000:00000000 00:00000000 00000000  1000        0 4 1
   4: 0100007F:1F90 0100007F:E001 01 00000000:00000000 00:00000000 00000000  1000        0 5 1
   5: 01002A0A:1F90 01002A0A:E002 01 00000000:00000000 00:00000000 00000000  1000        0 6 1
   6: 01002A0A:0016 63002A0A:E003 01 00000000:00000000 00:00000000 00000000     0        0 7 1
"""
# A third phone over IPv6's IPv4-mapped form, and the IPv6 loopback.
TCP6 = """  sl  local_address                         remote_address                        st
   0: 0000000000000000FFFF000001002A0A:1F90 0000000000000000FFFF00004D002A0A:C352 01 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C353 01 0
"""


@pytest.fixture
def net(tmp_path, monkeypatch):
    """The fakes on PATH, and nothing else: a real nmcli or iw on this machine stays out of reach."""
    fake = FakeNet(tmp_path / "net", root=tmp_path / "root")
    for key, value in fake.env(path="").items():
        monkeypatch.setenv(key, value.rstrip(":"))
    return fake


def machine(files: dict[str, str] | None = None) -> Machine:
    files = files or {}
    return Machine(which=shutil.which, read_text=files.get)


def checks(hub, m: Machine) -> dict[str, doctor.Check]:
    return {c.id: c for c in doctor._phone_checks(hub, m)}


def test_the_laptop_hotspot_is_named_with_its_phones_counted_by_iw(net):
    net.connect_hotspot(ssid="Classroom-7", phones=3)
    wifi = checks(HUB_ON, machine())["wifi"]
    assert (wifi.status, wifi.message) == (Status.OK, 'laptop hotspot "Classroom-7" on wlan0: 3 phone(s) connected')
    assert ["dev", "wlan0", "station", "dump"] in [c["args"] for c in net.calls("iw")]


def test_a_hotspot_near_its_limit_says_a_travel_router_is_for_a_class(net):
    net.connect_hotspot(phones=9)
    wifi = checks(HUB_ON, machine())["wifi"]
    assert wifi.status is Status.WARN and "9 phone(s)" in wifi.message
    assert "8 to 10 phones" in wifi.fix and "travel router" in wifi.fix
    assert "travel router" in wifi.line()


def test_without_iw_the_hotspots_dhcp_leases_are_counted(net):
    net.connect_hotspot(phones=0)
    net.remove("iw")
    leases = "1700000000 02:00:00:00:00:01 10.42.0.23 phone-a *\n1700000000 02:00:00:00:00:02 10.42.0.57 * *\n"
    wifi = checks(HUB_ON, machine({"/var/lib/NetworkManager/dnsmasq-wlan0.leases": leases}))["wifi"]
    assert wifi.message.endswith(": 2 phone(s) connected")
    assert "phone(s)" not in checks(HUB_ON, machine())["wifi"].message  # neither can say: no number made up


def test_a_wifi_network_joined_as_a_client_is_the_travel_router(net):
    net.connect_network("GL-MT300N-2f1")
    wifi = checks(HUB_ON, machine())["wifi"]
    assert wifi.status is Status.OK and wifi.message.startswith('travel router / Wi-Fi "GL-MT300N-2f1"')


def test_a_hotspot_wins_over_another_connection_and_a_name_with_colons_reads_whole(net):
    net.connect_network("Staff room")
    net.connect_hotspot(ssid="Room:7 \\ B")
    net.state["active"] = ["Staff room", "learning-cinema-hotspot"]
    net.save()
    assert checks(HUB_ON, machine())["wifi"].message.startswith('laptop hotspot "Room:7 \\ B" on wlan0')


def test_only_a_cable_network_is_said_as_such(net):
    net.state["connections"]["Wired connection 1"] = {"type": "802-3-ethernet", "device": "eth0"}
    net.state["active"] = ["Wired connection 1"]
    net.save()
    assert "cable network (Wired connection 1)" in checks(HUB_ON, machine())["wifi"].message


@pytest.mark.parametrize("hub, status", [(HUB_ON, Status.WARN), (HUB_OFF, Status.OK)])
def test_no_wifi_at_all_warns_only_when_the_hub_is_on(net, hub, status):
    wifi = checks(hub, machine())["wifi"]
    assert wifi.status is status and wifi.message.startswith("none:")
    assert "deploy/wifi/hotspot.sh start" in wifi.fix


def test_without_nmcli_it_says_so_in_words(net):
    net.remove("nmcli")
    wifi = checks(HUB_ON, machine())["wifi"]
    assert wifi.status is Status.WARN and "nmcli is not installed" in wifi.message
    assert checks(HUB_OFF, machine())["wifi"].status is Status.OK


def test_networkmanager_not_running_or_hanging_is_said_within_the_time_limit(net, monkeypatch):
    shim = net.bin / "nmcli"
    shim.write_text('#!/bin/sh\necho "Error: NetworkManager is not running." >&2\nexit 8\n')
    assert "NetworkManager did not answer" in checks(HUB_ON, machine())["wifi"].message
    shim.write_text("#!/bin/sh\nexec sleep 30\n")
    monkeypatch.setattr(doctor, "RUN_SECONDS", 0.5)
    wifi = checks(HUB_ON, machine())["wifi"]
    assert "NetworkManager did not answer" in wifi.message


def test_the_hub_counts_the_phones_with_its_page_open_not_the_laptop_itself():
    assert hub_sockets(8080, machine({"/proc/net/tcp": TCP, "/proc/net/tcp6": TCP6})) == (True, 3)
    assert hub_sockets(9000, machine({"/proc/net/tcp": TCP})) == (False, 0)
    assert hub_sockets(8080, machine({"/proc/net/tcp": "header\n garbage: here\n 1: zz:1F90 yy:1 01\n"})) == (False, 0)


@pytest.mark.parametrize("hub, files, words", [
    (HUB_ON, {"/proc/net/tcp": TCP}, "serving on port 8080: 2 phone(s) with the page open"),
    (HUB_ON, {}, "on, not serving now: it starts with the kiosk, on port 8080"),
    (HUB_OFF, {}, "off: phones do not join (cinema run --hub 8080"),
    (HUB_OFF, {"/proc/net/tcp": TCP}, "serving on port 8080"),  # `cinema run --hub` on the config's port
])
def test_the_hub_line_says_whether_it_serves(net, hub, files, words):
    served = checks(hub, machine(files))["hub"]
    assert served.status is Status.OK and words in served.message


def test_after_hotspot_sh_start_the_doctor_names_that_hotspot(net, tmp_path):
    """The script and the doctor agree: the hotspot the teacher started is the one the doctor sees."""
    (net.root / "etc/learning-cinema").mkdir(parents=True)
    shutil.copy(REPO / "kiosk_config" / "default.yaml", net.root / "etc/learning-cinema/kiosk.yaml")
    env = net.env()
    done = subprocess.run(["bash", str(REPO / "deploy/wifi/hotspot.sh"), "start", "--name", "Classroom-7",
                           "--password", "sunflower42", "--root", str(net.root)],
                          env={**env, "PATH": f"{net.bin}:/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    state = net.load()
    state["stations"]["wlan0"] = 4
    net.save()
    assert checks(HUB_ON, machine())["wifi"].message == 'laptop hotspot "Classroom-7" on wlan0: 4 phone(s) connected'


def test_cinema_doctor_json_has_the_wifi_and_hub_lines(net, tmp_path):
    from tests.app.kiosk_project import ROOT

    config = tmp_path / "kiosk.yaml"
    config.write_text((ROOT / "kiosk_config" / "default.yaml").read_text().replace("  enabled: false\n  host",
                                                                                      "  enabled: true\n  host", 1))
    net.connect_hotspot(ssid="Classroom-7", phones=2)
    out = io.StringIO()
    quick = replace(machine({"/proc/net/tcp": TCP}), battery=lambda power: None, load_vlc=lambda: None)
    main_doctor(Namespace(config=str(config), json=True), quick, out)
    rows = {row["id"]: row for row in json.loads(out.getvalue())}
    assert rows["wifi"]["status"] == "ok" and "Classroom-7" in rows["wifi"]["message"]
    assert rows["hub"]["message"] == "serving on port 8080: 2 phone(s) with the page open"


def test_a_hub_started_on_another_port_is_found_through_the_journal(tmp_path, net):
    """`cinema run --hub 9000` with the config saying 8080: the hub's own note in the journal says where."""
    from cinema.core.events import Record
    from cinema.journal import Journal

    journal = tmp_path / "journal.sqlite"
    store = Journal(journal, "kiosk-07")
    store.append("s1", [Record("hub.note", {"what": "started", "detail": "http://10.42.0.1:9000/"})], 1.0, 1.0)
    store.close()
    assert doctor._last_hub_url(journal) == "http://10.42.0.1:9000/"
    on_9000 = TCP.replace(":1F90", ":2328")  # the same sockets, on port 9000
    m = Machine(which=shutil.which, read_text={"/proc/net/tcp": on_9000}.get)
    served = {c.id: c for c in doctor._phone_checks(HUB_OFF, m, journal)}["hub"]
    assert served.message == "serving on port 9000: 2 phone(s) with the page open"
    store = Journal(journal, "kiosk-07")
    store.append("s1", [Record("hub.note", {"what": "stopped"})], 2.0, 2.0)
    store.close()
    assert doctor._last_hub_url(journal) is None
    assert doctor._last_hub_url(tmp_path / "none.sqlite") is None
    (tmp_path / "junk.sqlite").write_bytes(b"not a database" * 100)
    assert doctor._last_hub_url(tmp_path / "junk.sqlite") is None
