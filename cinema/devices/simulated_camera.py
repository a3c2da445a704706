"""The simulated class walking past a pretend webcam: the real camera thread, decoder and preview
read their cards, so a demo shows what a real attendance looks like."""

from __future__ import annotations

import random
import threading
from typing import Iterator

URL = "fake://simulated-class-camera"


class SimulatedCamera:
    """An empty room until `start()`, then the class shows their cards one or two at a time."""

    def __init__(self, program: str, key: bytes, learner_ids: list[str], seed: int = 5) -> None:
        from cinema.devices.cards.photos import class_parade, render_photo
        from cinema.devices.cards.sources import FakeCamera, register_fake_camera

        self._started = threading.Event()
        self._empty, _ = render_photo(random.Random(seed), program, key, [])
        self._parade = class_parade(program, key, list(learner_ids), seed=seed)
        self.camera = FakeCamera(self._frames(), fps=30.0)
        register_fake_camera(URL, self.camera.open)

    def start(self) -> None:
        self._started.set()

    def _frames(self) -> Iterator:
        while True:
            if self._started.is_set():
                frame = next(self._parade, None)
                if frame is not None:
                    yield frame
                    continue
            yield self._empty

    def close(self) -> None:
        from cinema.devices.cards.sources import unregister_fake_camera

        unregister_fake_camera(URL)
