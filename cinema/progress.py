"""Progress bars for long steps on a terminal (tqdm): silent when the output is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


def bar(label: str, total: float | None, *, unit: str = "", out: TextIO | None = None,
        force: bool = False) -> tqdm:
    """A bar labelled `label` counting to `total` (None: unknown, a counter); `bar.update(n)` moves it,
    `bar.close()` ends its line. Redrawn at most a few times a second."""
    stream = out if out is not None else sys.stderr
    return tqdm(total=total, desc=label, unit=unit or "it", file=stream, leave=True, mininterval=0.2,
                dynamic_ncols=True, disable=False if force else not _is_terminal(stream))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
