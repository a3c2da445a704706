"""Clicker benchmarks: presses per second through the receiver parsers, 200 handsets.

Each stage is a function `(Workload) -> Row`; STAGES lists them in order, so later stages
(engine, journal) can be appended without touching the parser stage. The target is 5,000
presses/s; for scale, one 115200-baud receiver line carries at most ~460 LCP frames/s.
Usage: python benchmarks/bench_clickers.py [--presses 100000] [--handsets 200] [--repeat 3] [--stages parser,link]
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


def stage_link(w: Workload) -> Row:
    """Bytes to press events through the kiosk's reader: a fake receiver, the port manager's
    serial link (its thread, the parser, `on_event`), `w.read_size` bytes sent at a time."""
    import threading

    from cinema.core.events import ClickerPressed, DeviceChanged
    from cinema.devices.clickers.manager import PortManager, ReceiverSpec
    from cinema.devices.clickers.ports import FakeReceiver, register_fake, unregister_fake

    url = f"fake://bench-link-{w.protocol}"
    receiver = FakeReceiver()
    register_fake(url, receiver.open)
    connected, finished = threading.Event(), threading.Event()
    got = 0

    def on_event(event: object) -> None:
        nonlocal got
        if type(event) is ClickerPressed:
            got += 1
            if got == len(w.presses):
                finished.set()
        elif isinstance(event, DeviceChanged) and event.connected:
            connected.set()

    manager = PortManager([ReceiverSpec(url, w.protocol, name="bench")], on_event, quiet=True)
    manager.start()
    try:
        if not connected.wait(5):
            raise SystemExit(f"{w.protocol}/{w.scenario}: the fake receiver never opened")
        data, size = w.data, w.read_size
        start = time.perf_counter()
        for i in range(0, len(data), size):
            receiver.send(data[i:i + size])
        finished.wait(120)
        seconds = time.perf_counter() - start
    finally:
        manager.stop()
        unregister_fake(url)
    if got != len(w.presses):
        raise SystemExit(f"{w.protocol}/{w.scenario}: {got} presses through the link, expected {len(w.presses)}")
    return Row("link", w, got, seconds)


def _quiz_engine(tmp: Path):
    """A session engine on an open quiz question with A-F options, and a journal on disk."""
    from cinema.app.clocks import SystemClock
    from cinema.config.models import Activity, Item, Option, Playlist, Question
    from cinema.core.session import SessionEngine
    from cinema.journal import Journal

    question = Question("?", tuple(Option(k, k) for k in "ABCDEF"), correct="A")
    playlist = Playlist("bench", "Bench", "en", (Item("activity", "q", activity=Activity("q", "multiple_choice", "Q",
                                                                                       (question,))),))
    clock = SystemClock()
    engine = SessionEngine(playlist, clock)
    journal = Journal(tmp / "bench.sqlite", "bench")
    journal.append(engine.session_id, [e for e in engine.start() if hasattr(e, "kind")], clock.wall(),
                   clock.monotonic())
    return engine, journal, clock


def stage_full(w: Workload) -> Row:
    """Bytes to committed records: parser, session engine, journal (one commit per port read,
    as the kiosk commits everything it drained in one loop turn)."""
    import tempfile

    from cinema.core.events import Record

    with tempfile.TemporaryDirectory() as tmp:
        engine, journal, clock = _quiz_engine(Path(tmp))
        parser = make_parser(w.protocol)
        data, size = w.data, w.read_size
        got = 0
        start = time.perf_counter()
        for i in range(0, len(data), size):
            parser.feed(data[i:i + size])
            records = []
            for event in parser.events():
                if type(event) is Press:
                    got += 1
                    records += [e for e in engine.handle(event.as_event()) if isinstance(e, Record)]
            journal.append(engine.session_id, records, clock.wall(), clock.monotonic())
        seconds = time.perf_counter() - start
        journal.close()
    return Row("full", w, got, seconds)


def press_to_tally(handsets: int = 200, spread: float = 0.5, seed: int = 5) -> list[float]:
    """Seconds from a frame reaching the receiver to its answer being committed and counted on the
    engine's tally, with every handset answering within `spread` seconds: the kiosk's real path
    (fake receiver -> port manager thread -> queue -> loop that drains, handles, commits)."""
    import queue
    import random
    import tempfile
    import threading

    from cinema.core.events import Record
    from cinema.devices.clickers.lcp import encode_press
    from cinema.devices.clickers.manager import PortManager, ReceiverSpec
    from cinema.devices.clickers.ports import FakeReceiver, register_fake, unregister_fake

    rng = random.Random(seed)
    ids = handset_ids(handsets)
    sent: dict[str, float] = {}
    latencies: list[float] = []
    receiver = FakeReceiver()
    register_fake("fake://bench", receiver.open)
    events: queue.Queue = queue.Queue()
    with tempfile.TemporaryDirectory() as tmp:
        engine, journal, clock = _quiz_engine(Path(tmp))
        manager = PortManager([ReceiverSpec("fake://bench", "lcp", name="bench")], events.put, quiet=True)
        manager.start()

        def room() -> None:
            time.sleep(0.3)
            for clicker in ids:
                sent[clicker] = time.perf_counter()
                receiver.send(encode_press(clicker, rng.choice("ABCD"), 1))
                time.sleep(rng.uniform(0, 2 * spread / handsets))

        sender = threading.Thread(target=room)
        sender.start()
        deadline = time.monotonic() + 30
        while len(latencies) < handsets and time.monotonic() < deadline:
            batch = []
            try:
                batch.append(events.get(timeout=0.04))
            except queue.Empty:
                continue
            while True:
                try:
                    batch.append(events.get_nowait())
                except queue.Empty:
                    break
            records = [e for ev in batch for e in engine.handle(ev) if isinstance(e, Record)]
            journal.append(engine.session_id, records, clock.wall(), clock.monotonic())
            done = time.perf_counter()
            for r in records:
                if r.kind == "answer.recorded":
                    latencies.append(done - sent[r.payload["clicker"]])
        sender.join()
        manager.stop()
        journal.close()
    unregister_fake("fake://bench")
    if len(latencies) < handsets:
        raise SystemExit(f"only {len(latencies)} of {handsets} answers were counted")
    return sorted(latencies)


STAGES: list[tuple[str, Stage]] = [("parser", stage_parser), ("link", stage_link), ("full", stage_full)]

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
    ap.add_argument("--stages", default=",".join(name for name, _ in STAGES),
                    help="comma-separated stages to run (the latency table is printed with every run)")
    args = ap.parse_args(argv)
    wanted = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(wanted) - {name for name, _ in STAGES})
    if unknown:
        ap.error(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(name for name, _ in STAGES)}")

    workloads = [make_workload(p, s, f, args.presses, args.handsets, r) for p, s, f, r in SCENARIOS]
    print(f"{args.presses} presses from {args.handsets} handsets; best of {args.repeat}; "
          f"target {TARGET:,.0f}/s; one 115200-baud line carries ~{BAUD_LIMIT:,.0f} frames/s")
    header = f"{'stage':<8} {'protocol':<9} {'scenario':<20} {'bytes':>10} {'presses':>8} {'seconds':>8} " \
             f"{'presses/s':>11} {'x target':>9}"
    print(header)
    print("-" * len(header))
    for name, stage in STAGES:
        if name not in wanted:
            continue
        for w in workloads:
            row = min((stage(w) for _ in range(args.repeat)), key=lambda r: r.seconds)
            print(f"{name:<8} {w.protocol:<9} {w.scenario:<20} {len(w.data):>10,} {row.presses:>8,} "
                  f"{row.seconds:>8.3f} {row.per_second:>11,.0f} {row.per_second / TARGET:>8.0f}x")
    print("(link = fake receiver -> port manager's serial link thread -> parser -> on_event, sent in reads of "
          "the scenario's size;\n full = parser + session engine + journal commit on disk, one commit per port read)")
    lat = press_to_tally(args.handsets)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    print(f"\npress-to-tally latency, {args.handsets} handsets answering within 0.5 s "
          f"(receiver -> port manager -> engine -> committed):")
    print(f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target p99 < 50 ms")
    print(f"{p(0.5):>8.1f} {p(0.99):>8.1f} {lat[-1] * 1000:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
