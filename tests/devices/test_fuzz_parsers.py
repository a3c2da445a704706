"""Fuzzing every parser a device's bytes go through, each case under the shared time and memory budget:
arbitrary bytes and mutations of valid frames never raise (only the documented refusals), never hang, and
never hold more than the parser's bound, however long a line runs without ending."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.core.events import CardScanned, Command, TeacherCommand
from cinema.core.roster import CardCheck, looks_like_card, make_token, normalize_check, verify_token
from cinema.devices.cards.decode import UnreadableImage, decode_frame, load_gray
from cinema.devices.cards.serial_scanner import ScanLines
from cinema.devices.cards.wedge import Keys, WedgeDetector
from cinema.devices.clickers.hid import HidDevice, HidMapper
from cinema.devices.clickers.iskipper import encode_capture, make_id
from cinema.devices.clickers.lcp import KEYS, encode_press
from cinema.devices.clickers.protocol import Ping, Press, ReceiverInfo
from cinema.devices.clickers.registry import PARSERS, make_parser
from cinema.devices.power.vedirect import TextBlock, VeDirectParser, encode_block, encode_hex
from tests.budget import budget

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY = b"fuzz-key"


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` in pieces; never an empty one (that means the port closed)."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [p for p in (data[a:b] for a, b in zip([0, *points], [*points, len(data)])) if p]


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Flip, insert, delete or repeat bytes of a valid stream: what a bad cable does to it."""
    out = bytearray(data)
    for kind, at, byte in edits:
        if not out:
            out.append(byte)
            continue
        at %= len(out)
        if kind == 0:
            out[at] ^= byte or 1
        elif kind == 1:
            out.insert(at, byte)
        elif kind == 2:
            del out[at]
        else:
            out[at:at] = out[at:at + byte % 16]
    return bytes(out)


edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 255)), max_size=12)
cuts = st.lists(st.integers(0, 10_000), max_size=20)


# ---- every serial parser: arbitrary bytes, mutated frames ------------------------------------------

def serial_parsers():
    """(name, new parser, what it may hand back, how many bytes it may hold)."""
    out = [(name, lambda name=name: make_parser(name), (Press, Ping, ReceiverInfo), lambda p: p.max_buffer)
           for name in sorted(PARSERS)]
    out.append(("vedirect", VeDirectParser, (TextBlock,), lambda p: p.max_buffer))
    out.append(("scanner", ScanLines, (CardScanned,), lambda p: p.max_line))
    return out


PARSER_NAMES = [name for name, *_ in serial_parsers()]


def held(parser) -> int:
    return len(parser._buf) if isinstance(parser, ScanLines) else parser.buffered


def valid_stream(name: str, n: int) -> bytes:
    if name == "lcp":
        return b"".join(encode_press(f"{0xA0 + i % 7:X}", KEYS[i % len(KEYS)], i) for i in range(n))
    if name == "iskipper":
        return b"".join(encode_capture(make_id(i * 7919), "ABCDEP"[i % 6]) for i in range(n))
    if name == "vedirect":
        return b"".join(encode_block({"V": 12_600 + i, "I": -3200, "SOC": 875, "TTG": 140}) + encode_hex(1)
                        for i in range(n))
    if name == "scanner":
        return b"".join(make_token("P1", f"L{i}", KEY).encode() + b"\r\n" for i in range(n))
    raise AssertionError(f"no valid stream for {name}: add one")


def run_parser(name: str, pieces: list[bytes]) -> list:
    make, kinds, bound = next((m, k, b) for n, m, k, b in serial_parsers() if n == name)
    parser = make()
    events = []
    with budget(seconds=2, megabytes=64):
        for piece in pieces:
            parser.feed(piece)
            assert held(parser) <= bound(parser)
            events += list(parser.events())
        if not isinstance(parser, ScanLines):  # a scanner's port never "closes" in the parser
            parser.feed(b"")
            events += list(parser.events())
    assert all(isinstance(e, kinds) for e in events), events
    return events


def test_every_serial_parser_is_fuzzed_here():
    assert set(PARSERS) | {"vedirect", "scanner"} == set(PARSER_NAMES)


@FUZZ
@given(name=st.sampled_from(PARSER_NAMES), data=st.binary(max_size=4000), cuts=cuts)
def test_arbitrary_bytes_never_raise_and_stay_within_the_bound(name, data, cuts):
    run_parser(name, split(data, cuts))


@FUZZ
@given(name=st.sampled_from(PARSER_NAMES), n=st.integers(1, 12), edits=edits, cuts=cuts)
def test_mutated_frames_never_raise_and_stay_within_the_bound(name, n, edits, cuts):
    run_parser(name, split(mutate(valid_stream(name, n), edits), cuts))


@FEW
@given(name=st.sampled_from(PARSER_NAMES), n=st.integers(1, 8), noise=st.binary(max_size=300), cuts=cuts)
def test_valid_frames_after_noise_and_a_line_break_are_all_found(name, n, noise, cuts):
    # Noise then a line end (every protocol here resynchronises on one), then good frames.
    events = run_parser(name, split(noise + b"\r\n\n" + valid_stream(name, n), cuts))
    good = [e for e in events if not isinstance(e, ReceiverInfo)]
    assert len(good) >= n


