"""USB keypads and presenters: each configured device maps its own keys; others are ignored."""

import re

import pytest

from cinema.core.events import Command, TeacherCommand
from cinema.devices.clickers import hid
from cinema.devices.clickers.hid import HidDevice, HidMapper
from cinema.devices.clickers.protocol import Press

KEYPAD = "/dev/input/by-id/usb-keypad-1-event-kbd"
DIGITS = "/dev/input/by-id/usb-keypad-2-event-kbd"
PRESENTER = "/dev/input/by-id/usb-presenter-event-kbd"
TEACHER_KEYBOARD = "/dev/input/by-id/usb-laptop-keyboard-event-kbd"


def mapper() -> HidMapper:
    return HidMapper([HidDevice(KEYPAD, "a1"), HidDevice(DIGITS, "B2", digits_as_letters=True), HidDevice(PRESENTER)])


@pytest.mark.parametrize(("device", "code", "expected"), [
    (KEYPAD, hid.KEY_KP1, Press("000000A1", "1")),
    (KEYPAD, hid.KEY_3, Press("000000A1", "3")),
    (KEYPAD, hid.KEY_C, Press("000000A1", "C")),
    (KEYPAD, hid.KEY_KPENTER, Press("000000A1", "OK")),
    (KEYPAD, hid.KEY_BACKSPACE, Press("000000A1", "BACK")),
    (DIGITS, hid.KEY_KP2, Press("000000B2", "B")),  # a digits-only keypad answers A-F questions
    (DIGITS, hid.KEY_KP9, Press("000000B2", "9")),
    (DIGITS, hid.KEY_KPPLUS, Press("000000B2", "UP")),
    (PRESENTER, hid.KEY_PAGEDOWN, TeacherCommand(Command.NEXT)),
    (PRESENTER, hid.KEY_PAGEUP, TeacherCommand(Command.BACK)),
    (PRESENTER, hid.KEY_B, TeacherCommand(Command.PAUSE)),
    (PRESENTER, hid.KEY_ESC, TeacherCommand(Command.PAUSE)),  # a presenter's Esc never asks for the PIN
    (PRESENTER, hid.KEY_ENTER, TeacherCommand(Command.ACCEPT)),
    (PRESENTER, hid.KEY_REWIND, TeacherCommand(Command.SEEK_BACK)),  # a remote's media keys move a video 10 s
    (PRESENTER, hid.KEY_FASTFORWARD, TeacherCommand(Command.SEEK_FORWARD)),
    (PRESENTER, hid.KEY_SUBTITLE, TeacherCommand(Command.CAPTIONS)),
    (TEACHER_KEYBOARD, hid.KEY_A, None),  # not configured: the teacher's keyboard is not a handset
    (KEYPAD, 15, None),  # Tab
    (PRESENTER, hid.KEY_A, None),
])
def test_key_downs(device, code, expected):
    assert mapper().key(device, code) == expected


def test_releases_and_auto_repeat_do_not_answer_again():
    m = mapper()
    assert m.key(KEYPAD, hid.KEY_A, 0) is None
    assert m.key(KEYPAD, hid.KEY_A, 2) is None
    assert m.key(KEYPAD, hid.KEY_A, 1) == Press("000000A1", "A")


def test_keys_that_mean_nothing_are_counted():
    m = mapper()
    m.key(KEYPAD, 15)
    m.key(PRESENTER, hid.KEY_A)
    m.key(TEACHER_KEYBOARD, hid.KEY_A)
    assert m.ignored == 2


def test_a_keypad_needs_a_clicker_id():
    with pytest.raises(ValueError, match="hex"):
        HidDevice(KEYPAD, "keypad one")


def test_key_codes_match_the_kernel_header():
    header = "/usr/include/linux/input-event-codes.h"
    try:
        text = open(header).read()
    except OSError:
        pytest.skip("kernel headers are not installed")

    defined = {m[0]: int(m[1], 0) for m in re.findall(r"#define\s+(KEY_\w+|EV_KEY)\s+(0x[0-9a-fA-F]+|\d+)", text)}
    ours = {name: value for name, value in vars(hid).items()
            if name.startswith(("KEY_", "EV_")) and name != "KEY_DOWN_VALUE"}
    assert {name: defined[name] for name in ours} == ours
