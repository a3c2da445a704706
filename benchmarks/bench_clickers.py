"""Clicker benchmarks: presses per second through the receiver parsers, 200 handsets.

Each stage is a function `(Workload) -> Row`; STAGES lists them in order, so later stages
(engine, journal) can be appended without touching the parser stage. The target is 5,000
presses/s; for scale, one 115200-baud receiver line carries at most ~460 LCP frames/s.
Usage: python benchmarks/bench_clickers.py [--presses 100000] [--handsets 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cinema.devices.clickers.protocol import Press  # noqa: E402
from cinema.devices.clickers.registry import make_parser  # noqa: E402
from cinema.devices.clickers.simulator import Faults, HandsetSimulator, handset_ids, press_stream  # noqa: E402

TARGET = 5000.0  # presses per second the kiosk must keep up with
BAUD_LIMIT = 115200 / 10 / 25  # 8N1 = 10 bits a byte, ~25 bytes an LCP frame


@dataclass(frozen=True)
class Workload:
    """One stream of receiver bytes and what it must turn into."""

    protocol: str
    scenario: str
    data: bytes
    presses: list[Press]  # the presses a parser must hand out, in order
    read_size: int  # bytes per port read: 4096 when the reader lags, ~32 when it keeps up


@dataclass(frozen=True)
class Row:
    stage: str
    workload: Workload
    presses: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds if self.seconds else float("inf")


Stage = Callable[[Workload], Row]


def make_workload(protocol: str, scenario: str, faults: Faults, presses: int, handsets: int,
                  read_size: int, seed: int = 1) -> Workload:
    sim = HandsetSimulator(protocol, faults, seed=seed)
    keys = "ABCDE" if protocol == "iskipper" else "ABCD"
    stream = press_stream(handset_ids(handsets), keys, seed=seed, count=presses)
    data = b"".join(chunk.data for chunk in sim.chunks(stream))
    expected = sim.delivered if protocol == "lcp" else sim.sent
    return Workload(protocol, scenario, data, expected, read_size)


def stage_parser(w: Workload) -> Row:
    """Bytes to presses: feed port-sized reads, drain events after each, like the port manager."""
    parser = make_parser(w.protocol)
    data, size = w.data, w.read_size
    got = 0
    start = time.perf_counter()
    for i in range(0, len(data), size):
        parser.feed(data[i:i + size])
        for event in parser.events():
            if type(event) is Press:
                got += 1
    seconds = time.perf_counter() - start
    if got != len(w.presses):
        raise SystemExit(f"{w.protocol}/{w.scenario}: parsed {got} presses, expected {len(w.presses)}")
    return Row("parser", w, got, seconds)


STAGES: list[tuple[str, Stage]] = [("parser", stage_parser)]

SCENARIOS = [
    # protocol, scenario, faults, read size
    ("lcp", "clean", Faults(), 4096),
    ("lcp", "clean, small reads", Faults(), 32),
    ("lcp", "noise+retransmit", Faults(garbage=0.3, retransmit=True), 4096),
    ("iskipper", "clean", Faults(), 4096),
    ("iskipper", "noise", Faults(garbage=0.3), 4096),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=100_000)
    ap.add_argument("--handsets", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="runs per row; the best is shown")
    args = ap.parse_args(argv)

    workloads = [make_workload(p, s, f, args.presses, args.handsets, r) for p, s, f, r in SCENARIOS]
    print(f"{args.presses} presses from {args.handsets} handsets; best of {args.repeat}; "
          f"target {TARGET:,.0f}/s; one 115200-baud line carries ~{BAUD_LIMIT:,.0f} frames/s")
    header = f"{'stage':<8} {'protocol':<9} {'scenario':<20} {'bytes':>10} {'presses':>8} {'seconds':>8} " \
             f"{'presses/s':>11} {'x target':>9}"
    print(header)
    print("-" * len(header))
    for name, stage in STAGES:
        for w in workloads:
            row = min((stage(w) for _ in range(args.repeat)), key=lambda r: r.seconds)
            print(f"{name:<8} {w.protocol:<9} {w.scenario:<20} {len(w.data):>10,} {row.presses:>8,} "
                  f"{row.seconds:>8.3f} {row.per_second:>11,.0f} {row.per_second / TARGET:>8.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
