"""Media playback: the Player interface, the factory, and the errors it raises."""

from cinema.media.base import MediaUnavailable, Player
from cinema.media.factory import make_player, vlc_available

__all__ = ["MediaUnavailable", "Player", "make_player", "vlc_available"]
