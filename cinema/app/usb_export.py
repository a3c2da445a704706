"""Save the records for the supervisor when the teacher plugs in a USB stick: no command line needed.

The installer's udev rule mounts any USB stick at one folder (`devices.usb_stick`, by default
/media/cinema-usb). This watcher looks at that folder every two seconds; when a stick appears it
writes an export bundle (everything since the last export) into `learning-cinema/` on it, in a
thread of its own so the lesson never waits, and tells the engine how it went (a `UsbExport`
event: the engine journals it and shows the teacher a short message).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable

from cinema.core.events import UsbExport
from cinema.journal.bundle import BundleError, NothingNew, export_bundle

log = logging.getLogger(__name__)
FOLDER_ON_STICK = "learning-cinema"


def stick_ready(folder: Path) -> bool:
    """A stick is there: the folder is a mount point the kiosk may write to."""
    return os.path.ismount(folder) and os.access(folder, os.W_OK)


class UsbExporter:
    """Polls for a stick; exports once per insertion. `put` receives UsbExport events."""

    def __init__(self, folder: Path, journal: Path, card_keys: tuple[bytes, ...], put: Callable[[object], None],
                 *, every: float = 2.0, ready: Callable[[Path], bool] = stick_ready) -> None:
        self.folder = Path(folder)
        self.journal = Path(journal)
        self.card_keys = card_keys
        self.put = put
        self.every = every
        self.ready = ready
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._present = False

    def start(self) -> UsbExporter:
        self._thread = threading.Thread(target=self._run, name="usb-export", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._stop.wait(self.every)

    def check(self) -> None:
        """One look: export when a stick has just appeared; forget it when it is gone."""
        try:
            present = self.ready(self.folder)
        except OSError:
            present = False
        if present and not self._present:
            self._present = True
            self.export()
        elif not present and self._present:
            self._present = False
            log.info("USB stick taken out")

    def export(self) -> None:
        self.put(UsbExport("started"))
        try:
            # (a name ending in "/" is a folder to make, with a bundle named for the kiosk in it)
            result = export_bundle(self.journal, f"{self.folder / FOLDER_ON_STICK}/", self.card_keys)
        except NothingNew:
            self.put(UsbExport("nothing"))
            return
        except BundleError as exc:
            self.put(UsbExport("failed", reason=str(exc)))
            log.warning("USB export: %s", exc)
            return
        except Exception as exc:  # a stick pulled out mid-write, a full stick: never a crash
            self.put(UsbExport("failed", reason=str(exc)))
            log.warning("USB export failed: %s", exc)
            return
        self.put(UsbExport("done", records=result.records, first_seq=result.first_seq, last_seq=result.last_seq,
                           file=result.path.name))
        log.info("USB export: %s records to %s", result.records, result.path)
