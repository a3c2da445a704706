"""The programme's card key file: the current signing key and retired keys in their grace period.

A JSON file, by default `var/card-keys.json`, copied to every kiosk of a programme:

    {"version": 1,
     "keys": [{"key": "<base64>", "created": "2026-11-23", "valid_until": null},
              {"key": "<base64>", "created": "2026-09-01", "valid_until": "2026-12-23"}]}

The key with `valid_until: null` is the current one: new cards are signed with it. After a
rotation the old key still verifies cards through its `valid_until` day (the grace period in
which the teacher hands out new cards), and not after. Whoever has the file can make cards, so
it is written readable by its owner only (0600) and never leaves the kiosks.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from cinema.locale.runtime import gettext as _
from pathlib import Path

from cinema.config.problems import ConfigError, Reporter

from cinema.atomic import write_bytes

KEY_BYTES = 32  # HMAC-SHA256 key as long as its output: more adds nothing
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024  # a key file with years of old keys is a few KB


@dataclass(frozen=True)
class CardKey:
    key: bytes
    created: date
    valid_until: date | None = None  # None: the current key

    def usable_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until


def new_key_file(path: Path, today: date | None = None) -> tuple[CardKey, ...]:
    """Make a key file with one fresh key; refuses to replace an existing one (its cards would die)."""
    path = Path(path)
    today = today or date.today()
    if path.exists():
        raise FileExistsError(path)
    ring = (CardKey(secrets.token_bytes(KEY_BYTES), today),)
    write_key_file(path, ring)
    return ring


def load_keys(path: Path, today: date) -> tuple[bytes, ...]:
    """The keys that verify cards on `today`: the current key first, then those in grace."""
    return tuple(k.key for k in read_key_file(path) if k.usable_on(today))


def current_key(path: Path) -> bytes:
    """The key new cards are signed with."""
    return read_key_file(path)[0].key


def rotate_keys(path: Path, today: date, grace_days: int) -> tuple[CardKey, ...]:
    """Start signing with a fresh key; the old one verifies for `grace_days` more days.

    Keys whose grace period is over are dropped from the file. `grace_days=0` retires the
    old key at the end of today (use it when the key file was lost or copied to a stranger).
    """
    if grace_days < 0:
        raise ValueError("grace_days must be 0 or more")
    old = read_key_file(path)
    until = today + timedelta(days=grace_days)
    retired = tuple(CardKey(k.key, k.created, k.valid_until or until) for k in old if k.usable_on(today))
    ring = (CardKey(secrets.token_bytes(KEY_BYTES), today),) + retired
    write_key_file(path, ring)
    return ring


def read_key_file(path: Path) -> tuple[CardKey, ...]:
    """Every key in the file, current first; raises ConfigError saying what is wrong."""
    path = Path(path)
    report = Reporter(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        report.add(0, "", _("the card key file is missing"),
                   _("copy it from the kiosk that printed the cards, or run `cinema cards` to make a new one"))
        raise ConfigError(report.problems) from None
    except (OSError, UnicodeDecodeError) as exc:
        report.add(0, "", _("cannot read the card key file: {error}").format(error=exc))
        raise ConfigError(report.problems) from None
    except json.JSONDecodeError as exc:
        report.add(exc.lineno, "", _("the card key file is damaged: {error}").format(error=exc.msg),
                   _("copy it again from another kiosk of the programme"))
        raise ConfigError(report.problems) from None
    except (ValueError, RecursionError):  # larger than any key file, or nested past the JSON reader's depth
        report.add(0, "", _("this is not a card key file"), _("copy it again from another kiosk of the programme"))
        raise ConfigError(report.problems) from None
    keys = _parse(data, report)
    if report.problems:
        raise ConfigError(report.problems)
    return keys


def _parse(data: object, report: Reporter) -> tuple[CardKey, ...]:
    fix = _("copy the key file again from another kiosk of the programme")
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(data.get("keys"), list):
        report.add(0, "", _("this is not a card key file (version {version})").format(version=FORMAT_VERSION), fix)
        return ()
    keys: list[CardKey] = []
    for i, entry in enumerate(data["keys"]):
        where = f"keys[{i}]"
        try:
            key = base64.b64decode(entry["key"], validate=True)
            created = date.fromisoformat(entry["created"])
            until = entry.get("valid_until")
            keys.append(CardKey(key, created, date.fromisoformat(until) if until is not None else None))
        except (TypeError, KeyError, ValueError, binascii.Error):
            report.add(0, where, _("this key entry is damaged"), fix)
            continue
        if len(key) < 16:
            report.add(0, where, _("this key is too short to be safe"), _("make a new key file"))
    current = [k for k in keys if k.valid_until is None]
    if not report.problems and (len(current) != 1 or keys[0].valid_until is not None):
        report.add(0, "keys", _("the file must start with exactly one current key (valid_until: null)"), fix)
    return tuple(keys)


def write_key_file(path: Path, keys: tuple[CardKey, ...]) -> None:
    """Write the keys atomically and owner-only (0600)."""
    data = {"version": FORMAT_VERSION, "keys": [
        {"key": base64.b64encode(k.key).decode("ascii"), "created": k.created.isoformat(),
         "valid_until": k.valid_until.isoformat() if k.valid_until else None} for k in keys]}
    write_bytes(Path(path), (json.dumps(data, indent=2) + "\n").encode("utf-8"), private=True)
