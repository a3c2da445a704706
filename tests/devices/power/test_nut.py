"""NUT: UPS names, reply lines, what the variables mean, and a server that misbehaves."""

import socket
import threading
import time

import pytest

from cinema.devices.power.nut import (
    NutError, NutSource, UpsAddress, parse_address, reading_from_vars, split_words, status_flags,
)


@pytest.mark.parametrize("text, expected", [
    ("ups", UpsAddress("ups", "localhost", 3493)),
    ("ups@localhost", UpsAddress("ups", "localhost", 3493)),
    ("ecoflow@192.0.2.7:3500", UpsAddress("ecoflow", "192.0.2.7", 3500)),
    ("ups@[::1]:3494", UpsAddress("ups", "::1", 3494)),
    ("ups@[::1]", UpsAddress("ups", "::1", 3493)),
    ("", UpsAddress(None, "localhost", 3493)),  # the only UPS on this laptop
    ("@127.0.0.1:13493", UpsAddress(None, "127.0.0.1", 13493)),
])
def test_parse_address(text, expected):
    assert parse_address(text) == expected
    assert parse_address(str(expected)) == expected  # str() writes it back the way upsc takes it


@pytest.mark.parametrize("text", ["ups@host:0", "ups@host:http", "ups@[::1", "ups@", "my ups@host", "ups@[::1]x"])
def test_parse_address_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_address(text)


@pytest.mark.parametrize("line, words", [
    ('VAR ups battery.charge "87"', ["VAR", "ups", "battery.charge", "87"]),
    ('UPS ups "Eaton 5E, the \\"big\\" one"', ["UPS", "ups", 'Eaton 5E, the "big" one']),
    ('VAR ups ups.status "OB LB"', ["VAR", "ups", "ups.status", "OB LB"]),
    ('VAR ups x "back\\\\slash"', ["VAR", "ups", "x", "back\\slash"]),
    ('VAR ups x ""', ["VAR", "ups", "x", ""]),
])
def test_split_words(line, words):
    assert split_words(line) == words


def test_an_unterminated_quote_is_a_protocol_error():
    with pytest.raises(NutError):
        split_words('VAR ups x "87')


@pytest.mark.parametrize("status, charging, low", [
    ("OL", True, False),
    ("OL CHRG", True, False),
    ("OB DISCHRG", False, False),
    ("OB LB", False, True),
    ("ol chrg lb", True, True),  # a driver that writes lower case
    ("BYPASS", None, False),
    ("", None, False),
    (None, None, None),
])
def test_status_flags(status, charging, low):
    assert status_flags(status) == (charging, low)


@pytest.mark.parametrize("variables, expected", [
    ({"battery.charge": "87", "battery.runtime": "8400", "ups.status": "OB", "battery.voltage": "12.6"},
     dict(percent=87.0, minutes_left=140.0, charging=False, volts=12.6, low=False)),
    ({"battery.charge": "100", "ups.status": "OL"}, dict(percent=100.0, minutes_left=None, charging=True)),
    ({"battery.runtime": "300", "ups.status": "OB LB"}, dict(percent=None, minutes_left=5.0, low=True)),
    ({"battery.charge": "104"}, dict(percent=100.0)),  # some power stations overshoot
    ({"battery.charge": "nan", "battery.runtime": "600"}, dict(percent=None, minutes_left=10.0)),
    ({"battery.charge": "55", "battery.current": "-2.5"}, dict(amps=-2.5, charging=None)),
])
def test_reading_from_vars(variables, expected):
    reading = reading_from_vars(variables)
    assert {k: getattr(reading, k) for k in expected} == expected
    assert reading.source == "nut"


def test_a_ups_without_charge_or_runtime_is_no_reading():
    assert reading_from_vars({"ups.status": "OL", "input.voltage": "230"}) is None


# ---- a server that misbehaves ---------------------------------------------------------------


class FakeUpsd:
    """Answers each connection with `reply(command)`; None means say nothing at all."""

    def __init__(self, reply):
        self.reply = reply
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.commands = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                reader = conn.makefile("rb")
                try:
                    for raw in reader:
                        command = raw.decode().strip()
                        self.commands.append(command)
                        answer = self.reply(command)
                        if answer is None:
                            self._stop.wait(1.5)
                            break
                        if not answer:
                            break  # hang up
                        conn.sendall(answer.encode())
                except OSError:
                    pass
                reader.close()  # the socket stays open while a file made from it is

    def close(self):
        self._stop.set()
        self.thread.join(3)
        self.sock.close()


