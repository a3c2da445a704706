"""Progress bars for long steps on a terminal (tqdm): silent when the output is not a terminal.

Two shapes, one library: `bar(label, total, unit=)` for code that moves a bar by steps
(`update(n)`, then `close()`: preparing media, hashing lessons, writing a pack), and
`CountBar(label)` for code that says how far it is as `(done, total)` (the report's merge of
millions of records). Redrawn at most a few times a second, on one line, ending at 100 %.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

REDRAW_SECONDS = 0.2


def bar(label: str, total: float | None, *, unit: str = "", out: TextIO | None = None,
        force: bool = False) -> tqdm:
    """A bar labelled `label` counting to `total` (None: unknown, a counter); `bar.update(n)` moves it,
    `bar.close()` ends its line. Redrawn at most a few times a second."""
    stream = out if out is not None else sys.stderr
    fmt = None
    if isinstance(total, float) and total > 0:  # seconds of media: whole numbers, not 3.0000000004
        fmt = "{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} {unit} [{elapsed}<{remaining}]"
    in_bytes = unit == "B"  # 2.4M/2.4M [1.1GB/s], not 2539256/2539256 [1162201178.29B/s]
    return tqdm(total=total, desc=label, unit=unit or "it", file=stream, leave=True, mininterval=REDRAW_SECONDS,
                dynamic_ncols=True, disable=False if force else not _is_terminal(stream), bar_format=fmt,
                unit_scale=in_bytes, unit_divisor=1024 if in_bytes else 1000)


class CountBar:
    """A bar for code that reports `(done, total)`: call it as often as you like, then `finish()`."""

    def __init__(self, label: str, out: TextIO | None = None, *, force: bool = False,
                 every: float = REDRAW_SECONDS, width: int = 30) -> None:
        self.label = label
        self.out = out if out is not None else sys.stderr
        self.enabled = force or _is_terminal(self.out)
        self.every = every
        self.width = width
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = tqdm(total=total, desc=self.label, file=self.out, leave=True, mininterval=self.every,
                             miniters=1, dynamic_ncols=False, ncols=None, ascii=" #",
                             bar_format="{desc} [{bar:%d}] {percentage:3.0f}%%  {n:,} / {total:,}" % self.width)
        elif total != self._bar.total:
            self._bar.total = total
        if done != self._bar.n:
            self._bar.update(done - self._bar.n)

    def finish(self) -> None:
        """End the line; the last count always shows, however soon after the frame before."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
