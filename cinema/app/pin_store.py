"""Where the teacher PIN is kept: its salted scrypt hash in a small owner-only (0600) JSON file beside
the journal (`var/teacher-pin.json`), written whole or not at all. Never the digits themselves.
The same file keeps the wrong tries in a row and the end of their wait (the laptop's clock), so a
restart or a pulled plug does not give a child 5 new tries.

The kiosk config's `teacher_pin` is only the training default: demo, windowed and headless runs
may use it while no PIN has been chosen; a fullscreen kiosk asks the teacher to choose one first.
"""

from __future__ import annotations

import json
import logging
import math
import os
import stat
import time
from pathlib import Path
from typing import Any, Callable

from cinema.atomic import write_text
from cinema.core.events import SavePin
from cinema.core.pin import DEFAULT_PIN, MAX_WAIT, PinHash

log = logging.getLogger(__name__)

FILE_NAME = "teacher-pin.json"
MAX_BYTES = 4096  # the file holds a few short fields; anything bigger is not ours
MAX_TRIES = 99  # a wrong-try count read back is bounded (the wait is MAX_WAIT long from the 10th on)


class PinFileError(Exception):
    """The PIN file is there but cannot be used (damaged, too big, not ours); one line for the teacher."""


def pin_path(journal: Path) -> Path:
    return Path(journal).parent / FILE_NAME


def save(path: Path, pin: PinHash) -> None:
    """A new PIN: its hash, and no wrong tries."""
    _write(path, {"version": 1, "scheme": "scrypt", "n": pin.n, "r": pin.r, "p": pin.p,
                  "salt": pin.salt.hex(), "hash": pin.digest.hex(), "wrong_tries": 0, "wait_until": 0})


def _write(path: Path, data: dict[str, Any]) -> None:
    write_text(path, json.dumps(data) + "\n", private=True)
    folder = os.stat(Path(path).parent)
    if os.geteuid() == 0 and folder.st_uid != 0:
        # `sudo cinema pin` on an installed laptop: the kiosk's own user must be able to read it.
        os.chown(path, folder.st_uid, folder.st_gid)


def save_effect(path: Path):
    """What the main loop calls with the engine's SavePin effect."""

    def keep(effect: SavePin) -> None:
        save(path, PinHash(effect.salt, effect.digest, effect.n, effect.r, effect.p))

    return keep


def _read(path: Path) -> dict[str, Any] | None:
    """The file's fields; None when there is no file; PinFileError when it is unusable."""
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise PinFileError(f"{path}: not a regular file")
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PinFileError(f"{path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_BYTES:
        raise PinFileError(f"{path}: too big to be a PIN file")
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a PIN file")
        return data
    except (ValueError, UnicodeDecodeError) as exc:
        raise PinFileError(f"{path}: damaged ({exc}); set the PIN again with `cinema pin`") from exc


def load(path: Path) -> PinHash | None:
    """The stored PIN's hash; None when no PIN was chosen yet (no file, or only wrong tries kept by a
    training run); PinFileError when the file is unusable."""
    data = _read(path)
    if data is None or not {"scheme", "salt", "hash"} & data.keys():
        return None
    try:
        if data.get("scheme") != "scrypt":
            raise ValueError("not a scrypt PIN file")
        return PinHash(bytes.fromhex(data["salt"]), bytes.fromhex(data["hash"]),
                       int(data["n"]), int(data["r"]), int(data["p"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise PinFileError(f"{path}: damaged ({exc}); set the PIN again with `cinema pin`") from exc


class FileTries:
    """The PIN prompt's wrong tries kept in the PIN file (`core.pin.TriesKeeper`). The wait's end is
    kept on the laptop's clock; read back it is never more than MAX_WAIT away, so a clock set back
    (or a hostile file) cannot lock the teacher out for longer."""

    def __init__(self, path: Path, wall: Callable[[], float] = time.time) -> None:
        self.path, self.wall = Path(path), wall

    def load(self) -> tuple[int, float] | None:
        try:
            data = _read(self.path)
        except PinFileError as exc:
            log.error("teacher PIN file unusable, wrong tries not read: %s", exc)
            return None
        if data is None:
            return 0, 0.0
        tries, until = data.get("wrong_tries", 0), data.get("wait_until", 0)
        tries = min(MAX_TRIES, tries) if type(tries) is int and tries > 0 else 0
        if type(until) not in (int, float) or not math.isfinite(until):
            until = 0.0
        return tries, max(0.0, min(MAX_WAIT, until - self.wall()))

    def save(self, wrong_in_a_row: int, wait_left: float) -> None:
        try:
            data = _read(self.path) or {"version": 1}
        except PinFileError as exc:  # keep the damaged file for the teacher to see; the tries stay in memory
            log.error("teacher PIN file unusable, wrong tries not kept: %s", exc)
            return
        data["wrong_tries"] = min(MAX_TRIES, max(0, wrong_in_a_row))
        data["wait_until"] = round(self.wall() + wait_left, 3) if wait_left > 0 else 0
        try:
            _write(self.path, data)
        except OSError as exc:  # a full disk: the tries stay in memory for this run
            log.error("wrong PIN tries not kept: %s", exc)


def teacher_pin(path: Path, config_pin: str) -> tuple[PinHash | str, bool]:
    """The PIN the kiosk checks, and whether it is still the shipped default (training only):
    the stored hash when there is one, else the config's digits."""
    stored = load(path)
    if stored is not None:
        return stored, False
    return config_pin, config_pin == DEFAULT_PIN
