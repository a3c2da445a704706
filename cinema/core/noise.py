"""Junk from devices, counted per device and summed up once a minute, so a flood cannot grow the journal.

A scanner that reads noise, a camera that sees a poster's QR code all day, or a cable with a bad
ground can send thousands of lines a second. Each device gets a window (a minute): the first few
refused cards of the window are journaled one by one (a teacher sees a child's wrong card as
before), the rest are only counted, and when the window ends one `device.noise` record says how
much junk came. Good cards are never counted away: they are journaled as always.

A device whose window was mostly junk is *noisy* until a window passes without much junk; the
status bar and `cinema doctor` flag it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cinema.core.records import DeviceNoise

WINDOW = 60.0  # seconds summed into one device.noise record
REFUSED_ONE_BY_ONE = 10  # refused cards per device per window journaled as their own records
NOISY_MIN = 20  # a window with less junk than this never flags a device (a few bad scans are normal)
NOISY_SHARE = 0.5  # and it must be at least this share of what the device sent
MAX_DEVICES = 64  # devices tracked at once; a flood of invented names cannot grow this


@dataclass
class _Window:
    start: float
    junk: int = 0
    refused: int = 0  # refused scans past the allowance (not journaled one by one)
    refused_written: int = 0
    accepted: int = 0
    changes: int = 0  # connects and losses past the allowance (not journaled one by one)
    changes_written: int = 0

    @property
    def bad(self) -> int:
        return self.junk + self.refused + self.refused_written

    def noisy(self) -> bool:
        return self.bad >= NOISY_MIN and self.bad >= NOISY_SHARE * (self.bad + self.accepted)


class NoiseMeter:
    """Per device: counts in the current window; `close_windows(now)` hands back the summaries due."""

    def __init__(self, window: float = WINDOW, one_by_one: int = REFUSED_ONE_BY_ONE) -> None:
        self.window = window
        self.one_by_one = one_by_one
        self._windows: dict[str, _Window] = {}
        self.noisy: set[str] = set()

    def _get(self, device: str, now: float) -> _Window | None:
        w = self._windows.get(device)
        if w is None:
            if len(self._windows) >= MAX_DEVICES:
                return None
            w = self._windows[device] = _Window(now)
        return w

    def refused(self, device: str, now: float) -> bool:
        """A card from `device` was refused; True when it should be journaled as its own record."""
        w = self._get(device, now)
        if w is None:
            return False
        if w.refused_written < self.one_by_one:
            w.refused_written += 1
            return True
        w.refused += 1
        return False

    def changed(self, device: str, now: float) -> bool:
        """`device` was connected or lost; True when it should be journaled as its own record (a loose
        cable flapping twice a second is journaled ten times a minute, then counted)."""
        w = self._get(device, now)
        if w is None:
            return False
        if w.changes_written < self.one_by_one:
            w.changes_written += 1
            return True
        w.changes += 1
        return False

    def accepted(self, device: str, now: float, count: int = 1) -> None:
        w = self._get(device, now)
        if w is not None:
            w.accepted += count

    def junk(self, device: str, now: float, junk: int, accepted: int = 0) -> None:
        """What a device adapter reported throwing away (and passing on) since its last report."""
        w = self._get(device, now)
        if w is not None:
            w.junk += max(0, junk)
            w.accepted += max(0, accepted)

    def close_windows(self, now: float) -> list[DeviceNoise]:
        """Summaries of the windows that ended by `now` (only those that held junk) and the noisy flags updated."""
        out: list[DeviceNoise] = []
        for device, w in list(self._windows.items()):
            if now - w.start < self.window:
                continue
            del self._windows[device]
            noisy = w.noisy()
            if noisy:
                self.noisy.add(device)
                self._windows[device] = _Window(now)  # a quiet window next clears the flag
            else:
                self.noisy.discard(device)
            # A few junk lines a minute (a receiver's status chatter, a stray bar code) are not worth a record.
            if w.refused or w.changes or w.junk >= NOISY_MIN:
                out.append(DeviceNoise(device=device, junk=w.junk, refused=w.refused, accepted=w.accepted,
                                       seconds=round(now - w.start, 1), noisy=noisy, changes=w.changes))
        return out
