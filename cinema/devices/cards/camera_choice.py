"""The camera a person chose: its lasting name, and writing it into the kiosk config's devices.camera.

The config is a file people edit by hand, with comments that explain each setting; so the one line
`camera: ...` is changed in place (its indentation and any comment after it kept), or added under
`devices:` when it is missing, never the whole file rewritten from the parsed values. The file is
written to a temporary file and renamed, and read back through the config layer before the rename:
a change that would not load is not made.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from cinema.config.problems import Reporter
from cinema.config.yaml_lines import read_yaml_file
from cinema.locale.runtime import gettext as _

BY_ID = Path("/dev/v4l/by-id")
_PLAIN = re.compile(r"^[A-Za-z0-9_./:+-]+$")
_KEY_LINE = re.compile(r"^(?P<head>\s*camera\s*:)(?P<value>[^#]*?)(?P<tail>\s+#.*)?$")


class CannotSave(Exception):
    """The config could not be changed; the message says why and what to do."""


def lasting_name(device: str, by_id: Path = BY_ID) -> str:
    """The name of `device` that stays right when cameras are plugged in another order: its
    /dev/v4l/by-id link (a capture node's, "-video-index0") when there is one, else `device`."""
    try:
        real = os.path.realpath(device)
        links = sorted(by_id.iterdir())
    except OSError:
        return device
    for link in links:
        if os.path.realpath(link) == real and link.name.endswith("index0"):
            return str(link)
    return device


def yaml_scalar(value: str) -> str:
    """`value` as YAML that reads back as the same text (a number stays a number: 0 is camera 0)."""
    if _PLAIN.match(value) and not value.lower() in ("null", "true", "false", "yes", "no", "on", "off", "~"):
        return value
    return json.dumps(value, ensure_ascii=False)


def save_camera(config: Path, camera: str) -> None:
    """Set devices.camera in the kiosk config file `config` to `camera`; raises CannotSave."""
    report = Reporter(str(config))
    root = read_yaml_file(config, report)
    if root is None or not root.is_mapping:
        raise CannotSave(_("{file} cannot be read as settings; fix it first (`cinema check`)").format(file=config))
    text = config.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    devices = root.value.get("devices")
    value = yaml_scalar(camera)
    if devices is not None and devices.is_mapping and "camera" in devices.value:
        index = devices.key_lines["camera"] - 1
        match = _KEY_LINE.match(lines[index].rstrip("\r\n")) if 0 <= index < len(lines) else None
        if match is None:
            raise CannotSave(_("{file}: line {line} is not written as `camera: ...`; set devices.camera "
                               "there by hand to {value}").format(file=config, line=index + 1, value=value))
        ending = lines[index][len(lines[index].rstrip("\r\n")):] or "\n"
        lines[index] = f"{match.group('head')} {value}{match.group('tail') or ''}{ending}"
    elif devices is not None and devices.is_mapping and devices.value:
        first = min(devices.key_lines.values()) - 1
        indent = re.match(r"\s*", lines[first]).group(0)
        lines.insert(first, f"{indent}camera: {value}\n")
    elif devices is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines += ["devices:\n", f"  camera: {value}\n"]
    else:
        raise CannotSave(_("{file}: devices is not written as a list of keys; set devices.camera there by "
                           "hand to {value}").format(file=config, value=value))
    _write_checked(config, "".join(lines), camera)


def _write_checked(config: Path, text: str, camera: str) -> None:
    from cinema.config import read_kiosk_config

    mode = config.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{config.name}.", dir=config.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        loaded, _problems = read_kiosk_config(Path(tmp))
        if loaded is None or loaded.devices.camera != camera:
            raise CannotSave(_("{file}: the camera could not be saved in it; set devices.camera there by hand "
                               "to {value}").format(file=config, value=yaml_scalar(camera)))
        os.replace(tmp, config)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
