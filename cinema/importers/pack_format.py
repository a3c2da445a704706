"""The lesson pack's format and what writing and installing one share: names, limits, the signature key,
names a FAT32 stick can hold, copying with a hash, the room on a disk, and problem lines.

A pack is a FOLDER, not one archive: USB sticks are often FAT32, which holds no file over 4 GB.

    PACK/pack.json          format, version, made_at, the lessons (name, id, title, language, their
                            activities) and EVERY file: path in the pack, bytes, sha256
    PACK/signature.json     HMAC-SHA256 of pack.json's exact bytes, with a key derived from the
                            programme's card key file (as export bundles are, under another label,
                            so a bundle's signature never passes as a pack's); absent: unsigned
    PACK/lessons/NAME.yaml  the playlist; its media in PACK/lessons/NAME/ (with checksums.json)
    PACK/activities/X.yaml  the activities the lessons use; question pictures as `../lessons/NAME/...`

The signature covers pack.json and pack.json covers every file's bytes, so one altered byte
anywhere is named. pack.py writes packs (and runs both commands); pack_install.py installs them.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import re
import stat
from pathlib import Path
from typing import Callable

from cinema.atomic import fsync_dir
from cinema.locale.runtime import gettext as _

from . import checksums
from .checksums import human_size
from .drafts import ImportProblem, problem_line

FORMAT = "learning-cinema-pack"
FORMAT_VERSION = 1
PACK_JSON = "pack.json"
SIGNATURE_JSON = "signature.json"
LESSONS = "lessons"
ACTIVITIES = "activities"
_DERIVE = b"learning-cinema/lesson-pack/v1"  # not the bundles' label: a bundle's signature is no pack's
MAX_PACK_JSON = 16 << 20  # 50,000 files of about 150 bytes is 7.5 MB
MAX_SIGNATURE_JSON = 4096
MAX_DEPTH = 5  # {"lessons": [{"activities": [...]}]} nests four deep
MAX_FILES = 50_000
MAX_LESSONS = 500
FAT32_MAX_FILE = (4 << 30) - 1
MAX_NAME_CHARS = 255  # one part of a path on FAT (long names) and most other file systems
MAX_PATH_CHARS = 1024
SPARE_BYTES = 64 << 10  # beyond the files (and 1% of them): folder entries, activities rewritten on install
LESSON_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
_FAT_FORBIDDEN = set('<>:"\\|?*')
_FAT_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}

ProgressFactory = Callable[..., object]


def default_progress(label: str, total: float | None, unit: str = "") -> object:
    from cinema.progress import bar

    return bar(label, total, unit=unit)


def signing_key(card_key: bytes) -> bytes:
    """The pack key: derived from the card key (a signature reveals nothing about it)."""
    return hmac.new(card_key, _DERIVE, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def is_pack(path: Path | str) -> bool:
    """A folder holding a pack.json (what `cinema import` hands here)."""
    path = Path(path)
    try:
        return path.is_dir() and (path / PACK_JSON).is_file()
    except OSError:
        return False


def fat_name_problem(part: str) -> str | None:
    """Why `part` (one name in a path) cannot be written on a FAT32 stick, or None."""
    if not part or len(part) > MAX_NAME_CHARS:
        return _("its name is empty or longer than {n} characters").format(n=MAX_NAME_CHARS)
    bad = sorted({c for c in part if c in _FAT_FORBIDDEN or ord(c) < 32})
    if bad:
        return _("its name has characters a USB stick cannot hold: {chars}").format(
            chars=" ".join(repr(c) for c in bad))
    if part[-1] in ". ":
        return _("its name ends with a dot or a space, which a USB stick drops")
    if part.split(".")[0].upper() in _FAT_RESERVED:
        return _("its name ({name}) is reserved on USB sticks").format(name=part)
    return None


def inside(path: str, folder: str) -> bool:
    """`path` is `folder` or under it (both already normalised or resolved by the caller)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def dump_yaml(plain: object, note: str) -> bytes:
    """A lesson or activity file whose paths were rewritten: `note` (a comment line) says why."""
    import yaml

    text = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"# {note}\n{text}".encode("utf-8")


def read_plain(path: Path) -> object:
    """A YAML file as plain values, read with the content files' bounds (size, depth, aliases)."""
    from cinema.config.problems import Reporter
    from cinema.config.yaml_lines import read_yaml_file

    report = Reporter(path)
    node = read_yaml_file(path, report)
    if node is None or report.problems:
        raise ImportProblem([str(p) for p in report.problems] or [str(path)])
    return node.plain()


def file_problem(template: str, file: str, fix: str, **values: object) -> str:
    """`lessons/water/lesson.mp4 was changed or damaged (checksum) — copy the pack again ...`: the
    file named in the sentence itself."""
    return f"{template.format(file=file, **values)} — {fix}"


def copy_again() -> str:
    return _("copy the pack again from the programme's stick")


def open_plain_file(path: Path) -> int:
    """A read handle on an ordinary file, never through a link nor blocking on a pipe."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not an ordinary file", str(path))
    return fd


def copy_hashed(source: Path, target: Path, limit: int | None, update: Callable[[int], object],
                *, no_links: bool = False) -> tuple[int, str]:
    """Copy `source` to a new `target` (synced), hashing what was read; at most `limit` + 1 bytes are read."""
    h = hashlib.sha256()
    n = 0
    fd = open_plain_file(source) if no_links else os.open(source, os.O_RDONLY)
    with os.fdopen(fd, "rb") as src, open(target, "xb") as dst:
        while True:
            want = checksums.CHUNK if limit is None else min(checksums.CHUNK, limit + 1 - n)
            if want <= 0:
                break
            chunk = src.read(want)
            if not chunk:
                break
            h.update(chunk)
            dst.write(chunk)
            n += len(chunk)
            update(len(chunk))
        dst.flush()
        os.fsync(dst.fileno())
    return n, h.hexdigest()


def write_data(target: Path, data: bytes) -> tuple[int, str]:
    with open(target, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return len(data), hashlib.sha256(data).hexdigest()


def free_bytes(folder: Path) -> int:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize


def check_room(folder: Path, needed: int, template: str, fix: str) -> None:
    """Refused before copying when the disk cannot hold it all (`template` has {needed} and {free})."""
    try:
        free = free_bytes(folder)
    except OSError:
        return  # cannot tell: the copy itself will say when the disk is full
    if needed > free:
        said = template.format(needed=human_size(needed), free=human_size(free))
        raise ImportProblem(problem_line(folder, said, fix))


def disk_problem(exc: OSError, where: Path, needed: int) -> list[str]:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return [f"{where}: " + _("the disk became full while writing (needs {needed}); nothing was changed").format(
            needed=human_size(needed)) + " — " + _("make room on the disk and run the same command again")]
    if exc.errno == errno.EROFS:
        return [f"{where}: " + _("the disk is read-only") + " — " + _("unlock the stick (its little switch) or use "
                                                                        "another disk")]
    return [f"{exc.filename or where}: " + _("cannot write ({reason})").format(reason=exc.strerror or exc) + " — "
            + _("check the disk and its permissions, then run the same command again")]
