"""LCP/1 parser: frames found whole, byte by byte and split anywhere; junk skipped and counted."""

import random

import pytest

from cinema.devices.clickers.lcp import KEYS, MAX_LINE, LcpParser, checksum, encode_hello, encode_press
from cinema.devices.clickers.protocol import CLOSED, NEED_DATA, Press, ReceiverInfo

P = encode_press
FEEDS = ["whole", "bytewise", "random"]


def parse(data: bytes, how: str = "whole", parser: LcpParser | None = None, close: bool = False):
    """Events from `data` fed in one piece, one byte at a time, or in random pieces."""
    parser = parser or LcpParser()
    if how == "whole":
        pieces = [data]
    elif how == "bytewise":
        pieces = [data[i:i + 1] for i in range(len(data))]
    else:
        rng = random.Random(len(data))
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, 7))) if len(data) > 1 else []
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]
    events = []
    for piece in pieces:
        parser.feed(piece)
        events += list(parser.events())
    if close:
        parser.feed(b"")
        events += list(parser.events())
    return events, parser


def frame(body: str, cs: int | None = None, end: bytes = b"\r\n") -> bytes:
    raw = body.encode()
    return b"$" + raw + b"*%02X" % (checksum(raw) if cs is None else cs) + end


CASES = [
    # name, bytes, expected events, expected stats
    ("one press", P("1A", "B", 7), [Press("0000001A", "B", 7)], {"frames": 1, "junk_bytes": 0}),
    ("hello then press", encode_hello("esp32-lcp 1.2", "5") + P("FFFFFFFF", "DOWN", 65535),
     [ReceiverInfo("esp32-lcp 1.2", "5"), Press("FFFFFFFF", "DOWN", 65535)], {"frames": 2}),
    ("lower-case hex id", frame("LCP,00ab,OK,0"), [Press("000000AB", "OK", 0)], {"frames": 1}),
    ("bare newline", frame("LCP,7,C,1", end=b"\n"), [Press("00000007", "C", 1)], {"frames": 1}),
    ("junk before, between, after", b"\x00noise" + P("1", "A", 1) + b"\xff\xfe zz" + P("2", "B", 1) + b"tail\r\n",
     [Press("00000001", "A", 1), Press("00000002", "B", 1)], {"junk_bytes": 6 + 5 + 6}),
    ("bad checksum", frame("LCP,1,A,1", cs=0x00) + P("1", "A", 2), [Press("00000001", "A", 2)],
     {"bad_checksums": 1, "frames": 1}),
    ("truncated frame, then a good one", b"$LCP,1,A," + P("2", "A", 1), [Press("00000002", "A", 1)],
     {"junk_bytes": 9}),
    ("frame cut by another $", P("3", "A", 1)[:-6] + P("3", "B", 2), [Press("00000003", "B", 2)], {"frames": 1}),
    ("key not in LCP/1", frame("LCP,1,G,1") + frame("LCP,1,ok,1"), [], {"frames": 0, "bad_checksums": 0}),
    ("counter out of range", frame("LCP,1,A,65536") + frame("LCP,1,A,123456"), [], {"frames": 0}),
    ("clicker id too long", frame("LCP,123456789,A,1"), [], {"frames": 0}),
    ("empty fields", frame("LCP,,A,1") + frame("LCP,1,,1") + frame("LCR,,1"), [], {"frames": 0}),
    ("unknown sentence", frame("GPS,1,2,3"), [], {"frames": 0}),
    ("every key", b"".join(P("9", k, i) for i, k in enumerate(KEYS)),
     [Press("00000009", k, i) for i, k in enumerate(KEYS)], {"frames": len(KEYS)}),
]


@pytest.mark.parametrize("how", FEEDS)
@pytest.mark.parametrize(("name", "data", "expected", "stats"), CASES, ids=[c[0] for c in CASES])
def test_frames_are_found_however_the_bytes_arrive(name, data, expected, stats, how):
    events, parser = parse(data, how)
    assert events == expected
    for field, value in stats.items():
        assert getattr(parser.stats, field) == value, field


@pytest.mark.parametrize("how", FEEDS)
def test_every_byte_that_is_not_a_frame_is_counted_as_junk(how):
    frames = P("1", "A", 1) + P("2", "B", 1)
    noise = b"\x00garbage\r\n" + frame("LCP,1,A,9", cs=1) + b"$LCP,3,"  # last one truncated at close
    events, parser = parse(noise[:10] + frames + noise[10:], how, close=True)
    assert len(events) == 2
    assert parser.stats.junk_bytes == len(noise)


