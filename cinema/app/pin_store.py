"""Where the teacher PIN is kept: its salted scrypt hash in a small owner-only (0600) JSON file beside
the journal (`var/teacher-pin.json`), written whole or not at all. Never the digits themselves.

The kiosk config's `teacher_pin` is only the training default: demo, windowed and headless runs
may use it while no PIN has been chosen; a fullscreen kiosk asks the teacher to choose one first.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from cinema.atomic import write_text
from cinema.core.events import SavePin
from cinema.core.pin import DEFAULT_PIN, PinHash

FILE_NAME = "teacher-pin.json"
MAX_BYTES = 4096  # the file holds a few short fields; anything bigger is not ours


class PinFileError(Exception):
    """The PIN file is there but cannot be used (damaged, too big, not ours); one line for the teacher."""


def pin_path(journal: Path) -> Path:
    return Path(journal).parent / FILE_NAME


def save(path: Path, pin: PinHash) -> None:
    data = {"version": 1, "scheme": "scrypt", "n": pin.n, "r": pin.r, "p": pin.p,
            "salt": pin.salt.hex(), "hash": pin.digest.hex()}
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


def load(path: Path) -> PinHash | None:
    """The stored PIN's hash; None when no PIN was chosen yet; PinFileError when the file is unusable."""
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
        if not isinstance(data, dict) or data.get("scheme") != "scrypt":
            raise ValueError("not a scrypt PIN file")
        return PinHash(bytes.fromhex(data["salt"]), bytes.fromhex(data["hash"]),
                       int(data["n"]), int(data["r"]), int(data["p"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise PinFileError(f"{path}: damaged ({exc}); set the PIN again with `cinema pin`") from exc


def teacher_pin(path: Path, config_pin: str) -> tuple[PinHash | str, bool]:
    """The PIN the kiosk checks, and whether it is still the shipped default (training only):
    the stored hash when there is one, else the config's digits."""
    stored = load(path)
    if stored is not None:
        return stored, False
    return config_pin, config_pin == DEFAULT_PIN
