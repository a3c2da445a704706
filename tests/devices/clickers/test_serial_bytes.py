"""Real bytes through pyserial: the simulator writes a port, a parser reads it, every press arrives."""

import re
import shutil
import subprocess
import time

import pytest
import serial

from cinema.devices.clickers.protocol import ReceiverInfo
from cinema.devices.clickers.registry import make_parser
from cinema.devices.clickers.simulator import Faults, HandsetSimulator, SimulatorRunner, handset_ids, press_stream

PRESSES = list(press_stream(handset_ids(40), "ABCD", seed=9, count=400))


def read_all(port, parser, runner: SimulatorRunner, seconds: float = 15.0) -> list:
    """Read the port like the port manager does until the simulator is done and the port drained."""
    events = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = port.read(max(1, port.in_waiting))
        if data:  # an empty read is a timeout, not a closed port
            parser.feed(data)
            events += list(parser.events())
        elif runner.finished.is_set():
            break
    return events


def quick(seconds: float) -> None:
    time.sleep(seconds / 10)  # "slow" frames, but a test need not wait for all of them


@pytest.mark.parametrize("protocol", ["lcp", "iskipper"])
def test_loop_port_carries_every_press(protocol):
    port = serial.serial_for_url("loop://", timeout=0.05)
    sim = HandsetSimulator(protocol, Faults(garbage=0.2, slow=True, retransmit=(protocol == "lcp")), seed=5)
    runner = SimulatorRunner(port, sim, PRESSES, sleep=quick).start()
    parser = make_parser(protocol)
    try:
        events = read_all(port, parser, runner)
    finally:
        runner.stop()
        port.close()
    assert runner.error is None
    assert isinstance(events[0], ReceiverInfo)
    assert events[1:] == (sim.delivered if protocol == "lcp" else sim.sent)
    assert len(sim.delivered) == len(PRESSES)


@pytest.fixture
def pty_pair():
    """Two connected pseudo-terminals from socat: a receiver's end and the kiosk's end."""
    if shutil.which("socat") is None:
        pytest.skip("socat is not installed")
    proc = subprocess.Popen(["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
                            stderr=subprocess.PIPE, text=True)
    paths = []
    deadline = time.monotonic() + 5
    while len(paths) < 2 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        paths += re.findall(r"PTY is (\S+)", line)
    if len(paths) < 2:
        proc.kill()
        pytest.skip("socat gave no pty pair")
    yield paths
    proc.terminate()
    proc.wait(5)


def test_pty_pair_carries_presses_from_a_runner_that_opens_the_port_by_path(pty_pair):
    receiver_end, kiosk_end = pty_pair
    port = serial.serial_for_url(kiosk_end, baudrate=115200, timeout=0.05)
    sim = HandsetSimulator("lcp", Faults(garbage=0.3, retransmit=True), seed=6)
    runner = SimulatorRunner(receiver_end, sim, PRESSES[:200]).start()
    parser = make_parser("lcp")
    try:
        events = read_all(port, parser, runner)
    finally:
        runner.stop()
        port.close()
    assert runner.error is None
    assert events[1:] == sim.delivered
    assert len(events) == 201
