"""The simulated class's handsets as a receiver on a fake port, so their presses travel the same
road as real ones: LCP bytes (with some noise and retransmissions), parser, port manager, queue."""

from __future__ import annotations

from cinema.devices.clickers.manager import ReceiverSpec
from cinema.devices.ports import FakeReceiver, register_fake, unregister_fake
from cinema.devices.clickers.simulator import Faults, HandsetSimulator

URL = "fake://simulated-class"
NAME = "clickers (simulated)"


class SimulatedReceiver:
    def __init__(self, faults: Faults | None = None, seed: int = 3) -> None:
        self.receiver = FakeReceiver()
        register_fake(URL, self.receiver.open)
        self.handsets = HandsetSimulator("lcp", faults or Faults(garbage=0.05, retransmit=True, hello=False),
                                         seed=seed)
        self.receiver.send(self.handsets.hello())

    @property
    def spec(self) -> ReceiverSpec:
        return ReceiverSpec(URL, "lcp", name=NAME)

    def press(self, clicker: str, key: str) -> None:
        for chunk in self.handsets.chunks([(clicker, key)]):
            self.receiver.send(chunk.data)

    def close(self) -> None:
        unregister_fake(URL)
