"""The phones' wire protocol, parsed (pure): one frame in, one typed message or a Refusal out; never raises.

Every frame is checked for size (MAX_MESSAGE) before it is decoded, for nesting before json.loads (a
message is one flat object), and then field by field: exactly the fields of its "t", each of its type
and bound. No floats, no NaN/Infinity, no duplicate keys, no booleans where a number belongs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cinema.core.roster import ID_PATTERN
from cinema.hub import MAX_MESSAGE

MAX_REQUEST = 2**31
COMMANDS = ("next", "back", "pause", "accept", "decline", "seek_back", "seek_forward", "skip", "repeat")
_ID_RE = re.compile(ID_PATTERN)
_KEY_RE = re.compile(r"^[A-Za-z0-9]{1,2}$")
_PIN_RE = re.compile(r"^[0-9]{1,12}$")
_CODE_RE = re.compile(r"^[A-Za-z0-9 ]{0,16}$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Hello:
    code: str | None  # the session code typed or from ?c= (the teacher's hello has none)
    token: str | None  # the token the phone kept, None the first time


@dataclass(frozen=True)
class Answer:
    question: str  # PhoneQuestion.id as the phone saw it
    key: str
    r: int


@dataclass(frozen=True)
class Link:
    card: str
    r: int


@dataclass(frozen=True)
class Login:
    pin: str
    r: int


@dataclass(frozen=True)
class Cmd:
    cmd: str  # one of COMMANDS
    r: int


@dataclass(frozen=True)
class Mark:
    learner: str
    undo: bool
    r: int


@dataclass(frozen=True)
class Choose:
    lesson: str
    r: int


@dataclass(frozen=True)
class Logout:
    pass


@dataclass(frozen=True)
class Refusal:
    """Not a message we take. `reason` is short and fixed (journaled); `r` the request number when the
    frame had a readable one (so the phone still gets its ack)."""

    reason: str
    r: int | None = None


Message = Hello | Answer | Link | Login | Cmd | Mark | Choose | Logout
CHILD = frozenset({"hello", "answer", "link"})
TEACHER = frozenset({"hello", "login", "cmd", "mark", "choose", "logout"})


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _no_constant(name: str) -> Any:
    raise _Bad("number")


def _no_float(text: str) -> Any:
    raise _Bad("number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Bad("duplicate")
        out[key] = value
    return out


def _flat(text: str) -> bool:
    """True when `text` nests no deeper than one object (outside strings): json.loads never recurses."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > 1:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _text(value: Any, limit: int, pattern: re.Pattern | None = None) -> str:
    if not isinstance(value, str) or len(value) > limit or _CONTROL_RE.search(value):
        raise _Bad("field")
    if pattern is not None and not pattern.match(value):
        raise _Bad("field")
    return value


def _request(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_REQUEST:
        raise _Bad("field")
    return value


def _fields(obj: dict, required: set[str], optional: set[str] = frozenset()) -> None:
    keys = set(obj) - {"t"}
    if not required <= keys or keys - required - optional:
        raise _Bad("fields")


def _build(obj: dict) -> Message:
    kind = obj["t"]
    if kind == "hello":
        _fields(obj, set(), {"code", "token"})
        code, token = obj.get("code"), obj.get("token")
        return Hello(None if code is None else _text(code, 16, _CODE_RE),
                     None if token is None else _text(token, 64, _TOKEN_RE))
    if kind == "logout":
        _fields(obj, set())
        return Logout()
    if kind == "answer":
        _fields(obj, {"q", "key", "r"})
        return Answer(_text(obj["q"], 64), _text(obj["key"], 2, _KEY_RE), _request(obj["r"]))
    if kind == "link":
        _fields(obj, {"card", "r"})
        card = _text(obj["card"], 120).strip()
        if not card:
            raise _Bad("field")
        return Link(card, _request(obj["r"]))
    if kind == "login":
        _fields(obj, {"pin", "r"})
        return Login(_text(obj["pin"], 12, _PIN_RE), _request(obj["r"]))
    if kind == "cmd":
        _fields(obj, {"cmd", "r"})
        cmd = obj["cmd"]
        if cmd not in COMMANDS:
            raise _Bad("command")
        return Cmd(cmd, _request(obj["r"]))
    if kind == "mark":
        _fields(obj, {"learner", "r"}, {"undo"})
        undo = obj.get("undo", False)
        if type(undo) is not bool:
            raise _Bad("field")
        return Mark(_text(obj["learner"], 64, _ID_RE), undo, _request(obj["r"]))
    if kind == "choose":
        _fields(obj, {"lesson", "r"})
        return Choose(_text(obj["lesson"], 512), _request(obj["r"]))
    raise _Bad("type")


def parse(frame: bytes | str | None, allowed: frozenset[str] = CHILD) -> Message | Refusal:
    """One frame from a phone -> its message, or a Refusal saying why not. Never raises."""
    if frame is None:
        return Refusal("empty")
    if isinstance(frame, str):
        if len(frame) > MAX_MESSAGE:  # characters: cheap, before encoding
            return Refusal("size")
        try:
            raw = frame.encode("utf-8")
        except UnicodeEncodeError:
            return Refusal("encoding")
    else:
        raw = bytes(frame)
    if len(raw) > MAX_MESSAGE:
        return Refusal("size")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal("encoding")
    if not _flat(text):
        return Refusal("depth")
    try:
        obj = json.loads(text, parse_constant=_no_constant, parse_float=_no_float, object_pairs_hook=_pairs)
    except _Bad as bad:
        return Refusal(bad.reason)
    except (ValueError, RecursionError):
        return Refusal("json")
    if not isinstance(obj, dict):
        return Refusal("json")
    r = obj.get("r")
    r = r if type(r) is int and 0 <= r <= MAX_REQUEST else None
    kind = obj.get("t")
    if not isinstance(kind, str) or kind not in allowed:
        return Refusal("type", r)
    try:
        return _build(obj)
    except _Bad as bad:
        return Refusal(bad.reason, r)


def same_origin(origin: str | None, host: str | None) -> bool:
    """True when a socket's Origin header names the Host it was opened on (scheme http or https; a port
    left out is the scheme's default). A missing Origin is let through: every browser sends one on a
    WebSocket, so only other programs leave it out, and they could send any Origin they like."""
    if origin is None:
        return True
    if not host or len(origin) > 300:
        return False
    scheme, sep, rest = origin.strip().lower().partition("://")
    if not sep or scheme not in ("http", "https") or "/" in rest.rstrip("/") or "@" in rest:
        return False
    default = ":80" if scheme == "http" else ":443"

    def with_port(netloc: str) -> str:
        netloc = netloc.rstrip("/")
        bracket = netloc.rfind("]")
        return netloc if netloc.rfind(":") > bracket else netloc + default

    return with_port(rest) == with_port(host.strip().lower())