@pytest.mark.parametrize("byte", [b" ", b"A", b":", b"$", b"\t"])
@pytest.mark.parametrize("name", PARSER_NAMES)
def test_a_line_that_never_ends_holds_a_bounded_buffer(name, byte):
    # 128 KB of one byte without a line end (twice the largest buffer), in reads of 4096 (what the serial
    # link reads at once). VE.Direct reads byte by byte: ~1 MB/s, 500 times its 19200 baud.
    make, _kinds, bound = next((m, k, b) for n, m, k, b in serial_parsers() if n == name)
    parser = make()
    chunk = byte * 4096
    with budget(seconds=3, megabytes=4):
        for _ in range(32):
            parser.feed(chunk)
            list(parser.events())
            assert held(parser) <= bound(parser)


# ---- the keyboard-wedge scanner and HID keypads -------------------------------------------------------

key_names = st.sampled_from(["return", "enter", "left", "f1", "tab", "\r", "\n", "", "kp_enter", "\x00", "ü"])


@FUZZ
@given(keys=st.lists(st.tuples(st.one_of(st.characters(), key_names), st.floats(0, 0.2)), max_size=600))
def test_the_wedge_detector_never_raises_and_never_holds_more_than_a_card(keys):
    wedge = WedgeDetector()
    at = 0.0
    typed = 0
    out = []
    with budget(seconds=2, megabytes=32):
        for key, gap in keys:
            at += gap
            out += wedge.feed(key, at)
            typed += 1
            assert len(wedge._held) <= wedge.max_length
        out += wedge.poll(at + 1.0)
    assert not wedge.pending()
    assert all(isinstance(e, (CardScanned, Keys)) for e in out)
    # Every key comes back, as a scan (its letters and Enter) or as keys: none is lost or made up.
    back = sum(len(e.keys) if isinstance(e, Keys) else len(e.payload) + 1 for e in out)
    assert back == typed


@FUZZ
@given(events=st.lists(st.tuples(st.sampled_from(["kp", "pres", "other"]), st.integers(-5, 1000),
                                 st.integers(-3, 5)), max_size=300))
def test_hid_keys_become_presses_commands_or_nothing(events):
    mapper = HidMapper([HidDevice("kp", clicker="A1"), HidDevice("pres"), HidDevice("kp2", "B2", True)])
    with budget(seconds=1, megabytes=16):
        for device, code, value in events:
            got = mapper.key(device, code, value)
            assert got is None or isinstance(got, (Press, TeacherCommand))
            if isinstance(got, TeacherCommand):
                assert isinstance(got.command, Command)


# ---- card payloads: what a QR code or a scanner line may say ----------------------------------------------

token_text = st.one_of(
    st.text(max_size=200),
    st.builds(lambda parts: ".".join(parts), st.lists(st.text(max_size=40), max_size=6)),
    st.builds(lambda a, b, c: f"LC1.{a}.{b}.{c}", st.text(max_size=40), st.text(max_size=40), st.text(max_size=20)),
)


@FUZZ
@given(payload=token_text)
def test_any_payload_is_refused_or_accepted_never_raised(payload):
    with budget(seconds=1, megabytes=16):
        check = verify_token(payload, "P1", (KEY, b"older-key"))
        shaped = looks_like_card(payload)
    assert isinstance(check, CardCheck)
    assert check.valid == (check.reason == "")
    if check.valid:
        assert shaped  # what a scanner drops as junk is never a card


@FUZZ
@given(learner=st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True), edits=edits)
def test_a_mutated_card_is_refused_unless_it_reads_back_as_the_same_card(learner, edits):
    token = make_token("P1", learner, KEY)
    mutated = mutate(token.encode(), edits).decode("latin-1")
    with budget(seconds=1, megabytes=16):
        check = verify_token(mutated, "P1", (KEY,))
    if check.valid:
        # Only what the reader forgives: case, O/0, I/1, B/8, spaces and dashes in the check.
        _prefix, program, lid, printed = mutated.strip().split(".")
        assert (program, lid) == ("P1", learner) and check.learner_id == learner
        assert normalize_check(printed) == token.rsplit(".", 1)[1]


@FEW
@given(shape=st.tuples(st.integers(0, 64), st.integers(0, 64)), channels=st.sampled_from([None, 1, 2, 3, 4, 5]),
       dtype=st.sampled_from([np.uint8, np.uint16, np.float32, np.int8, np.bool_]), seed=st.integers(0, 2**32 - 1))
def test_any_frame_decodes_to_a_list_never_an_exception(shape, channels, dtype, seed):
    rng = np.random.default_rng(seed)
    size = shape if channels is None else (*shape, channels)
    frame = (rng.random(size) * 255).astype(dtype)
    with budget(seconds=2, megabytes=32):
        found = decode_frame(frame)
    assert isinstance(found, list)


@FEW
@given(data=st.one_of(st.binary(max_size=3000),
                      st.binary(max_size=200).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
                      st.binary(max_size=200).map(lambda b: b"GIF89a" + b),
                      st.binary(max_size=200).map(lambda b: b"\xff\xd8\xff" + b)))
def test_any_image_file_reads_or_is_unreadable(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("img") / "card.png"
    path.write_bytes(data)
    with budget(seconds=2, megabytes=64):
        try:
            image = load_gray(str(path))
        except UnreadableImage:
            return
    assert image.ndim == 2
