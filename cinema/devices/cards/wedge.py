"""Tells a keyboard-wedge scanner from a person typing: a scan is a fast burst of keys ending in Enter."""

from __future__ import annotations

from dataclasses import dataclass

from cinema.core.events import CardScanned

# A USB barcode scanner in keyboard mode "types" the code at 2-15 ms a key and presses Enter;
# a person, even a fast one, leaves 60-200 ms between keys. Keys are held back while they may
# still be the start of a scan (a token's letters would otherwise reach the kiosk as commands:
# the S of "TEST" is "skip"), and handed back as `Keys` once the burst is broken.
MAX_GAP = 0.03  # seconds between two keys of one scan
MIN_LENGTH = 6  # shorter bursts are keys pressed together, not a code
MAX_LENGTH = 256  # a burst longer than this is a stuck key or junk, never a card
ENTER_KEYS = frozenset({"\r", "\n", "return", "enter", "kp_enter"})


@dataclass(frozen=True)
class Keys:
    """Keys that were not part of a scan, in the order typed, for the kiosk to use as usual."""

    keys: tuple[str, ...]


WedgeEvent = CardScanned | Keys


class WedgeDetector:
    """Sans-IO: `feed(key, at)` each key press with its time (seconds, any monotonic clock),
    and call `poll(now)` from time to time (at least every `max_gap` while `pending()`) to get
    back held keys. Both return a list of `CardScanned(token, "scanner")` and `Keys`.

    A key is a one-character string, or a key name ("return", "left", "f1"); a named key other
    than Enter is never part of a scan.
    """

    def __init__(self, max_gap: float = MAX_GAP, min_length: int = MIN_LENGTH, max_length: int = MAX_LENGTH,
                 source: str = "scanner") -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.max_length = max_length
        self.source = source
        self._held: list[str] = []
        self._last: float | None = None
        self.scans = 0

    def pending(self) -> bool:
        """True while keys are held back (call `poll` by `deadline()`)."""
        return bool(self._held)

    def deadline(self) -> float | None:
        """When the held keys stop being a possible scan (None when nothing is held)."""
        return None if self._last is None or not self._held else self._last + self.max_gap

    def _release(self, extra: tuple[str, ...] = ()) -> list[WedgeEvent]:
        keys = tuple(self._held) + extra
        self._held.clear()
        self._last = None
        return [Keys(keys)] if keys else []

    def flush(self) -> list[WedgeEvent]:
        """Hand back every held key now: a key that is no card's text came (Escape, an arrow), and the
        keys typed before it must reach the kiosk before it does."""
        return self._release() if self._held else []

    def poll(self, now: float) -> list[WedgeEvent]:
        """Hand back held keys once no key has come for `max_gap`: they were typed, not scanned."""
        if self._held and self._last is not None and now - self._last > self.max_gap:
            return self._release()
        return []

    def feed(self, key: str, at: float) -> list[WedgeEvent]:
        out: list[WedgeEvent] = []
        if self._held and self._last is not None and at - self._last > self.max_gap:
            out += self._release()  # too slow to be one burst: what came before was typed
        is_enter = key.lower() in ENTER_KEYS if len(key) > 1 else key in ENTER_KEYS
        if is_enter:
            if len(self._held) >= self.min_length:
                token = "".join(self._held)
                self._held.clear()
                self._last = None
                self.scans += 1
                out.append(CardScanned(token, self.source))
            else:
                out += self._release((key,))
            return out
        if len(key) != 1 or not key.isprintable():
            out += self._release((key,))  # arrows, F-keys, Tab: a person, never a card's text
            return out
        self._held.append(key)
        self._last = at
        if len(self._held) > self.max_length:
            out += self._release()
        return out
