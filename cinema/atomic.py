"""Write a file whole or not at all: a temporary file beside it, synced, then renamed over it.

After a power cut, a full USB stick or a crash, the target holds its old content or the new,
never half of it, and no temporary file is left behind. Every writer in the package goes
through here: `write_bytes` / `write_text` for content in memory, `open_replacing` for writers
that stream (CSV rows, JSON lines), `replacing` for tools that want a file name (SQLite,
ffmpeg, an image library).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def write_bytes(path: str | os.PathLike, data: bytes, *, private: bool = False, parents: bool = True) -> None:
    """Replace `path` with `data`.

    `private` files (keys) stay owner-only (0600) from the first byte; others get the usual
    permissions (0666 less the umask), like any document the teacher saves. `parents` makes
    the folders on the way; without it a missing folder is an error (FileNotFoundError).
    """
    with open_replacing(path, "wb", private=private, parents=parents) as f:
        f.write(data)


def write_text(path: str | os.PathLike, text: str, *, private: bool = False, parents: bool = True) -> None:
    """Replace `path` with `text`, in UTF-8."""
    write_bytes(path, text.encode("utf-8"), private=private, parents=parents)


@contextmanager
def open_replacing(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                   newline: str | None = None, private: bool = False, parents: bool = True) -> Iterator[IO]:
    """A file to write into; it becomes `path` when the block ends without an error.

    `mode` is "w" (text, with `encoding` and `newline` as for `open`) or "wb".
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    with replacing(path, private=private, parents=parents) as tmp:
        text = {} if mode == "wb" else {"encoding": encoding, "newline": newline}
        with open(tmp, mode, **text) as f:  # closed, so every byte is flushed, before the rename
            yield f


@contextmanager
def replacing(path: str | os.PathLike, *, private: bool = False, parents: bool = True) -> Iterator[Path]:
    """The name of an empty temporary file beside `path`, for a writer that wants a name.

    The name ends like `path` (`.lesson.x1y2.partial.mp4`) so that tools which choose a format
    from the name (ffmpeg, image libraries) write the right one; the leading dot hides it from
    a teacher browsing the folder. When the block ends without an error the file is synced and
    renamed over `path`; on any error (a full disk included) it is removed and `path` is left
    as it was.
    """
    path = Path(path)
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".partial{path.suffix}")  # 0600
    except OSError as exc:  # a read-only stick, a missing folder: name the file the user asked for
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync_file(tmp)
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, name):  # not a vanished temporary name
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    fsync_dir(path.parent)


def _fsync_file(path: Path) -> None:
    # Synced by name, so the writer may have used its own handle (SQLite, ffmpeg): the data is on
    # the disk before the rename makes it the real file; a full disk can show up only here.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (FAT on a USB stick) cannot sync a folder; the rename is done
    finally:
        os.close(fd)
