"""The QR code printed on an attendance card: how a token becomes modules.

Owned by the attendance-reading work (issue 15, part 3): the payload's mode and the error
correction level are chosen here, measured in benchmarks/bench_attendance.py.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_H


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), level H, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_H, border=0)
    code.add_data(token)
    code.make(fit=True)
    return code.get_matrix()
