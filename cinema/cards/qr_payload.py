"""The QR code printed on an attendance card: how a token becomes modules.

Owned by the attendance-reading work (issue 15, part 3): the payload's mode and the error
correction level are chosen here, measured in benchmarks/bench_attendance.py and bench_qr.py.

The token is split into the segments that take the fewest bits: QR's alphanumeric mode
(0-9, A-Z, space and $%*+-./:, 5.5 bits a character) for the prefix, the dots, uppercase ids
and the check; byte mode (8 bits) only for the runs that need it (lowercase letters, "_");
numeric mode (3.3 bits) for long runs of digits. A segment costs a 4-bit mode and a character
count, so a short run is not worth its own segment: the split is the cheapest one, found by
dynamic programming over every split. The decoded text is the token, byte for byte, whatever
the split: the cards printed before (one byte-mode segment) read the same.
"""

from __future__ import annotations

from typing import Sequence

import qrcode
from qrcode import constants, util

# Measured (benchmarks/bench_attendance.py, the level x code size x wear table):
# Q: over the table (codes 60-160 px across in a 1280x720 frame, new / scuffed / under a thumb /
# torn corner, 16 cards a level) Q read 66.9% of cards and H 60.3%: a usual token is 25x25 modules
# at Q and 29x29 at H, so Q's modules are 16% larger and a card reads from about 1.2x as far (code
# 90 px across, a new card: Q 90%, H 77%). H reads better only with a thumb over the code up close
# (120-160 px: H 92-100%, Q 87-88%); scuffed or torn, Q reads as well or better. On the harsh photo
# set (A5 cards 150-280 px tall) Q reads about 90% with the second passes, H about 81%.
LEVEL = "Q"

_LEVELS = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
           "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}
_NUMERIC = frozenset(b"0123456789")
_ALPHANUMERIC = frozenset(util.ALPHA_NUM)
_MODES = (util.MODE_NUMBER, util.MODE_ALPHA_NUM, util.MODE_8BIT_BYTE)
# character count field, bits, for versions 1-9, 10-26 and 27-40
_GROUPS = (1, 10, 27)


def _fits(mode: int, byte: int) -> bool:
    if mode == util.MODE_NUMBER:
        return byte in _NUMERIC
    if mode == util.MODE_ALPHA_NUM:
        return byte in _ALPHANUMERIC
    return True


def _data_bits(mode: int, n: int) -> int:
    if mode == util.MODE_NUMBER:
        return 10 * (n // 3) + (0, 4, 7)[n % 3]
    if mode == util.MODE_ALPHA_NUM:
        return 11 * (n // 2) + 6 * (n % 2)
    return 8 * n


def segments(data: bytes, version: int = 1) -> list[util.QRData]:
    """The cheapest split of `data` into numeric, alphanumeric and byte segments for a code of
    `version` (the character count fields grow at versions 10 and 27)."""
    sizes = util.mode_sizes_for_version(version)
    n = len(data)
    inf = float("inf")
    best: list[float] = [0.0] + [inf] * n
    step: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (start, mode) of the last segment ending here
    for end in range(1, n + 1):
        for mode in _MODES:
            # the longest run ending at `end` that this mode can carry; every start within it
            start = end
            while start > 0 and _fits(mode, data[start - 1]):
                start -= 1
                cost = best[start] + 4 + sizes[mode] + _data_bits(mode, end - start)
                if cost < best[end]:
                    best[end], step[end] = cost, (start, mode)
    out = []
    end = n
    while end:
        start, mode = step[end]
        out.append(util.QRData(data[start:end], mode=mode, check_data=False))
        end = start
    return out[::-1]


def payload_bits(parts: Sequence[util.QRData], version: int = 1) -> int:
    """Bits the segments take (mode indicators, counts and data), before the terminator."""
    sizes = util.mode_sizes_for_version(version)
    return sum(4 + sizes[p.mode] + _data_bits(p.mode, len(p)) for p in parts)


def qr_code(token: str, level: str = LEVEL, dense: bool = True) -> qrcode.QRCode:
    """The token's QR code at `level` (L, M, Q, H), its smallest version. dense=False: as
    cards were printed before the segments (qrcode's own split: byte mode for a token with a
    lowercase letter), for the benchmarks."""
    data = token.encode("utf-8")
    best = None
    for group in (_GROUPS if dense else (1,)):
        code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
        if dense:
            for part in segments(data, group):
                code.add_data(part)
        else:
            code.add_data(token)  # qrcode's own split: alphanumeric only in runs of 20 characters or more
        try:
            code.best_fit()
        except qrcode.exceptions.DataOverflowError:
            continue
        if best is None or code.version < best.version:
            best = code
    if best is None:
        raise ValueError(f"a token of {len(data)} bytes does not fit in a QR code")
    best.make(fit=False)
    return best


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), at LEVEL, the densest payload, without the quiet zone."""
    return qr_code(token, LEVEL).get_matrix()
