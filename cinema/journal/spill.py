"""Records the journal could not take (a full disk) kept in a small file until they can be added.

At the end of a run the kiosk writes its pending records here instead of dropping them: beside
the journal if that still works, else in memory-backed /dev/shm (survives the kiosk, not a
power cut) or the system's temporary folder. The next start adds every spill file of this
journal to it and removes the file once the records are committed. A supervisor can read one
(JSON lines: session, times, kind, payload) with any text editor.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cinema.atomic import write_text
from cinema.core.events import Record

MAX_SPILL_BYTES = 64 * 1024 * 1024  # a spill file is a lesson's records; more is not ours to read


@dataclass(frozen=True)
class Pending:
    """A record not yet in the journal, with what `Journal.append` needs to store it as it was."""

    session_id: str
    wall: float
    mono: float
    record: Record

    def as_json(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "wall": self.wall, "mono": self.mono,
                "kind": self.record.kind, "payload": self.record.payload}


def _tag(journal: Path) -> str:
    """A short name for this journal, so spill files elsewhere are found by its next start."""
    return hashlib.sha256(str(Path(journal).resolve()).encode()).hexdigest()[:12]


def spill_places(journal: Path) -> list[Path]:
    """Where spill files of `journal` go, in order of preference (the first is beside it)."""
    journal = Path(journal)
    places = [journal.parent]
    if Path("/dev/shm").is_dir():
        places.append(Path("/dev/shm"))
    places.append(Path(tempfile.gettempdir()))
    return places


def _name(journal: Path, folder: Path, stamp: str) -> Path:
    if folder == Path(journal).parent:
        return folder / f"{Path(journal).name}.spill-{stamp}.jsonl"
    return folder / f"learning-cinema-spill-{_tag(journal)}-{stamp}.jsonl"


def write_spill(journal: Path, pending: list[Pending], stamp: str) -> Path | None:
    """Write the records to the first place that takes them whole (owner-only); None if none did."""
    text = "".join(json.dumps(p.as_json(), ensure_ascii=False, sort_keys=True) + "\n" for p in pending)
    if Path(journal).name:
        note = {"journal": str(Path(journal).resolve())}
        text = json.dumps(note) + "\n" + text
    for folder in spill_places(journal):
        target = _name(journal, folder, stamp)
        try:
            write_text(target, text, private=True, parents=False)
        except OSError:
            continue
        return target
    return None


def spill_patterns(journal: Path) -> list[str]:
    """Glob patterns of the spill files of `journal`, wherever they were written."""
    journal = Path(journal)
    return [str(folder / (f"{journal.name}.spill-*.jsonl" if folder == journal.parent
                          else f"learning-cinema-spill-{_tag(journal)}-*.jsonl")) for folder in spill_places(journal)]


def _ours(path: Path) -> bool:
    """A spill file this kiosk wrote: a plain file of ours that nobody else may write. /dev/shm and
    /tmp are open to every user of the laptop, and a planted file must not add records to the journal."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def find_spills(journal: Path) -> list[Path]:
    """Spill files left by earlier runs of this journal, oldest first."""
    found = [Path(name) for pattern in spill_patterns(journal) for name in sorted(glob.glob(pattern))
             if _ours(Path(name))]
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(dict.fromkeys(found), key=age)


def batches(pending: list[Pending]) -> list[list[Pending]]:
    """Consecutive records of one session and one moment: each is one `Journal.append`."""
    out: list[list[Pending]] = []
    for p in pending:
        if out and (out[-1][0].session_id, out[-1][0].wall, out[-1][0].mono) == (p.session_id, p.wall, p.mono):
            out[-1].append(p)
        else:
            out.append([p])
    return out


def read_spill(path: Path) -> list[Pending]:
    """The records of a spill file; lines that are not records (a note, damage) are skipped."""
    out: list[Pending] = []
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > MAX_SPILL_BYTES:
            raise ValueError(f"{path}: larger than a spill file can be")
        for line in fh:
            try:
                data = json.loads(line.decode("utf-8"))  # a damaged line is skipped, not half read
            except ValueError:
                continue
            if not isinstance(data, dict):
                continue
            kind, payload, session = data.get("kind"), data.get("payload"), data.get("session_id")
            wall, mono = data.get("wall"), data.get("mono")
            if not (isinstance(kind, str) and isinstance(payload, dict) and isinstance(session, str)
                    and isinstance(wall, (int, float)) and isinstance(mono, (int, float))):
                continue
            out.append(Pending(session, float(wall), float(mono), Record(kind, payload)))
    return out
