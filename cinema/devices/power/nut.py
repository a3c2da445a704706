"""A UPS or power station through Network UPS Tools: the upsd network protocol (what `upsc` speaks).

Speaking the protocol (TCP, port 3493, `LIST VAR <ups>`) instead of running `upsc` needs no
nut-client on the kiosk, costs no process per reading and gives the server's own error codes.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass

from cinema.devices.power.reading import BatteryReading, Notify, Presence, finite

DEFAULT_PORT = 3493
TIMEOUT = 2.0  # seconds for connecting and for each reply; upsd on this laptop answers in ~1 ms
MAX_LINE = 4096  # bytes in one reply line (a variable's value is at most 256)
MAX_LINES = 2000  # lines in one list; a UPS has ~100 variables


class NutError(Exception):
    """upsd answered `ERR <code>`, or something that is not the protocol."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code} {detail}".strip())
        self.code = code


@dataclass(frozen=True)
class UpsAddress:
    """Which UPS: `ups@host:port` as `upsc` takes it. `ups` None: the only one the server has."""

    ups: str | None = None
    host: str = "localhost"
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"{self.ups or ''}@{host}{port}"


def parse_address(text: str) -> UpsAddress:
    """`ups`, `ups@host`, `ups@host:port`, `ups@[::1]:3493`; `""` or `@host` for the only UPS
    there. Raises ValueError with a plain reason."""
    text = text.strip()
    name, at, where = text.partition("@")
    if at and not where:
        raise ValueError(f"no host after '@': {text!r}")
    if any(c.isspace() or c in '"\\' for c in name):
        raise ValueError(f"a UPS name has no spaces or quotes: {name!r}")
    host, port = where or "localhost", DEFAULT_PORT
    if host.startswith("["):
        inside, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"write an IPv6 address as [address]:port: {where!r}")
        host, port_text = inside, rest[1:]
    elif host.count(":") == 1:
        host, port_text = host.split(":")
    else:
        port_text = ""
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"a port is a number from 1 to 65535: {port_text!r}")
        port = int(port_text)
    if not host:
        raise ValueError(f"no host in {text!r}")
    return UpsAddress(name or None, host, port)


def split_words(line: str) -> list[str]:
    """The words of a reply line; `"quoted values"` are one word with `\\"` and `\\\\` unescaped."""
    words: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] == " ":
            i += 1
            continue
        if line[i] == '"':
            i += 1
            word = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                word.append(line[i])
                i += 1
            if i >= n:
                raise NutError("PROTOCOL", f"unterminated quote in {line[:80]!r}")
            i += 1
            words.append("".join(word))
        else:
            end = line.find(" ", i)
            end = n if end < 0 else end
            words.append(line[i:end])
            i = end
    return words


# ---- what the variables mean ------------------------------------------------------------


def status_flags(status: str | None) -> tuple[bool | None, bool | None]:
    """(charging, low) from `ups.status` tokens: OL on line, OB on battery, LB low battery,
    CHRG charging, DISCHRG discharging. Unknown words are ignored."""
    if status is None:
        return None, None
    tokens = set(status.upper().split())
    if "DISCHRG" in tokens or "OB" in tokens:
        charging: bool | None = False
    elif "CHRG" in tokens or "OL" in tokens:
        charging = True  # on line: the battery is not draining even when it is full
    else:
        charging = None
    return charging, "LB" in tokens


def _float(variables: Mapping[str, str], name: str) -> float | None:
    try:
        return finite(float(variables[name]))
    except (KeyError, ValueError):
        return None


def reading_from_vars(variables: Mapping[str, str], source: str = "nut") -> BatteryReading | None:
    """A reading from a UPS's variables; None when it reports neither charge nor runtime.

    `battery.charge` is percent, `battery.runtime` seconds (the estimate the UPS gives; on line
    it is what would be left if the mains went now), `battery.voltage` V, `battery.current` A.
    """
    charge, runtime = _float(variables, "battery.charge"), _float(variables, "battery.runtime")
    if charge is None and runtime is None:
        return None
    charging, low = status_flags(variables.get("ups.status"))
    return BatteryReading(
        percent=min(100.0, charge) if charge is not None and charge >= 0 else None,
        minutes_left=runtime / 60 if runtime is not None and runtime >= 0 else None,
        charging=charging, volts=_float(variables, "battery.voltage"), amps=_float(variables, "battery.current"),
        low=low, source=source)


# ---- the connection ------------------------------------------------------------------------


