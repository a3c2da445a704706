"""Which kiosk config a command reads: one answer for every command, so `doctor` checks what `run` uses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "CINEMA_CONFIG"  # set by /usr/local/bin/cinema and the kiosk service on an installed laptop
SYSTEM_CONFIG = Path("/etc/learning-cinema/kiosk.yaml")  # where deploy/install.sh puts a laptop's settings
FOLDER_CONFIG = Path("kiosk_config") / "default.yaml"  # in a project folder (a checkout, a copy of the content)
BUNDLED_CONFIG = Path(__file__).resolve().parents[2] / FOLDER_CONFIG  # the one shipped with this program

HELP = (f"kiosk config (default: ${ENV_VAR}, else {SYSTEM_CONFIG} when installed, "
        f"else {FOLDER_CONFIG} here or in the program's folder)")


def locate_config(named: str | os.PathLike | None = None, environ: Mapping[str, str] = os.environ, *,
                  system: Path = SYSTEM_CONFIG, here: Path | None = None) -> Path:
    """The config file to read; it may not exist (the command then says so).

    In order: the one named (--config); CINEMA_CONFIG; the installed laptop's settings; the
    `kiosk_config/default.yaml` of the folder the command runs in (`here`, default: the current
    folder); the program's own `kiosk_config/default.yaml`. The installed settings come before
    any folder's, so a technician who starts a command from a copy of the program on an
    installed laptop still sees what the kiosk service uses.
    """
    if named:
        return Path(named)
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    if system.is_file():
        return system
    local = (here or Path.cwd()) / FOLDER_CONFIG
    return local if local.is_file() else BUNDLED_CONFIG
