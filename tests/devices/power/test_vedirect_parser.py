"""VE.Direct text blocks: a real monitor's bytes, any chunking, junk, hex frames and garbled bytes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.devices.power.vedirect import (
    CLOSED, MAX_FIELDS, TextBlock, VeDirectParser, encode_block, encode_hex, reading_from_fields,
)

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A BMV-702 battery monitor's two blocks as it sent them (published in a VE.Direct reader's
# test recordings): main values, then history. Checksum bytes 'q' and 0xBC are the device's own.
BMV702 = (b"\r\nPID\t0x203\r\nV\t12065\r\nI\t-7625\r\nP\t-92\r\nCE\t-65473\r\nSOC\t839\r\nTTG\t942\r\nAlarm\tOFF"
          b"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t700\r\nFW\t0308\r\nChecksum\tq"
          b"\r\nH1\t-149322\r\nH2\t-82854\r\nH3\t0\r\nH4\t0\r\nH5\t0\r\nH6\t-5526294\r\nH7\t11733\r\nH8\t16161"
          b"\r\nH9\t368003\r\nH10\t26\r\nH11\t0\r\nH12\t0\r\nH17\t6843\r\nH18\t8527\r\nChecksum\t\xbc")


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` in pieces; never an empty one, which would mean the port closed."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [p for p in (data[a:b] for a, b in zip([0, *points], [*points, len(data)])) if p]


def run(pieces: list[bytes], parser: VeDirectParser | None = None) -> list[TextBlock]:
    parser = parser or VeDirectParser()
    blocks = []
    for piece in pieces:
        parser.feed(piece)
        blocks += list(parser.events())
    parser.feed(b"")
    blocks += list(parser.events())
    assert parser.next_event() is CLOSED
    return blocks


def test_a_real_battery_monitor_is_read_whole_and_byte_by_byte():
    whole = run([BMV702])
    assert run([bytes([b]) for b in BMV702]) == whole
    main, history = whole
    assert main.as_dict()["SOC"] == "839" and history.as_dict()["H18"] == "8527"
    reading = reading_from_fields(main.as_dict())
    assert (reading.percent, reading.volts, reading.amps, reading.minutes_left, reading.charging, reading.low) == \
        (83.9, 12.065, -7.625, 942, False, False)
    assert reading_from_fields(history.as_dict()) is None  # history alone says nothing about the battery now


def test_opening_the_port_mid_block_loses_only_that_block():
    parser = VeDirectParser()
    blocks = run([BMV702[40:], BMV702], parser)
    assert [b.as_dict().get("PID") or "history" for b in blocks] == ["history", "0x203", "history"]
    assert parser.stats.bad_checksums == 1 and parser.stats.junk_bytes == BMV702.index(b"\r\nH1") - 40


def test_a_flipped_byte_drops_the_block_and_counts_it():
    bad = BMV702.replace(b"SOC\t839", b"SOC\t939")
    parser = VeDirectParser()
    assert [b.as_dict().get("H1") for b in run([bad], parser)] == ["-149322"]
    assert parser.stats.bad_checksums == 1 and parser.stats.frames == 1


@pytest.mark.parametrize("wanted", [b":", b"\r", b"\n", b"\t", b"\x00", b"\xff"])
def test_the_checksum_byte_may_be_anything(wanted):
    values = ("~" * k + chr(c) for k in range(4) for c in range(0x20, 0x7F) if c != ord(":"))
    fields = next(f for f in ({"PID": v} for v in values) if encode_block(f)[-1:] == wanted)
    block = encode_block(fields)
    assert run([block + block]) == [TextBlock(tuple(fields.items()))] * 2


def test_hex_frames_between_and_inside_blocks_are_skipped():
    block = encode_block({"V": 12610, "I": -3200, "SOC": 875, "TTG": 140})
    first, rest = block[:block.index(b"\r\nI")], block[block.index(b"\r\nI"):]
    ping, async_reply = encode_hex(1), encode_hex(0xA, bytes.fromhex("ED8D00D804"))
    parser = VeDirectParser()
    blocks = run([ping + first + async_reply + rest + b":51641F9\n" + block], parser)
    assert blocks == [TextBlock((("V", "12610"), ("I", "-3200"), ("SOC", "875"), ("TTG", "140")))] * 2
    assert parser.stats.hex_frames == 3 and parser.stats.junk_bytes == 0


def test_a_colon_that_is_not_a_hex_frame_drops_the_block_it_hit():
    good = encode_block({"V": 12610})
    garbled = good.replace(b"V\t1", b"V\t:")  # a noisy byte that happens to be ':'
    parser = VeDirectParser()
    assert run([garbled + good], parser) == [TextBlock((("V", "12610"),))]
    assert parser.stats.frames == 1


def test_lines_that_are_too_long_or_too_many_are_dropped_and_reading_goes_on():
    good = encode_block({"V": 12610})
    long_value = encode_block({"V": "1" * 64}).replace(b"1" * 64, b"1" * 200)
    many = encode_block([(f"H{i}", i) for i in range(MAX_FIELDS + 1)])
    parser = VeDirectParser()
    assert run([long_value + many + good], parser) == [TextBlock((("V", "12610"),))]
    assert parser.stats.overflows == 1


def test_encode_block_refuses_what_a_device_could_not_send():
    for fields in ({"": 1}, {"A\tB": 1}, {"V": "12:30"}, {"V": "a\rb"}, {"Checksum": 1}, {"X" * 17: 1}):
        with pytest.raises(ValueError):
            encode_block(fields)


# ---- fuzzing -------------------------------------------------------------------------------

label = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#_"), min_size=1, max_size=8).filter(
    lambda s: s.upper() != "CHECKSUM")
value = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters=":"), max_size=20)
blocks = st.lists(st.lists(st.tuples(label, value), min_size=1, max_size=10), min_size=1, max_size=6)
# Noise that cannot itself form a line (a line needs a tab); hex frames mixed in.
noise = st.lists(st.one_of(st.binary(max_size=30).map(lambda b: b.replace(b"\t", b"")),
                           st.builds(encode_hex, st.integers(0, 15), st.binary(max_size=8))), max_size=3).map(b"".join)


def numbered(sent):
    """Each block with a SEQ field first, so that no two blocks are alike."""
    return [[("SEQ", str(i)), *fields] for i, fields in enumerate(sent)]


def as_block(fields):
    return TextBlock(tuple((k, v) for k, v in fields))


@FUZZ
@given(sent=blocks, cuts=st.lists(st.integers(0, 5000)))
def test_every_block_comes_out_however_the_bytes_are_cut(sent, cuts):
    stream = b"".join(encode_block(fields) for fields in sent)
    assert run(split(stream, cuts)) == [as_block(f) for f in sent]


@FUZZ
@given(sent=blocks, gaps=st.lists(noise, min_size=9, max_size=9), cuts=st.lists(st.integers(0, 5000)))
def test_noise_between_blocks_loses_no_block(sent, gaps, cuts):
    stream = gaps[0] + b"".join(encode_block(fields) + gaps[i + 1] for i, fields in enumerate(sent))
    parser = VeDirectParser()
    assert run(split(stream, cuts), parser) == [as_block(f) for f in sent]
    assert parser.stats.junk_bytes <= sum(map(len, gaps))


@FUZZ
@given(sent=blocks, which=st.integers(0, 100), where=st.integers(0, 10_000), new=st.integers(0, 255),
       cuts=st.lists(st.integers(0, 5000)))
def test_a_garbled_byte_never_gives_a_wrong_value(sent, which, where, new, cuts):
    sent = numbered(sent)
    encoded = [encode_block(fields) for fields in sent]
    hit = which % len(encoded)
    block = bytearray(encoded[hit])
    pos = where % len(block)
    if block[pos] == new:
        new ^= 0x01
    block[pos] = new
    stream = b"".join(bytes(block) if i == hit else e for i, e in enumerate(encoded))
    got = run(split(stream, cuts))
    expected = [as_block(f) for f in sent]
    # every block but the garbled one (and, when its end was hit, the one it ran into) comes out whole
    spared = [b for i, b in enumerate(expected) if i not in (hit, hit + 1)]
    assert [b for b in got if b in spared] == spared
    for b in got:
        # whatever else comes out is true: a whole block that was sent, or the garbled block's last lines
        tail = expected[hit].fields[len(expected[hit].fields) - len(b.fields):] if b.fields else ()
        assert b in expected or b.fields == tail


@FUZZ
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000)), small_buffer=st.booleans())
def test_no_bytes_make_the_parser_raise(data, cuts, small_buffer):
    parser = VeDirectParser(**({"max_buffer": 256} if small_buffer else {}))
    for piece in split(data, cuts):
        parser.feed(piece)
        assert parser.buffered <= parser.max_buffer
        for block in parser.events():
            assert block.fields and all(k and "\t" not in k for k, _ in block.fields)
    parser.feed(b"")
    list(parser.events())
    assert parser.next_event() is CLOSED
    assert parser.stats.junk_bytes <= len(data)


# ---- what the fields mean ------------------------------------------------------------------


@pytest.mark.parametrize("fields, expected", [
    # a battery monitor discharging: SOC tenths of a percent, V mV, I mA, TTG minutes
    ({"V": "12610", "I": "-3200", "SOC": "875", "TTG": "140"},
     dict(percent=87.5, volts=12.61, amps=-3.2, minutes_left=140, charging=False)),
    # charging: TTG -1 means "not discharging", so no end in sight
    ({"V": "13400", "I": "5000", "SOC": "912", "TTG": "-1"},
     dict(percent=91.2, volts=13.4, amps=5.0, minutes_left=None, charging=True)),
    # not yet synchronised: the monitor sends '---'
    ({"V": "12400", "I": "0", "SOC": "---", "TTG": "---"},
     dict(percent=None, volts=12.4, amps=0.0, minutes_left=None, charging=False)),
    # a solar charger: no state of charge; CS 3 (bulk) says it is charging even without I
    ({"V": "13100", "CS": "3", "PPV": "120"}, dict(percent=None, volts=13.1, amps=None, charging=True)),
    ({"V": "12100", "CS": "0"}, dict(percent=None, charging=False)),
    # the monitor's own low-charge alarm (AR bit 4) and low-voltage alarm (bit 1)
    ({"SOC": "150", "Alarm": "ON", "AR": "4"}, dict(percent=15.0, low=True)),
    ({"V": "11500", "Alarm": "ON", "AR": "1"}, dict(low=True)),
    ({"V": "12500", "AR": "2"}, dict(low=False)),  # high voltage is not "low"
    ({"SOC": "1200"}, dict(percent=None)),  # out of range: garbled, not 120 %
    ({"V": "12x00", "SOC": "500"}, dict(percent=50.0, volts=None)),
])
def test_reading_from_fields(fields, expected):
    reading = reading_from_fields(fields)
    assert {k: getattr(reading, k) for k in expected} == expected
    assert reading.source == "vedirect"


def test_a_block_with_nothing_about_the_battery_is_no_reading():
    assert reading_from_fields({"PID": "0xA381", "AC_OUT_V": "23000", "MODE": "2"}) is None


def test_the_listen_line_has_the_documented_shape():
    reading = reading_from_fields({"V": "12610", "I": "-3200", "SOC": "875", "TTG": "140"})
    assert reading.as_json() == {"percent": 87.5, "volts": 12.61, "amps": -3.2, "minutes_left": 140}
    assert reading.event().percent == 87.5 and reading.event().minutes_left == 140
    assert reading.event().charging is False
