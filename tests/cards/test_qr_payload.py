"""The card's QR payload: the densest segments, the same text read back, never a larger code."""

import itertools

import numpy as np
import pytest
import zxingcpp
from qrcode import util

from cinema.cards.qr_payload import LEVEL, payload_bits, qr_code, qr_matrix, segments
from cinema.core.roster import make_token, verify_token

KEY = b"payload test key"


def read(matrix) -> list[str]:
    img = np.pad(np.where(np.array(matrix, bool), 0, 255).astype(np.uint8), 4, constant_values=255)
    return [r.text for r in zxingcpp.read_barcodes(np.kron(img, np.ones((4, 4), np.uint8)))]


# (programme, learner id, modules across at levels Q and H: before -> now)
CASES = [
    ("P", "S001", {"Q": (25, 25), "H": (25, 25)}),  # all uppercase: alphanumeric before and now
    ("HARSH", "h001", {"Q": (29, 25), "H": (29, 29)}),
    ("CLASS7B", "s001", {"Q": (29, 29), "H": (33, 29)}),  # a lowercase id: byte mode before, one byte now
    ("math_2026", "maria-lopez_3", {"Q": (33, 33), "H": (37, 33)}),
    ("A" * 32, "b" * 32, {"Q": (41, 41), "H": (49, 49)}),  # the longest ids
    ("A" * 32, "B" * 32, {"Q": (37, 37), "H": (41, 41)}),
]


@pytest.mark.parametrize("program, learner, modules", CASES)
def test_the_token_reads_back_exactly_in_a_code_never_larger_than_before(program, learner, modules):
    token = make_token(program, learner, KEY)
    for level, (before, now) in modules.items():
        assert len(qr_code(token, level, dense=False).get_matrix()) == before
        matrix = qr_code(token, level).get_matrix()
        assert len(matrix) == now
        assert read(matrix) == [token]
    printed = qr_matrix(token)  # what cinema cards prints: this, at LEVEL
    assert printed == qr_code(token, LEVEL).get_matrix() and read(printed) == [token]
    assert verify_token(read(printed)[0], program, (KEY,)).learner_id == learner


def test_byte_mode_only_where_a_character_needs_it():
    parts = segments(make_token("CLASS7B", "s001", KEY).encode())
    assert [(p.mode, p.data) for p in parts][:2] == [(util.MODE_ALPHA_NUM, b"LC1.CLASS7B."), (util.MODE_8BIT_BYTE, b"s")]
    assert [p.mode for p in parts[2:]] == [util.MODE_ALPHA_NUM]
    assert [p.mode for p in segments(b"LC1.P.S001.ABCDEFGH")] == [util.MODE_ALPHA_NUM]


def cheapest_by_search(data: bytes) -> int:
    """Every way to cut `data` into runs, each in the cheapest mode that can carry it."""
    best = None
    for cuts in itertools.chain.from_iterable(itertools.combinations(range(1, len(data)), k) for k in range(4)):
        bounds = (0, *cuts, len(data))
        parts = []
        for a, b in zip(bounds, bounds[1:]):
            chunk = data[a:b]
            parts.append(util.QRData(chunk, mode=util.optimal_mode(chunk), check_data=False))
        bits = payload_bits(parts)
        best = bits if best is None else min(best, bits)
    return best


@pytest.mark.parametrize("data", [b"LC1.P.s1.AB", b"ab12345678CD", b"x_Y.9", b"0123ab4567", b"LC1.Ab.cD.EF"])
def test_the_split_is_the_cheapest_of_all_splits(data):
    parts = segments(data)
    assert b"".join(p.data for p in parts) == data
    assert payload_bits(parts) == cheapest_by_search(data)
