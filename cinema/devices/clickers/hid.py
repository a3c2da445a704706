"""USB keypads and presenter remotes: Linux input key codes to presses or teacher commands (pure).

Each input device is configured on its own, by a stable id (its /dev/input/by-id path): a
keypad becomes one handset with a clicker id, a presenter remote drives the lesson. A device
that is not configured gives nothing, so the teacher's own keyboard is never read as a child's
answer. Codes are the kernel's (`linux/input-event-codes.h`) as plain ints, so this module does
not need `evdev`; `hid_reader.py` is the thin adapter that reads real devices.
"""

from __future__ import annotations

import zlib

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cinema.core.events import Command, TeacherCommand
from cinema.devices.clickers.protocol import Press, normalize_clicker

# Key codes from linux/input-event-codes.h (stable kernel ABI).
EV_KEY = 1
KEY_ESC, KEY_BACKSPACE, KEY_ENTER, KEY_SPACE, KEY_DOT, KEY_F5 = 1, 14, 28, 57, 52, 63
KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F = 30, 48, 46, 32, 18, 33
KEY_M = 50
KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0 = range(2, 12)
KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS = 71, 72, 73, 74
KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS = 75, 76, 77, 78
KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT = 79, 80, 81, 82, 83
KEY_KPENTER = 96
KEY_UP, KEY_PAGEUP, KEY_LEFT, KEY_RIGHT, KEY_DOWN, KEY_PAGEDOWN = 103, 104, 105, 106, 108, 109
KEY_BACK, KEY_FORWARD = 158, 159
KEY_NEXTSONG, KEY_PLAYPAUSE, KEY_PREVIOUSSONG = 163, 164, 165
KEY_REWIND, KEY_FASTFORWARD, KEY_SUBTITLE = 168, 208, 0x172
KEY_OK, KEY_SELECT, KEY_NEXT, KEY_PREVIOUS = 0x160, 0x161, 0x197, 0x19C

KEY_DOWN_VALUE = 1  # evdev key event values: 0 up, 1 down, 2 auto-repeat (held keys do not repeat answers)

# A numeric (or full) keypad used as one child's handset: keys as LCP/1 names them.
KEYPAD_KEYS: Mapping[int, str] = {
    KEY_A: "A", KEY_B: "B", KEY_C: "C", KEY_D: "D", KEY_E: "E", KEY_F: "F",
    KEY_0: "0", KEY_1: "1", KEY_2: "2", KEY_3: "3", KEY_4: "4",
    KEY_5: "5", KEY_6: "6", KEY_7: "7", KEY_8: "8", KEY_9: "9",
    KEY_KP0: "0", KEY_KP1: "1", KEY_KP2: "2", KEY_KP3: "3", KEY_KP4: "4",
    KEY_KP5: "5", KEY_KP6: "6", KEY_KP7: "7", KEY_KP8: "8", KEY_KP9: "9",
    KEY_ENTER: "OK", KEY_KPENTER: "OK", KEY_OK: "OK",
    KEY_UP: "UP", KEY_KPPLUS: "UP", KEY_DOWN: "DOWN", KEY_KPMINUS: "DOWN",
    KEY_BACKSPACE: "BACK", KEY_KPDOT: "BACK", KEY_BACK: "BACK",
}

# Digit keypads for children who answer A-F questions: 1 is A, 2 is B...
DIGITS_AS_LETTERS: Mapping[str, str] = {"1": "A", "2": "B", "3": "C", "4": "D", "5": "E", "6": "F"}

# Presenter remotes send PageDown/PageUp (some arrows), "blank screen" as B or '.',
# and "start/stop slideshow" as F5/Esc; the Esc of a presenter pauses, it never asks to quit.
PRESENTER_COMMANDS: Mapping[int, Command] = {
    KEY_PAGEDOWN: Command.NEXT, KEY_RIGHT: Command.NEXT, KEY_DOWN: Command.NEXT, KEY_SPACE: Command.NEXT,
    KEY_NEXT: Command.NEXT, KEY_NEXTSONG: Command.NEXT, KEY_FORWARD: Command.NEXT,
    KEY_PAGEUP: Command.BACK, KEY_LEFT: Command.BACK, KEY_UP: Command.BACK,
    KEY_PREVIOUS: Command.BACK, KEY_PREVIOUSSONG: Command.BACK, KEY_BACK: Command.BACK,
    KEY_B: Command.PAUSE, KEY_DOT: Command.PAUSE, KEY_F5: Command.PAUSE, KEY_ESC: Command.PAUSE,
    KEY_PLAYPAUSE: Command.PAUSE,
    KEY_REWIND: Command.SEEK_BACK, KEY_FASTFORWARD: Command.SEEK_FORWARD,  # remotes with media keys
    KEY_SUBTITLE: Command.CAPTIONS,
    KEY_M: Command.MARK,  # remotes with a keyboard: the class list, to mark a child by hand
    KEY_ENTER: Command.ACCEPT, KEY_KPENTER: Command.ACCEPT, KEY_OK: Command.ACCEPT, KEY_SELECT: Command.ACCEPT,
}


@dataclass(frozen=True)
class HidDevice:
    """One configured input device: a child's keypad (`clicker` set) or a presenter (`clicker` None)."""

    device_id: str  # how the config names it, e.g. /dev/input/by-id/usb-...-event-kbd
    clicker: str | None = None
    digits_as_letters: bool = False

    def __post_init__(self) -> None:
        if self.clicker is not None:
            object.__setattr__(self, "clicker", normalize_clicker(self.clicker))

    @property
    def is_presenter(self) -> bool:
        return self.clicker is None


@dataclass
class HidMapper:
    """Turns (device id, key code, value) into a `Press`, a `TeacherCommand`, or nothing."""

    devices: Iterable[HidDevice]
    keypad_keys: Mapping[int, str] = field(default_factory=lambda: KEYPAD_KEYS)
    presenter_commands: Mapping[int, Command] = field(default_factory=lambda: PRESENTER_COMMANDS)
    ignored: int = 0  # key downs from configured devices that mean nothing

    def __post_init__(self) -> None:
        self.devices = tuple(self.devices)  # read twice: here and by the reader that opens them
        self._by_id = {d.device_id: d for d in self.devices}

    def known(self, device_id: str) -> bool:
        return device_id in self._by_id

    def key(self, device_id: str, code: int, value: int = KEY_DOWN_VALUE) -> Press | TeacherCommand | None:
        """What one key event means; only key downs count (not releases, not auto-repeat)."""
        device = self._by_id.get(device_id)
        if device is None or value != KEY_DOWN_VALUE:
            return None
        if device.clicker is None:
            command = self.presenter_commands.get(code)
            if command is None:
                self.ignored += 1
                return None
            return TeacherCommand(command)
        key = self.keypad_keys.get(code)
        if key is None:
            self.ignored += 1
            return None
        if device.digits_as_letters:
            key = DIGITS_AS_LETTERS.get(key, key)
        return Press(device.clicker, key, None)


def keypad_clicker_id(device_id: str) -> str:
    """A stable handset id for a USB keypad, from its device path (the same keypad, the same id)."""
    return f"{zlib.crc32(device_id.encode()) & 0xFFFFFFFF:08X}"


def mapper_from_config(keypads: Iterable[str], presenters: Iterable[str]) -> HidMapper | None:
    """The kiosk config's `devices.keypads` (children's) and `devices.presenters` (the teacher's)."""
    devices = [HidDevice(path, clicker=keypad_clicker_id(path)) for path in keypads]
    devices += [HidDevice(path) for path in presenters]
    return HidMapper(devices) if devices else None