class NutClient:
    """One short conversation with upsd: `with NutClient(host, port) as c: c.list_vars("ups")`."""

    def __init__(self, host: str = "localhost", port: int = DEFAULT_PORT, timeout: float = TIMEOUT) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._sock: socket.socket | None = None
        self._file = None

    def __enter__(self) -> NutClient:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._file = self._sock.makefile("rb")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            sock.sendall(b"LOGOUT\n")  # upsd would otherwise log a client that hung up on it
        except OSError:
            pass
        try:
            if self._file is not None:
                self._file.close()
            sock.close()
        except OSError:
            pass

    def list_ups(self) -> dict[str, str]:
        """The server's UPSes: name -> description."""
        return {w[1]: (w[2] if len(w) > 2 else "") for w in self._list("UPS", "UPS") if len(w) >= 2}

    def list_vars(self, ups: str) -> dict[str, str]:
        """Every variable of `ups` (`battery.charge` -> "87"). Raises NutError (UNKNOWN-UPS,
        DRIVER-NOT-CONNECTED, DATA-STALE, ...) or OSError."""
        return {w[2]: w[3] for w in self._list(f"VAR {ups}", "VAR") if len(w) >= 4}

    def _list(self, what: str, kind: str) -> list[list[str]]:
        self._send(f"LIST {what}")
        first = self._line()
        if first != f"BEGIN LIST {what}":
            raise self._error(first)
        rows = []
        for _ in range(MAX_LINES):
            line = self._line()
            if line == f"END LIST {what}":
                return rows
            words = split_words(line)
            if not words or words[0] != kind:
                raise self._error(line)
            rows.append(words)
        raise NutError("PROTOCOL", f"more than {MAX_LINES} lines in one list")

    def _send(self, command: str) -> None:
        assert self._sock is not None, "use NutClient in a with block"
        self._sock.sendall(command.encode("utf-8") + b"\n")

    def _line(self) -> str:
        assert self._file is not None
        raw = self._file.readline(MAX_LINE + 1)
        if not raw:
            raise ConnectionError("upsd closed the connection")
        if len(raw) > MAX_LINE:
            raise NutError("PROTOCOL", "a reply line is too long")
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    @staticmethod
    def _error(line: str) -> NutError:
        if line.startswith("ERR "):
            code, _, detail = line[4:].partition(" ")
            return NutError(code, detail)
        return NutError("PROTOCOL", f"unexpected reply {line[:80]!r}")


def find_ups(host: str = "localhost", port: int = DEFAULT_PORT, timeout: float = TIMEOUT) -> dict[str, str]:
    """The UPSes upsd on `host` knows (name -> description). Raises OSError or NutError."""
    with NutClient(host, port, timeout) as client:
        return client.list_ups()


# What upsd's error codes mean for whoever reads the log or the journal.
_CODES = {
    "UNKNOWN-UPS": "upsd has no UPS by that name",
    "DRIVER-NOT-CONNECTED": "the UPS driver is not running (is the UPS plugged in and switched on?)",
    "DATA-STALE": "the UPS stopped answering its driver",
    "ACCESS-DENIED": "upsd refuses this computer (see upsd.conf)",
    "NO-UPS": "upsd has no UPS configured (see ups.conf)",
}


def describe_error(exc: BaseException, address: UpsAddress) -> str:
    where = f"{address.host}:{address.port}"
    if isinstance(exc, NutError):
        return f"{_CODES.get(exc.code, str(exc))} ({address})"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing answers at {where} (is the NUT service upsd running?)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer from {where} within the time allowed"
    if isinstance(exc, socket.gaierror):
        return f"unknown host {address.host!r}"
    return f"cannot reach {where}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)


class NutSource:
    """A UPS through upsd: each `read()` is one short connection (a refused one costs ~0.1 ms)."""

    def __init__(self, address: UpsAddress | str = "", on_change: Notify | None = None, *,
                 timeout: float = TIMEOUT, name: str | None = None, quiet: bool = False) -> None:
        self.address = parse_address(address) if isinstance(address, str) else address
        self.timeout = timeout
        self.name = name or f"UPS {self.address}"
        self.presence = Presence(self.name, on_change, quiet)
        self._ups = self.address.ups

    def read(self) -> BatteryReading | None:
        address = self.address
        try:
            with NutClient(address.host, address.port, self.timeout) as client:
                if self._ups is None:
                    found = client.list_ups()
                    if not found:
                        raise NutError("NO-UPS")
                    self._ups = min(found)  # the usual case: one UPS on this laptop
                variables = client.list_vars(self._ups)
        except (OSError, NutError) as exc:
            if isinstance(exc, NutError) and exc.code == "UNKNOWN-UPS":
                self._ups = address.ups  # a UPS found by looking goes away: look again next time
            self.presence.down(describe_error(exc, address))
            return None
        reading = reading_from_vars(variables, source="nut")
        if reading is None and variables.get("ups.status") == "WAIT":
            self.presence.down(f"the driver of UPS {self._ups} is starting")
            return None
        if reading is None:
            self.presence.down(f"UPS {self._ups} reports neither battery.charge nor battery.runtime")
            return None
        self.presence.up(f"{self._ups}@{address.host}")
        return reading

    def close(self) -> None:
        pass  # every read closes its own connection


__all__ = ["DEFAULT_PORT", "NutClient", "NutError", "NutSource", "UpsAddress", "describe_error", "find_ups",
           "parse_address", "reading_from_vars", "split_words", "status_flags"]
