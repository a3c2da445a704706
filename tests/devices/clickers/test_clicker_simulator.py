"""The handset simulator: what it says it sent is what a parser finds, faults included."""

import pytest

from cinema.devices.clickers.iskipper import valid_id
from cinema.devices.clickers.protocol import Ping, ReceiverInfo
from cinema.devices.clickers.registry import make_parser
from cinema.devices.clickers.simulator import Faults, HandsetSimulator, SimulatorRunner, handset_ids, press_stream

HANDSETS = handset_ids(30)
PRESSES = list(press_stream(HANDSETS, "ABCDE", seed=3, count=300))
FAULTS = {
    "none": Faults(),
    "garbage": Faults(garbage=0.5),
    "slow": Faults(slow=True),
    "drop": Faults(drop=0.3),
    "all": Faults(drop=0.2, garbage=0.3, retransmit=True, slow=True),
}


def received(protocol: str, sim: HandsetSimulator, presses=PRESSES) -> list:
    parser = make_parser(protocol)
    events = []
    for chunk in sim.chunks(presses):
        parser.feed(chunk.data)
        events += list(parser.events())
    return events


@pytest.mark.parametrize("fault", FAULTS)
def test_lcp_receives_each_delivered_press_once(fault):
    sim = HandsetSimulator("lcp", FAULTS[fault], seed=1)
    events = received("lcp", sim)
    assert events[0] == ReceiverInfo("sim-1", "AA")
    assert events[1:] == sim.delivered
    assert len(sim.delivered) == 300 if fault in ("none", "garbage", "slow") else 100 < len(sim.delivered) < 300


@pytest.mark.parametrize("fault", FAULTS)
def test_iskipper_receives_every_transmission(fault):
    sim = HandsetSimulator("iskipper", FAULTS[fault], seed=1)
    events = received("iskipper", sim)
    assert isinstance(events[0], ReceiverInfo)
    assert events[1:] == sim.sent  # no counter, so a retransmission is another press


def test_retransmissions_are_sent_and_deduplicated():
    sim = HandsetSimulator("lcp", Faults(retransmit=True), seed=2)
    parser = make_parser("lcp")
    for chunk in sim.chunks(PRESSES):
        parser.feed(chunk.data)
        list(parser.events())
    assert len(sim.sent) > len(sim.delivered) == 300
    assert parser.stats.retransmissions == len(sim.sent) - 300


def test_drop_everything_sends_only_the_hello():
    sim = HandsetSimulator("lcp", Faults(drop=1.0))
    assert received("lcp", sim) == [ReceiverInfo("sim-1", "AA")]
    assert sim.delivered == [] and sim.presses == 300


def test_silence_after_some_presses():
    sim = HandsetSimulator("lcp", Faults(silence_after=5, hello=False))
    assert len(received("lcp", sim)) == 5


def test_silent_flag_stops_sending_while_set():
    sim = HandsetSimulator("lcp", Faults(hello=False))
    chunks = sim.chunks(PRESSES[:10])
    first = [next(chunks) for _ in range(3)]
    sim.silent = True
    assert list(chunks) == []  # the presses still happen, nothing is sent
    assert len(first) == 3
    assert sim.presses == 10 and len(sim.delivered) == 3


def test_slow_frames_come_in_pieces_with_delays():
    sim = HandsetSimulator("lcp", Faults(slow=True, hello=False))
    chunks = list(sim.chunks(PRESSES[:20]))
    assert len(chunks) > 40
    assert any(c.delay > 0 for c in chunks)


def test_same_seed_same_bytes():
    def stream(seed):
        return b"".join(c.data for c in HandsetSimulator("lcp", FAULTS["all"], seed=seed).chunks(PRESSES))
    assert stream(4) == stream(4) != stream(5)


def test_pings_and_counters():
    sim = HandsetSimulator("iskipper", Faults(hello=False))
    assert received("iskipper", sim, [(HANDSETS[0], "P")]) == [Ping(HANDSETS[0])]
    lcp = HandsetSimulator("lcp", Faults(hello=False))
    lcp.counters[HANDSETS[0]] = 65535
    assert [e.counter for e in received("lcp", lcp, [(HANDSETS[0], "A")] * 2)] == [0, 1]


def test_handset_ids_are_valid_iclicker_ids():
    assert len(set(HANDSETS)) == 30 and all(valid_id(h) for h in HANDSETS)


def test_interval_spaces_presses():
    sim = HandsetSimulator("lcp", Faults(hello=False))
    assert [c.delay for c in sim.chunks(PRESSES[:3], interval=0.5)] == [0.5, 0.5, 0.5]


def test_unknown_protocol():
    with pytest.raises(ValueError, match="lcp"):
        HandsetSimulator("turning")


class Recorder:
    def __init__(self):
        self.data = bytearray()

    def write(self, data):
        self.data += data

    def flush(self):
        pass


def test_runner_stops_an_endless_stream_promptly():
    port = Recorder()
    runner = SimulatorRunner(port, HandsetSimulator("lcp"), press_stream(HANDSETS), interval=0.01).start()
    runner.stop(timeout=2.0)
    assert runner.finished.is_set() and runner.error is None
    assert port.data.startswith(b"$LCR,")


def test_runner_keeps_the_error_of_a_port_that_fails():
    class Broken:
        def write(self, data):
            raise OSError("unplugged")

    runner = SimulatorRunner(Broken(), HandsetSimulator("lcp"), PRESSES).start()
    assert runner.join(2.0)
    assert isinstance(runner.error, OSError)
