"""Fuzzing every receiver parser: no bytes make one raise, and valid frames in noise are all found once."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.devices.clickers.iskipper import ISkipperParser, encode_capture, make_id
from cinema.devices.clickers.lcp import KEYS, LcpParser, encode_press
from cinema.devices.clickers.protocol import CLOSED, Ping, Press, ReceiverInfo
from cinema.devices.clickers.registry import PARSERS, make_parser

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` in pieces; never an empty one, which would mean the port closed."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [p for p in (data[a:b] for a, b in zip([0, *points], [*points, len(data)])) if p]


def run(parser, pieces: list[bytes]) -> list:
    events = []
    for piece in pieces:
        parser.feed(piece)
        events += list(parser.events())
    parser.feed(b"")
    events += list(parser.events())
    return events


@FUZZ
@given(name=st.sampled_from(sorted(PARSERS)), data=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000)),
       small_buffer=st.booleans())
def test_no_bytes_make_a_parser_raise(name, data, cuts, small_buffer):
    parser = make_parser(name, **({"max_buffer": 256} if small_buffer else {}))
    for piece in split(data, cuts):
        parser.feed(piece)
        assert parser.buffered <= parser.max_buffer
        for event in parser.events():
            assert isinstance(event, (Press, Ping, ReceiverInfo))
    parser.feed(b"")
    list(parser.events())
    assert parser.next_event() is CLOSED
    assert parser.stats.junk_bytes <= len(data)


lcp_noise = st.binary(max_size=60).map(lambda b: b.replace(b"$", b""))


@FUZZ
@given(presses=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(KEYS)), min_size=1, max_size=30),
       noise=st.lists(lcp_noise, min_size=31, max_size=31), cuts=st.lists(st.integers(0, 5000)))
def test_lcp_finds_every_frame_in_noise_exactly_once(presses, noise, cuts):
    counters: dict[int, int] = {}
    expected, stream = [], noise[0]
    for i, (handset, key) in enumerate(presses):
        counters[handset] = counters.get(handset, -1) + 1
        clicker = f"{0xA0 + handset:X}"
        stream += encode_press(clicker, key, counters[handset]) + noise[i + 1]
        expected.append(Press(clicker.rjust(8, "0"), key, counters[handset]))
    assert run(LcpParser(), split(stream, cuts)) == expected


@FUZZ
@given(presses=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(KEYS), st.integers(1, 3)), max_size=20),
       cuts=st.lists(st.integers(0, 3000)))
def test_lcp_retransmissions_count_once(presses, cuts):
    counters: dict[int, int] = {}
    stream, expected = b"", []
    for handset, key, copies in presses:
        counters[handset] = counters.get(handset, -1) + 1
        stream += encode_press(str(handset), key, counters[handset]) * copies
        expected.append(Press(f"{handset:08X}", key, counters[handset]))
    parser = LcpParser()
    assert run(parser, split(stream, cuts)) == expected
    assert parser.stats.retransmissions == sum(c for *_, c in presses) - len(presses)


iskipper_noise = st.lists(st.binary(max_size=300).map(lambda b: b.replace(b"\n", b"").replace(b"Captured,", b"")),
                          max_size=3).map(lambda lines: b"".join(line + b"\n" for line in lines))


@FUZZ
@given(presses=st.lists(st.tuples(st.integers(0, 2**24 - 1), st.sampled_from("ABCDEP")), min_size=1, max_size=30),
       noise=st.lists(iskipper_noise, min_size=31, max_size=31), cuts=st.lists(st.integers(0, 5000)))
def test_iskipper_finds_every_capture_between_noise_lines_exactly_once(presses, noise, cuts):
    expected, stream = [], noise[0]
    for i, (n, answer) in enumerate(presses):
        clicker = make_id(n)
        stream += encode_capture(clicker, answer) + noise[i + 1]
        expected.append(Ping(clicker) if answer == "P" else Press(clicker, answer))
    events = [e for e in run(ISkipperParser(), split(stream, cuts)) if not isinstance(e, ReceiverInfo)]
    assert events == expected
