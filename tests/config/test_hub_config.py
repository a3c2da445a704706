"""The kiosk config's `hub:` section and `--hub [HOST:]PORT`: what a teacher writes becomes HubConfig,
and every mistake is reported at its line with what to write instead."""

from __future__ import annotations

import pytest

from cinema.config import read_kiosk_config
from cinema.config.kiosk import parse_hub_address
from cinema.config.models import HubConfig
from cinema.config.problems import display_path

BASE = """\
version: 1
kiosk_id: test-kiosk
teacher_pin: "4821"
playlist: playlists/lesson.yaml
"""


@pytest.fixture
def write_config(project):
    project.write("playlists/lesson.yaml", "version: 1\ntitle: x\nitems: [{type: closing}]\n")
    return lambda text: project.write("kiosk_config/default.yaml", text)


def test_no_hub_section_means_no_hub(write_config):
    config, problems = read_kiosk_config(write_config(BASE))
    assert problems == []
    assert config.hub == HubConfig() and not config.hub.enabled


def test_a_hub_section_is_read_as_written(write_config):
    config, problems = read_kiosk_config(write_config(BASE + """\
hub:
  enabled: true
  host: 10.42.0.1
  port: 8000
  wifi_name: Classroom 3 ☀
  wifi_password: "bright;sun:42"
  wifi_security: WPA
  teacher_minutes: 45
  max_phones: 40
  take_home_kbps: 1500
"""))
    assert problems == []
    assert config.hub == HubConfig(enabled=True, host="10.42.0.1", port=8000, wifi_name="Classroom 3 ☀",
                                   wifi_password="bright;sun:42", wifi_security="WPA", teacher_minutes=45.0,
                                   max_phones=40, take_home_kbps=1500)


def test_an_open_network_needs_no_password(write_config):
    config, problems = read_kiosk_config(write_config(BASE + "hub:\n  wifi_name: Open room\n  wifi_security: nopass\n"))
    assert problems == []
    assert (config.hub.wifi_name, config.hub.wifi_security, config.hub.wifi_password) == ("Open room", "nopass", "")


# (case, config text with the expected line marked #!, key, words the message and fix must contain)
CASES = [
    ("port too high", BASE + "hub:\n  port: 70000  #!\n", "hub.port", ["is 70000", "from 1 to 65535"]),
    ("port zero", BASE + "hub:\n  port: 0  #!\n", "hub.port", ["is 0", "from 1 to 65535"]),
    ("port as words", BASE + "hub:\n  port: eighty  #!\n", "hub.port", ["must be a whole number"]),
    ("host not an address", BASE + "hub:\n  host: my laptop  #!\n", "hub.host",
     ["'my laptop' is not an address", "0.0.0.0"]),
    ("host a bad IP", BASE + "hub:\n  host: 10.42.0.300  #!\n", "hub.host", ["'10.42.0.300' is not an address"]),
    ("security misspelt", BASE + "hub:\n  wifi_security: WPA2  #!\n", "hub.wifi_security",
     ["'WPA2' is not valid", "WPA, WEP, nopass"]),
    ("WPA password too short", BASE + "hub:\n  wifi_name: Room\n  wifi_password: \"1234567\"  #!\n",
     "hub.wifi_password", ["8 to 63 characters", "has 7"]),
    ("WPA password too long", BASE + "hub:\n  wifi_name: Room\n  wifi_password: " + "x" * 64 + "  #!\n",
     "hub.wifi_password", ["8 to 63 characters", "has 64"]),
    ("WPA network with no password", BASE + "hub:\n  wifi_name: Room  #!\n",
     "hub.wifi_password", ["WPA network with no wifi_password", "wifi_security: nopass"]),
    ("WEP password of the wrong length", BASE + "hub:\n  wifi_name: Room\n  wifi_security: WEP\n"
     "  wifi_password: abcdefg  #!\n", "hub.wifi_password", ["5 or 13 characters", "has 7"]),
    ("password on an open network", BASE + "hub:\n  wifi_name: Room\n  wifi_security: nopass\n"
     "  wifi_password: secret-secret  #!\n", "hub.wifi_password", ["open network", "wifi_security: WPA"]),
    ("password with no network name", BASE + "hub:\n  wifi_password: secret-secret  #!\n",
     "hub.wifi_password", ["without wifi_name", "add `wifi_name:`"]),
    ("network name too long", BASE + "hub:\n  wifi_name: " + "é" * 17 + "  #!\n  wifi_security: nopass\n",
     "hub.wifi_name", ["32 bytes"]),
    ("enabled as text", BASE + "hub:\n  enabled: \"yes\"  #!\n", "hub.enabled", ["must be true or false"]),
    ("unknown key", BASE + "hub:\n  wifi_pasword: secret-secret  #!\n", "hub.wifi_pasword",
     ["unknown key", 'did you mean "wifi_password"']),
    ("no phones", BASE + "hub:\n  max_phones: 0  #!\n", "hub.max_phones", ["is 0", "from 1 to 2000"]),
    ("downloads too slow to be of use", BASE + "hub:\n  take_home_kbps: 2  #!\n", "hub.take_home_kbps",
     ["is 2", "from 16"]),
    ("teacher minutes zero", BASE + "hub:\n  teacher_minutes: 0  #!\n", "hub.teacher_minutes", ["is 0", "from 1"]),
]


