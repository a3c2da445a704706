"""The evdev adapter: reads configured devices, grabs them, reports unplugging; no evdev, one clear error."""

import os
import queue
import sys
import types

import pytest

from cinema.core.events import ClickerPressed, Command, DeviceChanged, TeacherCommand
from cinema.devices.clickers import hid
from cinema.devices.clickers.hid import HidDevice, HidMapper
from cinema.devices.clickers.hid_reader import HidReader, HidUnavailable, load_evdev

KEYPAD, PRESENTER, ABSENT = "/dev/input/by-id/keypad", "/dev/input/by-id/presenter", "/dev/input/by-id/absent"


class FakeInputDevice:
    """Stands in for evdev.InputDevice: a pipe whose reads are key events the test queues."""

    opened: dict[str, "FakeInputDevice"] = {}

    def __init__(self, path):
        if path == ABSENT:
            raise FileNotFoundError(path)
        self.path, self.name = path, f"fake {path}"
        self._r, self._w = os.pipe()
        self.fd = self._r
        self.pending = []
        self.grabbed = False
        self.unplugged = False
        FakeInputDevice.opened[path] = self

    def grab(self):
        self.grabbed = True

    def press(self, code, value=1, type_=hid.EV_KEY):
        self.pending.append(types.SimpleNamespace(type=type_, code=code, value=value))
        os.write(self._w, b"x")

    def unplug(self):
        self.unplugged = True
        os.write(self._w, b"x")

    def read_one(self):
        if self.unplugged:
            raise OSError(19, "No such device")
        if not self.pending:
            return None
        os.read(self._r, 1)
        return self.pending.pop(0)

    def close(self):
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass


def get(q, n):
    return [q.get(timeout=2) for _ in range(n)]


def test_reader_turns_keys_into_engine_events_and_notices_unplugging():
    FakeInputDevice.opened.clear()
    fake_evdev = types.SimpleNamespace(InputDevice=FakeInputDevice)
    mapper = HidMapper([HidDevice(KEYPAD, "A1"), HidDevice(PRESENTER), HidDevice(ABSENT, "A2")])
    events = queue.Queue()
    reader = HidReader(mapper, events.put, evdev=fake_evdev)
    reader.start()
    try:
        first = get(events, 3)
        connected = [e for e in first if e.connected]
        assert {e.name for e in connected} == {f"keypad {KEYPAD}", f"keypad {PRESENTER}"}
        missing = [e for e in first if not e.connected]  # an absent keypad shows as lost at once, once
        assert [e.name for e in missing] == [f"keypad {ABSENT}"]
        keypad, presenter = FakeInputDevice.opened[KEYPAD], FakeInputDevice.opened[PRESENTER]
        assert keypad.grabbed and presenter.grabbed
        keypad.press(hid.KEY_KP3)
        keypad.press(hid.KEY_KP3, value=0)  # release: nothing
        keypad.press(4, type_=4)  # an EV_MSC scan code: nothing
        presenter.press(hid.KEY_PAGEDOWN)
        assert get(events, 2) == [ClickerPressed("000000A1", "3"), TeacherCommand(Command.NEXT)]
        keypad.unplug()
        lost = get(events, 1)[0]
        assert lost == DeviceChanged(f"keypad {KEYPAD}", False, "[Errno 19] No such device")
    finally:
        reader.stop()
    assert events.empty()


def test_without_evdev_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)  # import evdev now raises ImportError
    with pytest.raises(HidUnavailable, match="evdev"):
        load_evdev()
    reader = HidReader(HidMapper([HidDevice(KEYPAD, "A1")]), lambda e: None)
    with pytest.raises(HidUnavailable):
        reader.start()
