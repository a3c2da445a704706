"""The factory picks a player, and says what to install when libvlc is missing."""

import sys

import pytest

import cinema.media
from cinema.media.base import MediaUnavailable
from cinema.media.factory import make_player
from cinema.media.fake_player import FakePlayer


def test_fake_mode_gives_the_fake_player():
    player = make_player("fake", print, print, auto_finish_after=3.0)
    assert isinstance(player, FakePlayer) and player.auto_finish_after == 3.0


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown media mode"):
        make_player("hologram", print, print)


def test_missing_libvlc_names_the_debian_packages(monkeypatch):
    monkeypatch.setitem(sys.modules, "vlc", None)  # import vlc -> ImportError
    monkeypatch.delitem(sys.modules, "cinema.media.vlc_player", raising=False)
    monkeypatch.delattr(cinema.media, "vlc_player", raising=False)
    with pytest.raises(MediaUnavailable) as caught:
        make_player("dummy", print, print)
    message = str(caught.value)
    assert "\n" not in message and "libvlc5" in message and "vlc-plugin-base" in message
