"""Simulated handsets behind a simulated receiver: the bytes an LCP/1 or iSkipper receiver sends.

Two forms. `HandsetSimulator.chunks()` is pure: (clicker, key) presses in, byte chunks (each
with the delay to wait before writing it) out, seeded, so tests know exactly what was sent.
`SimulatorRunner` writes those chunks to a serial port (a URL such as `loop://` or a pty path
opened through `ports.open_port`, or a port object) in a thread until done or stopped.

Fault switches (`Faults`), after OctoPrint's virtual printer: `drop` loses transmissions,
`garbage` puts random bytes between frames, `retransmit` sends each frame 1-3 times, `slow`
splits frames across writes with delays, `silence_after` (or `silent` at run time) stops
sending while the port stays open.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from cinema.devices.clickers import iskipper, lcp
from cinema.devices.clickers.protocol import Press, normalize_clicker

if TYPE_CHECKING:
    from cinema.devices.ports import Port

PROTOCOLS = ("lcp", "iskipper")
MAX_GARBAGE = 24  # bytes of noise at most between two frames
SLOW_DELAY = (0.002, 0.02)  # seconds between the pieces of a split frame


@dataclass(frozen=True)
class Faults:
    drop: float = 0.0  # probability that one transmission of a frame is lost
    garbage: float = 0.0  # probability of random bytes before a frame
    retransmit: bool = False  # send every frame 1-3 times (LCP repeats the counter)
    slow: bool = False  # split frames into 2-4 writes with small delays
    silence_after: int | None = None  # presses after which nothing more is sent
    hello: bool = True  # start with the receiver's hello / start-up lines


@dataclass(frozen=True)
class Chunk:
    data: bytes
    delay: float = 0.0  # seconds to wait before writing


def handset_ids(n: int, first: int = 0xC10001) -> list[str]:
    """N handset ids valid for every protocol (iClicker ids carry a check byte)."""
    return [iskipper.make_id(first + i) for i in range(n)]


def press_stream(handsets: Sequence[str], keys: str | Sequence[str] = "ABCD", seed: int = 0,
                 count: int | None = None) -> Iterator[tuple[str, str]]:
    """Random (clicker, key) presses, forever or `count` of them (demos and benchmarks)."""
    rng = random.Random(seed)
    n = 0
    while count is None or n < count:
        yield rng.choice(handsets), rng.choice(keys)
        n += 1


class HandsetSimulator:
    """Handsets speaking `protocol` through one receiver, with fault switches."""

    def __init__(self, protocol: str = "lcp", faults: Faults = Faults(), seed: int = 0,
                 firmware: str = "sim-1", channel: str = "AA") -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown clicker protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
        self.protocol = protocol
        self.faults = faults
        self.firmware = firmware
        self.channel = channel
        self.rng = random.Random(seed)
        self.silent = False  # a runner may flip this at any time: the receiver goes quiet
        self.counters: dict[str, int] = {}
        self.presses = 0  # presses asked for
        self.sent: list[Press] = []  # every transmission that left, retransmissions included
        self.delivered: list[Press] = []  # presses with at least one transmission sent, in order

    def hello(self) -> bytes:
        if self.protocol == "lcp":
            return lcp.encode_hello(self.firmware, self.channel)
        return iskipper.encode_startup()

    def frame(self, clicker: str, key: str) -> tuple[Press, bytes]:
        """The next frame of one handset (its counter moves on)."""
        clicker = normalize_clicker(clicker)
        if self.protocol == "lcp":
            counter = self.counters.get(clicker, -1) + 1 & lcp.MAX_COUNTER
            self.counters[clicker] = counter
            return Press(clicker, key, counter), lcp.encode_press(clicker, key, counter)
        return Press(clicker, key, None), iskipper.encode_capture(clicker, key)

    def chunks(self, presses: Iterable[tuple[str, str]], interval: float = 0.0) -> Iterator[Chunk]:
        """The bytes for `presses`, `interval` seconds apart; `self.sent`/`delivered` fill as it goes."""
        faults, rng = self.faults, self.rng
        if faults.hello and not self.silent:
            yield Chunk(self.hello())
        for clicker, key in presses:
            if faults.silence_after is not None and self.presses >= faults.silence_after:
                return
            self.presses += 1
            press, data = self.frame(clicker, key)
            if self.silent:
                continue
            delay = interval
            copies = rng.randint(1, 3) if faults.retransmit else 1
            went = False
            for _ in range(copies):
                if faults.garbage and rng.random() < faults.garbage:
                    yield Chunk(self._garbage(), delay)
                    delay = 0.0
                if faults.drop and rng.random() < faults.drop:
                    continue
                went = True
                self.sent.append(press)
                yield from self._pieces(data, delay)
                delay = 0.0
            if went:
                self.delivered.append(press)

    def _garbage(self) -> bytes:
        return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, MAX_GARBAGE)))

    def _pieces(self, data: bytes, delay: float) -> Iterator[Chunk]:
        if not self.faults.slow:
            yield Chunk(data, delay)
            return
        cuts = sorted(self.rng.sample(range(1, len(data)), self.rng.randint(1, 3)))
        for a, b in zip([0, *cuts], [*cuts, len(data)]):
            yield Chunk(data[a:b], delay)
            delay = self.rng.uniform(*SLOW_DELAY)


class Writer(Protocol):
    """The end of a port the runner writes to (a `Port`, or a test's recorder)."""

    def write(self, data: bytes) -> int | None: ...

    def flush(self) -> None: ...


class SimulatorRunner:
    """Writes a simulator's chunks to a serial port in a thread; `stop()` ends it early.

    `port` is a URL or device path (opened with `ports.open_port`, closed at the end) or an
    open `Writer` (left open: the caller owns it, e.g. a `loop://` port
    that the test also reads from).
    """

    def __init__(self, port: str | Writer, simulator: HandsetSimulator, presses: Iterable[tuple[str, str]],
                 interval: float = 0.0, baudrate: int = 115200,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.port = port
        self.simulator = simulator
        self.presses = presses
        self.interval = interval
        self.baudrate = baudrate
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait  # waits end at once on stop()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self.bytes_written = 0

    def start(self) -> SimulatorRunner:
        self._thread = threading.Thread(target=self._run, name="clicker-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.join(timeout)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True when it did."""
        return self.finished.wait(timeout)

    def set_silent(self, silent: bool) -> None:
        self.simulator.silent = silent

    def _run(self) -> None:
        opened: Port | None = None  # a port we opened is ours to close
        try:
            port: Writer
            if isinstance(self.port, str):
                from cinema.devices.ports import open_port  # noqa: PLC0415 - the one seam

                port = opened = open_port(self.port, self.baudrate)
            else:
                port = self.port
            for chunk in self.simulator.chunks(self.presses, self.interval):
                if chunk.delay > 0:
                    self._sleep(chunk.delay)
                if self._stop.is_set():
                    break
                port.write(chunk.data)
                self.bytes_written += len(chunk.data)
                port.flush()  # a pty or USB port sends now, not when its buffer fills
        except Exception as exc:  # noqa: BLE001 - kept for the owner to look at; a thread has no caller
            self.error = exc
        finally:
            if opened is not None:
                opened.close()
            self.finished.set()
