"""The Wi-Fi QR code's text: a phone's camera reads `WIFI:T:WPA;S:<name>;P:<password>;;` and offers to join.

Pure. The format is ZXing's (also what Android and iOS cameras read): in the name and the password
a backslash, `;`, `,`, `:` and `"` are escaped with a backslash; an open network has `T:nopass` and
no password field.
"""

from __future__ import annotations

import re

SECURITIES = ("WPA", "WEP", "nopass")  # the T: field (WPA covers WPA2 and WPA3 personal)
_SPECIAL = re.compile(r'([\\;,:"])')


def escape(text: str) -> str:
    """`text` with the characters the format reserves escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def wifi_qr_payload(name: str, password: str = "", security: str = "WPA") -> str:
    """The QR code's text for joining the network `name`; "" when there is no name (nothing to show).

    An unknown `security` is read as WPA (what a hotspot or travel router uses); an empty password
    means an open network (`nopass`), as a phone could not join a WPA network without one."""
    if not name:
        return ""
    kind = security if security in SECURITIES else "WPA"
    if kind == "nopass" or not password:
        return f"WIFI:T:nopass;S:{escape(name)};;"
    return f"WIFI:T:{kind};S:{escape(name)};P:{escape(password)};;"
