"""Choose the media player for a mode: VLC into a window, into frames, silent, or a fake."""

from __future__ import annotations

from typing import Callable

from cinema.media.base import MediaUnavailable, Player

MODES = ("window", "frames", "dummy", "fake")

_DEBIAN_HINT = "sudo apt install libvlc5 vlc-plugin-base vlc-plugin-video-output"


def make_player(
    mode: str,
    on_finished: Callable[[int], None],
    on_failed: Callable[[int, str], None],
    rate: float = 1.0,
    **options,
) -> Player:
    """Make a player. Options go to the player: `window_id` (window mode),
    `frame_size` (frames mode), `audio`, `caption_scale` (percent), `hardware_decoding` (bool, on unless
    False) and `on_decoding(token, media, position, reason)` (VLC dropped it for software decoding),
    and for the fake `clock`, `auto_finish_after`.

    Raises MediaUnavailable (one readable line) when libvlc cannot be used.
    """
    if mode == "fake":
        from cinema.media.fake_player import FakePlayer

        return FakePlayer(on_finished, on_failed, **options)
    if mode not in MODES:
        raise ValueError(f"unknown media mode {mode!r}; use one of {', '.join(MODES)}")
    vlc_player = load_vlc_player()
    return vlc_player.VlcPlayer(on_finished, on_failed, mode, rate=rate, **options)


def vlc_available() -> str | None:
    """None when VLC can be used here, else the reason (for `cinema check` and test skips)."""
    try:
        load_vlc_player()
    except MediaUnavailable as exc:
        return str(exc)
    return None


def load_vlc_player():
    """Import the VLC adapter, turning a missing libvlc into MediaUnavailable."""
    try:
        from cinema.media import vlc_player
    except ImportError as exc:
        if "vlc" in str(exc) and "libvlc" not in str(exc):
            raise MediaUnavailable(
                f"python-vlc is not installed: pip install python-vlc ({_DEBIAN_HINT})"
            ) from exc
        raise MediaUnavailable(f"libvlc is missing: {_DEBIAN_HINT}") from exc
    except (OSError, NotImplementedError) as exc:  # python-vlc's "Cannot find libvlc lib"
        raise MediaUnavailable(f"libvlc is missing: {_DEBIAN_HINT}") from exc
    return vlc_player
