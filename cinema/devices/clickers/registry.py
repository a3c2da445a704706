"""The clicker receiver protocols by name: the one place a parser is chosen."""

from __future__ import annotations

import difflib
from typing import Any

from cinema.devices.clickers.iskipper import ISkipperParser
from cinema.devices.clickers.lcp import LcpParser
from cinema.devices.clickers.protocol import Parser

PARSERS: dict[str, type[Parser]] = {
    LcpParser.name: LcpParser,
    ISkipperParser.name: ISkipperParser,
}


def make_parser(name: str, **options: Any) -> Parser:
    """A new parser for protocol `name` (`lcp`, `iskipper`); options go to its constructor.

    Raises ValueError naming the known protocols (and the closest one) for an unknown name.
    """
    cls = PARSERS.get(name.strip().lower())
    if cls is None:
        close = difflib.get_close_matches(name.lower(), PARSERS, n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown clicker protocol {name!r}{hint} (known: {', '.join(sorted(PARSERS))})")
    return cls(**options)
