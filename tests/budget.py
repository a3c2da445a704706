"""A time and memory budget for one fuzz case: a hostile input must neither hang nor balloon.

    with budget(seconds=2, megabytes=64):
        load_activity(path)

The time limit is a real timer (SIGALRM), so a Python loop that never ends fails the case
instead of hanging the suite; the memory limit is the peak of Python allocations (tracemalloc)
during the case. C code that never returns to Python (a SQLite query) is bounded by the code
under test itself (a progress handler), which is what these cases check.
"""

from __future__ import annotations

import signal
import threading
import time
import tracemalloc
from contextlib import contextmanager
from typing import Iterator


class OverBudget(AssertionError):
    pass


@contextmanager
def budget(seconds: float = 2.0, megabytes: float = 64.0) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("budget() needs the main thread (it uses SIGALRM)")

    def overrun(signum, frame):  # noqa: ARG001
        raise OverBudget(f"over the time budget of {seconds} s")

    previous = signal.signal(signal.SIGALRM, overrun)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        peak = tracemalloc.get_traced_memory()[1]
        if not was_tracing:
            tracemalloc.stop()
    elapsed = time.perf_counter() - start
    if peak > megabytes * 2**20:
        raise OverBudget(f"used {peak / 2**20:.1f} MiB, over the budget of {megabytes} MiB")
    if elapsed > seconds:
        raise OverBudget(f"took {elapsed:.2f} s, over the budget of {seconds} s")
