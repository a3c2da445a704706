"""The media player interface the kiosk uses, whatever plays the files."""

from __future__ import annotations

from typing import Callable, Protocol


class MediaListener(Protocol):
    def finished(self, token: int) -> None: ...
    def failed(self, token: int, reason: str) -> None: ...


class Player(Protocol):
    """Plays one video or audio file at a time inside the kiosk window.

    Callbacks (`on_finished(token)`, `on_failed(token, reason)`) may come from another
    thread: the kiosk turns them into events on its queue.
    """

    def play(self, token: int, path: str, start_at: float = 0.0, subtitles: str | None = None) -> None: ...
    def preload(self, path: str) -> None: ...
    def pause(self, paused: bool) -> None: ...
    def seek(self, seconds: float) -> None: ...
    def stop(self) -> None: ...
    def position(self) -> float: ...
    def duration(self) -> float | None: ...
    def frame(self):  # -> pygame.Surface | None: the newest video frame when drawing frames ourselves
        ...
    def close(self) -> None: ...


Callback = Callable[..., None]


class MediaUnavailable(RuntimeError):
    """The media library (libvlc) cannot be used here; the message says what to install."""


class FrameSource(Protocol):
    """Optional extra of players that decode video into pygame Surfaces ("frames" mode)."""

    def frame_serial(self) -> int:
        """Goes up by one for every new video frame: redraw only when it changed."""
        ...
