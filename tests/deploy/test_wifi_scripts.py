"""deploy/wifi/hotspot.sh run for real against a pretend NetworkManager (tests/deploy/fake_nm.py): the
hotspot a teacher gets, the DNS answers and the port-80 redirect that keep phones on it, the projector's
Wi-Fi code written into the kiosk's settings, and a plain sentence for everything that can go wrong."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from cinema.config import read_kiosk_config
from tests.deploy.fake_nm import FakeNet

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "wifi" / "hotspot.sh"
ROUTER = REPO / "deploy" / "wifi" / "router.sh"
# What the script may use from the system; anything else (a real nmcli, iw or nft) stays out of reach.
SYSTEM_TOOLS = ("bash", "sh", "awk", "sed", "grep", "cat", "mktemp", "rm", "mkdir", "chmod", "dirname", "tr",
                "head", "id", "timeout", "env", "python3")
DNS = "etc/NetworkManager/dnsmasq-shared.d/learning-cinema.conf"
DISPATCHER = "etc/NetworkManager/dispatcher.d/90-learning-cinema-hotspot"


@pytest.fixture
def laptop(tmp_path):
    """A laptop's root folder with the kiosk's shipped settings in /etc/learning-cinema, and the fakes."""
    root = tmp_path / "root"
    (root / "etc/learning-cinema").mkdir(parents=True)
    shutil.copy(REPO / "kiosk_config" / "default.yaml", root / "etc/learning-cinema/kiosk.yaml")
    system = tmp_path / "system"
    system.mkdir()
    for tool in SYSTEM_TOOLS:
        found = shutil.which(tool)
        if found:
            (system / tool).symlink_to(found)
    net = FakeNet(tmp_path / "net", root=root)
    net.system = system
    return net


def run(net: FakeNet, *args: str, check: bool = True, script: Path = SCRIPT) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", str(script), *args, "--root", str(net.root)], env=net.env(str(net.system)),
                          capture_output=True, text=True, timeout=60, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{script.name} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def settings(net: FakeNet, verb: str) -> dict[str, str]:
    """The key-value pairs of the last `nmcli connection VERB`."""
    args = [c["args"] for c in net.calls("nmcli") if c["args"][:2] == ["connection", verb]][-1]
    pairs = args[3:] if verb == "modify" else args[2:]
    return dict(zip(pairs[::2], pairs[1::2]))


def hub_of(net: FakeNet):
    config, _problems = read_kiosk_config(net.root / "etc/learning-cinema/kiosk.yaml")
    return config.hub


# ---- start ----------------------------------------------------------------------------------------


def test_start_makes_an_access_point_with_the_kiosk_address_the_dns_answers_and_the_projector_code(laptop):
    shipped = (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text()
    done = run(laptop, "start", "--name", "Classroom-7", "--password", "sunflower42")
    made = settings(laptop, "add")
    assert made["con-name"] == "learning-cinema-hotspot" and made["ifname"] == "wlan0" and made["type"] == "wifi"
    assert made["802-11-wireless.ssid"] == "Classroom-7" and made["802-11-wireless.mode"] == "ap"
    assert made["ipv4.method"] == "shared" and made["ipv4.addresses"] == "10.42.0.1/24"
    assert made["wifi-sec.key-mgmt"] == "wpa-psk" and made["wifi-sec.psk"] == "sunflower42"
    assert made["wifi-sec.proto"] == "rsn" and made["connection.autoconnect"] == "yes"
    assert ["connection", "up", "learning-cinema-hotspot"] in [c["args"] for c in laptop.calls("nmcli")]
    # every name answers with the kiosk, so the phones' checks (and nothing else) wait for no internet
    assert "address=/#/10.42.0.1" in (laptop.root / DNS).read_text().splitlines()
    # NetworkManager ran the dispatcher as the hotspot came up: port 80 goes to the hub's port
    dispatcher = laptop.root / DISPATCHER
    assert dispatcher.stat().st_mode & stat.S_IXUSR
    ruleset = [c for c in laptop.calls("nft") if c["args"] == ["-f", "-"]]
    assert len(ruleset) == 1 and 'iifname "wlan0" tcp dport 80 redirect to :8080' in ruleset[0]["stdin"]
    # the projector's Wi-Fi QR code: the kiosk's settings now name the network; nothing else changed
    hub = hub_of(laptop)
    assert (hub.wifi_name, hub.wifi_password, hub.wifi_security) == ("Classroom-7", "sunflower42", "WPA")
    now = (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text().splitlines()
    changed = [line for line in now if line not in shipped.splitlines()]
    assert changed == ['  wifi_name: "Classroom-7"', '  wifi_password: "sunflower42"']
    assert "http://10.42.0.1:8080/" in done.stdout and "8 to 10 phones" in done.stdout
    assert "cinema run --hub 8080" in done.stdout


def test_starting_again_updates_the_same_connection_and_keeps_the_settings_file_as_it_is(laptop):
    run(laptop, "start", "--name", "Classroom-7", "--password", "sunflower42")
    first = (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text()
    laptop.log.unlink()
    run(laptop, "start", "--port", "9090")  # the name and password now come from the settings
    verbs = [c["args"][1] for c in laptop.calls("nmcli") if c["args"][0] == "connection" and len(c["args"]) > 2
             and c["args"][1] in ("add", "modify")]
    assert verbs == ["modify"]
    again = settings(laptop, "modify")
    assert again["802-11-wireless.ssid"] == "Classroom-7" and again["wifi-sec.psk"] == "sunflower42"
    assert (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text() == first
    ruleset = [c for c in laptop.calls("nft") if c["args"] == ["-f", "-"]]
    assert "redirect to :9090" in ruleset[-1]["stdin"]


def test_a_name_and_password_with_quotes_colons_and_backslashes_arrive_exactly(laptop):
    name, password = 'Salle "7": B\\C', "pa:ss\"wo\\rd;'x"
    run(laptop, "start", "--name", name, "--password", password)
    made = settings(laptop, "add")
    assert (made["802-11-wireless.ssid"], made["wifi-sec.psk"]) == (name, password)
    hub = hub_of(laptop)
    assert (hub.wifi_name, hub.wifi_password) == (name, password)
    run(laptop, "start")  # read back from the settings as they were written
    again = settings(laptop, "modify")
    assert (again["802-11-wireless.ssid"], again["wifi-sec.psk"]) == (name, password)


def test_with_no_password_anywhere_one_is_made_kept_in_the_settings_and_used_again(laptop):
    first = run(laptop, "start").stdout
    made = settings(laptop, "add")
    password = made["wifi-sec.psk"]
    assert len(password) == 10 and password.isalnum() and not set(password) & set("01lo")
    assert made["802-11-wireless.ssid"] == "Learning-Cinema"
    assert f'password "{password}"' in first
    assert hub_of(laptop).wifi_password == password
    run(laptop, "start")
    assert settings(laptop, "modify")["wifi-sec.psk"] == password  # phones that joined yesterday join again


def test_the_hubs_port_comes_from_the_settings(laptop):
    path = laptop.root / "etc/learning-cinema/kiosk.yaml"
    path.write_text(path.read_text().replace("\n  port: 8080\n", "\n  port: 8123\n", 1))
    run(laptop, "start", "--name", "Room", "--password", "password1")
    assert "redirect to :8123" in [c for c in laptop.calls("nft") if c["args"] == ["-f", "-"]][-1]["stdin"]


def test_settings_without_a_hub_section_get_one(laptop):
    path = laptop.root / "etc/learning-cinema/kiosk.yaml"
    text = path.read_text()
    path.write_text(text[:text.index("\nhub:")] + "\n")
    run(laptop, "start", "--name", "Room 3", "--password", "password1")
    assert path.read_text().endswith('hub:\n  wifi_name: "Room 3"\n  wifi_password: "password1"\n'
                                     '  wifi_security: WPA\n')
    assert hub_of(laptop).wifi_name == "Room 3"


def test_without_a_settings_file_it_says_the_lines_to_put_in_it(laptop):
    (laptop.root / "etc/learning-cinema/kiosk.yaml").unlink()
    done = run(laptop, "start", "--name", "Room", "--password", "password1")
    assert '  wifi_name: "Room"' in done.stdout and '  wifi_password: "password1"' in done.stdout
    assert not (laptop.root / "etc/learning-cinema/kiosk.yaml").exists()


# ---- stop and status ------------------------------------------------------------------------------


def test_stop_takes_the_hotspot_down_for_good_and_undoes_the_dns_and_the_redirect(laptop):
    run(laptop, "start", "--name", "Room", "--password", "password1")
    laptop.log.unlink()
    done = run(laptop, "stop")
    calls = [c["args"] for c in laptop.calls("nmcli")]
    assert ["connection", "down", "learning-cinema-hotspot"] in calls
    assert ["connection", "modify", "learning-cinema-hotspot", "connection.autoconnect", "no"] in calls
    assert ["delete", "table", "ip", "learning_cinema"] in [c["args"] for c in laptop.calls("nft")]
    assert not (laptop.root / DNS).exists()
    assert "Hotspot off" in done.stdout
    assert run(laptop, "stop").returncode == 0  # twice is fine


def test_status_says_whether_it_is_on_and_how_many_phones_are_connected(laptop):
    assert "No hotspot" in run(laptop, "status").stdout
    run(laptop, "start", "--name", "Classroom-7", "--password", "sunflower42")
    state = laptop.load()
    state["stations"]["wlan0"] = 3
    laptop.save()
    done = run(laptop, "status")
    assert 'network "Classroom-7" on wlan0' in done.stdout and "3 phone(s) connected" in done.stdout
    assert "8 to 10" not in done.stdout
    state["stations"]["wlan0"] = 9
    laptop.save()
    assert "8 to 10 phones" in run(laptop, "status").stdout
    run(laptop, "stop")
    assert "Hotspot off." in run(laptop, "status").stdout


def test_without_iw_the_phones_are_counted_from_the_addresses_given_out(laptop):
    run(laptop, "start", "--name", "Room", "--password", "password1")
    laptop.remove("iw")
    leases = laptop.root / "var/lib/NetworkManager/dnsmasq-wlan0.leases"
    leases.parent.mkdir(parents=True)
    leases.write_text("1700000000 02:00:00:00:00:01 10.42.0.23 phone-a *\n"
                      "1700000000 02:00:00:00:00:02 10.42.0.57 * *\n")
    assert "2 phone(s) connected" in run(laptop, "status").stdout


# ---- what can go wrong, in plain words ------------------------------------------------------------


@pytest.mark.parametrize("change, args, words", [
    ("no nmcli", ("start",), "nmcli is not installed: sudo apt install network-manager"),
    ("no wifi", ("start",), "has no Wi-Fi adapter"),
    ("no ap", ("start",), "cannot be a hotspot (no access point mode): use a travel router"),
    ("", ("start", "--password", "short"), "8 to 63 characters"),
    ("", ("start", "--name", "x" * 33, "--password", "password1"), "longer than 32 characters"),
    ("", ("start", "--port", "80a"), "--port must be a number"),
    ("", ("start", "--port", "70000"), "--port must be 1 to 65535"),
    ("", ("begin",), "unknown option: begin"),
    ("", (), "say start, stop or status"),
    ("up fails", ("start", "--name", "Room", "--password", "password1"), "NetworkManager could not start the hotspot"),
])
def test_each_problem_is_one_sentence_and_exit_1(laptop, change, args, words):
    state = laptop.load()
    if change == "no nmcli":
        laptop.remove("nmcli")
    elif change == "no wifi":
        state["devices"] = [d for d in state["devices"] if d["type"] != "wifi"]
    elif change == "no ap":
        state["devices"][0]["ap"] = "no"
    elif change == "up fails":
        (laptop.bin / "nmcli").write_text((laptop.bin / "nmcli").read_text().replace(
            "exec ", 'case "$2" in up) echo "Error: no secrets" >&2; exit 4 ;; esac\nexec ', 1))
    laptop.save()
    done = run(laptop, *args, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 10  # the usage, at most, and the one sentence


def test_the_redirect_falls_back_to_iptables_and_is_skipped_when_the_hub_is_on_port_80(laptop):
    laptop.remove("nft")
    run(laptop, "start", "--name", "Room", "--password", "password1")
    added = [c["args"] for c in laptop.calls("iptables") if "-A" in c["args"]]
    assert added == [["-t", "nat", "-A", "PREROUTING", "-i", "wlan0", "-p", "tcp", "--dport", "80", "-m", "comment",
                      "--comment", "learning-cinema-hotspot", "-j", "REDIRECT", "--to-ports", "8080"]]
    laptop.log.unlink()
    run(laptop, "start", "--port", "80")
    assert not [c for c in laptop.calls("iptables") if "-A" in c["args"]]


def test_the_dispatcher_leaves_every_other_connection_alone(laptop):
    run(laptop, "start", "--name", "Room", "--password", "password1")
    laptop.log.unlink()
    env = {**laptop.env(str(laptop.system)), "CONNECTION_ID": "Home Wi-Fi"}
    for action in ("up", "down"):
        subprocess.run([str(laptop.root / DISPATCHER), "wlan0", action], env=env, check=True, timeout=20)
    assert laptop.calls() == []


# ---- the travel router ----------------------------------------------------------------------------


def test_on_a_travel_routers_wifi_the_projector_gets_its_code_and_the_router_its_settings(laptop):
    laptop.connect_network("GL-MT300N-2f1", psk="goodpass:1")
    done = run(laptop, script=ROUTER)
    hub = hub_of(laptop)
    assert (hub.wifi_name, hub.wifi_password) == ("GL-MT300N-2f1", "goodpass:1")  # NetworkManager's kept password
    # port 80 on this laptop goes to the hub, now and whenever this network comes up
    ruleset = [c for c in laptop.calls("nft") if c["args"] == ["-f", "-"]]
    assert len(ruleset) == 1 and 'iifname "wlan0" tcp dport 80 redirect to :8080' in ruleset[0]["stdin"]
    assert "GL-MT300N-2f1" in (laptop.root / "etc/NetworkManager/dispatcher.d/90-learning-cinema-router").read_text()
    out = done.stdout
    assert "address 192.168.8.10, MAC address 02:11:22:33:44:55" in out and "http://192.168.8.1/" in out
    assert "uci set dhcp.@host[-1].mac='02:11:22:33:44:55'" in out and "uci set dhcp.@host[-1].ip='192.168.8.10'" in out
    assert "uci add_list dhcp.@dnsmasq[0].address='/#/192.168.8.10'" in out
    assert "http://192.168.8.10:8080/" in out


def test_the_routers_password_can_be_given_and_on_a_cable_the_network_too(laptop):
    laptop.connect_network("Class Router", psk="")
    run(laptop, "--password", "given-pass1", script=ROUTER)
    assert hub_of(laptop).wifi_password == "given-pass1"
    state = laptop.load()
    state["connections"] = {"Wired connection 1": {"type": "802-3-ethernet", "device": "eth0"}}
    state["active"] = ["Wired connection 1"]
    state["devices"].append({"device": "eth0", "type": "ethernet", "state": "connected", "ap": "",
                             "hwaddr": "02:AA:BB:CC:DD:EE", "ip4": "192.168.8.20/24", "gateway": "192.168.8.1"})
    laptop.save()
    before = (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text()
    done = run(laptop, "--port", "9000", script=ROUTER)
    assert "address 192.168.8.20, MAC address 02:AA:BB:CC:DD:EE" in done.stdout
    assert "run me again with" in done.stdout  # on a cable the laptop cannot know the router's Wi-Fi
    assert (laptop.root / "etc/learning-cinema/kiosk.yaml").read_text() == before  # the router's Wi-Fi: as it was
    assert 'iifname "eth0" tcp dport 80 redirect to :9000' in [c for c in laptop.calls("nft")
                                                               if c["args"] == ["-f", "-"]][-1]["stdin"]
    run(laptop, "--name", "Class 7B", "--password", "cable-pass1", script=ROUTER)
    hub = hub_of(laptop)
    assert (hub.wifi_name, hub.wifi_password, hub.wifi_security) == ("Class 7B", "cable-pass1", "WPA")


def test_an_open_routers_code_needs_no_password(laptop):
    laptop.connect_network("Open Class", psk="")
    run(laptop, script=ROUTER)
    hub = hub_of(laptop)
    assert (hub.wifi_name, hub.wifi_password, hub.wifi_security) == ("Open Class", "", "nopass")
    config, problems = read_kiosk_config(laptop.root / "etc/learning-cinema/kiosk.yaml")
    assert not [p for p in problems if p.key.startswith("hub.")]


@pytest.mark.parametrize("change, words", [
    ("no network", "on no network: join the travel router's Wi-Fi"),
    ("no address", "gave this laptop no address yet"),
])
def test_the_router_script_says_what_is_missing(laptop, change, words):
    if change == "no address":
        laptop.connect_network("GL-MT300N-2f1", address="")
    done = run(laptop, script=ROUTER, check=False)
    assert done.returncode == 1 and words in done.stderr


@pytest.mark.parametrize("script", ["hotspot.sh", "router.sh", "hub-settings.sh", "dispatcher.sh.in"])
def test_scripts_parse_and_pass_shellcheck(script):
    path = SCRIPT.parent / script
    shell = "sh" if script.endswith(".in") else "bash"
    assert subprocess.run([shell, "-n", str(path)], capture_output=True, check=False).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt install shellcheck)")
    # -x: follow the sourced hub-settings.sh (its path is written from the repository's root)
    done = subprocess.run(["shellcheck", "-x", "-s", shell, str(path.relative_to(REPO))], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
