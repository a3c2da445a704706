"""Where the codes read in recent frames were: the places a camera's decoder looks again when a
frame's plain read misses a card that was just there (it moved, it blurred, it turned)."""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[int, int]


@dataclass(frozen=True)
class Track:
    """A code read at `corners` (its own TL, TR, BR, BL in the frame) at clock time `seen_at`."""

    text: str
    corners: tuple[Point, Point, Point, Point]
    seen_at: float
    velocity: tuple[float, float] = (0.0, 0.0)  # px/s, from the last two reads: where it is heading

    def centre(self) -> tuple[float, float]:
        return sum(p[0] for p in self.corners) / 4, sum(p[1] for p in self.corners) / 4

    def side(self) -> float:
        """The code's longest edge, px."""
        c = self.corners
        return max(((c[i][0] - c[i - 1][0]) ** 2 + (c[i][1] - c[i - 1][1]) ** 2) ** 0.5 for i in range(4))

    def window(self, width: int, height: int, reach: float, now: float | None = None) -> tuple[int, int, int, int] | None:
        """The part of a `width` x `height` frame to search again, (x0, y0, x1, y1): the code's
        bounding box (moved on at its velocity to `now`, when given) grown by `reach` times its side
        on every edge (room to have moved otherwise), clipped to the frame; None when nothing of it
        is left in the frame."""
        dt = 0.0 if now is None else max(0.0, now - self.seen_at)
        xs = [p[0] + self.velocity[0] * dt for p in self.corners]
        ys = [p[1] + self.velocity[1] * dt for p in self.corners]
        grow = reach * max(self.side(), 8.0)
        x0, x1 = max(0, int(min(xs) - grow)), min(width, int(max(xs) + grow) + 1)
        y0, y1 = max(0, int(min(ys) - grow)), min(height, int(max(ys) + grow) + 1)
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        return x0, y0, x1, y1


class Tracks:
    """At most `limit` tracks, one per code text, each forgotten `lifetime` seconds after it was
    last read or after `misses` looks in a row that found nothing (a card put away is not looked
    for, at a cost each frame, for the whole second). A track only says where to look: what is
    returned for a frame is always what was decoded in that frame, so a card that has left is
    never reported from memory."""

    def __init__(self, limit: int = 4, lifetime: float = 1.0, misses: int = 6) -> None:
        self.limit = limit
        self.lifetime = lifetime
        self.misses = misses
        self._tracks: dict[str, Track] = {}
        self._missed: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._tracks)

    def missing(self, texts: set[str], now: float) -> list[Track]:
        """The live tracks whose code is not among `texts` (read in this frame), most recent first;
        expired tracks are dropped here."""
        self._tracks = {t: k for t, k in self._tracks.items()
                        if now - k.seen_at <= self.lifetime and self._missed.get(t, 0) < self.misses}
        self._missed = {t: n for t, n in self._missed.items() if t in self._tracks}
        live = [k for t, k in self._tracks.items() if t not in texts]
        return sorted(live, key=lambda k: k.seen_at, reverse=True)

    def looked(self, text: str) -> None:
        """The track of `text` was looked for in this frame and not found."""
        if text in self._tracks:
            self._missed[text] = self._missed.get(text, 0) + 1

    def seen(self, text: str, corners: tuple[Point, Point, Point, Point], now: float) -> None:
        """A code read in this frame: its track starts or moves here. Past the limit, the track
        seen longest ago makes room."""
        self._missed.pop(text, None)
        before = self._tracks.pop(text, None)
        track = Track(text, corners, now)
        if before is not None and now - before.seen_at > 0:
            dt = now - before.seen_at
            (x, y), (bx, by) = track.centre(), before.centre()
            track = Track(text, corners, now, ((x - bx) / dt, (y - by) / dt))
        self._tracks[text] = track
        while len(self._tracks) > self.limit:
            oldest = min(self._tracks.values(), key=lambda k: k.seen_at)
            del self._tracks[oldest.text]
            self._missed.pop(oldest.text, None)

    def clear(self) -> None:
        self._tracks.clear()
        self._missed.clear()