def test_retransmissions_count_once():
    data = P("1", "A", 5) * 3 + P("2", "A", 5) + P("1", "A", 5) + P("1", "B", 6) * 2
    events, parser = parse(data)
    assert events == [Press("00000001", "A", 5), Press("00000002", "A", 5), Press("00000001", "B", 6)]
    assert parser.stats.retransmissions == 4
    assert parser.stats.frames == 7


def test_same_counter_with_another_key_is_a_handset_that_restarted():
    events, _ = parse(P("1", "A", 0) + P("1", "C", 0))
    assert [e.key for e in events] == ["A", "C"]


def test_counter_wraps_from_65535_to_0():
    events, parser = parse(P("1", "A", 65534) + P("1", "A", 65535) + P("1", "A", 0) + P("1", "A", 0) + P("1", "A", 1))
    assert [e.counter for e in events] == [65534, 65535, 0, 1]
    assert parser.stats.retransmissions == 1


def test_clicker_ids_are_one_handset_however_they_are_written():
    events, parser = parse(P("1a", "A", 1) + P("01A", "A", 1) + P("0000001A", "A", 1))
    assert events == [Press("0000001A", "A", 1)]
    assert parser.stats.retransmissions == 2


def test_memory_of_handsets_is_bounded():
    parser = LcpParser(max_handsets=2)
    events, _ = parse(P("1", "A", 1) + P("2", "A", 1) + P("3", "A", 1) + P("1", "A", 1), parser=parser)
    # handset 1 was heard least recently and forgotten, so its repeat counts again
    assert [e.clicker[-1] for e in events] == ["1", "2", "3", "1"]


def test_an_overlong_line_is_skipped_and_the_next_frame_found():
    events, parser = parse(b"$" + b"A" * (MAX_LINE * 3) + P("5", "E", 1))
    assert events == [Press("00000005", "E", 1)]
    assert parser.stats.overflows == 1
    assert parser.stats.junk_bytes == 1 + MAX_LINE * 3


def test_a_parser_fed_without_draining_keeps_at_most_its_maximum_buffer():
    parser = LcpParser(max_buffer=4096)
    for _ in range(100):
        parser.feed(b"$LCP,1,A,1*" + b"x" * 1000)
    assert parser.buffered <= 4096
    assert parser.stats.overflows > 0
    parser.feed(P("1", "A", 2))
    assert list(parser.events()) == [Press("00000001", "A", 2)]


def test_while_draining_an_unterminated_frame_never_holds_more_than_a_line():
    parser = LcpParser()
    parser.feed(b"$" + b"9" * 10_000)
    assert list(parser.events()) == []
    assert parser.buffered < MAX_LINE


def test_need_data_then_closed():
    parser = LcpParser()
    parser.feed(P("1", "A", 1)[:10])
    assert parser.next_event() is NEED_DATA
    parser.feed(b"")
    assert parser.closed
    assert parser.next_event() is CLOSED
    assert parser.next_event() is CLOSED
    parser.feed(P("1", "A", 2))  # bytes after close are not parsed
    assert parser.next_event() is CLOSED
    assert parser.stats.junk_bytes == 10 + len(P("1", "A", 2))


@pytest.mark.parametrize(("args", "message"), [
    (("", "A", 1), "hex"), (("123456789", "A", 1), "hex"), (("XY", "A", 1), "hex"),
    (("1", "G", 1), "key"), (("1", "A", -1), "counter"), (("1", "A", 65536), "counter"),
])
def test_encode_press_refuses_what_no_receiver_would_send(args, message):
    with pytest.raises(ValueError, match=message):
        encode_press(*args)


def test_encode_hello_refuses_separators():
    with pytest.raises(ValueError):
        encode_hello("fw,1", "2")


def test_the_design_example_checksum():
    # XOR of the bytes between $ and * (DESIGN.md); computed by hand for "LCP,1,A,1"
    expected = 0
    for ch in "LCP,1,A,1":
        expected ^= ord(ch)
    assert encode_press("1", "A", 1) == b"$LCP,1,A,1*%02X\r\n" % expected
