"""Hardware decoding with real libvlc: a decoder that gives no picture is dropped for software decoding,
the item goes on where it was (same token), the kiosk is told once, and a file no decoder can play still fails."""

from __future__ import annotations

import time

import pytest

from conftest import wait_for

pytestmark = pytest.mark.usefixtures("need_vlc")

# "Hardware" options that make VLC show no picture, as a broken VA-API driver does: the decoder
# skips every frame (the sound plays on), or no decoder opens at all (the item ends at once).
NO_PICTURE = ("--avcodec-skip-frame=4",)
NO_DECODER = ("--codec=nonexistent,none",)


@pytest.fixture
def make(outcomes):
    from cinema.media.vlc_player import VlcPlayer

    made = []

    def _make(mode="frames", **kw):
        changes = kw.pop("changes", [])
        kw.setdefault("audio", False)
        kw.setdefault("frame_size", (160, 120))
        player = VlcPlayer(outcomes.on_finished, outcomes.on_failed, mode,
                           on_decoding=lambda *change: changes.append(change), **kw)
        made.append(player)
        return player

    yield _make
    for player in made:
        player.close()


@pytest.mark.parametrize("hardware, reason", [(NO_PICTURE, "no picture after 0.5 s"),
                                              (NO_DECODER, "ended without a picture")])
def test_a_failing_decoder_falls_back_to_software_and_the_item_goes_on(make, outcomes, clips, hardware, reason):
    changes = []
    player = make(hardware_args=hardware, picture_timeout=0.5, changes=changes)
    assert player.hardware_decoding
    player.play(7, str(clips["three_s.mp4"]), start_at=1.0)
    assert wait_for(lambda: changes, timeout=4), "no fallback"
    [(token, media, position, why)] = changes
    assert (token, media, position) == (7, "three_s.mp4", 1.0) and reason in why
    assert not player.hardware_decoding
    assert wait_for(lambda: player.frame_serial() > 3 and player.position() > 1.3, timeout=3), "no picture in software"
    assert outcomes.wait(1, timeout=4)
    assert [t for t, _ in outcomes.finished] == [7] and outcomes.failed == []
    player.play(8, str(clips["one.mp4"]))  # the next item starts in software at once: no second fallback
    assert outcomes.wait(2, timeout=4)
    assert [t for t, _ in outcomes.finished] == [7, 8] and len(changes) == 1


def test_a_file_no_decoder_can_play_fails_once_and_does_not_loop(make, outcomes, clips):
    changes = []
    player = make(mode="dummy", hardware_args=NO_PICTURE, vlc_args=NO_DECODER, changes=changes)
    player.play(3, str(clips["three_s.mp4"]))
    assert outcomes.wait(1, timeout=4)
    time.sleep(0.5)  # time for a second fallback or a second answer, had there been one
    assert len(changes) == 1 and outcomes.finished == []
    assert [t for t, _, _ in outcomes.failed] == [3]


def test_with_hardware_decoding_off_the_hardware_options_are_not_used(make, outcomes, clips):
    changes = []
    player = make(hardware_decoding=False, hardware_args=NO_PICTURE, picture_timeout=0.3, changes=changes, rate=4.0)
    assert not player.hardware_decoding
    player.play(1, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    assert [t for t, _ in outcomes.finished] == [1] and player.frame_serial() > 0 and changes == []


def test_a_working_decoder_is_kept(make, outcomes, clips):
    changes = []
    player = make(picture_timeout=0.3, changes=changes)  # VLC's own "any": software here (no GPU)
    player.play(1, str(clips["three_s.mp4"]), start_at=2.0)
    assert outcomes.wait(1, timeout=4)
    assert [t for t, _ in outcomes.finished] == [1] and changes == [] and player.hardware_decoding
