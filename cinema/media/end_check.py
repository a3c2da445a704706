"""Decide whether a play request that reached its end really played (pure, no VLC)."""

from __future__ import annotations

from dataclasses import dataclass

# A video that stops this far short of the length its header promises was cut short
# (a half-copied USB file): the teacher should hear it failed, not see it "finished".
_EARLY_FRACTION = 0.8
_EARLY_MARGIN_S = 0.3


@dataclass(frozen=True)
class PlayFacts:
    """What was seen while one item played, up to its end."""

    audio_streams: int = 0
    video_streams: int = 0
    length_s: float | None = None  # what the container says, None when unknown
    start_at_s: float = 0.0
    played_s: float = 0.0  # media seconds played, measured or estimated
    seeked: bool = False


def end_reason(facts: PlayFacts) -> str | None:
    """Return why the item failed, or None when reaching the end means it finished."""
    if facts.audio_streams == 0 and facts.video_streams == 0:
        return "no audio or video could be read (damaged or unsupported file)"
    # Audio with VLC's dummy output is not paced by a clock, so only video is judged by time;
    # after a jump (seek, start_at) VLC first races through frames from the previous key
    # frame, so the clock says nothing either.
    if facts.video_streams == 0 or facts.seeked or facts.start_at_s > 0 or not facts.length_s:
        return None
    expected = facts.length_s - facts.start_at_s
    if expected <= 0:
        return None
    if facts.played_s < expected * _EARLY_FRACTION and expected - facts.played_s > _EARLY_MARGIN_S:
        return (
            f"file ends early: played {_clock(facts.played_s + facts.start_at_s)} "
            f"of {_clock(facts.length_s)} (damaged or not fully copied)"
        )
    return None


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