@pytest.fixture
def upsd_that():
    servers = []

    def make(reply):
        server = FakeUpsd(reply)
        servers.append(server)
        return server

    yield make
    for s in servers:
        s.close()


def normal(command):
    if command == "LIST UPS":
        return 'BEGIN LIST UPS\nUPS station "Power station"\nEND LIST UPS\n'
    if command == "LIST VAR station":
        return ('BEGIN LIST VAR station\nVAR station battery.charge "64"\nVAR station battery.runtime "5400"\n'
                'VAR station ups.status "OB"\nEND LIST VAR station\n')
    return "OK Goodbye\n" if command == "LOGOUT" else "ERR UNKNOWN-COMMAND\n"


def test_the_only_ups_is_found_and_each_read_says_goodbye(upsd_that):
    server = upsd_that(normal)
    changes = []
    source = NutSource(f"@127.0.0.1:{server.port}", changes.append)
    assert source.read().percent == 64.0
    assert source.read().minutes_left == 90.0
    deadline = time.monotonic() + 2  # the server thread may still be reading the last LOGOUT
    while len(server.commands) < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert server.commands == ["LIST UPS", "LIST VAR station", "LOGOUT", "LIST VAR station", "LOGOUT"]
    assert [(c.name, c.connected) for c in changes] == [(f"UPS @127.0.0.1:{server.port}", True)]


@pytest.mark.parametrize("reply, detail", [
    (lambda c: "ERR DATA-STALE\n", "the UPS stopped answering its driver"),
    (lambda c: "ERR DRIVER-NOT-CONNECTED\n", "the UPS driver is not running"),
    (lambda c: "ERR ACCESS-DENIED\n", "upsd refuses this computer"),
    (lambda c: "HTTP/1.1 400 Bad Request\n", "unexpected reply"),
    (lambda c: 'BEGIN LIST VAR station\nVAR station battery.charge "6\n', "unterminated quote"),
    (lambda c: "BEGIN LIST VAR station\n" + "x" * 5000 + "\n", "too long"),
    (lambda c: "", "closed the connection"),
])
def test_a_server_that_misbehaves_reads_as_none_with_a_reason(upsd_that, reply, detail):
    server = upsd_that(lambda c: "OK Goodbye\n" if c == "LOGOUT" else reply(c))
    changes = []
    source = NutSource(f"station@127.0.0.1:{server.port}", changes.append, timeout=1)
    assert source.read() is None
    assert len(changes) == 1 and not changes[0].connected and detail in changes[0].detail


def test_a_server_that_never_answers_costs_the_timeout_not_more(upsd_that):
    server = upsd_that(lambda c: None)
    source = NutSource(f"station@127.0.0.1:{server.port}", timeout=0.3)
    started = time.monotonic()
    assert source.read() is None
    assert time.monotonic() - started < 1.0
    assert "no answer" in source.presence.detail


def test_nothing_listening_is_said_plainly():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there after
    source = NutSource(f"ups@127.0.0.1:{port}")
    assert source.read() is None
    assert source.presence.detail == f"nothing answers at 127.0.0.1:{port} (is the NUT service upsd running?)"


def test_a_ups_found_by_looking_is_looked_for_again_when_it_goes(upsd_that):
    names = ["station"]

    def reply(command):
        if command == "LIST UPS":
            return "BEGIN LIST UPS\n" + "".join(f'UPS {n} ""\n' for n in names) + "END LIST UPS\n"
        if command == f"LIST VAR {names[0]}":
            return f'BEGIN LIST VAR {names[0]}\nVAR {names[0]} battery.charge "70"\nEND LIST VAR {names[0]}\n'
        return "OK Goodbye\n" if command == "LOGOUT" else "ERR UNKNOWN-UPS\n"

    server = upsd_that(reply)
    source = NutSource(f"@127.0.0.1:{server.port}")
    assert source.read().percent == 70.0
    names[0] = "renamed"  # the supervisor renamed it in ups.conf
    assert source.read() is None
    assert source.read().percent == 70.0
