"""The port seam: real URLs go to pyserial, fakes are registered by URL, unknown fakes fail loudly."""

import errno
import os

import pytest
import serial

from cinema.devices.ports import (
    FakeReceiver, UnregisteredFakePort, check_url, fake_port, open_port, register_fake, unregister_fake,
)


def test_loop_url_is_a_real_pyserial_port():
    port = open_port("loop://", timeout=0.2)
    try:
        port.write(b"$LCP,1,A,1*00\r\n")
        assert port.read(15) == b"$LCP,1,A,1*00\r\n"
    finally:
        port.close()


def test_an_unregistered_fake_url_fails_loudly_and_names_the_fix():
    with pytest.raises(UnregisteredFakePort, match=r"fake://nobody.*register_fake"):
        open_port("fake://nobody")
    with pytest.raises(UnregisteredFakePort):
        check_url("fake://nobody")


def test_a_registered_fake_is_opened_by_url_and_forgotten_after_the_block():
    receiver = FakeReceiver()
    with fake_port("fake://r1", receiver.open):
        check_url("fake://r1")  # no error while registered
        port = open_port("fake://r1")
        receiver.send(b"hello")
        assert port.read(5) == b"hello"
        port.write(b"I\0")
        assert bytes(receiver.written) == b"I\0"
    with pytest.raises(UnregisteredFakePort):
        open_port("fake://r1")


def test_register_and_unregister():
    receiver = FakeReceiver()
    register_fake("fake://r2", receiver.open)
    try:
        assert open_port("fake://r2") is not None
        assert receiver.opens == 1
    finally:
        unregister_fake("fake://r2")
    with pytest.raises(UnregisteredFakePort):
        open_port("fake://r2")


def test_a_missing_device_is_a_serial_error_not_a_crash(tmp_path):
    with pytest.raises(serial.SerialException, match="ttyUSB-none"):
        open_port(str(tmp_path / "ttyUSB-none"))


def test_a_fake_receiver_unplugged_fails_reads_and_opens_like_a_yanked_cable():
    receiver = FakeReceiver()
    port = receiver.open("fake://r")
    receiver.unplug()
    with pytest.raises(serial.SerialException):
        port.read(1)
    with pytest.raises(serial.SerialException, match="could not open") as lost:
        receiver.open("fake://r")
    assert lost.value.errno == errno.ENOENT
    receiver.plug()
    again = receiver.open("fake://r")
    with pytest.raises(serial.SerialException):
        port.read(1)  # the old connection stays dead
    receiver.send(b"x")
    assert again.read(1) == b"x"


def test_a_port_is_opened_exclusively_so_two_programs_do_not_split_the_presses():
    master, slave = os.openpty()
    path = os.ttyname(slave)
    try:
        first = open_port(path)
        try:
            with pytest.raises(serial.SerialException):
                open_port(path)
        finally:
            first.close()
        open_port(path).close()  # free again once the first one closed
    finally:
        os.close(master)
        os.close(slave)


def test_the_old_import_path_is_the_same_seam():
    # code written against cinema.devices.clickers.ports registers fakes the serial link then opens
    from cinema.devices.clickers import ports as old

    receiver = FakeReceiver()
    with old.fake_port("fake://old-path", receiver.open):
        assert open_port("fake://old-path") is not None
    assert receiver.opens == 1 and old.open_port is open_port
