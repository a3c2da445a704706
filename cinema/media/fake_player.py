"""A Player that plays nothing: it records calls and lets tests finish or fail items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from cinema.core.clock import Clock


@dataclass
class FakePlay:
    token: int
    path: str
    start_at: float = 0.0
    subtitles: str | None = None
    started: float = 0.0  # clock time of play(), when a clock was given


@dataclass
class FakePlayer:
    """Records what the kiosk asked for; `finish()`/`fail()` answer like VLC would.

    With `clock` and `auto_finish_after`, `poll()` finishes the current item once that
    many seconds of the clock have passed (paused time does not count).
    """

    on_finished: Callable[[int], None]
    on_failed: Callable[[int, str], None]
    clock: Clock | None = None
    auto_finish_after: float | None = None
    durations: dict[str, float] = field(default_factory=dict)  # path -> seconds, for duration()
    calls: list[tuple] = field(default_factory=list)
    current: FakePlay | None = None
    paused: bool = False
    captions: bool = True
    closed: bool = False
    preloaded: list[str] = field(default_factory=list)
    _position: float = 0.0
    _since: float | None = None

    def play(self, token: int, path: str, start_at: float = 0.0, subtitles: str | None = None) -> None:
        self.calls.append(("play", token, path, start_at, subtitles))
        self.current = FakePlay(token, path, start_at, subtitles, self._now())
        self.paused = False
        self._position = start_at
        self._since = self._now()

    def preload(self, path: str) -> None:
        self.calls.append(("preload", path))
        self.preloaded.append(path)

    def pause(self, paused: bool) -> None:
        self.calls.append(("pause", paused))
        if paused and not self.paused:
            self._position = self.position()
        self.paused = paused
        self._since = self._now()

    def show_captions(self, on: bool) -> None:
        self.calls.append(("captions", on))
        self.captions = on

    def seek(self, seconds: float) -> None:
        self.calls.append(("seek", seconds))
        self._position = seconds
        self._since = self._now()

    def stop(self) -> None:
        self.calls.append(("stop",))
        self.current = None

    def position(self) -> float:
        if self.current is None:
            return 0.0
        if self.paused or self._since is None:
            return self._position
        return self._position + self._now() - self._since

    def duration(self) -> float | None:
        if self.current is None:
            return None
        if self.current.path in self.durations:
            return self.durations[self.current.path]
        return self.auto_finish_after

    def frame(self):
        return None

    def frame_serial(self) -> int:
        return 0

    def set_frame_size(self, size: tuple[int, int]) -> None:
        self.calls.append(("set_frame_size", size))

    def close(self) -> None:
        self.calls.append(("close",))
        self.closed = True
        self.current = None

    # -- test controls -------------------------------------------------------

    def finish(self, token: int | None = None) -> None:
        """Finish the current item (or report `token` finished, even a stale one)."""
        token = self._token(token)
        if self.current is not None and self.current.token == token:
            self.current = None
        self.on_finished(token)

    def fail(self, token: int | None = None, reason: str = "simulated failure") -> None:
        token = self._token(token)
        if self.current is not None and self.current.token == token:
            self.current = None
        self.on_failed(token, reason)

    def poll(self) -> None:
        """Finish the current item when its time is up (needs `clock`)."""
        if self.current is None or self.paused or self.clock is None:
            return
        length = self.durations.get(self.current.path)
        if length is not None and self.position() >= length:
            self.finish(self.current.token)
        elif self.auto_finish_after is not None and (
            self.position() - self.current.start_at >= self.auto_finish_after
        ):
            self.finish(self.current.token)

    def played_paths(self) -> list[str]:
        return [c[2] for c in self.calls if c[0] == "play"]

    def _token(self, token: int | None) -> int:
        if token is not None:
            return token
        if self.current is None:
            raise AssertionError("FakePlayer: nothing is playing to finish or fail")
        return self.current.token

    def _now(self) -> float:
        return self.clock.monotonic() if self.clock is not None else 0.0
