"""iSkipper receiver lines: captures become presses, pings and prompts are understood, noise counted."""

import pytest

from cinema.devices.clickers.iskipper import (
    CAPTURE_BYTES, INIT_BYTES, MAX_LINE, ISkipperParser, encode_capture, encode_startup, make_id, valid_id,
)
from cinema.devices.clickers.protocol import Ping, Press, ReceiverInfo

ID1, ID2 = make_id(0x123456), make_id(0xABCDEF)


def parse(data: bytes, bytewise: bool = False, parser: ISkipperParser | None = None):
    parser = parser or ISkipperParser()
    events = []
    for piece in ([data[i:i + 1] for i in range(len(data))] if bytewise else [data]):
        parser.feed(piece)
        events += list(parser.events())
    return events, parser


CASES = [
    ("one capture", encode_capture(ID1, "A"), [Press(ID1, "A")], {"frames": 1}),
    ("start-up then captures", encode_startup("CDCDCDCD") + encode_capture(ID1, "E") + encode_capture(ID2, "B"),
     [ReceiverInfo("iSkipper CDCDCDCD", "AA"), Press(ID1, "E"), Press(ID2, "B")], {"frames": 2, "junk_bytes": 0}),
    ("old sketch start-up (no ACK after Start capture)", encode_startup("CDCDCDCD", new_sketch=False),
     [ReceiverInfo("iSkipper CDCDCDCD", "AA")], {"junk_bytes": 0}),
    ("ping is not an answer", encode_capture(ID1, "P"), [Ping(ID1)], {"pings": 1, "frames": 1}),
    ("corrupted id", b"Captured,A,12345678\n", [], {"bad_checksums": 1, "frames": 0}),
    ("unknown answer X", b"Captured,X,%s\n" % ID1.encode(), [], {"frames": 0, "junk_bytes": 20}),
    ("lower-case hex", b"Captured,C,%s\r\n" % ID1.lower().encode(), [Press(ID1, "C")], {"frames": 1}),
    ("noise before Captured on the same line", b"\x07\xff~" + encode_capture(ID1, "D"), [Press(ID1, "D")],
     {"junk_bytes": 3}),
    ("noise lines between", b"hello\r\n" + encode_capture(ID1, "A") + b"\x00\x01\n" + encode_capture(ID2, "A"),
     [Press(ID1, "A"), Press(ID2, "A")], {"junk_bytes": 7 + 3}),
    ("trailing noise spoils a line", encode_capture(ID1, "A")[:-1] + b"zz\n", [], {"frames": 0}),
    ("truncated id", b"Captured,A,1234\n", [], {"frames": 0}),
    ("channel change", b"Successfully change channel to: BD\r\nStart capture\r\n", [ReceiverInfo("iSkipper", "BD")],
     {"junk_bytes": 0}),
]


@pytest.mark.parametrize("bytewise", [False, True])
@pytest.mark.parametrize(("name", "data", "expected", "stats"), CASES, ids=[c[0] for c in CASES])
def test_receiver_lines(name, data, expected, stats, bytewise):
    events, parser = parse(data, bytewise)
    assert events == expected
    for field, value in stats.items():
        assert getattr(parser.stats, field) == value, field


def test_the_host_starts_capture_with_I_then_C():
    assert ISkipperParser.init_bytes == INIT_BYTES == b"I\0C\0"


def test_a_receiver_that_reset_is_asked_again():
    parser = ISkipperParser()
    parser.feed(b"Initialization Complete. Waiting for COM command...\r\n")
    list(parser.events())
    assert parser.data_to_send() == INIT_BYTES
    assert parser.data_to_send() == b""  # asked once per prompt
    parser.feed(b"\x05\r\nNo Running Progress, waiting for commands...\r\n")
    list(parser.events())
    assert parser.data_to_send() == CAPTURE_BYTES
    assert parser.stats.junk_bytes == 0


def test_retransmitted_captures_each_count():
    # iClicker packets carry no counter: a repeat cannot be told from a second press
    events, parser = parse(encode_capture(ID1, "A") * 3)
    assert events == [Press(ID1, "A")] * 3
    assert parser.stats.retransmissions == 0


def test_an_overlong_line_is_bounded_and_a_capture_ending_it_still_counts():
    parser = ISkipperParser()
    parser.feed(b"." * (MAX_LINE * 10))
    assert list(parser.events()) == []
    assert parser.buffered < MAX_LINE
    parser.feed(b"." * 50 + encode_capture(ID2, "C"))
    assert list(parser.events()) == [Press(ID2, "C")]
    assert parser.stats.overflows == 1


def test_ids_carry_a_check_byte():
    assert valid_id("CDCDCDCD")  # the sketch's fixed id passes its own static_assert
    assert valid_id(make_id(0))
    assert not valid_id("12345678")


@pytest.mark.parametrize(("clicker", "answer"), [("1234", "A"), ("CDCDCDCD", "F"), ("CDCDCDCZ", "A")])
def test_encode_capture_refuses_what_the_receiver_never_prints(clicker, answer):
    with pytest.raises(ValueError):
        encode_capture(clicker, answer)