@pytest.mark.parametrize("case, text, key, words", CASES, ids=[c[0] for c in CASES])
def test_a_hub_mistake_is_reported_at_its_line(write_config, marked_line, case, text, key, words):
    path = write_config(text)

    config, problems = read_kiosk_config(path)

    assert len(problems) == 1, problems
    line = marked_line(text)
    assert (problems[0].file, problems[0].line, problems[0].key) == (path, line, key)
    shown = str(problems[0])
    assert shown.startswith(f"{display_path(path)}:{line}: {key}: ")
    assert " — " in shown  # every problem says how to fix it
    for word in words:
        assert word in shown
    assert config is not None and config.hub.port in range(1, 65536)  # the rest goes on from the defaults


ADDRESSES = [
    ("8080", ("0.0.0.0", 8080)),
    ("0", ("0.0.0.0", 0)),
    ("0.0.0.0:8080", ("0.0.0.0", 8080)),
    ("10.42.0.1:80", ("10.42.0.1", 80)),
    ("127.0.0.1:0", ("127.0.0.1", 0)),
    ("localhost:9000", ("localhost", 9000)),
    ("[::]:8080", ("::", 8080)),
    (" 8080 ", ("0.0.0.0", 8080)),
]


@pytest.mark.parametrize("text, expected", ADDRESSES)
def test_hub_address_from_the_command_line(text, expected):
    assert parse_hub_address(text) == expected


BAD_ADDRESSES = [
    ("65536", "not a port"),
    ("-1", "not a port"),
    ("eighty", "not a port"),
    ("0.0.0.0:", "not a port"),
    ("8080:0.0.0.0", "not a port"),
    (":8080", "address before the colon is empty"),
    ("my laptop:8080", "not an address"),
    ("999.1.1.1:80", "not an address"),
    ("::1:8080", "brackets"),
    ("٨٠٨٠", "not a port"),  # Arabic digits are digits to str.isdigit, not to a socket
]


@pytest.mark.parametrize("text, words", BAD_ADDRESSES)
def test_a_wrong_hub_address_says_what_to_write(text, words):
    with pytest.raises(ValueError) as caught:
        parse_hub_address(text)
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert "8080" in message  # an example of what to write


def test_every_hub_key_is_documented_and_in_the_shipped_config():
    from cinema.config.kiosk import HUB_SCHEMA, KIOSK_SCHEMA
    from tests.app.kiosk_project import ROOT

    shipped = (ROOT / "kiosk_config" / "default.yaml").read_text()
    assert "hub (block: hub; " in KIOSK_SCHEMA.describe()
    for field in HUB_SCHEMA.fields:
        assert len(field.doc) > 10, field.name
        assert f"\n  {field.name}: " in shipped, field.name
